//! Wall-clock suite (Criterion 0.8): one group per op, benchmark ids `<backend>/<size>`, so results land in
//! `target/criterion/<op>/<backend>/<size>/new/`. Which cases run is chosen by `LANES_BENCH_PROFILE`
//! (`pr` by default, `full`, `smoke`); see benches/README.md.
//!
//! Inputs come from the shared generator (`common/gen.rs`) and are allocated before timing; element-wise ops
//! and softmax write into a preallocated `out` (NumPy's `out=`); inputs and results pass through `black_box`.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, Throughput};
use lanes::Kernels;

mod common;
#[path = "common/cpu_time.rs"]
mod cpu_time;
#[path = "common/serve.rs"]
mod serve;

use common::ops::{bytes_per_element, for_each_op, Checked, PlacedBufs};
use common::profile::{Clock, Plan, Profile, Suite, CLOCK_VAR};
use cpu_time::ThreadCpuTime;

/// Criterion settings of one profile. Command-line flags (`--measurement-time`, `--sample-size`, …) override
/// them, except the sample size of cases from [`Timing::large_from`] on. Measured budgets: benches/README.md.
struct Timing {
    warm_up: Duration,
    measurement: Duration,
    sample_size: usize,
    /// From this size on, use `large_sample_size` samples: one call takes milliseconds there, and the default
    /// count would stretch the measurement beyond its target.
    large_from: usize,
    large_sample_size: usize,
}

/// Bootstrap resamples per statistic. Criterion's default (100 000) costs ~0.5 s of analysis per benchmark on a
/// busy 2-core machine; 20 000 still fixes the interval bounds to a small fraction of their width.
const NRESAMPLES: usize = 20_000;

impl Timing {
    fn of(profile: Profile) -> Timing {
        match profile {
            Profile::Full => Timing {
                warm_up: Duration::from_millis(300),
                measurement: Duration::from_millis(1200),
                sample_size: 50,
                large_from: 1_000_000,
                large_sample_size: 25,
            },
            Profile::Pr => Timing {
                warm_up: Duration::from_millis(200),
                measurement: Duration::from_millis(1200),
                sample_size: 50,
                large_from: usize::MAX,
                large_sample_size: 50,
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
fn bench_op<M: Measurement, R: Checked>(
    c: &mut Criterion<M>,
    plan: &Plan,
    timing: &Timing,
    op: &str,
    arity: u64,
    writes: bool,
    mut call: impl FnMut(&Kernels, &mut PlacedBufs) -> R,
) {
    let mut group = c.benchmark_group(op);
    for &n in &plan.sizes {
        // One set of inputs per size, shared by the backends, which run back to back so their ratios are fair.
        let mut bufs = PlacedBufs::from_env(op, arity, n);
        let elements = n as u64;
        group.throughput(Throughput::ElementsAndBytes {
            elements,
            bytes: bytes_per_element(arity, writes) * elements,
        });
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

/// Configures `c` for `plan`, registers all 26 ops and runs them.
fn run<M: Measurement>(c: Criterion<M>, plan: &Plan) {
    let timing = Timing::of(plan.profile);
    let mut c = c
        .without_plots()
        .warm_up_time(timing.warm_up)
        .measurement_time(timing.measurement)
        .sample_size(timing.sample_size)
        .nresamples(NRESAMPLES)
        .configure_from_args();

    macro_rules! register {
        ($($op:ident: $arity:literal, $writes:literal, |$k:ident, $x:ident| $call:expr;)*) => {$(
            bench_op(&mut c, plan, &timing, stringify!($op), $arity, $writes, |$k: &Kernels, $x: &mut PlacedBufs| $call);
        )*};
    }
    for_each_op!(register);

    c.final_summary();
}

/// The plan's benchmarks for lockstep mode ([`serve`]), in Criterion's order and with its ids.
fn lockstep_benches(plan: &Plan) -> Vec<serve::Bench> {
    let mut benches = Vec::new();
    macro_rules! register {
        ($($op:ident: $arity:literal, $writes:literal, |$k:ident, $x:ident| $call:expr;)*) => {$(
            for &n in &plan.sizes {
                for &backend in &plan.backends {
                    let call = |$k: &Kernels, $x: &mut PlacedBufs| $call;
                    let op = stringify!($op);
                    benches.push(serve::Bench {
                        id: format!("{op}/{}/{n}", backend.name()),
                        prepare: Box::new(move |seed| {
                            let k = Kernels::new(backend).unwrap_or_else(|e| panic!("{op}: {e}"));
                            let mut bufs = PlacedBufs::placed(op, $arity, n, seed);
                            let _ = call(&k, &mut bufs).checked(op);
                            Box::new(move |iters| {
                                for _ in 0..iters {
                                    let _ = black_box(call(black_box(&k), black_box(&mut bufs)));
                                }
                            })
                        }),
                    });
                }
            }
        )*};
    }
    for_each_op!(register);
    benches
}

fn main() {
    let plan = Plan::from_env(Suite::Wall);
    if serve::requested() {
        serve::serve(&lockstep_benches(&plan), cpu_time::thread_cpu_now);
        return;
    }
    let clock = Clock::from_env();
    eprintln!(
        "lanes wall-clock benches: {}, clock {} ({CLOCK_VAR})",
        plan.describe(),
        clock.name()
    );
    match clock {
        Clock::Wall => run(Criterion::default(), &plan),
        Clock::Cpu => run(Criterion::default().with_measurement(ThreadCpuTime), &plan),
    }
}
