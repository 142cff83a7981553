//! Which cases a run measures: the profile in `LANES_BENCH_PROFILE` (`pr` by default, `full`, `smoke`) and two
//! optional overrides, `LANES_BENCH_BACKENDS` and `LANES_BENCH_SIZES` (comma-separated). See benches/README.md.

use std::env;
use std::fmt::Write as _;

use lanes::Backend;

/// Selects the profile.
pub const PROFILE_VAR: &str = "LANES_BENCH_PROFILE";
/// Replaces the profile's backends, e.g. `avx2,scalar` (unavailable ones are skipped with a message).
pub const BACKENDS_VAR: &str = "LANES_BENCH_BACKENDS";
/// Replaces the profile's sizes, e.g. `1000` (the instruction suite accepts only its compiled-in sizes).
pub const SIZES_VAR: &str = "LANES_BENCH_SIZES";

/// Selects what the wall-clock suite measures: `wall` (default) or `cpu` (the thread's CPU time).
pub const CLOCK_VAR: &str = "LANES_BENCH_CLOCK";

/// Sizes of the full wall-clock matrix.
pub const WALL_SIZES: [usize; 5] = [100, 1_000, 10_000, 100_000, 1_000_000];
/// Sizes compiled into the instruction suite (each is a `#[bench::n<size>]` case).
pub const INSTRUCTION_SIZES: [usize; 3] = [100, 1_000, 100_000];
/// Sizes of the `pr` profile in both suites.
pub const PR_SIZES: [usize; 2] = [1_000, 100_000];
/// The one size of the `smoke` profile in both suites.
pub const SMOKE_SIZE: usize = 100;

/// A benchmark profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// Every op on every backend once at [`SMOKE_SIZE`] (with `-- --test` for Criterion): proves the code runs.
    Smoke,
    /// What a pull request measures: every op at [`PR_SIZES`] on the best backend (wall-clock), or on the best
    /// backend and scalar (instruction counts).
    Pr,
    /// The whole matrix: every op × backend × size.
    Full,
}

impl Profile {
    /// The profile named in `LANES_BENCH_PROFILE`, [`Profile::Pr`] when unset.
    ///
    /// # Panics
    /// On any other value, naming the valid ones.
    #[must_use]
    pub fn from_env() -> Profile {
        match env::var(PROFILE_VAR).as_deref().map(str::trim) {
            Err(env::VarError::NotPresent) | Ok("" | "pr") => Profile::Pr,
            Ok("full") => Profile::Full,
            Ok("smoke") => Profile::Smoke,
            Ok(other) => {
                panic!("{PROFILE_VAR}={other:?}: expected `pr` (default), `full` or `smoke`")
            }
            Err(e) => panic!("{PROFILE_VAR}: {e}"),
        }
    }

    /// The lower-case name, as in `LANES_BENCH_PROFILE`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Profile::Smoke => "smoke",
            Profile::Pr => "pr",
            Profile::Full => "full",
        }
    }
}

/// The clock of the wall-clock suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Elapsed real time (`std::time::Instant`), Criterion's default.
    Wall,
    /// CPU time of the benchmark thread: leaves out time spent descheduled by other jobs on the machine.
    Cpu,
}

impl Clock {
    /// The clock named in `LANES_BENCH_CLOCK`, [`Clock::Wall`] when unset.
    ///
    /// # Panics
    /// On any other value.
    #[must_use]
    pub fn from_env() -> Clock {
        match env::var(CLOCK_VAR).as_deref().map(str::trim) {
            Err(env::VarError::NotPresent) | Ok("" | "wall") => Clock::Wall,
            Ok("cpu") => Clock::Cpu,
            Ok(other) => panic!("{CLOCK_VAR}={other:?}: expected `wall` (default) or `cpu`"),
            Err(e) => panic!("{CLOCK_VAR}: {e}"),
        }
    }

    /// The lower-case name, as in `LANES_BENCH_CLOCK`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Clock::Wall => "wall",
            Clock::Cpu => "cpu",
        }
    }
}

/// The two suites, which differ in what they can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suite {
    /// Criterion, `benches/wall.rs`: every backend this CPU has.
    Wall,
    /// gungraun, `benches/instructions.rs`: runs under valgrind, which has no AVX-512 (its CPUID hides it).
    Instructions,
}

impl Suite {
    /// The backends this suite can measure on this machine, slowest first.
    #[must_use]
    pub fn runnable(self) -> Vec<Backend> {
        let mut all = Backend::available();
        if self == Suite::Instructions {
            all.retain(|&b| b != Backend::Avx512);
        }
        all
    }

    /// Why a backend is missing from [`Suite::runnable`].
    const fn why_not(self) -> &'static str {
        match self {
            Suite::Wall => "this CPU cannot run it",
            Suite::Instructions => "this CPU, or valgrind (which has no AVX-512), cannot run it",
        }
    }
}

/// The cases one run measures: every op at each of `backends` × `sizes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The profile the plan came from.
    pub profile: Profile,
    /// Backends to measure, slowest first.
    pub backends: Vec<Backend>,
    /// Sizes to measure, ascending.
    pub sizes: Vec<usize>,
}

impl Plan {
    /// The plan of `suite` from the environment (profile and overrides).
    ///
    /// # Panics
    /// On an invalid profile, backend name or size, naming the variable and the accepted values.
    #[must_use]
    pub fn from_env(suite: Suite) -> Plan {
        let profile = Profile::from_env();
        let runnable = suite.runnable();
        let best = *runnable.last().unwrap_or(&Backend::Scalar);
        let mut backends = match profile {
            // Wall-clock time is what users feel, on the backend dispatch gives them; the scalar code is
            // guarded by its instruction counts. One backend halves the PR's wall-clock suite, which
            // `guard check` runs twice (base and head).
            Profile::Pr => match suite {
                Suite::Wall => vec![best],
                Suite::Instructions => vec![Backend::Scalar, best],
            },
            Profile::Smoke | Profile::Full => runnable.clone(),
        };
        let mut sizes = match (profile, suite) {
            (Profile::Smoke, _) => vec![SMOKE_SIZE],
            (Profile::Pr, _) => PR_SIZES.to_vec(),
            (Profile::Full, Suite::Wall) => WALL_SIZES.to_vec(),
            (Profile::Full, Suite::Instructions) => INSTRUCTION_SIZES.to_vec(),
        };
        if let Some(list) = env_list(BACKENDS_VAR) {
            backends = list.iter().map(|name| parse_backend(name)).collect();
            let mut skipped = String::new();
            backends.retain(|b| {
                let ok = runnable.contains(b);
                if !ok {
                    let _ = write!(skipped, " {b}");
                }
                ok
            });
            if !skipped.is_empty() {
                eprintln!(
                    "lanes benches: {BACKENDS_VAR}: skipping{skipped}: {}",
                    suite.why_not()
                );
            }
        }
        if let Some(list) = env_list(SIZES_VAR) {
            sizes = list.iter().map(|s| parse_size(s, suite)).collect();
        }
        backends.sort();
        backends.dedup();
        sizes.sort_unstable();
        sizes.dedup();
        Plan {
            profile,
            backends,
            sizes,
        }
    }

    /// Whether the plan measures `backend` at size `n`.
    #[must_use]
    pub fn includes(&self, backend: Backend, n: usize) -> bool {
        self.backends.contains(&backend) && self.sizes.contains(&n)
    }

    /// One line for the log: profile, backends, sizes.
    #[must_use]
    pub fn describe(&self) -> String {
        let backends: Vec<&str> = self.backends.iter().map(|b| b.name()).collect();
        let sizes: Vec<String> = self.sizes.iter().map(ToString::to_string).collect();
        format!(
            "profile {} ({PROFILE_VAR}), backends {}, sizes {}",
            self.profile.name(),
            backends.join(","),
            sizes.join(",")
        )
    }
}

fn env_list(var: &str) -> Option<Vec<String>> {
    let value = env::var(var).ok()?;
    let items: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    (!items.is_empty()).then_some(items)
}

fn parse_backend(name: &str) -> Backend {
    name.parse()
        .unwrap_or_else(|e| panic!("{BACKENDS_VAR}: {e}"))
}

fn parse_size(text: &str, suite: Suite) -> usize {
    let n: usize = text
        .replace('_', "")
        .parse()
        .unwrap_or_else(|e| panic!("{SIZES_VAR}: {text:?}: {e}"));
    assert!(
        suite != Suite::Instructions || INSTRUCTION_SIZES.contains(&n),
        "{SIZES_VAR}: the instruction suite has only the sizes {INSTRUCTION_SIZES:?} compiled in, not {n}"
    );
    assert!(
        n > 0,
        "{SIZES_VAR}: sizes must be positive (max/argmax reject empty input)"
    );
    n
}
