//! The data shipped in `data/`, compiled into the binary so the app works offline from any folder.

use crate::model::{Border, Catalog, Outpost, Plan, Region, Segmentation, Side};
use geo::{Geometry, LineString, MultiLineString, MultiPolygon, Point, Polygon};
use geojson::{FeatureCollection, GeoJson};

/// Where the bundled border line comes from, for the window and reports.
pub const BORDER_SOURCE: &str = "OpenStreetMap";
pub const BORDER_GEOJSON: &str = include_str!("../../data/border.geojson");
pub const PROVINCES_GEOJSON: &str = include_str!("../../data/provinces.geojson");
pub const RIVERS_GEOJSON: &str = include_str!("../../data/rivers.geojson");
pub const TOWNS_GEOJSON: &str = include_str!("../../data/towns.geojson");
pub const OUTPOSTS_GEOJSON: &str = include_str!("../../data/outposts.geojson");
pub const EQUIPMENT_JSON: &str = include_str!("../../data/equipment.json");
pub const EXAMPLE_PLAN_GEOJSON: &str = include_str!("../../data/example-plan.geojson");
pub const LAKES_GEOJSON: &str = include_str!("../../data/lakes.geojson");
pub const CROSSINGS_GEOJSON: &str = include_str!("../../data/crossings.geojson");
pub const TAJIKISTAN_GEOJSON: &str = include_str!("../../data/tajikistan.geojson");

/// Credit line for the bundled border (and everything drawn on it): it is derived from OpenStreetMap, under the
/// Open Database Licence, separate from the licence of the code. Show it wherever the border is shown or exported.
pub const BORDER_ATTRIBUTION: &str = "© OpenStreetMap contributors, ODbL 1.0";

/// The credit line owed for a plan's border: the OpenStreetMap attribution when the plan is on the bundled line
/// (within a metre), none for a line the planner brought.
pub fn border_attribution(plan: &Plan) -> Option<&'static str> {
    let bundled = border().ok()?;
    crate::model::same_line(&plan.border, &bundled).then_some(BORDER_ATTRIBUTION)
}

/// Longest segment of the default segmentation, km.
pub const DEFAULT_MAX_SEGMENT_KM: f64 = 25.0;

#[derive(Debug, Clone, thiserror::Error)]
#[error("bundled data file {file}: {reason}")]
pub struct BundledDataError {
    pub file: &'static str,
    pub reason: String,
}

fn bad(file: &'static str, reason: impl Into<String>) -> BundledDataError {
    BundledDataError { file, reason: reason.into() }
}

#[derive(Debug, Clone)]
pub struct River {
    pub name: String,
    pub lines: MultiLineString<f64>,
}

#[derive(Debug, Clone)]
pub struct Town {
    pub name: String,
    pub population: u64,
    /// ISO 3166-1 alpha-2: "TJ" or "AF".
    pub country: String,
    pub position: Point<f64>,
}

#[derive(Debug, Clone)]
pub struct Lake {
    pub name: String,
    pub area: Polygon<f64>,
}

/// A border crossing (bridge) at an approximate position on the border line.
#[derive(Debug, Clone)]
pub struct Crossing {
    pub name: String,
    /// Map label, e.g. "Bridge: Khorugh–Demogan (approx.)".
    pub label: String,
    pub position: Point<f64>,
    /// Chainage along the bundled border, km.
    pub km: f64,
    pub approximate: bool,
}

/// The reference layers drawn under the plan.
#[derive(Debug, Clone)]
pub struct BaseData {
    pub regions: Vec<Region>,
    pub rivers: Vec<River>,
    pub lakes: Vec<Lake>,
    /// Sorted by chainage, west to east.
    pub crossings: Vec<Crossing>,
    /// Sorted by population, largest first (label priority).
    pub towns: Vec<Town>,
}

fn collection(file: &'static str, text: &str) -> Result<FeatureCollection, BundledDataError> {
    match text.parse::<GeoJson>() {
        Ok(GeoJson::FeatureCollection(fc)) => Ok(fc),
        Ok(_) => Err(bad(file, "not a FeatureCollection")),
        Err(e) => Err(bad(file, e.to_string())),
    }
}

fn str_prop(f: &geojson::Feature, key: &str) -> Option<String> {
    f.property(key).and_then(|v| v.as_str()).map(str::to_owned)
}

fn geometry(file: &'static str, f: &geojson::Feature) -> Result<Geometry<f64>, BundledDataError> {
    let g = f.geometry.as_ref().ok_or_else(|| bad(file, "a feature has no geometry"))?;
    Geometry::<f64>::try_from(&g.value).map_err(|e| bad(file, e.to_string()))
}

pub fn border() -> Result<Border, BundledDataError> {
    border_from_str("border.geojson", BORDER_GEOJSON)
}

/// Reads a border from GeoJSON holding one LineString.
pub fn border_from_str(file: &'static str, text: &str) -> Result<Border, BundledDataError> {
    let fc = collection(file, text)?;
    let f = fc.features.first().ok_or_else(|| bad(file, "no features"))?;
    match geometry(file, f)? {
        Geometry::LineString(l) => Border::new(l).map_err(|e| bad(file, e.to_string())),
        other => {
            Err(bad(file, format!("expected a LineString, found {other:?}").chars().take(120).collect::<String>()))
        }
    }
}

pub fn regions() -> Result<Vec<Region>, BundledDataError> {
    let file = "provinces.geojson";
    let fc = collection(file, PROVINCES_GEOJSON)?;
    let mut out = Vec::new();
    for f in &fc.features {
        let name = str_prop(f, "name").ok_or_else(|| bad(file, "a province has no name"))?;
        let side = match str_prop(f, "iso_a3").as_deref() {
            Some("TJK") => Side::Tajikistan,
            Some("AFG") => Side::Afghanistan,
            other => return Err(bad(file, format!("{name}: iso_a3 {other:?} is neither TJK nor AFG"))),
        };
        let area = match geometry(file, f)? {
            Geometry::Polygon(p) => MultiPolygon(vec![p]),
            Geometry::MultiPolygon(m) => m,
            _ => return Err(bad(file, format!("{name}: not a polygon"))),
        };
        out.push(Region { name, side, area });
    }
    Ok(out)
}

pub fn rivers() -> Result<Vec<River>, BundledDataError> {
    let file = "rivers.geojson";
    let fc = collection(file, RIVERS_GEOJSON)?;
    fc.features
        .iter()
        .map(|f| {
            let name = str_prop(f, "name").ok_or_else(|| bad(file, "a river has no name"))?;
            let lines = match geometry(file, f)? {
                Geometry::LineString(l) => MultiLineString(vec![l]),
                Geometry::MultiLineString(m) => m,
                _ => return Err(bad(file, format!("{name}: not a line"))),
            };
            Ok(River { name, lines })
        })
        .collect()
}

pub fn lakes() -> Result<Vec<Lake>, BundledDataError> {
    let file = "lakes.geojson";
    let fc = collection(file, LAKES_GEOJSON)?;
    fc.features
        .iter()
        .map(|f| {
            let name = str_prop(f, "name").ok_or_else(|| bad(file, "a lake has no name"))?;
            match geometry(file, f)? {
                Geometry::Polygon(area) => Ok(Lake { name, area }),
                _ => Err(bad(file, format!("{name}: not a polygon"))),
            }
        })
        .collect()
}

pub fn crossings() -> Result<Vec<Crossing>, BundledDataError> {
    let file = "crossings.geojson";
    let fc = collection(file, CROSSINGS_GEOJSON)?;
    let mut out = fc
        .features
        .iter()
        .map(|f| {
            let name = str_prop(f, "name").ok_or_else(|| bad(file, "a crossing has no name"))?;
            let position = match geometry(file, f)? {
                Geometry::Point(p) => p,
                _ => return Err(bad(file, format!("{name}: not a point"))),
            };
            Ok(Crossing {
                label: str_prop(f, "label").unwrap_or_else(|| name.clone()),
                km: f.property("km").and_then(|v| v.as_f64()).ok_or_else(|| bad(file, format!("{name}: no km")))?,
                approximate: f.property("approximate").and_then(|v| v.as_bool()).unwrap_or(true),
                name,
                position,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by(|a, b| a.km.total_cmp(&b.km));
    Ok(out)
}

/// The OpenStreetMap outline of Tajikistan (main territory and exclaves), full precision.
pub fn tajikistan() -> Result<MultiPolygon<f64>, BundledDataError> {
    let file = "tajikistan.geojson";
    let fc = collection(file, TAJIKISTAN_GEOJSON)?;
    let f = fc.features.first().ok_or_else(|| bad(file, "no features"))?;
    match geometry(file, f)? {
        Geometry::MultiPolygon(m) => Ok(m),
        Geometry::Polygon(p) => Ok(MultiPolygon(vec![p])),
        _ => Err(bad(file, "not a polygon")),
    }
}

pub fn towns() -> Result<Vec<Town>, BundledDataError> {
    let file = "towns.geojson";
    let fc = collection(file, TOWNS_GEOJSON)?;
    let mut towns = fc
        .features
        .iter()
        .map(|f| {
            let name = str_prop(f, "name").ok_or_else(|| bad(file, "a town has no name"))?;
            let position = match geometry(file, f)? {
                Geometry::Point(p) => p,
                _ => return Err(bad(file, format!("{name}: not a point"))),
            };
            Ok(Town {
                population: f.property("population").and_then(|v| v.as_u64()).unwrap_or(0),
                country: str_prop(f, "country").unwrap_or_default(),
                name,
                position,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    towns.sort_by_key(|t| std::cmp::Reverse(t.population));
    Ok(towns)
}

/// Outposts from GeoJSON points with `id` and `name` properties (missing ids are numbered).
pub fn outposts_from_str(file: &'static str, text: &str) -> Result<Vec<Outpost>, BundledDataError> {
    let fc = collection(file, text)?;
    fc.features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let id = str_prop(f, "id").unwrap_or_else(|| format!("OP-{:02}", i + 1));
            let name = str_prop(f, "name").unwrap_or_else(|| id.clone());
            let position = match geometry(file, f)? {
                Geometry::Point(p) => p,
                _ => return Err(bad(file, format!("{id}: not a point"))),
            };
            let mut o = Outpost::new(&id, &name, position);
            o.sample = f.property("sample").and_then(|v| v.as_bool()).unwrap_or(false);
            Ok(o)
        })
        .collect()
}

pub fn catalog() -> Result<Catalog, BundledDataError> {
    catalog_from_str("equipment.json", EQUIPMENT_JSON)
}

pub fn catalog_from_str(file: &'static str, text: &str) -> Result<Catalog, BundledDataError> {
    let catalog: Catalog = serde_json::from_str(text).map_err(|e| bad(file, e.to_string()))?;
    catalog.validate().map_err(|e| bad(file, e.to_string()))?;
    Ok(catalog)
}

pub fn base_data() -> Result<BaseData, BundledDataError> {
    Ok(BaseData { regions: regions()?, rivers: rivers()?, lakes: lakes()?, crossings: crossings()?, towns: towns()? })
}

/// A new, empty plan on the bundled border with the default segmentation, sample outposts and catalog.
pub fn new_plan(regions: &[Region]) -> Result<Plan, BundledDataError> {
    let border = border()?;
    let segments = Segmentation::default_for(&border, regions, DEFAULT_MAX_SEGMENT_KM);
    let outposts = outposts_from_str("outposts.geojson", OUTPOSTS_GEOJSON)?;
    Ok(Plan::new(border, segments, outposts, catalog()?))
}

/// The example plan shipped in data/example-plan.geojson.
pub fn example_plan() -> Result<Plan, BundledDataError> {
    super::plan_file::load_str(EXAMPLE_PLAN_GEOJSON).map_err(|e| bad("example-plan.geojson", e.to_string()))
}

/// The line of a border as written in the bundled file, for tests and tools.
pub fn border_line() -> Result<LineString<f64>, BundledDataError> {
    Ok(border()?.line().clone())
}
