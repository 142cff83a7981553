//! Lockstep mode of a bench executable (`LANES_BENCH_SERVE=1`): instead of running Criterion, the process
//! answers commands on stdin, so that guard can keep a base and a head process alive side by side and let them
//! take turns in batches of about a millisecond (A B A B …). Memory-bound times on a shared machine change
//! within a second (measured, docs/SIGNAL.md: within one 1 s Criterion run an 8 MB stream jumped between
//! 86 and 136 µs per call); only batches that close together see the same machine, which alternating whole
//! Criterion processes (one per side, 0.2 s or more each) cannot give.
//!
//! Protocol (one command per line; every reply is one line, `error: …` on failure, after which the process
//! exits with status 2):
//! - `list` → the benchmark ids, space-separated, in run order;
//! - `prepare <id> <seed>` → `ok`: builds the benchmark's inputs with `LANES_BENCH_LAYOUT_SEED` = seed
//!   (`-` for none) and makes it the current one;
//! - `run <iters>` → `<cpu_ns> <wall_ns>`: calls the current benchmark `iters` times; the thread's CPU time and
//!   the elapsed time of the whole batch, in nanoseconds;
//! - `quit` (or end of input) → exits with status 0.
#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, Write};
use std::time::Instant;

/// The variable that switches a bench executable into lockstep mode.
pub const SERVE_VAR: &str = "LANES_BENCH_SERVE";

/// Runs `iters` calls of a prepared benchmark (the inner loop is monomorphic: no call through a pointer per
/// iteration).
pub type Batch = Box<dyn FnMut(u64)>;

/// One benchmark: its id and how to prepare it under a layout seed.
pub struct Bench {
    /// `<group>/<function>/<value>`, as Criterion names it.
    pub id: String,
    /// Builds the inputs (placed by the seed) and returns the batch runner.
    pub prepare: Box<dyn Fn(Option<u64>) -> Batch>,
}

/// Whether [`SERVE_VAR`] asks for lockstep mode.
#[must_use]
pub fn requested() -> bool {
    std::env::var(SERVE_VAR).is_ok_and(|v| v.trim() == "1")
}

/// Answers commands on stdin until `quit` or end of input; exits the process with status 2 after an error.
pub fn serve(benches: &[Bench], cpu_now: fn() -> std::time::Duration) {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut current: Option<Batch> = None;
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let reply = match answer(&line, benches, &mut current, cpu_now) {
            Ok(Some(reply)) => reply,
            Ok(None) => break,
            Err(e) => {
                let _ = writeln!(out, "error: {e}");
                let _ = out.flush();
                std::process::exit(2);
            }
        };
        if writeln!(out, "{reply}").and_then(|()| out.flush()).is_err() {
            break;
        }
    }
}

fn answer(
    line: &str,
    benches: &[Bench],
    current: &mut Option<Batch>,
    cpu_now: fn() -> std::time::Duration,
) -> Result<Option<String>, String> {
    let mut words = line.split_whitespace();
    match (words.next(), words.next(), words.next(), words.next()) {
        (Some("list"), None, None, None) => Ok(Some(
            benches
                .iter()
                .map(|b| b.id.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        )),
        (Some("prepare"), Some(id), Some(seed), None) => {
            let seed = match seed {
                "-" => None,
                s => Some(s.parse().map_err(|_| format!("bad seed {s:?}"))?),
            };
            let bench = benches
                .iter()
                .find(|b| b.id == id)
                .ok_or_else(|| format!("no benchmark {id:?}"))?;
            // The previous benchmark's buffers go first: a seeded buffer's address is fixed, so the new ones
            // need the old ones' place.
            *current = None;
            *current = Some((bench.prepare)(seed));
            Ok(Some("ok".into()))
        }
        (Some("run"), Some(iters), None, None) => {
            let iters: u64 = iters
                .parse()
                .ok()
                .filter(|&i| i > 0)
                .ok_or_else(|| format!("bad iteration count {iters:?}"))?;
            let batch = current.as_mut().ok_or("`run` before `prepare`")?;
            let wall = Instant::now();
            let cpu = cpu_now();
            batch(iters);
            let cpu = cpu_now().saturating_sub(cpu);
            let wall = wall.elapsed();
            Ok(Some(format!("{} {}", cpu.as_nanos(), wall.as_nanos())))
        }
        (Some("quit") | None, ..) => Ok(None),
        _ => Err(format!("unknown command {line:?}")),
    }
}
