//! The environment a baseline was measured in. Baselines from a different environment are `incomparable`.
//!
//! Wall-clock fingerprints hold the CPU model and its SIMD features; instruction-count fingerprints hold
//! valgrind and gungraun versions and only the SIMD features valgrind can emulate (valgrind 3.x has no
//! AVX-512, so code under callgrind never takes AVX-512 paths and a host with AVX-512 counts the same).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::suite::Suite;
use crate::tools;

/// What a measurement depends on besides the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fingerprint {
    /// Bench profile (`pr` / `full`).
    pub profile: String,
    /// `rustc` version line (`1.95.0 (59807616e 2026-04-14)`).
    pub rustc: String,
    /// Target triple.
    pub host: String,
    /// CPU model (wall-clock only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_model: Option<String>,
    /// SIMD features that select code paths.
    pub simd: Vec<String>,
    /// `valgrind --version` (instructions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valgrind: Option<String>,
    /// gungraun-runner version (instructions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gungraun: Option<String>,
}

impl Fingerprint {
    /// Probes this machine for `suite`.
    ///
    /// # Errors
    /// When `rustc -vV` cannot be run.
    pub fn probe(suite: Suite, profile: &str, target_dir: &Path) -> Result<Self> {
        let (rustc, host) = tools::rustc()?;
        let mut simd = tools::simd_features();
        let mut f = Self {
            profile: profile.to_string(),
            rustc,
            host,
            cpu_model: None,
            simd: Vec::new(),
            valgrind: None,
            gungraun: None,
        };
        match suite {
            Suite::Wall => f.cpu_model = Some(tools::cpu_model()),
            Suite::Instructions => {
                simd.retain(|s| !s.starts_with("avx512"));
                f.valgrind = Some(tools::valgrind().unwrap_or_else(|| "not installed".into()));
                f.gungraun = Some(
                    tools::find_runner(target_dir)
                        .and_then(|p| tools::runner_version(&p))
                        .unwrap_or_else(|| tools::GUNGRAUN_VERSION.into()),
                );
            }
        }
        f.simd = simd;
        Ok(f)
    }

    /// Differences from `current`, one line each: `rustc: 1.94.0 → 1.95.0`. Empty when comparable.
    #[must_use]
    pub fn differences(&self, current: &Self) -> Vec<String> {
        let mut out = Vec::new();
        let mut cmp = |name: &str, a: String, b: String| {
            if a != b {
                out.push(format!("{name}: {a} → {b}"));
            }
        };
        let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "—".into());
        cmp("profile", self.profile.clone(), current.profile.clone());
        cmp("rustc", self.rustc.clone(), current.rustc.clone());
        cmp("host", self.host.clone(), current.host.clone());
        cmp("cpu_model", opt(&self.cpu_model), opt(&current.cpu_model));
        cmp("simd", self.simd.join(","), current.simd.join(","));
        cmp("valgrind", opt(&self.valgrind), opt(&current.valgrind));
        cmp("gungraun", opt(&self.gungraun), opt(&current.gungraun));
        out
    }

    /// The machine class of a wall-clock fingerprint, used in its baseline file name: the CPU model and
    /// widest SIMD tier as a slug (`amd-epyc-avx2`). `GUARD_MACHINE_CLASS` overrides it (e.g. for CI runners).
    #[must_use]
    pub fn machine_class(&self) -> String {
        if let Ok(c) = std::env::var("GUARD_MACHINE_CLASS") {
            let c = slug(&c);
            if !c.is_empty() {
                return c;
            }
        }
        let tier = [
            ("avx512f", "avx512"),
            ("avx2", "avx2"),
            ("avx", "avx"),
            ("sse4.1", "sse41"),
            ("sse2", "sse2"),
        ]
        .into_iter()
        .find(|(t, _)| self.simd.iter().any(|s| s == t))
        .map_or("generic", |(_, name)| name);
        slug(&format!(
            "{} {tier}",
            self.cpu_model.as_deref().unwrap_or("unknown")
        ))
    }
}

/// Lower-case ASCII letters and digits, runs of anything else as one `-`, at most 60 characters.
#[must_use]
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.trim_end_matches('-').chars().take(60).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp() -> Fingerprint {
        Fingerprint {
            profile: "pr".into(),
            rustc: "1.95.0".into(),
            host: "x86_64-unknown-linux-gnu".into(),
            cpu_model: Some("AMD EPYC 7B13 64-Core Processor".into()),
            simd: vec!["sse2".into(), "avx2".into(), "fma".into()],
            valgrind: None,
            gungraun: None,
        }
    }

    #[test]
    fn differences_name_field_and_both_values() {
        let a = fp();
        let mut b = fp();
        assert!(a.differences(&b).is_empty());
        b.rustc = "1.96.0".into();
        b.simd.push("avx512f".into());
        assert_eq!(
            a.differences(&b),
            vec![
                "rustc: 1.95.0 → 1.96.0",
                "simd: sse2,avx2,fma → sse2,avx2,fma,avx512f"
            ]
        );
    }

    #[test]
    fn machine_class_is_a_safe_file_name_part() {
        assert_eq!(fp().machine_class(), "amd-epyc-7b13-64-core-processor-avx2");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("  "), "");
    }
}
