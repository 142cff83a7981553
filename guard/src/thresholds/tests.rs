use super::*;

fn parse(text: &str) -> Result<Thresholds> {
    Thresholds::parse(text, Path::new("thresholds.toml"))
}

/// `bad!(name, toml, expected message fragment)`: the file is rejected and the message names the key.
macro_rules! bad {
    ($name:ident, $text:expr, $fragment:expr) => {
        #[test]
        fn $name() {
            let err = parse($text).unwrap_err().to_string();
            assert!(err.starts_with("thresholds.toml: "), "{err}");
            assert!(
                err.contains($fragment),
                "{err:?} does not contain {:?}",
                $fragment
            );
            assert!(!err.contains('\n'), "{err:?}");
        }
    };
}

bad!(missing_version, "", "missing field `version`");
bad!(wrong_version, "version = 2", "version: is 2");
bad!(
    unknown_top_key,
    "version = 1\ncolour = 1",
    "colour (line 1): unknown field `colour`, expected one of `version`"
);
bad!(
    unknown_nested_key,
    "version = 1\n[instructions]\nmax = 1",
    "unknown field `max`"
);
bad!(
    wrong_type,
    "version = 1\n[instructions]\nmax_regression_pct = \"1%\"",
    "instructions.max_regression_pct (line 3): invalid type: string \"1%\", expected f64"
);
bad!(
    negative_pct,
    "version = 1\n[wall_clock]\nmax_regression_pct = -5.0",
    "wall_clock.max_regression_pct: must be a finite percentage >= 0, got -5"
);
bad!(
    nan_pct,
    "version = 1\n[instructions]\nmax_regression_pct = nan",
    "instructions.max_regression_pct"
);
bad!(
    bad_alpha,
    "version = 1\n[wall_clock]\nalpha = 0.9",
    "wall_clock.alpha"
);
bad!(
    bad_confidence,
    "version = 1\n[wall_clock]\nconfidence = 1.0",
    "wall_clock.confidence: must be in (0.5, 1), got 1"
);
bad!(
    bad_rounds,
    "version = 1\n[wall_clock]\nrounds = 1",
    "wall_clock.rounds: must be between 2 and 100, got 1"
);
bad!(
    bad_fraction,
    "version = 1\n[numpy]\nmin_fraction = 1.5",
    "numpy.min_fraction: must be in [0, 1], got 1.5"
);
bad!(
    bad_ratio,
    "version = 1\n[numpy]\nmax_ratio = 0.0",
    "numpy.max_ratio"
);
bad!(
    bad_statistic,
    "version = 1\n[numpy]\nstatistic = \"mean\"",
    "unknown variant `mean`"
);
bad!(
    bad_glob,
    "version = 1\n[[override]]\nid = \"add/[avx\"\nmax_regression_pct = 2.0",
    "override[0].id: bad glob \"add/[avx\""
);
bad!(
    empty_glob,
    "version = 1\n[[override]]\nid = \"\"",
    "override[0].id: must not be empty"
);
bad!(
    bad_suite,
    "version = 1\n[[override]]\nid = \"*\"\nsuite = \"wall\"",
    "unknown variant `wall`"
);
bad!(ack_without_reason, "version = 1\n[[acknowledged]]\nid = \"a\"\nmax_change_pct = 3.0\nreason = \" \"\nexpires = 2026-01-01", "acknowledged[0].reason");
bad!(ack_with_time, "version = 1\n[[acknowledged]]\nid = \"a\"\nmax_change_pct = 3.0\nreason = \"r\"\nexpires = 2026-01-01T10:00:00", "acknowledged[0].expires: must be a date");
bad!(ack_string_date, "version = 1\n[[acknowledged]]\nid = \"a\"\nmax_change_pct = 3.0\nreason = \"r\"\nexpires = \"2026-01-01\"", "acknowledged[0].expires (line 6): invalid type: string");
bad!(ack_negative, "version = 1\n[[acknowledged]]\nid = \"a\"\nmax_change_pct = -3.0\nreason = \"r\"\nexpires = 2026-01-01", "acknowledged[0].max_change_pct");
bad!(not_toml, "version = = 1", "line 1");

#[test]
fn defaults_overrides_and_acks() {
    let t = parse(
        r#"
version = 1
[instructions]
max_regression_pct = 1.0
[wall_clock]
max_regression_pct = 10.0
gate = false
[numpy]
max_ratio = 1.2
min_fraction = 0.8

[[override]]
id = "*/scalar/*"
max_regression_pct = 3.0

[[override]]
id = "exp/*"
suite = "wall_clock"
gate = true

[[acknowledged]]
id = "tanh/avx2/*"
suite = "instructions"
max_change_pct = 8.0
reason = "more accurate polynomial"
expires = 2026-12-31
"#,
    )
    .unwrap();
    assert_eq!(
        t.rule(Suite::Instructions, "add/avx2/100"),
        Rule {
            max_regression_pct: 1.0,
            gate: true
        }
    );
    assert_eq!(
        t.rule(Suite::Instructions, "add/scalar/100")
            .max_regression_pct,
        3.0
    );
    assert_eq!(
        t.rule(Suite::Wall, "exp/avx2/100"),
        Rule {
            max_regression_pct: 10.0,
            gate: true
        }
    );
    assert!(!t
        .rule(Suite::Instructions, "exp/avx2/100")
        .max_regression_pct
        .is_nan());
    let ack = t.ack(Suite::Instructions, "tanh/avx2/1000").unwrap();
    assert_eq!(ack.expires, Date::new(2026, 12, 31).unwrap());
    assert!(t.ack(Suite::Wall, "tanh/avx2/1000").is_none());
}

#[test]
fn shipped_thresholds_file_is_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../thresholds.toml");
    let t = Thresholds::read(&path).unwrap();
    assert!(t.instructions.gate);
    // The paired wall-clock gate, at the threshold and plan calibrated in docs/SIGNAL.md.
    assert!(t.wall_clock.gate);
    assert_eq!(t.wall_clock.max_regression_pct, 1.5);
    assert_eq!(
        (t.noise.rounds, t.noise.pairs, t.noise.batch_us),
        (20, 20, 1000)
    );
    assert_eq!(t.noise.confidence, 0.90);
    assert_eq!(t.noise.stored_max_regression_pct, 10.0);
    // 1,000-element wall-clock cells only warn (the per-process effect in docs/SIGNAL.md); 100,000 gate.
    assert!(!t.rule(Suite::Wall, "sum/avx512/1000").gate);
    assert!(t.rule(Suite::Wall, "sum/avx512/100000").gate);
    assert!(t.rule(Suite::Instructions, "sum/avx2/1000").gate);
    // The gate reached in the second session (docs/PERFORMANCE.md): parity, 95 % of cells.
    assert_eq!(t.numpy.max_ratio, 1.0);
    assert_eq!(t.numpy.min_fraction, 0.95);
}
