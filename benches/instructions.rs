//! Instruction-count suite (gungraun 0.20, callgrind): every op × backend × size as a library benchmark.
//!
//! Naming: group `<op>`, function `<backend>`, case `n<size>`, so gungraun writes
//! `target/gungraun/lanes/instructions/<op>/<backend>.n<size>/summary.json` (with `--save-summary=json`, which
//! `.cargo/config.toml` sets) and the guard maps `group/function/n<size>` to the wall-clock id
//! `<op>/<backend>/<size>`. Inputs are built in a `setup` function, which callgrind does not count.
//!
//! All cases are compiled in (gungraun's list is static); `LANES_BENCH_PROFILE` and the overrides of
//! `common/profile.rs` decide in the harness which of them get a tool: a case without one is not run.
//! There is no `avx512` function: valgrind does not implement AVX-512 and hides it from CPUID.

use std::hint::black_box;
use std::sync::OnceLock;

use gungraun::{
    library_benchmark, library_benchmark_group, main, Callgrind, LibraryBenchmarkConfig,
};
use lanes::{Backend, Kernels};

mod common;

use common::ops::{for_each_op, AlignedBufs, Checked};
use common::profile::{Plan, Suite};

/// One benchmark case: the kernel handle and the buffers, built by `setup` (not counted).
pub struct Case {
    k: Kernels,
    x: AlignedBufs,
}

/// Builds the case of `op` on `backend` at size `n`; runs under valgrind, before the counted function.
fn make_case(op: &str, arity: u64, backend: Backend, n: usize) -> Case {
    let k = Kernels::new(backend).unwrap_or_else(|e| {
        panic!("{op}/{backend}/{n}: {e} (under valgrind, which has no AVX-512)")
    });
    Case {
        k,
        x: AlignedBufs::aligned(op, arity, n),
    }
}

/// Runs in the harness (natively, with the environment) for every compiled-in case: cases outside the plan
/// get their default tool disabled, which makes gungraun skip them.
fn case_config(backend: Backend, n: usize) -> LibraryBenchmarkConfig {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    let plan = PLAN.get_or_init(|| {
        let plan = Plan::from_env(Suite::Instructions);
        eprintln!("lanes instruction-count benches: {}", plan.describe());
        plan
    });
    let mut config = LibraryBenchmarkConfig::default();
    if plan.includes(backend, n) {
        // Instruction addresses in callgrind's output (`positions: instr line`; counts unchanged): the guard
        // maps them through the binary's DWARF inline chains to the kernel lines behind a regression.
        config.tool(Callgrind::with_args(["--dump-instr=yes"]));
    } else {
        config.tool(Callgrind::default().enable(false));
    }
    config
}

/// One `#[library_benchmark]` function `$backend_fn` for `$op` with the cases `n100`, `n1000`, `n100000`
/// (keep in step with `profile::INSTRUCTION_SIZES`).
macro_rules! backend_bench {
    ($op:ident, $backend_fn:ident, $backend:ident, |$k:ident, $x:ident| $call:expr) => {
        #[library_benchmark]
        #[bench::n100(args = (Backend::$backend, 100), setup = setup, config = case_config(Backend::$backend, 100))]
        #[bench::n1000(args = (Backend::$backend, 1000), setup = setup, config = case_config(Backend::$backend, 1000))]
        #[bench::n100000(
            args = (Backend::$backend, 100_000),
            setup = setup,
            config = case_config(Backend::$backend, 100_000)
        )]
        fn $backend_fn(mut case: Case) -> Case {
            {
                let $k = &case.k;
                let $x = &mut case.x;
                let _ = black_box($call.checked(stringify!($op)));
            }
            // Returned, so the buffers are freed after the counted function.
            case
        }
    };
}

/// For each op: a module `groups::<op>` with its setup, one function per backend and the group `<op>`.
macro_rules! instruction_benches {
    ($($op:ident: $arity:literal, $writes:literal, |$k:ident, $x:ident| $call:expr;)*) => {
        mod groups {$(
            pub(super) mod $op {
                use super::super::*;

                fn setup(backend: Backend, n: usize) -> Case {
                    make_case(stringify!($op), $arity, backend, n)
                }

                backend_bench!($op, scalar, Scalar, |$k, $x| $call);
                backend_bench!($op, sse2, Sse2, |$k, $x| $call);
                backend_bench!($op, avx2, Avx2, |$k, $x| $call);

                library_benchmark_group!(name = $op, benchmarks = [scalar, sse2, avx2]);
            }
        )*}

        $(use groups::$op::$op;)*

        main!(library_benchmark_groups = [$($op),*]);
    };
}

for_each_op!(instruction_benches);
