//! The one deterministic input generator shared by every benchmark (Rust and Python).
//!
//! `benchmarks/lanes_bench/generator.py` reproduces it **bit for bit**; both sides check the committed
//! checksums in `benches/data/generator_checksums.json` (see `tests/generator_parity.rs` and the pytest suite).
//!
//! Algorithm (keep both implementations in sync with this text):
//! 1. SplitMix64: `state = seed`; for each element `state = state + 0x9E3779B97F4A7C15 (mod 2^64)`,
//!    `z = state; z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
//!    z = z ^ (z >> 31)` (wrapping multiplications).
//! 2. `u = (z >> 40) as f64 * 2^-24` — the top 24 bits, an exact f64 in `[0, 1)`.
//! 3. `v = lo + (hi - lo) * u`, both operations in f64 (IEEE, round to nearest, no fused multiply-add).
//! 4. The element is `v` rounded to f32 (round to nearest even). Values lie in `[lo, hi]`.
//!
//! Seeds: input number `k` (0 for `a`, 1 for `b`, 2 for `c`) of every op uses seed `BASE_SEED + k`; all ops use
//! the same range `[-10, 10)` (no op overflows or underflows there: `exp(10)` ≈ 2.2e4), except that `div`'s
//! divisor `b` is drawn from `[0.5, 10)` so that no quotient is huge. Scalar parameters: `scale` s = 1.5,
//! `clamp` lo = -5, hi = 5, `lerp` t = 0.3.
#![allow(dead_code, unreachable_pub)]

/// Base seed of every benchmark input.
pub const BASE_SEED: u64 = 0x5EED_1A4E5;
/// Default value range of benchmark inputs.
pub const RANGE: (f64, f64) = (-10.0, 10.0);
/// Range of `div`'s divisor.
pub const DIV_DIVISOR_RANGE: (f64, f64) = (0.5, 10.0);
/// `scale`'s factor.
pub const SCALE_S: f32 = 1.5;
/// `clamp`'s bounds.
pub const CLAMP_LO: f32 = -5.0;
/// `clamp`'s upper bound.
pub const CLAMP_HI: f32 = 5.0;
/// `lerp`'s weight.
pub const LERP_T: f32 = 0.3;

/// SplitMix64 stream → `n` f32 values in `[lo, hi]` (see the module docs for the exact algorithm).
#[must_use]
pub fn generate(seed: u64, n: usize, lo: f64, hi: f64) -> Vec<f32> {
    let mut state = seed;
    (0..n)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let u = (z >> 40) as f64 * (1.0 / 16_777_216.0);
            (lo + (hi - lo) * u) as f32
        })
        .collect()
}

/// Input `k` (0, 1, 2) of `op` at size `n`, as every benchmark of this project sees it.
#[must_use]
pub fn input(op: &str, k: u64, n: usize) -> Vec<f32> {
    let (lo, hi) = if op == "div" && k == 1 {
        DIV_DIVISOR_RANGE
    } else {
        RANGE
    };
    generate(BASE_SEED + k, n, lo, hi)
}

/// FNV-1a 64 over the little-endian bytes of `values` — the checksum both generators are checked against.
#[must_use]
pub fn fnv1a64(values: &[f32]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        for byte in v.to_bits().to_le_bytes() {
            h ^= u64::from(byte);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}
