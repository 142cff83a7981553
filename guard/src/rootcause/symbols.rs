//! Source frames of an instruction: the DWARF inline chain of an address in the bench binary.
//!
//! Callgrind files the cost of inlined code under the innermost inlined source line (`fi=`): in lanes, where
//! every kernel is inlined into one `#[target_feature]` entry point, a slowed `exp` shows up as
//! `core/src/hint.rs:491` or `stdarch/…/fma.rs:77`, not as the kernel line that called them. With
//! `--dump-instr=yes` callgrind also writes each instruction's address (relative to its object's load
//! address, so it is the ELF's own virtual address), and the binary's DWARF knows the whole inline chain of
//! that address: the intrinsic, the `Simd` method that wraps it, the kernel line that called it, the entry
//! point. [`Dwarf`] reads those chains with gimli's `addr2line`.
//!
//! A binary rebuilt after the callgrind run no longer matches its addresses; [`Dwarf`] refuses objects
//! modified after the profile was written, and the caller falls back to callgrind's own lines.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::time::SystemTime;

/// One frame of an inline chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The source file (absolute, as the compiler recorded it).
    pub file: String,
    /// The source line (0: unknown).
    pub line: u32,
}

/// Maps an instruction of an object file to its source frames.
pub trait Symbolize {
    /// The inline chain of `addr` in `object`, innermost frame first; `None` when the object or the address
    /// is unknown.
    fn frames(&self, object: &str, addr: u64) -> Option<Vec<Frame>>;
}

/// [`Symbolize`] from the objects' DWARF, each object loaded once.
pub struct Dwarf {
    /// Objects modified after this time are not the ones that ran.
    written: Option<SystemTime>,
    loaders: RefCell<HashMap<String, Option<addr2line::Loader>>>,
}

impl Dwarf {
    /// Symbols for a profile written at `written` (the callgrind file's modification time).
    #[must_use]
    pub fn new(written: Option<SystemTime>) -> Self {
        Self {
            written,
            loaders: RefCell::new(HashMap::new()),
        }
    }

    fn load(&self, object: &str) -> Option<addr2line::Loader> {
        let path = Path::new(object);
        let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
        if self.written.is_some_and(|w| modified > w) {
            return None;
        }
        addr2line::Loader::new(path).ok()
    }
}

impl Symbolize for Dwarf {
    fn frames(&self, object: &str, addr: u64) -> Option<Vec<Frame>> {
        let mut loaders = self.loaders.borrow_mut();
        let loader = loaders
            .entry(object.to_string())
            .or_insert_with(|| self.load(object))
            .as_ref()?;
        let mut iter = loader.find_frames(addr).ok()?;
        let mut frames = Vec::new();
        while let Ok(Some(frame)) = iter.next() {
            let Some(location) = frame.location else {
                continue;
            };
            let Some(file) = location.file else { continue };
            frames.push(Frame {
                file: file.to_string(),
                line: location.line.unwrap_or(0),
            });
        }
        (!frames.is_empty()).then_some(frames)
    }
}

/// No symbols: every position keeps callgrind's own (innermost) line.
pub struct NoSymbols;

impl Symbolize for NoSymbols {
    fn frames(&self, _: &str, _: u64) -> Option<Vec<Frame>> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[inline(never)]
    fn marker(x: u64) -> u64 {
        std::hint::black_box(x).wrapping_mul(3)
    }

    /// The load address of this test executable: where its first mapping (file offset 0) starts.
    fn load_base(exe: &Path) -> Option<u64> {
        let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
        let exe = std::fs::canonicalize(exe).ok()?;
        maps.lines().find_map(|l| {
            let mut f = l.split_whitespace();
            let range = f.next()?;
            let offset = f.nth(1)?;
            let path = f.nth(2)?;
            (Path::new(path) == exe && u64::from_str_radix(offset, 16).ok()? == 0)
                .then(|| u64::from_str_radix(range.split('-').next()?, 16).ok())
                .flatten()
        })
    }

    #[test]
    fn resolves_a_function_of_this_executable_to_this_file() {
        let exe = std::env::current_exe().unwrap();
        let base = load_base(&exe).expect("the test executable is mapped");
        assert_eq!(marker(2), 6);
        let addr = marker as fn(u64) -> u64 as usize as u64 - base;
        let frames = Dwarf::new(None)
            .frames(exe.to_str().unwrap(), addr)
            .expect("the test profile has line tables");
        let outer = frames.last().unwrap();
        assert!(outer.file.ends_with("rootcause/symbols.rs"), "{frames:?}");
        let line = line!();
        // `marker` is defined a few dozen lines above this test.
        assert!(outer.line > 0 && outer.line < line, "{frames:?}");
    }

    #[test]
    fn refuses_a_binary_newer_than_the_profile_and_unknown_objects() {
        let exe = std::env::current_exe().unwrap();
        let before = SystemTime::UNIX_EPOCH;
        assert!(Dwarf::new(Some(before))
            .frames(exe.to_str().unwrap(), 0x1000)
            .is_none());
        assert!(Dwarf::new(None)
            .frames("/nonexistent/bin", 0x1000)
            .is_none());
        assert!(NoSymbols.frames("x", 1).is_none());
    }
}
