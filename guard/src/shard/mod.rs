//! `--shard I/N`: a deterministic 1/N of the benchmarks, for a CI matrix of N jobs whose reports
//! `guard merge` combines (and whose baseline files `guard baseline merge` combines; [`set`] holds the rules
//! both merges apply).
//!
//! Selection is by benchmark id. Ids with a cost in the baseline (its `Ir` for instruction counts; 1 for
//! wall-clock, where Criterion spends the same time on every benchmark) are assigned greedily, most expensive first, to the shard with the least total cost so far (ties: the
//! lower shard), which balances the jobs; ids without a baseline value (new benchmarks) go to shard
//! `fnv1a(id) mod N + 1`. Both rules depend only on the ids and the baseline, so every job of a matrix
//! computes the same partition, and the partition is stable across runs until the baseline changes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::suite::id;

pub mod set;

/// One shard of N (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, `1..=count`.
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("expected I/N with 1 <= I <= N <= 256 (e.g. 2/4), got {s:?}");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || count == 0 || index > count || count > 256 {
            return Err(bad());
        }
        Ok(Self { index, count })
    }
}

/// 64-bit FNV-1a: a stable hash (the standard library's is not stable across releases).
#[must_use]
pub fn fnv1a(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Assigns every id to a shard `1..=count`: ids with a cost greedily by cost, the others by hash.
#[must_use]
pub fn assign<'a>(
    ids: impl IntoIterator<Item = &'a str>,
    cost: &BTreeMap<String, f64>,
    count: u32,
) -> BTreeMap<String, u32> {
    let count = count.max(1);
    let ids: BTreeSet<&str> = ids.into_iter().collect();
    let mut costed: Vec<(&str, f64)> = ids
        .iter()
        .filter_map(|id| cost.get(*id).map(|c| (*id, c.max(0.0))))
        .filter(|(_, c)| c.is_finite())
        .collect();
    costed.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut load = vec![0.0_f64; count as usize];
    let mut out = BTreeMap::new();
    for (id, c) in costed {
        let (k, _) = load
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1).then_with(|| a.0.cmp(&b.0)))
            .unwrap_or((0, &0.0));
        load[k] += c;
        out.insert(id.to_string(), k as u32 + 1);
    }
    for id in ids {
        if !out.contains_key(id) {
            out.insert(id.to_string(), (fnv1a(id) % u64::from(count)) as u32 + 1);
        }
    }
    out
}

/// The ids of `shard` among `ids`.
#[must_use]
pub fn select<'a>(
    ids: impl IntoIterator<Item = &'a str>,
    cost: &BTreeMap<String, f64>,
    shard: Shard,
) -> BTreeSet<String> {
    assign(ids, cost, shard.count)
        .into_iter()
        .filter(|(_, k)| *k == shard.index)
        .map(|(id, _)| id)
        .collect()
}

/// Ids in `cargo bench --bench <criterion bench> -- --list` output (`<id>: benchmark` lines).
#[must_use]
pub fn parse_criterion_list(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.trim().strip_suffix(": benchmark"))
        .map(str::to_string)
        .collect()
}

/// Ids in gungraun's `--list` output (`<file>::<group>::<function>::<case>: benchmark`), written as
/// guard writes gungraun ids (`group/function/case`, a case `n<digits>` as `<digits>`).
#[must_use]
pub fn parse_gungraun_list(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.trim().strip_suffix(": benchmark"))
        .filter_map(|path| {
            let parts: Vec<&str> = path.split("::").collect();
            (parts.len() >= 3).then(|| {
                let mut id = parts[1..].join("/");
                if let Some(last) = parts.last().filter(|_| parts.len() >= 4) {
                    let size = id::size_of_case(last);
                    if size != *last {
                        id = format!("{}/{size}", parts[1..parts.len() - 1].join("/"));
                    }
                }
                id
            })
        })
        .collect()
}

/// The gungraun filter of one id (`*::group::function::case`, the size case spelled `n<digits>` again;
/// gungraun filters are one wildcard pattern, so a shard runs one filter per id).
#[must_use]
pub fn gungraun_filter(id: &str) -> String {
    let mut parts: Vec<String> = id.split('/').map(str::to_string).collect();
    if parts.len() >= 3 {
        if let Some(last) = parts.last_mut() {
            *last = id::case_of_size(last).into_owned();
        }
    }
    // Wildcard metacharacters in ids are matched literally by escaping them.
    let escaped: Vec<String> = parts
        .iter()
        .map(|p| {
            p.chars().fold(String::new(), |mut s, c| {
                if matches!(c, '*' | '?' | '[' | ']' | '\\') {
                    s.push('\\');
                }
                s.push(c);
                s
            })
        })
        .collect();
    format!("*::{}", escaped.join("::"))
}

/// One Criterion filter (a regex) matching exactly these ids.
#[must_use]
pub fn criterion_regex(ids: &BTreeSet<String>) -> String {
    let alternatives: Vec<String> = ids
        .iter()
        .map(|id| {
            id.chars().fold(String::new(), |mut s, c| {
                if "\\.+*?()|[]{}^$#&-~".contains(c) {
                    s.push('\\');
                }
                s.push(c);
                s
            })
        })
        .collect();
    format!("^(?:{})$", alternatives.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects_shards() {
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "x/2", "1", "1/2/3", "1/999"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn greedy_by_cost_balances_and_hash_places_the_rest() {
        let cost: BTreeMap<String, f64> = [("a", 10.0), ("b", 6.0), ("c", 5.0), ("d", 1.0)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let ids = ["a", "b", "c", "d", "new1", "new2"];
        let a = assign(ids, &cost, 2);
        assert_eq!(
            (a["a"], a["b"], a["c"], a["d"]),
            (1, 2, 2, 1),
            "10+1 vs 6+5"
        );
        assert_eq!(a, assign(ids.iter().rev().copied(), &cost, 2), "order-free");
        assert_eq!(a["new1"], (fnv1a("new1") % 2) as u32 + 1);
        let all: BTreeSet<String> = (1..=3)
            .flat_map(|i| select(ids, &cost, Shard { index: i, count: 3 }))
            .collect();
        assert_eq!(all.len(), ids.len(), "every id in exactly one shard");
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
    }

    #[test]
    fn lists_and_filters() {
        let g = parse_gungraun_list(
            "instructions::exp::avx2::n100: benchmark\ninstructions::g::f::case_x: benchmark\nnoise\n",
        );
        assert_eq!(g, ["exp/avx2/100", "g/f/case_x"]);
        assert_eq!(gungraun_filter("exp/avx2/100"), "*::exp::avx2::n100");
        assert_eq!(gungraun_filter("g/f*/x"), "*::g::f\\*::x");
        let c = parse_criterion_list("add/avx2/100: benchmark\nWARNING x\n");
        assert_eq!(c, ["add/avx2/100"]);
        let ids: BTreeSet<String> = ["add/avx2/100".to_string(), "a.b|c".to_string()].into();
        assert_eq!(criterion_regex(&ids), "^(?:a\\.b\\|c|add/avx2/100)$");
    }
}
