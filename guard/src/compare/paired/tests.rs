use std::collections::{BTreeMap, BTreeSet};

use super::*;

/// A small deterministic generator (xorshift64*), so the synthetic noise is the same on every run.
struct Noise(u64);

impl Noise {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Approximately normal (sum of 12 uniforms), mean 0, standard deviation `sd`.
    fn normal(&mut self, sd: f64) -> f64 {
        ((0..12).map(|_| self.unit()).sum::<f64>() - 6.0) * sd
    }
}

/// `rounds` rounds of strictly alternating batches (A B A B … A, 10 batches of the side in the middle; the
/// base starts in even rounds) of a benchmark whose head takes `ratio` times the base. Each batch gets
/// independent multiplicative noise of `sd` (log scale), and the whole round is scaled by `burst(round)` on
/// both sides.
fn synthetic(
    rng: &mut Noise,
    rounds: usize,
    ratio: f64,
    sd: f64,
    burst: impl Fn(usize) -> f64,
) -> Vec<Round> {
    (0..rounds)
        .map(|r| {
            let mut round = Round::default();
            let base_first = r % 2 == 0;
            for slot in 0..21 {
                let base_turn = (slot % 2 == 0) == base_first;
                let scale = if base_turn { 1.0 } else { ratio };
                let v = 1000.0 * scale * burst(r) * rng.normal(sd).exp();
                if base_turn {
                    round.base_ns.push(v);
                } else {
                    round.head_ns.push(v);
                }
            }
            round
        })
        .collect()
}

#[test]
fn a_known_ratio_is_inside_the_interval_about_as_often_as_the_confidence_says() {
    let mut rng = Noise(0x1234_5678);
    for ratio in [1.0, 1.02, 1.05, 1.10] {
        let trials = 2000;
        let covered = (0..trials)
            .filter(|_| {
                let e = estimate(&synthetic(&mut rng, 5, ratio, 0.01, |_| 1.0), 0.90).unwrap();
                e.lo <= ratio && ratio <= e.hi
            })
            .count();
        let rate = covered as f64 / f64::from(trials);
        assert!(
            (0.87..=0.93).contains(&rate),
            "ratio {ratio}: coverage {rate}"
        );
    }
}

#[test]
fn the_estimate_is_the_geometric_mean_ratio_and_the_interval_is_ordered() {
    let rounds = vec![
        Round {
            base_ns: vec![100.0, 100.0],
            head_ns: vec![110.0, 110.0],
        },
        Round {
            base_ns: vec![200.0, 200.0],
            head_ns: vec![220.0, 220.0],
        },
        Round {
            base_ns: vec![50.0, 50.0],
            head_ns: vec![56.0, 54.0],
        },
    ];
    let e = estimate(&rounds, 0.90).unwrap();
    assert!((e.ratio - 1.1).abs() < 1e-3, "{e:?}");
    assert!(e.lo < e.ratio && e.ratio < e.hi, "{e:?}");
    assert_eq!(e.rounds, 3);
    let (change, lo, hi) = e.pct();
    assert!((change - 10.0).abs() < 0.1 && lo < change && hi > change);
}

#[test]
fn bursts_that_hit_both_sides_of_a_round_raise_no_alarm() {
    let mut rng = Noise(99);
    let mut alarms = 0;
    for _ in 0..500 {
        // Every other round runs 1.5 to 2x slower on both sides (a neighbour, a frequency drop).
        let rounds = synthetic(&mut rng, 5, 1.0, 0.005, |r| {
            if r % 2 == 0 {
                1.0
            } else {
                1.5 + 0.1 * r as f64
            }
        });
        let e = estimate(&rounds, 0.90).unwrap();
        if e.pct().1 > 2.0 {
            alarms += 1;
        }
    }
    assert_eq!(alarms, 0);
}

/// 21 alternating batches, everything 1 % slower per batch, the head exactly 5 % slower than the base at the same
/// moment; the base runs first unless `head_first`.
fn drifting(head_first: bool) -> Round {
    let mut round = Round::default();
    for slot in 0..21 {
        let drift = 1.01f64.powi(slot);
        let base_turn = (slot % 2 == 0) ^ head_first;
        if base_turn {
            round.base_ns.push(100.0 * drift);
        } else {
            round.head_ns.push(105.0 * drift);
        }
    }
    round
}

#[test]
fn a_drift_within_a_round_cancels_between_the_neighbours() {
    // Everything gets 1 % slower per batch; the head is exactly 5 % slower than the base at the same moment.
    let round = drifting(false);
    assert!((round.log_ratio().unwrap() - 1.05f64.ln()).abs() < 1e-12);
    // The head starts: the mean of its neighbours is compared with the base batch between them.
    let swapped = drifting(true);
    assert!(
        (swapped.log_ratio().unwrap() - 1.05f64.ln()).abs() < 1e-12,
        "{swapped:?}"
    );
    // Counts that cannot alternate are refused.
    let odd = Round {
        base_ns: vec![1.0; 5],
        head_ns: vec![1.0; 2],
    };
    assert_eq!(odd.log_ratio(), None);
}

#[test]
fn one_burst_batch_does_not_move_the_median_of_a_round() {
    let mut rounds = synthetic(&mut Noise(8), 5, 1.0, 0.001, |_| 1.0);
    let before = rounds[2].log_ratio().unwrap();
    rounds[2].head_ns[4] *= 1.8;
    let after = rounds[2].log_ratio().unwrap();
    assert!((after - before).abs() < 0.002, "{before} → {after}");
}

#[test]
fn one_disturbed_round_widens_the_interval_instead_of_flagging() {
    let mut rounds = synthetic(&mut Noise(5), 6, 1.0, 0.003, |_| 1.0);
    // A whole round of the head disturbed (e.g. its process was on a slower CPU for that round).
    for h in &mut rounds[3].head_ns {
        *h *= 1.3;
    }
    let e = estimate(&rounds, 0.90).unwrap();
    let (change, lo, _) = e.pct();
    assert!(change > 3.0, "the burst moves the estimate: {change}");
    assert!(
        lo < 3.0,
        "but not the lower bound past a 3 % threshold: {e:?}"
    );
}

#[test]
fn too_few_or_unusable_rounds_give_no_estimate() {
    assert_eq!(estimate(&[], 0.9), None);
    let one = Round {
        base_ns: vec![1.0],
        head_ns: vec![2.0],
    };
    assert_eq!(estimate(std::slice::from_ref(&one), 0.9), None);
    let broken = Round {
        base_ns: vec![0.0],
        head_ns: vec![2.0],
    };
    let empty = Round {
        base_ns: vec![],
        head_ns: vec![2.0],
    };
    assert_eq!(broken.log_ratio(), None);
    assert_eq!(empty.log_ratio(), None);
    assert_eq!(estimate(&[one.clone(), broken, empty], 0.9), None);
    assert!(estimate(&[one.clone(), one], 0.9).is_some());
}

fn samples(id: &str, ratio: f64, sd: f64, seed: u64) -> PairedSamples {
    PairedSamples {
        id: id.into(),
        rounds: synthetic(&mut Noise(seed), 5, ratio, sd, |_| 1.0),
        wall: Vec::new(),
        head_wall_ns: None,
        iters: Some(1),
    }
}

fn thresholds(pct: f64) -> Thresholds {
    let mut t = Thresholds::default();
    t.wall_clock.max_regression_pct = pct;
    t.wall_clock.gate = true;
    t
}

#[test]
fn entries_judge_by_the_interval_bounds() {
    let today = Date::parse("2026-12-06").unwrap();
    let base_only: BTreeSet<String> = ["gone/avx2/1000".to_string()].into();
    let head_only: BTreeMap<String, Option<f64>> =
        [("new/avx2/1000".to_string(), Some(12.5))].into();
    // A large change with a wide interval (the head's rounds scattered): not a verdict, a note.
    let mut noisy = samples("noisy/avx2/1000", 1.0, 0.002, 5);
    for (round, f) in noisy.rounds.iter_mut().zip([1.25, 0.9, 1.1, 0.95, 1.05]) {
        for h in &mut round.head_ns {
            *h *= f;
        }
    }
    let list = vec![
        samples("slow/avx2/1000", 1.08, 0.002, 2),
        samples("fast/avx2/1000", 0.90, 0.002, 3),
        samples("same/avx2/1000", 1.0, 0.002, 4),
        noisy,
    ];
    let es = entries(&list, (&base_only, &head_only), &thresholds(3.0), today);
    let by = |id: &str| es.iter().find(|e| e.id == id).unwrap();
    assert_eq!(by("slow/avx2/1000").status, Status::Regression);
    assert!(by("slow/avx2/1000").is_failure());
    let [lo, hi] = by("slow/avx2/1000").interval_pct.unwrap();
    assert!(lo > 3.0 && hi > lo, "{lo} {hi}");
    assert_eq!(by("slow/avx2/1000").rounds, Some(5));
    assert_eq!(by("fast/avx2/1000").status, Status::Improvement);
    assert_eq!(by("same/avx2/1000").status, Status::Pass);
    assert_eq!(by("same/avx2/1000").note, None);
    let noisy = by("noisy/avx2/1000");
    assert_eq!(noisy.status, Status::Pass, "{noisy:?}");
    assert!(
        noisy
            .note
            .as_deref()
            .unwrap()
            .starts_with("within noise: the 90 % interval"),
        "{noisy:?}"
    );
    assert_eq!(by("new/avx2/1000").status, Status::New);
    assert_eq!(by("new/avx2/1000").current, Some(12.5));
    assert_eq!(by("gone/avx2/1000").status, Status::Missing);
    assert!(es.iter().all(|e| e.metric == METRIC));
}

#[test]
fn acknowledged_paired_regressions_follow_the_acknowledgement() {
    let toml = "version = 1\n[wall_clock]\nmax_regression_pct = 3.0\ngate = true\n\
                [[acknowledged]]\nid = \"slow/*\"\nsuite = \"wall_clock\"\nmax_change_pct = 20.0\n\
                reason = \"known\"\nexpires = 2027-01-31\n";
    let t = Thresholds::parse(toml, std::path::Path::new("t.toml")).unwrap();
    let list = vec![samples("slow/avx2/1000", 1.08, 0.002, 2)];
    let none = (&BTreeSet::new(), &BTreeMap::new());
    let es = entries(&list, none, &t, Date::parse("2026-12-06").unwrap());
    assert_eq!(es[0].status, Status::Acknowledged);
    let es = entries(&list, none, &t, Date::parse("2027-02-01").unwrap());
    assert_eq!(es[0].status, Status::Regression);
}
