//! Every kernel, written once, generically over [`Simd`](crate::simd::Simd).
//!
//! Kernels work on raw pointers and a length so that in-place forms (`out` aliasing an input exactly) share
//! the same code; the safe API in `crate::api` checks lengths before calling them.

pub(crate) mod elementwise;
pub(crate) mod math;
pub(crate) mod reduction;
pub(crate) mod softmax;

use crate::simd::Simd;

/// Loads one vector from each of `K` streams at element offset `i`.
///
/// # Safety
/// Every pointer must be valid for reading `i + S::LANES` values.
#[inline(always)]
pub(crate) unsafe fn load_all<S: Simd, const K: usize>(s: S, src: [*const f32; K], i: usize) -> [S::V; K] {
    // SAFETY: the caller guarantees `LANES` readable values at offset `i` of every stream.
    src.map(|p| unsafe { s.load(p.add(i)) })
}

/// Loads the last `rem < S::LANES` values of each stream at offset `i`, other lanes set to `fill`.
///
/// # Safety
/// Every pointer must be valid for reading `i + rem` values.
#[inline(always)]
pub(crate) unsafe fn load_all_partial<S: Simd, const K: usize>(
    s: S,
    src: [*const f32; K],
    i: usize,
    rem: usize,
    fill: f32,
) -> [S::V; K] {
    // SAFETY: the caller guarantees `rem` readable values at offset `i` of every stream.
    src.map(|p| unsafe { s.load_partial(p.add(i), rem, fill) })
}
