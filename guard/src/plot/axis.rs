//! The value axis of a bar chart: linear from 0, or logarithmic when the values span more than a decade
//! (a linear axis drew every lanes / NumPy ratio at 100 elements, 0.004 to 0.15, as a sliver under 0.2 of a
//! 0-1.1 axis). Pure: values in, range and ticks out.

/// Values whose largest is more than this many times the smallest (all positive) get a log axis.
pub const LOG_SPAN: f64 = 10.0;

/// How positions along the axis relate to values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Position = value; bars start at 0.
    Linear,
    /// Position = log10(value); bars start at the bottom of the axis.
    Log,
}

/// A value axis: its scale, the range of values it shows and where its labelled ticks are.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Linear or logarithmic.
    pub scale: Scale,
    /// Lowest value shown (where bars start).
    pub lo: f64,
    /// Highest value shown.
    pub hi: f64,
    /// Labelled ticks, as values, ascending.
    pub ticks: Vec<f64>,
}

impl Axis {
    /// The axis for bars of `values` (non-finite ones ignored) and an optional reference line (which must
    /// be in range too): log when every value is positive and the largest is more than [`LOG_SPAN`] times
    /// the smallest, else linear from 0 (or from the smallest negative value).
    #[must_use]
    pub fn for_values(values: &[f64], reference: Option<f64>) -> Self {
        let all: Vec<f64> = values
            .iter()
            .chain(reference.iter())
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        let min = all.iter().copied().fold(f64::INFINITY, f64::min);
        let max = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if all.is_empty() {
            return Self::linear(0.0, 1.0);
        }
        if min > 0.0 && max / min > LOG_SPAN {
            return Self::log(min, max);
        }
        Self::linear(min.min(0.0), max.max(0.0))
    }

    /// Linear from `min` (<= 0) to a little above `max`, about 8 ticks on a 1-2-5 step.
    fn linear(min: f64, max: f64) -> Self {
        let span = if max > min { max - min } else { 1.0 };
        let step = nice_step(span / 8.0);
        let lo = (min / step).floor() * step;
        let hi = if max > 0.0 { max * 1.1 } else { step };
        let first = (lo / step).round() as i64;
        let last = (hi / step).floor() as i64;
        let ticks = (first..=last).map(|i| round_sig(i as f64 * step)).collect();
        Self {
            scale: Scale::Linear,
            lo,
            hi,
            ticks,
        }
    }

    /// Logarithmic from a little below `min` (down to 1, 2 or 5 times a power of ten) to a little above
    /// `max`, ticks at 1, 2 and 5 times each power of ten.
    fn log(min: f64, max: f64) -> Self {
        let below = min / 1.3;
        let power = 10f64.powf(below.log10().floor());
        let lo = [5.0, 2.0, 1.0]
            .into_iter()
            .map(|m| m * power)
            .find(|v| *v <= below)
            .unwrap_or(power);
        let hi = max * 1.3;
        let mut ticks = Vec::new();
        let mut decade = power;
        while decade <= hi {
            for m in [1.0, 2.0, 5.0] {
                let t = m * decade;
                if t >= lo * 0.999 && t <= hi {
                    ticks.push(round_sig(t));
                }
            }
            decade *= 10.0;
        }
        Self {
            scale: Scale::Log,
            lo,
            hi,
            ticks,
        }
    }

    /// Where `v` sits along the axis (the chart's y coordinate).
    #[must_use]
    pub fn pos(&self, v: f64) -> f64 {
        match self.scale {
            Scale::Linear => v,
            Scale::Log => v.max(self.lo).log10(),
        }
    }

    /// The value at position `p` (inverse of [`Self::pos`]).
    #[must_use]
    pub fn value(&self, p: f64) -> f64 {
        match self.scale {
            Scale::Linear => p,
            Scale::Log => 10f64.powf(p),
        }
    }

    /// Where bars start: 0 on a linear axis (clamped to the range), the bottom on a log axis.
    #[must_use]
    pub fn base(&self) -> f64 {
        match self.scale {
            Scale::Linear => 0.0_f64.clamp(self.lo, self.hi),
            Scale::Log => self.lo,
        }
    }
}

/// The smallest of 1, 2, 5 times a power of ten that is at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(10.0 * p)
}

/// `v` rounded to 6 significant digits (so that 0.1 * 3 prints as 0.3).
fn round_sig(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let scale = 10f64.powf(5.0 - v.abs().log10().floor());
    (v * scale).round() / scale
}

/// A tick label: as few digits as the value needs (`0.002`, `0.5`, `1`, `20`, `2.5`).
#[must_use]
pub fn label(v: f64) -> String {
    let s = format!("{:.6}", round_sig(v));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_over_a_decade_get_a_log_axis() {
        // lanes / NumPy at 100 elements (docs/PERFORMANCE.md): 0.004 .. 0.15, parity at 1.
        let a = Axis::for_values(&[0.004, 0.04, 0.15], Some(1.0));
        assert_eq!(a.scale, Scale::Log);
        assert!(a.lo <= 0.004 && a.hi >= 1.0, "{a:?}");
        let labels: Vec<String> = a.ticks.iter().map(|t| label(*t)).collect();
        assert_eq!(
            labels,
            ["0.002", "0.005", "0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"]
        );
        // Within a decade, or with a value <= 0: linear from 0.
        assert_eq!(
            Axis::for_values(&[0.5, 1.4], Some(1.0)).scale,
            Scale::Linear
        );
        assert_eq!(Axis::for_values(&[0.0, 50.0], None).scale, Scale::Linear);
        assert_eq!(Axis::for_values(&[-3.0, 40.0], None).scale, Scale::Linear);
        assert_eq!(Axis::for_values(&[1.0, 10.0], None).scale, Scale::Linear);
        assert_eq!(Axis::for_values(&[1.0, 10.5], None).scale, Scale::Log);
    }

    #[test]
    fn every_bar_has_height_on_a_log_axis() {
        // A speed-up of 1.0 (no gain over scalar) still rises above the bottom of the axis.
        let a = Axis::for_values(&[1.0, 20.0], Some(1.0));
        assert!(a.pos(1.0) > a.pos(a.base()), "{a:?}");
        assert!((a.value(a.pos(20.0)) - 20.0).abs() < 1e-9);
    }

    #[test]
    fn linear_ticks_are_round_and_in_range() {
        let a = Axis::for_values(&[0.52, 0.38, 1.45], Some(1.0));
        let labels: Vec<String> = a.ticks.iter().map(|t| label(*t)).collect();
        assert_eq!(labels, ["0", "0.2", "0.4", "0.6", "0.8", "1", "1.2", "1.4"]);
        assert!(a.hi >= 1.45 && a.base() == 0.0);
        let neg = Axis::for_values(&[-12.0, 30.0], None);
        assert!(neg.lo <= -12.0 && neg.ticks.contains(&0.0), "{neg:?}");
        assert_eq!(
            Axis::for_values(&[], None).ticks,
            [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
        );
    }
}
