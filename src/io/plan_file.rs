//! Plan files: a GeoJSON FeatureCollection (RFC 7946) that QGIS opens directly.
//!
//! ```text
//! { "type": "FeatureCollection",
//!   "borderplan": { "format": "borderplan-plan", "format_version": 1, "meta": {…}, "catalog": {"types": […]} },
//!   "features": [ border LineString, segment LineStrings, outpost Points ] }
//! ```
//! Segments and outposts carry their assignments in `properties.assignments`. Derived values (lengths, stage,
//! distances) are written for QGIS users and recomputed on load. Unknown members and properties at every level are
//! kept and written back.

use super::atomic::{WriteKind, write_atomic, write_atomic_private, write_atomic_with_hook};
use super::disk::FileStamp;
use super::error::{FileError, describe_json_error, read_file};
use super::format::{line_coords, line_coords_exact, round6};
use crate::model::{Assignment, Border, Catalog, Outpost, Plan, PlanMeta, Segment, Segmentation, Target};
use geo::{LineString, Point};
use serde_json::{Map, Value, json};
use std::path::Path;
use std::sync::Arc;

pub const FORMAT: &str = "borderplan-plan";
pub const FORMAT_VERSION: u64 = 1;

#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("the plan file is damaged: {0}")]
    Json(String),
    #[error("this is not a borderplan plan: {0}")]
    NotAPlan(String),
    #[error(
        "this plan was written by a newer borderplan (format version {found}); this version reads up to {supported}. Update borderplan to open it"
    )]
    NewerVersion { found: u64, supported: u64 },
    #[error("the plan is invalid: {0}")]
    Invalid(String),
}

impl PlanFileError {
    fn invalid(s: impl Into<String>) -> Self {
        Self::Invalid(s.into())
    }
}

const SEGMENT_KEYS: &[&str] = &[
    "kind",
    "id",
    "name",
    "from_km",
    "to_km",
    "length_km",
    "tajik_region",
    "afghan_province",
    "stage",
    "assignments",
    "marker-color",
    "stroke",
    "stroke-width",
];
const OUTPOST_KEYS: &[&str] = &[
    "kind",
    "id",
    "name",
    "km",
    "distance_to_border_m",
    "segment_id",
    "sample",
    "stage",
    "assignments",
    "marker-color",
    "stroke",
    "stroke-width",
];

fn assignment_json(a: &Assignment) -> Result<Value, PlanFileError> {
    let mut v = serde_json::to_value(a).map_err(|e| PlanFileError::invalid(e.to_string()))?;
    if let Value::Object(m) = &mut v {
        m.shift_remove("target");
    }
    Ok(v)
}

fn stage_label(plan: &Plan, t: &Target) -> Value {
    match plan.target_stage(t, None) {
        Some(s) => json!(s.number()),
        None => json!("unplanned"),
    }
}

/// Serialises the plan (pretty-printed, stable member order).
pub fn to_string(plan: &Plan) -> Result<String, PlanFileError> {
    let mut features = Vec::new();
    features.push(json!({
        "type": "Feature",
        "id": "border",
        "geometry": {"type": "LineString", "coordinates": line_coords_exact(plan.border.line())},
        "properties": {"kind": "border", "length_km": round6(plan.border.length_km()), "vertices": plan.border.vertex_count()},
    }));
    for s in plan.segments.segments() {
        let t = Target::Segment(s.id.clone());
        let assignments = plan.assignments_for(&t).map(assignment_json).collect::<Result<Vec<_>, _>>()?;
        let mut props = Map::new();
        props.insert("kind".into(), json!("segment"));
        props.insert("id".into(), json!(s.id));
        props.insert("name".into(), json!(s.name));
        props.insert("from_km".into(), json!(s.from_km));
        props.insert("to_km".into(), json!(s.to_km));
        props.insert("length_km".into(), json!(round6(s.length_km())));
        props.insert("tajik_region".into(), json!(s.tajik_region));
        props.insert("afghan_province".into(), json!(s.afghan_province));
        props.insert("stage".into(), stage_label(plan, &t));
        props.insert("assignments".into(), Value::Array(assignments));
        for (k, v) in &s.extra {
            props.entry(k.clone()).or_insert_with(|| v.clone());
        }
        features.push(json!({
            "type": "Feature",
            "id": s.id,
            "geometry": {"type": "LineString", "coordinates": line_coords(&plan.border.substring(s.from_km, s.to_km))},
            "properties": props,
        }));
    }
    for o in &plan.outposts {
        let t = Target::Outpost(o.id.clone());
        let assignments = plan.assignments_for(&t).map(assignment_json).collect::<Result<Vec<_>, _>>()?;
        let mut props = Map::new();
        props.insert("kind".into(), json!("outpost"));
        props.insert("id".into(), json!(o.id));
        props.insert("name".into(), json!(o.name));
        props.insert("km".into(), json!(round6(o.km)));
        props.insert("distance_to_border_m".into(), json!(o.distance_to_border_m.round()));
        props.insert("segment_id".into(), json!(o.segment_id));
        props.insert("sample".into(), json!(o.sample));
        props.insert("stage".into(), stage_label(plan, &t));
        props.insert("assignments".into(), Value::Array(assignments));
        for (k, v) in &o.extra {
            props.entry(k.clone()).or_insert_with(|| v.clone());
        }
        features.push(json!({
            "type": "Feature",
            "id": o.id,
            "geometry": {"type": "Point", "coordinates": [round6(o.position.x()), round6(o.position.y())]},
            "properties": props,
        }));
    }
    // Assignments whose target no longer exists must not vanish silently: keep them in the header.
    let orphans = plan
        .assignments
        .iter()
        .filter(|a| !plan.target_exists(&a.target))
        .map(|a| serde_json::to_value(a).map_err(|e| PlanFileError::invalid(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let mut header = Map::new();
    header.insert("format".into(), json!(FORMAT));
    header.insert("format_version".into(), json!(FORMAT_VERSION));
    header.insert("meta".into(), serde_json::to_value(&plan.meta).map_err(|e| PlanFileError::invalid(e.to_string()))?);
    header.insert(
        "catalog".into(),
        serde_json::to_value(&plan.catalog).map_err(|e| PlanFileError::invalid(e.to_string()))?,
    );
    if !orphans.is_empty() {
        header.insert("unattached_assignments".into(), Value::Array(orphans));
    }
    for (k, v) in &plan.extra {
        header.entry(k.clone()).or_insert_with(|| v.clone());
    }
    let mut root = Map::new();
    root.insert("type".into(), json!("FeatureCollection"));
    root.insert("borderplan".into(), Value::Object(header));
    for (k, v) in &plan.collection_extra {
        root.entry(k.clone()).or_insert_with(|| v.clone());
    }
    root.insert("features".into(), Value::Array(features));
    let text = serde_json::to_string_pretty(&Value::Object(root)).map_err(|e| PlanFileError::invalid(e.to_string()))?;
    Ok(super::plan_numbers::unmark(text))
}

/// Saves atomically: the old file stays intact if anything fails.
pub fn save(plan: &Plan, path: &Path) -> Result<(), PlanFileError> {
    save_with_hook(plan, path, |_| Ok(()))
}

/// As [`save`], readable by the owner only (0600 on Unix): for the recovery file and autosaves, which hold
/// unsaved work.
pub fn save_private(plan: &Plan, path: &Path) -> Result<(), PlanFileError> {
    let text = to_string(plan)?;
    write_atomic_private(path, text.as_bytes())?;
    Ok(())
}

/// Writes a plan that is not the plan being saved (a pulled, merged, rebased or synthetic plan written to `-o`)
/// atomically, as the write policy allows for `kind`: [`WriteKind::Output`] never replaces a plan file.
///
/// # Errors
/// [`PlanFileError::File`] with [`super::error::FileError::WouldReplacePlan`] when refused (nothing written),
/// else as [`save`].
pub fn write_output(plan: &Plan, path: &Path, kind: WriteKind) -> Result<(), PlanFileError> {
    let text = to_string(plan)?;
    write_atomic(path, text.as_bytes(), kind)?;
    Ok(())
}

/// As [`save`], with a hook between writing the temp file and renaming it (for failure-injection tests).
pub fn save_with_hook(
    plan: &Plan,
    path: &Path,
    before_rename: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), PlanFileError> {
    let text = to_string(plan)?;
    write_atomic_with_hook(path, text.as_bytes(), before_rename)?;
    Ok(())
}

pub fn load(path: &Path) -> Result<Plan, PlanFileError> {
    let bytes = read_file(path)?;
    load_read(path, &bytes)
}

/// As [`load`], with the stamp of what was read (for the changed-on-disk check).
pub fn load_stamped(path: &Path) -> Result<(Plan, FileStamp), PlanFileError> {
    let (stamp, bytes) = FileStamp::read(path)?;
    Ok((load_read(path, &bytes)?, stamp))
}

/// As [`save`], returning the stamp of what was written.
pub fn save_stamped(plan: &Plan, path: &Path) -> Result<FileStamp, PlanFileError> {
    let text = to_string(plan)?;
    write_atomic_with_hook(path, text.as_bytes(), |_| Ok(()))?;
    Ok(FileStamp::of(path, text.as_bytes())?)
}

fn load_read(path: &Path, bytes: &[u8]) -> Result<Plan, PlanFileError> {
    // Keep the variant (callers tell a newer version from a damaged file); name the file in the message.
    let at = |m: String| format!("{}: {m}", path.display());
    load_bytes(bytes).map_err(|e| match e {
        PlanFileError::Json(m) => PlanFileError::Json(at(m)),
        PlanFileError::NotAPlan(m) => PlanFileError::NotAPlan(at(m)),
        PlanFileError::Invalid(m) => PlanFileError::Invalid(at(m)),
        other @ (PlanFileError::File(_) | PlanFileError::NewerVersion { .. }) => other,
    })
}

pub fn load_str(text: &str) -> Result<Plan, PlanFileError> {
    load_bytes(text.as_bytes())
}

fn get_str(m: &Map<String, Value>, key: &str) -> Option<String> {
    m.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn get_f64(m: &Map<String, Value>, key: &str, what: &str) -> Result<f64, PlanFileError> {
    m.get(key)
        .and_then(Value::as_f64)
        .filter(|x| x.is_finite())
        .ok_or_else(|| PlanFileError::invalid(format!("{what}: “{key}” must be a number")))
}

fn coords(v: &Value, what: &str) -> Result<Vec<geo::Coord<f64>>, PlanFileError> {
    let arr = v.as_array().ok_or_else(|| PlanFileError::invalid(format!("{what}: coordinates must be an array")))?;
    arr.iter()
        .map(|p| {
            let xy = p.as_array().filter(|a| a.len() >= 2);
            match xy.and_then(|a| Some((a[0].as_f64()?, a[1].as_f64()?))) {
                Some((x, y)) if x.is_finite() && y.is_finite() && x.abs() <= 180.0 && y.abs() <= 90.0 => {
                    Ok(geo::coord! {x: x, y: y})
                }
                _ => Err(PlanFileError::invalid(format!("{what}: position {p} is not a valid [longitude, latitude]"))),
            }
        })
        .collect()
}

fn strip_known(props: Map<String, Value>, known: &[&str]) -> Map<String, Value> {
    props.into_iter().filter(|(k, _)| !known.contains(&k.as_str())).collect()
}

/// Takes member `key` out of an assignment object and reads it as `T` (`None` when it is absent).
fn take<T: serde::de::DeserializeOwned>(obj: &mut Map<String, Value>, key: &str) -> Result<Option<T>, String> {
    match obj.shift_remove(key) {
        None => Ok(None),
        Some(v) => serde_json::from_value(v).map(Some).map_err(|e| format!("“{key}”: {e}")),
    }
}

fn required<T>(v: Option<T>, key: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("missing field `{key}`"))
}

/// One assignment from its object in a target's `assignments` list. The members are taken out one by one
/// (no intermediate copy; what is left is kept as unknown members), which is several times faster on a
/// 50,000-row plan than deserialising a copy with the target put in.
fn assignment_from_object(mut obj: Map<String, Value>, target: &Target) -> Result<Assignment, String> {
    let id: String = required(take(&mut obj, "id")?, "id")?;
    let equipment_id: String = required(take(&mut obj, "equipment_id")?, "equipment_id")?;
    let quantity: f64 = required(take(&mut obj, "quantity")?, "quantity")?;
    let stage = required(take(&mut obj, "stage")?, "stage")?;
    let supplier: String = required(take(&mut obj, "supplier")?, "supplier")?;
    let quarter = required(take(&mut obj, "quarter")?, "quarter")?;
    let status = required(take(&mut obj, "status")?, "status")?;
    let note: String = take(&mut obj, "note")?.unwrap_or_default();
    // A `target` member inside a target's list is redundant (the feature is the target); drop it.
    obj.shift_remove("target");
    Ok(Assignment {
        id,
        target: target.clone(),
        equipment_id,
        quantity,
        stage,
        supplier,
        quarter,
        status,
        note,
        extra: obj,
    })
}

/// A feature's assignments as the reader found them: already typed (the streaming reader, target still to be
/// set) or as JSON (the tree reader).
pub(super) enum AssignmentsPart {
    Absent,
    Typed(Vec<Assignment>),
    Json(Value),
}

/// One feature of a plan file, split into what the plan needs.
pub(super) struct FeatureParts {
    pub properties: Map<String, Value>,
    pub assignments: AssignmentsPart,
    pub coordinates: Option<Value>,
}

fn resolve_assignments(
    part: AssignmentsPart,
    target: &Target,
    what: &str,
    out: &mut Vec<Assignment>,
) -> Result<(), PlanFileError> {
    let list = match part {
        AssignmentsPart::Absent => return Ok(()),
        AssignmentsPart::Typed(list) => {
            out.extend(list.into_iter().map(|mut a| {
                a.target = target.clone();
                a
            }));
            return Ok(());
        }
        AssignmentsPart::Json(Value::Array(list)) => list,
        AssignmentsPart::Json(_) => {
            return Err(PlanFileError::invalid(format!("{what}: “assignments” must be an array")));
        }
    };
    out.reserve(list.len());
    for (i, a) in list.into_iter().enumerate() {
        let Value::Object(obj) = a else {
            return Err(PlanFileError::invalid(format!("{what}: assignment {i} is not an object")));
        };
        let parsed = assignment_from_object(obj, target)
            .map_err(|e| PlanFileError::invalid(format!("{what}: assignment {i}: {e}")))?;
        out.push(parsed);
    }
    Ok(())
}

/// Reads a plan file. The streaming reader (typed, no JSON tree) reads every valid plan; when it fails, the tree
/// reader reads the file again to say precisely what is wrong and where (a damaged file is rare, a 50,000-row
/// plan opened every day is not).
pub fn load_bytes(bytes: &[u8]) -> Result<Plan, PlanFileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut plan = match super::plan_stream::read(bytes) {
        Ok((root, features)) => build_plan(root, features).or_else(|_| load_tree(bytes)),
        Err(_) => load_tree(bytes),
    }?;
    super::plan_numbers::keep_exact_numbers(&mut plan, bytes);
    Ok(plan)
}

/// The tree reader: the whole file as a `serde_json::Value` first.
fn load_tree(bytes: &[u8]) -> Result<Plan, PlanFileError> {
    let root: Value = serde_json::from_slice(bytes).map_err(|e| PlanFileError::Json(describe_json_error(&e)))?;
    let Value::Object(mut root) = root else {
        return Err(PlanFileError::NotAPlan("the file is JSON but not an object".into()));
    };
    let features = match root.shift_remove("features") {
        Some(Value::Array(features)) => features
            .into_iter()
            .map(|mut f| {
                let mut properties = match f.get_mut("properties").map(Value::take) {
                    Some(Value::Object(m)) => m,
                    _ => Map::new(),
                };
                let assignments = match properties.shift_remove("assignments") {
                    Some(v) => AssignmentsPart::Json(v),
                    None => AssignmentsPart::Absent,
                };
                let coordinates = f.get_mut("geometry").and_then(|g| g.get_mut("coordinates")).map(Value::take);
                FeatureParts { properties, assignments, coordinates }
            })
            .collect::<Vec<_>>()
            .into(),
        _ => None,
    };
    build_plan(root, features)
}

/// The plan from the file's top-level members (without `features`) and its features (`None`: no `features` array).
fn build_plan(mut root: Map<String, Value>, features: Option<Vec<FeatureParts>>) -> Result<Plan, PlanFileError> {
    if root.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(PlanFileError::NotAPlan("it is not a GeoJSON FeatureCollection".into()));
    }
    let Some(Value::Object(mut header)) = root.shift_remove("borderplan") else {
        return Err(PlanFileError::NotAPlan(
            "it has no “borderplan” member (to bring in plain GeoJSON, use File › Import layer…)".into(),
        ));
    };
    if header.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(PlanFileError::NotAPlan(format!("“borderplan.format” must be “{FORMAT}”")));
    }
    let version = header
        .get("format_version")
        .and_then(Value::as_u64)
        .ok_or_else(|| PlanFileError::NotAPlan("“borderplan.format_version” is missing".into()))?;
    if version > FORMAT_VERSION {
        return Err(PlanFileError::NewerVersion { found: version, supported: FORMAT_VERSION });
    }
    let meta: PlanMeta = match header.shift_remove("meta") {
        Some(m) => serde_json::from_value(m).map_err(|e| PlanFileError::invalid(format!("borderplan.meta: {e}")))?,
        None => PlanMeta::default(),
    };
    let catalog: Catalog = match header.shift_remove("catalog") {
        Some(c) => serde_json::from_value(c).map_err(|e| PlanFileError::invalid(format!("borderplan.catalog: {e}")))?,
        None => Catalog::default(),
    };
    catalog.validate().map_err(|e| PlanFileError::invalid(format!("borderplan.catalog: {e}")))?;
    let mut assignments = Vec::new();
    if let Some(orphans) = header.shift_remove("unattached_assignments") {
        let orphans: Vec<Assignment> = serde_json::from_value(orphans)
            .map_err(|e| PlanFileError::invalid(format!("borderplan.unattached_assignments: {e}")))?;
        assignments.extend(orphans);
    }
    header.shift_remove("format");
    header.shift_remove("format_version");
    let Some(features) = features else {
        return Err(PlanFileError::NotAPlan("“features” is missing or not an array".into()));
    };
    root.shift_remove("type");

    let mut border: Option<Border> = None;
    let mut segments: Vec<Segment> = Vec::new();
    let mut outposts: Vec<Outpost> = Vec::new();
    for (i, f) in features.into_iter().enumerate() {
        let what = format!("feature {i}");
        let FeatureParts { properties: props, assignments: assignments_part, coordinates } = f;
        let gcoords = coordinates.as_ref();
        match props.get("kind").and_then(Value::as_str) {
            Some("border") => {
                let c = coords(gcoords.unwrap_or(&Value::Null), &format!("{what} (border)"))?;
                border = Some(
                    Border::new(LineString(c)).map_err(|e| PlanFileError::invalid(format!("{what} (border): {e}")))?,
                );
            }
            Some("segment") => {
                let id = get_str(&props, "id")
                    .ok_or_else(|| PlanFileError::invalid(format!("{what}: segment without “id”")))?;
                let what = format!("segment {id}");
                resolve_assignments(assignments_part, &Target::Segment(id.clone()), &what, &mut assignments)?;
                let seg = Segment {
                    name: get_str(&props, "name").unwrap_or_else(|| id.clone()),
                    from_km: get_f64(&props, "from_km", &what)?,
                    to_km: get_f64(&props, "to_km", &what)?,
                    tajik_region: get_str(&props, "tajik_region").unwrap_or_default(),
                    afghan_province: get_str(&props, "afghan_province").unwrap_or_default(),
                    extra: strip_known(props, SEGMENT_KEYS),
                    id,
                };
                segments.push(seg);
            }
            Some("outpost") => {
                let id = get_str(&props, "id")
                    .ok_or_else(|| PlanFileError::invalid(format!("{what}: outpost without “id”")))?;
                let what = format!("outpost {id}");
                let c = match gcoords {
                    Some(p) => coords(&Value::Array(vec![p.clone()]), &what)?,
                    None => return Err(PlanFileError::invalid(format!("{what}: no Point geometry"))),
                };
                let mut o = Outpost::new(&id, &get_str(&props, "name").unwrap_or_else(|| id.clone()), Point(c[0]));
                o.sample = props.get("sample").and_then(Value::as_bool).unwrap_or(false);
                resolve_assignments(assignments_part, &Target::Outpost(id), &what, &mut assignments)?;
                o.extra = strip_known(props, OUTPOST_KEYS);
                outposts.push(o);
            }
            other => {
                return Err(PlanFileError::invalid(format!(
                    "{what}: properties.kind is {}; expected border, segment or outpost",
                    other.map(|s| format!("“{s}”")).unwrap_or_else(|| "missing".into())
                )));
            }
        }
    }
    let border =
        border.ok_or_else(|| PlanFileError::invalid("there is no border feature (properties.kind = “border”)"))?;
    let mut outpost_ids = std::collections::HashSet::with_capacity(outposts.len());
    if let Some(o) = outposts.iter().find(|o| !outpost_ids.insert(o.id.as_str())) {
        return Err(PlanFileError::invalid(format!("outpost id {} is used twice", o.id)));
    }
    let segmentation =
        Segmentation::from_segments(segments, border.length_km()).map_err(|e| PlanFileError::invalid(e.to_string()))?;
    let assignments = crate::model::Assignments::from(assignments);
    if let Some(id) = assignments.first_duplicate_id() {
        return Err(PlanFileError::invalid(format!("assignment id {id} is used twice")));
    }
    let mut plan = Plan {
        meta,
        border: Arc::new(border),
        segments: segmentation,
        outposts,
        catalog,
        assignments,
        extra: header,
        collection_extra: root,
    };
    plan.resnap_outposts();
    Ok(plan)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::*;

    fn both_readers(text: &str) -> (Plan, Plan) {
        let (root, features) = super::super::plan_stream::read(text.as_bytes()).expect("the streaming reader reads it");
        let streamed = build_plan(root, features).expect("a plan from the streaming reader");
        let tree = load_tree(text.as_bytes()).expect("a plan from the tree reader");
        (streamed, tree)
    }

    #[test]
    fn the_streaming_reader_and_the_tree_reader_read_the_example_plan_alike() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/example-plan.geojson"))
            .expect("the example plan");
        let (streamed, tree) = both_readers(&text);
        assert!(streamed.assignments.len() > 100);
        assert_eq!(streamed, tree);
    }

    #[test]
    fn the_streaming_reader_keeps_unknown_members_at_every_level_like_the_tree_reader() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/example-plan.geojson"))
            .expect("the example plan");
        let mut v: Value = serde_json::from_str(&text).expect("json");
        v["x_root"] = json!({"a": [1, 2]});
        v["borderplan"]["x_header"] = json!("kept");
        let features = v["features"].as_array_mut().expect("features");
        let with_assignments = features
            .iter_mut()
            .find(|f| f["properties"]["assignments"].as_array().is_some_and(|a| !a.is_empty()))
            .expect("a feature with assignments");
        with_assignments["properties"]["x_prop"] = json!(3.5);
        with_assignments["properties"]["assignments"][0]["x_assignment"] = json!({"nested": true});
        with_assignments["properties"]["assignments"][0]["target"] = json!({"kind": "outpost", "id": "ignored"});
        let text = serde_json::to_string(&v).expect("text");
        let (streamed, tree) = both_readers(&text);
        assert_eq!(streamed, tree);
        assert!(streamed.extra.contains_key("x_header"));
        assert!(streamed.collection_extra.contains_key("x_root"));
        assert!(streamed.assignments.iter().any(|a| a.extra.contains_key("x_assignment")));
        // The list's feature is the target, whatever a stray `target` member says.
        assert!(streamed.assignments.iter().all(|a| a.target.id() != "ignored"));
    }

    #[test]
    fn a_wrong_member_type_falls_back_to_the_tree_reader_and_is_named_with_its_assignment() {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/example-plan.geojson"))
            .expect("the example plan");
        let mut v: Value = serde_json::from_str(&text).expect("json");
        let features = v["features"].as_array_mut().expect("features");
        let f = features
            .iter_mut()
            .find(|f| f["properties"]["assignments"].as_array().is_some_and(|a| a.len() > 1))
            .expect("a feature with assignments");
        f["properties"]["assignments"][1]["quantity"] = json!("many");
        let text = serde_json::to_string(&v).expect("text");
        assert!(super::super::plan_stream::read(text.as_bytes()).is_err());
        let e = load_str(&text).expect_err("a quantity that is text is refused");
        let message = e.to_string();
        assert!(message.contains("assignment 1") && message.contains("quantity"), "{message}");
    }
}
