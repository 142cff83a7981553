//! Reductions: blocked multi-accumulator sums (sum, dot, norms), NaN-aware extremes, first-index search.

use super::{load_all, load_all_partial};
use crate::simd::{Op, Simd};

/// Independent accumulators (hide the add latency; one per unrolled vector).
const ACC: usize = 4;
/// Unrolled iterations per block. Each lane accumulator sums at most ~`BLOCK` terms in f32 before the block is
/// added to an f64 total, which bounds the error by about `(BLOCK + 5)·2^-24·Σ|terms|` ≈ 2.2e-6·Σ|terms|,
/// whatever `n` is — well inside the 1e-5 contract.
const BLOCK: usize = 32;

/// `Σ term(…)` over `n` elements of `K` streams, blocked: `step(acc, x, i, len)` folds the vector of elements
/// `i..i + len` into an accumulator (`len == LANES` except for the tail, whose missing lanes are loaded with
/// `fill`, which `step` must treat as a zero contribution). `i`/`len` let a step also store what it computed
/// (softmax's fused exp-and-sum pass).
///
/// # Safety
/// Every `src` pointer must be valid for reading `n` values.
#[inline(always)]
pub(crate) unsafe fn sum_blocked<S: Simd, const K: usize>(
    s: S,
    src: [*const f32; K],
    n: usize,
    fill: f32,
    step: impl Fn(S::V, [S::V; K], usize, usize) -> S::V,
) -> f64 {
    let l = S::LANES;
    let mut total = 0.0f64;
    let mut i = 0;
    while i < n {
        let end = n.min(i + ACC * BLOCK * l);
        let mut acc = [s.splat(0.0); ACC];
        while i + ACC * l <= end {
            for (j, a) in acc.iter_mut().enumerate() {
                // SAFETY: `i + ACC * l <= end <= n`.
                *a = step(*a, unsafe { load_all(s, src, i + j * l) }, i + j * l, l);
            }
            i += ACC * l;
        }
        while i + l <= end {
            // SAFETY: `i + l <= end <= n`.
            acc[0] = step(acc[0], unsafe { load_all(s, src, i) }, i, l);
            i += l;
        }
        if i < end {
            // SAFETY: `end - i < l` values remain; only they are read.
            let x = unsafe { load_all_partial(s, src, i, end - i, fill) };
            acc[1] = step(acc[1], x, i, end - i);
            i = end;
        }
        total += s.reduce_add_f64(s.add(s.add(acc[0], acc[1]), s.add(acc[2], acc[3])));
    }
    total
}

/// Max (`pick = max`) or min of `map(a[i])`, NaN if any mapped element is NaN. `n >= 1`.
///
/// # Safety
/// `a` must be valid for reading `n >= 1` values.
#[inline(always)]
pub(crate) unsafe fn extreme<S: Simd>(
    s: S,
    a: *const f32,
    n: usize,
    pick: impl Fn(S::V, S::V) -> S::V,
    pick1: impl Fn(f32, f32) -> f32,
    map: impl Fn(S::V) -> S::V,
) -> f32 {
    let l = S::LANES;
    // SAFETY: `n >= 1`.
    let first = map(s.splat(unsafe { *a }));
    let mut acc = [first; ACC];
    let mut nan = s.unord(first, first);
    let mut i = 0;
    while i + ACC * l <= n {
        let mut x = [first; ACC];
        for (j, v) in x.iter_mut().enumerate() {
            // SAFETY: `i + ACC * l <= n`.
            *v = map(unsafe { s.load(a.add(i + j * l)) });
        }
        nan = s.mask_or(nan, s.mask_or(s.unord(x[0], x[1]), s.unord(x[2], x[3])));
        for j in 0..ACC {
            acc[j] = pick(acc[j], x[j]);
        }
        i += ACC * l;
    }
    while i + l <= n {
        // SAFETY: `i + l <= n`.
        let x = map(unsafe { s.load(a.add(i)) });
        nan = s.mask_or(nan, s.unord(x, x));
        acc[0] = pick(acc[0], x);
        i += l;
    }
    if i < n {
        // SAFETY: `n - i < l` values remain; lanes past them repeat `a[0]`, which cannot change the result.
        let x = map(unsafe { s.load_partial(a.add(i), n - i, *a) });
        nan = s.mask_or(nan, s.unord(x, x));
        acc[0] = pick(acc[0], x);
    }
    if s.mask_bits(nan) != 0 {
        return f32::NAN;
    }
    s.reduce_with(pick(pick(acc[0], acc[1]), pick(acc[2], acc[3])), pick1)
}

/// Scalar `max` with `maxps` semantics (for the horizontal step).
pub(crate) fn max1(x: f32, y: f32) -> f32 {
    if x > y {
        x
    } else {
        y
    }
}

/// Scalar `min` with `minps` semantics.
fn min1(x: f32, y: f32) -> f32 {
    if x < y {
        x
    } else {
        y
    }
}

/// Index of the first element for which `pred` holds, if any.
///
/// # Safety
/// `a` must be valid for reading `n` values.
#[inline(always)]
pub(crate) unsafe fn find_first<S: Simd>(
    s: S,
    a: *const f32,
    n: usize,
    pred: impl Fn(S::V) -> S::M,
) -> Option<usize> {
    let l = S::LANES;
    let mut i = 0;
    while i + l <= n {
        // SAFETY: `i + l <= n`.
        let bits = s.mask_bits(pred(unsafe { s.load(a.add(i)) }));
        if bits != 0 {
            return Some(i + bits.trailing_zeros() as usize);
        }
        i += l;
    }
    if i < n {
        // SAFETY: `n - i < l` values remain; lanes past them are masked off below.
        let bits = s.mask_bits(pred(unsafe { s.load_partial(a.add(i), n - i, f32::NAN) }))
            & ((1 << (n - i)) - 1);
        if bits != 0 {
            return Some(i + bits.trailing_zeros() as usize);
        }
    }
    None
}

/// Which sum a [`SumOp`] computes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum SumKind {
    Sum,
    Dot,
    NormL1,
    NormL2Squared,
}

/// A blocked sum over one (or, for `Dot`, two) streams, returned in f64.
pub(crate) struct SumOp {
    pub(crate) kind: SumKind,
    pub(crate) a: *const f32,
    pub(crate) b: *const f32,
    pub(crate) n: usize,
}

impl Op for SumOp {
    type Output = f64;

    #[inline(always)]
    fn run<S: Simd>(self, s: S) -> f64 {
        let Self { kind, a, b, n } = self;
        let abs = s.splat(f32::from_bits(0x7fff_ffff));
        // SAFETY: (every arm) the safe API validated that `a` (and `b` for dot) hold `n` values.
        unsafe {
            match kind {
                SumKind::Sum => sum_blocked(
                    s,
                    [a],
                    n,
                    0.0,
                    #[inline(always)]
                    |acc, [x], _, _| s.add(acc, x),
                ),
                SumKind::Dot => sum_blocked(
                    s,
                    [a, b],
                    n,
                    0.0,
                    #[inline(always)]
                    |acc, [x, y], _, _| s.mul_add_fast(x, y, acc),
                ),
                SumKind::NormL1 => sum_blocked(
                    s,
                    [a],
                    n,
                    0.0,
                    #[inline(always)]
                    |acc, [x], _, _| s.add(acc, s.and(x, abs)),
                ),
                SumKind::NormL2Squared => sum_blocked(
                    s,
                    [a],
                    n,
                    0.0,
                    #[inline(always)]
                    |acc, [x], _, _| s.mul_add_fast(x, x, acc),
                ),
            }
        }
    }
}

/// Which extreme an [`ExtremeOp`] computes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ExtremeKind {
    Max,
    Min,
    AbsMax,
}

/// Max / min / max-abs value of `a[..n]` (NaN if any is NaN). `n >= 1`.
pub(crate) struct ExtremeOp {
    pub(crate) kind: ExtremeKind,
    pub(crate) a: *const f32,
    pub(crate) n: usize,
}

/// First index of the max (`is_max`) or min of `a[..n]` (first NaN if any). `n >= 1`. A separate op from
/// [`ExtremeOp`] so that each gets its own entry point: sharing one made every `max`/`min` call pay the
/// one-pass search's larger prologue (+15 instructions per call on AVX2).
pub(crate) struct ArgExtremeOp {
    pub(crate) is_max: bool,
    pub(crate) a: *const f32,
    pub(crate) n: usize,
}

/// The max (`is_max`) or min of `a[..n]`, NaN if any element is NaN. `n >= 1`.
///
/// # Safety
/// `a` must be valid for reading `n >= 1` values.
#[inline(always)]
unsafe fn max_or_min<S: Simd>(s: S, a: *const f32, n: usize, is_max: bool) -> f32 {
    // SAFETY: forwarded from the caller.
    unsafe {
        if is_max {
            extreme(
                s,
                a,
                n,
                #[inline(always)]
                |x, y| s.max(x, y),
                max1,
                #[inline(always)]
                |x| x,
            )
        } else {
            extreme(
                s,
                a,
                n,
                #[inline(always)]
                |x, y| s.min(x, y),
                min1,
                #[inline(always)]
                |x| x,
            )
        }
    }
}

/// Elements per block of the one-pass arg search ([`arg_extreme`]), at least: large enough that the per-block
/// horizontal step is a few percent of the block's work, small enough that the final search re-reads little.
const ARG_BLOCK_MIN: usize = 2048;

/// First index of the max (`argmax`) or min of `a` (first NaN if any), in one pass over the data: the extreme
/// of each block is computed with the vector [`extreme`] kernel and only the block that first reached the
/// overall extreme (or the first block containing a NaN) is searched again, so the data is read about once
/// instead of ~1.5 times (max pass, then a search through half the array on average). `n >= 1`.
///
/// # Safety
/// `a` must be valid for reading `n >= 1` values.
#[inline(always)]
unsafe fn arg_extreme<S: Simd>(s: S, a: *const f32, n: usize, is_max: bool) -> usize {
    // Blocks grow with `n` (at most ~32 of them) so the per-block overhead stays small at every size.
    let block = ARG_BLOCK_MIN.max((n / 32).next_multiple_of(64));
    // The extreme so far and the start of the first block that reached it.
    let (mut best, mut best_block) = (0.0f32, 0usize);
    let mut start = 0;
    while start < n {
        let len = block.min(n - start);
        // SAFETY: `start + len <= n`.
        let value = unsafe { max_or_min(s, a.add(start), len, is_max) };
        if value.is_nan() {
            // SAFETY: `start + len <= n`. The block holds a NaN, so the search finds one; 0 is never used.
            let at = unsafe {
                find_first(
                    s,
                    a.add(start),
                    len,
                    #[inline(always)]
                    |x| s.unord(x, x),
                )
            };
            return start + at.unwrap_or(0);
        }
        // Strict comparison: on a tie (including -0 vs +0) the earlier block keeps the first index.
        if start == 0 || (is_max && value > best) || (!is_max && value < best) {
            (best, best_block) = (value, start);
        }
        start += len;
    }
    let target = s.splat(best);
    let from = best_block;
    let len = block.min(n - from);
    // SAFETY: `from + len <= n`. The block's extreme equals `best` and occurs in it (`eq` treats -0 and
    // +0 alike, as the comparison above does), so the search finds it; 0 is never used.
    let at = unsafe {
        find_first(
            s,
            a.add(from),
            len,
            #[inline(always)]
            |x| s.eq(x, target),
        )
    };
    from + at.unwrap_or(0)
}

impl Op for ExtremeOp {
    type Output = f32;

    #[inline(always)]
    fn run<S: Simd>(self, s: S) -> f32 {
        let Self { kind, a, n } = self;
        // SAFETY: (every call) the safe API validated `n >= 1` and that `a` holds `n` values.
        unsafe {
            match kind {
                ExtremeKind::Max => max_or_min(s, a, n, true),
                ExtremeKind::Min => max_or_min(s, a, n, false),
                ExtremeKind::AbsMax => {
                    let abs = s.splat(f32::from_bits(0x7fff_ffff));
                    extreme(
                        s,
                        a,
                        n,
                        #[inline(always)]
                        |x, y| s.max(x, y),
                        max1,
                        #[inline(always)]
                        |x| s.and(x, abs),
                    )
                }
            }
        }
    }
}

impl Op for ArgExtremeOp {
    type Output = usize;

    #[inline(always)]
    fn run<S: Simd>(self, s: S) -> usize {
        // SAFETY: the safe API validated `n >= 1` and that `a` holds `n` values.
        unsafe { arg_extreme(s, self.a, self.n, self.is_max) }
    }
}
