//! Line-level root cause: the source lines whose self `Ir` changed most between two callgrind runs.
//!
//! Every cost position ([`crate::callgrind::Site`]) is filed under one source line. With the binary's DWARF
//! ([`super::symbols`]) that is the innermost frame of the instruction's inline chain that lies in the
//! workspace — the kernel line that called an intrinsic, not the intrinsic's line in `core` — or the
//! innermost frame when no frame is in the workspace (a loop in `core`, say). Without DWARF (a binary rebuilt
//! since, removed, or a file without instruction addresses) it is callgrind's own line: the innermost inlined
//! file. Old and new are always mapped the same way, so the lines compare. Each line is shown relative to the
//! workspace with its text from the checkout.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::symbols::{Frame, Symbolize};
use crate::callgrind::{names, Profile, Site};

/// How many lines are listed per benchmark.
pub const TOP_LINES: usize = 10;

/// Longest line text kept (characters).
const TEXT_MAX: usize = 100;

/// How positions were mapped to source lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineSource {
    /// The bench binaries' DWARF inline chains: the workspace line that inlined the code.
    Dwarf,
    /// Callgrind's own lines: the innermost inlined file (the binaries were not there or were rebuilt).
    Callgrind,
}

/// One source line's change in self `Ir`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDelta {
    /// Source file: relative to the workspace, else shortened to its crate (`???` when unknown).
    pub file: String,
    /// Line number (0: no line information).
    pub line: u32,
    /// The workspace line that inlined this one (`file:line`), when the line is inlined into another
    /// workspace line (a `Simd` method into a kernel): the same line has one entry per caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// The line's text from the checkout (trimmed), for lines in the workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Self cost in the old run.
    pub old: u64,
    /// Self cost in the new run.
    pub new: u64,
    /// `new − old`.
    pub delta: i64,
}

/// Where the checkout is: paths as the profiles name them (`root`) and where to read the files (`dir`).
#[derive(Debug, Clone)]
pub struct Checkout<'a> {
    /// The project root as written in the callgrind files (`project_root` of gungraun's summary).
    pub root: Option<&'a str>,
    /// The directory to read workspace files from (normally the same path).
    pub dir: Option<&'a Path>,
}

/// Where a shortened file name came from: its absolute path and whether it is in the workspace.
#[derive(Debug, Clone)]
struct Source {
    absolute: String,
    workspace: bool,
}

/// The file and line one site is filed under.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    file: String,
    line: u32,
    via: Option<String>,
}

fn in_workspace(path: &str, root: Option<&str>) -> bool {
    names::workspace_relative(path, root).is_some()
}

/// The line a site is filed under: the innermost workspace frame of its inline chain, else its innermost
/// frame, else callgrind's own position.
///
/// With frames, also the next workspace frame outwards (another line): the caller of a line that many places
/// inline — a `Simd` method such as `_mm256_add_ps`'s wrapper is shared by every kernel, and its caller is the
/// kernel line that changed. Its cost is split by that caller.
fn place(
    site: &Site,
    frames: Option<&[Frame]>,
    root: Option<&str>,
) -> (String, u32, Option<(String, u32)>) {
    let Some(frames) = frames else {
        return (site.file.clone(), site.line, None);
    };
    let inner = frames.iter().position(|f| in_workspace(&f.file, root));
    let frame = &frames[inner.unwrap_or(0)];
    let via = inner.and_then(|i| {
        frames[i + 1..]
            .iter()
            .find(|f| in_workspace(&f.file, root) && (&f.file, f.line) != (&frame.file, frame.line))
            .map(|f| (f.file.clone(), f.line))
    });
    (frame.file.clone(), frame.line, via)
}

/// Cost per line of one profile; `paths` collects one absolute path per shortened file (for the text).
fn per_line(
    profile: &Profile,
    symbols: Option<&dyn Symbolize>,
    root: Option<&str>,
    paths: &mut BTreeMap<String, Source>,
) -> BTreeMap<Key, u64> {
    let mut out = BTreeMap::new();
    for site in &profile.sites {
        let frames = symbols.and_then(|s| s.frames(&site.object, site.addr?));
        let (file, line, via) = place(site, frames.as_deref(), root);
        let via = via.map(|(f, l)| format!("{}:{l}", names::shorten_path(&f, root)));
        let short = names::shorten_path(&file, root);
        let workspace = in_workspace(&file, root);
        paths.entry(short.clone()).or_insert(Source {
            absolute: file,
            workspace,
        });
        *out.entry(Key {
            file: short,
            line,
            via,
        })
        .or_default() += site.cost;
    }
    out
}

/// The object that holds most of a profile's cost (the bench executable).
fn main_object(profile: &Profile) -> Option<&str> {
    let mut cost: BTreeMap<&str, u64> = BTreeMap::new();
    for s in &profile.sites {
        *cost.entry(s.object.as_str()).or_default() += s.cost;
    }
    cost.into_iter().max_by_key(|&(_, c)| c).map(|(o, _)| o)
}

/// Whether `symbols` know the instructions of the profile's main object.
fn resolves(profile: &Profile, symbols: &dyn Symbolize) -> bool {
    let Some(object) = main_object(profile) else {
        return false;
    };
    profile
        .sites
        .iter()
        .filter(|s| s.object == object)
        .find_map(|s| s.addr)
        .is_some_and(|addr| symbols.frames(object, addr).is_some())
}

/// The text of `line` in workspace file `file`: from the checkout (else the recorded absolute path) for a
/// line of the new run; for a line only the old run has, from the old run's own file (the base worktree),
/// since the checkout's line of that number may be another line.
fn workspace(p: Option<&Source>) -> Option<&String> {
    p.filter(|s| s.workspace).map(|s| &s.absolute)
}

fn text_of(
    file: &str,
    paths: (Option<&Source>, Option<&Source>),
    line: u32,
    new_side: bool,
    checkout: &Checkout<'_>,
) -> Option<String> {
    if line == 0 {
        return None;
    }
    let candidates: Vec<PathBuf> = if new_side {
        let abs = workspace(paths.1)?;
        checkout
            .dir
            .map(|d| d.join(file))
            .into_iter()
            .chain([PathBuf::from(abs)])
            .collect()
    } else {
        vec![PathBuf::from(workspace(paths.0)?)]
    };
    let text = candidates
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())?;
    let l = text.lines().nth(line as usize - 1)?.trim();
    Some(clip(l, TEXT_MAX))
}

/// `text` cut to at most `max` characters, with `…` when something was cut.
#[must_use]
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() > max {
        format!("{}…", text.chars().take(max).collect::<String>())
    } else {
        text.to_string()
    }
}

/// The `top` lines with the largest absolute change in self cost, largest first (ties by file and line),
/// and how positions were mapped: through the symbols when both sides resolve, else callgrind's lines.
#[must_use]
pub fn diff(
    old: (&Profile, &dyn Symbolize),
    new: (&Profile, &dyn Symbolize),
    checkout: &Checkout<'_>,
    top: usize,
) -> (Vec<LineDelta>, LineSource) {
    let dwarf = resolves(old.0, old.1) && resolves(new.0, new.1);
    let source = if dwarf {
        LineSource::Dwarf
    } else {
        LineSource::Callgrind
    };
    let mut old_paths = BTreeMap::new();
    let before = per_line(old.0, dwarf.then_some(old.1), checkout.root, &mut old_paths);
    let mut new_paths = BTreeMap::new();
    let after = per_line(new.0, dwarf.then_some(new.1), checkout.root, &mut new_paths);
    let mut merged: BTreeMap<Key, (u64, u64)> = BTreeMap::new();
    for (k, c) in before {
        merged.entry(k).or_default().0 += c;
    }
    for (k, c) in after {
        merged.entry(k).or_default().1 += c;
    }
    let mut out: Vec<(Key, u64, u64)> = merged
        .into_iter()
        .filter(|(_, (o, n))| o != n)
        .map(|(k, (o, n))| (k, o, n))
        .collect();
    out.sort_by(|a, b| {
        let d = |x: &(Key, u64, u64)| x.2.abs_diff(x.1);
        d(b).cmp(&d(a)).then_with(|| a.0.cmp(&b.0))
    });
    out.truncate(top);
    let lines = out
        .into_iter()
        .map(|(k, old, new)| LineDelta {
            text: text_of(
                &k.file,
                (old_paths.get(&k.file), new_paths.get(&k.file)),
                k.line,
                new > 0,
                checkout,
            ),
            file: k.file,
            line: k.line,
            via: k.via,
            old,
            new,
            delta: i64::try_from(new).unwrap_or(i64::MAX) - i64::try_from(old).unwrap_or(i64::MAX),
        })
        .collect();
    (lines, source)
}

/// The file that defines each function, from the outermost frame of its instructions (the function's own
/// body; callgrind's `fl=` is the file of its first instruction, often inlined code from `core`). Only
/// functions whose instructions resolve are listed; shortened like every other path.
#[must_use]
pub fn defining_files(
    profile: &Profile,
    symbols: &dyn Symbolize,
    root: Option<&str>,
) -> BTreeMap<String, String> {
    let mut votes: BTreeMap<(String, String), u64> = BTreeMap::new();
    for site in &profile.sites {
        let Some(frames) = site.addr.and_then(|a| symbols.frames(&site.object, a)) else {
            continue;
        };
        let Some(outer) = frames.last() else { continue };
        *votes
            .entry((
                names::demangle(&site.function),
                names::shorten_path(&outer.file, root),
            ))
            .or_default() += site.cost;
    }
    let mut best: BTreeMap<String, (String, u64)> = BTreeMap::new();
    for ((function, file), cost) in votes {
        let slot = best.entry(function).or_insert((file.clone(), 0));
        if cost > slot.1 {
            *slot = (file, cost);
        }
    }
    best.into_iter().map(|(f, (file, _))| (f, file)).collect()
}
