//! GeoJSON export (RFC 7946): one LineString per segment, one Point per outpost, one LineString per stage-3
//! coverage gap. Properties are flat where possible so QGIS shows them as columns; simplestyle members
//! (`stroke`, `stroke-width`, `marker-color`) colour the features by stage in geojson.io, GitHub and QGIS.

use super::{ExportError, assignment_cost, equipment_summary, fmt_trim, round3, round6, stage_label};
use crate::io::format::line_coords;
use crate::model::palette::{GAP, hex, stage_rgb};
use crate::model::{Assignment, Plan, Target};
use serde_json::{Map, Value, json};

/// Width of segment lines, px.
const SEGMENT_WIDTH: u32 = 4;
/// Width of coverage-gap lines, px.
const GAP_WIDTH: u32 = 3;

fn assignment_value(plan: &Plan, a: &Assignment) -> Value {
    let eq = plan.catalog.get(&a.equipment_id);
    let mut m = Map::new();
    m.insert("id".into(), json!(a.id));
    m.insert("equipment_id".into(), json!(a.equipment_id));
    m.insert("equipment_name".into(), json!(eq.map(|t| t.name.as_str()).unwrap_or("")));
    m.insert("category".into(), json!(eq.map(|t| t.category.label()).unwrap_or("")));
    m.insert("quantity".into(), json!(a.quantity));
    m.insert("unit".into(), json!(eq.map(|t| t.unit.as_str()).unwrap_or("")));
    m.insert("stage".into(), json!(a.stage.number()));
    m.insert("supplier".into(), json!(a.supplier));
    m.insert("quarter".into(), json!(a.quarter.to_string()));
    m.insert("status".into(), json!(a.status.label()));
    m.insert("cost_usd".into(), assignment_cost(plan, a).map_or(Value::Null, |c| json!(round3(c))));
    m.insert("note".into(), json!(a.note));
    Value::Object(m)
}

/// Properties shared by segments and outposts: stage, counts, totals, assignments, equipment summary.
fn planning_properties(plan: &Plan, target: &Target, props: &mut Map<String, Value>) {
    let list: Vec<&Assignment> = plan.assignments_for(target).collect();
    let stage = plan.target_stage(target, None);
    let quantity: f64 = list.iter().map(|a| a.quantity).sum();
    let cost: f64 = list.iter().filter_map(|a| assignment_cost(plan, a)).sum();
    props.insert("stage".into(), json!(stage_label(stage)));
    props.insert("assignment_count".into(), json!(list.len()));
    props.insert("quantity".into(), json!(round6(quantity)));
    props.insert("cost_usd".into(), json!(round3(cost)));
    props.insert("equipment".into(), json!(equipment_summary(plan, target)));
    props.insert("assignments".into(), Value::Array(list.iter().map(|a| assignment_value(plan, a)).collect()));
}

/// The export as a `serde_json::Value` (a FeatureCollection).
pub fn to_value(plan: &Plan) -> Value {
    to_value_with(plan, None)
}

/// As [`to_value`], with the gaps of `basis` (line of sight) when given.
pub fn to_value_with(plan: &Plan, basis: Option<&super::CoverageBasis>) -> Value {
    let mut features = Vec::new();
    for s in plan.segments.segments() {
        let t = Target::Segment(s.id.clone());
        let stage = plan.target_stage(&t, None);
        let mut p = Map::new();
        p.insert("id".into(), json!(s.id));
        p.insert("name".into(), json!(s.name));
        p.insert("kind".into(), json!("segment"));
        p.insert("from_km".into(), json!(round3(s.from_km)));
        p.insert("to_km".into(), json!(round3(s.to_km)));
        p.insert("length_km".into(), json!(round3(s.length_km())));
        p.insert("tajik_region".into(), json!(s.tajik_region));
        p.insert("afghan_province".into(), json!(s.afghan_province));
        planning_properties(plan, &t, &mut p);
        p.insert("stroke".into(), json!(hex(stage_rgb(stage))));
        p.insert("stroke-width".into(), json!(SEGMENT_WIDTH));
        p.insert("stroke-opacity".into(), json!(1.0));
        features.push(json!({
            "type": "Feature",
            "id": s.id,
            "geometry": {"type": "LineString", "coordinates": line_coords(&plan.border.substring(s.from_km, s.to_km))},
            "properties": p,
        }));
    }
    for o in &plan.outposts {
        let t = Target::Outpost(o.id.clone());
        let stage = plan.target_stage(&t, None);
        let mut p = Map::new();
        p.insert("id".into(), json!(o.id));
        p.insert("name".into(), json!(o.name));
        p.insert("kind".into(), json!("outpost"));
        p.insert("km".into(), json!(round3(o.km)));
        p.insert("segment_id".into(), json!(o.segment_id));
        p.insert("distance_to_border_m".into(), json!(o.distance_to_border_m.round()));
        p.insert("sample".into(), json!(o.sample));
        planning_properties(plan, &t, &mut p);
        p.insert("marker-color".into(), json!(hex(stage_rgb(stage))));
        p.insert("marker-size".into(), json!("medium"));
        features.push(json!({
            "type": "Feature",
            "id": o.id,
            "geometry": {"type": "Point", "coordinates": [round6(o.position.x()), round6(o.position.y())]},
            "properties": p,
        }));
    }
    let gaps = super::stage3_gaps(plan, basis);
    let model = super::basis_label(basis);
    for (i, &(a, b)) in gaps.iter().enumerate() {
        let id = format!("GAP-{:02}", i + 1);
        features.push(json!({
            "type": "Feature",
            "id": id,
            "geometry": {"type": "LineString", "coordinates": line_coords(&plan.border.substring(a, b))},
            "properties": {
                "id": id,
                "name": format!("Coverage gap km {}–{}", fmt_trim(a, 1), fmt_trim(b, 1)),
                "kind": "coverage_gap",
                "from_km": round3(a),
                "to_km": round3(b),
                "length_km": round3(b - a),
                "stage": "3",
                "description": "No surveillance coverage planned here by the end of stage 3",
                "coverage_model": model,
                "stroke": hex(GAP),
                "stroke-width": GAP_WIDTH,
                "stroke-opacity": 1.0,
            },
        }));
    }
    let mut root = Map::new();
    root.insert("type".into(), json!("FeatureCollection"));
    root.insert("name".into(), json!(plan.meta.title));
    if let Some(credit) = crate::io::bundled::border_attribution(plan) {
        root.insert("attribution".into(), json!(format!("Border: {credit}")));
    }
    root.insert("features".into(), Value::Array(features));
    Value::Object(root)
}

/// The export as pretty-printed GeoJSON text.
pub fn to_string(plan: &Plan) -> Result<String, ExportError> {
    serde_json::to_string_pretty(&to_value(plan)).map_err(|e| ExportError::Json(e.to_string()))
}
