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
