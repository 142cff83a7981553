//! Reductions on every available backend: sums within 1e-5·Σ|terms| of an f64 reference (up to 10^6
//! elements), NumPy's NaN and first-index rules for max/min/argmax/argmin, identical results across
//! backends, softmax/log_softmax accuracy and edge cases, empty inputs.

#![allow(
    clippy::trivially_copy_pass_by_ref,
    clippy::type_complexity,
    clippy::unwrap_used
)]

mod common;

use common::{any_value, finite_value, kernels, lengths, pseudo_random, same, vec_of};
use lanes::{Error, Kernels};
use proptest::prelude::*;

fn check_sums(k: &Kernels, a: &[f32], b: &[f32]) {
    let bk = k.backend();
    let (mut s, mut sa, mut d, mut da, mut sq) = (0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f64::from(x), f64::from(y));
        s += x;
        sa += x.abs();
        d += x * y;
        da += (x * y).abs();
        sq += x * x;
    }
    let got = k.sum(a);
    assert!(
        (f64::from(got) - s).abs() <= 1e-5 * sa + 1e-30,
        "{bk:?} sum n={}: {got} vs {s}",
        a.len()
    );
    let got = k.norm_l1(a);
    assert!(
        (f64::from(got) - sa).abs() <= 1e-5 * sa + 1e-30,
        "{bk:?} norm_l1: {got} vs {sa}"
    );
    let got = k.dot(a, b).unwrap();
    assert!(
        (f64::from(got) - d).abs() <= 1e-5 * da + 1e-30,
        "{bk:?} dot n={}: {got} vs {d}",
        a.len()
    );
    let got = f64::from(k.norm_l2(a));
    assert!(
        (got * got - sq).abs() <= 1e-5 * sq + 1e-30,
        "{bk:?} norm_l2²: {} vs {sq}",
        got * got
    );
    let want = a.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert_eq!(k.norm_linf(a), want, "{bk:?} norm_linf");
}

/// NumPy's max: NaN if any NaN. Either zero is accepted for ±0 ties (compared with ==).
fn np_max(a: &[f32]) -> f32 {
    if a.iter().any(|x| x.is_nan()) {
        f32::NAN
    } else {
        a.iter().copied().fold(f32::NEG_INFINITY, f32::max)
    }
}
fn np_min(a: &[f32]) -> f32 {
    if a.iter().any(|x| x.is_nan()) {
        f32::NAN
    } else {
        a.iter().copied().fold(f32::INFINITY, f32::min)
    }
}
/// NumPy's argmax: the first NaN, else the first index of the maximum.
fn np_argmax(a: &[f32]) -> usize {
    a.iter().position(|x| x.is_nan()).unwrap_or_else(|| {
        let m = np_max(a);
        a.iter().position(|&x| x == m).unwrap()
    })
}
fn np_argmin(a: &[f32]) -> usize {
    a.iter().position(|x| x.is_nan()).unwrap_or_else(|| {
        let m = np_min(a);
        a.iter().position(|&x| x == m).unwrap()
    })
}

fn eq_nan(a: f32, b: f32) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

fn check_extremes(k: &Kernels, a: &[f32]) {
    let bk = k.backend();
    if a.is_empty() {
        assert_eq!(k.max(a), Err(Error::Empty { op: "max" }));
        assert_eq!(k.min(a), Err(Error::Empty { op: "min" }));
        assert_eq!(k.argmax(a), Err(Error::Empty { op: "argmax" }));
        assert_eq!(k.argmin(a), Err(Error::Empty { op: "argmin" }));
        assert_eq!(k.norm_linf(a), 0.0);
        return;
    }
    assert!(eq_nan(k.max(a).unwrap(), np_max(a)), "{bk:?} max of {a:?}");
    assert!(eq_nan(k.min(a).unwrap(), np_min(a)), "{bk:?} min");
    assert_eq!(k.argmax(a).unwrap(), np_argmax(a), "{bk:?} argmax of {a:?}");
    assert_eq!(k.argmin(a).unwrap(), np_argmin(a), "{bk:?} argmin of {a:?}");
}

fn check_softmax(k: &Kernels, a: &[f32]) {
    let bk = k.backend();
    let n = a.len();
    let mut out = vec![0.0; n];
    let mut lout = vec![0.0; n];
    k.softmax(a, &mut out).unwrap();
    k.log_softmax(a, &mut lout).unwrap();
    if n == 0 {
        return;
    }
    if a.iter().any(|x| x.is_nan())
        || a.iter().all(|&x| x == f32::NEG_INFINITY)
        || a.contains(&f32::INFINITY)
    {
        assert!(
            out.iter().all(|y| y.is_nan()),
            "{bk:?} softmax with NaN/inf input must be all NaN"
        );
        return;
    }
    let m = f64::from(a.iter().copied().fold(f32::NEG_INFINITY, f32::max));
    let total: f64 = a.iter().map(|&x| (f64::from(x) - m).exp()).sum();
    for i in 0..n {
        let want = (f64::from(a[i]) - m).exp() / total;
        let tol = 1e-5 * want + 4.0 * 2f64.powi(-149);
        assert!(
            (f64::from(out[i]) - want).abs() <= tol,
            "{bk:?} softmax[{i}] = {} want {want}",
            out[i]
        );
        if a[i] == f32::NEG_INFINITY {
            assert_eq!(out[i], 0.0);
            assert_eq!(lout[i], f32::NEG_INFINITY);
            continue;
        }
        let lwant = (f64::from(a[i]) - m) - total.ln();
        assert!(
            (f64::from(lout[i]) - lwant).abs() <= 1e-5 * (1.0 + lwant.abs()),
            "{bk:?} log_softmax[{i}] = {} want {lwant}",
            lout[i]
        );
    }
}

#[test]
fn every_length_every_backend() {
    for k in kernels() {
        for n in lengths() {
            let a = pseudo_random(n, 31 + n as u64, -10.0, 10.0);
            let b = pseudo_random(n, 77 + n as u64, -10.0, 10.0);
            check_sums(&k, &a, &b);
            check_extremes(&k, &a);
            check_softmax(&k, &a);
        }
    }
}

#[test]
fn million_element_sums_stay_within_bound() {
    // Naive sequential f32 summation fails 1e-5·Σ|x| here; blocked summation must not.
    let n = 1_000_000;
    let a: Vec<f32> = pseudo_random(n, 5, 0.0, 1.0)
        .iter()
        .map(|x| x + 0.5)
        .collect();
    let b = pseudo_random(n, 6, -1.0, 1.0);
    for k in kernels() {
        check_sums(&k, &a, &b);
        let mut out = vec![0.0; n];
        k.softmax(&b, &mut out).unwrap();
        let total: f64 = out.iter().map(|&x| f64::from(x)).sum();
        assert!(
            (total - 1.0).abs() < 1e-5,
            "{:?} softmax sums to {total}",
            k.backend()
        );
    }
}

#[test]
fn nan_position_and_ties() {
    for k in kernels() {
        for n in [1usize, 2, 7, 16, 17, 33, 64, 100, 257] {
            for pos in [0, n / 3, n / 2, n - 1] {
                let mut a = pseudo_random(n, 9, -1.0, 1.0);
                a[pos] = f32::NAN;
                if pos + 1 < n {
                    a[n - 1] = f32::NAN; // a later NaN must not win
                }
                check_extremes(&k, &a);
                assert_eq!(k.argmax(&a).unwrap(), pos);
                assert!(k.norm_linf(&a).is_nan());
                check_softmax(&k, &a);
                // ties: the first occurrence wins
                let mut t = vec![1.0f32; n];
                t[pos] = 5.0;
                if n > 1 {
                    t[n - 1] = 5.0;
                }
                assert_eq!(k.argmax(&t).unwrap(), pos, "{:?}", k.backend());
                check_extremes(&k, &t);
            }
        }
        // all equal, all NaN, alternating ±0
        assert_eq!(k.argmax(&[2.0; 50]).unwrap(), 0);
        assert_eq!(k.argmin(&[f32::NAN; 50]).unwrap(), 0);
        let zeros: Vec<f32> = (0..50)
            .map(|i| if i % 2 == 0 { 0.0 } else { -0.0 })
            .collect();
        assert_eq!(k.argmax(&zeros).unwrap(), 0);
        assert_eq!(k.argmin(&zeros).unwrap(), 0);
        assert_eq!(k.max(&zeros).unwrap(), 0.0);
        assert_eq!(k.sum(&zeros), 0.0);
        let infs = [f32::NEG_INFINITY; 20];
        assert_eq!(k.max(&infs).unwrap(), f32::NEG_INFINITY);
        assert_eq!(
            k.argmin(&[3.0, f32::NEG_INFINITY, f32::NEG_INFINITY])
                .unwrap(),
            1
        );
    }
}

#[test]
fn softmax_masks_and_errors() {
    for k in kernels() {
        let a = [1.0, f32::NEG_INFINITY, 2.0, f32::NEG_INFINITY, 0.5];
        let mut out = [9.0f32; 5];
        k.softmax(&a, &mut out).unwrap();
        assert_eq!((out[1], out[3]), (0.0, 0.0));
        check_softmax(&k, &a);
        // huge magnitudes are stable (max-subtracted)
        let big = [1.0e30f32, 1.0e30, -1.0e30];
        k.softmax(&big, &mut out[..3]).unwrap();
        assert_eq!(&out[..3], &[0.5, 0.5, 0.0]);
        assert!(k.softmax(&[], &mut []).is_ok());
        assert!(k.log_softmax(&[], &mut []).is_ok());
        assert_eq!(
            k.softmax(&[], &mut [0.0]),
            Err(Error::LengthMismatch {
                expected: 0,
                found: 1,
                argument: "out"
            })
        );
        assert_eq!(
            k.log_softmax(&[1.0], &mut []),
            Err(Error::LengthMismatch {
                expected: 1,
                found: 0,
                argument: "out"
            })
        );
        assert_eq!(
            k.dot(&[1.0], &[]),
            Err(Error::LengthMismatch {
                expected: 1,
                found: 0,
                argument: "b"
            })
        );
        assert_eq!(k.sum(&[]), 0.0);
        assert_eq!(k.norm_l2(&[]), 0.0);
    }
}

#[test]
fn integer_results_identical_across_backends() {
    let ks = kernels();
    for n in lengths() {
        for seed in 0..4u64 {
            let mut a = pseudo_random(n, seed * 1000 + n as u64, -3.0, 3.0);
            for x in &mut a {
                *x = (*x * 2.0).round(); // many ties
            }
            let want: Vec<_> = ks
                .iter()
                .map(|k| (k.argmax(&a).ok(), k.argmin(&a).ok()))
                .collect();
            assert!(want.windows(2).all(|w| w[0] == w[1]), "n={n}: {want:?}");
            let maxes: Vec<_> = ks.iter().map(|k| k.max(&a).ok()).collect();
            assert!(maxes.windows(2).all(|w| w[0] == w[1]), "n={n}: {maxes:?}");
        }
    }
}

proptest! {
    #[test]
    fn sums_match_f64(a in vec_of(finite_value()), seed in any::<u64>()) {
        let b = pseudo_random(a.len(), seed, -100.0, 100.0);
        for k in kernels() {
            check_sums(&k, &a, &b);
        }
    }

    #[test]
    fn extremes_follow_numpy(a in vec_of(any_value())) {
        for k in kernels() {
            check_extremes(&k, &a);
            let s = k.norm_linf(&a);
            let want = if a.iter().any(|x| x.is_nan()) { f32::NAN } else { a.iter().fold(0.0f32, |m, x| m.max(x.abs())) };
            prop_assert!(same(s, want) || s == want);
        }
    }

    #[test]
    fn softmax_matches_f64(a in vec_of(-50.0f32..50.0)) {
        for k in kernels() {
            check_softmax(&k, &a);
        }
    }
}

/// argmax/argmin scan the data in blocks (at least 2,048 elements, about n/32 for large n) and search again
/// only the winning block: the extreme, ties, ±0 and NaN placed on both sides of every block boundary.
#[test]
fn arg_extremes_across_blocks() {
    for k in kernels() {
        let bk = k.backend();
        for n in [
            2047usize, 2048, 2049, 4095, 4096, 4097, 10_000, 70_001, 1_000_003,
        ] {
            let base = pseudo_random(n, 21, -1.0, 1.0);
            // Block length used by the kernel for this `n` (kept in sync with src/kernels/reduction.rs).
            let block = 2048usize.max((n / 32).next_multiple_of(64));
            let mut spots = vec![0, 1, n / 2, n - 2, n - 1];
            for b in (block..n).step_by(block).take(4) {
                spots.extend([b - 1, b, b + 1].into_iter().filter(|&p| p < n));
            }
            for &p in &spots {
                // A single extreme at p.
                let mut a = base.clone();
                a[p] = 2.0;
                assert_eq!(k.argmax(&a).unwrap(), p, "{bk:?} n={n} max at {p}");
                a[p] = -2.0;
                assert_eq!(k.argmin(&a).unwrap(), p, "{bk:?} n={n} min at {p}");
                // Ties: the same extreme later (other block or same one) must not win.
                let mut t = base.clone();
                t[p] = 2.0;
                t[n - 1] = 2.0;
                t[(p + block).min(n - 1)] = 2.0;
                assert_eq!(k.argmax(&t).unwrap(), p, "{bk:?} n={n} tie at {p}");
                // -0 first, +0 later, both the max: the first one wins.
                let mut z: Vec<f32> = base.iter().map(|x| -x.abs() - 1.0).collect();
                z[p] = -0.0;
                z[n - 1] = 0.0;
                assert_eq!(k.argmax(&z).unwrap(), p, "{bk:?} n={n} -0/+0 at {p}");
                // A NaN after a bigger value elsewhere, and a later NaN: the first NaN wins.
                let mut q = base.clone();
                q[0] = 5.0;
                q[p] = f32::NAN;
                q[n - 1] = f32::NAN;
                assert_eq!(k.argmax(&q).unwrap(), p, "{bk:?} n={n} NaN at {p}");
                assert_eq!(k.argmin(&q).unwrap(), p, "{bk:?} n={n} NaN at {p}");
            }
            assert_eq!(k.argmax(&base).unwrap(), np_argmax(&base), "{bk:?} n={n}");
            assert_eq!(k.argmin(&base).unwrap(), np_argmin(&base), "{bk:?} n={n}");
        }
    }
}
