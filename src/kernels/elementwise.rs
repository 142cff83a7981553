//! Element-wise kernels: one loop (`map`) and the table of what each op computes per vector.

use super::{load_all, load_all_partial, math};
use crate::simd::{Op, Simd};

/// Vectors per main-loop iteration (independent work that hides latency).
const UNROLL: usize = 4;
/// gelu's unroll on vector backends: one vector's body is long enough to hide its own latency, and four copies
/// of it (with its table registers) spill on AVX2's 16 registers: 1.15 vs 1.28 ns/element (AVX2, 100,000),
/// AVX-512 equal. The scalar backend keeps [`UNROLL`]: one lane per iteration would be latency-bound (11.5 vs
/// 5.7 ns/element).
const GELU_UNROLL: usize = 1;

/// `dst[i] = f(src_0[i], …, src_{K-1}[i])` for `i < n`.
///
/// # Safety
/// Every `src` pointer must be valid for reading `n` values and `dst` for writing `n` values. `dst` may be
/// equal to a source pointer (in-place), but must not otherwise overlap one.
#[inline(always)]
pub(crate) unsafe fn map<S: Simd, const K: usize>(
    s: S,
    src: [*const f32; K],
    dst: *mut f32,
    n: usize,
    f: impl Fn([S::V; K]) -> S::V,
) {
    // SAFETY: the caller upholds `map_unrolled`'s contract, which is `map`'s.
    unsafe { map_unrolled::<S, K, UNROLL>(s, src, dst, n, f) }
}

/// [`map`] with `U` vectors per main-loop iteration.
///
/// # Safety
/// As for [`map`].
#[inline(always)]
unsafe fn map_unrolled<S: Simd, const K: usize, const U: usize>(
    s: S,
    src: [*const f32; K],
    dst: *mut f32,
    n: usize,
    f: impl Fn([S::V; K]) -> S::V,
) {
    let l = S::LANES;
    let mut i = 0;
    let head = store_alignment_head::<S>(dst, n, U);
    if head > 0 {
        // SAFETY: `head < l <= n` values at offset 0; partial loads/stores touch only those, loads before the store.
        unsafe {
            let x = load_all_partial(s, src, 0, head, 0.0);
            s.store_partial(dst, head, f(x));
        }
        i = head;
    }
    while i + U * l <= n {
        // SAFETY: `i + U * l <= n`: every load and store below stays within the `n` valid values. All
        // loads of an iteration happen before its stores, so an exactly aliased `dst` is read before written.
        unsafe {
            let mut y = [s.splat(0.0); U];
            for (j, v) in y.iter_mut().enumerate() {
                *v = f(load_all(s, src, i + j * l));
            }
            for (j, v) in y.into_iter().enumerate() {
                s.store(dst.add(i + j * l), v);
            }
        }
        i += U * l;
    }
    while i + l <= n {
        // SAFETY: `i + l <= n`.
        unsafe { s.store(dst.add(i), f(load_all(s, src, i))) };
        i += l;
    }
    if i < n {
        // SAFETY: `n - i < l` values remain at offset `i`; partial loads/stores touch only those.
        unsafe {
            let x = load_all_partial(s, src, i, n - i, 0.0);
            s.store_partial(dst.add(i), n - i, f(x));
        }
    }
}

/// How many values to run first, one partial vector, so that the main loop's stores start on a vector-size
/// boundary (64 bytes on AVX-512, 32 on AVX2): a misaligned vector store splits across two cache lines, which costs
/// most when the data streams from L2 or beyond. A `Vec<f32>` of a few hundred KB comes from `mmap` 16 bytes past
/// a page start, so without this every AVX-512 store of such a buffer was split (add at 100,000 elements on AMD Zen
/// 4: 0.155 vs 0.122 ns per element aligned, same run). Inputs that share the output's offset become aligned
/// too. Short calls (fewer than `2 · U` vectors) skip it: one more partial vector would cost more than it saves.
#[inline(always)]
fn store_alignment_head<S: Simd>(dst: *mut f32, n: usize, unroll: usize) -> usize {
    const F32: usize = core::mem::size_of::<f32>();
    let bytes = S::LANES * F32;
    let misaligned = dst as usize % bytes;
    if n < 2 * unroll * S::LANES || misaligned == 0 || !misaligned.is_multiple_of(F32) {
        return 0;
    }
    (bytes - misaligned) / F32
}

/// What an element-wise op computes (the scalar parameters travel with it).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Func {
    Add,
    Sub,
    Mul,
    Div,
    Lerp(f32),
    Fma,
    Abs,
    Relu,
    Scale(f32),
    Clamp(f32, f32),
    Exp,
    Sigmoid,
    Tanh,
    Gelu,
    Swish,
}

impl Func {
    /// Number of input streams.
    pub(crate) const fn arity(self) -> usize {
        match self {
            Func::Add | Func::Sub | Func::Mul | Func::Div | Func::Lerp(_) => 2,
            Func::Fma => 3,
            _ => 1,
        }
    }
}

/// An element-wise call: `dst = func(src…)` over `n` values.
pub(crate) struct MapOp {
    pub(crate) func: Func,
    /// Input streams; entries past `func.arity()` are ignored.
    pub(crate) src: [*const f32; 3],
    pub(crate) dst: *mut f32,
    pub(crate) n: usize,
}

impl Op for MapOp {
    type Output = ();

    #[inline(always)]
    fn run<S: Simd>(self, s: S) {
        let Self {
            func,
            src: [a, b, c],
            dst,
            n,
        } = self;
        // SAFETY: (every arm) the safe API validated that each stream used by `func` holds `n` values, `dst`
        // is writable for `n` values, and `dst` aliases an input only exactly (in-place forms).
        unsafe {
            match func {
                Func::Add => map(
                    s,
                    [a, b],
                    dst,
                    n,
                    #[inline(always)]
                    |[x, y]| s.add(x, y),
                ),
                Func::Sub => map(
                    s,
                    [a, b],
                    dst,
                    n,
                    #[inline(always)]
                    |[x, y]| s.sub(x, y),
                ),
                Func::Mul => map(
                    s,
                    [a, b],
                    dst,
                    n,
                    #[inline(always)]
                    |[x, y]| s.mul(x, y),
                ),
                Func::Div => map(
                    s,
                    [a, b],
                    dst,
                    n,
                    #[inline(always)]
                    |[x, y]| s.div(x, y),
                ),
                Func::Lerp(t) => {
                    let t = s.splat(t);
                    map(
                        s,
                        [a, b],
                        dst,
                        n,
                        #[inline(always)]
                        |[x, y]| s.mul_add_fast(t, s.sub(y, x), x),
                    );
                }
                Func::Fma => map(
                    s,
                    [a, b, c],
                    dst,
                    n,
                    #[inline(always)]
                    |[x, y, z]| s.mul_add(x, y, z),
                ),
                Func::Abs => {
                    let m = s.splat(f32::from_bits(0x7fff_ffff));
                    map(
                        s,
                        [a],
                        dst,
                        n,
                        #[inline(always)]
                        |[x]| s.and(x, m),
                    );
                }
                // `max(0, x)` returns x when x is NaN (second operand), as NumPy's relu does.
                Func::Relu => map(
                    s,
                    [a],
                    dst,
                    n,
                    #[inline(always)]
                    |[x]| s.max(s.splat(0.0), x),
                ),
                Func::Scale(k) => {
                    let k = s.splat(k);
                    map(
                        s,
                        [a],
                        dst,
                        n,
                        #[inline(always)]
                        |[x]| s.mul(x, k),
                    );
                }
                Func::Clamp(lo, hi) => {
                    let (lo, hi) = (s.splat(lo), s.splat(hi));
                    map(
                        s,
                        [a],
                        dst,
                        n,
                        #[inline(always)]
                        |[x]| s.min(hi, s.max(lo, x)),
                    );
                }
                Func::Exp => map(
                    s,
                    [a],
                    dst,
                    n,
                    #[inline(always)]
                    |[x]| math::exp(s, x),
                ),
                Func::Sigmoid => map(
                    s,
                    [a],
                    dst,
                    n,
                    #[inline(always)]
                    |[x]| math::sigmoid(s, x),
                ),
                Func::Tanh => map(
                    s,
                    [a],
                    dst,
                    n,
                    #[inline(always)]
                    |[x]| math::tanh(s, x),
                ),
                Func::Gelu if S::LANES == 1 => map(
                    s,
                    [a],
                    dst,
                    n,
                    #[inline(always)]
                    |[x]| math::gelu(s, x),
                ),
                Func::Gelu => map_unrolled::<S, 1, GELU_UNROLL>(
                    s,
                    [a],
                    dst,
                    n,
                    #[inline(always)]
                    |[x]| math::gelu(s, x),
                ),
                Func::Swish => map(
                    s,
                    [a],
                    dst,
                    n,
                    #[inline(always)]
                    |[x]| math::swish(s, x),
                ),
            }
        }
    }
}
