use super::*;
use crate::thresholds::Thresholds;

fn today() -> Date {
    Date::new(2026, 6, 1).unwrap()
}

fn ir(id: &str, v: f64) -> IrResult {
    IrResult {
        id: id.into(),
        metrics: [
            ("Ir".to_string(), v),
            ("EstimatedCycles".to_string(), v * 2.0),
        ]
        .into(),
    }
}

fn ir_base(pairs: &[(&str, f64)]) -> BTreeMap<String, IrStats> {
    pairs
        .iter()
        .map(|(id, v)| ((*id).to_string(), [("Ir".to_string(), *v)].into()))
        .collect()
}

fn thresholds(extra: &str) -> Thresholds {
    let text = format!("version = 1\n[instructions]\nmax_regression_pct = 1.0\n{extra}");
    Thresholds::parse(&text, std::path::Path::new("t.toml")).unwrap()
}

fn status_of(entries: &[Entry], id: &str) -> Status {
    entries.iter().find(|e| e.id == id).unwrap().status
}

#[test]
fn instruction_verdicts() {
    let base = ir_base(&[
        ("same", 1000.0),
        ("up", 1000.0),
        ("down", 1000.0),
        ("tiny", 1000.0),
        ("gone", 5.0),
    ]);
    let cur = [
        ir("same", 1000.0),
        ir("up", 1050.0),
        ir("down", 950.0),
        ir("tiny", 1009.0),
        ir("fresh", 7.0),
    ];
    let e = instructions(&base, &cur, &thresholds(""), today(), true);
    assert_eq!(status_of(&e, "same"), Status::Pass);
    assert_eq!(status_of(&e, "up"), Status::Regression);
    assert_eq!(status_of(&e, "down"), Status::Improvement);
    assert_eq!(status_of(&e, "tiny"), Status::Pass);
    assert_eq!(status_of(&e, "fresh"), Status::New);
    assert_eq!(status_of(&e, "gone"), Status::Missing);
    let up = e.iter().find(|e| e.id == "up").unwrap();
    assert!(up.gate);
    assert!((up.change_pct.unwrap() - 5.0).abs() < 1e-9);
    assert_eq!(up.threshold, Some(1.0));
    assert_eq!(up.other_metrics[0].name, "EstimatedCycles");
}

#[test]
fn incomparable_is_neither_pass_nor_regression() {
    let base = ir_base(&[("up", 1000.0)]);
    let e = instructions(&base, &[ir("up", 2000.0)], &thresholds(""), today(), false);
    assert_eq!(e[0].status, Status::Incomparable);
    assert!(!e[0].is_failure());
}

#[test]
fn acknowledgements_apply_until_they_expire() {
    let acks = "[[acknowledged]]\nid = \"up*\"\nmax_change_pct = 6.0\nreason = \"accepted\"\nexpires = 2026-06-01\n";
    let base = ir_base(&[("up", 1000.0), ("up_more", 1000.0)]);
    let cur = [ir("up", 1050.0), ir("up_more", 1100.0)];
    let t = thresholds(acks);
    let e = instructions(&base, &cur, &t, today(), true);
    assert_eq!(
        status_of(&e, "up"),
        Status::Acknowledged,
        "the expiry day itself still counts"
    );
    assert_eq!(status_of(&e, "up_more"), Status::Regression);
    assert!(e
        .iter()
        .find(|e| e.id == "up_more")
        .unwrap()
        .note
        .as_ref()
        .unwrap()
        .contains("exceeds"));
    let later = Date::new(2026, 6, 2).unwrap();
    let e = instructions(&base, &cur, &t, later, true);
    assert_eq!(status_of(&e, "up"), Status::Regression);
    assert!(e[0]
        .note
        .as_ref()
        .unwrap()
        .contains("expired on 2026-06-01"));
}

#[test]
fn zero_baseline() {
    assert_eq!(change_pct(0.0, 0.0), Some(0.0));
    assert_eq!(change_pct(0.0, 1.0), None);
    let e = instructions(
        &ir_base(&[("z", 0.0)]),
        &[ir("z", 3.0)],
        &thresholds(""),
        today(),
        true,
    );
    assert_eq!(e[0].status, Status::Regression);
}

fn wall_result(id: &str, samples: Vec<f64>) -> WallResult {
    let median = stats::median(&samples);
    WallResult {
        id: id.into(),
        median_ns: median,
        mean_ns: median,
        samples_ns: samples,
    }
}

fn noisy(center: f64, n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            center * (1.0 + ((s >> 33) as f64 / f64::from(u32::MAX) - 0.25) * 0.2)
        })
        .collect()
}

#[test]
fn wall_needs_threshold_and_significance() {
    let t = thresholds("");
    let base: BTreeMap<String, WallStats> = [
        (
            "slow".to_string(),
            WallStats::from(&wall_result("slow", noisy(100.0, 50, 1))),
        ),
        (
            "same".to_string(),
            WallStats::from(&wall_result("same", noisy(100.0, 50, 2))),
        ),
        (
            "few".to_string(),
            WallStats::from(&wall_result("few", noisy(100.0, 3, 3))),
        ),
    ]
    .into();
    let cur = [
        wall_result("slow", noisy(130.0, 50, 4)),
        wall_result("same", noisy(100.0, 50, 5)),
        wall_result("few", noisy(150.0, 3, 6)),
    ];
    let e = wall(&base, &cur, &t, today(), true);
    let slow = e.iter().find(|e| e.id == "slow").unwrap();
    assert_eq!(slow.status, Status::Regression);
    assert!(!slow.gate, "wall-clock is advisory by default");
    assert!(slow.p_value.unwrap() < 1e-6);
    assert_eq!(status_of(&e, "same"), Status::Pass);
    let few = e.iter().find(|e| e.id == "few").unwrap();
    assert_eq!(few.status, Status::Pass);
    assert!(few.note.as_ref().unwrap().contains("too few samples"));
}
