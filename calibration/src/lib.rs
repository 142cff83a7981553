//! Two workloads whose cost scales exactly with a parameter, for `guard calibrate`: the same binary runs as
//! "base" and as "head", and the head's A/B cases do a known fraction more work. See docs/SIGNAL.md.
//!
//! - [`chain`]: compute-bound, a dependent chain of multiply-adds (each step waits for the previous one, so
//!   time is proportional to the number of steps and nothing touches memory);
//! - [`stream`]: memory-bound, a sum over a buffer larger than any L2 here (8.4 MB), so `(1 + x)` times the
//!   elements is `(1 + x)` times the memory traffic.

use std::fmt;

/// Steps of [`chain`] per call at the base: ~20 µs (4–5 cycles a step).
pub const CHAIN_STEPS: u64 = 20_000;
/// `u32` elements [`stream`] reads per call at the base: 8.4 MB, larger than the L2 of every host here (and a
/// multiple of 100, so every slowdown is an exact number of elements).
pub const STREAM_ELEMS: usize = 2_100_000;
/// The largest slowdown a case applies, in percent (the stream buffer is allocated for it).
pub const MAX_SLOWDOWN_PCT: u32 = 10;

/// `steps` dependent steps of a multiply-xorshift mix from `seed`. Not affine, so the compiler cannot
/// fold several steps into one (it does that to a linear congruential generator): time is proportional to
/// `steps`, about 4–5 cycles each (multiply latency plus shift and xor).
#[must_use]
pub fn chain(seed: u64, steps: u64) -> u64 {
    let mut x = seed;
    for _ in 0..steps {
        x = (x ^ (x >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    }
    x
}

/// Wrapping sum of `values` (vectorised by the compiler: bound by memory bandwidth, not arithmetic).
#[must_use]
pub fn stream(values: &[u32]) -> u32 {
    values.iter().fold(0u32, |s, &v| s.wrapping_add(v))
}

/// What a calibration benchmark measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// [`chain`].
    Compute,
    /// [`stream`].
    Memory,
}

impl Kind {
    /// Both kinds.
    pub const ALL: [Kind; 2] = [Kind::Compute, Kind::Memory];

    /// The benchmark group name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Kind::Compute => "compute",
            Kind::Memory => "memory",
        }
    }
}

/// One calibration benchmark: an A/A case (identical work on both sides) or an A/B case (the head does
/// `slowdown_pct` percent more work).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Case {
    /// The workload.
    pub kind: Kind,
    /// 0 for A/A cases.
    pub slowdown_pct: u32,
    /// Distinguishes the A/A cases of one kind (1, 2, …); 0 for A/B cases.
    pub copy: u32,
}

/// A/A cases per kind in one calibration process.
pub const AA_COPIES: u32 = 8;
/// Slowdowns of the A/B cases, in percent.
pub const SLOWDOWNS_PCT: [u32; 4] = [1, 2, 5, 10];

impl Case {
    /// Every case, in the order the bench runs them: per kind, the A/A copies then the slowdowns.
    #[must_use]
    pub fn all() -> Vec<Case> {
        let mut cases = Vec::new();
        for kind in Kind::ALL {
            cases.extend((1..=AA_COPIES).map(|copy| Case {
                kind,
                slowdown_pct: 0,
                copy,
            }));
            cases.extend(SLOWDOWNS_PCT.map(|slowdown_pct| Case {
                kind,
                slowdown_pct,
                copy: 0,
            }));
        }
        cases
    }

    /// The work factor on `side`: `1 + slowdown` on the head, 1 on the base.
    #[must_use]
    pub fn factor(self, side: Side) -> f64 {
        match side {
            Side::Base => 1.0,
            Side::Head => 1.0 + f64::from(self.slowdown_pct) / 100.0,
        }
    }

    /// [`chain`] steps on `side`.
    #[must_use]
    pub fn chain_steps(self, side: Side) -> u64 {
        CHAIN_STEPS + CHAIN_STEPS * u64::from(self.slowdown(side)) / 100
    }

    /// [`stream`] elements on `side`.
    #[must_use]
    pub fn stream_elems(self, side: Side) -> usize {
        STREAM_ELEMS + STREAM_ELEMS * self.slowdown(side) as usize / 100
    }

    fn slowdown(self, side: Side) -> u32 {
        match side {
            Side::Base => 0,
            Side::Head => self.slowdown_pct,
        }
    }

    /// Parses a Criterion id made by [`Case`]'s `Display`: `<kind>/aa/<copy>` or `<kind>/ab/<pct>`.
    #[must_use]
    pub fn parse(id: &str) -> Option<Case> {
        let mut parts = id.split('/');
        let kind = match parts.next()? {
            "compute" => Kind::Compute,
            "memory" => Kind::Memory,
            _ => return None,
        };
        let class = parts.next()?;
        let n: u32 = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        match class {
            "aa" if n > 0 => Some(Case {
                kind,
                slowdown_pct: 0,
                copy: n,
            }),
            "ab" if n > 0 && n <= MAX_SLOWDOWN_PCT => Some(Case {
                kind,
                slowdown_pct: n,
                copy: 0,
            }),
            _ => None,
        }
    }

    /// The Criterion function name (`aa` or `ab`) and value (copy or percent).
    #[must_use]
    pub fn function_and_value(self) -> (&'static str, u32) {
        if self.slowdown_pct == 0 {
            ("aa", self.copy)
        } else {
            ("ab", self.slowdown_pct)
        }
    }
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (function, value) = self.function_and_value();
        write!(f, "{}/{function}/{value}", self.kind.name())
    }
}

/// Which side a calibration process plays, from `GUARD_CALIBRATION_SIDE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Every case does the base work.
    Base,
    /// A/B cases do `1 + slowdown` times the work.
    Head,
}

/// The variable that tells the bench which side it is.
pub const SIDE_VAR: &str = "GUARD_CALIBRATION_SIDE";

impl Side {
    /// Parses `base` or `head`.
    ///
    /// # Errors
    /// Any other value, with a message naming the variable.
    pub fn parse(value: &str) -> Result<Side, String> {
        match value.trim() {
            "base" => Ok(Side::Base),
            "head" => Ok(Side::Head),
            other => Err(format!("{SIDE_VAR}={other:?}: expected `base` or `head`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_others() {
        for case in Case::all() {
            assert_eq!(Case::parse(&case.to_string()), Some(case), "{case}");
        }
        for bad in [
            "compute/aa/0",
            "memory/ab/11",
            "memory/ab/x",
            "cpu/aa/1",
            "compute/aa",
            "compute/aa/1/2",
            "exp/avx2/1000",
        ] {
            assert_eq!(Case::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Case::all().len(),
            2 * (AA_COPIES as usize + SLOWDOWNS_PCT.len())
        );
    }

    #[test]
    fn head_does_exactly_the_stated_extra_work() {
        for case in Case::all() {
            let base = case.chain_steps(Side::Base) as f64;
            let head = case.chain_steps(Side::Head) as f64;
            assert_eq!(head / base, case.factor(Side::Head), "{case}");
            let base = case.stream_elems(Side::Base) as f64;
            let head = case.stream_elems(Side::Head) as f64;
            assert_eq!(head / base, case.factor(Side::Head), "{case}");
            assert_eq!(case.factor(Side::Base), 1.0);
        }
    }

    #[test]
    fn workloads_compute() {
        assert_eq!(chain(1, 0), 1);
        assert_ne!(chain(1, 1), chain(1, 2));
        assert_eq!(stream(&[1, 2, u32::MAX]), 2);
        assert_eq!(Side::parse("head"), Ok(Side::Head));
        assert!(Side::parse("HEAD").unwrap_err().contains(SIDE_VAR));
    }
}
