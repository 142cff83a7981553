//! Synthetic result trees of any size, shaped like the captured fixtures: `wall` Criterion benchmarks and
//! `ir` gungraun summaries with ids `synth<g>/avx2/<i>` (100 per group), every value scaled by `factor`.

use std::fs;
use std::path::Path;

use super::FIXTURES;

/// Number of benchmarks per id group (and per directory).
const GROUP: usize = 100;

/// Writes `<target>/criterion` and `<target>/gungraun` (replacing what is there).
pub fn results(target: &Path, wall: usize, ir: usize, samples: usize, factor: f64) {
    let crit = target.join("criterion");
    let gung = target.join("gungraun");
    for d in [&crit, &gung] {
        if d.exists() {
            fs::remove_dir_all(d).unwrap();
        }
    }
    let iters: Vec<f64> = (1..=samples).map(|i| i as f64 * 1000.0).collect();
    let iters_json = serde_json::to_string(&iters).unwrap();
    for i in 0..wall {
        let id = format!("synth{}/avx2/{i}", i / GROUP);
        let dir = crit.join(&id).join("new");
        fs::create_dir_all(&dir).unwrap();
        let bench = format!(
            r#"{{"group_id":"synth{}","function_id":"avx2","value_str":"{i}","full_id":"{id}","directory_name":"{id}","title":"{id}"}}"#,
            i / GROUP
        );
        fs::write(dir.join("benchmark.json"), bench).unwrap();
        let per_iter = (10 + i % 1000) as f64 * factor;
        let est = format!(
            r#"{{"mean":{{"point_estimate":{}}},"median":{{"point_estimate":{per_iter}}}}}"#,
            per_iter * 1.01
        );
        fs::write(dir.join("estimates.json"), est).unwrap();
        let times: Vec<f64> = iters
            .iter()
            .enumerate()
            .map(|(k, n)| n * per_iter * (1.0 + (k % 7) as f64 * 0.01))
            .collect();
        let sample = format!(
            r#"{{"sampling_mode":"Linear","iters":{iters_json},"times":{}}}"#,
            serde_json::to_string(&times).unwrap()
        );
        fs::write(dir.join("sample.json"), sample).unwrap();
    }
    let mut summary: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(format!(
            "{FIXTURES}/gungraun-identical/fixturegen/instructions/add/add_avx2.n100/summary.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let ir_value = &mut summary["profiles"][0]["data"]["total"]["metrics"]["Ir"]["values"]["new"];
    *ir_value = serde_json::json!((412.0 * factor).round() as u64);
    let template = summary.to_string();
    for i in 0..ir {
        let g = i / GROUP;
        let dir = gung.join(format!("synth/instructions/synth{g}/avx2.n{i}"));
        fs::create_dir_all(&dir).unwrap();
        let text = template
            .replace(
                "\"function_name\":\"add_avx2\"",
                "\"function_name\":\"avx2\"",
            )
            .replace("\"group\":\"add\"", &format!("\"group\":\"synth{g}\""))
            .replace("\"id\":\"n100\"", &format!("\"id\":\"n{i}\""));
        fs::write(dir.join("summary.json"), text).unwrap();
    }
}
