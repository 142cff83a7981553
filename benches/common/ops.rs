//! The 26 benchmarked ops: how many inputs each reads, whether it writes an output, and the exact call both
//! suites time. `for_each_op!(m)` hands the table to a macro `m` so every op gets its own monomorphic code
//! (no function pointer or `match` inside a timed region).

use super::gen;
use super::layout::{self, Placed};

/// The buffers of one benchmark case, filled from [`gen::input`] before anything is timed.
///
/// Inputs an op does not read stay empty; `out` (length `n`) is allocated for every op so element-wise ops and
/// softmax can use the out-parameter form (NumPy's `out=`). The instruction suite puts every buffer 16 bytes past
/// a 64-byte boundary in ordinary heap memory ([`AlignedBufs`]); the wall-clock suite places every buffer by a
/// layout seed ([`PlacedBufs`]). The two are different types so that the instruction suite's harness (and so its
/// counts) does not change with placement.
pub struct Bufs<B = Vec<f32>> {
    /// Input 0 (`a`).
    pub a: B,
    /// Input 1 (`b`), empty unless the op takes it.
    pub b: B,
    /// Input 2 (`c`), empty unless the op takes it.
    pub c: B,
    /// The output of element-wise ops and softmax.
    pub out: B,
}

/// The wall-clock suite's buffers: each where `LANES_BENCH_LAYOUT_SEED` puts it ([`layout`]).
pub type PlacedBufs = Bufs<Placed<f32>>;

/// The instruction suite's buffers, each at [`Aligned::OFFSET`] bytes past a 64-byte boundary.
pub type AlignedBufs = Bufs<Aligned>;

/// Values in ordinary heap memory at a fixed offset from a 64-byte boundary, whatever address the allocator
/// returned.
///
/// Element-wise kernels run a partial first vector when the output is not vector-aligned, so their instruction
/// counts depend on the output's address modulo 32 (AVX2). A plain `Vec`'s address modulo 32 depends on the
/// process's earlier allocations, which differ with the environment and the working directory: the same code gave
/// add/avx2/1000 658 Ir in one checkout and 693 in another (`guard check` against its base's worktree, AMD Zen 4,
/// 2026-12-07). 16 bytes past a boundary is where a large `Vec` lands (`mmap`'s page start plus the allocator's
/// header), so the counts at every size include that first partial vector, as real calls on such buffers do.
pub struct Aligned {
    /// The values and [`Aligned::SLACK`] spare ones: `SLACK - start` after them, `start` before.
    buf: Box<[f32]>,
    /// Index of the first value in `buf`.
    start: usize,
}

impl Aligned {
    /// Bytes past a 64-byte boundary where the values start.
    pub const OFFSET: usize = 16;
    /// Spare values in every buffer: room to move the start to any 4-byte position within 64 bytes.
    const SLACK: usize = 64 / std::mem::size_of::<f32>();

    /// `values` copied to [`Aligned::OFFSET`] bytes past a 64-byte boundary.
    #[must_use]
    pub fn new(values: &[f32]) -> Aligned {
        let len = values.len();
        let mut buf = vec![0.0f32; len + Self::SLACK].into_boxed_slice();
        let misaligned = buf.as_ptr() as usize % 64;
        let start = (Self::OFFSET + 64 - misaligned) % 64 / std::mem::size_of::<f32>();
        buf[start..start + len].copy_from_slice(values);
        Aligned { buf, start }
    }
}

// The same three words as a `Vec` (the counted function moves its case in and out, so a bigger case would cost
// a `memcpy` there) and no bounds check when a kernel is handed a buffer: the counts differ from plain vectors only
// where the kernels' own work does.
impl std::ops::Deref for Aligned {
    type Target = [f32];
    fn deref(&self) -> &[f32] {
        // SAFETY: `start <= SLACK` and `buf` holds `len + SLACK` values, so `start..start + len` is inside it.
        unsafe {
            std::slice::from_raw_parts(
                self.buf.as_ptr().add(self.start),
                self.buf.len() - Self::SLACK,
            )
        }
    }
}

impl std::ops::DerefMut for Aligned {
    fn deref_mut(&mut self) -> &mut [f32] {
        let len = self.buf.len() - Self::SLACK;
        // SAFETY: as in `deref`; `&mut self` makes this the only reference to those values.
        unsafe { std::slice::from_raw_parts_mut(self.buf.as_mut_ptr().add(self.start), len) }
    }
}

impl AlignedBufs {
    /// [`Bufs::new`]'s buffers, each at [`Aligned::OFFSET`] bytes past a 64-byte boundary.
    #[must_use]
    pub fn aligned(op: &str, arity: u64, n: usize) -> AlignedBufs {
        let Bufs { a, b, c, out } = Bufs::new(op, arity, n);
        Bufs {
            a: Aligned::new(&a),
            b: Aligned::new(&b),
            c: Aligned::new(&c),
            out: Aligned::new(&out),
        }
    }
}

impl Bufs {
    /// The `arity` inputs of `op` at size `n`, exactly as the Python side generates them.
    #[must_use]
    pub fn new(op: &str, arity: u64, n: usize) -> Bufs {
        let input = |k: u64| {
            if k < arity {
                gen::input(op, k, n)
            } else {
                Vec::new()
            }
        };
        Bufs {
            a: input(0),
            b: input(1),
            c: input(2),
            out: vec![0.0; n],
        }
    }
}

impl PlacedBufs {
    /// [`Bufs::new`]'s buffers placed by `LANES_BENCH_LAYOUT_SEED` (at the start of their allocations when unset).
    #[must_use]
    pub fn from_env(op: &str, arity: u64, n: usize) -> PlacedBufs {
        PlacedBufs::placed(op, arity, n, layout::seed_from_env())
    }

    /// [`Bufs::new`]'s buffers placed by `seed` (`None`: every buffer at the start of its allocation).
    #[must_use]
    pub fn placed(op: &str, arity: u64, n: usize, seed: Option<u64>) -> PlacedBufs {
        let Bufs { a, b, c, out } = Bufs::new(op, arity, n);
        let place = |v: Vec<f32>, slot: u64| Placed::at(v, seed, slot);
        Bufs {
            a: place(a, 0),
            b: place(b, 1),
            c: place(c, 2),
            out: place(out, 3),
        }
    }
}

/// Bytes one call moves per element: 4 per input read plus 4 for the output written (no write-allocate).
#[must_use]
pub fn bytes_per_element(arity: u64, writes: bool) -> u64 {
    4 * (arity + u64::from(writes))
}

/// Turns a kernel's result into a value to `black_box`, panicking (outside timed code where the suites call it
/// first) on an error, which would mean the benchmark measures an error path.
pub trait Checked: Sized {
    /// `self`, or a panic naming `op` and the error.
    #[must_use]
    fn checked(self, op: &str) -> Self;
}

impl<T> Checked for Result<T, lanes::Error> {
    fn checked(self, op: &str) -> Self {
        if let Err(e) = &self {
            panic!("benchmark `{op}` calls the kernel wrongly: {e}");
        }
        self
    }
}

impl Checked for f32 {
    fn checked(self, _op: &str) -> Self {
        self
    }
}

/// Calls `$m! { name: arity, writes, |k, x| call; … }` with the 26 ops, in the order of the issue.
///
/// `arity` is the number of inputs (`a`, `b`, `c`), `writes` whether the op writes `x.out`; `call` runs the op
/// with `k: &lanes::Kernels` and `x: &mut Bufs`. Scalar parameters come from `gen` (the shared spec).
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
            add: 2, true, |k, x| k.add(&x.a, &x.b, &mut x.out);
            sub: 2, true, |k, x| k.sub(&x.a, &x.b, &mut x.out);
            mul: 2, true, |k, x| k.mul(&x.a, &x.b, &mut x.out);
            div: 2, true, |k, x| k.div(&x.a, &x.b, &mut x.out);
            scale: 1, true, |k, x| k.scale(&x.a, crate::common::gen::SCALE_S, &mut x.out);
            abs: 1, true, |k, x| k.abs(&x.a, &mut x.out);
            clamp: 1, true, |k, x| k.clamp(&x.a, crate::common::gen::CLAMP_LO, crate::common::gen::CLAMP_HI, &mut x.out);
            lerp: 2, true, |k, x| k.lerp(&x.a, &x.b, crate::common::gen::LERP_T, &mut x.out);
            fma: 3, true, |k, x| k.fma(&x.a, &x.b, &x.c, &mut x.out);
            relu: 1, true, |k, x| k.relu(&x.a, &mut x.out);
            sigmoid: 1, true, |k, x| k.sigmoid(&x.a, &mut x.out);
            tanh: 1, true, |k, x| k.tanh(&x.a, &mut x.out);
            exp: 1, true, |k, x| k.exp(&x.a, &mut x.out);
            gelu: 1, true, |k, x| k.gelu(&x.a, &mut x.out);
            swish: 1, true, |k, x| k.swish(&x.a, &mut x.out);
            softmax: 1, true, |k, x| k.softmax(&x.a, &mut x.out);
            log_softmax: 1, true, |k, x| k.log_softmax(&x.a, &mut x.out);
            dot: 2, false, |k, x| k.dot(&x.a, &x.b);
            sum: 1, false, |k, x| k.sum(&x.a);
            max: 1, false, |k, x| k.max(&x.a);
            min: 1, false, |k, x| k.min(&x.a);
            argmax: 1, false, |k, x| k.argmax(&x.a);
            argmin: 1, false, |k, x| k.argmin(&x.a);
            norm_l1: 1, false, |k, x| k.norm_l1(&x.a);
            norm_l2: 1, false, |k, x| k.norm_l2(&x.a);
            norm_linf: 1, false, |k, x| k.norm_linf(&x.a);
        }
    };
}
pub(crate) use for_each_op;

/// Number of ops in [`for_each_op!`].
pub const OP_COUNT: usize = 26;
