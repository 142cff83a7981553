use super::*;

fn fp() -> Fingerprint {
    Fingerprint {
        profile: "pr".into(),
        rustc: "1.95.0".into(),
        host: "x86_64-unknown-linux-gnu".into(),
        cpu_model: None,
        simd: vec!["avx2".into()],
        valgrind: Some("valgrind-3.19.0".into()),
        gungraun: Some("0.20.0".into()),
    }
}

fn ir(v: f64) -> IrStats {
    [("Ir".to_string(), v)].into()
}

/// `merge` of instruction counts with the test fingerprint, every ratio 1.
fn merge_ir(
    old: Option<BaselineFile<IrStats>>,
    new: BTreeMap<String, IrStats>,
    fingerprint: Fingerprint,
    updated: &str,
    prune: bool,
) -> (BaselineFile<IrStats>, Changes) {
    merge(
        old,
        new,
        fingerprint,
        Suite::Instructions,
        updated.into(),
        prune,
        &|_| 1.0,
    )
}

#[test]
fn round_trip_is_one_line_per_benchmark() {
    let (file, _) = merge_ir(
        None,
        [
            ("b/x/1".to_string(), ir(10.0)),
            ("a/y/2".to_string(), ir(20.0)),
        ]
        .into(),
        fp(),
        "2026-01-01",
        false,
    );
    let text = file.to_json().unwrap();
    assert!(
        text.contains("\n    \"a/y/2\": {\"Ir\":20.0},\n    \"b/x/1\": {\"Ir\":10.0}\n"),
        "{text}"
    );
    let back =
        BaselineFile::<IrStats>::parse(text.as_bytes(), Path::new("b.json"), Suite::Instructions)
            .unwrap();
    assert_eq!(back, file);
    let err = BaselineFile::<IrStats>::parse(text.as_bytes(), Path::new("b.json"), Suite::Wall)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("suite: is instructions, expected wall"),
        "{err}"
    );
}

#[test]
fn merge_keeps_prunes_and_reports() {
    let old = merge_ir(
        None,
        [
            ("keep".to_string(), ir(10.0)),
            ("moved".to_string(), ir(100.0)),
            ("same".to_string(), ir(50.0)),
        ]
        .into(),
        fp(),
        "d",
        false,
    )
    .0;
    let new: BTreeMap<String, IrStats> = [
        ("moved".to_string(), ir(110.0)),
        ("same".to_string(), ir(50.2)),
        ("added".to_string(), ir(1.0)),
    ]
    .into();
    let (file, c) = merge_ir(Some(old.clone()), new.clone(), fp(), "d", false);
    assert_eq!(c.added, vec!["added"]);
    assert_eq!(c.kept, 1);
    assert_eq!(c.unchanged, 1);
    assert_eq!(c.changed.len(), 1);
    assert_eq!(c.changed[0].0, "moved");
    assert!(file.benchmarks.contains_key("keep"));
    let (file, c) = merge_ir(Some(old.clone()), new.clone(), fp(), "d", true);
    assert_eq!(c.removed, vec!["keep"]);
    assert!(!file.benchmarks.contains_key("keep"));
    let mut other = fp();
    other.rustc = "1.96.0".into();
    let (file, c) = merge_ir(Some(old), new, other, "d", false);
    assert_eq!(c.environment, vec!["rustc: 1.95.0 → 1.96.0"]);
    assert!(
        !file.benchmarks.contains_key("keep"),
        "values from another environment are not mixed in"
    );
}

#[test]
fn rejects_bad_values() {
    let text = r#"{"schema_version":1,"suite":"wall","updated":"d","fingerprint":{"profile":"pr","rustc":"r","host":"h","simd":[]},"benchmarks":{"a":{"median_ns":-1.0,"mean_ns":1.0,"samples_ns":[1.0]}}}"#;
    let e = BaselineFile::<WallStats>::parse(text.as_bytes(), Path::new("w.json"), Suite::Wall)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("benchmarks.a: median_ns must be a finite number >= 0, got -1"),
        "{e}"
    );
    let e =
        BaselineFile::<WallStats>::parse(&text.as_bytes()[..50], Path::new("w.json"), Suite::Wall)
            .unwrap_err();
    assert!(e.to_string().starts_with("w.json: "), "{e}");
}

#[test]
fn samples_are_rounded_to_six_digits() {
    assert_eq!(round6(21.045_133_562_613_21), 21.0451);
    assert_eq!(round6(123_456_789.0), 123_457_000.0);
    assert_eq!(round6(0.0), 0.0);
}

#[test]
fn a_shard_file_records_its_shard_and_is_no_whole_baseline() {
    let (mut file, _) = merge_ir(
        None,
        [("a/b/1".to_string(), ir(10.0))].into(),
        fp(),
        "d",
        false,
    );
    assert!(
        !file.to_json().unwrap().contains("shard"),
        "whole files as before"
    );
    file.shard = Some(Shard { index: 2, count: 3 });
    let text = file.to_json().unwrap();
    assert!(
        text.contains("\n  \"shard\": {\"index\":2,\"count\":3},\n  \"benchmarks\": {\n"),
        "{text}"
    );
    let p = Path::new("s.json");
    assert_eq!(
        BaselineFile::<IrStats>::parse(text.as_bytes(), p, Suite::Instructions).unwrap(),
        file
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("instructions-pr.json");
    file.store(&p).unwrap();
    let e = BaselineFile::<IrStats>::load(&p, Suite::Instructions).unwrap_err();
    assert!(e.to_string().contains("shard: is 2/3: a shard file"), "{e}");
    assert_eq!(
        shard_path(
            Path::new("b"),
            Suite::Instructions,
            &fp(),
            Shard { index: 2, count: 3 }
        ),
        Path::new("b/shards/instructions-pr.shard-2-of-3.json")
    );
}
