//! Error measure shared by the tests and `examples/ulp.rs`.
#![allow(unreachable_pub, dead_code)]

/// Error of `got` against the exact `want`, in ulps of the correctly rounded f32 result; below 2^-126
/// (subnormal results) in units of 2^-149. Infinities compare as ±2^128; NaN matches only NaN.
#[must_use]
pub fn ulp_error(got: f32, want: f64) -> f64 {
    if want.is_nan() || got.is_nan() {
        return if want.is_nan() && got.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let big = 2f64.powi(128);
    let as64 = |v: f32| {
        if v.is_infinite() {
            big.copysign(f64::from(v))
        } else {
            f64::from(v)
        }
    };
    // Anything at or beyond 2^128 rounds to infinity in f32.
    let want = want.clamp(-big, big);
    let mag = want.abs().min(2f64.powi(127));
    let ulp = if mag < 2f64.powi(-126) {
        2f64.powi(-149)
    } else {
        2f64.powi(mag.log2().floor() as i32 - 23)
    };
    (as64(got) - want).abs() / ulp
}

/// `1 / (1 + e^-x)` in f64, without overflow for very negative `x`.
#[must_use]
pub fn sigmoid64(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// Exact-erf GELU in f64.
#[must_use]
pub fn gelu64(x: f64) -> f64 {
    if x == f64::NEG_INFINITY {
        return -0.0; // the limit (the formula gives -inf·0)
    }
    0.5 * x * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// `x · sigmoid(x)` in f64, with its limit -0 at -inf.
#[must_use]
pub fn swish64(x: f64) -> f64 {
    if x == f64::NEG_INFINITY {
        return -0.0;
    }
    x * sigmoid64(x)
}
