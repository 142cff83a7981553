//! A report with every status, for snapshot tests of the renderers.

use super::{
    Entry, GateState, NumpyCell, NumpyGate, OtherMetric, Report, Status, SuiteState, SuiteSummary,
};
use crate::suite::Suite;

fn e(id: &str, suite: Suite, status: Status, gate: bool, b: Option<f64>, c: Option<f64>) -> Entry {
    let change = match (b, c) {
        (Some(b), Some(c)) => Some((c / b - 1.0) * 100.0),
        _ => None,
    };
    Entry {
        id: id.into(),
        suite,
        metric: suite.metric(),
        status,
        gate,
        baseline: b,
        current: c,
        change_pct: change,
        threshold: Some(if suite == Suite::Instructions {
            1.0
        } else {
            10.0
        }),
        p_value: (suite == Suite::Wall && b.is_some() && c.is_some()).then_some(0.001),
        interval_pct: None,
        rounds: None,
        note: None,
        other_metrics: Vec::new(),
    }
}

pub(crate) fn report() -> Report {
    Report::new(
        "pr",
        suites(),
        entries(),
        Some(numpy_gate()),
        vec!["re-ran 1 flagged wall-clock benchmark".into()],
    )
}

/// One entry of every status, in the order the renderers get them.
fn entries() -> Vec<Entry> {
    vec![
        regression(),
        paired_regression(),
        with_note(
            e(
                "tanh/sse2/100",
                Suite::Instructions,
                Status::Regression,
                true,
                Some(1_000.0),
                Some(1_030.0),
            ),
            "acknowledgement expired on 2026-01-31 (new polynomial)",
        ),
        e(
            "add/avx2/100000",
            Suite::Wall,
            Status::Regression,
            false,
            Some(16_000.0),
            Some(21_000.0),
        ),
        with_note(
            e(
                "tanh/avx2/1000",
                Suite::Instructions,
                Status::Acknowledged,
                true,
                Some(2_000.0),
                Some(2_100.0),
            ),
            "acknowledged up to +8% until 2099-12-31: more accurate polynomial",
        ),
        e(
            "relu/avx2/1000",
            Suite::Instructions,
            Status::Improvement,
            true,
            Some(5_000.0),
            Some(4_000.0),
        ),
        e(
            "gelu/avx2/1000",
            Suite::Instructions,
            Status::New,
            true,
            None,
            Some(7_777.0),
        ),
        with_note(
            e(
                "sum/avx512/1000",
                Suite::Instructions,
                Status::Missing,
                false,
                Some(900.0),
                None,
            ),
            "in the baseline but not in the results",
        ),
        e(
            "mul/avx2/1000",
            Suite::Instructions,
            Status::Pass,
            true,
            Some(3_000.0),
            Some(3_000.0),
        ),
        within_noise(),
        e(
            "<b>@everyone|`x`</b>",
            Suite::Wall,
            Status::New,
            false,
            None,
            Some(1.5e6),
        ),
    ]
}

/// A gated instruction-count regression with another callgrind event shown.
fn regression() -> Entry {
    let mut reg = e(
        "exp/avx2/1000",
        Suite::Instructions,
        Status::Regression,
        true,
        Some(10_000.0),
        Some(10_500.0),
    );
    reg.other_metrics.push(OtherMetric {
        name: "EstimatedCycles".into(),
        baseline: Some(20_000.0),
        current: Some(21_000.0),
        change_pct: Some(5.0),
    });
    reg
}

/// `entry` with the note the renderers show in its last column.
fn with_note(mut entry: Entry, note: &str) -> Entry {
    entry.note = Some(note.into());
    entry
}

/// A wall-clock pass with a note: the change is within noise.
fn within_noise() -> Entry {
    let mut noisy = e(
        "dot/avx2/100",
        Suite::Wall,
        Status::Pass,
        false,
        Some(50.0),
        Some(60.0),
    );
    noisy.p_value = Some(0.21);
    with_note(noisy, "within noise (p = 0.21)")
}

/// A paired wall-clock regression: the interval's lower bound is above the threshold.
fn paired_regression() -> Entry {
    let mut paired = e(
        "exp/avx512/100000",
        Suite::Wall,
        Status::Regression,
        true,
        Some(20_000.0),
        Some(23_000.0),
    );
    paired.p_value = None;
    paired.threshold = Some(3.0);
    paired.change_pct = Some(14.8);
    paired.interval_pct = Some([11.2, 18.5]);
    paired.rounds = Some(5);
    paired
}

/// Both suites checked against their baseline files.
fn suites() -> Vec<SuiteSummary> {
    vec![
        SuiteSummary {
            suite: Suite::Instructions,
            state: SuiteState::Checked,
            baseline_file: Some("baselines/instructions-pr.json".into()),
            message: None,
            differences: vec![],
        },
        SuiteSummary {
            suite: Suite::Wall,
            state: SuiteState::Checked,
            baseline_file: Some("baselines/wall-pr-amd-epyc-avx2.json".into()),
            message: None,
            differences: vec![],
        },
    ]
}

/// A passing NumPy gate with one cell above the ratio.
fn numpy_gate() -> NumpyGate {
    let cell = |op: &str, size: u64, lanes: f64, numpy: f64| NumpyCell {
        op: op.into(),
        size,
        backend: "avx2".into(),
        lanes_ns: lanes,
        numpy_ns: numpy,
        ratio: lanes / numpy,
        ok: lanes / numpy <= 1.2,
        torch_ns: None,
    };
    NumpyGate {
        state: GateState::Pass,
        gate: true,
        max_ratio: 1.2,
        min_fraction: 0.8,
        cells_ok: 4,
        cells_total: 5,
        statistic: "median".into(),
        message: None,
        cells: vec![
            cell("add", 1000, 300.0, 578.0),
            cell("add", 1_000_000, 190_000.0, 186_532.0),
            cell("exp", 1000, 800.0, 1685.0),
            cell("exp", 1_000_000, 2_000_000.0, 1_383_610.0),
            cell("dot", 1000, 200.0, 530.0),
        ],
    }
}

/// A report with `n` failing regressions and `n` passes (for the size limit).
pub(crate) fn huge(n: usize) -> Report {
    let mut entries = Vec::new();
    for i in 0..n {
        entries.push(e(
            &format!("op{i}/avx2/1000000"),
            Suite::Instructions,
            Status::Regression,
            true,
            Some(1e6),
            Some(1.1e6),
        ));
        entries.push(e(
            &format!("op{i}/scalar/1000000"),
            Suite::Wall,
            Status::Pass,
            false,
            Some(1e6),
            Some(1e6),
        ));
    }
    Report::new("full", Vec::new(), entries, None, Vec::new())
}
