//! The one place where a backend is chosen: [`Kernels`] holds a checked backend and runs generic operations
//! through that backend's `#[target_feature]` entry point.

use crate::simd::Op;
use crate::{Backend, Error};

#[cfg(target_arch = "x86_64")]
mod entry {
    use crate::simd::{avx2::Avx2, avx512::Avx512, entry_point, sse2::Sse2};
    entry_point!(sse2, Sse2, "sse2");
    entry_point!(avx2, Avx2, "avx2,fma");
    entry_point!(avx512, Avx512, "avx512f");
}

/// A handle bound to one backend that this CPU is known to support.
///
/// Every kernel is a method. Handles are `Copy` and cheap; create one with [`Kernels::new`] (checked) or
/// [`Kernels::best`]. The free functions at the crate root use the best backend, detected once.
///
/// ```
/// use lanes::{Backend, Kernels};
/// let k = Kernels::new(Backend::Scalar)?;
/// let mut out = [0.0; 3];
/// k.add(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0], &mut out)?;
/// assert_eq!(out, [11.0, 22.0, 33.0]);
/// # Ok::<(), lanes::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kernels {
    backend: Backend,
}

impl Kernels {
    /// A handle for `backend`.
    ///
    /// # Errors
    /// [`Error::Unsupported`] when this CPU cannot run `backend` (never undefined behaviour).
    pub fn new(backend: Backend) -> Result<Kernels, Error> {
        if backend.is_available() {
            Ok(Kernels { backend })
        } else {
            Err(Error::Unsupported { backend })
        }
    }

    /// A handle for the fastest backend of this CPU (detected once, then cached).
    #[must_use]
    pub fn best() -> Kernels {
        static BEST: std::sync::OnceLock<Backend> = std::sync::OnceLock::new();
        Kernels {
            backend: *BEST.get_or_init(Backend::best),
        }
    }

    /// The backend this handle runs on.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs `op` on this handle's backend.
    #[inline]
    pub(crate) fn dispatch<O: Op>(self, op: O) -> O::Output {
        match self.backend {
            Backend::Scalar => op.run(crate::simd::scalar::Scalar),
            // SAFETY: (three arms) `Kernels` is only constructed with a backend whose `is_available()` was true,
            // which detects exactly the features each entry point enables.
            #[cfg(target_arch = "x86_64")]
            Backend::Sse2 => unsafe { entry::sse2(op) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: see above — avx2 and fma were detected before this handle existed.
            Backend::Avx2 => unsafe { entry::avx2(op) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: see above — avx512f was detected before this handle existed.
            Backend::Avx512 => unsafe { entry::avx512(op) },
            #[cfg(not(target_arch = "x86_64"))]
            _ => op.run(crate::simd::scalar::Scalar),
        }
    }
}
