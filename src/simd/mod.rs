//! The SIMD abstraction: one trait of primitives, implemented once per instruction set.
//!
//! Each backend is a zero-sized **token** type. A token can only be created through
//! [`Simd::try_new`] (which checks the CPU) or, inside this crate, by an entry point that is itself only
//! reachable after that check. Because a token proves the instruction set is present, the primitive methods
//! are safe; only the pointer loads/stores are `unsafe` (they read and write raw memory).
//!
//! Kernels (in `crate::kernels`) are written once, generically over `S: Simd`. The ISA files in this folder
//! contain no kernel logic: one intrinsic (or a couple) per method. Only this folder touches `core::arch`.
//!
//! **Inlining rule.** The primitives carry no `#[target_feature]` of their own: they only become AVX code once
//! inlined into a backend's entry point. So everything between an entry point and a primitive must be
//! `#[inline(always)]`: generic kernel functions, helper functions, and closures (written
//! `#[inline(always)] |x| …` at the call site). No std combinators (`array::map`, `from_fn`) on vectors in
//! kernels: they are separate functions without the target features, and each intrinsic inside them would
//! become a call (measured: AVX2 `exp` 25x slower than SSE2 before this rule).

#[cfg(target_arch = "x86_64")]
pub(crate) mod avx2;
#[cfg(target_arch = "x86_64")]
pub(crate) mod avx512;
pub(crate) mod scalar;
#[cfg(target_arch = "x86_64")]
pub(crate) mod sse2;

/// A generic operation: something that can run on any [`Simd`] token. Each kernel family implements it once;
/// `crate::dispatch` runs it through a backend's entry point. It lives here, beside the entry points, so that
/// `simd` names no other module of the crate (it was in `dispatch`, which imports `simd`: a cycle).
pub(crate) trait Op {
    /// What the operation returns.
    type Output;
    /// Runs the operation with the given backend token.
    fn run<S: Simd>(self, s: S) -> Self::Output;
}

/// Widest vector of any backend, in f32 lanes (AVX-512). Sizes the stack buffers of the default tail code.
pub(crate) const MAX_LANES: usize = 16;

/// A vector instruction set over f32 lanes.
///
/// Semantics every implementation must follow exactly (kernels rely on them for NaN handling):
/// - `min(a, b)` / `max(a, b)` are x86's `minps`/`maxps`: `if a < b { a } else { b }` (resp. `>`), so when
///   either operand is NaN, or both are zeros, the **second** operand is returned.
/// - comparisons are ordered and quiet (`false` when an operand is NaN), except [`Simd::unord`].
/// - `mul_add` is fused (one rounding) on every backend; `mul_add_fast` may or may not be fused.
/// - `round` rounds to nearest, ties to even, and is only used on values with `|x| < 2^22`.
/// - `pow2i(n)` is `2^n` for an integral `n` in `[-126, 127]`.
///
/// # Safety
/// Implementors guarantee that a value of the type exists only when the CPU supports every instruction the
/// methods use, and that each method does what its documentation says (kernels rely on it to stay in bounds).
pub(crate) unsafe trait Simd: Copy {
    /// Number of f32 lanes.
    const LANES: usize;
    /// Whether [`Simd::mul_add_fast`] rounds once (hardware FMA): kernels whose accuracy depends on it choose
    /// their steps by it.
    const FUSED: bool;
    /// A vector of `LANES` f32 values.
    type V: Copy;
    /// A lane mask produced by comparisons.
    type M: Copy;

    /// The token if this CPU supports the instruction set.
    fn try_new() -> Option<Self>;

    /// All lanes set to `x`.
    fn splat(self, x: f32) -> Self::V;
    /// Loads `LANES` values from `p` (any alignment).
    ///
    /// # Safety
    /// `p` must be valid for reading `LANES` f32 values.
    unsafe fn load(self, p: *const f32) -> Self::V;
    /// Stores `LANES` values to `p` (any alignment).
    ///
    /// # Safety
    /// `p` must be valid for writing `LANES` f32 values.
    unsafe fn store(self, p: *mut f32, v: Self::V);

    /// Loads `n < LANES` values from `p`; the other lanes are `fill`. Default: [`load_partial_buffered`]
    /// (backends with masked loads override it).
    ///
    /// # Safety
    /// `p` must be valid for reading `n` f32 values, and `n < LANES`.
    #[inline(always)]
    unsafe fn load_partial(self, p: *const f32, n: usize, fill: f32) -> Self::V {
        // SAFETY: the caller upholds this method's contract, which is `load_partial_buffered`'s.
        unsafe { load_partial_buffered(self, p, n, fill) }
    }

    /// Stores the first `n < LANES` lanes of `v` to `p`; memory past them is not touched.
    ///
    /// # Safety
    /// `p` must be valid for writing `n` f32 values, and `n < LANES`.
    #[inline(always)]
    unsafe fn store_partial(self, p: *mut f32, n: usize, v: Self::V) {
        let mut buf = [0.0f32; MAX_LANES];
        // SAFETY: `buf` holds `MAX_LANES >= LANES` writable values.
        unsafe { self.store(buf.as_mut_ptr(), v) };
        // SAFETY: the caller guarantees `p` is writable for `n` values; `n < LANES` values of `buf` are read.
        unsafe { core::ptr::copy_nonoverlapping(buf.as_ptr(), p, n) };
    }

    /// Lane-wise `a + b`.
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise `a - b`.
    fn sub(self, a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise `a * b`.
    fn mul(self, a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise `a / b`.
    fn div(self, a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise fused `a * b + c` with a single rounding, on every backend.
    fn mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// Lane-wise `a * b + c`, fused where the hardware has FMA, else two roundings (for polynomials).
    fn mul_add_fast(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// x86 `minps` semantics: `if a < b { a } else { b }`.
    fn min(self, a: Self::V, b: Self::V) -> Self::V;
    /// x86 `maxps` semantics: `if a > b { a } else { b }`.
    fn max(self, a: Self::V, b: Self::V) -> Self::V;
    /// Bitwise and of the lanes' bit patterns.
    fn and(self, a: Self::V, b: Self::V) -> Self::V;
    /// Bitwise or of the lanes' bit patterns.
    fn or(self, a: Self::V, b: Self::V) -> Self::V;
    /// Round to nearest integer, ties to even (only for `|a| < 2^22`).
    fn round(self, a: Self::V) -> Self::V;
    /// `2^n` for integral `n` in `[-126, 127]`.
    fn pow2i(self, n: Self::V) -> Self::V;
    /// `2^n` from `k = n + 127 + 1.5·2^23` (an integer held exactly, `n` in `[-126, 127]`), whose low mantissa
    /// bits are `n + 127`: `k`'s bit pattern shifted left by 23, one integer operation. Callers get `k` from
    /// `x·c + (127 + 1.5·2^23)`, which rounds `x·c` to the nearest integer on the way.
    fn pow2_biased(self, k: Self::V) -> Self::V;

    /// Lane-wise `a < b` (false on NaN).
    fn lt(self, a: Self::V, b: Self::V) -> Self::M;
    /// Lane-wise `a == b` (false on NaN; `-0 == +0`).
    fn eq(self, a: Self::V, b: Self::V) -> Self::M;
    /// Lane-wise "either operand is NaN".
    fn unord(self, a: Self::V, b: Self::V) -> Self::M;
    /// Lane-wise `m ? a : b`.
    fn select(self, m: Self::M, a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise or of two masks.
    fn mask_or(self, a: Self::M, b: Self::M) -> Self::M;
    /// The mask as bits: bit `i` set when lane `i` is set.
    fn mask_bits(self, m: Self::M) -> u32;

    /// Sum of the lanes, in f64, pairwise (lane `i` plus lane `i + LANES/2`, and so on down to one): four
    /// dependent additions on AVX-512 instead of fifteen, which matters in short reductions, where this step runs
    /// once per call (sum at 1,000 elements: one block).
    #[inline(always)]
    fn reduce_add_f64(self, v: Self::V) -> f64 {
        let mut buf = [0.0f32; MAX_LANES];
        // SAFETY: `buf` holds `MAX_LANES >= LANES` writable values.
        unsafe { self.store(buf.as_mut_ptr(), v) };
        let mut wide = [0.0f64; MAX_LANES];
        for (w, &x) in wide.iter_mut().zip(&buf[..Self::LANES]) {
            *w = f64::from(x);
        }
        let mut half = Self::LANES / 2;
        while half > 0 {
            for i in 0..half {
                wide[i] += wide[i + half];
            }
            half /= 2;
        }
        wide[0]
    }

    /// Folds the lanes with `f` (used once per call for horizontal max/min).
    #[inline(always)]
    fn reduce_with(self, v: Self::V, f: impl Fn(f32, f32) -> f32) -> f32 {
        let mut buf = [0.0f32; MAX_LANES];
        // SAFETY: `buf` holds `MAX_LANES >= LANES` writable values.
        unsafe { self.store(buf.as_mut_ptr(), v) };
        buf[1..Self::LANES].iter().fold(buf[0], |acc, &x| f(acc, x))
    }

    /// Table lookup: lane `i` is `table[bits(idx[i]) & 15]`, the index being the low 4 bits of the lane's bit
    /// pattern (callers pass `k + 1.5·2^23`, whose low mantissa bits are the integer `k`). Every bit pattern picks
    /// an entry of `table`; memory outside it is never read.
    /// Default: through a stack buffer, one scalar load per lane (backends with a lane permute override it).
    #[inline(always)]
    fn lookup16(self, table: &[f32; 16], idx: Self::V) -> Self::V {
        let mut buf = [0.0f32; MAX_LANES];
        // SAFETY: `buf` holds `MAX_LANES >= LANES` writable values.
        unsafe { self.store(buf.as_mut_ptr(), idx) };
        for v in &mut buf[..Self::LANES] {
            *v = table[(v.to_bits() & 15) as usize];
        }
        // SAFETY: `buf` holds `MAX_LANES >= LANES` readable values.
        unsafe { self.load(buf.as_ptr()) }
    }

    /// `v · 2^n` for integral `n` in `[-126, 127]`, rounded once (the result may be subnormal).
    #[inline(always)]
    fn mul_pow2i(self, v: Self::V, n: Self::V) -> Self::V {
        self.mul(v, self.pow2i(n))
    }
}

/// [`Simd::load_partial`] through a stack buffer: the `n` values copied into it, the other lanes `fill`, then
/// one full load. No vector access touches memory past the `n` values.
///
/// # Safety
/// `p` must be valid for reading `n` f32 values, and `n < S::LANES`.
#[inline(always)]
pub(crate) unsafe fn load_partial_buffered<S: Simd>(
    s: S,
    p: *const f32,
    n: usize,
    fill: f32,
) -> S::V {
    let mut buf = [fill; MAX_LANES];
    // SAFETY: the caller guarantees `p` is readable for `n` values; `n < LANES <= MAX_LANES` fits `buf`.
    unsafe { core::ptr::copy_nonoverlapping(p, buf.as_mut_ptr(), n) };
    // SAFETY: `buf` holds `MAX_LANES >= LANES` readable values.
    unsafe { s.load(buf.as_ptr()) }
}

/// Generates the one `#[target_feature]` entry point of a backend: it creates the token (sound because
/// dispatch only calls it after the CPU check) and runs the generic operation with it.
macro_rules! entry_point {
    ($(#[$attr:meta])* $name:ident, $token:ty, $features:literal) => {
        $(#[$attr])*
        /// # Safety
        /// The CPU must support every feature in the `target_feature` list (checked by `Backend::is_available`).
        #[target_feature(enable = $features)]
        pub(crate) unsafe fn $name<O: crate::simd::Op>(op: O) -> O::Output {
            // SAFETY: the caller guarantees the features are present, which is all the token asserts.
            let s = unsafe { <$token>::new_unchecked() };
            op.run(s)
        }
    };
}
pub(crate) use entry_point;
