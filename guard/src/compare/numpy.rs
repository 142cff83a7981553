//! The NumPy gate: for each op × size, the fastest lanes backend's Criterion median against NumPy's time
//! for the same op and size (the configured statistic, `median` by default: like for like).
//!
//! Only Criterion ids of the shape `<op>/<backend>/<size>` take part; other ids are ignored here.

use std::collections::BTreeMap;

use super::verdict::{GateState, NumpyCell, NumpyGate};
use crate::suite::numpy::{NumpyResults, COMMAND};
use crate::suite::{BenchId, WallResult};
use crate::thresholds::{NumpyRule, Statistic};

/// Why the gate cannot be evaluated, as a skipped gate.
#[must_use]
pub fn skipped(rule: &NumpyRule, message: String) -> NumpyGate {
    NumpyGate {
        state: GateState::Skipped,
        gate: rule.gate,
        max_ratio: rule.max_ratio,
        min_fraction: rule.min_fraction,
        cells_ok: 0,
        cells_total: 0,
        statistic: statistic_name(rule.statistic).into(),
        message: Some(message),
        cells: Vec::new(),
    }
}

const fn statistic_name(s: Statistic) -> &'static str {
    match s {
        Statistic::Median => "median",
        Statistic::Min => "min",
    }
}

/// Evaluates the gate. `cpu_model` is this machine's; NumPy numbers recorded on another CPU are not
/// compared (the gate is skipped with the command that refreshes them).
#[must_use]
pub fn gate(
    lanes: &[WallResult],
    numpy: &NumpyResults,
    rule: &NumpyRule,
    cpu_model: &str,
) -> NumpyGate {
    if let Some(theirs) = &numpy.cpu_model {
        if theirs.trim() != cpu_model.trim() {
            return skipped(
                rule,
                format!("NumPy numbers were measured on {theirs:?}, this machine is {cpu_model:?}: run `{COMMAND}`"),
            );
        }
    }
    let mut best: BTreeMap<(&str, u64), (&str, f64)> = BTreeMap::new();
    for r in lanes {
        if let Some(id) = BenchId::parse(&r.id) {
            let slot = best
                .entry((id.op, id.size))
                .or_insert((id.backend, r.median_ns));
            if r.median_ns < slot.1 {
                *slot = (id.backend, r.median_ns);
            }
        }
    }
    let pick = |library: &str| {
        let mut m: BTreeMap<(&str, u64), f64> = BTreeMap::new();
        for row in numpy
            .rows
            .iter()
            .filter(|r| r.library == library && r.variant == rule.variant)
        {
            let v = match rule.statistic {
                Statistic::Median => row.median_ns,
                Statistic::Min => row.min_ns,
            };
            let slot = m.entry((row.op.as_str(), row.size)).or_insert(v);
            *slot = slot.min(v);
        }
        m
    };
    let reference = pick(&rule.library);
    let torch = pick("torch");
    let mut cells = Vec::new();
    for (&(op, size), &(backend, lanes_ns)) in &best {
        let Some(&numpy_ns) = reference.get(&(op, size)) else {
            continue;
        };
        if numpy_ns <= 0.0 {
            continue;
        }
        let ratio = lanes_ns / numpy_ns;
        cells.push(NumpyCell {
            op: op.to_string(),
            size,
            backend: backend.to_string(),
            lanes_ns,
            numpy_ns,
            ratio,
            ok: ratio <= rule.max_ratio,
            torch_ns: torch.get(&(op, size)).copied(),
        });
    }
    if cells.is_empty() {
        return skipped(
            rule,
            format!(
                "no op × size cell has both a lanes result (<op>/<backend>/<size>) and a {} number",
                rule.library
            ),
        );
    }
    let cells_ok = cells.iter().filter(|c| c.ok).count();
    let fraction = cells_ok as f64 / cells.len() as f64;
    NumpyGate {
        state: if fraction >= rule.min_fraction {
            GateState::Pass
        } else {
            GateState::Fail
        },
        gate: rule.gate,
        max_ratio: rule.max_ratio,
        min_fraction: rule.min_fraction,
        cells_ok,
        cells_total: cells.len(),
        statistic: statistic_name(rule.statistic).into(),
        message: None,
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::numpy::Row;
    use crate::thresholds::Thresholds;

    fn lanes(id: &str, ns: f64) -> WallResult {
        WallResult {
            id: id.into(),
            median_ns: ns,
            mean_ns: ns,
            samples_ns: vec![ns; 10],
        }
    }

    fn row(op: &str, size: u64, library: &str, ns: f64) -> Row {
        Row {
            op: op.into(),
            size,
            library: library.into(),
            variant: "out".into(),
            min_ns: ns * 0.9,
            median_ns: ns,
            spelling: String::new(),
        }
    }

    #[test]
    fn best_backend_against_numpy_median() {
        let rule = Thresholds::default().numpy;
        let lanes = [
            lanes("add/scalar/1000", 900.0),
            lanes("add/avx2/1000", 500.0),
            lanes("exp/avx2/1000", 3000.0),
            lanes("weird-id", 1.0),
        ];
        let numpy = NumpyResults {
            cpu_model: Some("cpu".into()),
            rows: vec![
                row("add", 1000, "numpy", 578.0),
                row("exp", 1000, "numpy", 1685.0),
                row("add", 1000, "torch", 1400.0),
            ],
            unsupported: vec![],
        };
        let g = gate(&lanes, &numpy, &rule, "cpu");
        assert_eq!(g.cells_total, 2);
        assert_eq!(g.cells[0].backend, "avx2");
        assert_eq!(g.cells[0].torch_ns, Some(1400.0));
        assert!(g.cells[0].ok && !g.cells[1].ok);
        assert_eq!(g.state, GateState::Fail, "1 of 2 cells is below 80 %");
        let other_cpu = gate(&lanes, &numpy, &rule, "another cpu");
        assert_eq!(other_cpu.state, GateState::Skipped);
        assert!(other_cpu.message.unwrap().contains(COMMAND));
    }
}
