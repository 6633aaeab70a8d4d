//! Terrain-aware coverage: line of sight from each sensor to the border over an elevation model.
//!
//! The elevation data itself is read by `io::dem`; this module sees it through the [`Elevation`] trait, so the
//! model stays free of file formats. The parts:
//! - [`TerrainParams`]: refraction, target height (plan settings, stored in the plan file's `terrain` member);
//! - [`sensors`]: where each surveillance unit stands and how it looks (mast, airborne, or range only);
//! - [`los`]: one sight line over the terrain with earth curvature and refraction, and the border samples;
//! - [`engine`]: per-sensor views cached by position and parameters, combined into coverage per stage/quarter.

pub mod engine;
pub mod los;
pub mod sensors;

pub use engine::{SensorView, TerrainEngine, TerrainFigures};
pub use los::{BorderSamples, Visibility, sight_line};
pub use sensors::{Sensor, Sight, plan_sensors};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Elevation data as the model sees it.
pub trait Elevation: Send + Sync {
    /// Bilinear elevation in metres at a lon/lat; `None` where the data is void or does not reach (never 0).
    fn elevation_m(&self, lon: f64, lat: f64) -> Option<f64>;
    /// North–south spacing of the grid, in metres (≈ 30.9 m for 1″ data, 92.6 m for 3″).
    fn resolution_m(&self) -> f64;
    /// What the data is (its path as given), for reports and cache keys.
    fn name(&self) -> &str;
}

/// Default coefficient of atmospheric refraction (the usual value for visible and near-infrared light).
pub const DEFAULT_REFRACTION_K: f64 = 0.13;
/// Default height of a person or vehicle the sensors must see, in metres above the ground.
pub const DEFAULT_TARGET_HEIGHT_M: f64 = 2.0;
/// Border sampling: at most this many metres between samples.
pub const SAMPLE_SPACING_M: f64 = 100.0;

/// The terrain settings of a plan: where its elevation data is and the line-of-sight model's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TerrainParams {
    /// The elevation data the plan was made with (relative to the plan file when possible).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dem: Option<String>,
    #[serde(default = "default_k")]
    pub refraction_k: f64,
    #[serde(default = "default_target")]
    pub target_height_m: f64,
}

fn default_k() -> f64 {
    DEFAULT_REFRACTION_K
}
fn default_target() -> f64 {
    DEFAULT_TARGET_HEIGHT_M
}

impl Default for TerrainParams {
    fn default() -> Self {
        Self { dem: None, refraction_k: DEFAULT_REFRACTION_K, target_height_m: DEFAULT_TARGET_HEIGHT_M }
    }
}

/// The member of the plan file's `borderplan` header that holds [`TerrainParams`].
pub const PLAN_MEMBER: &str = "terrain";

impl TerrainParams {
    /// The plan's settings, or the defaults when it has none (or they are not numbers in range).
    pub fn of_plan(plan: &super::Plan) -> Self {
        let p: Self =
            plan.extra.get(PLAN_MEMBER).and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default();
        p.sanitized()
    }

    /// Writes these settings into the plan's header (kept and saved by the plan file).
    pub fn store_in(&self, plan: &mut super::Plan) {
        if let Ok(v) = serde_json::to_value(self) {
            plan.extra.insert(PLAN_MEMBER.into(), v);
        }
    }

    /// Out-of-range values fall back to the defaults (k in 0…1, target height 0…100 m).
    pub fn sanitized(mut self) -> Self {
        if !(self.refraction_k.is_finite() && (0.0..1.0).contains(&self.refraction_k)) {
            self.refraction_k = DEFAULT_REFRACTION_K;
        }
        if !(self.target_height_m.is_finite() && (0.0..=100.0).contains(&self.target_height_m)) {
            self.target_height_m = DEFAULT_TARGET_HEIGHT_M;
        }
        self
    }

    /// Checks values typed by the planner: the target height 0–100 m, k 0–1 (exclusive; 0.13 for light, about
    /// 0.25 for radar); the message names the field and the allowed range.
    ///
    /// # Errors
    /// A sentence saying which value is wrong and what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        validate_target_height(self.target_height_m)?;
        validate_refraction(self.refraction_k)
    }

    /// One line naming the model, e.g. for reports: "line of sight, k = 0.13, target 2 m".
    pub fn model_label(&self) -> String {
        format!("line of sight (refraction k = {}, target height {} m)", self.refraction_k, self.target_height_m)
    }

    /// The parameters as JSON (the CLI's `terrain` object adds the DEM and its resolution).
    pub fn model_json(&self) -> Value {
        serde_json::json!({
            "model": "line-of-sight",
            "refraction_k": self.refraction_k,
            "target_height_m": self.target_height_m,
            "sample_spacing_m": SAMPLE_SPACING_M,
        })
    }
}

/// The target height must be 0–100 m.
///
/// # Errors
/// A sentence naming the value and the range.
pub fn validate_target_height(h: f64) -> Result<(), String> {
    if !h.is_finite() || h < 0.0 {
        return Err(format!("Target height {h} m: it must be 0 m or more (height above the ground)"));
    }
    if h > 100.0 {
        return Err(format!("Target height {h} m: at most 100 m (a person is 2 m, a lorry 4 m)"));
    }
    Ok(())
}

/// The refraction coefficient must lie in 0 ≤ k < 1.
///
/// # Errors
/// A sentence naming the value and the range.
pub fn validate_refraction(k: f64) -> Result<(), String> {
    if !(k.is_finite() && (0.0..1.0).contains(&k)) {
        return Err(format!(
            "Refraction k = {k}: it must lie between 0 (no refraction) and 1 (0.13 is usual for light, 0.25 for radar)"
        ));
    }
    Ok(())
}

/// Says in each coverage-gap finding that the gap was found by line of sight over the named DEM.
pub fn label_findings(mut findings: Vec<super::Finding>, figures: &TerrainFigures) -> Vec<super::Finding> {
    for f in &mut findings {
        if f.rule == super::Rule::Stage3CoverageGap {
            f.message.push_str(&format!(" — line of sight over {}", figures.dem));
        }
    }
    findings
}
