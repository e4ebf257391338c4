use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// A progress bar on stderr when it is a terminal and there is more than one item.
pub fn bar(len: usize, what: &str) -> ProgressBar {
    if std::io::stderr().is_terminal() && len > 1 {
        let b = ProgressBar::new(len as u64);
        let template =
            format!("{{bar:40}} {{pos}}/{{len}} {what}, {{elapsed}} elapsed, eta {{eta}}");
        b.set_style(
            ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    }
}

/// Prints what an input walk passed over on purpose, one `note:` line each.
pub fn notes(notes: &[String]) {
    for n in notes {
        eprintln!("note: {n}");
    }
}
