//! The calibration suite (Criterion, the same tool and clock as lanes' wall-clock suite): every
//! [`calibration::Case`] as `<kind>/<aa|ab>/<n>`. `GUARD_CALIBRATION_SIDE=base|head` says which side this
//! process plays; the head's `ab` cases do their slowdown's worth of extra work. `LANES_BENCH_CLOCK=cpu` times
//! the thread's CPU time, `LANES_BENCH_LAYOUT_SEED` places the stream buffer. `guard calibrate` runs it in lockstep mode (`LANES_BENCH_SERVE=1`, benches/common/serve.rs).

use std::hint::black_box;
use std::time::Duration;

use calibration::{chain, stream, Case, Kind, Side, MAX_SLOWDOWN_PCT, SIDE_VAR, STREAM_ELEMS};
use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion};

#[path = "../../benches/common/cpu_time.rs"]
mod cpu_time;
#[path = "../../benches/common/layout.rs"]
mod layout;
#[path = "../../benches/common/serve.rs"]
mod serve;

fn run<M: Measurement>(c: Criterion<M>, side: Side) {
    let mut c = c
        .without_plots()
        .warm_up_time(Duration::from_millis(50))
        .measurement_time(Duration::from_millis(100))
        .sample_size(10)
        .nresamples(1_000)
        .configure_from_args();
    let seed = layout::seed_from_env();
    let capacity = STREAM_ELEMS + STREAM_ELEMS * MAX_SLOWDOWN_PCT as usize / 100;
    let values: Vec<u32> = (0..capacity as u32)
        .map(|i| i.wrapping_mul(2_654_435_761))
        .collect();
    let buffer = layout::Placed::at(values, seed, 0);
    for kind in Kind::ALL {
        let mut group = c.benchmark_group(kind.name());
        for case in Case::all().into_iter().filter(|c| c.kind == kind) {
            let (function, value) = case.function_and_value();
            let id = BenchmarkId::new(function, value);
            match kind {
                Kind::Compute => {
                    let steps = case.chain_steps(side);
                    group.bench_function(id, |b| b.iter(|| chain(black_box(7), black_box(steps))));
                }
                Kind::Memory => {
                    let slice = &buffer[..case.stream_elems(side)];
                    group.bench_function(id, |b| b.iter(|| stream(black_box(slice))));
                }
            }
        }
        group.finish();
    }
    c.final_summary();
}

/// Every case for lockstep mode ([`serve`]), with Criterion's ids.
fn lockstep_benches(side: Side) -> Vec<serve::Bench> {
    Case::all()
        .into_iter()
        .map(|case| serve::Bench {
            id: case.to_string(),
            prepare: Box::new(move |seed| -> serve::Batch {
                match case.kind {
                    Kind::Compute => {
                        let steps = case.chain_steps(side);
                        Box::new(move |iters| {
                            for _ in 0..iters {
                                black_box(chain(black_box(7), black_box(steps)));
                            }
                        })
                    }
                    Kind::Memory => {
                        let len = case.stream_elems(side);
                        let values = (0..len as u32)
                            .map(|i| i.wrapping_mul(2_654_435_761))
                            .collect();
                        let buffer = layout::Placed::at(values, seed, 0);
                        Box::new(move |iters| {
                            for _ in 0..iters {
                                black_box(stream(black_box(&buffer)));
                            }
                        })
                    }
                }
            }),
        })
        .collect()
}

fn main() {
    let side = match std::env::var(SIDE_VAR) {
        Ok(v) => Side::parse(&v).unwrap_or_else(|e| panic!("{e}")),
        // `cargo bench --workspace` and `--list` run it without guard: the base side.
        Err(_) => Side::Base,
    };
    if serve::requested() {
        serve::serve(&lockstep_benches(side), cpu_time::thread_cpu_now);
        return;
    }
    match std::env::var("LANES_BENCH_CLOCK").as_deref() {
        Ok("cpu") => run(
            Criterion::default().with_measurement(cpu_time::ThreadCpuTime),
            side,
        ),
        Ok("wall" | "") | Err(_) => run(Criterion::default(), side),
        Ok(other) => panic!("LANES_BENCH_CLOCK={other:?}: expected `wall` or `cpu`"),
    }
}
