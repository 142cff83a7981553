//! exp, sigmoid, tanh, gelu, swish on every available backend: ≤ 4 ulp against an f64 reference on random
//! bit patterns, dense sweeps of the interesting ranges, and the IEEE edge cases. The exhaustive 2^32 check is
//! `cargo run --release --example ulp` (figures in docs/ACCURACY.md).

#![allow(
    clippy::trivially_copy_pass_by_ref,
    clippy::type_complexity,
    clippy::unwrap_used
)]

mod common;

use common::ulp::{gelu64, sigmoid64, swish64, ulp_error};
use common::{any_value, kernels, vec_of, SPECIALS};
use lanes::{Error, Kernels};
use proptest::prelude::*;

type Unary = fn(&Kernels, &[f32], &mut [f32]) -> Result<(), Error>;

const MAX_ULP: f64 = 4.0;

fn funcs() -> [(&'static str, Unary, fn(f64) -> f64); 5] {
    [
        ("exp", Kernels::exp, f64::exp),
        ("sigmoid", Kernels::sigmoid, sigmoid64),
        ("tanh", Kernels::tanh, f64::tanh),
        ("gelu", Kernels::gelu, gelu64),
        ("swish", Kernels::swish, swish64),
    ]
}

fn check_all(k: &Kernels, xs: &[f32]) {
    let mut out = vec![0.0; xs.len()];
    for (name, f, reference) in funcs() {
        f(k, xs, &mut out).unwrap();
        for (&x, &y) in xs.iter().zip(&out) {
            let e = ulp_error(y, reference(f64::from(x)));
            assert!(
                e <= MAX_ULP,
                "{:?} {name}({x:e}) = {y:e}, want {:e}: {e} ulp",
                k.backend(),
                reference(f64::from(x))
            );
        }
    }
}

#[test]
fn dense_sweep_of_the_interesting_range() {
    // Every 211th f32 bit pattern between -128 and 128: ~1 million inputs per function and backend,
    // covering every polynomial region, the overflow/underflow edges and the subnormal results.
    let mut xs = Vec::new();
    for bits in (0u32..0x4300_0000).step_by(211) {
        let x = f32::from_bits(bits);
        xs.push(x);
        xs.push(-x);
    }
    for k in kernels() {
        check_all(&k, &xs);
    }
}

#[test]
fn ieee_edges() {
    for k in kernels() {
        let b = k.backend();
        let mut out = [0.0f32; 1];
        let mut one = |f: Unary, x: f32| {
            f(&k, &[x], &mut out).unwrap();
            out[0]
        };
        assert_eq!(one(Kernels::exp, 89.0), f32::INFINITY, "{b:?}");
        assert_eq!(one(Kernels::exp, f32::INFINITY), f32::INFINITY, "{b:?}");
        assert_eq!(one(Kernels::exp, -104.0), 0.0, "{b:?}");
        assert_eq!(one(Kernels::exp, f32::NEG_INFINITY), 0.0, "{b:?}");
        assert_eq!(one(Kernels::exp, 0.0), 1.0, "{b:?}");
        assert!(
            one(Kernels::exp, -100.0) > 0.0,
            "{b:?}: exp(-100) is a subnormal, not 0"
        );
        assert_eq!(one(Kernels::tanh, 9.1), 1.0, "{b:?}");
        assert_eq!(one(Kernels::tanh, -1.0e30), -1.0, "{b:?}");
        assert_eq!(one(Kernels::tanh, f32::INFINITY), 1.0, "{b:?}");
        assert_eq!(one(Kernels::sigmoid, f32::INFINITY), 1.0, "{b:?}");
        assert_eq!(one(Kernels::sigmoid, f32::NEG_INFINITY), 0.0, "{b:?}");
        let tiny = one(Kernels::sigmoid, -90.0);
        assert!(
            tiny > 0.0 && ulp_error(tiny, sigmoid64(-90.0)) <= MAX_ULP,
            "{b:?}: sigmoid(-90) = {tiny:e}"
        );
        assert_eq!(one(Kernels::gelu, f32::NEG_INFINITY), 0.0, "{b:?}");
        assert_eq!(one(Kernels::gelu, f32::INFINITY), f32::INFINITY, "{b:?}");
        assert_eq!(one(Kernels::swish, f32::NEG_INFINITY), 0.0, "{b:?}");
        assert_eq!(one(Kernels::swish, f32::INFINITY), f32::INFINITY, "{b:?}");
        for (name, f, _) in funcs() {
            assert!(one(f, f32::NAN).is_nan(), "{b:?} {name}(NaN)");
        }
        check_all(&k, &SPECIALS);
    }
}

#[test]
fn gelu_table_interval_edges_and_signed_zero() {
    // gelu looks up one table entry per unit interval k = round(|x|): probe 64 neighbouring values on each
    // side of every switch point k ± 1/2 (including the round-half-to-even ties) and of every integer, both signs,
    // up to the clamp at 14.5 and past it.
    let mut xs = Vec::new();
    for half_steps in 0..=32u16 {
        let centre = f32::from(half_steps) * 0.5;
        for step in -64i32..=64 {
            let x = f32::from_bits(centre.to_bits().saturating_add_signed(step));
            if x.is_finite() {
                xs.extend([x, -x]);
            }
        }
    }
    for k in kernels() {
        check_all(&k, &xs);
        let mut out = [1.0f32; 2];
        k.gelu(&[-0.0, 0.0], &mut out).unwrap();
        assert_eq!(
            (out[0].to_bits(), out[1].to_bits()),
            ((-0.0f32).to_bits(), 0.0f32.to_bits()),
            "{:?}: gelu(-0) must be -0 and gelu(+0) +0 (x·Φ(x)), got {out:?}",
            k.backend()
        );
    }
}

#[test]
fn backends_agree_within_bounds_on_long_inputs() {
    let xs = common::pseudo_random(100_003, 99, -30.0, 30.0);
    for k in kernels() {
        check_all(&k, &xs);
    }
}

proptest! {
    #[test]
    fn random_bit_patterns(xs in vec_of(any_value())) {
        for k in kernels() {
            check_all(&k, &xs);
        }
    }
}
