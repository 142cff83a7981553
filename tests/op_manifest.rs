//! `benches/data/ops.json` is the one list of benchmarked ops (read by the Python side, `perf_table.sh` and
//! guard's tests); the Rust benches spell each op's call in `for_each_op!`, so this test holds the two together:
//! same names in the same order, same number of inputs, same "writes an output", and the wall-clock suite's
//! sizes.

#[path = "../benches/common/mod.rs"]
mod common;

use serde_json::Value;

const MANIFEST: &str = include_str!("../benches/data/ops.json");

/// `(name, inputs, writes)` of every op in `for_each_op!`, in its order.
macro_rules! op_table {
    ($($name:ident: $arity:expr, $writes:expr, |$k:ident, $x:ident| $call:expr;)*) => {
        vec![$((stringify!($name).to_owned(), $arity as u64, $writes)),*]
    };
}

fn manifest() -> Value {
    serde_json::from_str(MANIFEST).expect("benches/data/ops.json is JSON")
}

#[test]
fn bench_ops_are_the_manifest_ops() {
    let rust: Vec<(String, u64, bool)> = common::ops::for_each_op!(op_table);
    let doc = manifest();
    let listed: Vec<(String, u64, bool)> = doc["ops"]
        .as_array()
        .expect("ops.json: `ops` is an array")
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let field = |name: &str| {
                op.get(name)
                    .unwrap_or_else(|| panic!("ops.json: ops[{i}] has no `{name}`"))
            };
            (
                field("name").as_str().expect("name is a string").to_owned(),
                field("inputs").as_u64().expect("inputs is a number"),
                field("writes").as_bool().expect("writes is a boolean"),
            )
        })
        .collect();
    assert_eq!(
        rust, listed,
        "for_each_op! (benches/common/ops.rs) and benches/data/ops.json differ"
    );
    assert_eq!(listed.len(), common::ops::OP_COUNT);
}

#[test]
fn wall_sizes_are_the_manifest_sizes() {
    let doc = manifest();
    let sizes: Vec<usize> = doc["sizes"]
        .as_array()
        .expect("ops.json: `sizes` is an array")
        .iter()
        .map(|v| usize::try_from(v.as_u64().expect("sizes are numbers")).unwrap())
        .collect();
    assert_eq!(sizes, common::profile::WALL_SIZES);
}
