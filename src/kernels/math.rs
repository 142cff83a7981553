//! Transcendental functions, written once over [`Simd`]. Error bounds are measured exhaustively (all 2^32
//! inputs, every backend) by `examples/ulp.rs`; the figures are in `docs/ACCURACY.md`.
//!
//! Building blocks:
//! - `exp_parts(x) = (p, n)` with `exp(x) = p · 2^n`, `p ∈ [0.7, 1.42]`: Cody–Waite reduction
//!   `x = n·ln2 + r` with `ln2 = C1 + C2` (C1 has 9 significant bits so `n·C1` is exact) and Cephes' degree-6
//!   polynomial for `e^r` on `|r| ≤ ln2/2` (Cephes `expf.c`, ~1 ulp).
//! - `scale(v, n) = v · 2^n` in two exact power-of-two steps, so results in the subnormal range are rounded
//!   once, at the very end (that keeps tiny results such as `sigmoid(-90)` accurate instead of flushing them).
//! - `tanh`: `sign(x)·m/(m + 2)`, `m = e^{2|x|} - 1` from the same reduction and polynomial as `exp`.
//! - `gelu`: `x·Φ(x)`; below `|x|/√2 = 0.84375` FreeBSD's `s_erff.c` (Sun Microsystems) rational for erf,
//!   above it one polynomial for `ln(v·erfc(v)) + v²` in `t = 1/(1 + v)` fitted for this crate, both sharing
//!   one division; `|x|/√2` is carried as an exact double-f32 (`two_prod`), and `exp(-x²/2)` is split so that
//!   no rounding of `x²` reaches the exponent.

use crate::simd::Simd;

const LOG2E: f32 = core::f32::consts::LOG2_E;
/// ln 2 = C1 + C2; C1 = 355/512 is exact in 9 bits (Cephes).
const C1: f32 = 0.693_359_375;
const C2: f32 = -2.121_944_4e-4;
/// Below this, every function built on `exp_parts` has underflowed to (signed) zero: `swish(-120)` ≈ -1e-50.
const EXP_LO: f32 = -120.0;
/// Above this `exp` overflows (`ln(f32::MAX)` ≈ 88.72).
const EXP_HI: f32 = 89.0;

/// Horner evaluation `c[0]·x^{k} + … + c[k]` with the backend's fastest multiply-add.
#[inline(always)]
fn poly<S: Simd, const N: usize>(s: S, x: S::V, c: [f32; N]) -> S::V {
    let mut acc = s.splat(c[0]);
    for &ci in &c[1..] {
        acc = s.mul_add_fast(acc, x, s.splat(ci));
    }
    acc
}

/// `x` clamped to `[lo, hi]`, NaN kept (NaN is the second operand of both `max` and `min`).
#[inline(always)]
fn clamp_nan<S: Simd>(s: S, x: S::V, lo: f32, hi: f32) -> S::V {
    s.min(s.splat(hi), s.max(s.splat(lo), x))
}

/// `(p, n)` with `exp(x) = p · 2^n` for `x` in `[EXP_LO, EXP_HI]` (clamped), NaN propagated through `p`.
#[inline(always)]
pub(crate) fn exp_parts<S: Simd>(s: S, x: S::V) -> (S::V, S::V) {
    let (r, n) = reduce(s, clamp_nan(s, x, EXP_LO, EXP_HI));
    (exp_poly(s, r), n)
}

/// `(r, n)` with `x = n·ln2 + r`, `|r| <= ln2/2` (Cody–Waite; `x` already within the exponent range).
#[inline(always)]
fn reduce<S: Simd>(s: S, x: S::V) -> (S::V, S::V) {
    let n = s.round(s.mul(x, s.splat(LOG2E)));
    // x - n·C1 is exact (n·C1 has at most 17 bits); fused where the hardware allows, else two roundings.
    let r = s.mul_add_fast(n, s.splat(-C1), x);
    (s.mul_add_fast(n, s.splat(-C2), r), n)
}

/// `e^r` for `|r| <= ln2/2` (Cephes `expf.c` polynomial, ~1 ulp).
#[inline(always)]
fn exp_poly<S: Simd>(s: S, r: S::V) -> S::V {
    s.add(expm1_poly(s, r), s.splat(1.0))
}

/// `e^r - 1` for `|r| <= ln2/2`: the same polynomial as [`exp_poly`] before its final `+ 1`, so it keeps full
/// relative accuracy as `r → 0`.
#[inline(always)]
fn expm1_poly<S: Simd>(s: S, r: S::V) -> S::V {
    let p = poly(
        s,
        r,
        [
            1.987_569_2e-4,
            1.398_199_9e-3,
            8.333_452e-3,
            4.166_579_6e-2,
            1.666_666_5e-1,
            5.000_000_1e-1,
        ],
    );
    s.mul_add_fast(p, s.mul(r, r), r)
}

/// `v · 2^n` for integral `n ∈ [-252, 254]`: two exact steps, one final rounding (which may be subnormal).
#[inline(always)]
pub(crate) fn scale<S: Simd>(s: S, v: S::V, n: S::V) -> S::V {
    let n1 = s.round(s.mul(n, s.splat(0.5)));
    let n2 = s.sub(n, n1);
    s.mul(s.mul(v, s.pow2i(n1)), s.pow2i(n2))
}

/// Below this (and above `FAST_HI`) `exp` needs the two-step `scale`; in between, `n ∈ [-126, 127]` and a
/// single `p · 2^n` is exact. Kernels test a whole vector against these bounds and take the fast path when every
/// lane is inside (NaN lanes compare false, so they take it too and stay NaN).
const FAST_LO: f32 = -87.0;
const FAST_HI: f32 = 88.0;

/// Whether some lane of `x` lies outside `[lo, hi]` (NaN lanes do not count).
#[inline(always)]
fn any_outside<S: Simd>(s: S, x: S::V, lo: f32, hi: f32) -> bool {
    s.mask_bits(s.mask_or(s.lt(x, s.splat(lo)), s.lt(s.splat(hi), x))) != 0
}

/// `e^x`.
#[inline(always)]
pub(crate) fn exp<S: Simd>(s: S, x: S::V) -> S::V {
    let (p, n) = exp_parts(s, x);
    if any_outside(s, x, FAST_LO, FAST_HI) {
        scale(s, p, n)
    } else {
        s.mul(p, s.pow2i(n))
    }
}

/// `e^x` for `x <= 0` (softmax's shifted inputs): the same result as [`exp`], the bounds test on one side only.
#[inline(always)]
pub(crate) fn exp_nonpositive<S: Simd>(s: S, x: S::V) -> S::V {
    let (p, n) = exp_parts(s, x);
    if s.mask_bits(s.lt(x, s.splat(FAST_LO))) != 0 {
        scale(s, p, n)
    } else {
        s.mul(p, s.pow2i(n))
    }
}

/// `num(x) / (1 + e^{-|x|})`, scaled so that for `x < 0` the numerator carries `e^{x}`'s mantissa: the
/// shared core of sigmoid (`num = 1`) and swish (`num = x`). Results in the subnormal range stay accurate.
#[inline(always)]
fn logistic_times<S: Simd>(s: S, x: S::V, num: S::V) -> S::V {
    let one = s.splat(1.0);
    let sign = s.splat(-0.0);
    let t = s.or(x, sign); // -|x|
    let (p, n) = exp_parts(s, t);
    let neg = s.lt(x, s.splat(0.0));
    if s.mask_bits(s.lt(t, s.splat(FAST_LO))) == 0 {
        // Every lane has e^{-|x|} >= e^-87, a normal number: no split scaling needed.
        let e = s.mul(p, s.pow2i(n));
        return s.div(s.select(neg, s.mul(num, e), num), s.add(one, e));
    }
    let d = s.add(one, scale(s, p, n));
    let num = s.select(neg, s.mul(num, p), num);
    let k = s.select(neg, n, s.splat(0.0));
    scale(s, s.div(num, d), k)
}

/// `1 / (1 + e^{-x})`, evaluated as `e^x / (1 + e^x)` for negative `x` so tiny results are not lost.
#[inline(always)]
pub(crate) fn sigmoid<S: Simd>(s: S, x: S::V) -> S::V {
    logistic_times(s, x, s.splat(1.0))
}

/// `x · sigmoid(x)`; `x` is clamped at `EXP_LO` first (the result there is already -0), so `-inf` gives -0.
#[inline(always)]
pub(crate) fn swish<S: Simd>(s: S, x: S::V) -> S::V {
    let x = s.max(s.splat(EXP_LO), x);
    logistic_times(s, x, x)
}

/// `tanh(x) = sign(x) · m / (m + 2)` with `m = e^{2|x|} - 1`, one formula for every `x` (no cancellation near
/// 0, where `m` keeps its relative accuracy: `m = 2^n·q + (2^n - 1)` from the reduction `2|x| = n·ln2 + r`,
/// `q = e^r - 1`). `2|x|` is capped at 88, where the result is exactly 1 (so is it from `|x| ≈ 9.01`).
#[inline(always)]
pub(crate) fn tanh<S: Simd>(s: S, x: S::V) -> S::V {
    let ax = s.and(x, s.splat(f32::from_bits(0x7fff_ffff)));
    // NaN stays NaN (second operand of `min`).
    let (r, n) = reduce(s, s.min(s.splat(FAST_HI), s.add(ax, ax)));
    let t = s.pow2i(n);
    let m = s.mul_add_fast(expm1_poly(s, r), t, s.sub(t, s.splat(1.0)));
    let th = s.div(m, s.add(m, s.splat(2.0)));
    s.or(th, s.and(x, s.splat(-0.0)))
}

// FreeBSD s_erff.c coefficients (Sun Microsystems, freely distributable; see the module docs).
/// erf on [0, 0.84375]: erf(v) = v + v·PP(v²)/QQ(v²).
const PP: [f32; 5] = [
    -2.376_301_7e-5,
    -5.770_270_2e-3,
    -2.848_175e-2,
    -3.250_421e-1,
    1.283_791_7e-1,
];
const QQ: [f32; 6] = [
    -3.960_228_2e-6,
    1.324_947_4e-4,
    5.081_306_2e-3,
    6.502_225e-2,
    3.979_172e-1,
    1.0,
];
/// erfc tail, `v >= 0.84375`: `v·erfc(v) = exp(-v² + K + H(t - TC))` with `t = 1/(1 + v)`. `H` is a degree-9
/// polynomial fitted (iteratively reweighted least squares; coefficients rounded to f32 one at a time from the
/// highest degree, refitting the rest) to `ln(v·erfc(v)) + v² - K` on `t ∈ [0.0806, 0.5434]` (v from 0.84375
/// to 11.4): max fit error 1.0e-8. The `1/v` of the tail cancels against gelu's `x/2`, leaving `1/√2`.
const ERFC_K: f32 = -0.746_093_75;
const ERFC_TC: f32 = 0.312_009;
const ERFC_H: [f32; 10] = [
    -8.817_377,
    -2.785_551,
    0.352_294_86,
    -2.709_122,
    -1.683_371_9,
    -0.273_819_24,
    -1.276_445_4,
    -1.656_583_2,
    -0.664_148_03,
    0.089_227_9,
];

/// GELU, exact erf form: `x · Φ(x) = x/2 · erfc(-x/√2)`. Below `v = |x|/√2 = 0.84375` FreeBSD's erf rational
/// (`PP/QQ`); above, the erfc tail [`ERFC_H`] in `t = 1/(1 + v)`; a single division serves both. With
/// `m = x/2·erfc(v) = (1/√2)·v·erfc(v)`: `gelu = -m` for `x < 0`, `x - m` for `x >= 0`. The exponent
/// `-v² + K + H` is split so that no rounding of `x²` reaches it (`w` = `|x|` with its low 13 bits cleared,
/// `-w²/2 + K` exact, the rest small), and reduced once, Cody–Waite style, like `exp`.
#[inline(always)]
pub(crate) fn gelu<S: Simd>(s: S, x: S::V) -> S::V {
    const FRAC_1_SQRT2_HI: f32 = core::f32::consts::FRAC_1_SQRT_2;
    const FRAC_1_SQRT2_LO: f32 = 1.210_161_8e-8;
    let zero = s.splat(0.0);
    let one = s.splat(1.0);
    let half = s.splat(0.5);
    // Beyond 16, gelu(x) is x (x > 0) or rounds to -0 (x < 0); clamping keeps infinities out of the maths.
    let ax = clamp_nan(s, s.and(x, s.splat(f32::from_bits(0x7fff_ffff))), 0.0, 16.0);
    let neg = s.lt(x, zero);
    // v = ax/√2 = vh + vl exactly enough (error ~2^-48 relative).
    let (vh, e) = s.two_prod(ax, s.splat(FRAC_1_SQRT2_HI));
    let vl = s.mul_add_fast(ax, s.splat(FRAC_1_SQRT2_LO), e);
    let z = s.mul(vh, vh);
    let in1 = s.lt(vh, s.splat(0.84375));
    // One division: region 1 y = PP(z)/QQ(z); tail t = 1/(1 + v).
    let ratio = s.div(
        s.select(in1, poly(s, z, PP), one),
        s.select(in1, poly(s, z, QQ), s.add(s.add(one, vh), vl)),
    );

    // Region 1, v < 0.84375: erf(v) = v + v·y. erfc(v) = 1 - erf(v) for x < 0 (v < 1/4: 1 - (v + v·y),
    // else 0.5 - ((v - 0.5) + v·y), FreeBSD's cancellation-free form); for x >= 0 use 1 + erf(v).
    let vy = s.mul_add_fast(vh, ratio, vl);
    let erf_v = s.add(vh, vy);
    let q_lo = s.select(
        s.lt(vh, s.splat(0.25)),
        s.sub(one, erf_v),
        s.sub(half, s.add(s.sub(vh, half), vy)),
    );
    let r1 = s.mul(s.mul(half, x), s.select(neg, q_lo, s.add(one, erf_v)));

    // Tail: m = (1/√2)·exp(arg1 + arg2), arg1 = -w²/2 + K (exact), arg2 = (w - ax)(w + ax)/2 + H.
    let w = s.and(ax, s.splat(f32::from_bits(0xffff_e000)));
    let arg1 = s.mul_add_fast(s.mul(w, w), s.splat(-0.5), s.splat(ERFC_K));
    let h = poly(s, s.sub(ratio, s.splat(ERFC_TC)), ERFC_H);
    let arg2 = s.mul_add_fast(s.mul(s.sub(w, ax), s.add(w, ax)), half, h);
    let n = s.round(s.mul(s.add(arg1, arg2), s.splat(LOG2E)));
    let r = s.add(s.mul_add_fast(n, s.splat(-C1), arg1), arg2);
    let p = exp_poly(s, s.mul_add_fast(n, s.splat(-C2), r));
    let m = s.mul(s.splat(FRAC_1_SQRT2_HI), p); // times 2^n
                                                // Below ax = 12.9 every 2^n is a normal number: one multiply instead of the two-step scale.
    let m = if s.mask_bits(s.lt(s.splat(12.9), ax)) == 0 {
        s.mul(m, s.pow2i(n))
    } else {
        scale(s, m, n)
    };
    let r_far = s.select(neg, s.xor(m, s.splat(-0.0)), s.sub(x, m));
    s.select(in1, r1, r_far)
}
