//! The statistics behind the wall-clock verdict: medians and the one-sided Mann–Whitney U test.
//!
//! Criterion's samples are per-iteration mean times of batches (`times[i] / iters[i]`). The test asks
//! whether the current batches tend to be slower (or faster) than the baseline's, without assuming a
//! distribution; a slow outlier batch only moves one rank. The normal approximation with tie correction and
//! continuity correction is used (Criterion takes 10–100 samples per side, where it is accurate).

/// `(current / baseline − 1) × 100`; `None` when the baseline is 0 and the current value is not.
#[must_use]
pub fn change_pct(baseline: f64, current: f64) -> Option<f64> {
    if baseline == 0.0 {
        return (current == 0.0).then_some(0.0);
    }
    Some((current / baseline - 1.0) * 100.0)
}

/// Median of `values` (mean of the two middle values for an even count); `NaN` when empty.
#[must_use]
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        f64::midpoint(v[n / 2 - 1], v[n / 2])
    }
}

/// One-sided p-value of the Mann–Whitney U test for "values in `b` tend to be larger than in `a`".
/// Returns 1 when either side is empty or all values are tied (no evidence).
#[must_use]
pub fn mann_whitney_greater(a: &[f64], b: &[f64]) -> f64 {
    let (na, nb) = (a.len(), b.len());
    if na == 0 || nb == 0 {
        return 1.0;
    }
    let mut all: Vec<(f64, bool)> = a
        .iter()
        .map(|&x| (x, false))
        .chain(b.iter().map(|&x| (x, true)))
        .collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let n = all.len();
    let mut rank_sum_b = 0.0;
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && all[j].0 == all[i].0 {
            j += 1;
        }
        // Ranks i+1 ..= j share their average.
        let avg = (i + 1 + j) as f64 / 2.0;
        let t = (j - i) as f64;
        tie_term += t * t * t - t;
        rank_sum_b += avg * all[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let (na, nb, nf) = (na as f64, nb as f64, n as f64);
    let u_b = rank_sum_b - nb * (nb + 1.0) / 2.0;
    let mean = na * nb / 2.0;
    let var = na * nb / 12.0 * ((nf + 1.0) - tie_term / (nf * (nf - 1.0)));
    if var <= 0.0 || !var.is_finite() {
        return 1.0;
    }
    let z = (u_b - mean - 0.5) / var.sqrt();
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// Complementary error function: statrs' (already here for the paired verdict's Student's t quantiles;
/// accurate to ~1e-15, where the Numerical Recipes `erfcc` this replaced was 1.2e-7).
#[must_use]
pub fn erfc(x: f64) -> f64 {
    statrs::function::erf::erfc(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_known_values() {
        for (x, want) in [
            (0.0, 1.0),
            (0.5, 0.479_500_122),
            (1.0, 0.157_299_207),
            (2.0, 0.004_677_735),
            (-1.0, 1.842_700_793),
        ] {
            assert!(
                (erfc(x) - want).abs() < 2e-7,
                "erfc({x}) = {} want {want}",
                erfc(x)
            );
        }
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn mann_whitney_detects_shifts_not_noise() {
        let a: Vec<f64> = (0..50).map(|i| 100.0 + f64::from(i % 10)).collect();
        let same: Vec<f64> = (0..50).map(|i| 100.0 + f64::from((i + 3) % 10)).collect();
        let slower: Vec<f64> = a.iter().map(|x| x * 1.3).collect();
        assert!(mann_whitney_greater(&a, &same) > 0.2);
        assert!(mann_whitney_greater(&a, &slower) < 1e-6);
        assert!(mann_whitney_greater(&slower, &a) > 0.999);
        assert_eq!(mann_whitney_greater(&[1.0, 1.0], &[1.0, 1.0]), 1.0);
        assert_eq!(mann_whitney_greater(&[], &[1.0]), 1.0);
    }

    #[test]
    fn mann_whitney_small_exact_case() {
        // a = {1,2,3}, b = {4,5,6}: U_b = 9 (maximal); exact one-sided p = 1/20 = 0.05.
        let p = mann_whitney_greater(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]);
        assert!((0.03..0.07).contains(&p), "{p}");
    }
}
