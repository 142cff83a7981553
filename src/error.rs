//! The library's one error type.

use core::fmt;

/// Everything a `lanes` kernel can refuse to do.
///
/// Kernels never panic on bad input and never touch memory outside the slices they were given: every
/// precondition is checked before any SIMD code runs and reported as one of these variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The requested backend cannot run on this CPU (its instruction set was not detected), or does not exist
    /// on this architecture.
    Unsupported {
        /// The backend that was asked for.
        backend: crate::Backend,
    },
    /// Two slices of one call have different lengths; all inputs and the output must be equally long.
    LengthMismatch {
        /// Length of the first input (`a`).
        expected: usize,
        /// Length of the slice that differs.
        found: usize,
        /// Which argument had the different length (`"b"`, `"c"` or `"out"`).
        argument: &'static str,
    },
    /// A scalar argument is out of its domain, e.g. `clamp` with `lo > hi` or a NaN bound.
    InvalidArgument {
        /// What is wrong, in words (e.g. `"clamp: lo (3) > hi (1)"`).
        reason: &'static str,
    },
    /// The operation has no result for an empty input (`max`, `min`, `argmax`, `argmin`).
    Empty {
        /// The operation that was called.
        op: &'static str,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unsupported { backend } => write!(
                f,
                "backend `{backend}` is not supported on this CPU (available: {})",
                crate::Backend::available()
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Error::LengthMismatch { expected, found, argument } => write!(
                f,
                "length mismatch: `a` has {expected} elements but `{argument}` has {found}; all slices must have equal length"
            ),
            Error::InvalidArgument { reason } => write!(f, "invalid argument: {reason}"),
            Error::Empty { op } => write!(f, "`{op}` of an empty slice has no result"),
        }
    }
}

impl std::error::Error for Error {}
