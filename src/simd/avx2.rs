//! x86_64 AVX2 + FMA: 8 lanes, hardware fused multiply-add, masked tail loads/stores.

use super::Simd;
use core::arch::x86_64::{
    __m256, __m256i, _mm256_add_epi32, _mm256_add_ps, _mm256_and_ps, _mm256_blendv_ps,
    _mm256_castps_si256, _mm256_castsi256_ps, _mm256_cmp_ps, _mm256_cvttps_epi32, _mm256_div_ps,
    _mm256_fmadd_ps, _mm256_loadu_ps, _mm256_loadu_si256, _mm256_maskload_ps, _mm256_maskstore_ps,
    _mm256_max_ps, _mm256_min_ps, _mm256_movemask_ps, _mm256_mul_ps, _mm256_or_ps,
    _mm256_permutevar8x32_ps, _mm256_round_ps, _mm256_set1_epi32, _mm256_set1_ps,
    _mm256_slli_epi32, _mm256_storeu_ps, _mm256_sub_ps, _CMP_EQ_OQ, _CMP_LT_OQ, _CMP_UNORD_Q,
    _MM_FROUND_NO_EXC, _MM_FROUND_TO_NEAREST_INT,
};

/// Token proving AVX2 and FMA are available.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2(());

impl Avx2 {
    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[inline(always)]
    pub(crate) unsafe fn new_unchecked() -> Self {
        Avx2(())
    }

    /// A lane mask whose first `n <= 8` lanes are set (sign bit = lane enabled), for `maskload`/`maskstore`.
    #[inline(always)]
    fn first_n(self, n: usize) -> __m256i {
        const RAMP: [i32; 16] = [-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0];
        let _ = self;
        // SAFETY: `n <= 8`, so 8 values from `8 - n` stay inside the 16-element `RAMP`; the token proves avx2.
        unsafe { _mm256_loadu_si256(RAMP.as_ptr().add(8 - n).cast()) }
    }
}

// SAFETY: `Avx2` is only constructed by `try_new` after detecting avx2 and fma, or by `new_unchecked` whose
// caller guarantees it; each method is the AVX2/FMA intrinsic with the semantics documented on `Simd`.
unsafe impl Simd for Avx2 {
    const LANES: usize = 8;
    const FUSED: bool = true;
    type V = __m256;
    type M = __m256;

    #[inline(always)]
    fn try_new() -> Option<Self> {
        (std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma"))
            .then_some(Avx2(()))
    }
    #[inline(always)]
    fn splat(self, x: f32) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_set1_ps(x) }
    }
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m256 {
        // SAFETY: the caller guarantees 8 readable values at `p`; `loadu` has no alignment requirement.
        unsafe { _mm256_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32, v: __m256) {
        // SAFETY: the caller guarantees 8 writable values at `p`; `storeu` has no alignment requirement.
        unsafe { _mm256_storeu_ps(p, v) }
    }
    #[inline(always)]
    unsafe fn load_partial(self, p: *const f32, n: usize, fill: f32) -> __m256 {
        let m = self.first_n(n);
        // SAFETY: `maskload` touches only the lanes enabled in `m`, i.e. the `n` values the caller guarantees
        // readable (masked-off lanes never fault); avx2 detected.
        unsafe {
            _mm256_blendv_ps(
                self.splat(fill),
                _mm256_maskload_ps(p, m),
                _mm256_castsi256_ps(m),
            )
        }
    }
    #[inline(always)]
    unsafe fn store_partial(self, p: *mut f32, n: usize, v: __m256) {
        // SAFETY: `maskstore` writes only the first `n` lanes, which the caller guarantees writable.
        unsafe { _mm256_maskstore_ps(p, self.first_n(n), v) }
    }
    #[inline(always)]
    fn add(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_add_ps(a, b) }
    }
    #[inline(always)]
    fn sub(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_sub_ps(a, b) }
    }
    #[inline(always)]
    fn mul(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_mul_ps(a, b) }
    }
    #[inline(always)]
    fn div(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_div_ps(a, b) }
    }
    #[inline(always)]
    fn mul_add(self, a: __m256, b: __m256, c: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_fmadd_ps(a, b, c) }
    }
    #[inline(always)]
    fn mul_add_fast(self, a: __m256, b: __m256, c: __m256) -> __m256 {
        self.mul_add(a, b, c)
    }
    #[inline(always)]
    fn min(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_min_ps(a, b) }
    }
    #[inline(always)]
    fn max(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_max_ps(a, b) }
    }
    #[inline(always)]
    fn and(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_and_ps(a, b) }
    }
    #[inline(always)]
    fn or(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_or_ps(a, b) }
    }
    #[inline(always)]
    fn round(self, a: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_round_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(a) }
    }
    #[inline(always)]
    fn pow2_biased(self, k: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_castsi256_ps(_mm256_slli_epi32::<23>(_mm256_castps_si256(k))) }
    }
    #[inline(always)]
    fn pow2i(self, n: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe {
            _mm256_castsi256_ps(_mm256_slli_epi32::<23>(_mm256_add_epi32(
                _mm256_cvttps_epi32(n),
                _mm256_set1_epi32(127),
            )))
        }
    }
    #[inline(always)]
    fn lt(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_cmp_ps::<_CMP_LT_OQ>(a, b) }
    }
    #[inline(always)]
    fn eq(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_cmp_ps::<_CMP_EQ_OQ>(a, b) }
    }
    #[inline(always)]
    fn unord(self, a: __m256, b: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_cmp_ps::<_CMP_UNORD_Q>(a, b) }
    }
    #[inline(always)]
    fn select(self, m: __m256, a: __m256, b: __m256) -> __m256 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_blendv_ps(b, a, m) }
    }
    #[inline(always)]
    fn mask_or(self, a: __m256, b: __m256) -> __m256 {
        self.or(a, b)
    }
    #[inline(always)]
    fn mask_bits(self, m: __m256) -> u32 {
        // SAFETY: an `Avx2` token exists only when avx2+fma were detected.
        unsafe { _mm256_movemask_ps(m) as u32 }
    }
    #[inline(always)]
    fn lookup16(self, table: &[f32; 16], idx: __m256) -> __m256 {
        // SAFETY: avx2 detected; the two loads read the 16 values of `table`. `permutevar8x32` uses the index's
        // low 3 bits; bit 3 (shifted into the sign bit) picks the upper half with `blendv`.
        unsafe {
            let i = _mm256_castps_si256(idx);
            let lo = _mm256_permutevar8x32_ps(_mm256_loadu_ps(table.as_ptr()), i);
            let hi = _mm256_permutevar8x32_ps(_mm256_loadu_ps(table.as_ptr().add(8)), i);
            _mm256_blendv_ps(lo, hi, _mm256_castsi256_ps(_mm256_slli_epi32::<28>(i)))
        }
    }
}
