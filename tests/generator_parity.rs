//! The benchmark input generator (`benches/common/gen.rs`) reproduces every case of the committed checksum file
//! `benches/data/generator_checksums.json`. The Python generator (`benchmarks/lanes_bench/generator.py`) is
//! checked against the same file by pytest, so both sides feed bit-identical inputs to their benchmarks.

#[path = "../benches/common/gen.rs"]
mod gen;

use serde_json::Value;

const CHECKSUMS: &str = include_str!("../benches/data/generator_checksums.json");

fn field<'a>(case: &'a Value, name: &str, i: usize) -> &'a Value {
    case.get(name)
        .unwrap_or_else(|| panic!("generator_checksums.json: cases[{i}] has no `{name}`"))
}

fn parse_hex_u64(text: &str, what: &str) -> u64 {
    let digits = text.trim_start_matches("0x");
    u64::from_str_radix(digits, 16)
        .unwrap_or_else(|e| panic!("generator_checksums.json: {what} {text:?}: {e}"))
}

#[test]
fn rust_generator_matches_every_committed_checksum() {
    let doc: Value =
        serde_json::from_str(CHECKSUMS).expect("generator_checksums.json is valid JSON");
    assert_eq!(
        doc["version"], 1,
        "generator_checksums.json: unknown version"
    );
    assert_eq!(
        doc["base_seed"].as_u64(),
        Some(gen::BASE_SEED),
        "base_seed differs from gen::BASE_SEED"
    );
    let cases = doc["cases"]
        .as_array()
        .expect("generator_checksums.json: `cases` is an array");
    assert!(!cases.is_empty(), "generator_checksums.json has no cases");

    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let op = field(case, "op", i).as_str().expect("`op` is a string");
        let k = field(case, "input", i)
            .as_u64()
            .expect("`input` is an integer");
        let n = usize::try_from(field(case, "n", i).as_u64().expect("`n` is an integer")).unwrap();
        let want = parse_hex_u64(
            field(case, "fnv1a64", i)
                .as_str()
                .expect("`fnv1a64` is a string"),
            "fnv1a64",
        );
        let first_bits: Vec<u32> = field(case, "first_bits", i)
            .as_array()
            .expect("`first_bits` is an array")
            .iter()
            .map(|b| {
                let text = b.as_str().expect("`first_bits` holds strings");
                u32::try_from(parse_hex_u64(text, "first_bits"))
                    .expect("an f32 bit pattern fits in 32 bits")
            })
            .collect();

        let values = gen::input(op, k, n);
        let label = format!("cases[{i}] {op} input {k} n={n}");
        if values.len() != n {
            failures.push(format!("{label}: {} values", values.len()));
            continue;
        }
        let got = gen::fnv1a64(&values);
        if got != want {
            failures.push(format!(
                "{label}: fnv1a64 {got:016x}, committed {want:016x}"
            ));
        }
        for (j, (&v, &bits)) in values.iter().zip(&first_bits).enumerate() {
            if v.to_bits() != bits {
                failures.push(format!(
                    "{label}: value {j} is {:#010x}, committed {bits:#010x}",
                    v.to_bits()
                ));
            }
        }
    }
    println!("generator parity: checked {} committed cases", cases.len());
    assert!(
        failures.is_empty(),
        "Rust generator differs from the committed checksums:\n{}",
        failures.join("\n")
    );
}

#[test]
fn values_stay_in_their_documented_ranges() {
    let n = 100_000;
    for (op, k, (lo, hi)) in [
        ("add", 0, gen::RANGE),
        ("fma", 2, gen::RANGE),
        ("div", 1, gen::DIV_DIVISOR_RANGE),
    ] {
        let values = gen::input(op, k, n);
        let (lo, hi) = (lo as f32, hi as f32);
        assert!(
            values.iter().all(|v| (lo..=hi).contains(v)),
            "{op} input {k}: a value outside [{lo}, {hi}]"
        );
    }
    // `div`'s dividend uses the default range; only the divisor is special.
    assert_eq!(gen::input("div", 0, 64), gen::input("add", 0, 64));
}
