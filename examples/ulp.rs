//! Exhaustive accuracy check: every f32 bit pattern through each transcendental on each backend, compared
//! with an f64 reference. Results are recorded in `docs/ACCURACY.md`.
//!
//! ```text
//! cargo run --release --example ulp                       # exp, sigmoid, tanh on every available backend
//! cargo run --release --example ulp -- --funcs gelu,swish --backends avx2 --stride 1
//! cargo run --release --example ulp -- --stride 4099      # quick sample (every 4099th pattern)
//! ```
//! Error unit: ulp of the correctly rounded result; for results below 2^-126 (subnormal), units of 2^-149.
//! Exits 1 if any function exceeds `--max-ulp` (default 4).

#[path = "../tests/common/ulp.rs"]
mod ulp;

use lanes::{Backend, Kernels};
use std::time::Instant;
use ulp::{gelu64, sigmoid64, swish64, ulp_error};

type Kernel = fn(&Kernels, &[f32], &mut [f32]) -> Result<(), lanes::Error>;

fn reference(name: &str) -> (Kernel, fn(f64) -> f64) {
    match name {
        "exp" => (Kernels::exp, f64::exp),
        "tanh" => (Kernels::tanh, f64::tanh),
        "sigmoid" => (Kernels::sigmoid, sigmoid64),
        "swish" => (Kernels::swish, swish64),
        "gelu" => (Kernels::gelu, gelu64),
        other => {
            eprintln!("ulp: unknown function `{other}` (expected exp, sigmoid, tanh, gelu, swish)");
            std::process::exit(2)
        }
    }
}

struct Worst {
    ulp: f64,
    input: f32,
    got: f32,
    want: f64,
    over: u64,
}

fn check(
    k: Kernels,
    kernel: Kernel,
    reff: fn(f64) -> f64,
    stride: u64,
    max_ulp: f64,
    part: u64,
    parts: u64,
) -> Worst {
    const CHUNK: usize = 1 << 16;
    let mut w = Worst {
        ulp: 0.0,
        input: 0.0,
        got: 0.0,
        want: 0.0,
        over: 0,
    };
    let (mut xs, mut ys) = (Vec::with_capacity(CHUNK), vec![0.0f32; CHUNK]);
    let total = (1u64 << 32).div_ceil(stride);
    let (lo, hi) = (total * part / parts, total * (part + 1) / parts);
    let mut idx = lo;
    while idx < hi {
        xs.clear();
        while xs.len() < CHUNK && idx < hi {
            xs.push(f32::from_bits((idx * stride) as u32));
            idx += 1;
        }
        kernel(&k, &xs, &mut ys[..xs.len()]).expect("lengths match");
        for (&x, &y) in xs.iter().zip(&ys) {
            let want = reff(f64::from(x));
            let e = ulp_error(y, want);
            if e > max_ulp {
                w.over += 1;
            }
            if e > w.ulp {
                w = Worst {
                    ulp: e,
                    input: x,
                    got: y,
                    want,
                    over: w.over,
                };
            }
        }
    }
    w
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let funcs = opt("--funcs").unwrap_or_else(|| "exp,sigmoid,tanh".into());
    let backends: Vec<Backend> = match opt("--backends") {
        Some(list) => list
            .split(',')
            .map(|b| b.parse().unwrap_or_else(|e| panic!("{e}")))
            .collect(),
        None => Backend::available(),
    };
    let stride: u64 = opt("--stride").map_or(1, |s| s.parse().expect("--stride takes an integer"));
    let max_ulp: f64 =
        opt("--max-ulp").map_or(4.0, |s| s.parse().expect("--max-ulp takes a number"));
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get) as u64;
    let mut failed = false;
    println!("| function | backend | max error (ulp) | at input | got | want | inputs over {max_ulp} ulp | seconds |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for f in funcs.split(',') {
        let (kernel, reff) = reference(f);
        for &b in &backends {
            let Ok(k) = Kernels::new(b) else {
                println!("| {f} | {b} | not available on this CPU | | | | | |");
                continue;
            };
            let t = Instant::now();
            let worst = std::thread::scope(|sc| {
                let hs: Vec<_> = (0..threads)
                    .map(|p| sc.spawn(move || check(k, kernel, reff, stride, max_ulp, p, threads)))
                    .collect();
                let ws: Vec<Worst> = hs.into_iter().map(|h| h.join().expect("worker")).collect();
                let over = ws.iter().map(|w| w.over).sum();
                let best = ws
                    .into_iter()
                    .max_by(|a, b| a.ulp.total_cmp(&b.ulp))
                    .expect("threads >= 1");
                Worst { over, ..best }
            });
            failed |= worst.ulp > max_ulp;
            println!(
                "| {f} | {b} | {:.3} | {:e} | {:e} | {:e} | {} | {:.1} |",
                worst.ulp,
                worst.input,
                worst.got,
                worst.want,
                worst.over,
                t.elapsed().as_secs_f64()
            );
        }
    }
    if stride != 1 {
        println!("(sampled: every {stride}th bit pattern)");
    }
    std::process::exit(i32::from(failed));
}
