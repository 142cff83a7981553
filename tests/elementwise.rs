//! Element-wise kernels on every available backend: bit-exact arithmetic, fused fma, lerp, error paths,
//! in-place forms, unaligned sub-slices, and no write outside `out`.

// Test helpers take `&Kernels` like the API methods do; tables of fn pointers are clearer inline.
#![allow(
    clippy::trivially_copy_pass_by_ref,
    clippy::type_complexity,
    clippy::unwrap_used
)]

mod common;

use common::{any_value, kernels, lengths, pseudo_random, same, vec_of, SPECIALS};
use lanes::{Error, Kernels};
use proptest::prelude::*;

type Binary = fn(&Kernels, &[f32], &[f32], &mut [f32]) -> Result<(), Error>;

/// The bit-exact binary ops and their scalar definitions.
fn binary_ops() -> [(&'static str, Binary, fn(f32, f32) -> f32); 4] {
    [
        ("add", Kernels::add, |x, y| x + y),
        ("sub", Kernels::sub, |x, y| x - y),
        ("mul", Kernels::mul, |x, y| x * y),
        ("div", Kernels::div, |x, y| x / y),
    ]
}

/// NumPy's `maximum(x, 0)`: NaN stays NaN; either zero is accepted for ±0.
fn relu_ok(x: f32, got: f32) -> bool {
    if x.is_nan() {
        got.is_nan()
    } else if x > 0.0 {
        got == x
    } else {
        got == 0.0
    }
}

fn clamp_ok(x: f32, lo: f32, hi: f32, got: f32) -> bool {
    if x.is_nan() {
        got.is_nan()
    } else {
        got == x.max(lo).min(hi)
    }
}

fn check_unary_exact(k: &Kernels, a: &[f32]) {
    let mut out = vec![0.0; a.len()];
    k.abs(a, &mut out).unwrap();
    for (x, y) in a.iter().zip(&out) {
        assert!(same(*y, x.abs()), "{:?} abs({x}) = {y}", k.backend());
    }
    k.relu(a, &mut out).unwrap();
    for (x, y) in a.iter().zip(&out) {
        assert!(relu_ok(*x, *y), "{:?} relu({x}) = {y}", k.backend());
    }
    k.scale(a, -1.5, &mut out).unwrap();
    for (x, y) in a.iter().zip(&out) {
        assert!(same(*y, x * -1.5), "{:?} scale({x}) = {y}", k.backend());
    }
    k.clamp(a, -2.0, 3.0, &mut out).unwrap();
    for (x, y) in a.iter().zip(&out) {
        assert!(
            clamp_ok(*x, -2.0, 3.0, *y),
            "{:?} clamp({x}) = {y}",
            k.backend()
        );
    }
}

fn check_binary_exact(k: &Kernels, a: &[f32], b: &[f32]) {
    let mut out = vec![0.0; a.len()];
    for (name, op, f) in binary_ops() {
        op(k, a, b, &mut out).unwrap();
        for i in 0..a.len() {
            assert!(
                same(out[i], f(a[i], b[i])),
                "{:?} {name}({}, {}) = {} at {i}",
                k.backend(),
                a[i],
                b[i],
                out[i]
            );
        }
    }
    let c: Vec<f32> = b.iter().rev().copied().collect();
    k.fma(a, b, &c, &mut out).unwrap();
    for i in 0..a.len() {
        assert!(
            same(out[i], a[i].mul_add(b[i], c[i])),
            "{:?} fma at {i}: {} vs {}",
            k.backend(),
            out[i],
            a[i].mul_add(b[i], c[i])
        );
    }
}

#[test]
fn every_length_every_backend() {
    for k in kernels() {
        for n in lengths() {
            let a = pseudo_random(n, 1 + n as u64, -50.0, 50.0);
            let b = pseudo_random(n, 1000 + n as u64, -50.0, 50.0);
            check_unary_exact(&k, &a);
            check_binary_exact(&k, &a, &b);
        }
    }
}

#[test]
fn special_values_in_every_position() {
    for k in kernels() {
        for n in [1usize, 5, 17, 33, 67] {
            for &sv in &SPECIALS {
                for pos in [0, n / 2, n - 1] {
                    let mut a = pseudo_random(n, 7, -3.0, 3.0);
                    a[pos] = sv;
                    let b: Vec<f32> = SPECIALS.iter().cycle().skip(pos).take(n).copied().collect();
                    check_unary_exact(&k, &a);
                    check_binary_exact(&k, &a, &b);
                }
            }
        }
    }
}

#[test]
fn fma_is_fused_on_every_backend() {
    // a·b + c where a·b rounded first loses everything: (1+e)(1-e) - 1 = -e² exactly.
    let e = f32::EPSILON;
    for k in kernels() {
        let n = 37;
        let (a, b, c) = (vec![1.0 + e; n], vec![1.0 - e; n], vec![-1.0; n]);
        let mut out = vec![0.0; n];
        k.fma(&a, &b, &c, &mut out).unwrap();
        assert!(
            out.iter().all(|&y| y == -e * e),
            "{:?}: {out:?}",
            k.backend()
        );
    }
}

#[test]
fn lerp_is_close_to_its_definition() {
    for k in kernels() {
        for n in lengths() {
            let a = pseudo_random(n, 3, -100.0, 100.0);
            let b = pseudo_random(n, 4, -100.0, 100.0);
            let mut out = vec![0.0; n];
            for t in [0.0f32, 0.3, 1.0, -0.5, 2.0] {
                k.lerp(&a, &b, t, &mut out).unwrap();
                for i in 0..n {
                    let want = f64::from(a[i]) + f64::from(t) * (f64::from(b[i]) - f64::from(a[i]));
                    let tol = 3.0
                        * f64::from(f32::EPSILON)
                        * (f64::from(a[i].abs())
                            + f64::from(t.abs()) * f64::from((b[i] - a[i]).abs()));
                    assert!(
                        (f64::from(out[i]) - want).abs() <= tol,
                        "{:?} lerp({}, {}, {t}) = {}",
                        k.backend(),
                        a[i],
                        b[i],
                        out[i]
                    );
                }
            }
        }
    }
}

#[test]
fn length_mismatch_names_the_argument() {
    for k in kernels() {
        let (a, b3, b2) = ([1.0f32; 3], [1.0f32; 3], [1.0f32; 2]);
        let mut out3 = [0.0f32; 3];
        let mut out4 = [0.0f32; 4];
        assert_eq!(
            k.add(&a, &b2, &mut out3),
            Err(Error::LengthMismatch {
                expected: 3,
                found: 2,
                argument: "b"
            })
        );
        assert_eq!(
            k.add(&a, &b3, &mut out4),
            Err(Error::LengthMismatch {
                expected: 3,
                found: 4,
                argument: "out"
            })
        );
        assert_eq!(
            k.fma(&a, &b3, &b2, &mut out3),
            Err(Error::LengthMismatch {
                expected: 3,
                found: 2,
                argument: "c"
            })
        );
        assert_eq!(
            k.exp(&a, &mut out4),
            Err(Error::LengthMismatch {
                expected: 3,
                found: 4,
                argument: "out"
            })
        );
        assert_eq!(
            k.exp(&[], &mut out3),
            Err(Error::LengthMismatch {
                expected: 0,
                found: 3,
                argument: "out"
            })
        );
        let mut inplace = [1.0f32; 3];
        assert_eq!(
            k.add_inplace(&mut inplace, &b2),
            Err(Error::LengthMismatch {
                expected: 3,
                found: 2,
                argument: "b"
            })
        );
        // Nothing was written on error.
        assert_eq!(out3, [0.0; 3]);
        assert_eq!(inplace, [1.0; 3]);
        let msg = k.add(&a, &b2, &mut out3).unwrap_err().to_string();
        assert!(
            msg.contains('3') && msg.contains('2') && msg.contains("`b`"),
            "{msg}"
        );
    }
}

#[test]
fn clamp_rejects_bad_bounds() {
    for k in kernels() {
        let mut out = [0.0f32; 2];
        for (lo, hi) in [(2.0, 1.0), (f32::NAN, 1.0), (0.0, f32::NAN)] {
            let err = k.clamp(&[1.0, 2.0], lo, hi, &mut out).unwrap_err();
            assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
            assert!(err.to_string().contains("clamp"));
        }
        assert!(k.clamp(&[1.0, 2.0], 1.0, 1.0, &mut out).is_ok());
        assert_eq!(out, [1.0, 1.0]);
    }
}

#[test]
fn unaligned_subslices_and_no_write_outside_out() {
    const SENTINEL: f32 = 12345.0;
    for k in kernels() {
        let big_a = pseudo_random(200, 11, -5.0, 5.0);
        let big_b = pseudo_random(200, 12, -5.0, 5.0);
        for offset in 0..=64 {
            for n in [0usize, 1, 3, 15, 16, 17, 31, 33, 64, 65, 100] {
                let (a, b) = (&big_a[offset..offset + n], &big_b[offset..offset + n]);
                let mut buf = vec![SENTINEL; n + 2 * 80];
                let out = &mut buf[80 + offset % 16..80 + offset % 16 + n];
                k.gelu(a, out).unwrap();
                k.add(a, b, out).unwrap();
                for (i, y) in out.iter().enumerate() {
                    assert!(same(*y, a[i] + b[i]));
                }
                let inside = 80 + offset % 16..80 + offset % 16 + n;
                for (i, v) in buf.iter().enumerate() {
                    if !inside.contains(&i) {
                        assert_eq!(
                            *v,
                            SENTINEL,
                            "{:?} wrote outside out at offset {offset}, n {n}",
                            k.backend()
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn inplace_forms_equal_out_of_place() {
    for k in kernels() {
        for n in [0usize, 1, 7, 16, 63, 300] {
            let a = pseudo_random(n, 21, -30.0, 30.0);
            let b = pseudo_random(n, 22, 0.5, 3.0);
            let c = pseudo_random(n, 23, -1.0, 1.0);
            let mut out = vec![0.0; n];
            let check = |name: &str, out: &[f32], inplace: &[f32]| {
                assert!(
                    out.iter().zip(inplace).all(|(x, y)| same(*x, *y)),
                    "{:?} {name}_inplace differs",
                    k.backend()
                );
            };
            macro_rules! unary {
                ($($op:ident / $ip:ident),*) => {$({
                    k.$op(&a, &mut out).unwrap();
                    let mut v = a.clone();
                    k.$ip(&mut v).unwrap();
                    check(stringify!($op), &out, &v);
                })*};
            }
            unary!(
                abs / abs_inplace,
                relu / relu_inplace,
                exp / exp_inplace,
                sigmoid / sigmoid_inplace,
                tanh / tanh_inplace,
                gelu / gelu_inplace,
                swish / swish_inplace,
                softmax / softmax_inplace,
                log_softmax / log_softmax_inplace
            );
            macro_rules! binary {
                ($($op:ident / $ip:ident),*) => {$({
                    k.$op(&a, &b, &mut out).unwrap();
                    let mut v = a.clone();
                    k.$ip(&mut v, &b).unwrap();
                    check(stringify!($op), &out, &v);
                })*};
            }
            binary!(
                add / add_inplace,
                sub / sub_inplace,
                mul / mul_inplace,
                div / div_inplace
            );
            k.fma(&a, &b, &c, &mut out).unwrap();
            let mut v = a.clone();
            k.fma_inplace(&mut v, &b, &c).unwrap();
            check("fma", &out, &v);
            k.lerp(&a, &b, 0.25, &mut out).unwrap();
            let mut v = a.clone();
            k.lerp_inplace(&mut v, &b, 0.25).unwrap();
            check("lerp", &out, &v);
            k.scale(&a, 0.5, &mut out).unwrap();
            let mut v = a.clone();
            k.scale_inplace(&mut v, 0.5).unwrap();
            check("scale", &out, &v);
            k.clamp(&a, -1.0, 2.0, &mut out).unwrap();
            let mut v = a.clone();
            k.clamp_inplace(&mut v, -1.0, 2.0).unwrap();
            check("clamp", &out, &v);
        }
    }
}

#[test]
fn free_functions_match_best_kernels_bitwise() {
    let k = Kernels::best();
    let a = pseudo_random(333, 5, -20.0, 20.0);
    let b = pseudo_random(333, 6, -20.0, 20.0);
    let (mut x, mut y) = (vec![0.0; 333], vec![0.0; 333]);
    lanes::gelu(&a, &mut x).unwrap();
    k.gelu(&a, &mut y).unwrap();
    assert_eq!(x, y);
    lanes::softmax(&a, &mut x).unwrap();
    k.softmax(&a, &mut y).unwrap();
    assert_eq!(x, y);
    assert_eq!(
        lanes::dot(&a, &b).unwrap().to_bits(),
        k.dot(&a, &b).unwrap().to_bits()
    );
    assert_eq!(lanes::sum(&a).to_bits(), k.sum(&a).to_bits());
    assert_eq!(lanes::argmin(&a).unwrap(), k.argmin(&a).unwrap());
}

/// `Kernels::best()` may run long multi-input element-wise calls on a narrower backend (AMD Zen 4: AVX2 from 2^19
/// values on); the results must still be exactly those of its own backend, for the out-of-place, in-place and
/// free-function forms, just below and above that length.
#[test]
fn best_streams_long_calls_bit_identically() {
    let best = Kernels::best();
    let named = Kernels::new(best.backend()).unwrap();
    for n in [(1 << 19) - 1, (1 << 19) + 37] {
        let mut a = pseudo_random(n, 11, -1.0e3, 1.0e3);
        let b = pseudo_random(n, 12, -1.0e3, 1.0e3);
        let c = pseudo_random(n, 13, -1.0e3, 1.0e3);
        for (i, &v) in SPECIALS.iter().enumerate() {
            a[i * 997 % n] = v;
        }
        check_binary_exact(&best, &a, &b);
        let (mut x, mut y) = (vec![0.0; n], vec![0.0; n]);
        let bits = |v: &[f32]| {
            v.iter()
                .map(|f| if f.is_nan() { u32::MAX } else { f.to_bits() })
                .collect::<Vec<_>>()
        };
        let cases: [(&str, fn(&Kernels, &[f32], &[f32], &[f32], &mut [f32])); 6] = [
            ("add", |k, a, b, _, o| k.add(a, b, o).unwrap()),
            ("sub", |k, a, b, _, o| k.sub(a, b, o).unwrap()),
            ("mul", |k, a, b, _, o| k.mul(a, b, o).unwrap()),
            ("div", |k, a, b, _, o| k.div(a, b, o).unwrap()),
            ("lerp", |k, a, b, _, o| k.lerp(a, b, 0.3, o).unwrap()),
            ("fma", |k, a, b, c, o| k.fma(a, b, c, o).unwrap()),
        ];
        for (name, run) in cases {
            run(&best, &a, &b, &c, &mut x);
            run(&named, &a, &b, &c, &mut y);
            assert!(
                bits(&x) == bits(&y),
                "{name}, n {n}: best() differs from {:?}",
                best.backend()
            );
        }
        lanes::lerp(&a, &b, 0.3, &mut x).unwrap();
        named.lerp(&a, &b, 0.3, &mut y).unwrap();
        assert!(bits(&x) == bits(&y), "free lerp, n {n}");
        let mut z = a.clone();
        lanes::fma_inplace(&mut z, &b, &c).unwrap();
        named.fma(&a, &b, &c, &mut y).unwrap();
        assert!(bits(&z) == bits(&y), "free fma_inplace, n {n}");
    }
}

proptest! {
    #[test]
    fn exact_ops_match_ieee(a in vec_of(any_value()), seed in any::<u64>()) {
        let b: Vec<f32> = pseudo_random(a.len(), seed, -1.0e3, 1.0e3).into_iter().zip(a.iter().rev()).map(|(r, &x)| if seed % 3 == 0 { x } else { r }).collect();
        for k in kernels() {
            check_unary_exact(&k, &a);
            check_binary_exact(&k, &a, &b);
        }
    }
}
