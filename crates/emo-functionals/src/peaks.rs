//! Peaks and slopes of a contour as openSMILE's peak functionals define them:
//! local maxima and minima that survive a minimum-rise threshold and an
//! alternation rule, the count of maxima per second, and the mean and standard
//! deviation of the rising (minimum to maximum) and falling (maximum to
//! minimum) slopes, used by eGeMAPS (Eyben et al. 2016, §3.2) for F0 and
//! loudness. Arithmetic is `f32` as in openSMILE.

#[derive(Debug, Clone, Copy)]
struct Extremum {
    is_max: bool,
    y: f32,
    x: usize,
    alive: bool,
}

/// Peak statistics of one contour.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PeakStats {
    /// Maxima kept.
    pub n_peaks: usize,
    /// Slopes in units per second.
    pub mean_rising: f32,
    pub stddev_rising: f32,
    pub mean_falling: f32,
    pub stddev_falling: f32,
}

/// Peak statistics of `x` sampled every `period` seconds; extrema must rise or
/// fall by at least `rel_thresh` of the contour's range.
pub fn peak_stats(x: &[f32], rel_thresh: f32, period: f32) -> PeakStats {
    let n = x.len();
    if n == 0 {
        return PeakStats::default();
    }
    let (mut lo, mut hi) = (x[0], x[0]);
    for &v in x {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let thresh = rel_thresh * (hi - lo);
    let below = |d: f32| d < thresh;
    let mut e: Vec<Extremum> = Vec::new();
    for i in 2..n.saturating_sub(2) {
        if x[i] > x[i - 1] && x[i] > x[i + 1] {
            e.push(Extremum {
                is_max: true,
                y: x[i],
                x: i,
                alive: true,
            });
        } else if x[i] < x[i - 1] && x[i] < x[i + 1] {
            e.push(Extremum {
                is_max: false,
                y: x[i],
                x: i,
                alive: true,
            });
        }
    }
    // 1: a maximum that barely rises is merged into its neighbours
    let (mut last_val, mut last_min, mut last_max) = (x[0], x[0], x[0]);
    let mut min_flag = false;
    let mut last_max_at: Option<usize> = None;
    for k in 0..e.len() {
        let y = e[k].y;
        if e[k].is_max {
            if below((y - last_val).abs()) {
                if below(y - last_min) {
                    e[k].alive = false;
                } else {
                    if y > last_max * 1.05 {
                        if let Some(p) = last_max_at {
                            e[p].alive = false;
                        }
                        last_max = y;
                        last_max_at = Some(k);
                    } else if min_flag {
                        last_max = y;
                        last_max_at = Some(k);
                    } else {
                        e[k].alive = false;
                    }
                    min_flag = false;
                }
            } else {
                min_flag = false;
                last_max = y;
                last_max_at = Some(k);
            }
        } else if !below((y - last_val).abs()) {
            min_flag = true;
            last_min = y;
        }
        last_val = y;
    }
    // 2: a minimum too close below the last maximum goes
    let mut last_max = x[0];
    for k in 0..e.len() {
        if !e[k].alive {
            continue;
        }
        if e[k].is_max {
            last_max = e[k].y;
        } else if below(last_max - e[k].y) {
            e[k].alive = false;
        }
    }
    // 3: alternate: of consecutive maxima keep the highest, of minima the lowest
    let (mut last_min, mut last_max) = (x[0], x[0]);
    let (mut min_flag, mut init) = (false, true);
    let (mut last_min_at, mut last_max_at): (Option<usize>, Option<usize>) = (None, None);
    for k in 0..e.len() {
        if !e[k].alive {
            continue;
        }
        let y = e[k].y;
        if !e[k].is_max {
            if !min_flag || init {
                last_min = y;
                last_min_at = Some(k);
                min_flag = true;
                init = false;
            } else if y >= last_min {
                e[k].alive = false;
            } else {
                if let Some(p) = last_min_at.filter(|&p| p != k) {
                    e[p].alive = false;
                }
                last_min_at = Some(k);
                last_min = y;
            }
        } else if min_flag || init {
            last_max = y;
            last_max_at = Some(k);
            min_flag = false;
            init = false;
        } else if y <= last_max {
            e[k].alive = false;
        } else {
            if let Some(p) = last_max_at.filter(|&p| p != k) {
                e[p].alive = false;
            }
            last_max_at = Some(k);
            last_max = y;
        }
    }
    let kept: Vec<Extremum> = e.into_iter().filter(|v| v.alive).collect();
    let mut s = PeakStats {
        n_peaks: kept.iter().filter(|v| v.is_max).count(),
        ..Default::default()
    };
    // slopes between consecutive kept extrema, starting from the first sample
    let slope = |a: f32, b: f32, dx: usize| (a - b) / (dx as f32 * period);
    let (mut n_rise, mut n_fall) = (0usize, 0usize);
    let (mut last_max, mut last_max_pos) = (x[0], 0usize);
    let (mut last_min, mut last_min_pos) = (x[0], 0usize);
    let mut last_is_max: Option<bool> = None;
    let mut rising = Vec::new();
    let mut falling = Vec::new();
    for v in &kept {
        if v.is_max {
            last_max = v.y;
            last_max_pos = v.x;
            if last_max_pos > last_min_pos {
                rising.push(slope(last_max, last_min, last_max_pos - last_min_pos));
                last_is_max = Some(true);
            }
        } else {
            last_min = v.y;
            last_min_pos = v.x;
            if last_min_pos > last_max_pos {
                falling.push(slope(last_max, last_min, last_min_pos - last_max_pos));
                last_is_max = Some(false);
            }
        }
    }
    let mut sum_rise: f32 = rising.iter().sum();
    let mut sum_fall: f32 = falling.iter().sum();
    n_rise += rising.len();
    n_fall += falling.len();
    // the stretch after the last extremum counts towards the mean only
    match last_is_max {
        Some(true) if n - 1 > last_max_pos => {
            sum_fall += slope(x[n - 1], last_max, n - 1 - last_max_pos);
            n_fall += 1;
        }
        Some(false) if n - 1 > last_min_pos => {
            sum_rise += slope(x[n - 1], last_min, n - 1 - last_min_pos);
            n_rise += 1;
        }
        None => {
            // no extremum: one slope over the whole contour, per frame
            let d = (x[n - 1] - x[0]) / n as f32;
            if d > 0.0 {
                sum_rise = d;
                n_rise = 1;
            } else if d < 0.0 {
                sum_fall = d;
                n_fall = 1;
            }
        }
        _ => {}
    }
    s.mean_rising = if n_rise > 1 {
        sum_rise / n_rise as f32
    } else {
        sum_rise
    };
    s.mean_falling = if n_fall > 1 {
        sum_fall / n_fall as f32
    } else {
        sum_fall
    };
    let spread = |v: &[f32], mean: f32, count: usize| {
        let mut acc: f32 = v.iter().map(|&s| (s - mean) * (s - mean)).sum();
        if count > 1 {
            acc /= count as f32;
        }
        if acc > 0.0 {
            acc.sqrt()
        } else {
            0.0
        }
    };
    s.stddev_rising = spread(&rising, s.mean_rising, n_rise);
    s.stddev_falling = spread(&falling, s.mean_falling, n_fall);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_triangle_wave_by_hand() {
        // 0 → 10 over 5 frames, back to 0, twice: frames 10 ms
        let mut x = Vec::new();
        for _ in 0..2 {
            x.extend((0..5).map(|i| 2.0 * i as f32));
            x.extend((0..5).map(|i| 10.0 - 2.0 * i as f32));
        }
        x.push(0.0);
        let s = peak_stats(&x, 0.1, 0.01);
        // maxima at 5 and 15 (value 10), minimum at 10 (value 0)
        assert_eq!(s.n_peaks, 2);
        // every slope is 10 per 5 frames = 200 per second; the fall after the
        // last maximum enters the mean as (x[N−1] − max)/Δt = −200 (openSMILE's
        // sign), so the falling mean is (200 − 200)/2 = 0 and its deviation,
        // taken over the one listed fall, is √((200 − 0)²/2)
        assert!((s.mean_rising - 200.0).abs() < 1e-3, "{s:?}");
        assert!(s.stddev_rising.abs() < 1e-3);
        assert!(s.mean_falling.abs() < 1e-3);
        assert!((s.stddev_falling - 20000f32.sqrt()).abs() < 1e-2);
    }

    #[test]
    fn small_ripples_are_not_peaks() {
        // a rise with a 1 % ripple on top
        let x: Vec<f32> = (0..40)
            .map(|i| i as f32 + if i % 4 == 0 { 0.3 } else { 0.0 })
            .collect();
        let s = peak_stats(&x, 0.1, 0.01);
        assert_eq!(s.n_peaks, 0);
    }

    #[test]
    fn a_monotonic_contour_has_one_per_frame_slope() {
        let x = [1.0f32, 2.0, 3.0, 4.0];
        let s = peak_stats(&x, 0.1, 0.01);
        assert_eq!(s.n_peaks, 0);
        assert_eq!(s.mean_rising, 3.0 / 4.0);
        assert_eq!(s.mean_falling, 0.0);
    }
}
