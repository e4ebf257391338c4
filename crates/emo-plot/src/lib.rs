//! Figures: the emotion timeline of a recording (PNG or SVG), the probability
//! of each class over time (one step per segment) above the recording's
//! level in dB, with the segments shaded in both panels; and the font that
//! every figure of emo-pipe labels with.

use plotters::prelude::*;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// Where a TrueType font for the labels is looked for.
const FONT_PATHS: [&str; 4] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/Library/Fonts/Arial.ttf",
];

/// Registers a system TrueType font as `sans-serif` for every figure's
/// labels (once per process); the error says where fonts were looked for.
pub fn register_font() -> Result<(), String> {
    use std::sync::OnceLock;
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        let bytes = FONT_PATHS
            .iter()
            .find_map(|p| std::fs::read(p).ok())
            .ok_or_else(|| format!("no TrueType font found for plot labels (looked in {}; install fonts-dejavu-core)", FONT_PATHS.join(", ")))?;
        let leaked: &'static [u8] = Box::leak(bytes.into_boxed_slice());
        plotters::style::register_font("sans-serif", FontStyle::Normal, leaked)
            .map_err(|_| "the font could not be loaded".to_string())
    })
    .clone()
}

/// The file formats figures are drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureFormat {
    Png,
    Svg,
}

/// The format a figure's file name asks for, from its extension.
pub fn figure_format(path: &Path) -> Option<FigureFormat> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => Some(FigureFormat::Png),
        Some("svg") => Some(FigureFormat::Svg),
        _ => None,
    }
}

/// Why a figure could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    #[error("{path}: plot files must end in .png or .svg")]
    Format { path: PathBuf },
    #[error("{0}")]
    Font(String),
    #[error("{path}: cannot draw the timeline: {reason}")]
    Draw { path: PathBuf, reason: String },
    #[error(transparent)]
    Audio(#[from] emo_audio::AudioError),
}

/// One classified segment.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Start and end in seconds.
    pub start: f64,
    pub end: f64,
    /// Probability of each class, in the model's class order.
    pub probabilities: Vec<f64>,
}

/// The level of a signal in dB re full scale (RMS) over blocks of `block`
/// samples, as (block start in seconds, level), floored at −100 dB.
pub fn level_envelope(samples: &[f32], rate: u32, block: usize) -> Vec<(f64, f64)> {
    let block = block.max(1);
    samples
        .chunks(block)
        .enumerate()
        .map(|(i, c)| {
            let ms = c.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / c.len() as f64;
            (
                (i * block) as f64 / f64::from(rate.max(1)),
                (10.0 * ms.log10()).max(-100.0),
            )
        })
        .collect()
}

/// The level envelope of a file, read block by block: about 2000 points
/// however long the file (blocks of at least 10 ms).
pub fn file_envelope(
    path: &Path,
    read: &emo_audio::ReadOptions,
    duration: f64,
) -> Result<Vec<(f64, f64)>, PlotError> {
    let mut out = Vec::new();
    let mut pending: Vec<f32> = Vec::new();
    let mut offset = 0usize;
    let mut block = 0usize;
    let mut rate = 0u32;
    emo_audio::stream_audio(path, read, &mut |r, b| {
        if block == 0 {
            rate = r;
            block = ((duration * f64::from(r) / 2000.0) as usize)
                .max(r as usize / 100)
                .max(1);
        }
        pending.extend_from_slice(b);
        let whole = pending.len() / block * block;
        for (t, l) in level_envelope(&pending[..whole], r, block) {
            out.push((t + offset as f64 / f64::from(r), l));
        }
        offset += whole;
        pending.drain(..whole);
        ControlFlow::Continue(())
    })?;
    if !pending.is_empty() {
        for (t, l) in level_envelope(&pending, rate, block) {
            out.push((t + offset as f64 / f64::from(rate.max(1)), l));
        }
    }
    Ok(out)
}

/// Colours of the classes, in order (repeating past eight).
const PALETTE: [RGBColor; 8] = [
    RGBColor(214, 39, 40),
    RGBColor(255, 127, 14),
    RGBColor(31, 119, 180),
    RGBColor(127, 127, 127),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
];

/// Draws the timeline of one recording into a `.png` or `.svg` file.
pub fn timeline(
    path: &Path,
    title: &str,
    classes: &[String],
    decisions: &[Decision],
    envelope: &[(f64, f64)],
    duration: f64,
) -> Result<(), PlotError> {
    let size = (1200u32, 520u32);
    let t = Timeline {
        title,
        classes,
        decisions,
        envelope,
        duration: duration.max(1e-3),
    };
    let format = figure_format(path).ok_or_else(|| PlotError::Format {
        path: path.to_owned(),
    })?;
    // Both backends lay text out with the font's metrics, so SVG needs it too.
    register_font().map_err(PlotError::Font)?;
    let r = match format {
        FigureFormat::Svg => t.draw(SVGBackend::new(path, size).into_drawing_area()),
        FigureFormat::Png => t.draw(BitMapBackend::new(path, size).into_drawing_area()),
    };
    r.map_err(|reason| PlotError::Draw {
        path: path.to_owned(),
        reason,
    })
}

struct Timeline<'a> {
    title: &'a str,
    classes: &'a [String],
    decisions: &'a [Decision],
    envelope: &'a [(f64, f64)],
    duration: f64,
}

impl Timeline<'_> {
    fn draw<DB: DrawingBackend>(
        &self,
        root: DrawingArea<DB, plotters::coord::Shift>,
    ) -> Result<(), String> {
        let draw = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let (title, classes, decisions, envelope, duration) = (
            self.title,
            self.classes,
            self.decisions,
            self.envelope,
            self.duration,
        );
        root.fill(&WHITE).map_err(draw)?;
        let (top, bottom) = root.split_vertically(360);
        let shade = RGBColor(225, 225, 225);

        let mut chart = ChartBuilder::on(&top)
            .caption(title, ("sans-serif", 18))
            .margin(8)
            .x_label_area_size(0)
            .y_label_area_size(50)
            .build_cartesian_2d(0.0..duration, 0.0..1.0)
            .map_err(draw)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc("probability")
            .draw()
            .map_err(draw)?;
        for d in decisions {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(d.start, 0.0), (d.end, 1.0)],
                    shade.filled(),
                )))
                .map_err(draw)?;
        }
        for (c, name) in classes.iter().enumerate() {
            let colour = PALETTE[c % PALETTE.len()];
            // one flat step per segment, nothing drawn between segments
            let steps = decisions.iter().map(|d| {
                let p = d.probabilities.get(c).copied().unwrap_or(0.0);
                PathElement::new(vec![(d.start, p), (d.end, p)], colour.stroke_width(3))
            });
            chart
                .draw_series(steps)
                .map_err(draw)?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(3))
                });
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(draw)?;

        let floor = envelope
            .iter()
            .map(|p| p.1)
            .fold(0.0f64, f64::min)
            .max(-100.0)
            .floor();
        let mut level = ChartBuilder::on(&bottom)
            .margin(8)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(0.0..duration, floor..0.0)
            .map_err(draw)?;
        level
            .configure_mesh()
            .disable_x_mesh()
            .x_desc("time (s)")
            .y_desc("level (dBFS)")
            .draw()
            .map_err(draw)?;
        for d in decisions {
            level
                .draw_series(std::iter::once(Rectangle::new(
                    [(d.start, floor), (d.end, 0.0)],
                    shade.filled(),
                )))
                .map_err(draw)?;
        }
        level
            .draw_series(LineSeries::new(
                envelope.iter().copied(),
                BLACK.stroke_width(1),
            ))
            .map_err(draw)?;
        root.present().map_err(draw)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_of_a_full_scale_square_wave_is_0_db_and_silence_is_floored() {
        let x: Vec<f32> = (0..1600)
            .map(|i| {
                if i < 800 {
                    if i % 2 == 0 {
                        1.0
                    } else {
                        -1.0
                    }
                } else {
                    0.0
                }
            })
            .collect();
        let e = level_envelope(&x, 16000, 400);
        assert_eq!(e.len(), 4);
        assert_eq!(e[1], (0.025, 0.0));
        assert_eq!(e[3], (0.075, -100.0));
        // a sine of amplitude 0.1: −23 dB
        let s: Vec<f32> = (0..16000).map(|i| 0.1 * (i as f32 * 0.2).sin()).collect();
        let l = level_envelope(&s, 16000, 16000)[0].1;
        assert!(
            (l - (20.0 * (0.1f64 / 2f64.sqrt()).log10())).abs() < 0.01,
            "{l}"
        );
    }

    #[test]
    fn a_timeline_is_an_svg_or_png_with_every_class_and_other_names_are_refused() {
        let dir = std::env::temp_dir().join(format!("emo-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let classes: Vec<String> = ["anger", "neutral"].map(String::from).to_vec();
        let d = vec![
            Decision {
                start: 0.5,
                end: 2.0,
                probabilities: vec![0.8, 0.2],
            },
            Decision {
                start: 3.0,
                end: 4.0,
                probabilities: vec![0.1, 0.9],
            },
        ];
        let env = vec![(0.0, -60.0), (1.0, -20.0), (2.0, -60.0)];
        let e = timeline(&dir.join("t.gif"), "x", &classes, &d, &env, 5.0).unwrap_err();
        assert!(e.to_string().contains("t.gif") && e.to_string().contains(".png or .svg"));
        // drawing needs a font (.ci/run installs one); without it, a named error
        if let Err(e) = register_font() {
            let err = timeline(&dir.join("t.svg"), "x", &classes, &d, &env, 5.0).unwrap_err();
            assert!(err.to_string().contains("font") && e.contains("fonts-dejavu-core"));
        } else {
            let p = dir.join("t.svg");
            timeline(&p, "rec.wav", &classes, &d, &env, 5.0).unwrap();
            let svg = std::fs::read_to_string(&p).unwrap();
            assert!(svg.starts_with("<svg") && svg.contains("anger") && svg.contains("neutral"));
            let p = dir.join("t.png");
            timeline(&p, "rec.wav", &classes, &d, &env, 5.0).unwrap();
            assert_eq!(&std::fs::read(&p).unwrap()[1..4], b"PNG");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
