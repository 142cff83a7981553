//! x86_64 SSE2: 4 lanes. SSE2 has no FMA, so the fused `mul_add` is done per lane in software.

use super::Simd;
use core::arch::x86_64::{
    __m128, _mm_add_epi32, _mm_add_ps, _mm_and_ps, _mm_andnot_ps, _mm_castps_si128,
    _mm_castsi128_ps, _mm_cmpeq_ps, _mm_cmplt_ps, _mm_cmpunord_ps, _mm_cvtepi32_ps,
    _mm_cvtps_epi32, _mm_cvttps_epi32, _mm_div_ps, _mm_loadu_ps, _mm_max_ps, _mm_min_ps,
    _mm_movemask_ps, _mm_mul_ps, _mm_or_ps, _mm_set1_epi32, _mm_set1_ps, _mm_slli_epi32,
    _mm_storeu_ps, _mm_sub_ps,
};

/// Token proving SSE2 is available (always true on x86_64, still checked).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sse2(());

impl Sse2 {
    /// # Safety
    /// The CPU must support SSE2.
    #[inline(always)]
    pub(crate) unsafe fn new_unchecked() -> Self {
        Sse2(())
    }
}

// SAFETY: `Sse2` is only constructed by `try_new` after detecting sse2, or by `new_unchecked` whose caller
// guarantees it; each method is the SSE2 intrinsic with the semantics documented on `Simd`.
unsafe impl Simd for Sse2 {
    const LANES: usize = 4;
    const FUSED: bool = false;
    type V = __m128;
    type M = __m128;

    #[inline(always)]
    fn try_new() -> Option<Self> {
        std::arch::is_x86_feature_detected!("sse2").then_some(Sse2(()))
    }
    #[inline(always)]
    fn splat(self, x: f32) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_set1_ps(x) }
    }
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m128 {
        // SAFETY: the caller guarantees 4 readable values at `p`; `loadu` has no alignment requirement.
        unsafe { _mm_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32, v: __m128) {
        // SAFETY: the caller guarantees 4 writable values at `p`; `storeu` has no alignment requirement.
        unsafe { _mm_storeu_ps(p, v) }
    }
    #[inline(always)]
    fn add(self, a: __m128, b: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_add_ps(a, b) }
    }
    #[inline(always)]
    fn sub(self, a: __m128, b: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_sub_ps(a, b) }
    }
    #[inline(always)]
    fn mul(self, a: __m128, b: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_mul_ps(a, b) }
    }
    #[inline(always)]
    fn div(self, a: __m128, b: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_div_ps(a, b) }
    }
    #[inline(always)]
    fn mul_add(self, a: __m128, b: __m128, c: __m128) -> __m128 {
        // No FMA instruction: one correctly rounded fused operation per lane in software.
        let (mut x, mut y, mut z, mut r) = ([0.0f32; 4], [0.0f32; 4], [0.0f32; 4], [0.0f32; 4]);
        // SAFETY: each array holds 4 writable values.
        unsafe {
            self.store(x.as_mut_ptr(), a);
            self.store(y.as_mut_ptr(), b);
            self.store(z.as_mut_ptr(), c);
        }
        for i in 0..4 {
            r[i] = x[i].mul_add(y[i], z[i]);
        }
        // SAFETY: `r` holds 4 readable values.
        unsafe { self.load(r.as_ptr()) }
    }
    #[inline(always)]
    fn mul_add_fast(self, a: __m128, b: __m128, c: __m128) -> __m128 {
        self.add(self.mul(a, b), c)
    }
    #[inline(always)]
    fn min(self, a: __m128, b: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_min_ps(a, b) }
    }
    #[inline(always)]
    fn max(self, a: __m128, b: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_max_ps(a, b) }
    }
    #[inline(always)]
    fn and(self, a: __m128, b: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_and_ps(a, b) }
    }
    #[inline(always)]
    fn or(self, a: __m128, b: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_or_ps(a, b) }
    }
    #[inline(always)]
    fn round(self, a: __m128) -> __m128 {
        // cvtps2dq rounds with the MXCSR mode, which is round-to-nearest-even unless the program changed it.
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_cvtepi32_ps(_mm_cvtps_epi32(a)) }
    }
    #[inline(always)]
    fn pow2_biased(self, k: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_castsi128_ps(_mm_slli_epi32::<23>(_mm_castps_si128(k))) }
    }
    #[inline(always)]
    fn pow2i(self, n: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe {
            _mm_castsi128_ps(_mm_slli_epi32::<23>(_mm_add_epi32(
                _mm_cvttps_epi32(n),
                _mm_set1_epi32(127),
            )))
        }
    }
    #[inline(always)]
    fn lt(self, a: __m128, b: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_cmplt_ps(a, b) }
    }
    #[inline(always)]
    fn eq(self, a: __m128, b: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_cmpeq_ps(a, b) }
    }
    #[inline(always)]
    fn unord(self, a: __m128, b: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_cmpunord_ps(a, b) }
    }
    #[inline(always)]
    fn select(self, m: __m128, a: __m128, b: __m128) -> __m128 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b)) }
    }
    #[inline(always)]
    fn mask_or(self, a: __m128, b: __m128) -> __m128 {
        self.or(a, b)
    }
    #[inline(always)]
    fn mask_bits(self, m: __m128) -> u32 {
        // SAFETY: an `Sse2` token exists only when sse2 was detected.
        unsafe { _mm_movemask_ps(m) as u32 }
    }
}
