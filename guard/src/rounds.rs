//! Paired measurement in lockstep: a base and a head bench process run side by side
//! (`LANES_BENCH_SERVE=1`, benches/common/serve.rs) and take turns in batches of about a millisecond. The
//! statistics are in [`crate::compare::paired`]; this module only drives the processes.
//!
//! For each benchmark both processes prepare it with the same layout seed, the batch size is set so one batch
//! takes about [`Settings::batch`], and then the sides alternate strictly, A B A B … A ([`Settings::pairs`]
//! batches of the side in the middle per round; the base starts in even rounds, the head in odd ones). Every
//! batch follows one of the other side, so both find the caches in the same state (with A B B A, the second of
//! two back-to-back batches found its own data still cached: measured: a 20 % bias on an 8 MB stream). Every
//! round draws a new layout seed (both sides get the same one), so buffer placement cancels within a round and
//! averages out over rounds. Batches a millisecond apart see the same machine: noise that lasts longer (a
//! neighbour's job, another tenant's memory traffic, a frequency change) hits both sides of a pair.
//!
//! Both processes map their buffers from the same files (`LANES_BENCH_SHARED_DIR`) at the same virtual
//! addresses, so they run on the same physical memory too, and both run without address-space randomisation,
//! so identical code sits at identical addresses: only what the change changed differs.
//!
//! The clock of the verdict is the benchmark thread's CPU time (time spent descheduled is left out; time spent
//! waiting on memory is not); the elapsed time of every batch is kept too, for the report and for NumPy.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::compare::paired::{PairedSamples, Round};
use crate::error::{Error, Result};
use crate::fsio;
use crate::stats;

/// The variable that switches a bench executable into lockstep mode.
pub const SERVE_VAR: &str = "LANES_BENCH_SERVE";
/// The variable naming the directory whose files back both sides' buffers (benches/common/layout.rs).
pub const SHARED_VAR: &str = "LANES_BENCH_SHARED_DIR";

/// The directory of the shared buffer files: on tmpfs (`/dev/shm`) when there is one, so that the buffers are
/// never written back to a disk; removed when dropped.
struct SharedDir(PathBuf);

impl SharedDir {
    fn create(fallback: &Path) -> Result<SharedDir> {
        let name = format!("guard-paired-{}", std::process::id());
        let shm = Path::new("/dev/shm");
        let path = if fsio::is_real_dir(shm) {
            shm.join(name)
        } else {
            fallback.join(name)
        };
        if path.exists() {
            std::fs::remove_dir_all(&path).map_err(|e| Error::io(&path, "remove", e))?;
        }
        fsio::create_dir_all(&path)?;
        Ok(SharedDir(path))
    }
}

impl Drop for SharedDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One side of the comparison: a built bench executable and how to start it.
#[derive(Debug, Clone)]
pub struct Side {
    /// The bench executable (`cargo bench --no-run` built it).
    pub exe: PathBuf,
    /// Working directory (the package root, as `cargo bench` would use).
    pub cwd: PathBuf,
    /// Extra environment (e.g. `LANES_BENCH_PROFILE`).
    pub env: Vec<(String, OsString)>,
}

/// How long each benchmark is measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Rounds per benchmark, each with its own layout seed.
    pub rounds: u32,
    /// Batches of the side in the middle per round (A B A B … A: `2 · pairs + 1` batches).
    pub pairs: u32,
    /// Target duration of one batch.
    pub batch: Duration,
}

impl Settings {
    /// The measurement plan of `[wall_clock]` in thresholds.toml (calibrated in docs/SIGNAL.md), with
    /// `rounds` replacing its rounds when given.
    #[must_use]
    pub fn of(noise: &crate::thresholds::Noise, rounds: Option<u32>) -> Self {
        Self {
            rounds: rounds.unwrap_or(noise.rounds),
            pairs: noise.pairs,
            batch: Duration::from_micros(noise.batch_us.into()),
        }
    }

    /// About how long one benchmark takes: every batch of both sides, plus the warm-up batches.
    #[must_use]
    pub fn per_benchmark(&self) -> Duration {
        self.batch * (self.rounds * (2 * self.pairs + 3))
    }
}

/// What a paired run measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Paired {
    /// Per benchmark both sides have, its rounds.
    pub samples: Vec<PairedSamples>,
    /// Benchmarks only the base has.
    pub base_only: BTreeSet<String>,
    /// Benchmarks only the head has (not measured).
    pub head_only: BTreeSet<String>,
    /// Seconds the whole run took.
    pub elapsed_s: f64,
}

/// A bench process in lockstep mode.
struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    name: &'static str,
    log: PathBuf,
}

impl Server {
    fn start(side: &Side, name: &'static str, dir: &Path, cpu: Option<usize>) -> Result<Server> {
        let log = dir.join(format!("{name}.log"));
        let err = std::fs::File::create(&log).map_err(|e| Error::io(&log, "create", e))?;
        let mut cmd = Command::new(&side.exe);
        // Without address-space randomisation both processes load the code where an identical build would
        // be, at the same addresses: branch predictors and the uop cache are indexed by virtual address, so a
        // random code base gave one process of two identical builds a lasting 8–15 % advantage on short loops.
        // SAFETY: the closure runs in the child between fork and exec and only makes one system call
        // (`personality`), which is async-signal-safe; it touches no memory of the parent.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
                let current = libc::personality(0xffff_ffff);
                if current != -1 {
                    libc::personality(
                        (current as libc::c_ulong) | libc::ADDR_NO_RANDOMIZE as libc::c_ulong,
                    );
                }
                Ok(())
            });
        }
        let mut child = cmd
            .current_dir(&side.cwd)
            .envs(side.env.iter().map(|(k, v)| (k, v)))
            .env(SERVE_VAR, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(err)
            .spawn()
            .map_err(|e| Error::Command {
                command: format!("{SERVE_VAR}=1 {}", side.exe.display()),
                problem: format!("could not start: {e}"),
                hint: "build the benches first (`cargo bench --no-run`)".into(),
            })?;
        if let Some(cpu) = cpu {
            pin(child.id(), cpu);
        }
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(Error::Other(format!(
                "{name}: no pipes to the bench process"
            )));
        };
        Ok(Server {
            child,
            stdin,
            stdout: BufReader::new(stdout),
            name,
            log,
        })
    }

    /// Sends one command and returns the reply line.
    fn ask(&mut self, command: &str) -> Result<String> {
        let broken = |problem: String, log: &Path| Error::Command {
            command: format!(
                "{SERVE_VAR}=1 bench process ({}), command `{command}`",
                self.name
            ),
            problem,
            hint: format!(
                "the base's bench may predate lockstep mode (pass --base with a newer commit, or \
                 --against-baselines); its stderr is in {}",
                log.display()
            ),
        };
        writeln!(self.stdin, "{command}")
            .and_then(|()| self.stdin.flush())
            .map_err(|e| broken(format!("could not write: {e}"), &self.log))?;
        let mut line = String::new();
        let n = self
            .stdout
            .read_line(&mut line)
            .map_err(|e| broken(format!("could not read: {e}"), &self.log))?;
        if n == 0 {
            return Err(broken(
                "the process ended without answering".into(),
                &self.log,
            ));
        }
        let line = line.trim_end().to_string();
        if let Some(e) = line.strip_prefix("error: ") {
            return Err(broken(e.to_string(), &self.log));
        }
        Ok(line)
    }

    fn list(&mut self) -> Result<Vec<String>> {
        Ok(self
            .ask("list")?
            .split_whitespace()
            .map(String::from)
            .collect())
    }

    /// Prepares `id` with its buffers placed by `seed`, or (`None`) as plain vectors from the allocator.
    fn prepare(&mut self, id: &str, seed: Option<u64>) -> Result<()> {
        let seed = seed.map_or_else(|| "-".to_string(), |s| s.to_string());
        self.ask(&format!("prepare {id} {seed}")).map(drop)
    }

    /// One batch: (CPU ns, elapsed ns) per iteration.
    fn run(&mut self, iters: u64) -> Result<(f64, f64)> {
        let reply = self.ask(&format!("run {iters}"))?;
        let mut parts = reply.split_whitespace().map(str::parse::<f64>);
        match (parts.next(), parts.next()) {
            (Some(Ok(cpu)), Some(Ok(wall))) => Ok((cpu / iters as f64, wall / iters as f64)),
            _ => Err(Error::Other(format!(
                "{}: unexpected reply {reply:?} to `run`",
                self.name
            ))),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "quit");
        let _ = self.stdin.flush();
        let _ = self.child.wait();
    }
}

/// Measures every benchmark both sides list (restricted to `ids` when given) in lockstep; writes the raw
/// numbers to `dir/paired.json` (`dir` is emptied first) and returns them.
///
/// # Errors
/// When a process cannot start, fails or answers nonsense (naming its log).
pub fn run(
    base: &Side,
    head: &Side,
    settings: Settings,
    ids: Option<&BTreeSet<String>>,
    dir: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<Paired> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| Error::io(dir, "remove", e))?;
    }
    fsio::create_dir_all(dir)?;
    let started = Instant::now();
    // Both on one CPU: CPUs of a VM can differ in speed (measured on a 2-vCPU AMD EPYC VM: an 8 MB stream
    // took ~130 µs on CPU 0 and ~85 µs on CPU 1), and the scheduler would otherwise place the two processes
    // as it likes.
    let cpu = pinned_cpu();
    // Both sides' buffers are files of one directory, mapped by both: the same physical memory on both sides
    // (fresh anonymous memory kept each process on its own pages: measured ±5 % between identical builds).
    let shared = SharedDir::create(dir)?;
    // Each side runs from a fresh copy of its executable on that tmpfs: text pages of files in the page cache can
    // be collapsed into huge pages (read-only THP) behind our back, for one binary and not the other, which made
    // one of two identical builds up to 30 % faster on short loops for minutes; fresh copies start equal.
    let with_shared = |side: &Side, name: &str| -> Result<Side> {
        let mut side = side.clone();
        let copy = shared.0.join(name);
        std::fs::copy(&side.exe, &copy)
            .map_err(|e| Error::io(&copy, "copy the bench executable to", e))?;
        side.exe = copy;
        side.env
            .push((SHARED_VAR.to_string(), shared.0.clone().into_os_string()));
        Ok(side)
    };
    let mut b = Server::start(&with_shared(base, "base-bench")?, "base", dir, cpu)?;
    let mut h = Server::start(&with_shared(head, "head-bench")?, "head", dir, cpu)?;
    let keep = |id: &String| ids.is_none_or(|set| set.contains(id));
    let base_ids: BTreeSet<String> = b.list()?.into_iter().filter(keep).collect();
    let head_list: Vec<String> = h.list()?.into_iter().filter(keep).collect();
    let head_ids: BTreeSet<String> = head_list.iter().cloned().collect();
    let both: Vec<&String> = head_list
        .iter()
        .filter(|id| base_ids.contains(*id))
        .collect();
    let nonce = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut samples = Vec::with_capacity(both.len());
    let mut last_said = Instant::now();
    for (k, id) in both.iter().enumerate() {
        if k == 0 || last_said.elapsed() >= Duration::from_secs(10) {
            let eta = eta(started.elapsed(), k, both.len());
            progress(&format!(
                "paired: benchmark {}/{} ({id}){eta}",
                k + 1,
                both.len()
            ));
            last_said = Instant::now();
        }
        samples.push(measure(
            &mut b,
            &mut h,
            id,
            settings,
            mix(nonce ^ k as u64),
        )?);
    }
    let paired = Paired {
        samples,
        base_only: base_ids.difference(&head_ids).cloned().collect(),
        head_only: head_ids.difference(&base_ids).cloned().collect(),
        elapsed_s: started.elapsed().as_secs_f64(),
    };
    let json = serde_json::to_vec_pretty(&paired).map_err(|e| Error::Other(e.to_string()))?;
    fsio::write_atomic(&dir.join("paired.json"), &json)?;
    Ok(paired)
}

/// Batches of the head alone after the rounds (its elapsed time for the report and NumPy), after a warm-up.
const SOLO_BATCHES: usize = 51;
/// The warm-up of the head alone (Criterion's pr profile warms up for 200 ms).
const SOLO_WARM_UP: Duration = Duration::from_millis(200);

/// The most iterations one batch may have (a benchmark of a nanosecond at a long batch).
const MAX_ITERS: u64 = 1 << 32;

/// One benchmark in lockstep: batch size from the head, then the rounds.
fn measure(
    b: &mut Server,
    h: &mut Server,
    id: &str,
    settings: Settings,
    seed: u64,
) -> Result<PairedSamples> {
    let target = settings.batch.as_secs_f64() * 1e9;
    h.prepare(id, Some(seed))?;
    let mut iters = 1u64;
    loop {
        let (_, wall) = h.run(iters)?;
        let batch = wall * iters as f64;
        if batch >= target || iters >= MAX_ITERS {
            break;
        }
        // Aim a little past the target from what this batch took (at most 16x at a time).
        let factor = if batch > 0.0 {
            (target / batch * 1.1).min(16.0)
        } else {
            16.0
        };
        iters = ((iters as f64 * factor).ceil() as u64).clamp(iters + 1, MAX_ITERS);
    }
    let mut rounds = Vec::with_capacity(settings.rounds as usize);
    let mut wall_rounds = Vec::with_capacity(settings.rounds as usize);
    let mut head_wall = Vec::new();
    for r in 0..settings.rounds {
        let seed = mix(seed ^ u64::from(r).wrapping_mul(0xA076_1D64_78BD_642F));
        b.prepare(id, Some(seed))?;
        h.prepare(id, Some(seed))?;
        // A B A B … A with `pairs` batches of the side in the middle; the base starts in even rounds.
        let base_first = r % 2 == 0;
        // One batch each to warm caches and predictors after the new inputs (not counted), in the round's
        // order, so that the first counted batch also follows one of the other side.
        if base_first {
            b.run(iters)?;
            h.run(iters)?;
        } else {
            h.run(iters)?;
            b.run(iters)?;
        }
        let mut cpu = Round::default();
        let mut wall = Round::default();
        for slot in 0..=2 * settings.pairs {
            let base_turn = (slot % 2 == 0) == base_first;
            if base_turn {
                let (c, w) = b.run(iters)?;
                cpu.base_ns.push(c);
                wall.base_ns.push(w);
            } else {
                let (c, w) = h.run(iters)?;
                cpu.head_ns.push(c);
                wall.head_ns.push(w);
            }
        }
        rounds.push(cpu);
        wall_rounds.push(wall);
    }
    // The head alone, timed the way NumPy is (one process, buffers from the allocator, back-to-back batches):
    // the elapsed time per iteration shown in the report and compared with NumPy. The paired rounds' placement
    // (shared tmpfs files at fixed addresses, the other process in between) is the same on both sides, so it is
    // harmless to the verdict, but it cost the streaming kernels 5–14 % of elapsed time at 100,000 elements
    // (measured: abs 9.5 µs placed against ~8.9 µs from the allocator), which is not what NumPy is compared with.
    // A warm-up as long as Criterion's (measured: 1 ms of warm-up left add at 100,000 elements ~15 % slower than
    // Criterion's 13.4 µs on the same machine in the same minute).
    h.prepare(id, None)?;
    let warm = Instant::now();
    while warm.elapsed() < SOLO_WARM_UP {
        h.run(iters)?;
    }
    for _ in 0..SOLO_BATCHES {
        head_wall.push(h.run(iters)?.1);
    }
    Ok(PairedSamples {
        id: id.to_string(),
        rounds,
        wall: wall_rounds,
        head_wall_ns: Some(stats::median(&head_wall)),
        iters: Some(iters),
    })
}

/// " (about N left)" from the mean time per benchmark so far.
fn eta(elapsed: Duration, done: usize, total: usize) -> String {
    if done == 0 {
        return String::new();
    }
    let left = elapsed.as_secs_f64() / done as f64 * (total - done) as f64;
    format!(" (about {} left)", human(left))
}

/// `59 s`, `2 min 05 s`.
#[must_use]
pub fn human(seconds: f64) -> String {
    let s = seconds.round() as u64;
    if s >= 60 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

/// The CPU both bench processes run on: the last one this process may use (the first CPU tends to take more
/// interrupts). `None` when the affinity cannot be read.
fn pinned_cpu() -> Option<usize> {
    // SAFETY: `cpu_set_t` is plain data; all-zero is a valid (empty) set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid, writable `cpu_set_t` of the size passed; pid 0 is this thread.
    let rc =
        unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &raw mut set) };
    if rc != 0 {
        return None;
    }
    // SAFETY: `set` was initialised above; CPU_ISSET only reads it, for indices below CPU_SETSIZE.
    (0..libc::CPU_SETSIZE as usize)
        .rev()
        .find(|&c| unsafe { libc::CPU_ISSET(c, &set) })
}

/// Restricts process `pid` to `cpu` (best effort: a failure only costs precision).
fn pin(pid: u32, cpu: usize) {
    // SAFETY: as in `pinned_cpu`: an all-zero `cpu_set_t` is a valid empty set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is valid and writable, `cpu` came from CPU_ISSET's range.
    unsafe { libc::CPU_SET(cpu, &mut set) };
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return;
    };
    // SAFETY: `set` is a valid `cpu_set_t` of the size passed; `pid` is our child, which exists until waited.
    let _ = unsafe {
        libc::sched_setaffinity(pid, std::mem::size_of::<libc::cpu_set_t>(), &raw const set)
    };
}

/// SplitMix64's finaliser: well-mixed seeds.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_differ_and_time_is_human() {
        assert_ne!(mix(1), mix(2));
        assert_eq!(human(59.4), "59 s");
        assert_eq!(human(125.0), "2 min 05 s");
        assert_eq!(eta(Duration::from_secs(10), 0, 5), "");
        assert_eq!(eta(Duration::from_secs(10), 2, 5), " (about 15 s left)");
    }
}
