//! Confusion-matrix plots (PNG or SVG) with plotters.

use crate::Report;
use plotters::prelude::*;
use std::path::Path;

/// Draws the report's confusion matrix (rows normalised to recall) to a
/// `.png` or `.svg` file.
pub fn plot_confusion(report: &Report, path: &Path) -> Result<(), String> {
    emo_plot::register_font()?;
    let size = (640u32, 560u32);
    match emo_plot::figure_format(path) {
        Some(emo_plot::FigureFormat::Svg) => {
            draw(report, SVGBackend::new(path, size).into_drawing_area())
        }
        Some(emo_plot::FigureFormat::Png) => {
            draw(report, BitMapBackend::new(path, size).into_drawing_area())
        }
        None => Err(format!(
            "{}: plot files must end in .png or .svg",
            path.display()
        )),
    }
}

fn draw<DB: DrawingBackend>(
    report: &Report,
    root: DrawingArea<DB, plotters::coord::Shift>,
) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let n = report.classes.len() as f64;
    let conf = &report.metrics.confusion;
    let title = format!(
        "{}: UAR {:.1}%, WA {:.1}%",
        report.system,
        100.0 * report.metrics.uar,
        100.0 * report.metrics.war
    );
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(110)
        .build_cartesian_2d(0.0..n, 0.0..n)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .disable_y_axis()
        .x_desc("predicted")
        .y_desc("true")
        .draw()
        .map_err(err)?;
    let centred = |size: i32| {
        ("sans-serif", size)
            .into_font()
            .style(FontStyle::Normal)
            .into_text_style(&root)
            .pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Center,
            ))
    };
    for (t, row) in conf.iter().enumerate() {
        let total: usize = row.iter().sum::<usize>().max(1);
        let y = n - 1.0 - t as f64;
        for (p, &v) in row.iter().enumerate() {
            let share = v as f64 / total as f64;
            let shade = (255.0 * (1.0 - share)) as u8;
            let x = p as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x, y), (x + 1.0, y + 1.0)],
                    RGBColor(shade, shade, 255).filled(),
                )))
                .map_err(err)?;
            let colour = if share > 0.5 { WHITE } else { BLACK };
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{v} ({:.0}%)", 100.0 * share),
                    (x + 0.5, y + 0.5),
                    centred(17).color(&colour),
                )))
                .map_err(err)?;
        }
    }
    // class names centred on the cells, drawn in pixel space beside the plot
    for (i, c) in report.classes.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        root.draw(&Text::new(c.clone(), (px, py + 14), centred(15)))
            .map_err(err)?;
        let (qx, qy) = chart.backend_coord(&(0.0, n - 1.0 - i as f64 + 0.5));
        root.draw(&Text::new(
            c.clone(),
            (qx - 8, qy),
            centred(15).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Right,
                plotters::style::text_anchor::VPos::Center,
            )),
        ))
        .map_err(err)?;
    }
    root.present().map_err(err)
}
