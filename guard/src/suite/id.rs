//! Benchmark ids, parsed in one place.
//!
//! Ids are kept as the tools write them (Criterion's `group/function/value`, gungraun's
//! `group/function/case`); the one convention of this repository on top is `<op>/<backend>/<size>`
//! ([`BenchId`]), and that a gungraun case `n1000` stands for the size `1000` ([`size_of_case`],
//! [`case_of_size`]), because gungraun case names must be identifiers.

use std::borrow::Cow;

/// An id of the form `<op>/<backend>/<size>` (Criterion's group / function / value), borrowed from the id
/// string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BenchId<'a> {
    /// The op (Criterion's group).
    pub op: &'a str,
    /// The backend (Criterion's function).
    pub backend: &'a str,
    /// Elements (Criterion's value).
    pub size: u64,
}

impl<'a> BenchId<'a> {
    /// `<op>/<backend>/<size>` → its parts; `None` for any other id: another number of parts, an empty op
    /// or backend, or a size that is not a number.
    #[must_use]
    pub fn parse(id: &'a str) -> Option<Self> {
        let mut it = id.split('/');
        let (op, backend, size) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() || op.is_empty() || backend.is_empty() {
            return None;
        }
        Some(Self {
            op,
            backend,
            size: size.parse().ok()?,
        })
    }
}

/// A gungraun case name as the last part of an id: `n1000` → `1000`; any other case unchanged.
#[must_use]
pub fn size_of_case(case: &str) -> &str {
    match case.strip_prefix('n') {
        Some(d) if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) => d,
        _ => case,
    }
}

/// The inverse of [`size_of_case`]: the last part of an id as gungraun's case name, `1000` → `n1000`; any
/// other part unchanged.
#[must_use]
pub fn case_of_size(part: &str) -> Cow<'_, str> {
    if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
        Cow::Owned(format!("n{part}"))
    } else {
        Cow::Borrowed(part)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_once() {
        let id = BenchId::parse("exp/avx2/1000").unwrap();
        assert_eq!((id.op, id.backend, id.size), ("exp", "avx2", 1000));
        for bad in [
            "exp/avx2",
            "exp/avx2/1000/x",
            "/avx2/1",
            "exp//1",
            "exp/avx2/n1000",
        ] {
            assert_eq!(BenchId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn case_names_round_trip() {
        assert_eq!(size_of_case("n1000"), "1000");
        assert_eq!(size_of_case("n"), "n");
        assert_eq!(size_of_case("big_n10"), "big_n10");
        assert_eq!(case_of_size("1000"), "n1000");
        assert_eq!(case_of_size("x1"), "x1");
        assert_eq!(case_of_size(""), "");
    }
}
