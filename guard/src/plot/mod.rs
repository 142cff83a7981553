//! `guard check --plot DIR`: SVG charts of the results (see [`svg`] for the drawing).
//!
//! - `ratio-n<size>.svg` — lanes / NumPy and lanes / PyTorch time per op at one size (fastest lanes
//!   backend; line at 1 = parity);
//! - `backends-n<size>.svg` — speed-up of each backend over `scalar` per op at one size, from wall-clock
//!   medians when there are any, else from instruction counts (the title says which);
//! - `history-<suite>.svg` — when `<baselines>/history/` holds earlier baseline files of a suite: the change
//!   of each benchmark (the most-changed ones) relative to the oldest snapshot, snapshot by snapshot.
//!
//! Values are the report's current values, and its baseline values for benchmarks without a current
//! result; a suite the check did not run is read from its baseline file(s) in the baselines directory.
//! That way `guard check --no-bench --plot DIR` also draws from committed baselines.

pub mod axis;
pub mod data;
pub mod svg;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::Result;
use crate::fsio;
use crate::suite::BenchId;
pub use data::PlotData;
use svg::Series;

/// At most this many lines in a history chart (the most-changed benchmarks).
const HISTORY_LINES: usize = 8;

/// One chart: file name and SVG text.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File name inside the plot directory (`ratio-n1000.svg`, …).
    pub file: String,
    /// The SVG document.
    pub svg: String,
}

/// Ratio charts, one per size.
fn ratio_charts(d: &PlotData) -> Vec<Chart> {
    let sizes: BTreeSet<u64> = d.ratios.iter().map(|c| c.size).collect();
    let mut out = Vec::new();
    for size in sizes {
        let cells: Vec<_> = d.ratios.iter().filter(|c| c.size == size).collect();
        let ops: Vec<String> = cells.iter().map(|c| c.op.clone()).collect();
        let mut series = vec![Series {
            name: "lanes / NumPy".into(),
            values: cells.iter().map(|c| Some(c.ratio)).collect(),
        }];
        if cells.iter().any(|c| c.torch_ns.is_some()) {
            series.push(Series {
                name: "lanes / PyTorch".into(),
                values: cells
                    .iter()
                    .map(|c| c.torch_ns.filter(|t| *t > 0.0).map(|t| c.lanes_ns / t))
                    .collect(),
            });
        }
        if let Ok(svg) = svg::bars(
            &format!("lanes time / reference time, n = {size} (lower is better)"),
            "lanes time / reference time",
            &ops,
            &series,
            Some((1.0, "parity")),
        ) {
            out.push(Chart {
                file: format!("ratio-n{size}.svg"),
                svg,
            });
        }
    }
    out
}

/// Backend speed-up over scalar, one chart per size.
fn backend_charts(d: &PlotData) -> Vec<Chart> {
    let (values, what) = if d.wall.is_empty() {
        (&d.ir, "instruction counts")
    } else {
        (&d.wall, "wall-clock medians")
    };
    // size → op → backend → value
    let mut grid: BTreeMap<u64, BTreeMap<&str, BTreeMap<&str, f64>>> = BTreeMap::new();
    for (id, v) in values {
        if let Some(id) = BenchId::parse(id) {
            grid.entry(id.size)
                .or_default()
                .entry(id.op)
                .or_default()
                .insert(id.backend, *v);
        }
    }
    let mut out = Vec::new();
    for (size, ops) in grid {
        let backends: BTreeSet<&str> = ops
            .values()
            .flat_map(|b| b.keys().copied())
            .filter(|b| *b != "scalar")
            .collect();
        let names: Vec<String> = ops.keys().map(|o| (*o).to_string()).collect();
        let series: Vec<Series> = backends
            .iter()
            .map(|b| Series {
                name: (*b).to_string(),
                values: ops
                    .values()
                    .map(|m| match (m.get("scalar"), m.get(b)) {
                        (Some(s), Some(v)) if *v > 0.0 => Some(s / v),
                        _ => None,
                    })
                    .collect(),
            })
            .filter(|s| s.values.iter().any(Option::is_some))
            .collect();
        if let Ok(svg) = svg::bars(
            &format!("speed-up over scalar, n = {size} ({what}; higher is better)"),
            "scalar time / backend time",
            &names,
            &series,
            Some((1.0, "scalar")),
        ) {
            out.push(Chart {
                file: format!("backends-n{size}.svg"),
                svg,
            });
        }
    }
    out
}

/// History charts, one per suite with at least two snapshots.
fn history_charts(d: &PlotData) -> Vec<Chart> {
    let mut out = Vec::new();
    for (suite, snapshots) in &d.history {
        if snapshots.len() < 2 {
            continue;
        }
        let first = &snapshots[0].1;
        let change = |id: &str, snap: &BTreeMap<String, f64>| {
            let (a, b) = (first.get(id)?, snap.get(id)?);
            (*a > 0.0).then(|| (b / a - 1.0) * 100.0)
        };
        let mut ids: Vec<(&String, f64)> = first
            .keys()
            .map(|id| {
                let worst = snapshots
                    .iter()
                    .filter_map(|(_, s)| change(id, s))
                    .fold(0.0_f64, |m, c| m.max(c.abs()));
                (id, worst)
            })
            .collect();
        ids.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        ids.truncate(HISTORY_LINES);
        let series: Vec<Series> = ids
            .iter()
            .map(|(id, _)| Series {
                name: (*id).clone(),
                values: snapshots.iter().map(|(_, s)| change(id, s)).collect(),
            })
            .collect();
        let labels: Vec<String> = snapshots.iter().map(|(l, _)| l.clone()).collect();
        if let Ok(svg) = svg::lines(
            &format!(
                "{suite}: change since {} (most-changed benchmarks)",
                labels[0]
            ),
            "change %",
            &labels,
            &series,
        ) {
            out.push(Chart {
                file: format!("history-{suite}.svg"),
                svg,
            });
        }
    }
    out
}

/// Every chart the data allows, in file-name order.
#[must_use]
pub fn charts(d: &PlotData) -> Vec<Chart> {
    let mut all = ratio_charts(d);
    all.extend(backend_charts(d));
    all.extend(history_charts(d));
    all.sort_by(|a, b| a.file.cmp(&b.file));
    all
}

/// Writes every chart into `dir` (created if needed), each atomically. Returns the files written (none
/// when the data allows no chart: no NumPy ratios, no `<op>/<backend>/<size>` values, no history).
///
/// # Errors
/// [`crate::Error::Io`] when the directory or a file cannot be written.
pub fn write(dir: &Path, d: &PlotData) -> Result<Vec<String>> {
    let all = charts(d);
    fsio::create_dir_all(dir)?;
    for c in &all {
        fsio::write_atomic(&dir.join(&c.file), c.svg.as_bytes())?;
    }
    Ok(all.into_iter().map(|c| c.file).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::NumpyCell;
    use crate::suite::Suite;

    fn cell(op: &str, size: u64, ratio: f64, torch: Option<f64>) -> NumpyCell {
        NumpyCell {
            op: op.into(),
            size,
            backend: "avx2".into(),
            lanes_ns: ratio * 100.0,
            numpy_ns: 100.0,
            ratio,
            ok: ratio <= 1.2,
            torch_ns: torch,
        }
    }

    pub(crate) fn sample() -> PlotData {
        let mut d = PlotData::default();
        for (id, v) in [
            ("add/scalar/1000", 800.0),
            ("add/avx2/1000", 100.0),
            ("add/sse2/1000", 200.0),
            ("exp/scalar/1000", 9000.0),
            ("exp/avx2/1000", 1000.0),
            ("add/scalar/100", 80.0),
            ("add/avx2/100", 20.0),
        ] {
            d.wall.insert(id.into(), v);
        }
        d.ratios = vec![
            cell("add", 1000, 0.5, Some(80.0)),
            cell("exp", 1000, 1.4, None),
            cell("add", 100, 0.9, Some(300.0)),
        ];
        let snap = |date: &str, a: f64, b: f64| {
            (
                date.to_string(),
                BTreeMap::from([
                    ("add/avx2/1000".to_string(), a),
                    ("exp/avx2/1000".to_string(), b),
                ]),
            )
        };
        d.history.insert(
            Suite::Instructions,
            vec![
                snap("2026-10-01", 1000.0, 5000.0),
                snap("2026-11-01", 1000.0, 5500.0),
                snap("2026-11-25", 990.0, 5200.0),
            ],
        );
        d
    }

    #[test]
    fn every_chart_the_data_allows() {
        let files: Vec<String> = charts(&sample()).into_iter().map(|c| c.file).collect();
        assert_eq!(
            files,
            [
                "backends-n100.svg",
                "backends-n1000.svg",
                "history-instructions.svg",
                "ratio-n100.svg",
                "ratio-n1000.svg"
            ]
        );
        assert!(charts(&PlotData::default()).is_empty());
    }

    #[test]
    fn snapshots() {
        for c in charts(&sample()) {
            assert!(c.svg.starts_with("<svg"), "{}", c.file);
            assert!(!c.svg.contains("NaN"), "{}", c.file);
            insta::assert_snapshot!(c.file.clone(), c.svg);
        }
    }

    /// The number in `name="…"` on an SVG line.
    fn attr(line: &str, name: &str) -> Option<f64> {
        let start = line.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = start + line[start..].find('"')?;
        line[start..end].trim_end_matches("px").parse().ok()
    }

    #[test]
    fn text_is_at_least_12_px_where_github_shows_it() {
        for c in charts(&sample()) {
            let first = c.svg.lines().next().unwrap();
            let width = attr(first, "width").unwrap();
            // GitHub shows an image at most as wide as its 832 px content column, scaled down if wider.
            let scale = (832.0 / width).min(1.0);
            let sizes: Vec<f64> = c.svg.lines().filter_map(|l| attr(l, "font-size")).collect();
            assert!(!sizes.is_empty(), "{}", c.file);
            for s in sizes {
                assert!(
                    s * scale >= 12.0 - 1e-9,
                    "{}: {s} px text at scale {scale}",
                    c.file
                );
            }
        }
    }

    #[test]
    fn the_legend_sits_above_the_bars_and_the_reference_line_is_labelled() {
        let c = charts(&sample());
        let ratio = &c.iter().find(|c| c.file == "ratio-n100.svg").unwrap().svg;
        let lines: Vec<&str> = ratio.lines().collect();
        let legend = lines
            .iter()
            .position(|l| *l == "lanes / NumPy")
            .and_then(|i| attr(lines[i - 1], "y"))
            .unwrap();
        let bar_tops: Vec<f64> = lines
            .iter()
            .filter(|l| l.starts_with("<rect") && l.contains("fill=\"#0072B2\""))
            .filter_map(|l| attr(l, "y"))
            .collect();
        // The first blue rectangle is the legend's swatch, the others are bars, all below the legend.
        assert!(bar_tops.len() >= 2, "{ratio}");
        assert!(
            bar_tops[1..].iter().all(|y| *y > legend + 10.0),
            "{legend} {bar_tops:?}"
        );
        assert!(ratio.contains("\n1 = parity\n"), "{ratio}");
        let speedup = &c
            .iter()
            .find(|c| c.file == "backends-n1000.svg")
            .unwrap()
            .svg;
        assert!(speedup.contains("\n1 = scalar\n"), "{speedup}");
    }

    #[test]
    fn values_over_a_decade_get_a_log_axis() {
        let mut d = sample();
        d.wall.clear();
        d.history.clear();
        d.ratios = vec![cell("add", 100, 0.004, None), cell("exp", 100, 0.15, None)];
        let svg = &charts(&d)[0].svg;
        assert!(
            svg.contains("(log scale)") && svg.contains("\n0.01\n"),
            "{svg}"
        );
        d.ratios = vec![cell("add", 100, 0.5, None), cell("exp", 100, 1.4, None)];
        let svg = &charts(&d)[0].svg;
        assert!(
            !svg.contains("(log scale)") && svg.contains("\n0.2\n"),
            "{svg}"
        );
    }

    #[test]
    fn backend_speedups_are_scalar_over_backend() {
        let c = charts(&sample());
        let b = c.iter().find(|c| c.file == "backends-n1000.svg").unwrap();
        assert!(b.svg.contains("wall-clock medians"), "{}", b.svg);
        assert!(b.svg.contains("\navx2\n") && b.svg.contains("\nsse2\n"));
        assert!(
            b.svg.contains("\nadd\n") && b.svg.contains("\nexp\n"),
            "category labels"
        );
    }
}
