//! Shared test support: the backends to run, input generators, references.
#![allow(unreachable_pub, dead_code)]

pub mod ulp;

use lanes::{Backend, Kernels};
use proptest::prelude::*;

/// Every backend this CPU can run, printed so a run shows what it exercised. `LANES_REQUIRE_BACKENDS`
/// (comma-separated names) makes the run fail when a listed backend is absent, so CI on an AVX-512 host can
/// insist that AVX-512 really ran.
pub fn kernels() -> Vec<Kernels> {
    let available = Backend::available();
    if let Ok(list) = std::env::var("LANES_REQUIRE_BACKENDS") {
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let b: Backend = name
                .parse()
                .unwrap_or_else(|e| panic!("LANES_REQUIRE_BACKENDS: {e}"));
            assert!(
                available.contains(&b),
                "LANES_REQUIRE_BACKENDS wants `{b}` but this CPU only has {available:?}"
            );
        }
    }
    let skipped: Vec<_> = Backend::ALL
        .iter()
        .filter(|b| !available.contains(b))
        .collect();
    eprintln!(
        "lanes tests: running backends {available:?}; not available here (not tested): {skipped:?}"
    );
    available
        .into_iter()
        .map(|b| Kernels::new(b).expect("available backend"))
        .collect()
}

/// Special values every kernel must handle.
pub const SPECIALS: [f32; 16] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::NAN,
    f32::MIN_POSITIVE,
    -f32::MIN_POSITIVE,
    1.0e-45,  // smallest subnormal
    -3.0e-39, // subnormal
    f32::MAX,
    f32::MIN,
    1.0e-30,
    88.8,
    -104.5,
];

/// One f32 from a mix: moderate values, any bit pattern, and special values.
pub fn any_value() -> impl Strategy<Value = f32> {
    prop_oneof![
        4 => -20.0f32..20.0,
        2 => any::<u32>().prop_map(f32::from_bits),
        1 => proptest::sample::select(SPECIALS.to_vec()),
    ]
}

/// Finite, moderate values (for sums with tight error bounds).
pub fn finite_value() -> impl Strategy<Value = f32> {
    prop_oneof![4 => -1000.0f32..1000.0, 1 => -1.0e-3f32..1.0e-3]
}

/// A vector of length 0..=300 drawn from `values`.
pub fn vec_of(values: impl Strategy<Value = f32>) -> impl Strategy<Value = Vec<f32>> {
    proptest::collection::vec(values, 0..=300)
}

/// Deterministic pseudo-random values for long or exhaustive-length tests (xorshift, no proptest shrinking).
pub fn pseudo_random(n: usize, seed: u64, lo: f32, hi: f32) -> Vec<f32> {
    let mut s = seed | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            lo + (hi - lo) * ((s >> 40) as f32 / (1u64 << 24) as f32)
        })
        .collect()
}

/// Lengths that hit every tail of every vector width and unroll factor, plus a few larger ones.
pub fn lengths() -> impl Iterator<Item = usize> {
    (0..=70).chain([127, 128, 129, 255, 256, 257, 1000, 4097])
}

/// Bitwise equality that treats every NaN as equal.
pub fn same(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}
