//! Instruction-set backends: which exist, which this CPU can run, and their names.

use core::fmt;

use crate::simd::Simd;
use core::str::FromStr;

/// A SIMD instruction set a [`Kernels`](crate::Kernels) handle can be bound to.
///
/// Variants are ordered from slowest to best. `Avx2` means AVX2 **and** FMA (every AVX2 CPU this library
/// targets has both); `Avx512` means at least AVX-512F.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// Portable Rust, one lane at a time. Always available.
    Scalar,
    /// x86_64 SSE2, 4 lanes (part of the x86_64 baseline, so always available there).
    Sse2,
    /// x86_64 AVX2 + FMA, 8 lanes.
    Avx2,
    /// x86_64 AVX-512F, 16 lanes with masked tails.
    Avx512,
}

impl Backend {
    /// Every backend this library knows, slowest first.
    pub const ALL: [Backend; 4] = [
        Backend::Scalar,
        Backend::Sse2,
        Backend::Avx2,
        Backend::Avx512,
    ];

    /// The lower-case name used by [`Display`](fmt::Display), [`FromStr`] and benchmark ids.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Backend::Scalar => "scalar",
            Backend::Sse2 => "sse2",
            Backend::Avx2 => "avx2",
            Backend::Avx512 => "avx512",
        }
    }

    /// Whether this CPU can run the backend (run-time feature detection).
    ///
    /// ```
    /// assert!(lanes::Backend::Scalar.is_available());
    /// ```
    #[must_use]
    pub fn is_available(self) -> bool {
        match self {
            Backend::Scalar => true,
            // Detection lives with each backend's token: a token exists exactly when its backend is available.
            #[cfg(target_arch = "x86_64")]
            Backend::Sse2 => crate::simd::sse2::Sse2::try_new().is_some(),
            #[cfg(target_arch = "x86_64")]
            Backend::Avx2 => crate::simd::avx2::Avx2::try_new().is_some(),
            #[cfg(target_arch = "x86_64")]
            Backend::Avx512 => crate::simd::avx512::Avx512::try_new().is_some(),
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// The backends this CPU can run, slowest first; always starts with [`Backend::Scalar`].
    ///
    /// ```
    /// let all = lanes::Backend::available();
    /// assert_eq!(all[0], lanes::Backend::Scalar);
    /// assert_eq!(*all.last().unwrap(), lanes::Backend::best());
    /// ```
    #[must_use]
    pub fn available() -> Vec<Backend> {
        Backend::ALL
            .into_iter()
            .filter(|b| b.is_available())
            .collect()
    }

    /// The fastest backend this CPU can run.
    #[must_use]
    pub fn best() -> Backend {
        Backend::ALL
            .into_iter()
            .rev()
            .find(|b| b.is_available())
            .unwrap_or(Backend::Scalar)
    }

    /// The backend [`Kernels::best`](crate::Kernels::best) runs streaming element-wise kernels on (two or more
    /// input slices, calls long enough to stream from L3 or memory): this one, except on CPUs where a narrower
    /// backend was measured faster for them. Only AMD family 19h with AVX-512 (Zen 4) qualifies: there AVX2 ran
    /// add, sub, mul, div, lerp and fma at 1,000,000 elements 6–13 % faster than AVX-512, and 10–20 % faster at
    /// 4,000,000 (docs/PERFORMANCE.md). Intel (full-width AVX-512 ports) and later AMD families keep the widest.
    pub(crate) fn for_streaming(self) -> Backend {
        narrower_for_streaming(self, cpu_identity())
    }

    /// Number of f32 lanes in one vector of this backend.
    #[must_use]
    pub const fn lanes(self) -> usize {
        match self {
            Backend::Scalar => 1,
            Backend::Sse2 => 4,
            Backend::Avx2 => 8,
            Backend::Avx512 => 16,
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing a [`Backend`] name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseBackendError {
    input: String,
}

impl fmt::Display for ParseBackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown backend `{}` (expected one of: scalar, sse2, avx2, avx512)",
            self.input
        )
    }
}

impl std::error::Error for ParseBackendError {}

impl FromStr for Backend {
    type Err = ParseBackendError;

    /// Parses the lower-case names `scalar`, `sse2`, `avx2`, `avx512` (ASCII case-insensitive).
    ///
    /// ```
    /// let b: lanes::Backend = "avx2".parse().unwrap();
    /// assert_eq!(b.to_string(), "avx2");
    /// assert!("neon2".parse::<lanes::Backend>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ParseBackendError {
                input: s.to_owned(),
            })
    }
}

/// The vendor and family this CPU reports (`cpuid` leaves 0 and 1; neither AMD nor a family off x86_64).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CpuIdentity {
    amd: bool,
    /// Display family: base family, plus the extended family when the base is 0xF.
    family: u32,
}

#[cfg(target_arch = "x86_64")]
fn cpu_identity() -> CpuIdentity {
    use std::arch::x86_64::__cpuid;
    let vendor = __cpuid(0);
    let amd = (vendor.ebx, vendor.edx, vendor.ecx) == (0x6874_7541, 0x6974_6e65, 0x444d_4163); // "AuthenticAMD"
    let eax = __cpuid(1).eax;
    let base = (eax >> 8) & 0xf;
    let family = if base == 0xf {
        base + ((eax >> 20) & 0xff)
    } else {
        base
    };
    CpuIdentity { amd, family }
}

#[cfg(not(target_arch = "x86_64"))]
fn cpu_identity() -> CpuIdentity {
    CpuIdentity {
        amd: false,
        family: 0,
    }
}

/// The rule behind [`Backend::for_streaming`], apart from the CPU query so that it can be tested on any host.
fn narrower_for_streaming(best: Backend, cpu: CpuIdentity) -> Backend {
    if best == Backend::Avx512 && cpu.amd && cpu.family == 0x19 {
        Backend::Avx2
    } else {
        best
    }
}

#[cfg(test)]
mod tests {
    use super::{narrower_for_streaming, Backend, CpuIdentity};

    #[test]
    fn only_zen4_streams_on_avx2() {
        let zen = |family| CpuIdentity { amd: true, family };
        let intel = CpuIdentity {
            amd: false,
            family: 6,
        };
        assert_eq!(
            narrower_for_streaming(Backend::Avx512, zen(0x19)),
            Backend::Avx2
        );
        // Zen 5 (1Ah) has full-width AVX-512 datapaths; Intel too; Zen 3 (also 19h) has no AVX-512 at all.
        assert_eq!(
            narrower_for_streaming(Backend::Avx512, zen(0x1a)),
            Backend::Avx512
        );
        assert_eq!(
            narrower_for_streaming(Backend::Avx512, intel),
            Backend::Avx512
        );
        assert_eq!(
            narrower_for_streaming(Backend::Avx2, zen(0x19)),
            Backend::Avx2
        );
        for b in Backend::ALL {
            assert!(
                narrower_for_streaming(b, zen(0x19)) <= b,
                "never wider than asked"
            );
        }
    }
}
