//! The portable backend: one lane, plain Rust. Also the reference the SIMD backends are tested against.

use super::Simd;

/// Token of the scalar backend (always available).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scalar;

// SAFETY: the scalar backend uses no instruction beyond the target's baseline, and every method below follows
// the documented semantics (min/max written as x86's minps/maxps).
unsafe impl Simd for Scalar {
    const LANES: usize = 1;
    const FUSED: bool = false;
    type V = f32;
    type M = bool;

    #[inline(always)]
    fn try_new() -> Option<Self> {
        Some(Scalar)
    }
    #[inline(always)]
    fn splat(self, x: f32) -> f32 {
        x
    }
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> f32 {
        // SAFETY: the caller guarantees `p` is readable for one value; `read_unaligned` needs no alignment.
        unsafe { p.read_unaligned() }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32, v: f32) {
        // SAFETY: the caller guarantees `p` is writable for one value.
        unsafe { p.write_unaligned(v) }
    }
    #[inline(always)]
    unsafe fn load_partial(self, _p: *const f32, _n: usize, fill: f32) -> f32 {
        // With one lane, a partial load has n == 0 lanes: all fill.
        fill
    }
    #[inline(always)]
    unsafe fn store_partial(self, _p: *mut f32, _n: usize, _v: f32) {}
    #[inline(always)]
    fn add(self, a: f32, b: f32) -> f32 {
        a + b
    }
    #[inline(always)]
    fn sub(self, a: f32, b: f32) -> f32 {
        a - b
    }
    #[inline(always)]
    fn mul(self, a: f32, b: f32) -> f32 {
        a * b
    }
    #[inline(always)]
    fn div(self, a: f32, b: f32) -> f32 {
        a / b
    }
    #[inline(always)]
    fn mul_add(self, a: f32, b: f32, c: f32) -> f32 {
        a.mul_add(b, c)
    }
    #[inline(always)]
    fn mul_add_fast(self, a: f32, b: f32, c: f32) -> f32 {
        a * b + c
    }
    #[inline(always)]
    fn min(self, a: f32, b: f32) -> f32 {
        if a < b {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    fn max(self, a: f32, b: f32) -> f32 {
        if a > b {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    fn and(self, a: f32, b: f32) -> f32 {
        f32::from_bits(a.to_bits() & b.to_bits())
    }
    #[inline(always)]
    fn or(self, a: f32, b: f32) -> f32 {
        f32::from_bits(a.to_bits() | b.to_bits())
    }
    #[inline(always)]
    fn round(self, a: f32) -> f32 {
        // 1.5 * 2^23: adding it pushes the fraction bits out in round-to-nearest-even (valid for |a| < 2^22).
        const MAGIC: f32 = 12_582_912.0;
        (a + MAGIC) - MAGIC
    }
    #[inline(always)]
    fn pow2_biased(self, k: f32) -> f32 {
        f32::from_bits(k.to_bits() << 23)
    }
    #[inline(always)]
    fn pow2i(self, n: f32) -> f32 {
        f32::from_bits(((n as i32 + 127) as u32) << 23)
    }
    #[inline(always)]
    fn lt(self, a: f32, b: f32) -> bool {
        a < b
    }
    #[inline(always)]
    fn eq(self, a: f32, b: f32) -> bool {
        a == b
    }
    #[inline(always)]
    fn unord(self, a: f32, b: f32) -> bool {
        a.is_nan() || b.is_nan()
    }
    #[inline(always)]
    fn select(self, m: bool, a: f32, b: f32) -> f32 {
        if m {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    fn mask_or(self, a: bool, b: bool) -> bool {
        a | b
    }
    #[inline(always)]
    fn mask_bits(self, m: bool) -> u32 {
        u32::from(m)
    }
    #[inline(always)]
    fn reduce_add_f64(self, v: f32) -> f64 {
        f64::from(v)
    }
}
