//! Root cause down to source lines, on real callgrind output (`--dump-instr=yes`) and the real DWARF inline
//! chains of the binaries that produced it (recorded with tests/fixtures/frames.sh; see the fixtures' README):
//! this repository's `exp/avx2/100` with `exp` slowed on purpose, and a third-party crate's `sum_f32`.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::FIXTURES;
use guard::callgrind::{self, Profile};
use guard::rootcause::lines::Checkout;
use guard::rootcause::symbols::{Frame, NoSymbols, Symbolize};
use guard::rootcause::{self, LineSource, RootCause};

/// Inline chains as binutils' `addr2line -i -a` printed them for one object.
struct Recorded {
    object: String,
    frames: HashMap<u64, Vec<Frame>>,
}

impl Recorded {
    fn load(dir: &Path, name: &str, object: &str) -> Self {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let mut frames: HashMap<u64, Vec<Frame>> = HashMap::new();
        let mut addr = None;
        for line in text.lines() {
            if let Some(hex) = line.strip_prefix("0x") {
                addr = Some(u64::from_str_radix(hex, 16).unwrap());
                continue;
            }
            let (file, number) = line.rsplit_once(':').unwrap();
            frames.entry(addr.unwrap()).or_default().push(Frame {
                file: file.to_string(),
                line: number.parse().unwrap_or(0),
            });
        }
        Self {
            object: object.to_string(),
            frames,
        }
    }
}

impl Symbolize for Recorded {
    fn frames(&self, object: &str, addr: u64) -> Option<Vec<Frame>> {
        (object == self.object)
            .then(|| self.frames.get(&addr).cloned())
            .flatten()
    }
}

fn profile(dir: &Path, name: &str) -> Profile {
    let path = dir.join(name);
    callgrind::parse(&std::fs::read_to_string(&path).unwrap(), "Ir", &path).unwrap()
}

struct Case {
    dir: PathBuf,
    old: Profile,
    new: Profile,
    old_frames: Recorded,
    new_frames: Recorded,
}

impl Case {
    fn load(sub: &str, out: &str, object: &str) -> Self {
        let dir = Path::new(FIXTURES).join("gungraun-lines").join(sub);
        Self {
            old: profile(&dir, &format!("{out}.old")),
            new: profile(&dir, out),
            old_frames: Recorded::load(&dir, "frames.normal.txt", object),
            new_frames: Recorded::load(&dir, "frames.slow.txt", object),
            dir,
        }
    }

    fn compare(&self, id: &str, symbols: bool) -> RootCause {
        let project = self.dir.join("project");
        let checkout = Checkout {
            root: Some("/project"),
            dir: Some(&project),
        };
        if symbols {
            rootcause::compare(
                id,
                (&self.old, &self.old_frames),
                (&self.new, &self.new_frames),
                &checkout,
            )
        } else {
            rootcause::compare(
                id,
                (&self.old, &NoSymbols),
                (&self.new, &NoSymbols),
                &checkout,
            )
        }
    }
}

const LANES_BIN: &str = "/project/target/release/deps/instructions-c75b79d9060244ee";

#[test]
fn a_slowed_lanes_kernel_names_the_kernel_line() {
    let case = Case::load("lanes", "callgrind.avx2.n100.out", LANES_BIN);
    let rc = case.compare("exp/avx2/100", true);
    assert_eq!(rc.line_source, Some(LineSource::Dwarf));
    let top = &rc.lines[0];
    assert_eq!(
        (top.file.as_str(), top.line, top.text.as_deref()),
        (
            "src/kernels/math.rs",
            114,
            Some("p = core::hint::black_box(p);")
        ),
        "{:#?}",
        rc.lines
    );
    let total = i64::try_from(rc.new_total).unwrap() - i64::try_from(rc.old_total).unwrap();
    assert_eq!(top.old, 0, "{top:?}");
    assert!(top.delta * 10 >= total * 9, "{top:?} of {total}");
    // Every listed line is in the workspace: intrinsics and `black_box` are filed under the lines that
    // inlined them.
    for l in &rc.lines {
        assert!(l.file.starts_with("src/"), "{l:?}");
    }
    // The entry point all kernels are inlined into is written by the `entry_point!` macro of src/simd/mod.rs
    // (callgrind's `fl=` is the first inlined file; the DWARF of the body names the macro).
    let entry = rc
        .functions
        .iter()
        .find(|f| f.function == "lanes::dispatch::entry::avx2")
        .unwrap_or_else(|| panic!("{:#?}", rc.functions));
    assert_eq!(entry.file, "src/simd/mod.rs", "{entry:?}");
}

#[test]
fn without_the_binaries_the_lines_are_callgrinds_own() {
    let case = Case::load("lanes", "callgrind.avx2.n100.out", LANES_BIN);
    let rc = case.compare("exp/avx2/100", false);
    assert_eq!(rc.line_source, Some(LineSource::Callgrind));
    let top = &rc.lines[0];
    assert_eq!(
        (top.file.as_str(), top.line),
        ("core/src/hint.rs", 491),
        "{rc:#?}"
    );
    assert_eq!(top.text, None, "no text outside the workspace");
    assert!(
        rc.lines.iter().any(|l| l.file == "src/kernels/math.rs"),
        "{:#?}",
        rc.lines
    );
}

#[test]
fn symbols_of_only_one_side_are_not_mixed_with_the_other() {
    let case = Case::load("lanes", "callgrind.avx2.n100.out", LANES_BIN);
    let project = case.dir.join("project");
    let checkout = Checkout {
        root: Some("/project"),
        dir: Some(&project),
    };
    let rc = rootcause::compare(
        "exp/avx2/100",
        (&case.old, &NoSymbols),
        (&case.new, &case.new_frames),
        &checkout,
    );
    assert_eq!(rc.line_source, Some(LineSource::Callgrind));
}

const DEMO_BIN: &str = "/project/target/release/deps/sum-7db191646194eed0";

#[test]
fn a_third_party_function_is_filed_under_the_file_that_defines_it() {
    let case = Case::load("demo", "callgrind.bench_sum.n1000.out", DEMO_BIN);
    // Callgrind files `demo::sum_f32` under its first instruction's inlined file.
    assert!(case
        .new
        .functions
        .keys()
        .any(|k| k.name == "demo::sum_f32" && k.file.ends_with("core/src/ptr/non_null.rs")));
    let rc = case.compare("sum/bench_sum/1000", true);
    let sum = rc
        .functions
        .iter()
        .find(|f| f.function == "demo::sum_f32")
        .unwrap_or_else(|| panic!("{:#?}", rc.functions));
    assert_eq!(sum.file, "src/lib.rs", "{sum:?}");
    assert!(sum.delta > 0, "{sum:?}");
    assert_eq!(rc.line_source, Some(LineSource::Dwarf));
    // The two lines behind it: the new `black_box` (2 instructions per element) and the loop, which lost its
    // unrolling (the slice iterator's code is filed under the `for` line that inlined it).
    let top: Vec<(&str, u32, Option<&str>, u64)> = rc.lines[..2]
        .iter()
        .map(|l| (l.file.as_str(), l.line, l.text.as_deref(), l.old))
        .collect();
    assert_eq!(
        top,
        [
            ("src/lib.rs", 7, Some("for x in xs {"), 388),
            (
                "src/lib.rs",
                9,
                Some("acc = core::hint::black_box(acc);"),
                0
            )
        ],
        "{:#?}",
        rc.lines
    );
    // Without the binaries, the function keeps callgrind's file and the top line is `black_box`'s own.
    let plain = case.compare("sum/bench_sum/1000", false);
    let sum = plain
        .functions
        .iter()
        .find(|f| f.function == "demo::sum_f32")
        .unwrap();
    assert_eq!(sum.file, "core/src/ptr/non_null.rs");
    assert_eq!(
        plain.lines[0].file, "core/src/hint.rs",
        "{:#?}",
        plain.lines
    );
}

#[test]
fn renders_the_lines_in_text_and_markdown() {
    let case = Case::load("lanes", "callgrind.avx2.n100.out", LANES_BIN);
    let mut report = guard::report::Report::new("pr", Vec::new(), Vec::new(), None, Vec::new());
    report.root_causes = vec![case.compare("exp/avx2/100", true)];
    insta::assert_snapshot!("lanes_exp_text", guard::report::rootcause::text(&report));
    insta::assert_snapshot!(
        "lanes_exp_markdown",
        guard::report::rootcause::markdown(&report, 100_000)
    );
}
