//! The benchmarks' buffer placement (`benches/common/layout.rs`, `LANES_BENCH_LAYOUT_SEED`): offsets are whole
//! cache lines within one page, differ between seeds and between buffers, and never change the values. The
//! instruction suite's buffers (`Aligned`) sit at one fixed offset from a 64-byte boundary, whatever the allocator
//! returned.

// Only the placement parts are used here (the op table's macro is not).
#[allow(unused_macros, unused_imports)]
#[path = "../benches/common/mod.rs"]
mod common;

use std::collections::BTreeSet;

use common::layout::{fixed_address, offset, Placed};
use common::ops::{Aligned, AlignedBufs};

#[test]
fn no_seed_means_no_offset() {
    for slot in 0..4 {
        assert_eq!(offset(None, slot), 0);
    }
}

#[test]
fn offsets_are_cache_lines_within_a_page_and_vary_with_the_seed() {
    let offsets: Vec<usize> = (0..256).map(|seed| offset(Some(seed), 0)).collect();
    assert!(
        offsets.iter().all(|&o| o % 16 == 0 && o < 1024),
        "{offsets:?}"
    );
    let distinct: BTreeSet<_> = offsets.iter().collect();
    // 64 possible offsets; 256 seeds should reach nearly all of them.
    assert!(
        distinct.len() >= 56,
        "only {} distinct offsets",
        distinct.len()
    );
}

#[test]
fn buffers_of_one_seed_get_different_offsets() {
    let differing = (0..64)
        .filter(|&seed| offset(Some(seed), 0) != offset(Some(seed), 3))
        .count();
    assert!(differing > 56, "{differing} of 64 seeds");
}

#[test]
fn placed_buffers_keep_their_values_and_offset() {
    let values: Vec<f32> = (0..100).map(|i| i as f32 * 0.5).collect();
    for off in [None, Some((0, 0)), Some((16, 0)), Some((1008, 0))] {
        let mut p = Placed::new(values.clone(), off);
        assert_eq!(&*p, values.as_slice());
        p[99] = -1.0;
        assert_eq!(p.len(), 100);
        assert_eq!(p[99], -1.0);
    }
    let a = Placed::new(vec![0.0f32; 8], None);
    let b = Placed::new(vec![0.0f32; 8], Some((48, 0)));
    assert_eq!(a.len(), b.len());
    assert!(Placed::<f32>::default().is_empty());
    assert!(Placed::new(Vec::<f32>::new(), Some((16, 0))).is_empty());
}

#[test]
fn a_seed_fixes_the_place_within_the_page() {
    for seed in [1, 2, 99] {
        for slot in 0..4 {
            let p = Placed::at(vec![1.0f32; 3000], Some(seed), slot);
            let in_page = p.as_ptr() as usize % 4096;
            assert_eq!(
                in_page,
                offset(Some(seed), slot) * 4,
                "seed {seed} slot {slot}"
            );
            assert_eq!(p.len(), 3000);
            // The virtual address is the seed's (the test process has nothing else mapped there).
            assert_eq!(p.as_ptr() as usize - in_page, fixed_address(seed, slot));
            drop(p);
            // Freed: the same place can be mapped again (the next round of the same benchmark).
            let again = Placed::at(vec![1.0f32; 3000], Some(seed), slot);
            assert_eq!(again.as_ptr() as usize - in_page, fixed_address(seed, slot));
        }
    }
    // No seed: the vector as the allocator placed it.
    let v = vec![2.0f32; 10];
    let ptr = v.as_ptr();
    assert_eq!(Placed::at(v, None, 0).as_ptr(), ptr);
}

#[test]
fn aligned_buffers_sit_at_the_fixed_offset_with_their_values() {
    // Allocations of many sizes, interleaved with odd-sized ones that move the allocator's next address.
    let mut keep = Vec::new();
    for len in (0..=70).chain([1000, 4099, 100_000]) {
        keep.push(vec![0u8; 1 + len % 7]);
        let values: Vec<f32> = (0..len).map(|i| i as f32 * 0.5 - 3.0).collect();
        let mut a = Aligned::new(&values);
        assert_eq!(&a[..], &values[..], "len {len}");
        if len > 0 {
            assert_eq!(a.as_ptr() as usize % 64, Aligned::OFFSET, "len {len}");
        }
        a[..].fill(1.0);
        assert!(a.iter().all(|&v| v == 1.0));
    }
}

#[test]
fn aligned_bufs_hold_the_generated_inputs() {
    let plain = common::ops::Bufs::new("lerp", 2, 1000);
    let aligned = AlignedBufs::aligned("lerp", 2, 1000);
    assert_eq!(&aligned.a[..], &plain.a[..]);
    assert_eq!(&aligned.b[..], &plain.b[..]);
    assert!(aligned.c.is_empty());
    assert_eq!(aligned.out.len(), 1000);
    for buf in [&aligned.a, &aligned.b, &aligned.out] {
        assert_eq!(buf.as_ptr() as usize % 64, Aligned::OFFSET);
    }
}
