//! x86_64 AVX-512F: 16 lanes, k-register masks, masked tail loads/stores. Only AVX-512F instructions are
//! used (bitwise ops go through the integer domain, which F has), so any AVX-512 CPU qualifies.

use super::Simd;
use core::arch::x86_64::{
    __m512, __mmask16, _mm512_add_epi32, _mm512_add_ps, _mm512_and_si512, _mm512_castps_si512,
    _mm512_castsi512_ps, _mm512_cmp_ps_mask, _mm512_cvttps_epi32, _mm512_div_ps, _mm512_fmadd_ps,
    _mm512_loadu_ps, _mm512_mask_blend_ps, _mm512_mask_loadu_ps, _mm512_mask_storeu_ps,
    _mm512_max_ps, _mm512_min_ps, _mm512_mul_ps, _mm512_or_si512, _mm512_permutexvar_ps,
    _mm512_roundscale_ps, _mm512_scalef_ps, _mm512_set1_epi32, _mm512_set1_ps, _mm512_slli_epi32,
    _mm512_storeu_ps, _mm512_sub_ps, _CMP_EQ_OQ, _CMP_LT_OQ, _CMP_UNORD_Q, _MM_FROUND_NO_EXC,
    _MM_FROUND_TO_NEAREST_INT,
};

/// Token proving AVX-512F is available.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx512(());

impl Avx512 {
    /// # Safety
    /// The CPU must support AVX-512F.
    #[inline(always)]
    pub(crate) unsafe fn new_unchecked() -> Self {
        Avx512(())
    }
}

/// The smallest page size: a boundary of it may be a page boundary.
const PAGE: usize = 4096;

/// Mask of the first `n < 16` lanes.
#[inline(always)]
fn first_n(n: usize) -> __mmask16 {
    ((1u32 << n) - 1) as __mmask16
}

// SAFETY: `Avx512` is only constructed by `try_new` after detecting avx512f, or by `new_unchecked` whose caller
// guarantees it; each method is the AVX-512F intrinsic with the semantics documented on `Simd`.
unsafe impl Simd for Avx512 {
    const LANES: usize = 16;
    const FUSED: bool = true;
    type V = __m512;
    type M = __mmask16;

    #[inline(always)]
    fn try_new() -> Option<Self> {
        std::arch::is_x86_feature_detected!("avx512f").then_some(Avx512(()))
    }
    #[inline(always)]
    fn splat(self, x: f32) -> __m512 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_set1_ps(x) }
    }
    #[inline(always)]
    unsafe fn load(self, p: *const f32) -> __m512 {
        // SAFETY: the caller guarantees 16 readable values at `p`; `loadu` has no alignment requirement.
        unsafe { _mm512_loadu_ps(p) }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f32, v: __m512) {
        // SAFETY: the caller guarantees 16 writable values at `p`; `storeu` has no alignment requirement.
        unsafe { _mm512_storeu_ps(p, v) }
    }
    #[inline(always)]
    unsafe fn load_partial(self, p: *const f32, n: usize, fill: f32) -> __m512 {
        // A masked load whose 64 bytes cross a 4 KiB boundary costs ~75 ns on AMD Zen 4 even when the next page is
        // mapped (sum of 1,000 values ending at a page end: 116 vs 42 ns; AVX2's `vmaskmovps` and masked stores
        // showed no such cost): such a tail goes through a stack buffer instead, with the same result.
        if (p as usize) % PAGE > PAGE - 64 {
            // SAFETY: the caller guarantees `p` readable for `n < 16` values, which is all this needs.
            return unsafe { super::load_partial_buffered(self, p, n, fill) };
        }
        // SAFETY: the masked load reads only the first `n` lanes (masked-off lanes never fault), which the
        // caller guarantees readable; the others come from `fill`.
        unsafe { _mm512_mask_loadu_ps(self.splat(fill), first_n(n), p) }
    }
    #[inline(always)]
    unsafe fn store_partial(self, p: *mut f32, n: usize, v: __m512) {
        // SAFETY: the masked store writes only the first `n` lanes, which the caller guarantees writable.
        unsafe { _mm512_mask_storeu_ps(p, first_n(n), v) }
    }
    #[inline(always)]
    fn add(self, a: __m512, b: __m512) -> __m512 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_add_ps(a, b) }
    }
    #[inline(always)]
    fn sub(self, a: __m512, b: __m512) -> __m512 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_sub_ps(a, b) }
    }
    #[inline(always)]
    fn mul(self, a: __m512, b: __m512) -> __m512 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_mul_ps(a, b) }
    }
    #[inline(always)]
    fn div(self, a: __m512, b: __m512) -> __m512 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_div_ps(a, b) }
    }
    #[inline(always)]
    fn mul_add(self, a: __m512, b: __m512, c: __m512) -> __m512 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_fmadd_ps(a, b, c) }
    }
    #[inline(always)]
    fn mul_add_fast(self, a: __m512, b: __m512, c: __m512) -> __m512 {
        self.mul_add(a, b, c)
    }
    #[inline(always)]
    fn min(self, a: __m512, b: __m512) -> __m512 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_min_ps(a, b) }
    }
    #[inline(always)]
    fn max(self, a: __m512, b: __m512) -> __m512 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_max_ps(a, b) }
    }
    #[inline(always)]
    fn and(self, a: __m512, b: __m512) -> __m512 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe {
            _mm512_castsi512_ps(_mm512_and_si512(
                _mm512_castps_si512(a),
                _mm512_castps_si512(b),
            ))
        }
    }
    #[inline(always)]
    fn or(self, a: __m512, b: __m512) -> __m512 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe {
            _mm512_castsi512_ps(_mm512_or_si512(
                _mm512_castps_si512(a),
                _mm512_castps_si512(b),
            ))
        }
    }
    #[inline(always)]
    fn round(self, a: __m512) -> __m512 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_roundscale_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(a) }
    }
    #[inline(always)]
    fn pow2_biased(self, k: __m512) -> __m512 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_castsi512_ps(_mm512_slli_epi32::<23>(_mm512_castps_si512(k))) }
    }
    #[inline(always)]
    fn pow2i(self, n: __m512) -> __m512 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe {
            _mm512_castsi512_ps(_mm512_slli_epi32::<23>(_mm512_add_epi32(
                _mm512_cvttps_epi32(n),
                _mm512_set1_epi32(127),
            )))
        }
    }
    #[inline(always)]
    fn lt(self, a: __m512, b: __m512) -> __mmask16 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_cmp_ps_mask::<_CMP_LT_OQ>(a, b) }
    }
    #[inline(always)]
    fn eq(self, a: __m512, b: __m512) -> __mmask16 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_cmp_ps_mask::<_CMP_EQ_OQ>(a, b) }
    }
    #[inline(always)]
    fn unord(self, a: __m512, b: __m512) -> __mmask16 {
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_cmp_ps_mask::<_CMP_UNORD_Q>(a, b) }
    }
    #[inline(always)]
    fn select(self, m: __mmask16, a: __m512, b: __m512) -> __m512 {
        // `mask_blend` takes the second vector where the mask bit is set.
        // SAFETY: an `Avx512` token exists only when avx512f was detected.
        unsafe { _mm512_mask_blend_ps(m, b, a) }
    }
    #[inline(always)]
    fn mask_or(self, a: __mmask16, b: __mmask16) -> __mmask16 {
        a | b
    }
    #[inline(always)]
    fn mask_bits(self, m: __mmask16) -> u32 {
        u32::from(m)
    }
    #[inline(always)]
    fn lookup16(self, table: &[f32; 16], idx: __m512) -> __m512 {
        // SAFETY: avx512f detected; the load reads the 16 values of `table`; `permutexvar` uses the index's low
        // 4 bits, so every lane picks an entry of the table.
        unsafe { _mm512_permutexvar_ps(_mm512_castps_si512(idx), _mm512_loadu_ps(table.as_ptr())) }
    }
    #[inline(always)]
    fn mul_pow2i(self, v: __m512, n: __m512) -> __m512 {
        // SAFETY: avx512f detected. `scalef` is `v · 2^floor(n)` with one rounding, which for integral `n` in
        // [-126, 127] is exactly `v · pow2i(n)`.
        unsafe { _mm512_scalef_ps(v, n) }
    }
}
