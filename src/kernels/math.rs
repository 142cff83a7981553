//! Transcendental functions, written once over [`Simd`]. Error bounds are measured exhaustively (all 2^32
//! inputs, every backend) by `examples/ulp.rs`; the figures are in `docs/ACCURACY.md`.
//!
//! Building blocks:
//! - `exp_parts_in_range(x) = (p, n)` with `exp(x) = p · 2^n`, `p ∈ [0.7, 1.42]`: Cody–Waite reduction
//!   `x = n·ln2 + r` with `ln2 = C1 + C2` (C1 has 9 significant bits so `n·C1` is exact) and a degree-6
//!   polynomial for `e^r` on `|r| ≤ ln2/2` ([`EXP_P`], fitted here; ~1 ulp with the reduction's roundings).
//! - `scale(v, n) = v · 2^n` in two exact power-of-two steps, so results in the subnormal range are rounded
//!   once, at the very end (that keeps tiny results such as `sigmoid(-90)` accurate instead of flushing them).
//! - `tanh`: `sign(x)·m/(m + 2)`, `m = e^{2|x|} - 1` from `exp`'s polynomial, its reduction done on `|x|` (see
//!   [`tanh`]).
//! - `gelu`: `x·Φ(x)` through the upper normal tail `Q(|x|)` (`x·Q` for x < 0, `x - x·Q` above),
//!   table-driven: per unit interval `k = round(|x|)` a degree-5 polynomial for the exponent correction
//!   `C_k(δ)` around `ln Q(k)`, the exact `-kδ` term, one Cody–Waite reduction and a short `e^r` polynomial;
//!   no division (see [`gelu`]).

use crate::simd::Simd;

const LOG2E: f32 = core::f32::consts::LOG2_E;
/// ln 2 = C1 + C2; C1 = 355/512 is exact in 9 bits (Cephes).
const C1: f32 = 0.693_359_375;
const C2: f32 = -2.121_944_4e-4;
/// Below this, every function built on `exp_parts_in_range` has underflowed to (signed) zero: `swish(-120)` ≈ -1e-50.
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

/// `x <= 0` (or NaN) clamped at `EXP_LO`: the only bound such an input can cross. NaN stays NaN (second operand
/// of `max`).
#[inline(always)]
fn clamp_nonpositive<S: Simd>(s: S, x: S::V) -> S::V {
    s.max(s.splat(EXP_LO), x)
}

/// `x` clamped to `[EXP_LO, EXP_HI]`, NaN kept.
#[inline(always)]
fn clamp_exp<S: Simd>(s: S, x: S::V) -> S::V {
    clamp_nan(s, x, EXP_LO, EXP_HI)
}

/// `(p, n)` with `exp(x) = p · 2^n` for `x` in `[EXP_LO, EXP_HI]`, NaN propagated through `p`. Callers clamp
/// `x` into that range unless a test of the whole vector showed every lane inside `[FAST_LO, FAST_HI]`.
#[inline(always)]
fn exp_parts_in_range<S: Simd>(s: S, x: S::V) -> (S::V, S::V) {
    let (r, n) = reduce(s, x);
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

/// `e^r` for `|r| <= ln2/2` ([`EXP_P`], ~1 ulp).
#[inline(always)]
fn exp_poly<S: Simd>(s: S, r: S::V) -> S::V {
    s.add(expm1_poly(s, r), s.splat(1.0))
}

/// `e^r - 1` for `|r| <= ln2/2`: the same polynomial as [`exp_poly`] before its final `+ 1`, so it keeps full
/// relative accuracy as `r → 0`.
#[inline(always)]
fn expm1_poly<S: Simd>(s: S, r: S::V) -> S::V {
    expm1_with(s, r, EXP_P)
}

/// `P` of `e^r = 1 + r + r²·P(r)` on `|r| <= ln2/2`, degree 4 (`e^r` of degree 6): 3.8e-9 relative error with
/// these f32 coefficients (0.06 ulp), fitted here by weighted least squares on the relative error of `e^r`
/// (Lawson iterations on Chebyshev nodes, coefficients rounded to f32 from the highest degree, refitting the
/// rest). Cephes' `expf` polynomial, used before, has one degree more (error ~1e-10): one more multiply-add per
/// vector in every exp-based kernel, which on AMD Zen 4 is where their time goes.
const EXP_P: [f32; 5] = [
    1.381_459_4e-3,
    8.368_712e-3,
    4.166_839e-2,
    1.666_652_1e-1,
    0.499_999_94,
];

/// `e^r - 1 = r + r²·P(r)` with the coefficients `p` of `P` (highest degree first).
#[inline(always)]
fn expm1_with<S: Simd, const N: usize>(s: S, r: S::V, p: [f32; N]) -> S::V {
    s.mul_add_fast(poly(s, r, p), s.mul(r, r), r)
}

/// `v · 2^n` for integral `n ∈ [-252, 254]`: two exact steps, one final rounding (which may be subnormal).
#[inline(always)]
pub(crate) fn scale<S: Simd>(s: S, v: S::V, n: S::V) -> S::V {
    let n1 = s.round(s.mul(n, s.splat(0.5)));
    let n2 = s.sub(n, n1);
    s.mul_pow2i(s.mul_pow2i(v, n1), n2)
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
    let slow = any_outside(s, x, FAST_LO, FAST_HI);
    let (p, n) = exp_parts_clamped_if(s, x, slow, clamp_exp);
    if slow {
        scale(s, p, n)
    } else {
        s.mul_pow2i(p, n)
    }
}

/// `e^x` for `x <= 0` (softmax's shifted inputs): the same result as [`exp`], the bounds test on one side only.
#[inline(always)]
pub(crate) fn exp_nonpositive<S: Simd>(s: S, x: S::V) -> S::V {
    let slow = s.mask_bits(s.lt(x, s.splat(FAST_LO))) != 0;
    let (p, n) = exp_parts_clamped_if(s, x, slow, clamp_nonpositive);
    if slow {
        scale(s, p, n)
    } else {
        s.mul_pow2i(p, n)
    }
}

/// [`exp_parts_in_range`] of `clamp(x)` when `slow` (some lane outside the fast range), of `x` otherwise: a vector
/// whose every lane is in `[FAST_LO, FAST_HI]` (or NaN) skips the clamp's operations (exp at 100,000 on AMD Zen 4:
/// AVX2 17 % faster, AVX-512 1 %). The one-lane backend clamps always, which keeps its loop free of branches (14 %
/// faster than testing first).
#[inline(always)]
fn exp_parts_clamped_if<S: Simd>(
    s: S,
    x: S::V,
    slow: bool,
    clamp: impl Fn(S, S::V) -> S::V,
) -> (S::V, S::V) {
    if slow || S::LANES == 1 {
        exp_parts_in_range(s, clamp(s, x))
    } else {
        exp_parts_in_range(s, x)
    }
}

/// `num(x) / (1 + e^{-|x|})`, scaled so that for `x < 0` the numerator carries `e^{x}`'s mantissa: the
/// shared core of sigmoid (`num = 1`) and swish (`num = x`). Results in the subnormal range stay accurate.
#[inline(always)]
fn logistic_times<S: Simd>(s: S, x: S::V, num: S::V) -> S::V {
    let one = s.splat(1.0);
    let sign = s.splat(-0.0);
    let t = s.or(x, sign); // -|x|
    let (p, n) = exp_parts_in_range(s, clamp_nonpositive(s, t));
    let neg = s.lt(x, s.splat(0.0));
    if s.mask_bits(s.lt(t, s.splat(FAST_LO))) == 0 {
        // Every lane has e^{-|x|} >= e^-87, a normal number: no split scaling needed.
        let e = s.mul_pow2i(p, n);
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
/// `q = e^r - 1`). `|x|` is capped at 44, where the result is exactly 1 (so is it from `|x| ≈ 9.01`).
///
/// Every step works on `h = r/2` so that `2|x|` is never formed: `n = round(|x|·2·log₂e)` with its `2^n` from
/// one multiply-add and a shift ([`Simd::pow2_biased`]), `h = |x| - n·ln2/2` in one fused step where the
/// hardware has FMA (`n <= 127`; the error of `ln2` in f32 moves `m` by at most `n·1.9e-9` relative, which
/// matters only where `n` is small), else in Cody–Waite's two exact steps; `q/2 = h + h²·2P(2h)` with [`EXP_P`]'s
/// coefficients scaled by powers of two, and `m/2 = t·q/2 + (t - 1)/2`, `tanh = (m/2) / (m/2 + 1)`. Fewer
/// multiply-class operations than `exp`'s reduction (AVX-512 on AMD Zen 4: 0.233 vs 0.263 ns per element).
#[inline(always)]
pub(crate) fn tanh<S: Simd>(s: S, x: S::V) -> S::V {
    // NaN stays NaN (second operand of `min`) and carries through every step.
    let ax = s.min(
        s.splat(TANH_HI),
        s.and(x, s.splat(f32::from_bits(0x7fff_ffff))),
    );
    let k = s.mul_add_fast(ax, s.splat(2.0 * LOG2E), s.splat(POW2_BIAS));
    let n = s.sub(k, s.splat(POW2_BIAS));
    let h = if S::FUSED {
        s.mul_add_fast(n, s.splat(-core::f32::consts::LN_2 / 2.0), ax)
    } else {
        s.mul_add_fast(
            n,
            s.splat(-C2 / 2.0),
            s.mul_add_fast(n, s.splat(-C1 / 2.0), ax),
        )
    };
    let q_half = s.mul_add_fast(poly(s, h, EXP_P_TWICE_2H), s.mul(h, h), h);
    let t = s.pow2_biased(k);
    let m_half = s.mul_add_fast(q_half, t, s.mul_add_fast(t, s.splat(0.5), s.splat(-0.5)));
    let th = s.div(m_half, s.add(m_half, s.splat(1.0)));
    s.or(th, s.and(x, s.splat(-0.0)))
}

/// tanh's cap on `|x|`: `2|x| <= 88`, so `n <= 127`.
const TANH_HI: f32 = 44.0;
/// `127 + 1.5·2^23`: added to `x·c`, it rounds `x·c` to an integer `n` and leaves `n + 127` in the low mantissa
/// bits ([`Simd::pow2_biased`]).
const POW2_BIAS: f32 = 12_582_912.0 + 127.0;
/// `2·P(2h)` as a polynomial in `h`: [`EXP_P`]'s coefficient of degree `j` times `2^{j+1}` (exact).
const EXP_P_TWICE_2H: [f32; 5] = [
    EXP_P[0] * 32.0,
    EXP_P[1] * 16.0,
    EXP_P[2] * 8.0,
    EXP_P[3] * 4.0,
    EXP_P[4] * 2.0,
];

/// GELU tables, one entry per interval `k = round(|x|)` (`k` in 0..=14, entry 15 repeats 14): with
/// `δ = |x| - k` and the upper normal tail `Q(a) = erfc(a/√2)/2`,
/// `Q(k + δ) = M_k · 2^{N_k} · e^{-kδ + C_k(δ)}` where `M_k · 2^{N_k}` is `Q(k)` (`M_k` rounded to f32, in
/// [1, 2); stored as [`GELU_M`]) and `C_k` is a degree-5 polynomial without constant term (coefficient `j + 1` of
/// interval `k` is `GELU_C[j][k]`) for `ln Q(k + δ) + kδ - ln M_k - N_k·ln 2` on `δ ∈ [-1/2, 1/2]` (`[0, 1/2]`
/// for `k = 0`), whose value at `δ = 0` is only `M_k`'s rounding. Generated by `docs/fits/gelu_table.py` (least
/// squares on Chebyshev nodes against an mpmath reference, coefficients rounded to f32 one at a time from the
/// highest degree, refitting the rest): max error 5.6e-8, absolute, in the exponent; `|C_k| <= 0.49`.
const GELU_C: [[f32; 16]; 5] = [
    [
        -7.9788464e-01,
        -5.251353e-01,
        -3.7321553e-01,
        -2.8309867e-01,
        -2.2560714e-01,
        -1.8650396e-01,
        -1.5848261e-01,
        -1.3754562e-01,
        -1.2136811e-01,
        -1.0852311e-01,
        -9.8093234e-02,
        -8.946503e-02,
        -8.221418e-02,
        -7.603856e-02,
        -7.071763e-02,
        -7.071763e-02,
    ],
    [
        -3.183068e-01,
        -4.0045166e-01,
        -4.428611e-01,
        -4.6472108e-01,
        -4.7666436e-01,
        -4.8365256e-01,
        -4.8800713e-01,
        -4.9086875e-01,
        -4.928372e-01,
        -4.9424288e-01,
        -4.952769e-01,
        -4.9605992e-01,
        -4.966653e-01,
        -4.97142e-01,
        -4.975236e-01,
        -4.975236e-01,
    ],
    [
        -3.636464e-02,
        -1.9489154e-02,
        -9.89255e-03,
        -5.2450215e-03,
        -2.9760143e-03,
        -1.804276e-03,
        -1.158915e-03,
        -7.814197e-04,
        -5.4864434e-04,
        -3.9845702e-04,
        -2.9773294e-04,
        -2.2790664e-04,
        -1.781003e-04,
        -1.4168587e-04,
        -1.1448303e-04,
        -1.1448303e-04,
    ],
    [
        4.9042553e-03,
        3.3034196e-03,
        1.6521966e-03,
        7.9486595e-04,
        4.0038303e-04,
        2.152312e-04,
        1.2415563e-04,
        7.204498e-05,
        4.494602e-05,
        3.132824e-05,
        1.9406869e-05,
        1.55032e-05,
        1.2662319e-05,
        9.142515e-06,
        4.9141518e-06,
        4.9141518e-06,
    ],
    [
        -2.0735845e-04,
        -4.015485e-04,
        -2.4324376e-04,
        -1.13879985e-04,
        -5.244515e-05,
        -2.5282274e-05,
        -1.2943169e-05,
        -7.0312144e-06,
        -4.03101e-06,
        -2.4232972e-06,
        -1.5183384e-06,
        -9.862148e-07,
        -6.6103007e-07,
        -4.5543715e-07,
        -3.2148918e-07,
        -3.2148918e-07,
    ],
];
/// `M_k·2^{N_k + GELU_BIAS}`: `Q(k)` scaled into the normal range (exactly: only the exponent differs).
const GELU_M: [f32; 16] = [
    6.338253e+29,
    2.0111943e+29,
    2.8839218e+28,
    1.7111991e+27,
    4.014807e+25,
    3.6337405e+23,
    1.2506485e+21,
    1.6223551e+18,
    7.886004e+14,
    1.4306558e+11,
    9.659311e+06,
    2.4220488e+02,
    2.2519587e-03,
    7.754427e-09,
    9.8794814e-15,
    9.8794814e-15,
];
/// The exponent bias of [`GELU_M`], removed by the final `2^{n2 - GELU_BIAS}`.
const GELU_BIAS: f32 = 100.0;
/// `|x|` beyond which gelu is exactly `x` (x > 0) or rounds to -0 (x < 0): `14.5·Q(14.5) < 2^-150`.
const GELU_CLAMP: f32 = 14.5;

/// `1.5·2^23`: adding it rounds a small float to an integer and leaves that integer in the low mantissa bits.
const ROUND_MAGIC: f32 = 12_582_912.0;

/// GELU, exact erf form: `x·Φ(x)`. With `a = |x|` and `m = x·Q(a)` (`Q` the upper normal tail):
/// `gelu = m` for `x < 0` and `x - m` for `x >= 0`. `Q` comes from the [`GELU_C`] tables: interval
/// `k = round(a)`, `δ = a - k` (exact), and `m = x·M_k·2^{N_k}·e^{-kδ + C_k(δ)}`. `kδ` is exact in f32: for
/// `a ∈ [2^e, 2^{e+1})`, `δ` is a multiple of `ulp(a) = 2^{e-23}` with `|δ| <= 1/2` (at most `22 - e` significant
/// bits) and the integer `k <= 2^{e+1}` has at most `e + 1`, so the product fits in 23 bits. The exponent's only
/// roundings are thus those of the small `C_k`; it is reduced Cody–Waite style like `exp`, and
/// `x·M_k·e^r = xm + xm·(e^r - 1)` (`xm = x·M_k`) takes one fused step. No division; each table lookup is one
/// permute on AVX-512.
#[inline(always)]
pub(crate) fn gelu<S: Simd>(s: S, x: S::V) -> S::V {
    // NaN stays NaN; ±inf become ±14.5, where the result is already x (resp. -0).
    let xc = clamp_nan(s, x, -GELU_CLAMP, GELU_CLAMP);
    let a = s.and(xc, s.splat(f32::from_bits(0x7fff_ffff)));
    // k = round(a) in 0..=14 (ties to even: 14.5 -> 14); `kb`'s low 4 bits are k, the table index.
    let kb = s.add(a, s.splat(ROUND_MAGIC));
    let k = s.sub(kb, s.splat(ROUND_MAGIC));
    let d = s.sub(a, k); // exact
    let mut c = s.lookup16(&GELU_C[4], kb);
    for j in (0..4).rev() {
        c = s.mul_add_fast(c, d, s.lookup16(&GELU_C[j], kb));
    }
    let c = s.mul(c, d);
    // Exponent -kδ + C = n2·ln2 + r: `kδ + n2·C1` is exact (both have few bits and the sum is small).
    let kd = s.mul(k, d);
    let n2 = s.round(s.mul(s.sub(c, kd), s.splat(LOG2E)));
    let r = s.sub(
        s.mul_add_fast(n2, s.splat(-C2), c),
        s.mul_add_fast(n2, s.splat(C1), kd),
    );
    // e^r - 1 = r + r²·P(r); x·M'·e^r (M' = GELU_M <= 2^100) in one fused step, then one multiply by
    // 2^{n2 - 100} (n2 - 100 in [-111, -89]), whose single rounding may land in the subnormal range.
    let rq = expm1_with(s, r, EXP_P);
    let mk = s.lookup16(&GELU_M, kb);
    let xm = s.mul(xc, mk);
    let m = s.mul_add_fast(xm, rq, xm);
    let m = s.mul_pow2i(m, s.sub(n2, s.splat(GELU_BIAS)));
    // x - m for x >= 2^-126; m itself below (x < 0, and ±0 and subnormal x, where m = x·Q keeps the sign of -0).
    s.select(s.lt(x, s.splat(f32::MIN_POSITIVE)), m, s.sub(x, m))
}
