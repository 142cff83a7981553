//! The 26 benchmarked ops: how many inputs each reads, whether it writes an output, and the exact call both
//! suites time. `for_each_op!(m)` hands the table to a macro `m` so every op gets its own monomorphic code
//! (no function pointer or `match` inside a timed region).

use super::gen;
use super::layout::{self, Placed};

/// The buffers of one benchmark case, filled from [`gen::input`] before anything is timed.
///
/// Inputs an op does not read stay empty; `out` (length `n`) is allocated for every op so element-wise ops and
/// softmax can use the out-parameter form (NumPy's `out=`). The instruction suite uses plain vectors
/// ([`Bufs::new`]); the wall-clock suite places every buffer by a layout seed ([`PlacedBufs`]). The two are
/// different types so that the instruction suite's harness (and so its counts) does not change with placement.
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
