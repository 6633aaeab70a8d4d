//! `summary --dem`, `validate --dem` and `synth-dem`: coverage by line of sight over elevation data.

use super::{emit, with_path};
use crate::io::dem;
use crate::io::format::round6 as r6;
use crate::model::rules::{Finding, check_with_coverage};
use crate::model::summary::summarize_with_coverage;
use crate::model::terrain::engine::TerrainCoverage;
use crate::model::terrain::{TerrainEngine, TerrainFigures};
use crate::model::{Plan, Stage, Summary};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;

/// The terrain figures of a plan and its coverage at the end of each deployment stage.
pub struct TerrainRun {
    pub figures: TerrainFigures,
    /// In the order of [`Stage::DEPLOYMENT`].
    pub stages: Vec<TerrainCoverage>,
}

impl TerrainRun {
    pub fn new(figures: TerrainFigures) -> Self {
        let stages = Stage::DEPLOYMENT.iter().map(|&s| figures.stage_coverage(s)).collect();
        Self { figures, stages }
    }

    pub fn summary(&self, plan: &Plan) -> Summary {
        let cov: Vec<_> = self.stages.iter().map(|c| c.coverage.clone()).collect();
        summarize_with_coverage(plan, &cov)
    }

    /// The programme rules with the stage-3 gaps seen over the terrain.
    pub fn findings(&self, plan: &Plan) -> Vec<Finding> {
        match self.stages.last() {
            Some(s3) => crate::model::terrain::label_findings(check_with_coverage(plan, &s3.coverage), &self.figures),
            None => crate::model::rules::check(plan),
        }
    }
}

/// The line-of-sight coverage for `export --dem`: gaps, findings, and the line naming the DEM and the model.
pub fn export_basis(plan: &Plan, run: &TerrainRun) -> crate::io::export::CoverageBasis {
    let f = &run.figures;
    let coverage = |s: Stage| f.stage_coverage(s).coverage;
    crate::io::export::CoverageBasis {
        stage2: coverage(Stage::Two),
        stage3: coverage(Stage::Three),
        findings: run.findings(plan),
        label: format!(
            "Coverage by {} over the elevation data {} ({:.0} m grid, {:.1} % of the border has data)",
            f.params.model_label(),
            f.dem,
            f.resolution_m,
            100.0 * f.border_share
        ),
    }
}

/// The `terrain` object of `summary --dem --json`.
pub fn terrain_json(run: &TerrainRun) -> Value {
    let f = &run.figures;
    let mut v = json!({
        "dem": f.dem,
        "resolution_m": r6(f.resolution_m),
        "border_share": r6(f.border_share),
        "unknown_km": Value::Object(
            Stage::DEPLOYMENT
                .iter()
                .zip(&run.stages)
                .map(|(s, c)| (s.number().to_string(), json!(r6(c.unknown_km))))
                .collect()
        ),
    });
    if let (Value::Object(m), Value::Object(p)) = (&mut v, f.params.model_json()) {
        m.extend(p);
    }
    v
}

/// Opens the DEM and computes the plan's terrain figures; prints the problem and gives exit code 2 on failure,
/// and warns on stderr when the DEM does not cover the whole border.
pub fn run(plan: &Plan, dem_path: &Path) -> Result<TerrainRun, u8> {
    let dem = dem::open(dem_path).map_err(|e| {
        eprintln!("borderplan: cannot use the elevation data: {}", with_path(dem_path, &e.to_string()));
        2u8
    })?;
    let mut engine = TerrainEngine::new(Arc::new(dem));
    let run = TerrainRun::new(engine.figures(plan));
    if run.figures.border_share < 1.0 {
        let uncovered_km = (1.0 - run.figures.border_share) * plan.border.length_km();
        eprintln!(
            "borderplan: warning: {} covers {:.1} % of the border; {uncovered_km:.1} km without data are counted as \
             unknown (not covered)",
            dem_path.display(),
            100.0 * run.figures.border_share
        );
    }
    Ok(run)
}

pub(super) fn print_summary(plan: &Plan, run: &TerrainRun, as_json: bool) -> u8 {
    let summary = run.summary(plan);
    let text = if as_json {
        let mut v = super::summary_json_of(plan, &summary);
        if let Value::Object(m) = &mut v {
            m.insert("terrain".into(), terrain_json(run));
        }
        match serde_json::to_string_pretty(&v) {
            Ok(t) => t + "\n",
            Err(e) => {
                eprintln!("borderplan: cannot print the summary: {e}");
                return 1;
            }
        }
    } else {
        let f = &run.figures;
        let mut t = super::summary_text_of(plan, &summary);
        t.push_str(&format!(
            "\nCoverage by {} over the elevation data {} ({:.0} m grid, {:.1} % of the border covered by the data)\n",
            f.params.model_label(),
            f.dem,
            f.resolution_m,
            100.0 * f.border_share
        ));
        for (s, c) in Stage::DEPLOYMENT.iter().zip(&run.stages) {
            t.push_str(&format!(
                "  stage {}: {:.1} km unknown (no data or voids on every sight line)\n",
                s.number(),
                c.unknown_km
            ));
        }
        t
    };
    emit(&text).err().unwrap_or(0)
}

pub(super) fn synth_dem(output: &Path, fine: bool) -> u8 {
    let border = match crate::io::bundled::border() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("borderplan: the bundled border cannot be read: {e}");
            return 2;
        }
    };
    if let Err(e) = std::fs::create_dir_all(output) {
        eprintln!("borderplan: cannot create {}: {e}", output.display());
        return 1;
    }
    let tiles = dem::synth::tiles_along(border.line(), 0.3);
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    match dem::synth::write_relief(output, &tiles, if fine { 3601 } else { 1201 }, threads) {
        Ok(paths) => {
            eprintln!("Wrote {} synthetic tiles to {}", paths.len(), output.display());
            0
        }
        Err(e) => {
            eprintln!("borderplan: cannot write tiles to {}: {e}", output.display());
            1
        }
    }
}
