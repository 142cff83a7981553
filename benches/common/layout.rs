//! Where a benchmark's buffers sit in memory, chosen per process by `LANES_BENCH_LAYOUT_SEED`.
//!
//! The same binary can run a memory-bound kernel tens of percent slower in one process than in the next: the
//! buffers' offsets within a page decide 4K aliasing between loads and stores, cache-set conflicts and how
//! stores split across lines, and those offsets come from whatever the allocator did before. A paired
//! comparison (guard's base-vs-head rounds) sets one seed per round, the same for both sides, so a round's two
//! sides see the same layout and successive rounds see different ones: the layout's effect cancels within a
//! round and averages out across rounds instead of masquerading as a change.
//!
//! Without the variable every buffer is a plain vector, as before. With it, buffer `k` starts
//! `64 · h(seed, k) mod 4096` bytes into fresh page-aligned memory of its own ([`Placed`]): its place within a
//! page is exactly that, in every process, whatever the allocator did before.
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

/// A buffer placed `offset` elements into memory of its own; derefs to the slice.
///
/// With a seed the memory is a mapping (`mmap`) at a virtual address chosen by the seed and the slot
/// ([`fixed_address`]), unmapped on drop: the whole virtual layout is the same in every process. With
/// [`SHARED_VAR`] it maps a file that both processes of a paired comparison map, so they also use the same
/// physical pages (the kernel hands a process back the pages it just freed, so fresh anonymous memory kept each
/// process on its own pages: measured ±5 % between identical builds at 100,000 elements). An allocator would instead put the buffer wherever its state says (which
/// differs between two processes, e.g. with the length of their command lines) and, after the first free of a
/// large block, reuse the same memory for the rest of the process (glibc raises its mmap threshold): measured on
/// AMD Zen 4 as ±4 % at 100,000 elements and up to 3x at 1,000 between two identical builds, one process slow
/// for a whole round. Without a seed it is the plain vector, as before.
pub struct Placed<T> {
    storage: Storage<T>,
}

enum Storage<T> {
    Vec(Vec<T>),
    Mapped {
        base: *mut libc::c_void,
        map_len: usize,
        data: *mut T,
        len: usize,
    },
}

impl<T> Default for Placed<T> {
    fn default() -> Self {
        Placed {
            storage: Storage::Vec(Vec::new()),
        }
    }
}

impl<T: Copy> Placed<T> {
    /// Buffer `slot`'s `values` where `seed` puts it (no seed: the vector itself). With a seed the buffer is a
    /// fresh mapping at a virtual address that depends only on the seed and the slot — the same in every
    /// process — [`offset`] elements into its page. With [`SHARED_VAR`] set, the mapping is of the file
    /// `slot-<slot>` in that directory, shared: every process of a comparison then reads and writes the same
    /// physical memory.
    #[must_use]
    pub fn at(values: Vec<T>, seed: Option<u64>, slot: u64) -> Placed<T> {
        let Some(s) = seed else {
            return Placed::new(values, None);
        };
        let file = shared_dir().map(|dir| dir.join(format!("slot-{slot}")));
        Placed::mapped(
            values,
            offset(seed, slot),
            fixed_address(s, slot),
            file.as_deref(),
        )
    }

    /// `values` at `offset` elements into a fresh page-aligned anonymous mapping, at virtual address `address`
    /// when it is free (else, and for 0, where the kernel puts it); `None`, or no values: the vector itself.
    #[must_use]
    pub fn new(values: Vec<T>, place: Option<(usize, usize)>) -> Placed<T> {
        match place {
            Some((offset, address)) => Placed::mapped(values, offset, address, None),
            None => Placed {
                storage: Storage::Vec(values),
            },
        }
    }

    /// The mapping behind [`Placed::at`] and [`Placed::new`]: anonymous, or of `file` (created or resized).
    ///
    /// # Panics
    /// When the file cannot be opened or the mapping cannot be made (naming the file or the size).
    fn mapped(
        values: Vec<T>,
        offset: usize,
        address: usize,
        file: Option<&std::path::Path>,
    ) -> Placed<T> {
        if values.is_empty() {
            return Placed {
                storage: Storage::Vec(values),
            };
        }
        let map_len = (offset + values.len()) * std::mem::size_of::<T>();
        let file = file.map(|path| {
            let f = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // Only ever grown: the other process may still map the old length until its next `prepare`.
            let len = f.metadata().map_or(0, |m| m.len());
            if len < map_len as u64 {
                f.set_len(map_len as u64).unwrap_or_else(|e| {
                    panic!("{}: resize to {map_len} bytes: {e}", path.display())
                });
            }
            f
        });
        let (share, fd) = match &file {
            Some(f) => (libc::MAP_SHARED, std::os::fd::AsRawFd::as_raw_fd(f)),
            None => (libc::MAP_PRIVATE | libc::MAP_ANONYMOUS, -1),
        };
        let map = |hint: usize, flags: libc::c_int| {
            // SAFETY: a mapping of `map_len` > 0 bytes, anonymous or of a file at least that long (resized
            // above); with MAP_FIXED_NOREPLACE the kernel refuses (instead of replacing) any existing mapping in
            // the range, so nothing of ours is clobbered.
            unsafe {
                libc::mmap(
                    hint as *mut libc::c_void,
                    map_len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    share | flags,
                    fd,
                    0,
                )
            }
        };
        // Address 0: anywhere. An old kernel may treat MAP_FIXED_NOREPLACE as a hint and map elsewhere: the
        // mapping is still valid, so it is kept.
        let mut base = if address == 0 {
            libc::MAP_FAILED
        } else {
            map(address, libc::MAP_FIXED_NOREPLACE)
        };
        if base == libc::MAP_FAILED {
            base = map(0, 0);
        }
        assert!(base != libc::MAP_FAILED, "mmap of {map_len} bytes failed");
        // SAFETY: the mapping is page-aligned (so aligned for `T`) and holds `offset + len` values of `T`;
        // `data` points `offset` values in, so `len` values fit after it.
        let data = unsafe { base.cast::<T>().add(offset) };
        // SAFETY: `data` is valid for `len` writes (above) and does not overlap `values`' own memory.
        unsafe { std::ptr::copy_nonoverlapping(values.as_ptr(), data, values.len()) };
        Placed {
            storage: Storage::Mapped {
                base,
                map_len,
                data,
                len: values.len(),
            },
        }
    }
}

/// The variable naming a directory (ideally on tmpfs) whose files back the seeded buffers, shared between the
/// processes of a paired comparison (guard sets it for both sides).
pub const SHARED_VAR: &str = "LANES_BENCH_SHARED_DIR";

fn shared_dir() -> Option<std::path::PathBuf> {
    std::env::var_os(SHARED_VAR)
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
}

/// Start of the region where seeded buffers are mapped: far below where Linux puts other mappings on x86_64.
const REGION: usize = 0x2000_0000_0000;
/// Address space reserved per buffer slot (the largest buffer of any benchmark here is a few MB).
const SLOT_SPAN: usize = 1 << 28;

/// The virtual address of buffer `slot` under `seed`: its slot's region plus a seed-chosen number of pages
/// (0..1024), so that the buffers' relative positions above the page vary between rounds but not between
/// processes (address-hashed structures such as AMD's L1 way predictor see the same layout on both sides).
#[must_use]
pub fn fixed_address(seed: u64, slot: u64) -> usize {
    let pages = offset(Some(seed ^ 0x5EED), slot + 16) / LINE_ELEMS * 16 + (seed as usize % 16);
    REGION + slot as usize * SLOT_SPAN + pages * 4096
}

impl<T> Drop for Placed<T> {
    fn drop(&mut self) {
        if let Storage::Mapped { base, map_len, .. } = self.storage {
            // SAFETY: `base`/`map_len` are exactly the mapping made in `new`, unmapped once, here.
            unsafe { libc::munmap(base, map_len) };
        }
    }
}

impl<T> Deref for Placed<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match &self.storage {
            Storage::Vec(v) => v,
            // SAFETY: `data` points to `len` initialised values inside the live mapping (see `new`).
            Storage::Mapped { data, len, .. } => unsafe { std::slice::from_raw_parts(*data, *len) },
        }
    }
}

impl<T> DerefMut for Placed<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.storage {
            Storage::Vec(v) => v,
            // SAFETY: as in `deref`; `&mut self` makes this the only reference to the mapping.
            Storage::Mapped { data, len, .. } => unsafe {
                std::slice::from_raw_parts_mut(*data, *len)
            },
        }
    }
}
