//! Adversarial inputs on every backend: every op on unaligned sub-slices at every offset 0..=64 and lengths around
//! every vector width multiple, with sentinels around `out`; all-NaN, all-equal, alternating ±0, infinities and
//! denormal-heavy arrays; the floating-point environment (MXCSR: FTZ/DAZ, rounding) is never read or changed;
//! length mismatches are refused before any memory is touched.
//!
//! Under Miri (`cargo +nightly miri test --test adversarial`), the sizes shrink so the interpreter finishes.
// Test helpers take `&Kernels` like the API methods do.
#![allow(clippy::float_cmp, clippy::trivially_copy_pass_by_ref)]

mod common;

use common::ulp::{gelu64, sigmoid64, swish64, ulp_error};
use common::{kernels, pseudo_random, same};
use lanes::{Error, Kernels};

/// One op run on `(a, b, c)` into `out` (element-wise) or returning its scalar result(s) in `out[0]`
/// (reductions write their value, or index as f32, to `out[0]` and leave the rest alone).
type Runner = fn(&Kernels, &[f32], &[f32], &[f32], &mut [f32]);
type Unary = fn(&Kernels, &[f32], &mut [f32]) -> Result<(), Error>;
type Reference = fn(f64) -> f64;

fn put(out: &mut [f32], v: f32) {
    if let Some(o) = out.first_mut() {
        *o = v;
    }
}

/// Every op of the library, by name.
fn all_ops() -> Vec<(&'static str, Runner)> {
    vec![
        ("add", |k, a, b, _, o| k.add(a, b, o).unwrap()),
        ("sub", |k, a, b, _, o| k.sub(a, b, o).unwrap()),
        ("mul", |k, a, b, _, o| k.mul(a, b, o).unwrap()),
        ("div", |k, a, b, _, o| k.div(a, b, o).unwrap()),
        ("scale", |k, a, _, _, o| k.scale(a, 1.5, o).unwrap()),
        ("abs", |k, a, _, _, o| k.abs(a, o).unwrap()),
        ("clamp", |k, a, _, _, o| k.clamp(a, -2.0, 3.0, o).unwrap()),
        ("lerp", |k, a, b, _, o| k.lerp(a, b, 0.3, o).unwrap()),
        ("fma", |k, a, b, c, o| k.fma(a, b, c, o).unwrap()),
        ("relu", |k, a, _, _, o| k.relu(a, o).unwrap()),
        ("sigmoid", |k, a, _, _, o| k.sigmoid(a, o).unwrap()),
        ("tanh", |k, a, _, _, o| k.tanh(a, o).unwrap()),
        ("exp", |k, a, _, _, o| k.exp(a, o).unwrap()),
        ("gelu", |k, a, _, _, o| k.gelu(a, o).unwrap()),
        ("swish", |k, a, _, _, o| k.swish(a, o).unwrap()),
        ("softmax", |k, a, _, _, o| k.softmax(a, o).unwrap()),
        ("log_softmax", |k, a, _, _, o| k.log_softmax(a, o).unwrap()),
        ("dot", |k, a, b, _, o| put(o, k.dot(a, b).unwrap())),
        ("sum", |k, a, _, _, o| put(o, k.sum(a))),
        ("max", |k, a, _, _, o| put(o, k.max(a).unwrap_or(-7.0))),
        ("min", |k, a, _, _, o| put(o, k.min(a).unwrap_or(-7.0))),
        ("argmax", |k, a, _, _, o| {
            put(o, k.argmax(a).map_or(-7.0, |i| i as f32));
        }),
        ("argmin", |k, a, _, _, o| {
            put(o, k.argmin(a).map_or(-7.0, |i| i as f32));
        }),
        ("norm_l1", |k, a, _, _, o| put(o, k.norm_l1(a))),
        ("norm_l2", |k, a, _, _, o| put(o, k.norm_l2(a))),
        ("norm_linf", |k, a, _, _, o| put(o, k.norm_linf(a))),
    ]
}

/// Lengths just below, at and above every multiple of the vector widths (4, 8, 16 lanes) and unroll factors.
fn edge_lengths() -> Vec<usize> {
    let mut v = vec![0, 1, 2, 3];
    for m in [4usize, 8, 16, 32, 48, 64, 128] {
        v.extend([m - 1, m, m + 1]);
    }
    v.sort_unstable();
    v.dedup();
    if cfg!(miri) {
        v.retain(|&n| n <= 9 || n == 17);
    }
    v
}

const SENTINEL: f32 = -12_345.678;
const GUARD: usize = 80;

/// Runs `op` with inputs starting `offset` floats into their buffers and `out` starting `offset` floats into a
/// sentinel-filled buffer; checks nothing outside `out` was written and returns `out`.
fn run_at(
    k: &Kernels,
    op: (&str, Runner),
    bufs: &[Vec<f32>; 3],
    offset: usize,
    n: usize,
) -> Vec<f32> {
    let (a, b, c) = (
        &bufs[0][offset..offset + n],
        &bufs[1][offset..offset + n],
        &bufs[2][offset..offset + n],
    );
    let mut buf = vec![SENTINEL; n + 2 * GUARD + 64];
    let start = GUARD + offset;
    (op.1)(k, a, b, c, &mut buf[start..start + n]);
    for (i, v) in buf.iter().enumerate() {
        if !(start..start + n).contains(&i) {
            assert!(
                v.to_bits() == SENTINEL.to_bits(),
                "{:?} {} wrote outside out (index {i}) at offset {offset}, n {n}",
                k.backend(),
                op.0
            );
        }
    }
    buf[start..start + n].to_vec()
}

/// Asserts `got` equals `want` bit for bit (NaN payloads aside, as [`same`]); `what` names the case in the message.
fn assert_bitwise_equal(got: &[f32], want: &[f32], what: impl Fn() -> String) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(same(*g, *w), "{}: out[{i}] = {g:e}, expected {w:e}", what());
    }
}

/// Results never depend on where the data lies: every op, every offset 0..=64 (inputs and `out` shifted
/// together, so every alignment relative to 16/32/64-byte boundaries occurs), every edge length, compared bit for
/// bit with offset 0 on the same backend, and no write outside `out`.
#[test]
fn every_op_every_offset_every_edge_length() {
    let offsets = if cfg!(miri) { 0..=4 } else { 0..=64 };
    let maxn = *edge_lengths().last().unwrap();
    let bufs = [
        pseudo_random(maxn + 70, 1, -6.0, 6.0),
        pseudo_random(maxn + 70, 2, 0.5, 6.0),
        pseudo_random(maxn + 70, 3, -6.0, 6.0),
    ];
    for k in kernels() {
        for op in all_ops() {
            for &n in &edge_lengths() {
                // Reference: the same inputs copied to offset 0.
                let shifted = |o: usize| -> [Vec<f32>; 3] {
                    let mut out = [
                        vec![0.0; maxn + 70],
                        vec![0.0; maxn + 70],
                        vec![0.0; maxn + 70],
                    ];
                    for j in 0..3 {
                        out[j][o..o + n].copy_from_slice(&bufs[j][..n]);
                    }
                    out
                };
                let want = run_at(&k, op, &shifted(0), 0, n);
                for offset in offsets.clone() {
                    let got = run_at(&k, op, &shifted(offset), offset, n);
                    assert_bitwise_equal(&got, &want, || {
                        format!("{:?} {} n={n} offset={offset}", k.backend(), op.0)
                    });
                }
            }
        }
    }
}

/// Inputs whose last vector straddles a 4 KiB boundary (AVX-512 reads such a tail through a stack buffer: a
/// masked load across the boundary is slow on AMD Zen 4) give, bit for bit, what the same inputs give elsewhere:
/// every op, every edge length, every backend, the inputs ending 0 to 15 floats past a boundary.
#[test]
fn tails_across_a_page_boundary() {
    const PAGE: usize = 4096 / 4;
    let maxn = *edge_lengths().last().unwrap();
    let src = [
        pseudo_random(maxn, 4, -6.0, 6.0),
        pseudo_random(maxn, 5, 0.5, 6.0),
        pseudo_random(maxn, 6, -6.0, 6.0),
    ];
    // Room for the longest input before a boundary and 16 floats after it, in each of three buffers.
    let mut mem = vec![vec![0.0f32; 2 * PAGE + maxn + 64]; 3];
    let boundary: Vec<usize> = mem
        .iter()
        .map(|m| {
            let misaligned = m.as_ptr() as usize % 4096 / 4;
            (PAGE - misaligned) % PAGE + PAGE
        })
        .collect();
    let ends = if cfg!(miri) { 0..=1 } else { 0..=15 };
    for k in kernels() {
        for op in all_ops() {
            for &n in &edge_lengths() {
                let plain = [
                    src[0][..n].to_vec(),
                    src[1][..n].to_vec(),
                    src[2][..n].to_vec(),
                ];
                let want = run_at(&k, op, &plain, 0, n);
                for past in ends.clone() {
                    let starts: Vec<usize> = boundary.iter().map(|b| b + past - n).collect();
                    for j in 0..3 {
                        mem[j][starts[j]..starts[j] + n].copy_from_slice(&src[j][..n]);
                    }
                    let at = |j: usize| &mem[j][starts[j]..starts[j] + n];
                    let mut got = vec![SENTINEL; n];
                    (op.1)(&k, at(0), at(1), at(2), &mut got);
                    assert_bitwise_equal(&got, &want, || {
                        format!(
                            "{:?} {} n={n}, inputs ending {past} floats past a 4 KiB boundary",
                            k.backend(),
                            op.0
                        )
                    });
                }
            }
        }
    }
}

/// Smallest subnormal, a mid subnormal, the largest subnormal, and the smallest normal, with both signs.
const DENORMALS: [f32; 8] = [
    1.0e-45,
    -1.0e-45,
    3.0e-39,
    -3.0e-39,
    1.175_494_1e-38, // largest subnormal
    -1.175_494_1e-38,
    f32::MIN_POSITIVE,
    -f32::MIN_POSITIVE,
];

fn denormal_heavy(n: usize, seed: u64) -> Vec<f32> {
    let r = pseudo_random(n, seed, 0.0, 1.0);
    (0..n)
        .map(|i| DENORMALS[i % DENORMALS.len()] * if r[i] < 0.5 { 1.0 } else { 0.25 })
        .collect()
}

/// Denormal inputs are IEEE numbers, not zeros: exact ops give the bit-exact IEEE result (a flush-to-zero or
/// denormals-are-zero mode would not), transcendentals stay within 4 ulp (units of 2^-149 below 2^-126) of the
/// f64 reference, sums and extremes see every denormal.
#[test]
fn denormal_heavy_arrays_are_not_flushed() {
    let n = if cfg!(miri) { 19 } else { 1000 };
    let a = denormal_heavy(n, 5);
    let b = denormal_heavy(n, 6);
    let c = denormal_heavy(n, 7);
    for k in kernels() {
        let bk = k.backend();
        let mut out = vec![0.0; n];
        k.add(&a, &b, &mut out).unwrap();
        for i in 0..n {
            assert!(
                same(out[i], a[i] + b[i]),
                "{bk:?} add {:e} + {:e}",
                a[i],
                b[i]
            );
        }
        k.sub(&a, &b, &mut out).unwrap();
        assert!((0..n).all(|i| same(out[i], a[i] - b[i])), "{bk:?} sub");
        k.scale(&a, 0.75, &mut out).unwrap();
        assert!((0..n).all(|i| same(out[i], a[i] * 0.75)), "{bk:?} scale");
        k.fma(&a, &[2.0; 1000][..n], &c, &mut out).unwrap();
        assert!(
            (0..n).all(|i| same(out[i], a[i].mul_add(2.0, c[i]))),
            "{bk:?} fma"
        );
        k.abs(&a, &mut out).unwrap();
        assert!((0..n).all(|i| same(out[i], a[i].abs())), "{bk:?} abs");
        k.relu(&a, &mut out).unwrap();
        // ±0 in gives a zero of either sign (NumPy's `maximum(-0.0, 0.0)` is not specified either).
        assert!((0..n).all(|i| out[i] == a[i].max(0.0)), "{bk:?} relu");
        // A denormal sum that a DAZ mode would make 0.
        let sum: f64 = a.iter().map(|&x| f64::from(x)).sum();
        assert!(
            ((f64::from(k.sum(&a)) - sum) / sum.abs()).abs() < 1e-5,
            "{bk:?} sum {} vs {sum:e}",
            k.sum(&a)
        );
        let want_max = a.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let want_linf = a.iter().map(|x| x.abs()).fold(0.0, f32::max);
        assert!(
            want_max > 0.0 && want_max < f32::MIN_POSITIVE * 1.01,
            "the test data must be denormal-heavy"
        );
        assert_eq!(k.max(&a).unwrap(), want_max, "{bk:?} max");
        let first_max = a.iter().position(|&x| x == want_max).unwrap();
        assert_eq!(k.argmax(&a).unwrap(), first_max, "{bk:?} argmax");
        assert_eq!(k.norm_linf(&a), want_linf, "{bk:?} norm_linf");
        let transcendental: [(&str, Unary, Reference); 5] = [
            ("exp", Kernels::exp, f64::exp),
            ("tanh", Kernels::tanh, f64::tanh),
            ("sigmoid", Kernels::sigmoid, sigmoid64),
            ("swish", Kernels::swish, swish64),
            ("gelu", Kernels::gelu, gelu64),
        ];
        for (name, f, reference) in transcendental {
            f(&k, &a, &mut out).unwrap();
            for i in 0..n {
                let e = ulp_error(out[i], reference(f64::from(a[i])));
                assert!(
                    e <= 4.0,
                    "{bk:?} {name}({:e}) = {:e}: {e} ulp",
                    a[i],
                    out[i]
                );
            }
        }
    }
}

/// Arrays with nothing to choose between: all NaN, all equal, alternating ±0, all ±inf.
#[test]
fn degenerate_arrays() {
    let sizes: &[usize] = if cfg!(miri) {
        &[1, 5, 17]
    } else {
        &[1, 5, 16, 17, 64, 65, 1000, 5000]
    };
    for k in kernels() {
        let bk = k.backend();
        for &n in sizes {
            let nan = vec![f32::NAN; n];
            let eq = vec![2.5f32; n];
            let zeros: Vec<f32> = (0..n)
                .map(|i| if i % 2 == 0 { -0.0 } else { 0.0 })
                .collect();
            let mut out = vec![0.0; n];
            // all NaN: every output NaN, first index, NaN extremes
            for op in all_ops()
                .into_iter()
                .filter(|(name, _)| !name.starts_with("arg"))
            {
                let o = &mut out[..];
                (op.1)(&k, &nan, &nan, &nan, o);
                assert!(
                    o[0].is_nan(),
                    "{bk:?} {} of all-NaN (n={n}) = {}",
                    op.0,
                    o[0]
                );
            }
            assert_eq!(k.argmax(&nan).unwrap(), 0);
            assert_eq!(k.argmin(&nan).unwrap(), 0);
            // all equal
            assert_eq!(k.argmax(&eq).unwrap(), 0, "{bk:?}");
            assert_eq!(k.argmin(&eq).unwrap(), 0, "{bk:?}");
            assert_eq!(k.max(&eq).unwrap(), 2.5);
            k.softmax(&eq, &mut out).unwrap();
            let u = 1.0 / n as f32;
            assert!(
                out.iter().all(|&p| (p - u).abs() <= 1e-5 * u),
                "{bk:?} softmax of equal values (n={n})"
            );
            // alternating ±0: the first one wins every tie; sums are zero; softmax is uniform
            assert_eq!(k.argmax(&zeros).unwrap(), 0);
            assert_eq!(k.argmin(&zeros).unwrap(), 0);
            assert_eq!(k.sum(&zeros), 0.0);
            assert_eq!(k.norm_l2(&zeros), 0.0);
            k.softmax(&zeros, &mut out).unwrap();
            assert!(
                out.iter().all(|&p| (p - u).abs() <= 1e-5 * u),
                "{bk:?} softmax of ±0 (n={n})"
            );
            k.abs(&zeros, &mut out).unwrap();
            assert!(
                out.iter().all(|x| x.to_bits() == 0),
                "{bk:?} abs(-0) must be +0"
            );
            // all +inf / -inf
            let inf = vec![f32::INFINITY; n];
            assert_eq!(k.max(&inf).unwrap(), f32::INFINITY);
            assert_eq!(k.sum(&inf), f32::INFINITY);
            k.exp(&inf, &mut out).unwrap();
            assert!(out.iter().all(|&x| x == f32::INFINITY));
            let ninf = vec![f32::NEG_INFINITY; n];
            k.tanh(&ninf, &mut out).unwrap();
            assert!(out.iter().all(|&x| x == -1.0), "{bk:?} tanh(-inf)");
            k.gelu(&ninf, &mut out).unwrap();
            assert!(out.iter().all(|&x| x == 0.0), "{bk:?} gelu(-inf)");
            assert_eq!(k.argmin(&ninf).unwrap(), 0);
        }
    }
}

#[cfg(all(target_arch = "x86_64", not(miri)))]
fn mxcsr() -> u32 {
    let mut v = 0u32;
    // SAFETY: `stmxcsr` stores the 32-bit MXCSR register to the given address, a valid local.
    unsafe { core::arch::asm!("stmxcsr [{}]", in(reg) &raw mut v, options(nostack)) };
    v
}

#[cfg(all(target_arch = "x86_64", not(miri)))]
fn set_mxcsr(v: u32) {
    // SAFETY: `ldmxcsr` loads MXCSR from a valid local; the values used here (the thread's own value with
    // FTZ/DAZ toggled) are valid MXCSR settings, and the caller restores the original afterwards.
    unsafe { core::arch::asm!("ldmxcsr [{}]", in(reg) &raw const v, options(nostack)) };
}

/// No kernel reads or changes the floating-point environment: after every op on every backend MXCSR is what the
/// caller had, both with the default (IEEE) settings and with FTZ/DAZ set by the caller.
#[cfg(all(target_arch = "x86_64", not(miri)))]
#[test]
fn mxcsr_is_never_changed() {
    const FTZ_DAZ: u32 = (1 << 15) | (1 << 6);
    let original = mxcsr();
    assert_eq!(
        original & FTZ_DAZ,
        0,
        "the test thread should start with IEEE denormals (MXCSR {original:#x})"
    );
    let a = denormal_heavy(300, 9);
    let b = pseudo_random(300, 10, 0.5, 3.0);
    for settings in [original, original | FTZ_DAZ] {
        set_mxcsr(settings);
        for k in kernels() {
            for op in all_ops() {
                let mut out = vec![0.0; 300];
                (op.1)(&k, &a, &b, &a, &mut out);
                let now = mxcsr() & !0x3f; // ignore the sticky exception flags
                assert_eq!(
                    now,
                    settings & !0x3f,
                    "{:?} {} changed MXCSR",
                    k.backend(),
                    op.0
                );
            }
        }
    }
    set_mxcsr(original);
}

/// A length mismatch is refused before anything is read or written: `out` keeps its sentinels.
#[test]
fn length_mismatch_touches_nothing() {
    let a = [1.0f32; 9];
    for k in kernels() {
        for (short, long) in [(8usize, 9usize), (9, 8), (0, 9), (9, 0)] {
            let mut out = vec![SENTINEL; long];
            assert!(matches!(
                k.add(&a[..short], &a, &mut out),
                Err(Error::LengthMismatch { .. })
            ));
            assert!(matches!(
                k.fma(&a, &a[..short], &a, &mut out[..]),
                Err(Error::LengthMismatch { .. })
            ));
            assert!(matches!(
                k.softmax(&a[..short], &mut out),
                Err(Error::LengthMismatch { .. })
            ));
            assert!(matches!(
                k.exp(&a[..short], &mut out),
                Err(Error::LengthMismatch { .. })
            ));
            assert!(
                out.iter().all(|v| v.to_bits() == SENTINEL.to_bits()),
                "{:?} wrote on mismatch",
                k.backend()
            );
            assert!(matches!(
                k.dot(&a[..short], &a[..long]),
                Err(Error::LengthMismatch { .. })
            ));
        }
    }
}
