//! Where a benchmark's buffers sit in memory, chosen per process by `LANES_BENCH_LAYOUT_SEED`.
//!
//! The same binary can run a memory-bound kernel tens of percent slower in one process than in the next: the
//! buffers' offsets within a page decide 4K aliasing between loads and stores, cache-set conflicts and how
//! stores split across lines, and those offsets come from whatever the allocator did before. A paired
//! comparison (guard's base-vs-head rounds) sets one seed per round, the same for both sides, so a round's two
//! sides see the same layout and successive rounds see different ones: the layout's effect cancels within a
//! round and averages out across rounds instead of masquerading as a change.
//!
//! Without the variable every buffer starts at its allocation (offset 0), as before. With it, buffer `k`
//! starts `64 · h(seed, k) mod 4096` bytes into a slightly larger allocation: a whole number of cache lines, so
//! the alignment a kernel sees within a line stays the allocator's.
//!
//! Shared (by `#[path]`) with the calibration crate's bench, so both measure under the same rule.
#![allow(dead_code, unreachable_pub)]

use std::ops::{Deref, DerefMut};

/// The environment variable holding the layout seed (a decimal `u64`).
pub const LAYOUT_VAR: &str = "LANES_BENCH_LAYOUT_SEED";

/// Elements of padding in front of every buffer when a seed is set: one 4 KiB page of `f32`/`u32`.
const PAGE_ELEMS: usize = 1024;
/// Offsets are whole cache lines: 16 four-byte elements.
const LINE_ELEMS: usize = 16;

/// The seed in [`LAYOUT_VAR`], `None` when unset.
///
/// # Panics
/// When the variable is set but not a decimal `u64` (naming the variable and the value).
#[must_use]
pub fn seed_from_env() -> Option<u64> {
    let value = std::env::var(LAYOUT_VAR).ok()?;
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{LAYOUT_VAR}={value:?}: expected a decimal integer")),
    )
}

/// The offset in elements of buffer `slot` under `seed`: a multiple of [`LINE_ELEMS`] below [`PAGE_ELEMS`].
#[must_use]
pub fn offset(seed: Option<u64>, slot: u64) -> usize {
    let Some(seed) = seed else {
        return 0;
    };
    // SplitMix64's finaliser: neighbouring seeds and slots give unrelated offsets.
    let mut z = seed ^ slot.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % (PAGE_ELEMS / LINE_ELEMS) as u64) as usize * LINE_ELEMS
}

/// A buffer of `len` elements placed `offset` elements into its allocation; derefs to the slice.
#[derive(Clone, Debug, Default)]
pub struct Placed<T> {
    storage: Vec<T>,
    start: usize,
}

impl<T: Copy + Default> Placed<T> {
    /// `values` copied to `offset` elements into a new allocation (`offset` 0: no copy).
    #[must_use]
    pub fn new(values: Vec<T>, offset: usize) -> Placed<T> {
        if offset == 0 {
            return Placed {
                storage: values,
                start: 0,
            };
        }
        let mut storage = vec![T::default(); offset + values.len()];
        storage[offset..].copy_from_slice(&values);
        Placed {
            storage,
            start: offset,
        }
    }
}

impl<T> Deref for Placed<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.storage[self.start..]
    }
}

impl<T> DerefMut for Placed<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.storage[self.start..]
    }
}
