//! The two chart shapes guard draws, as SVG strings (plotters' SVG backend, text as `<text>` elements, no
//! fonts read): grouped bars over categories, and lines over a sequence of snapshots. Pure: data in, SVG
//! text out, so the output is deterministic and snapshot-tested.
//!
//! Made to be read where the charts are shown, in markdown on GitHub (checked with
//! `scripts/render-report.sh`): the SVG is as wide as GitHub's content column ([`WIDTH`]), so it is shown at
//! its own size and no text is smaller than [`TEXT_PX`] (a 1,000 px chart with 9.7 px text was scaled down to
//! 8 px text). The legend sits in a row under the title, outside the plotting area, where it cannot cover a
//! bar; a reference line is named at its right end; a bar chart's value axis is logarithmic when the values
//! span more than a decade ([`super::axis`]).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{self, Axis};

/// Width of every chart, pixels: GitHub's markdown content width.
pub const WIDTH: u32 = 832;

/// Height of every chart, pixels.
const HEIGHT: u32 = 520;

/// Size of the title, pixels.
const TITLE_PX: f64 = 18.0;

/// Size of all other text (axis labels, legend, reference labels), pixels: the smallest text in a chart.
pub const TEXT_PX: f64 = 13.0;

/// plotters writes a font of size `s` as `font-size = s / 1.24`, so sizes are asked for multiplied by this.
const PLOTTERS_FONT_SCALE: f64 = 1.24;

/// Left edge of the legend and of the plotting area's labels.
const MARGIN: i32 = 12;

/// Height of one legend row.
const ROW: i32 = 22;

/// A horizontal reference line: its value and the label written at its right end.
pub type Reference<'a> = (f64, &'a str);

/// One named series of a chart: a value per category (bars) or per snapshot (lines); `None` = no value.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// Values, one per category / snapshot.
    pub values: Vec<Option<f64>>,
}

fn font(px: f64) -> FontDesc<'static> {
    ("sans-serif", px * PLOTTERS_FONT_SCALE).into_font()
}

/// Estimated width of `text` at [`TEXT_PX`] (sans-serif averages about 0.6 em per character).
fn text_width(text: &str) -> i32 {
    (text.chars().count() as f64 * TEXT_PX * 0.6).ceil() as i32
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

/// One legend entry: a filled square (bars) or a short line (lines) in `color`, then `name`.
struct Key<'a> {
    name: &'a str,
    color: RGBColor,
    line: bool,
}

/// One legend key per series, in series order (`line`: drawn as a line, else as a bar).
fn keys(series: &[Series], line: bool) -> Vec<Key<'_>> {
    series
        .iter()
        .enumerate()
        .map(|(k, s)| Key {
            name: &s.name,
            color: color(k),
            line,
        })
        .collect()
}

/// A white chart with its [`header`]; returns the area below the header, where the plot goes.
fn framed<'a>(
    root: &DrawingArea<SVGBackend<'a>, Shift>,
    title: &str,
    keys: &[Key],
) -> Result<DrawingArea<SVGBackend<'a>, Shift>, String> {
    root.fill(&WHITE).map_err(err)?;
    let top = header(root, title, keys)?;
    Ok(root.split_vertically(top).1)
}

/// Draws the title and, under it, the legend in rows across the chart's width (outside the plotting area).
/// Returns the height they take.
fn header(root: &DrawingArea<SVGBackend, Shift>, title: &str, keys: &[Key]) -> Result<u32, String> {
    let width = WIDTH as i32;
    root.draw(&Text::new(
        title.to_string(),
        (width / 2, 10),
        font(TITLE_PX)
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Top)),
    ))
    .map_err(err)?;
    let (mut x, mut y) = (MARGIN, 10 + TITLE_PX as i32 + 10);
    for k in keys {
        let w = 22 + text_width(k.name) + 20;
        if x > MARGIN && x + w > width - MARGIN {
            (x, y) = (MARGIN, y + ROW);
        }
        let mid = y + ROW / 2;
        if k.line {
            root.draw(&PathElement::new(
                [(x, mid), (x + 16, mid)],
                k.color.stroke_width(3),
            ))
            .map_err(err)?;
        } else {
            root.draw(&Rectangle::new(
                [(x + 1, mid - 7), (x + 15, mid + 7)],
                k.color.filled(),
            ))
            .map_err(err)?;
        }
        root.draw(&Text::new(
            k.name.to_string(),
            (x + 22, mid),
            font(TEXT_PX)
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
        x += w;
    }
    Ok((y + ROW + 8) as u32)
}

/// Grouped bars: one group per category, one bar per series; an optional horizontal reference line (e.g.
/// 1.0 = parity) labelled at its right end. The value axis is linear from 0, or logarithmic when the values
/// span more than a decade (see [`Axis::for_values`]).
///
/// # Errors
/// plotters' drawing error as text (only on invalid data such as no categories).
pub fn bars(
    title: &str,
    y_desc: &str,
    categories: &[String],
    series: &[Series],
    reference: Option<Reference>,
) -> Result<String, String> {
    if categories.is_empty() || series.is_empty() {
        return Err("nothing to draw".into());
    }
    let n = categories.len();
    let values: Vec<f64> = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .collect();
    let axis = Axis::for_values(&values, reference.map(|r| r.0));
    let keys = keys(series, false);
    let longest = categories.iter().map(|c| text_width(c)).max().unwrap_or(0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let body = framed(&root, title, &keys)?;
        // Category i is centred on x = i; asking for n labels puts the ticks on the integers.
        let mut chart = ChartBuilder::on(&body)
            .margin(8)
            .margin_right(if reference.is_some() { 90 } else { 16 })
            .x_label_area_size(longest as u32 + 16)
            .y_label_area_size(70)
            .build_cartesian_2d(
                -0.5f64..n as f64 - 0.5,
                axis.pos(axis.lo)..axis.pos(axis.hi),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|x| category(categories, *x))
            .x_label_style(font(TEXT_PX).transform(FontTransform::Rotate90))
            // The value axis's ticks are the axis's own (1-2-5 steps, or per decade), drawn below.
            .y_labels(0)
            .disable_y_mesh()
            .axis_desc_style(font(TEXT_PX))
            .y_desc(match axis.scale {
                axis::Scale::Log => format!("{y_desc} (log scale)"),
                axis::Scale::Linear => y_desc.to_string(),
            })
            .draw()
            .map_err(err)?;
        for t in &axis.ticks {
            let y = axis.pos(*t);
            chart
                .draw_series(LineSeries::new(
                    [(-0.5, y), (n as f64 - 0.5, y)],
                    BLACK.mix(0.15).stroke_width(1),
                ))
                .map_err(err)?;
            let (px, py) = chart.backend_coord(&(-0.5, y));
            root.draw(&PathElement::new([(px - 5, py), (px, py)], BLACK))
                .map_err(err)?;
            root.draw(&Text::new(
                axis::label(*t),
                (px - 8, py),
                font(TEXT_PX)
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(err)?;
        }
        let width = 0.8 / series.len() as f64;
        let base = axis.pos(axis.base());
        for (k, s) in series.iter().enumerate() {
            let c = color(k);
            chart
                .draw_series(s.values.iter().enumerate().filter_map(|(i, v)| {
                    let v = v.filter(|v| v.is_finite())?;
                    let x0 = i as f64 - 0.4 + k as f64 * width;
                    Some(Rectangle::new(
                        [(x0, base), (x0 + width, axis.pos(v))],
                        c.filled(),
                    ))
                }))
                .map_err(err)?;
        }
        if let Some((value, label)) = reference {
            let y = axis.pos(value);
            chart
                .draw_series(LineSeries::new(
                    [(-0.5, y), (n as f64 - 0.5, y)],
                    BLACK.stroke_width(2),
                ))
                .map_err(err)?;
            let (px, py) = chart.backend_coord(&(n as f64 - 0.5, y));
            root.draw(&Text::new(
                format!("{} = {label}", axis::label(value)),
                (px + 6, py),
                font(TEXT_PX)
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(hang_rotated_labels(&svg))
}

/// Lines over snapshots (x = snapshot labels in order), one line per series with points; the legend sits
/// under the title.
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
    let keys = keys(series, true);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let body = framed(&root, title, &keys)?;
        let mut chart = ChartBuilder::on(&body)
            .margin(8)
            .margin_right(24)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(-0.2f64..(n - 1) as f64 + 0.2, (lo - pad)..(hi + pad))
            .map_err(err)?;
        chart
            .configure_mesh()
            .max_light_lines(0)
            .x_labels(n)
            .x_label_formatter(&|x| category(snapshots, *x))
            .x_label_style(font(TEXT_PX))
            .y_label_formatter(&|y| axis::label(*y))
            .y_label_style(font(TEXT_PX))
            .axis_desc_style(font(TEXT_PX))
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
                .map_err(err)?;
            chart
                .draw_series(PointSeries::of_element(
                    points,
                    3,
                    c.filled(),
                    &|p, s, st| Circle::new(p, s, st),
                ))
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}
