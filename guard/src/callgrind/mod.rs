//! Callgrind's output format (`callgrind.out`, as gungraun writes it next to each `summary.json`): the
//! **self cost** of every function, for one event (normally `Ir`).
//!
//! The format (valgrind's "Callgrind Format Specification"): header lines (`events:`, `positions:`,
//! `summary:`/`totals:`), then position specifications (`ob=`, `fl=`, `fi=`, `fe=`, `fn=`, and for calls
//! `cob=`, `cfi=`/`cfl=`, `cfn=`) with name compression (`(id) name` defines an id, `(id)` reuses it; files,
//! functions and objects each have their own id space), cost lines (positions, then one number per event;
//! missing trailing events are 0), and call specifications: a `calls=` line whose **next** cost line is the
//! inclusive cost of that call, which belongs to the callee and must not be added to the caller's self cost.
//! `jump=`/`jcnd=` lines carry no cost. `fi=`/`fe=` switch the source file of inlined code but not the
//! function, so their cost stays with the current `fn=`.

pub mod names;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::error::{Error, Result};

const HINT: &str =
    "the callgrind output is corrupt or not from callgrind; rerun the instruction bench";

/// One function's self cost.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FunctionKey {
    /// The function's name as callgrind wrote it (demangled by valgrind, or still mangled).
    pub name: String,
    /// The source file of the function (`fl=`), `???` when unknown.
    pub file: String,
}

/// The self cost of one position: an instruction (with `positions: instr line`) or a source line of one
/// function, as callgrind attributes it — to the innermost inlined file (`fi=`/`fe=`), not to the code that
/// inlined it. [`crate::rootcause`] maps addresses back to the workspace's lines with the binary's DWARF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The object file (`ob=`) holding the code, `???` when unknown.
    pub object: String,
    /// The function (`fn=`) the cost belongs to, as callgrind wrote it.
    pub function: String,
    /// The source file of the position (`fl=`, or the inlined file of `fi=`/`fe=`).
    pub file: String,
    /// The source line (0: callgrind knew none).
    pub line: u32,
    /// The instruction address relative to the object's load address, when the file has `instr` positions.
    pub addr: Option<u64>,
    /// Self cost of the event at this position.
    pub cost: u64,
}

/// Self cost per function of one callgrind output file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// The event counted (e.g. `Ir`).
    pub event: String,
    /// Function → self cost of `event`.
    pub functions: BTreeMap<FunctionKey, u64>,
    /// The file's own total (`summary:` / `totals:`), when it has one.
    pub total: Option<u64>,
    /// Self cost per position, in file order (positions with a zero cost left out).
    pub sites: Vec<Site>,
}

impl Profile {
    /// The sum of all self costs (equals [`Profile::total`] for a consistent file).
    #[must_use]
    pub fn self_sum(&self) -> u64 {
        self.functions.values().sum()
    }
}

/// Which name space a compressed `(id)` belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Space {
    Object,
    File,
    Function,
}

struct Names(HashMap<(Space, u64), String>);

/// What one subposition of a cost line is (the `positions:` header).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sub {
    Instr,
    Line,
    Other,
}

/// The subpositions of the cost lines and their last values (for `+n`, `-n` and `*` compression).
struct Positions {
    kinds: Vec<Sub>,
    last: Vec<u64>,
}

impl Positions {
    fn new(header: &str) -> Self {
        let kinds: Vec<Sub> = header
            .split_whitespace()
            .map(|k| match k {
                "instr" => Sub::Instr,
                "line" => Sub::Line,
                _ => Sub::Other,
            })
            .collect();
        let kinds = if kinds.is_empty() {
            vec![Sub::Line]
        } else {
            kinds
        };
        Self {
            last: vec![0; kinds.len()],
            kinds,
        }
    }

    /// Reads the leading subpositions of a cost line (updating the compression state); returns the
    /// instruction address and line, and how many fields they took.
    fn read<'a>(
        &mut self,
        fields: &mut impl Iterator<Item = &'a str>,
        path: &Path,
        n: usize,
    ) -> Result<(Option<u64>, u32)> {
        let (mut addr, mut line) = (None, 0u32);
        for (k, kind) in self.kinds.iter().enumerate() {
            let Some(f) = fields.next() else { break };
            let value = subposition(f, self.last[k])
                .ok_or_else(|| bad(path, n, format!("position {f:?} is not a number")))?;
            self.last[k] = value;
            match kind {
                Sub::Instr => addr = Some(value),
                Sub::Line => line = u32::try_from(value).unwrap_or(u32::MAX),
                Sub::Other => {}
            }
        }
        Ok((addr, line))
    }
}

/// One subposition: absolute (decimal or `0x` hex), relative to the previous value (`+n`, `-n`) or the
/// same (`*`).
fn subposition(f: &str, last: u64) -> Option<u64> {
    let number = |v: &str| {
        v.strip_prefix("0x")
            .map_or_else(|| v.parse().ok(), |h| u64::from_str_radix(h, 16).ok())
    };
    if f == "*" {
        Some(last)
    } else if let Some(v) = f.strip_prefix('+') {
        last.checked_add(number(v)?)
    } else if let Some(v) = f.strip_prefix('-') {
        last.checked_sub(number(v)?)
    } else {
        number(f)
    }
}

impl Names {
    /// Resolves `(id) name`, `(id)` or a plain name.
    fn resolve(&mut self, space: Space, value: &str, path: &Path, line: usize) -> Result<String> {
        let value = value.trim();
        let Some(rest) = value.strip_prefix('(') else {
            return Ok(value.to_string());
        };
        // `(<number>)` is a compressed id; anything else in parentheses is a name (`(below main)`).
        let Some((id, name)) = rest
            .split_once(')')
            .and_then(|(id, name)| Some((id.trim().parse::<u64>().ok()?, name)))
        else {
            return Ok(value.to_string());
        };
        let name = name.trim();
        if name.is_empty() {
            self.0.get(&(space, id)).cloned().ok_or_else(|| {
                bad(
                    path,
                    line,
                    format!("name id ({id}) used before it is defined"),
                )
            })
        } else {
            self.0.insert((space, id), name.to_string());
            Ok(name.to_string())
        }
    }
}

fn bad(path: &Path, line: usize, problem: String) -> Error {
    Error::invalid(path, format!("line {line}"), problem, HINT)
}

/// Parses a callgrind output file and sums the self cost of `event` per function.
///
/// # Errors
/// [`Error::Invalid`] naming the file and line: no `events:` header, `event` not among them, a cost that
/// is not a number, or a compressed name used before its definition.
pub fn parse(text: &str, event: &str, path: &Path) -> Result<Profile> {
    let mut names = Names(HashMap::new());
    let mut positions = Positions::new("line");
    let mut event_index: Option<usize> = None;
    let mut total = None;
    let mut object = String::from("???");
    let mut file = String::from("???");
    // The file of the current position: `fl=`, or an inlined file after `fi=`/`fe=`.
    let mut inlined = file.clone();
    let mut current: Option<FunctionKey> = None;
    let mut functions: BTreeMap<FunctionKey, u64> = BTreeMap::new();
    let mut sites: Vec<Site> = Vec::new();
    let mut skip_next_cost = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(v) = line.strip_prefix("positions:") {
            positions = Positions::new(v);
        } else if let Some(v) = line.strip_prefix("events:") {
            event_index = v.split_whitespace().position(|e| e == event);
            if event_index.is_none() {
                return Err(bad(
                    path,
                    n,
                    format!("event {event:?} is not among `events:{v}`"),
                ));
            }
        } else if let Some(v) = line
            .strip_prefix("summary:")
            .or_else(|| line.strip_prefix("totals:"))
        {
            if let Some(k) = event_index {
                total = Some(cost_at(v.split_whitespace(), k, path, n)?);
            }
        } else if let Some(v) = line.strip_prefix("fl=") {
            file = names.resolve(Space::File, v, path, n)?;
            inlined.clone_from(&file);
        } else if let Some(v) = line
            .strip_prefix("fi=")
            .or_else(|| line.strip_prefix("fe="))
        {
            // Inlined code: the cost stays with the current function, its position is in this file.
            inlined = names.resolve(Space::File, v, path, n)?;
        } else if let Some(v) = line
            .strip_prefix("cfi=")
            .or_else(|| line.strip_prefix("cfl="))
        {
            // The callee's file: only defines ids.
            names.resolve(Space::File, v, path, n)?;
        } else if let Some(v) = line.strip_prefix("fn=") {
            let name = names.resolve(Space::Function, v, path, n)?;
            inlined.clone_from(&file);
            current = Some(FunctionKey {
                name,
                file: file.clone(),
            });
        } else if let Some(v) = line.strip_prefix("cfn=") {
            names.resolve(Space::Function, v, path, n)?;
        } else if let Some(v) = line.strip_prefix("ob=") {
            object = names.resolve(Space::Object, v, path, n)?;
        } else if let Some(v) = line.strip_prefix("cob=") {
            names.resolve(Space::Object, v, path, n)?;
        } else if line.starts_with("calls=") {
            skip_next_cost = true;
        } else if line.starts_with("jump=") || line.starts_with("jcnd=") {
        } else if is_cost_line(line) {
            let mut fields = line.split_whitespace();
            // The line after `calls=` is the call's inclusive cost: its position still counts for the
            // compression of the next positions, its cost is the callee's.
            let (addr, source_line) = positions.read(&mut fields, path, n)?;
            if std::mem::take(&mut skip_next_cost) {
                continue;
            }
            let Some(k) = event_index else {
                return Err(bad(path, n, "cost line before the `events:` header".into()));
            };
            let cost = cost_at(fields, k, path, n)?;
            if cost > 0 {
                let key = current.clone().unwrap_or_else(|| FunctionKey {
                    name: "???".into(),
                    file: file.clone(),
                });
                sites.push(Site {
                    object: object.clone(),
                    function: key.name.clone(),
                    file: inlined.clone(),
                    line: source_line,
                    addr,
                    cost,
                });
                *functions.entry(key).or_default() += cost;
            }
        }
        // Other header lines (version:, creator:, cmd:, desc:, part:, …) carry nothing we need.
    }
    if event_index.is_none() {
        return Err(Error::invalid(path, "events", "no `events:` header", HINT));
    }
    Ok(Profile {
        event: event.to_string(),
        functions,
        total,
        sites,
    })
}

/// A cost line starts with a position: a number, `+n`/`-n` (relative), `*` (same) or `0x…`.
fn is_cost_line(line: &str) -> bool {
    line.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '*'))
}

fn cost_at<'a>(
    mut fields: impl Iterator<Item = &'a str>,
    k: usize,
    path: &Path,
    line: usize,
) -> Result<u64> {
    match fields.nth(k) {
        None => Ok(0),
        Some(v) => v.parse().map_err(|_| {
            bad(
                path,
                line,
                format!("cost {v:?} is not a non-negative integer"),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
# callgrind format
version: 1
positions: line
events: Ir Dr
summary: 1110 7

ob=(1) /bin/x
fl=(1) src/main.rs
fn=(1) main
10 5 1
cfl=(2) src/lib.rs
cfn=(2) work
calls=2 20
11 1000 4
+1 3

fl=(2)
fn=(2)
20 800
fi=(3) /rustc/abc/library/core/src/num.rs
5 200 2
fe=(2)
* 2
jump=3 +2
";

    #[test]
    fn self_cost_excludes_inclusive_call_costs() {
        let p = parse(SAMPLE, "Ir", Path::new("c.out")).unwrap();
        let main = FunctionKey {
            name: "main".into(),
            file: "src/main.rs".into(),
        };
        let work = FunctionKey {
            name: "work".into(),
            file: "src/lib.rs".into(),
        };
        assert_eq!(p.functions[&main], 8, "5 + 3; the call's 1000 is inclusive");
        assert_eq!(
            p.functions[&work], 1002,
            "inlined core code stays with `work`"
        );
        assert_eq!(p.total, Some(1110));
        assert_eq!(p.self_sum(), 1010);
        let dr = parse(SAMPLE, "Dr", Path::new("c.out")).unwrap();
        assert_eq!(dr.functions[&main], 1);
        assert_eq!(dr.functions[&work], 2, "missing trailing events are 0");
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse("events: Ir\nfn=(7)\n1 2\n", "Ir", Path::new("c.out"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("c.out: line 2: name id (7) used before"),
            "{e}"
        );
        let p = parse(
            "events: Ir\nfn=(below main)\n1 2\nfn=(3) (anon)\n1 4\nfn=(3)\n2 1\n",
            "Ir",
            Path::new("c.out"),
        )
        .unwrap();
        let names: Vec<(&str, u64)> = p
            .functions
            .iter()
            .map(|(k, v)| (k.name.as_str(), *v))
            .collect();
        assert_eq!(names, [("(anon)", 5), ("(below main)", 2)]);
        let e = parse("events: Ir\nfn=a\n1 x\n", "Ir", Path::new("c.out"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3: cost \"x\""), "{e}");
        let e = parse("events: Dr\n", "Ir", Path::new("c.out"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("event \"Ir\" is not among"), "{e}");
        assert!(parse("fn=a\n", "Ir", Path::new("c.out")).is_err());
    }
}
