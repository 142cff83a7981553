//! Wall-clock suite (Criterion 0.8): one group per op, benchmark ids `<backend>/<size>`, so results land in
//! `target/criterion/<op>/<backend>/<size>/new/`. Which cases run is chosen by `LANES_BENCH_PROFILE`
//! (`pr` by default, `full`, `smoke`); see benches/README.md.
//!
//! Inputs come from the shared generator (`common/gen.rs`) and are allocated before timing; element-wise ops
//! and softmax write into a preallocated `out` (NumPy's `out=`); inputs and results pass through `black_box`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use lanes::Kernels;

mod common;

use common::ops::{bytes_per_element, for_each_op, Bufs, Checked};
use common::profile::{Plan, Profile, Suite};

/// Criterion settings of one profile (command-line flags such as `--measurement-time` override them, except
/// the sample size of [`Timing::large_from`]-sized cases).
struct Timing {
    warm_up: Duration,
    measurement: Duration,
    sample_size: usize,
    /// From this size on, use `large_sample_size` samples: one call takes milliseconds there, and 100 samples
    /// would stretch the measurement far beyond its target.
    large_from: usize,
    large_sample_size: usize,
}

impl Timing {
    fn of(profile: Profile) -> Timing {
        match profile {
            Profile::Full => Timing {
                warm_up: Duration::from_millis(500),
                measurement: Duration::from_millis(1500),
                sample_size: 100,
                large_from: 1_000_000,
                large_sample_size: 30,
            },
            Profile::Pr => Timing {
                warm_up: Duration::from_millis(300),
                measurement: Duration::from_millis(1200),
                sample_size: 60,
                large_from: usize::MAX,
                large_sample_size: 60,
            },
            Profile::Smoke => Timing {
                warm_up: Duration::from_millis(50),
                measurement: Duration::from_millis(200),
                sample_size: 10,
                large_from: usize::MAX,
                large_sample_size: 10,
            },
        }
    }
}

/// Registers `op` (group `op`, ids `<backend>/<size>`) for every case of `plan`.
fn bench_op<R: Checked>(
    c: &mut Criterion,
    plan: &Plan,
    timing: &Timing,
    op: &str,
    arity: u64,
    writes: bool,
    mut call: impl FnMut(&Kernels, &mut Bufs) -> R,
) {
    let mut group = c.benchmark_group(op);
    for &n in &plan.sizes {
        // One set of inputs per size, shared by the backends, which run back to back so their ratios are fair.
        let mut bufs = Bufs::new(op, arity, n);
        let elements = n as u64;
        group.throughput(Throughput::ElementsAndBytes { elements, bytes: bytes_per_element(arity, writes) * elements });
        if n >= timing.large_from {
            group.sample_size(timing.large_sample_size);
        }
        for &backend in &plan.backends {
            let k = Kernels::new(backend).unwrap_or_else(|e| panic!("{op}: {e}"));
            let _ = call(&k, &mut bufs).checked(op);
            group.bench_function(BenchmarkId::new(backend.name(), n), |b| {
                b.iter(|| call(black_box(&k), black_box(&mut bufs)));
            });
        }
    }
    group.finish();
}

fn main() {
    let plan = Plan::from_env(Suite::Wall);
    eprintln!("lanes wall-clock benches: {}", plan.describe());
    let timing = Timing::of(plan.profile);
    let mut c = Criterion::default()
        .without_plots()
        .warm_up_time(timing.warm_up)
        .measurement_time(timing.measurement)
        .sample_size(timing.sample_size)
        .configure_from_args();

    macro_rules! register {
        ($($op:ident: $arity:literal, $writes:literal, |$k:ident, $x:ident| $call:expr;)*) => {$(
            bench_op(&mut c, &plan, &timing, stringify!($op), $arity, $writes, |$k: &Kernels, $x: &mut Bufs| $call);
        )*};
    }
    for_each_op!(register);

    c.final_summary();
}
