//! Order statistics of integer keys: the values at a few ranks, by selection.
//!
//! Where the processor has AVX-512, the keys are split three ways around a
//! pivot sixteen at a time (compare into a mask, compress each side into a
//! register, store it whole and advance by its count), into scratch, and only
//! the parts holding a wanted rank are split further; parts of at most
//! [`SMALL`] keys are sorted. Elsewhere [`crate::place_ranks`] does the work.
//! The value at a rank of a total order is the same whichever way it is found.

/// Parts this small are sorted instead of split.
const SMALL: usize = 16;

/// `out[j]` = the key of rank `ranks[j]` (ascending, distinct, each below
/// `keys.len()`) among `keys`, as a full sort would place it. `scratch` is
/// reused between calls.
pub(crate) fn values_at_ranks(
    keys: &[i32],
    ranks: &[usize],
    out: &mut [i32],
    scratch: &mut Vec<i32>,
) {
    assert!(out.len() == ranks.len());
    assert!(ranks.windows(2).all(|w| w[0] < w[1]) && ranks.last().is_none_or(|&r| r < keys.len()));
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f")
        && std::arch::is_x86_feature_detected!("popcnt")
    {
        // room for every level of splits while parts halve, with slack
        // for whole-register stores; a part that finds too little of it is
        // placed by the portable selection instead
        // (grown, never cleared: every key is written before it is read)
        let need = 8 * keys.len() + 32 * SMALL;
        if scratch.len() < need {
            scratch.resize(need, 0);
        }
        // SAFETY: AVX-512F and POPCNT are available (checked just above).
        unsafe { avx512::select(keys, ranks, 0, out, scratch) };
        return;
    }
    values_at_ranks_plain(keys, ranks, out, scratch)
}

/// [`values_at_ranks`] by [`crate::place_ranks`] on a copy.
pub(crate) fn values_at_ranks_plain(
    keys: &[i32],
    ranks: &[usize],
    out: &mut [i32],
    scratch: &mut Vec<i32>,
) {
    scratch.clear();
    scratch.extend_from_slice(keys);
    crate::place_ranks(scratch, ranks);
    for (o, &r) in out.iter_mut().zip(ranks) {
        *o = scratch[r];
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::SMALL;
    use std::arch::x86_64::*;

    /// The ranks `ranks` (counted from `base`, the rank of `src`'s smallest
    /// key in the whole) of the keys in `src`, into `out`.
    #[target_feature(enable = "avx512f,popcnt")]
    pub(super) unsafe fn select(
        src: &[i32],
        ranks: &[usize],
        base: usize,
        out: &mut [i32],
        scratch: &mut [i32],
    ) {
        if ranks.is_empty() {
            return;
        }
        let n = src.len();
        if n <= SMALL {
            let sorted = sort_small(src);
            for (o, &r) in out.iter_mut().zip(ranks) {
                *o = sorted[r - base];
            }
            return;
        }
        let room = n + SMALL;
        if scratch.len() < 2 * room {
            super::values_at_ranks_plain(
                src,
                &ranks.iter().map(|&r| r - base).collect::<Vec<_>>(),
                out,
                &mut Vec::new(),
            );
            return;
        }
        let pivot = median3(src[0], src[n / 2], src[n - 1]);
        let (parts, deeper) = scratch.split_at_mut(2 * room);
        let (below, above) = parts.split_at_mut(room);
        let (n_below, n_above) = split3(src, pivot, below, above);
        let n_equal = n - n_below - n_above;
        // ranks below, at and above the pivot's run of equal keys
        let low = ranks.partition_point(|&r| r < base + n_below);
        let mid = ranks.partition_point(|&r| r < base + n_below + n_equal);
        let (out_low, rest) = out.split_at_mut(low);
        let (out_mid, out_high) = rest.split_at_mut(mid - low);
        out_mid.fill(pivot);
        select(&below[..n_below], &ranks[..low], base, out_low, deeper);
        select(
            &above[..n_above],
            &ranks[mid..],
            base + n_below + n_equal,
            out_high,
            deeper,
        );
    }

    /// At most sixteen keys sorted without branches: each key goes to its
    /// rank, the keys below it plus the equal ones before it.
    #[target_feature(enable = "avx512f,popcnt")]
    unsafe fn sort_small(src: &[i32]) -> [i32; SMALL] {
        let n = src.len();
        assert!(n <= SMALL);
        let valid: __mmask16 = ((1u32 << n) - 1) as u16;
        let all = _mm512_maskz_loadu_epi32(valid, src.as_ptr());
        let mut sorted = [0i32; SMALL];
        for (i, &v) in src.iter().enumerate() {
            let b = _mm512_set1_epi32(v);
            let before: __mmask16 = ((1u32 << i) - 1) as u16;
            let below = _mm512_mask_cmplt_epi32_mask(valid, all, b).count_ones();
            let equal_before = _mm512_mask_cmpeq_epi32_mask(before, all, b).count_ones();
            sorted[(below + equal_before) as usize] = v;
        }
        sorted
    }

    fn median3(a: i32, b: i32, c: i32) -> i32 {
        a.max(b).min(a.min(b).max(c))
    }

    /// The keys of `src` below `pivot` to the front of `below`, those above
    /// to the front of `above` (each with room for `src.len() + 16`); returns
    /// both counts (the rest equal the pivot).
    #[target_feature(enable = "avx512f,popcnt")]
    unsafe fn split3(
        src: &[i32],
        pivot: i32,
        below: &mut [i32],
        above: &mut [i32],
    ) -> (usize, usize) {
        assert!(below.len() >= src.len() + 16 && above.len() >= src.len() + 16);
        let p = _mm512_set1_epi32(pivot);
        let (mut nb, mut na) = (0usize, 0usize);
        let (bp, ap) = (below.as_mut_ptr(), above.as_mut_ptr());
        let mut i = 0;
        while i < src.len() {
            let left = src.len() - i;
            let valid: __mmask16 = if left >= 16 {
                0xffff
            } else {
                (1u16 << left) - 1
            };
            let v = _mm512_maskz_loadu_epi32(valid, src.as_ptr().add(i));
            let lt = _mm512_mask_cmplt_epi32_mask(valid, v, p);
            let gt = _mm512_mask_cmpgt_epi32_mask(valid, v, p);
            // whole registers stored, the count of keys kept advancing
            _mm512_storeu_si512(bp.add(nb).cast(), _mm512_maskz_compress_epi32(lt, v));
            _mm512_storeu_si512(ap.add(na).cast(), _mm512_maskz_compress_epi32(gt, v));
            nb += lt.count_ones() as usize;
            na += gt.count_ones() as usize;
            i += 16;
        }
        (nb, na)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_at_ranks_equal_a_full_sort() {
        let mut state = 0x853c_49e6_748f_ea9bu64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut scratch = Vec::new();
        for n in (1..80).chain([255, 256, 257, 600, 1000, 4096]) {
            for kind in 0..5 {
                let keys: Vec<i32> = (0..n)
                    .map(|i| match kind {
                        0 => next() as i32,
                        1 => (next() % 4) as i32 - 2, // many ties
                        2 => 7,                       // all equal
                        3 => i as i32,                // sorted
                        _ => (n - i) as i32 * 3 - (next() % 2) as i32, // reversed, ties
                    })
                    .collect();
                let mut sorted = keys.clone();
                sorted.sort_unstable();
                // every rank, then a few spread ones (as the percentiles ask)
                let all: Vec<usize> = (0..n).collect();
                let mut few: Vec<usize> = [0, 1, n / 4, n / 4 + 1, n / 2, n - 2, n - 1]
                    .into_iter()
                    .filter(|&r| r < n)
                    .collect();
                few.sort_unstable();
                few.dedup();
                for ranks in [&all[..], &few[..]] {
                    let want: Vec<i32> = ranks.iter().map(|&r| sorted[r]).collect();
                    let mut got = vec![0; ranks.len()];
                    values_at_ranks(&keys, ranks, &mut got, &mut scratch);
                    assert_eq!(got, want, "n = {n}, kind {kind}");
                    let mut plain = vec![0; ranks.len()];
                    values_at_ranks_plain(&keys, ranks, &mut plain, &mut scratch);
                    assert_eq!(plain, want, "n = {n}, kind {kind}");
                }
            }
        }
    }
}
