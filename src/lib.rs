//! # lanes — SIMD f32 kernels, each written once, dispatched at run time
//!
//! 26 kernels (element-wise arithmetic, activations, softmax, reductions) on four backends: portable scalar,
//! SSE2, AVX2 + FMA and AVX-512F. Every kernel is written once over a small SIMD trait; each backend only
//! implements that trait. The backend is chosen at run time and checked: asking for one this CPU lacks is an
//! [`Error::Unsupported`], never undefined behaviour.
//!
//! ```
//! // Free functions use the best backend of this CPU (detected once, cached).
//! let a = [1.0f32, -2.0, 3.0];
//! let mut out = [0.0f32; 3];
//! lanes::relu(&a, &mut out)?;
//! assert_eq!(out, [1.0, 0.0, 3.0]);
//! assert_eq!(lanes::sum(&a), 2.0);
//!
//! // Or pick a backend explicitly; every available backend gives the same answers within the documented bounds.
//! for backend in lanes::Backend::available() {
//!     let k = lanes::Kernels::new(backend)?;
//!     assert_eq!(k.argmax(&a)?, 2);
//! }
//! # Ok::<(), lanes::Error>(())
//! ```
//!
//! Semantics follow NumPy (NaN propagation in `max`/`min`/`argmax`, `relu(NaN) = NaN`, …); accuracy bounds
//! are in the method docs and `docs/ACCURACY.md`. All slices of one call must have equal length.
#![deny(unsafe_op_in_unsafe_fn)]

mod api;
mod backend;
mod dispatch;
mod error;
mod kernels;
mod simd;

pub use api::free::*;
pub use backend::{Backend, ParseBackendError};
pub use dispatch::Kernels;
pub use error::Error;
