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
///
/// A handle from [`Kernels::best`] may run a streaming element-wise kernel on a narrower backend where that was
/// measured faster (see [`Kernels::best`]); a handle from [`Kernels::new`] always runs on the backend it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kernels {
    backend: Backend,
    /// The backend of element-wise kernels with two or more inputs on calls of at least [`STREAMING_MIN`] values.
    streaming: Backend,
}

/// From this many values on, an element-wise call with two or more inputs streams from L3 or memory (at least
/// 6 MiB moved with two inputs), where on AMD Zen 4 AVX2 beats AVX-512 for such kernels. At 100,000 and 300,000
/// values (L2 and L3) the two were within 2 % of each other, either way (AMD Zen 4, 2026-12-07).
const STREAMING_MIN: usize = 1 << 19;

impl Kernels {
    /// A handle for `backend`.
    ///
    /// # Errors
    /// [`Error::Unsupported`] when this CPU cannot run `backend` (never undefined behaviour).
    pub fn new(backend: Backend) -> Result<Kernels, Error> {
        if backend.is_available() {
            Ok(Kernels {
                backend,
                streaming: backend,
            })
        } else {
            Err(Error::Unsupported { backend })
        }
    }

    /// A handle for the fastest backend of this CPU (detected once, then cached).
    ///
    /// On AMD Zen 4 (family 19h with AVX-512) its element-wise kernels with two or more inputs (`add`, `sub`,
    /// `mul`, `div`, `lerp`, `fma`) run on AVX2 from 2¹⁹ values on: there AVX2 streams such calls 6–13 % faster at
    /// 1,000,000 values. Their results are the same on every backend (exact IEEE operations, `fma` and `lerp`
    /// fused everywhere), so the free functions still give exactly what `Kernels::new(k.backend())` gives.
    #[must_use]
    pub fn best() -> Kernels {
        static BEST: std::sync::OnceLock<Kernels> = std::sync::OnceLock::new();
        *BEST.get_or_init(|| {
            let backend = Backend::best();
            Kernels {
                backend,
                streaming: backend.for_streaming(),
            }
        })
    }

    /// The backend this handle runs on.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The handle for an element-wise call with `inputs` input slices of `n` values: this one, or (from
    /// [`Kernels::best`] on a CPU where that is faster) one on a narrower backend with bit-identical results.
    #[inline]
    pub(crate) fn for_elementwise(self, inputs: usize, n: usize) -> Kernels {
        if inputs >= 2 && n >= STREAMING_MIN {
            Kernels {
                backend: self.streaming,
                streaming: self.streaming,
            }
        } else {
            self
        }
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
