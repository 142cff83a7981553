//! softmax and log_softmax: max-subtracted, three passes (max; exp and its blocked f64 sum; normalise).

use super::elementwise::map;
use super::math::exp_nonpositive;
use super::reduction::{extreme, max1, sum_blocked};
use crate::simd::{Op, Simd};

/// `softmax` (`log = false`) or `log_softmax` (`log = true`) of `n` values from `src` into `dst`.
pub(crate) struct SoftmaxOp {
    pub(crate) log: bool,
    pub(crate) src: *const f32,
    pub(crate) dst: *mut f32,
    pub(crate) n: usize,
}

impl Op for SoftmaxOp {
    type Output = ();

    #[inline(always)]
    fn run<S: Simd>(self, s: S) {
        let Self { log, src, dst, n } = self;
        if n == 0 {
            return;
        }
        // SAFETY: (whole body) the safe API validated that `src` and `dst` hold `n >= 1` values; `dst` may equal
        // `src` (in-place form): every pass reads element `i` before it writes element `i`, and `sum_blocked` hands the
        // step in-bounds `(i, len)` ranges only.
        unsafe {
            let m = extreme(
                s,
                src,
                n,
                #[inline(always)]
                |x, y| s.max(x, y),
                max1,
                #[inline(always)]
                |x| x,
            );
            let mv = s.splat(m);
            if log {
                // log_softmax(x) = (x - m) - ln Σ exp(x - m); NaN anywhere makes m NaN and every output NaN.
                let total = sum_blocked(
                    s,
                    [src],
                    n,
                    f32::NEG_INFINITY,
                    #[inline(always)]
                    |acc, [x], _, _| s.add(acc, exp_nonpositive(s, s.sub(x, mv))),
                );
                let lse = s.splat(total.ln() as f32);
                map(
                    s,
                    [src],
                    dst,
                    n,
                    #[inline(always)]
                    |[x]| s.sub(s.sub(x, mv), lse),
                );
            } else {
                // One pass: e = exp(x - m) is stored and summed (tail lanes load -inf, so they add 0).
                let total = sum_blocked(
                    s,
                    [src],
                    n,
                    f32::NEG_INFINITY,
                    #[inline(always)]
                    |acc, [x], i, len| {
                        let e = exp_nonpositive(s, s.sub(x, mv));
                        if len == S::LANES {
                            s.store(dst.add(i), e);
                        } else {
                            s.store_partial(dst.add(i), len, e);
                        }
                        s.add(acc, e)
                    },
                );
                let r = s.splat((1.0 / total) as f32);
                map(
                    s,
                    [dst.cast_const()],
                    dst,
                    n,
                    #[inline(always)]
                    |[x]| s.mul(x, r),
                );
            }
        }
    }
}
