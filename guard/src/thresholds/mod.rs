//! `thresholds.toml`: what counts as a regression, per suite and per benchmark, and which regressions are
//! acknowledged until when. Parsing is strict: unknown keys, wrong types, bad globs, negative percentages and
//! out-of-range values are errors that name the key.

use std::path::Path;

use globset::{Glob, GlobMatcher};
use serde::Deserialize;

use crate::date::Date;
use crate::error::{Error, Result};
use crate::suite::Suite;

/// The schema version of `thresholds.toml`.
pub const VERSION: u32 = 1;

const HINT: &str = "fix it as the thresholds.toml section of guard/README.md describes";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: u32,
    #[serde(default)]
    instructions: Option<RawSuite>,
    #[serde(default)]
    wall_clock: Option<RawWall>,
    #[serde(default)]
    numpy: Option<RawNumpy>,
    #[serde(default, rename = "override")]
    overrides: Vec<RawOverride>,
    #[serde(default)]
    acknowledged: Vec<RawAck>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuite {
    max_regression_pct: Option<f64>,
    gate: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWall {
    max_regression_pct: Option<f64>,
    gate: Option<bool>,
    alpha: Option<f64>,
    min_samples: Option<u32>,
    confidence: Option<f64>,
    rounds: Option<u32>,
    pairs: Option<u32>,
    batch_us: Option<u32>,
    stored_max_regression_pct: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNumpy {
    max_ratio: Option<f64>,
    min_fraction: Option<f64>,
    gate: Option<bool>,
    statistic: Option<Statistic>,
    library: Option<String>,
    variant: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    id: String,
    suite: Option<SuiteName>,
    max_regression_pct: Option<f64>,
    gate: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAck {
    id: String,
    suite: Option<SuiteName>,
    max_change_pct: f64,
    reason: String,
    expires: toml::value::Datetime,
}

/// Suite names as written in `thresholds.toml`.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum SuiteName {
    Instructions,
    WallClock,
}

impl From<SuiteName> for Suite {
    fn from(s: SuiteName) -> Self {
        match s {
            SuiteName::Instructions => Self::Instructions,
            SuiteName::WallClock => Self::Wall,
        }
    }
}

/// Which NumPy timing the lanes median is compared with.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    /// NumPy's median repeat: like for like with Criterion's median (default).
    Median,
    /// NumPy's fastest repeat: the strictest bar for lanes.
    Min,
}

/// The rule that applies to one benchmark after defaults and overrides.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Largest allowed slowdown in percent (the same size of speed-up counts as an improvement).
    pub max_regression_pct: f64,
    /// Whether a regression fails the check (otherwise it is a warning).
    pub gate: bool,
}

/// Wall-clock noise rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noise {
    /// Significance level of the one-sided Mann–Whitney U test on per-iteration sample times.
    pub alpha: f64,
    /// Fewer samples than this on either side: the change is never called significant.
    pub min_samples: u32,
    /// Paired comparison (base measured now): two-sided confidence of the interval on the head/base ratio.
    pub confidence: f64,
    /// Paired comparison: rounds per benchmark (each with its own buffer layout); the interval's unit.
    pub rounds: u32,
    /// Paired comparison: alternating pairs of batches per round (A B A B … A).
    pub pairs: u32,
    /// Paired comparison: target duration of one batch, microseconds.
    pub batch_us: u32,
    /// With stored baselines (`--against-baselines`): the threshold of the advisory wall-clock comparison.
    pub stored_max_regression_pct: f64,
}

/// The NumPy gate.
#[derive(Debug, Clone, PartialEq)]
pub struct NumpyRule {
    /// Largest allowed lanes / NumPy time ratio per op × size cell.
    pub max_ratio: f64,
    /// Fraction of cells (0–1) that must be within `max_ratio`.
    pub min_fraction: f64,
    /// Whether failing fails the check.
    pub gate: bool,
    /// Which NumPy timing is compared.
    pub statistic: Statistic,
    /// Library gated on (`numpy`); other libraries are shown only.
    pub library: String,
    /// Variant gated on (`out`: preallocated outputs, the fair one).
    pub variant: String,
}

/// A per-benchmark override.
#[derive(Debug, Clone)]
pub struct Override {
    /// The glob as written.
    pub pattern: String,
    matcher: GlobMatcher,
    /// Restricts the override to one suite.
    pub suite: Option<Suite>,
    /// Replaces the suite's `max_regression_pct`.
    pub max_regression_pct: Option<f64>,
    /// Replaces the suite's `gate`.
    pub gate: Option<bool>,
}

/// An acknowledged regression.
#[derive(Debug, Clone)]
pub struct Ack {
    /// The glob as written.
    pub pattern: String,
    matcher: GlobMatcher,
    /// Restricts the acknowledgement to one suite.
    pub suite: Option<Suite>,
    /// Largest change in percent that is accepted.
    pub max_change_pct: f64,
    /// Why the regression is accepted.
    pub reason: String,
    /// Last day on which the acknowledgement applies.
    pub expires: Date,
}

/// A validated `thresholds.toml`.
#[derive(Debug, Clone)]
pub struct Thresholds {
    /// Instruction-count defaults.
    pub instructions: Rule,
    /// Wall-clock defaults.
    pub wall_clock: Rule,
    /// Wall-clock noise rule.
    pub noise: Noise,
    /// NumPy gate.
    pub numpy: NumpyRule,
    /// Overrides in file order (later ones win).
    pub overrides: Vec<Override>,
    /// Acknowledged regressions in file order (the first match applies).
    pub acknowledged: Vec<Ack>,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            instructions: Rule {
                max_regression_pct: 1.0,
                gate: true,
            },
            wall_clock: Rule {
                max_regression_pct: 10.0,
                gate: false,
            },
            noise: Noise {
                alpha: 0.01,
                min_samples: 10,
                confidence: 0.90,
                rounds: 20,
                pairs: 20,
                batch_us: 1000,
                stored_max_regression_pct: 10.0,
            },
            numpy: NumpyRule {
                max_ratio: 1.2,
                min_fraction: 0.8,
                gate: true,
                statistic: Statistic::Median,
                library: "numpy".into(),
                variant: "out".into(),
            },
            overrides: Vec::new(),
            acknowledged: Vec::new(),
        }
    }
}

impl Thresholds {
    /// The rule for benchmark `id` of `suite`.
    #[must_use]
    pub fn rule(&self, suite: Suite, id: &str) -> Rule {
        let mut rule = match suite {
            Suite::Instructions => self.instructions,
            Suite::Wall => self.wall_clock,
        };
        for o in &self.overrides {
            if o.suite.is_none_or(|s| s == suite) && o.matcher.is_match(id) {
                rule.max_regression_pct = o.max_regression_pct.unwrap_or(rule.max_regression_pct);
                rule.gate = o.gate.unwrap_or(rule.gate);
            }
        }
        rule
    }

    /// The first acknowledgement matching benchmark `id` of `suite`, expired or not.
    #[must_use]
    pub fn ack(&self, suite: Suite, id: &str) -> Option<&Ack> {
        self.acknowledged
            .iter()
            .find(|a| a.suite.is_none_or(|s| s == suite) && a.matcher.is_match(id))
    }

    /// Parses and validates `thresholds.toml` text; `path` is used in messages.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the key (or line) and the offending value.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let raw = deserialize(text, path)?;
        let bad = |key: &str, problem: String| Error::invalid(path, key, problem, HINT);
        if raw.version != VERSION {
            return Err(bad(
                "version",
                format!("is {}, this guard reads version {VERSION}", raw.version),
            ));
        }
        let mut t = Self::default();
        if let Some(s) = raw.instructions {
            set_pct(
                &mut t.instructions.max_regression_pct,
                s.max_regression_pct,
                "instructions.max_regression_pct",
                &bad,
            )?;
            t.instructions.gate = s.gate.unwrap_or(t.instructions.gate);
        }
        if let Some(w) = raw.wall_clock {
            apply_wall_clock(&mut t, &w, &bad)?;
        }
        if let Some(n) = raw.numpy {
            apply_numpy(&mut t.numpy, n, &bad)?;
        }
        for (i, o) in raw.overrides.into_iter().enumerate() {
            t.overrides.push(override_from(i, o, &bad)?);
        }
        for (i, a) in raw.acknowledged.into_iter().enumerate() {
            t.acknowledged.push(ack_from(i, a, &bad)?);
        }
        Ok(t)
    }

    /// Reads and parses a thresholds file.
    ///
    /// # Errors
    /// [`Error::Io`] when unreadable, otherwise as [`Thresholds::parse`].
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = crate::fsio::read(path)?;
        let text = String::from_utf8(bytes)
            .map_err(|e| Error::invalid(path, "", format!("is not UTF-8: {e}"), HINT))?;
        Self::parse(&text, path)
    }
}

/// The TOML of `thresholds.toml` as written; a syntax error, an unknown key or a wrong type names the key
/// and line.
fn deserialize(text: &str, path: &Path) -> Result<RawFile> {
    let line_of = |e: &toml::de::Error| {
        e.span()
            .filter(|s| s.start > 0)
            .map(|s| {
                format!(
                    "line {}",
                    text[..s.start.min(text.len())].lines().count().max(1)
                )
            })
            .unwrap_or_default()
    };
    let de = toml::Deserializer::parse(text)
        .map_err(|e| Error::invalid(path, line_of(&e), e.message().replace('\n', " "), HINT))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let inner = e.into_inner();
        let at = line_of(&inner);
        let key = match (key.as_str(), at.is_empty()) {
            (".", _) => at,
            (_, true) => key,
            _ => format!("{key} ({at})"),
        };
        Error::invalid(path, key, inner.message().replace('\n', " "), HINT)
    })
}

/// `[wall_clock]`: the suite's rule and the noise rule, each value checked against its range.
fn apply_wall_clock(
    t: &mut Thresholds,
    w: &RawWall,
    bad: &dyn Fn(&str, String) -> Error,
) -> Result<()> {
    set_pct(
        &mut t.wall_clock.max_regression_pct,
        w.max_regression_pct,
        "wall_clock.max_regression_pct",
        bad,
    )?;
    t.wall_clock.gate = w.gate.unwrap_or(t.wall_clock.gate);
    set_pct(
        &mut t.noise.stored_max_regression_pct,
        w.stored_max_regression_pct,
        "wall_clock.stored_max_regression_pct",
        bad,
    )?;
    if let Some(a) = w.alpha {
        if !(a > 0.0 && a < 0.5) {
            return Err(bad(
                "wall_clock.alpha",
                format!("must be in (0, 0.5), got {a}"),
            ));
        }
        t.noise.alpha = a;
    }
    if let Some(n) = w.min_samples {
        if n < 2 {
            return Err(bad(
                "wall_clock.min_samples",
                format!("must be at least 2, got {n}"),
            ));
        }
        t.noise.min_samples = n;
    }
    if let Some(c) = w.confidence {
        if !(c > 0.5 && c < 1.0) {
            return Err(bad(
                "wall_clock.confidence",
                format!("must be in (0.5, 1), got {c}"),
            ));
        }
        t.noise.confidence = c;
    }
    for (value, slot, field, range) in [
        (w.rounds, &mut t.noise.rounds, "wall_clock.rounds", 2..=100),
        (w.pairs, &mut t.noise.pairs, "wall_clock.pairs", 1..=1000),
        (
            w.batch_us,
            &mut t.noise.batch_us,
            "wall_clock.batch_us",
            10..=1_000_000,
        ),
    ] {
        if let Some(v) = value {
            if !range.contains(&v) {
                let (lo, hi) = (range.start(), range.end());
                return Err(bad(
                    field,
                    format!("must be between {lo} and {hi}, got {v}"),
                ));
            }
            *slot = v;
        }
    }
    Ok(())
}

/// `[numpy]`: the NumPy gate, its ratio and fraction checked.
fn apply_numpy(
    rule: &mut NumpyRule,
    n: RawNumpy,
    bad: &dyn Fn(&str, String) -> Error,
) -> Result<()> {
    if let Some(r) = n.max_ratio {
        if !(r.is_finite() && r > 0.0) {
            return Err(bad(
                "numpy.max_ratio",
                format!("must be a finite number > 0, got {r}"),
            ));
        }
        rule.max_ratio = r;
    }
    if let Some(f) = n.min_fraction {
        if !(0.0..=1.0).contains(&f) {
            return Err(bad(
                "numpy.min_fraction",
                format!("must be in [0, 1], got {f}"),
            ));
        }
        rule.min_fraction = f;
    }
    rule.gate = n.gate.unwrap_or(rule.gate);
    rule.statistic = n.statistic.unwrap_or(rule.statistic);
    if let Some(library) = n.library {
        rule.library = library;
    }
    if let Some(variant) = n.variant {
        rule.variant = variant;
    }
    Ok(())
}

/// The `i`-th `[[override]]`.
fn override_from(
    i: usize,
    o: RawOverride,
    bad: &dyn Fn(&str, String) -> Error,
) -> Result<Override> {
    let key = format!("override[{i}]");
    let mut pct = None;
    if let Some(p) = o.max_regression_pct {
        let mut v = 0.0;
        set_pct(&mut v, Some(p), &format!("{key}.max_regression_pct"), bad)?;
        pct = Some(v);
    }
    Ok(Override {
        matcher: glob(&o.id, &format!("{key}.id"), bad)?,
        pattern: o.id,
        suite: o.suite.map(Suite::from),
        max_regression_pct: pct,
        gate: o.gate,
    })
}

/// The `i`-th `[[acknowledged]]`: a percentage, a reason and an expiry date (a date without a time).
fn ack_from(i: usize, a: RawAck, bad: &dyn Fn(&str, String) -> Error) -> Result<Ack> {
    let key = format!("acknowledged[{i}]");
    let mut pct = 0.0;
    set_pct(
        &mut pct,
        Some(a.max_change_pct),
        &format!("{key}.max_change_pct"),
        bad,
    )?;
    if a.reason.trim().is_empty() {
        return Err(bad(
            &format!("{key}.reason"),
            "must say why the regression is accepted".into(),
        ));
    }
    let expires = match (a.expires.date, a.expires.time) {
        (Some(d), None) => Date::new(i32::from(d.year), d.month, d.day),
        _ => None,
    }
    .ok_or_else(|| {
        bad(
            &format!("{key}.expires"),
            format!("must be a date like 2026-12-31, got {}", a.expires),
        )
    })?;
    Ok(Ack {
        matcher: glob(&a.id, &format!("{key}.id"), bad)?,
        pattern: a.id,
        suite: a.suite.map(Suite::from),
        max_change_pct: pct,
        reason: a.reason,
        expires,
    })
}

fn set_pct(
    slot: &mut f64,
    value: Option<f64>,
    key: &str,
    bad: &dyn Fn(&str, String) -> Error,
) -> Result<()> {
    if let Some(v) = value {
        if !(v.is_finite() && v >= 0.0) {
            return Err(bad(
                key,
                format!("must be a finite percentage >= 0, got {v}"),
            ));
        }
        *slot = v;
    }
    Ok(())
}

fn glob(pattern: &str, key: &str, bad: &dyn Fn(&str, String) -> Error) -> Result<GlobMatcher> {
    if pattern.is_empty() {
        return Err(bad(key, "must not be empty".into()));
    }
    Glob::new(pattern)
        .map(|g| g.compile_matcher())
        .map_err(|e| bad(key, format!("bad glob {pattern:?}: {}", e.kind())))
}

#[cfg(test)]
mod tests;
