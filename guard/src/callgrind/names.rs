//! Function names and file paths for people: symbols demangled (Rust legacy `_ZN…E` and v0 `_R…`, via
//! `rustc-demangle`, without the `::h<hash>` suffix), and source paths shortened to the crate they belong
//! to (`~/.cargo/registry/src/<index>/memchr-2.7.4/src/x.rs` → `memchr-2.7.4/src/x.rs`,
//! `/rustc/<hash>/library/core/src/x.rs` → `core/src/x.rs`, `<project root>/src/x.rs` → `src/x.rs`).

/// Demangles a symbol if it is a mangled Rust (or Itanium-style Rust legacy) name; strips a trailing
/// `::h<16 hex digits>` hash that valgrind's own demangler leaves in place.
#[must_use]
pub fn demangle(name: &str) -> String {
    // Valgrind appends nothing, but a symbol may carry a `'2` recursion suffix (callgrind's cycle naming).
    let (symbol, suffix) = match name.find('\'') {
        Some(i) if !name.starts_with('<') => name.split_at(i),
        _ => (name, ""),
    };
    let out = match rustc_demangle::try_demangle(symbol) {
        Ok(d) => format!("{d:#}"),
        Err(_) => strip_hash(symbol).to_string(),
    };
    format!("{out}{suffix}")
}

fn strip_hash(name: &str) -> &str {
    if let Some(i) = name.rfind("::h") {
        let hash = &name[i + 3..];
        if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return &name[..i];
        }
    }
    name
}

/// Where `guard check` checks the base commit out, relative to the target dir (`app::base`). Sources
/// there are the project's own: `…/guard/base/worktree/src/x.rs` is shortened to `src/x.rs`, so that a
/// function of the base and the same function of the head have the same name and file.
pub const BASE_WORKTREE: &str = "guard/base/worktree";

/// The path relative to the workspace when `path` is a workspace source file: under `root` (not under its
/// `target/`) or in the base commit's worktree (`…/guard/base/worktree/…`).
#[must_use]
pub fn workspace_relative(path: &str, root: Option<&str>) -> Option<String> {
    let marker = format!("/{BASE_WORKTREE}/");
    if let Some(i) = path.find(&marker) {
        return Some(path[i + marker.len()..].to_string());
    }
    let root = root.filter(|r| !r.is_empty())?.trim_end_matches('/');
    let rest = path.strip_prefix(root)?.strip_prefix('/')?;
    (!rest.starts_with("target/")).then(|| rest.to_string())
}

/// Shortens a source path to the crate it belongs to; `root` (the project root, when known) is removed
/// from the front of paths inside the project. Unknown layouts keep their last three components.
#[must_use]
pub fn shorten_path(path: &str, root: Option<&str>) -> String {
    if path == "???" || path.is_empty() {
        return "???".into();
    }
    let marker = format!("/{BASE_WORKTREE}/");
    if let Some(i) = path.find(&marker) {
        return path[i + marker.len()..].to_string();
    }
    if let Some(rest) = path.strip_prefix(&marker[1..]) {
        return rest.to_string();
    }
    if let Some(root) = root.filter(|r| !r.is_empty()) {
        let root = root.trim_end_matches('/');
        if let Some(rest) = path.strip_prefix(root).and_then(|r| r.strip_prefix('/')) {
            return rest.to_string();
        }
    }
    // Registry sources: …/registry/src/<index-dir>/<crate-version>/…
    if let Some(i) = path.find("/registry/src/") {
        let rest = &path[i + "/registry/src/".len()..];
        if let Some((_, krate)) = rest.split_once('/') {
            return krate.to_string();
        }
    }
    // Git dependencies: …/git/checkouts/<repo-hash>/<rev>/…
    if let Some(i) = path.find("/git/checkouts/") {
        let rest = &path[i + "/git/checkouts/".len()..];
        let mut parts = rest.splitn(3, '/');
        let (repo, _rev, tail) = (parts.next(), parts.next(), parts.next());
        if let (Some(repo), Some(tail)) = (repo, tail) {
            let repo = repo.rsplit_once('-').map_or(repo, |(r, _)| r);
            return format!("{repo}/{tail}");
        }
    }
    // The standard library: /rustc/<commit>/library/<crate>/… (or a rust-src component).
    if let Some(i) = path.find("/library/") {
        if path.starts_with("/rustc/") || path.contains("/rustlib/src/") {
            return path[i + "/library/".len()..].to_string();
        }
    }
    if !path.starts_with('/') {
        return path.to_string();
    }
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let keep = parts.len().min(3);
    format!("…/{}", parts[parts.len() - keep..].join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demangles_rust_symbols() {
        assert_eq!(
            demangle("_ZN5lanes7kernels4math3exp17h0123456789abcdefE"),
            "lanes::kernels::math::exp"
        );
        assert_eq!(
            demangle("lanes::kernels::math::exp::h0123456789abcdef"),
            "lanes::kernels::math::exp"
        );
        assert_eq!(demangle("_RNvCs1234_5lanes3add"), "lanes::add");
        assert_eq!(demangle("memcpy"), "memcpy");
        assert_eq!(
            demangle("<lanes::simd::avx2::Avx2 as lanes::simd::Simd>::add"),
            "<lanes::simd::avx2::Avx2 as lanes::simd::Simd>::add"
        );
        assert_eq!(demangle("main'2"), "main'2");
    }

    #[test]
    fn base_worktree_paths_line_up_with_the_head() {
        for path in [
            "/work/p/target/guard/base/worktree/src/simd/mod.rs",
            "/elsewhere/tgt/guard/base/worktree/src/simd/mod.rs",
        ] {
            assert_eq!(shorten_path(path, Some("/work/p")), "src/simd/mod.rs");
        }
        assert_eq!(
            shorten_path("target/guard/base/worktree/benches/instructions.rs", None),
            "benches/instructions.rs"
        );
        assert_eq!(
            shorten_path("guard/base/worktree/src/api.rs", None),
            "src/api.rs"
        );
        assert_eq!(
            shorten_path("/work/p/src/api.rs", Some("/work/p")),
            "src/api.rs"
        );
    }

    #[test]
    fn shortens_paths_to_the_crate() {
        assert_eq!(
            shorten_path(
                "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/gungraun-0.20.0/src/lib.rs",
                None
            ),
            "gungraun-0.20.0/src/lib.rs"
        );
        assert_eq!(
            shorten_path("/rustc/59807616e1/library/core/src/num/f32.rs", Some("/p")),
            "core/src/num/f32.rs"
        );
        assert_eq!(
            shorten_path("/work/wt10/src/kernels/math.rs", Some("/work/wt10/")),
            "src/kernels/math.rs"
        );
        assert_eq!(
            shorten_path(
                "/home/u/.cargo/git/checkouts/foo-abc123/1a2b3c/src/x.rs",
                None
            ),
            "foo/src/x.rs"
        );
        assert_eq!(
            shorten_path("/usr/lib/x86_64/libc.so", None),
            "…/lib/x86_64/libc.so"
        );
        assert_eq!(shorten_path("src/x.rs", None), "src/x.rs");
        assert_eq!(shorten_path("???", None), "???");
    }
}
