//! What a value measures, named in one place.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a value measures. Serialized as its plain name (`"Ir"`, `"median_ns"`, …), so reports and baselines
/// read as before, and a report from elsewhere naming any other metric still reads and renders.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Metric {
    /// Instructions executed (callgrind's `Ir`): the instruction-count suite's gated metric.
    Ir,
    /// Criterion's median time per iteration in ns: the wall-clock suite's gated metric.
    MedianNs,
    /// Any other name: another callgrind event (`EstimatedCycles`, …), or what a report from elsewhere says.
    Other(String),
}

impl Metric {
    /// The name in files and reports.
    #[must_use]
    pub const fn name(&self) -> &str {
        match self {
            Self::Ir => "Ir",
            Self::MedianNs => "median_ns",
            Self::Other(name) => name.as_str(),
        }
    }

    /// Whether values are times in ns (shown with a unit) rather than counts. A name not known here is a time
    /// when it ends in `_ns`, as every time in guard's files does.
    #[must_use]
    pub fn is_time(&self) -> bool {
        match self {
            Self::Ir => false,
            Self::MedianNs => true,
            Self::Other(name) => name.ends_with("_ns"),
        }
    }
}

impl From<&str> for Metric {
    fn from(name: &str) -> Self {
        Self::from(name.to_string())
    }
}

impl From<String> for Metric {
    fn from(name: String) -> Self {
        [Self::Ir, Self::MedianNs]
            .into_iter()
            .find(|m| m.name() == name)
            .unwrap_or(Self::Other(name))
    }
}

impl From<Metric> for String {
    fn from(m: Metric) -> Self {
        match m {
            Metric::Other(name) => name,
            known => known.name().to_string(),
        }
    }
}

impl PartialEq<&str> for Metric {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_keep_their_names() {
        for name in ["Ir", "median_ns", "EstimatedCycles", "median_sn", " ", ""] {
            let m = Metric::from(name);
            assert_eq!(m, name);
            assert_eq!(serde_json::to_string(&m).unwrap(), format!("{name:?}"));
            assert_eq!(
                serde_json::from_str::<Metric>(&format!("{name:?}")).unwrap(),
                m
            );
        }
        assert_eq!(Metric::from("Ir"), Metric::Ir);
        assert!(Metric::MedianNs.is_time() && Metric::from("wall_median_ns").is_time());
        assert!(!Metric::Ir.is_time() && !Metric::from("median_sn").is_time());
    }
}
