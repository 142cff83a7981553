//! The safe public API: argument validation, then one `dispatch` call per kernel.
//!
//! Every kernel is a method on [`Kernels`] and a free function (in `free`, re-exported at the crate root) that
//! runs on the best backend. Element-wise ops also have an `_inplace` form that overwrites the first input;
//! both forms and the free functions are generated from the one table below, so they cannot drift apart.

use crate::dispatch::Kernels;
use crate::kernels::elementwise::{Func, MapOp};
use crate::kernels::reduction::{ArgExtremeOp, ExtremeKind, ExtremeOp, SumKind, SumOp};
use crate::kernels::softmax::SoftmaxOp;
use crate::Error;

/// Checks that every `(name, len)` equals `n` (the length of `a`).
fn check_lens(n: usize, others: &[(&'static str, usize)]) -> Result<(), Error> {
    match others.iter().find(|&&(_, len)| len != n) {
        Some(&(argument, found)) => Err(Error::LengthMismatch {
            expected: n,
            found,
            argument,
        }),
        None => Ok(()),
    }
}

fn clamp_func(lo: f32, hi: f32) -> Result<Func, Error> {
    if lo.is_nan() || hi.is_nan() {
        Err(Error::InvalidArgument {
            reason: "clamp: a bound is NaN",
        })
    } else if lo > hi {
        Err(Error::InvalidArgument {
            reason: "clamp: lo > hi",
        })
    } else {
        Ok(Func::Clamp(lo, hi))
    }
}

/// The three input pointers of a `MapOp`; unused ones repeat `a` (never read).
fn srcs(a: *const f32, rest: &[*const f32]) -> [*const f32; 3] {
    [
        a,
        rest.first().copied().unwrap_or(a),
        rest.get(1).copied().unwrap_or(a),
    ]
}

/// Free functions of the reductions and softmax (expanded inside `free`).
macro_rules! reductions_free {
    () => {
        forward! {
            dot(a: &[f32], b: &[f32]) -> Result<f32, Error>;
            sum(a: &[f32]) -> f32;
            norm_l1(a: &[f32]) -> f32;
            norm_l2(a: &[f32]) -> f32;
            norm_linf(a: &[f32]) -> f32;
            max(a: &[f32]) -> Result<f32, Error>;
            min(a: &[f32]) -> Result<f32, Error>;
            argmax(a: &[f32]) -> Result<usize, Error>;
            argmin(a: &[f32]) -> Result<usize, Error>;
            softmax(a: &[f32], out: &mut [f32]) -> Result<(), Error>;
            log_softmax(a: &[f32], out: &mut [f32]) -> Result<(), Error>;
            softmax_inplace(a: &mut [f32]) -> Result<(), Error>;
            log_softmax_inplace(a: &mut [f32]) -> Result<(), Error>;
        }
    };
}

macro_rules! forward {
    ($($name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty;)*) => {$(
        #[doc = concat!("[`Kernels::", stringify!($name), "`] on the best backend (detected once).")]
        ///
        /// # Errors
        #[doc = concat!("As [`Kernels::", stringify!($name), "`].")]
        #[allow(clippy::missing_errors_doc)]
        pub fn $name($($arg: $ty),*) -> $ret {
            Kernels::best().$name($($arg),*)
        }
    )*};
}

macro_rules! elementwise {
    ($(
        $(#[$doc:meta])*
        $name:ident, $inplace:ident ( $($input:ident),* ; $($param:ident : $pty:ty),* ) => $func:expr;
    )*) => {
        impl Kernels {$(
            $(#[$doc])*
            ///
            /// # Errors
            /// [`Error::LengthMismatch`] unless every slice has the length of `a`; [`Error::InvalidArgument`]
            /// for an invalid scalar parameter.
            pub fn $name(&self, a: &[f32], $($input: &[f32],)* $($param: $pty,)* out: &mut [f32]) -> Result<(), Error> {
                check_lens(a.len(), &[$((stringify!($input), $input.len()),)* ("out", out.len())])?;
                let func: Func = $func?;
                debug_assert_eq!(func.arity(), 1 + <[&str]>::len(&[$(stringify!($input)),*]));
                self.for_elementwise(func.arity(), a.len())
                    .dispatch(MapOp { func, src: srcs(a.as_ptr(), &[$($input.as_ptr()),*]), dst: out.as_mut_ptr(), n: a.len() });
                Ok(())
            }

            #[doc = concat!("In-place form of [`Kernels::", stringify!($name), "`]: the result overwrites `a`.")]
            ///
            /// # Errors
            #[doc = concat!("As [`Kernels::", stringify!($name), "`].")]
            pub fn $inplace(&self, a: &mut [f32], $($input: &[f32],)* $($param: $pty,)*) -> Result<(), Error> {
                check_lens(a.len(), &[$((stringify!($input), $input.len()),)*])?;
                let func: Func = $func?;
                let p = a.as_mut_ptr();
                self.for_elementwise(func.arity(), a.len())
                    .dispatch(MapOp { func, src: srcs(p.cast_const(), &[$($input.as_ptr()),*]), dst: p, n: a.len() });
                Ok(())
            }
        )*}

        /// Free functions: each kernel on the best backend of this CPU.
        pub(crate) mod free {
            use super::*;
            $(
                #[doc = concat!("[`Kernels::", stringify!($name), "`] on the best backend (detected once).")]
                ///
                /// # Errors
                #[doc = concat!("As [`Kernels::", stringify!($name), "`].")]
                pub fn $name(a: &[f32], $($input: &[f32],)* $($param: $pty,)* out: &mut [f32]) -> Result<(), Error> {
                    Kernels::best().$name(a, $($input,)* $($param,)* out)
                }
                #[doc = concat!("[`Kernels::", stringify!($inplace), "`] on the best backend (detected once).")]
                ///
                /// # Errors
                #[doc = concat!("As [`Kernels::", stringify!($name), "`].")]
                pub fn $inplace(a: &mut [f32], $($input: &[f32],)* $($param: $pty,)*) -> Result<(), Error> {
                    Kernels::best().$inplace(a, $($input,)* $($param,)*)
                }
            )*
            reductions_free!();
        }
    };
}

elementwise! {
    /// `out[i] = a[i] + b[i]` (IEEE, bit-exact).
    ///
    /// ```
    /// let mut out = [0.0; 2];
    /// lanes::add(&[1.0, 2.0], &[0.5, 0.25], &mut out)?;
    /// assert_eq!(out, [1.5, 2.25]);
    /// # Ok::<(), lanes::Error>(())
    /// ```
    add, add_inplace(b;) => Ok(Func::Add);
    /// `out[i] = a[i] - b[i]` (IEEE, bit-exact).
    sub, sub_inplace(b;) => Ok(Func::Sub);
    /// `out[i] = a[i] * b[i]` (IEEE, bit-exact).
    mul, mul_inplace(b;) => Ok(Func::Mul);
    /// `out[i] = a[i] / b[i]` (IEEE, bit-exact).
    div, div_inplace(b;) => Ok(Func::Div);
    /// `out[i] = a[i] + t·(b[i] - a[i])` (multiply-add fused where the hardware has FMA).
    lerp, lerp_inplace(b; t: f32) => Ok(Func::Lerp(t));
    /// `out[i] = a[i]·b[i] + c[i]` with a single rounding on every backend.
    ///
    /// ```
    /// let mut out = [0.0; 1];
    /// let x = 1.0 + f32::EPSILON;
    /// lanes::fma(&[x], &[x], &[-1.0], &mut out)?;
    /// assert_eq!(out[0], 2.0 * f32::EPSILON + f32::EPSILON * f32::EPSILON); // not rounded away
    /// # Ok::<(), lanes::Error>(())
    /// ```
    fma, fma_inplace(b, c;) => Ok(Func::Fma);
    /// `out[i] = |a[i]|` (bit-exact; NaN stays NaN).
    abs, abs_inplace(;) => Ok(Func::Abs);
    /// `out[i] = max(a[i], 0)`; NaN stays NaN (as NumPy's `maximum`).
    ///
    /// ```
    /// let mut v = [-1.0, 2.0, f32::NAN];
    /// lanes::relu_inplace(&mut v)?;
    /// assert_eq!(&v[..2], &[0.0, 2.0]);
    /// assert!(v[2].is_nan());
    /// # Ok::<(), lanes::Error>(())
    /// ```
    relu, relu_inplace(;) => Ok(Func::Relu);
    /// `out[i] = a[i]·s` (bit-exact).
    scale, scale_inplace(; s: f32) => Ok(Func::Scale(s));
    /// `out[i] = min(max(a[i], lo), hi)`; NaN stays NaN. `lo > hi` or a NaN bound is an error.
    ///
    /// ```
    /// let mut out = [0.0; 3];
    /// lanes::clamp(&[-5.0, 0.5, 5.0], -1.0, 1.0, &mut out)?;
    /// assert_eq!(out, [-1.0, 0.5, 1.0]);
    /// assert!(lanes::clamp(&[1.0], 2.0, 1.0, &mut out[..1]).is_err());
    /// # Ok::<(), lanes::Error>(())
    /// ```
    clamp, clamp_inplace(; lo: f32, hi: f32) => clamp_func(lo, hi);
    /// `out[i] = e^{a[i]}`, at most 2 ulp from the correctly rounded result (see `docs/ACCURACY.md`).
    exp, exp_inplace(;) => Ok(Func::Exp);
    /// `out[i] = 1 / (1 + e^{-a[i]})`, accurate down to subnormal results.
    sigmoid, sigmoid_inplace(;) => Ok(Func::Sigmoid);
    /// `out[i] = tanh(a[i])`.
    tanh, tanh_inplace(;) => Ok(Func::Tanh);
    /// `out[i] = a[i]·Φ(a[i])` with the exact erf form (as `torch.nn.functional.gelu`'s default).
    gelu, gelu_inplace(;) => Ok(Func::Gelu);
    /// `out[i] = a[i]·sigmoid(a[i])` (SiLU).
    swish, swish_inplace(;) => Ok(Func::Swish);
}

impl Kernels {
    fn sum_kind(self, kind: SumKind, a: &[f32], b: &[f32]) -> f64 {
        self.dispatch(SumOp {
            kind,
            a: a.as_ptr(),
            b: b.as_ptr(),
            n: a.len(),
        })
    }

    fn extreme(self, kind: ExtremeKind, op: &'static str, a: &[f32]) -> Result<f32, Error> {
        if a.is_empty() {
            return Err(Error::Empty { op });
        }
        Ok(self.dispatch(ExtremeOp {
            kind,
            a: a.as_ptr(),
            n: a.len(),
        }))
    }

    fn arg_extreme(self, is_max: bool, op: &'static str, a: &[f32]) -> Result<usize, Error> {
        if a.is_empty() {
            return Err(Error::Empty { op });
        }
        Ok(self.dispatch(ArgExtremeOp {
            is_max,
            a: a.as_ptr(),
            n: a.len(),
        }))
    }

    fn softmax_any(self, log: bool, src: *const f32, dst: *mut f32, n: usize) {
        self.dispatch(SoftmaxOp { log, src, dst, n });
    }

    /// `Σ a[i]·b[i]`, blocked with several accumulators: |error| ≤ 1e-5·Σ|a[i]·b[i]|.
    ///
    /// ```
    /// assert_eq!(lanes::dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0])?, 32.0);
    /// # Ok::<(), lanes::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when `a` and `b` differ in length.
    pub fn dot(&self, a: &[f32], b: &[f32]) -> Result<f32, Error> {
        check_lens(a.len(), &[("b", b.len())])?;
        Ok(self.sum_kind(SumKind::Dot, a, b) as f32)
    }

    /// `Σ a[i]` (0 for an empty slice), |error| ≤ 1e-5·Σ|a[i]|.
    ///
    #[must_use]
    pub fn sum(&self, a: &[f32]) -> f32 {
        self.sum_kind(SumKind::Sum, a, a) as f32
    }

    /// `Σ |a[i]|` (0 for an empty slice).
    ///
    #[must_use]
    pub fn norm_l1(&self, a: &[f32]) -> f32 {
        self.sum_kind(SumKind::NormL1, a, a) as f32
    }

    /// `sqrt(Σ a[i]²)` (0 for an empty slice). Squares are summed in f32 lanes, so `|a[i]|` beyond ~1.8e19
    /// overflows to `inf`, as NumPy's float32 `linalg.norm` does.
    ///
    #[must_use]
    pub fn norm_l2(&self, a: &[f32]) -> f32 {
        self.sum_kind(SumKind::NormL2Squared, a, a).sqrt() as f32
    }

    /// `max |a[i]|` (0 for an empty slice; NaN if any element is NaN). Exact.
    ///
    #[must_use]
    pub fn norm_linf(&self, a: &[f32]) -> f32 {
        self.extreme(ExtremeKind::AbsMax, "norm_linf", a)
            .unwrap_or(0.0)
    }

    /// The largest element; NaN if any element is NaN (as NumPy's `max`).
    ///
    /// ```
    /// assert_eq!(lanes::max(&[1.0, 7.0, -3.0])?, 7.0);
    /// assert!(lanes::max(&[1.0, f32::NAN])?.is_nan());
    /// assert!(lanes::max(&[]).is_err());
    /// # Ok::<(), lanes::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Empty`] for an empty slice.
    pub fn max(&self, a: &[f32]) -> Result<f32, Error> {
        self.extreme(ExtremeKind::Max, "max", a)
    }

    /// The smallest element; NaN if any element is NaN.
    ///
    /// # Errors
    /// [`Error::Empty`] for an empty slice.
    pub fn min(&self, a: &[f32]) -> Result<f32, Error> {
        self.extreme(ExtremeKind::Min, "min", a)
    }

    /// Index of the first largest element, or of the first NaN (as NumPy's `argmax`).
    ///
    /// ```
    /// assert_eq!(lanes::argmax(&[1.0, 7.0, 7.0])?, 1);
    /// assert_eq!(lanes::argmax(&[1.0, f32::NAN, 9.0, f32::NAN])?, 1);
    /// # Ok::<(), lanes::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Empty`] for an empty slice.
    pub fn argmax(&self, a: &[f32]) -> Result<usize, Error> {
        self.arg_extreme(true, "argmax", a)
    }

    /// Index of the first smallest element, or of the first NaN.
    ///
    /// # Errors
    /// [`Error::Empty`] for an empty slice.
    pub fn argmin(&self, a: &[f32]) -> Result<usize, Error> {
        self.arg_extreme(false, "argmin", a)
    }

    /// `out[i] = e^{a[i] - m} / Σ_j e^{a[j] - m}` with `m = max(a)`. NaN anywhere → every output NaN;
    /// `-inf` entries give exactly 0. Empty input is `Ok`.
    ///
    /// ```
    /// let mut out = [0.0; 2];
    /// lanes::softmax(&[0.0, f32::NEG_INFINITY], &mut out)?;
    /// assert_eq!(out, [1.0, 0.0]);
    /// # Ok::<(), lanes::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when `out` differs in length from `a`.
    pub fn softmax(&self, a: &[f32], out: &mut [f32]) -> Result<(), Error> {
        check_lens(a.len(), &[("out", out.len())])?;
        self.softmax_any(false, a.as_ptr(), out.as_mut_ptr(), a.len());
        Ok(())
    }

    /// `out[i] = (a[i] - m) - ln Σ_j e^{a[j] - m}`, `m = max(a)`; stable for any magnitude.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when `out` differs in length from `a`.
    pub fn log_softmax(&self, a: &[f32], out: &mut [f32]) -> Result<(), Error> {
        check_lens(a.len(), &[("out", out.len())])?;
        self.softmax_any(true, a.as_ptr(), out.as_mut_ptr(), a.len());
        Ok(())
    }

    /// In-place [`Kernels::softmax`].
    ///
    /// # Errors
    /// Never fails; returns `Result` for uniformity.
    pub fn softmax_inplace(&self, a: &mut [f32]) -> Result<(), Error> {
        let p = a.as_mut_ptr();
        self.softmax_any(false, p.cast_const(), p, a.len());
        Ok(())
    }

    /// In-place [`Kernels::log_softmax`].
    ///
    /// # Errors
    /// Never fails; returns `Result` for uniformity.
    pub fn log_softmax_inplace(&self, a: &mut [f32]) -> Result<(), Error> {
        let p = a.as_mut_ptr();
        self.softmax_any(true, p.cast_const(), p, a.len());
        Ok(())
    }
}
