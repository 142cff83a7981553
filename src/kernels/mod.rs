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
pub(crate) unsafe fn load_all<S: Simd, const K: usize>(
    s: S,
    src: [*const f32; K],
    i: usize,
) -> [S::V; K] {
    // Plain loops, no closures or std combinators: everything here must inline into the backend's
    // `#[target_feature]` entry point, or each intrinsic would become a function call (see `simd` docs).
    let mut x = [s.splat(0.0); K];
    for k in 0..K {
        // SAFETY: the caller guarantees `LANES` readable values at offset `i` of every stream.
        x[k] = unsafe { s.load(src[k].add(i)) };
    }
    x
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
    let mut x = [s.splat(0.0); K];
    for k in 0..K {
        // SAFETY: the caller guarantees `rem` readable values at offset `i` of every stream.
        x[k] = unsafe { s.load_partial(src[k].add(i), rem, fill) };
    }
    x
}
