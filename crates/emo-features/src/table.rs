//! Feature tables: CSV as openSMILE's references are laid out (`name`, then one
//! column per feature), ARFF as openSMILE writes it, frame-level LLD CSVs, and a
//! reader that names the file and line of anything malformed.

use emo_lld::{contour_name, lld_base_names, Contours};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// A table of named rows of features.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeatureTable {
    pub columns: Vec<String>,
    pub rows: Vec<(String, Vec<f32>)>,
    /// Start and end in seconds of each row, for windowed features (one row
    /// per segment of a recording); empty for one row per file. Written as
    /// `start` and `end` columns after `name`, as opensmile-python's segment
    /// index has them.
    pub times: Vec<(f64, f64)>,
}

/// Output format of [`FeatureTable::write`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Arff,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "csv" => Ok(Format::Csv),
            "arff" => Ok(Format::Arff),
            other => Err(format!("unknown format '{other}' (expected csv or arff)")),
        }
    }
}

/// A malformed or unreadable table.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {reason}")]
    Parse {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

/// Appends `v` as `{}` (`Display`) writes it: the shortest digits that read back
/// to the same float, in positional notation, integers without a fraction. The
/// digits come from `zmij`, about three times faster than `Display` on a table
/// of features; its layout (`1.0`, `1.5e-7`) is rewritten here. Where two shortest
/// texts are equally close to `v`, zmij takes the even last digit and `Display`
/// the larger magnitude: those values go through `Display` itself.
pub(crate) fn push_number(s: &mut String, v: f32) {
    let start = s.len();
    push_positional(s, zmij::Buffer::new().format(v));
    if is_decimal_tie(v, fraction_digits(&s[start..])) {
        s.truncate(start);
        let _ = write!(s, "{v}");
    }
}

/// Appends a number zmij wrote (`-1.0`, `0.25`, `1.5e-7`, `3e20`, `NaN`) in
/// `Display`'s layout: positional, no fraction on integers.
fn push_positional(s: &mut String, text: &str) {
    // a byte search: `split_once` with a char pattern costs more than the
    // formatting on these short texts
    let Some((mantissa, exp)) = text
        .bytes()
        .position(|b| b == b'e')
        .map(|at| (&text[..at], &text[at + 1..]))
    else {
        s.push_str(text.strip_suffix(".0").unwrap_or(text));
        return;
    };
    // `exp` is a decimal exponent zmij wrote itself, so it always parses
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let (int, frac) = match mantissa.bytes().position(|b| b == b'.') {
        Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
        None => (mantissa, ""),
    };
    let digits = int.len() + frac.len();
    // digits before the decimal point in positional notation
    let point = int.len() as i32 + exp;
    s.push_str(sign);
    if point <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-point) as usize));
        s.push_str(int);
        s.push_str(frac);
    } else if point as usize >= digits {
        s.push_str(int);
        s.push_str(frac);
        s.extend(std::iter::repeat_n('0', point as usize - digits));
    } else if point as usize <= int.len() {
        let (head, tail) = int.split_at(point as usize);
        s.push_str(head);
        s.push('.');
        s.push_str(tail);
        s.push_str(frac);
    } else {
        let (head, tail) = frac.split_at(point as usize - int.len());
        s.push_str(int);
        s.push_str(head);
        s.push('.');
        s.push_str(tail);
    }
}

/// Digits after the decimal point of a positional number.
fn fraction_digits(text: &str) -> usize {
    text.bytes()
        .position(|b| b == b'.')
        .map_or(0, |p| text.len() - p - 1)
}

/// True if `v`, written with `k` fraction digits, lies exactly halfway between
/// two such texts. A float m·2^e (m odd) is halfway only if e = −(k+1), and a
/// shortest text that long has k ≤ 11 for an `f32`, so v·10^k (24 + 2.33k bits)
/// is exact in `f64` wherever it matters.
fn is_decimal_tie(v: f32, k: usize) -> bool {
    // 10^k, all exact in f64
    const POW10: [f64; 13] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
    ];
    if k >= POW10.len() {
        return false;
    }
    // halfway: twice v·10^k (exact) is an odd integer. Tested by a round
    // trip through u64, not `fract`, which without SSE4.1 is a call to libm's
    // `trunc` for every number written; from 2^53 on every f64 is even.
    let twice = 2.0 * f64::from(v).abs() * POW10[k];
    twice < 9007199254740992.0 && (twice as u64) as f64 == twice && (twice as u64) % 2 == 1
}

/// A CSV field, quoted where it must be.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn split_csv_line(line: &str) -> Vec<String> {
    if !line.contains('"') {
        return line.split(',').map(String::from).collect();
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

impl FeatureTable {
    /// Whether rows carry start and end times.
    fn timed(&self) -> bool {
        !self.times.is_empty()
    }

    /// Serialises the table.
    pub fn to_string(&self, format: Format) -> String {
        self.to_string_with_threads(format, 1)
    }

    /// [`FeatureTable::to_string`] with the rows formatted on `threads`
    /// threads (0: all cores): the same text.
    pub fn to_string_with_threads(&self, format: Format, threads: usize) -> String {
        let mut s = self.header(format);
        self.for_each_block(format, threads, |block| {
            s.push_str(block);
            Ok(())
        })
        .unwrap_or(()); // pushing to a String cannot fail
        s
    }

    /// The rows as text, in blocks handed to `sink` in order. With more than
    /// one thread the blocks are formatted in parallel first: a corpus's
    /// table holds millions of numbers, and formatting them one thread after
    /// a parallel extraction was its one serial part. On one thread each
    /// block goes to `sink` as soon as it is formatted, so no text of the
    /// whole table is held at once.
    fn for_each_block(
        &self,
        format: Format,
        threads: usize,
        mut sink: impl FnMut(&str) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        use rayon::prelude::*;
        let (n, block) = (self.rows.len(), 32);
        let rows = |b: usize| b * block..((b + 1) * block).min(n);
        if threads == 1 || n < 2 * block {
            let mut s = String::new();
            for b in 0..n.div_ceil(block) {
                s.clear();
                self.push_rows(&mut s, rows(b), format);
                sink(&s)?;
            }
            return Ok(());
        }
        let parts: Vec<String> = crate::batch::in_pool(threads, || {
            (0..n.div_ceil(block))
                .into_par_iter()
                .map(|b| {
                    let mut s = String::new();
                    self.push_rows(&mut s, rows(b), format);
                    s
                })
                .collect()
        });
        parts.iter().try_for_each(|p| sink(p))
    }

    fn header(&self, format: Format) -> String {
        let mut s = String::new();
        match format {
            Format::Csv => {
                s.push_str("name");
                if self.timed() {
                    s.push_str(",start,end");
                }
                for c in &self.columns {
                    s.push(',');
                    s.push_str(&csv_field(c));
                }
                s.push('\n');
            }
            Format::Arff => {
                s.push_str("@relation 'openSMILE_features'\n\n@attribute name string\n");
                if self.timed() {
                    s.push_str("@attribute start numeric\n@attribute end numeric\n");
                }
                for c in &self.columns {
                    let _ = writeln!(s, "@attribute {c} numeric");
                }
                s.push_str("@attribute class numeric\n\n@data\n\n");
            }
        }
        s
    }

    fn push_rows(&self, s: &mut String, rows: std::ops::Range<usize>, format: Format) {
        for i in rows {
            let (name, values) = &self.rows[i];
            match format {
                Format::Csv => s.push_str(&csv_field(name)),
                Format::Arff => {
                    let _ = write!(s, "'{}'", name.replace('\'', "\\'"));
                }
            }
            if let Some((a, b)) = self.times.get(i) {
                let _ = write!(s, ",{a:.3},{b:.3}");
            }
            for &v in values {
                s.push(',');
                push_number(s, v);
            }
            s.push_str(match format {
                Format::Csv => "\n",
                Format::Arff => ",?\n",
            });
        }
    }

    /// Writes the table atomically: to a temporary file beside the target, then
    /// renamed over it, so a reader never sees half a table.
    pub fn write(&self, path: &Path, format: Format) -> Result<(), TableError> {
        self.write_with_threads(path, format, 1)
    }

    /// [`FeatureTable::write`], formatting on `threads` threads (0: all cores).
    pub fn write_with_threads(
        &self,
        path: &Path,
        format: Format,
        threads: usize,
    ) -> Result<(), TableError> {
        write_atomic_with(path, |f| {
            f.write_all(self.header(format).as_bytes())?;
            self.for_each_block(format, threads, |block| f.write_all(block.as_bytes()))
        })
    }

    /// Reads a CSV whose first column is `name` (openSMILE's reference layout).
    pub fn read_csv(path: &Path) -> Result<Self, TableError> {
        let (header, lines) = read_csv_cells(path)?;
        if header.len() < 2 {
            return Err(parse_error(
                path,
                1,
                "the header has fewer than two columns".into(),
            ));
        }
        let timed = header.len() >= 4 && header[1] == "start" && header[2] == "end";
        let first = if timed { 3 } else { 1 };
        let columns: Vec<String> = header[first..].to_vec();
        let mut rows = Vec::with_capacity(lines.len());
        let mut times = Vec::new();
        for (lineno, fields) in lines {
            if timed {
                let time = |k: usize| -> Result<f64, TableError> {
                    match fields[k].trim().parse::<f64>() {
                        Ok(t) if t.is_finite() => Ok(t),
                        _ => Err(parse_error(
                            path,
                            lineno,
                            format!("column '{}': '{}' is not a time", header[k], fields[k]),
                        )),
                    }
                };
                times.push((time(1)?, time(2)?));
            }
            let mut values = Vec::with_capacity(columns.len());
            for (j, f) in fields[first..].iter().enumerate() {
                let v: f32 = f.trim().parse().map_err(|_| {
                    parse_error(
                        path,
                        lineno,
                        format!("column '{}': '{}' is not a number", columns[j], f),
                    )
                })?;
                if !v.is_finite() {
                    return Err(parse_error(
                        path,
                        lineno,
                        format!("column '{}': value {} is not finite", columns[j], f),
                    ));
                }
                values.push(v);
            }
            let mut fields = fields;
            rows.push((std::mem::take(&mut fields[0]), values));
        }
        Ok(FeatureTable {
            columns,
            rows,
            times,
        })
    }
}

pub(crate) fn parse_error(path: &Path, line: usize, reason: String) -> TableError {
    TableError::Parse {
        path: path.to_owned(),
        line,
        reason,
    }
}

/// The cells of a CSV: its header and its data lines with their line numbers.
pub(crate) type CsvCells = (Vec<String>, Vec<(usize, Vec<String>)>);

/// The header and the data lines (with their line numbers) of a CSV file, every
/// line checked to have as many fields as the header; blank lines are skipped.
pub(crate) fn read_csv_cells(path: &Path) -> Result<CsvCells, TableError> {
    let io = |source| TableError::Io {
        path: path.to_owned(),
        source,
    };
    let mut lines = BufReader::new(std::fs::File::open(path).map_err(io)?).lines();
    let header = match lines.next() {
        Some(h) => split_csv_line(h.map_err(io)?.trim_end_matches('\r')),
        None => return Err(parse_error(path, 1, "empty file: no header".into())),
    };
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let line = line.map_err(io)?;
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let fields = split_csv_line(line);
        if fields.len() != header.len() {
            return Err(parse_error(
                path,
                i + 2,
                format!("{} fields, the header has {}", fields.len(), header.len()),
            ));
        }
        rows.push((i + 2, fields));
    }
    Ok((header, rows))
}

/// Writes bytes to `path` through a temporary file in the same directory and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), TableError> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// [`write_atomic`] of what `fill` writes to the temporary file.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), TableError> {
    let io = |source| TableError::Io {
        path: path.to_owned(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        fill(&mut f)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// Frame-level contours as CSV, laid out like openSMILE's LLD references:
/// `frameTime`, 38 `_sma` columns, 38 `_sma_de` columns; the two extra delta
/// rows leave the LLD cells empty and repeat the last time stamp.
pub fn lld_csv(c: &Contours) -> String {
    let names = lld_base_names();
    let mut s = String::from("frameTime");
    for suffix in ["_sma", "_sma_de"] {
        for n in &names {
            s.push(',');
            s.push_str(&contour_name(n, suffix));
        }
    }
    s.push('\n');
    let rows = c.delta.first().map_or(0, Vec::len);
    for r in 0..rows {
        let t = c.frame_time(r);
        let _ = write!(s, "{}", (t * 1e6).round() / 1e6);
        for col in &c.sma {
            s.push(',');
            if let Some(&v) = col.get(r) {
                push_number(&mut s, v);
            }
        }
        for col in &c.delta {
            s.push(',');
            push_number(&mut s, col[r]);
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number_text(v: f32) -> String {
        let mut s = String::new();
        push_number(&mut s, v);
        s
    }

    fn assert_as_display_f32(v: f32) {
        assert_eq!(number_text(v), v.to_string(), "bits {:#010x}", v.to_bits());
    }

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        for v in [
            0.0f32,
            -0.0,
            1.0,
            -3.0,
            0.1,
            1e-7,
            -2.5e-12,
            1.5e20,
            123456790.0,
            f32::MIN_POSITIVE,
            1e-45,
            f32::MAX,
            f32::MIN,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            -201.0,
            0.0074064936,
            -2110626.2, // halfway between two shortest texts
        ] {
            assert_as_display_f32(v);
        }
        // a spread of bit patterns over every exponent, both signs
        let mut state = 0x9e37_79b9u32;
        for _ in 0..1_000_000 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            assert_as_display_f32(f32::from_bits(state));
        }
    }

    /// Every one of the 2^32 floats (23 minutes on 2 cores, 2026-12-06: passed):
    /// `cargo test --release -p emo-features -- --ignored every_f32`.
    #[test]
    #[ignore]
    fn every_f32_is_written_as_display_writes_it() {
        use rayon::prelude::*;
        (0..=u16::MAX).into_par_iter().for_each(|hi| {
            let mut s = String::new();
            for lo in 0..=u16::MAX {
                let v = f32::from_bits((u32::from(hi) << 16) | u32::from(lo));
                s.clear();
                push_number(&mut s, v);
                if s != v.to_string() {
                    panic!("bits {:#010x}: {s} against {v}", v.to_bits());
                }
            }
        });
    }

    #[test]
    fn tables_formatted_on_several_threads_are_the_same_text() {
        let rows: Vec<(String, Vec<f32>)> = (0..200)
            .map(|i| {
                (
                    format!("clip'{i}"),
                    (0..7).map(|j| (i * 7 + j) as f32 / 3.0).collect(),
                )
            })
            .collect();
        let mut t = FeatureTable {
            columns: (0..7).map(|j| format!("f{j}")).collect(),
            rows,
            times: Vec::new(),
        };
        for format in [Format::Csv, Format::Arff] {
            for timed in [false, true] {
                t.times = if timed {
                    (0..200).map(|i| (i as f64, i as f64 + 0.5)).collect()
                } else {
                    Vec::new()
                };
                let one = t.to_string(format);
                for threads in [0, 2, 3] {
                    assert_eq!(t.to_string_with_threads(format, threads), one);
                }
            }
        }
    }

    #[test]
    fn csv_round_trip() {
        let t = FeatureTable {
            times: Vec::new(),
            columns: vec!["a".into(), "b[1]".into()],
            rows: vec![
                ("x,1".into(), vec![1.5, -2.0e-7]),
                ("y".into(), vec![0.0, 3.0]),
            ],
        };
        let dir = std::env::temp_dir().join(format!("emo-table-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("t.csv");
        t.write(&p, Format::Csv).unwrap();
        assert_eq!(FeatureTable::read_csv(&p).unwrap(), t);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn malformed_csv_names_file_and_line() {
        let dir = std::env::temp_dir().join(format!("emo-table-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("bad.csv");
        std::fs::write(&p, "name,a,b\nx,1,2\ny,1,zz\n").unwrap();
        let e = FeatureTable::read_csv(&p).unwrap_err().to_string();
        assert!(e.contains("bad.csv:3") && e.contains("'zz'"), "{e}");
        std::fs::write(&p, "name,a,b\nx,1\n").unwrap();
        let e = FeatureTable::read_csv(&p).unwrap_err().to_string();
        assert!(e.contains("bad.csv:2") && e.contains("2 fields"), "{e}");
        std::fs::write(&p, "").unwrap();
        assert!(FeatureTable::read_csv(&p)
            .unwrap_err()
            .to_string()
            .contains("empty"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn arff_layout() {
        let t = FeatureTable {
            times: Vec::new(),
            columns: vec!["f".into()],
            rows: vec![("clip".into(), vec![2.0])],
        };
        let s = t.to_string(Format::Arff);
        assert!(s.starts_with("@relation 'openSMILE_features'"));
        assert!(s.contains("@attribute f numeric"));
        assert!(s.ends_with("'clip',2,?\n"));
    }

    #[test]
    fn timed_rows_round_trip_with_start_and_end_after_the_name() {
        let t = FeatureTable {
            columns: vec!["f".into()],
            rows: vec![("rec".into(), vec![2.0]), ("rec".into(), vec![3.0])],
            times: vec![(0.0, 1.25), (1.0, 3600.5)],
        };
        let s = t.to_string(Format::Csv);
        assert_eq!(
            s,
            "name,start,end,f\nrec,0.000,1.250,2\nrec,1.000,3600.500,3\n"
        );
        let dir = std::env::temp_dir().join(format!("emo-timed-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("t.csv");
        std::fs::write(&p, &s).unwrap();
        assert_eq!(FeatureTable::read_csv(&p).unwrap(), t);
        std::fs::write(&p, "name,start,end,f\nrec,x,1,2\n").unwrap();
        let e = FeatureTable::read_csv(&p).unwrap_err().to_string();
        assert!(e.contains("t.csv:2") && e.contains("'start'"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(t
            .to_string(Format::Arff)
            .contains("@attribute end numeric\n@attribute f numeric"));
    }
}
