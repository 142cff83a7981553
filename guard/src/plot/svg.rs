//! The two chart shapes guard draws, as SVG strings (plotters' SVG backend, text as `<text>` elements, no
//! fonts read): grouped bars over categories, and lines over a sequence of snapshots. Pure: data in, SVG
//! text out, so the output is deterministic and snapshot-tested.

use plotters::prelude::*;

/// Width and height of every chart, pixels.
const SIZE: (u32, u32) = (1000, 480);

/// One named series of a chart: a value per category (bars) or per snapshot (lines); `None` = no value.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// Values, one per category / snapshot.
    pub values: Vec<Option<f64>>,
}

fn color(i: usize) -> RGBColor {
    // A fixed, colour-blind-friendly palette (Okabe–Ito), repeated.
    const P: [RGBColor; 7] = [
        RGBColor(0, 114, 178),
        RGBColor(230, 159, 0),
        RGBColor(0, 158, 115),
        RGBColor(204, 121, 167),
        RGBColor(86, 180, 233),
        RGBColor(213, 94, 0),
        RGBColor(240, 228, 66),
    ];
    P[i % P.len()]
}

fn upper(series: &[Series], reference: Option<f64>) -> f64 {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .filter(|v| v.is_finite())
        .fold(reference.unwrap_or(0.0), f64::max);
    if max > 0.0 {
        max * 1.1
    } else {
        1.0
    }
}

/// The label of the category at `x` when `x` is (close to) an integer, else nothing.
fn category(labels: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    labels.get(i as usize).cloned().unwrap_or_default()
}

/// plotters centres a rotated axis label on its tick, so half of it sits above the axis, under the bars: anchor
/// rotated labels at their start instead, so they hang below the axis (each `<text>` is one line of the SVG).
fn hang_rotated_labels(svg: &str) -> String {
    svg.lines()
        .map(|line| {
            if line.starts_with("<text") && line.contains("transform=\"rotate(90,") {
                line.replacen("text-anchor=\"middle\"", "text-anchor=\"start\"", 1)
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if svg.ends_with('\n') { "\n" } else { "" }
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Grouped bars: one group per category, one bar per series; an optional horizontal reference line
/// (e.g. 1.0 = parity).
///
/// # Errors
/// plotters' drawing error as text (only on invalid data such as no categories).
pub fn bars(
    title: &str,
    y_desc: &str,
    categories: &[String],
    series: &[Series],
    reference: Option<f64>,
) -> Result<String, String> {
    if categories.is_empty() || series.is_empty() {
        return Err("nothing to draw".into());
    }
    let n = categories.len();
    let top = upper(series, reference);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        // Category i is centred on x = i; asking for n labels puts the ticks on the integers.
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(90)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.5f64..n as f64 - 0.5, 0f64..top)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| category(categories, *x))
            .x_label_style(
                ("sans-serif", 12)
                    .into_font()
                    .transform(FontTransform::Rotate90),
            )
            .y_desc(y_desc)
            .draw()
            .map_err(err)?;
        let width = 0.8 / series.len() as f64;
        for (k, s) in series.iter().enumerate() {
            let c = color(k);
            chart
                .draw_series(s.values.iter().enumerate().filter_map(|(i, v)| {
                    let v = v.filter(|v| v.is_finite())?;
                    let x0 = i as f64 - 0.4 + k as f64 * width;
                    Some(Rectangle::new([(x0, 0.0), (x0 + width, v)], c.filled()))
                }))
                .map_err(err)?
                .label(s.name.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], c.filled()));
        }
        if let Some(r) = reference {
            chart
                .draw_series(LineSeries::new(
                    [(-0.5, r), (n as f64 - 0.5, r)],
                    BLACK.stroke_width(1),
                ))
                .map_err(err)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(hang_rotated_labels(&svg))
}

/// Lines over snapshots (x = snapshot labels in order), one line per series with points.
///
/// # Errors
/// plotters' drawing error as text (only on invalid data such as fewer than two snapshots).
pub fn lines(
    title: &str,
    y_desc: &str,
    snapshots: &[String],
    series: &[Series],
) -> Result<String, String> {
    if snapshots.len() < 2 || series.is_empty() {
        return Err("nothing to draw".into());
    }
    let n = snapshots.len();
    let values = || {
        series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .copied()
    };
    let lo = values().fold(0.0_f64, f64::min);
    let hi = values().fold(0.0_f64, f64::max);
    let pad = ((hi - lo) * 0.1).max(1.0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.2f64..(n - 1) as f64 + 0.2, (lo - pad)..(hi + pad))
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| category(snapshots, *x))
            .y_desc(y_desc)
            .draw()
            .map_err(err)?;
        for (k, s) in series.iter().enumerate() {
            let c = color(k);
            let points: Vec<(f64, f64)> = s
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.filter(|v| v.is_finite()).map(|v| (i as f64, v)))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), c.stroke_width(2)))
                .map_err(err)?
                .label(s.name.clone())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 12, y)], c.stroke_width(2)));
            chart
                .draw_series(PointSeries::of_element(
                    points,
                    3,
                    c.filled(),
                    &|p, s, st| Circle::new(p, s, st),
                ))
                .map_err(err)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}
