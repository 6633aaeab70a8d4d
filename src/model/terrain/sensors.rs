//! Where each surveillance unit of a plan stands and how it looks at the border.

use crate::model::equipment::{Category, EquipmentType};
use crate::model::plan::{Assignment, Plan, Target};
use crate::model::stages::{Quarter, Stage};
use geo::Point;

/// Mast height used when the catalog gives none, m.
pub const DEFAULT_MAST_HEIGHT_M: f64 = 10.0;

/// Assignment members that override the catalog for one assignment (kept in the plan file).
pub const MAST_OVERRIDE: &str = "mast_height_m";
pub const SECTOR_OVERRIDE: &str = "sector_deg";

/// How a sensor looks at the border.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sight {
    /// No sight needed (ground sensor strings): ±range km of chainage, as without terrain.
    Range,
    /// Sees what is in line of sight from `height_m` above the ground, within an optional sector
    /// (azimuth from–to, degrees clockwise from north).
    FromHeight { height_m: f64, sector_deg: Option<[f64; 2]> },
}

/// One sensor position of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensor {
    /// Index of its assignment in plan order.
    pub assignment: usize,
    pub assignment_id: String,
    pub stage: Stage,
    pub quarter: Quarter,
    pub position: Point<f64>,
    /// Chainage of the position (the unit's place on a segment, the outpost's km).
    pub km: f64,
    pub range_km: f64,
    pub sight: Sight,
}

fn number(v: Option<&serde_json::Value>) -> Option<f64> {
    v.and_then(serde_json::Value::as_f64).filter(|x| x.is_finite())
}

/// How the equipment looks, with the assignment's overrides (`mast_height_m`, `sector_deg`).
pub fn sight_of(t: &EquipmentType, a: &Assignment) -> Sight {
    if t.category != Category::Surveillance || t.line_of_sight == Some(false) {
        return Sight::Range;
    }
    let override_h = number(a.extra.get(MAST_OVERRIDE)).filter(|h| (0.0..=10_000.0).contains(h));
    let height_m = override_h
        .or(t.operating_height_m)
        .or(t.mast_height_m)
        .filter(|h| h.is_finite() && *h >= 0.0)
        .unwrap_or(DEFAULT_MAST_HEIGHT_M);
    let sector_override = a.extra.get(SECTOR_OVERRIDE).and_then(|v| v.as_array()).and_then(|s| {
        let a = number(s.first())?;
        let b = number(s.get(1))?;
        Some([a, b])
    });
    let sector_deg = sector_override.or(t.sector_deg).filter(|[a, b]| a.is_finite() && b.is_finite());
    Sight::FromHeight { height_m, sector_deg }
}

/// Every sensor position of the plan: an outpost assignment stands at the outpost; `n` units on a segment
/// stand evenly on the line (unit i at a + (i + ½)·(b − a)/n), as the range model places them.
pub fn plan_sensors(plan: &Plan) -> Vec<Sensor> {
    let mut out = Vec::new();
    for (i, a) in plan.assignments.iter().enumerate() {
        let Some(t) = plan.catalog.get(&a.equipment_id) else { continue };
        let Some(range_km) = t.coverage_range_km() else { continue };
        if !(a.quantity.is_finite() && a.quantity > 0.0) {
            continue;
        }
        let sight = sight_of(t, a);
        let mut push = |position: Point<f64>, km: f64| {
            out.push(Sensor {
                assignment: i,
                assignment_id: a.id.clone(),
                stage: a.stage,
                quarter: a.quarter,
                position,
                km,
                range_km,
                sight,
            })
        };
        match &a.target {
            Target::Outpost(id) => {
                if let Some(o) = plan.outpost(id) {
                    push(o.position, o.km);
                }
            }
            Target::Segment(id) => {
                let Some(s) = plan.segments.get(id) else { continue };
                let n = a.quantity.floor().clamp(1.0, 10_000.0) as usize;
                let spacing = s.length_km() / n as f64;
                for u in 0..n {
                    let km = s.from_km + (u as f64 + 0.5) * spacing;
                    push(plan.border.point_at_km(km), km);
                }
            }
        }
    }
    out
}

/// Highest mast or operating height an assignment may set, m.
pub const MAX_HEIGHT_M: f64 = 10_000.0;

/// What the catalog gives a line-of-sight type: its height (operating height for airborne sets, else the mast,
/// else [`DEFAULT_MAST_HEIGHT_M`]), whether that is an operating height, and its sector.
pub fn catalog_sight(t: &EquipmentType) -> (f64, bool, Option<[f64; 2]>) {
    let airborne = t.operating_height_m.is_some_and(|h| h.is_finite() && h >= 0.0);
    let height_m = t
        .operating_height_m
        .or(t.mast_height_m)
        .filter(|h| h.is_finite() && *h >= 0.0)
        .unwrap_or(DEFAULT_MAST_HEIGHT_M);
    (height_m, airborne, t.sector_deg)
}

/// The assignment's own height and sector (`None`: the catalog's).
pub fn overrides(a: &Assignment) -> (Option<f64>, Option<[f64; 2]>) {
    let h = number(a.extra.get(MAST_OVERRIDE));
    let sector = a.extra.get(SECTOR_OVERRIDE).and_then(|v| v.as_array()).and_then(|s| {
        let from = number(s.first())?;
        let to = number(s.get(1))?;
        Some([from, to])
    });
    (h, sector)
}

/// The assignment with its height and sector overrides set (`None` removes one: back to the catalog).
pub fn with_overrides(a: &Assignment, height_m: Option<f64>, sector_deg: Option<[f64; 2]>) -> Assignment {
    let mut out = a.clone();
    match height_m {
        Some(h) => out.extra.insert(MAST_OVERRIDE.into(), serde_json::json!(h)),
        None => out.extra.remove(MAST_OVERRIDE),
    };
    match sector_deg {
        Some([from, to]) => out.extra.insert(SECTOR_OVERRIDE.into(), serde_json::json!([from, to])),
        None => out.extra.remove(SECTOR_OVERRIDE),
    };
    out
}

/// A mast or operating height typed by the planner: 0 m to [`MAX_HEIGHT_M`].
///
/// # Errors
/// A sentence naming the value and the range.
pub fn validate_height(what: &str, h: f64) -> Result<(), String> {
    if !h.is_finite() || h < 0.0 {
        return Err(format!("{what} {h} m: it must be 0 m or more (height above the ground)"));
    }
    if h > MAX_HEIGHT_M {
        return Err(format!("{what} {h} m: at most {MAX_HEIGHT_M} m"));
    }
    Ok(())
}

/// A sector typed by the planner: both azimuths 0–360° (clockwise from north), not the same direction.
///
/// # Errors
/// A sentence naming the value and what is allowed.
pub fn validate_sector([from, to]: [f64; 2]) -> Result<(), String> {
    for (what, d) in [("from", from), ("to", to)] {
        if !(d.is_finite() && (0.0..=360.0).contains(&d)) {
            return Err(format!("Sector {what} {d}°: an azimuth is 0–360° (clockwise from north)"));
        }
    }
    if (to - from).rem_euclid(360.0) == 0.0 {
        return Err(format!(
            "Sector {from}°–{to}° has no width; leave both empty for all round (or the catalog's sector)"
        ));
    }
    Ok(())
}
