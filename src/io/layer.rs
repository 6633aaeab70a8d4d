//! A vector layer read from a file: its features with their simplestyle values, their properties, the import
//! statistics and an R-tree of feature envelopes for viewport culling and picking. How the layer is drawn as a
//! whole is [`LayerStyle`] (in `map`); the distance maths of picking is in [`crate::model::geometry`].
//!
//! Coordinates are WGS84 longitude/latitude in degrees (`x` = longitude, `y` = latitude). Distances and
//! tolerances here are planar in degrees: they are meant for picking on screen, never for measurement.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use geo::{BoundingRect, CoordsIter, Geometry, Intersects, Point, Rect};

use super::properties::PropertyStore;
use super::spatial::PackedRTree;
pub use crate::map::layer_style::LayerStyle;
use crate::map::layer_style::layer_color;
use crate::model::geometry::{box_distance_2, distance_within, has_area, split_at_antimeridian};

/// One feature of a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerFeature {
    /// The geometry, longitude/latitude in degrees. Features with a null or empty geometry are never stored.
    pub geometry: Geometry<f64>,
    /// Z values (usually metres) in coordinate order when the input positions had a third number; kept, not
    /// drawn. A position without a z in an otherwise 3-D geometry gets `NaN`.
    pub z: Option<Box<[f64]>>,
    /// simplestyle-spec values found in the feature's properties; `None` when there were none (most features:
    /// boxed so that an unstyled feature costs one pointer).
    pub style: Option<Box<FeatureStyle>>,
}

/// The style of a feature without simplestyle properties.
static NO_STYLE: FeatureStyle = FeatureStyle {
    stroke: None,
    stroke_width: None,
    stroke_opacity: None,
    fill: None,
    fill_opacity: None,
    marker_color: None,
    marker_size: None,
    title: None,
};

impl LayerFeature {
    /// A feature with this geometry, no z values and no style.
    #[must_use]
    pub fn new(geometry: Geometry<f64>) -> Self {
        Self { geometry, z: None, style: None }
    }

    /// The feature's simplestyle values (all `None` when it has none).
    #[must_use]
    pub fn style(&self) -> &FeatureStyle {
        self.style.as_deref().unwrap_or(&NO_STYLE)
    }
}

/// Marker size of the simplestyle-spec `marker-size` property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerSize {
    Small,
    Medium,
    Large,
}

/// The simplestyle-spec property names ([`FeatureStyle`] reads them).
pub const SIMPLESTYLE_KEYS: [&str; 8] =
    ["stroke", "stroke-width", "stroke-opacity", "fill", "fill-opacity", "marker-color", "marker-size", "title"];

/// The bounding rectangle of `geometry` (`None` when it is empty), the one [`BoundingRect`] gives (a polygon's is
/// its exterior's), in a loop without branches to mispredict for points, lines and polygons.
#[must_use]
pub fn bounding_rect(geometry: &Geometry<f64>) -> Option<Rect<f64>> {
    let union = |a: Option<Rect<f64>>, b: Option<Rect<f64>>| match (a, b) {
        (Some(a), Some(b)) => rect_of(&[a.min(), a.max(), b.min(), b.max()]),
        (a, b) => a.or(b),
    };
    match geometry {
        Geometry::Point(p) => Some(Rect::new(p.0, p.0)),
        Geometry::LineString(line) => rect_of(&line.0),
        Geometry::Polygon(polygon) => rect_of(&polygon.exterior().0),
        Geometry::MultiLineString(lines) => lines.iter().map(|l| rect_of(&l.0)).fold(None, union),
        Geometry::MultiPolygon(polygons) => polygons.iter().map(|p| rect_of(&p.exterior().0)).fold(None, union),
        other => other.bounding_rect(),
    }
}

/// The spatial index of `features`, taking the rectangles in `known_rects` (by feature index, in index order)
/// as they are.
fn index_of(features: &[LayerFeature], known_rects: &[(usize, Rect<f64>)]) -> PackedRTree {
    PackedRTree::build_with(features.len(), |i| {
        let rect = match known_rects.binary_search_by_key(&i, |(index, _)| *index) {
            Ok(at) => known_rects.get(at).map(|(_, rect)| *rect),
            Err(_) => bounding_rect(&features.get(i)?.geometry),
        }?;
        Some([rect.min().x, rect.min().y, rect.max().x, rect.max().y])
    })
}

/// The rectangle of `coords`, with [`BoundingRect`]'s comparisons (the first of equal values is kept).
fn rect_of(coords: &[geo::Coord<f64>]) -> Option<Rect<f64>> {
    let first = coords.first()?;
    let (mut min, mut max) = (*first, *first);
    for c in coords {
        min.x = if c.x < min.x { c.x } else { min.x };
        min.y = if c.y < min.y { c.y } else { min.y };
        max.x = if c.x > max.x { c.x } else { max.x };
        max.y = if c.y > max.y { c.y } else { max.y };
    }
    Some(Rect::new(min, max))
}

/// Whether a property name is one of [`SIMPLESTYLE_KEYS`].
#[must_use]
pub fn is_simplestyle_key(key: &str) -> bool {
    SIMPLESTYLE_KEYS.contains(&key)
}

/// Per-feature style from the simplestyle-spec properties ([`SIMPLESTYLE_KEYS`]). Missing or invalid values are
/// `None`.
#[derive(Default, Clone, Debug, PartialEq)]
pub struct FeatureStyle {
    /// Line colour, RGB.
    pub stroke: Option<[u8; 3]>,
    /// Line width in pixels.
    pub stroke_width: Option<f32>,
    /// Line opacity, 0…1.
    pub stroke_opacity: Option<f32>,
    /// Polygon fill colour, RGB.
    pub fill: Option<[u8; 3]>,
    /// Fill opacity, 0…1.
    pub fill_opacity: Option<f32>,
    /// Point marker colour, RGB.
    pub marker_color: Option<[u8; 3]>,
    /// Point marker size.
    pub marker_size: Option<MarkerSize>,
    /// Title shown for the feature.
    pub title: Option<String>,
}

impl FeatureStyle {
    /// Reads the simplestyle-spec members of `properties`; invalid values are ignored.
    #[must_use]
    pub fn from_properties(properties: &serde_json::Map<String, serde_json::Value>) -> Self {
        // Fast path for the usual case without style members: one pass over the keys, not eight lookups.
        let styled = properties.keys().any(|k| is_simplestyle_key(k));
        if !styled {
            return Self::default();
        }
        let color = |key: &str| properties.get(key).and_then(|v| v.as_str()).and_then(parse_hex_color);
        let number = |key: &str| properties.get(key).and_then(serde_json::Value::as_f64).filter(|v| v.is_finite());
        let opacity = |key: &str| number(key).filter(|v| (0.0..=1.0).contains(v)).map(|v| v as f32);
        Self {
            stroke: color("stroke"),
            stroke_width: number("stroke-width").filter(|v| *v >= 0.0).map(|v| v as f32),
            stroke_opacity: opacity("stroke-opacity"),
            fill: color("fill"),
            fill_opacity: opacity("fill-opacity"),
            marker_color: color("marker-color"),
            marker_size: properties.get("marker-size").and_then(|v| v.as_str()).and_then(|s| {
                match s.trim().to_ascii_lowercase().as_str() {
                    "small" => Some(MarkerSize::Small),
                    "medium" => Some(MarkerSize::Medium),
                    "large" => Some(MarkerSize::Large),
                    _ => None,
                }
            }),
            title: properties.get("title").and_then(|v| v.as_str()).map(str::to_owned),
        }
    }

    /// True when no simplestyle value was found.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Parses `#rrggbb` or `#rgb` (the `#` is optional, hex digits in either case).
#[must_use]
pub fn parse_hex_color(text: &str) -> Option<[u8; 3]> {
    let hex = text.trim();
    let hex = hex.strip_prefix('#').unwrap_or(hex);
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u8::from_str_radix(hex.get(i..=i)?, 16).ok();
    match hex.len() {
        6 => {
            let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
            Some([byte(0)?, byte(2)?, byte(4)?])
        }
        3 => Some([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17]),
        _ => None,
    }
}

/// What an import found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportStats {
    /// Features stored in the layer.
    pub features: usize,
    /// Stored features by geometry type (`"Point"`, `"LineString"`, …, `"GeometryCollection"`).
    pub by_type: BTreeMap<String, usize>,
    /// Features with a null (or empty) geometry: counted, not stored.
    pub null_geometries: usize,
    /// Features skipped because they were invalid.
    pub skipped: usize,
    /// The first [`ImportStats::MAX_REASONS`] skip reasons, each naming the feature index.
    pub reasons: Vec<String>,
    /// Bounding box of the stored features: west, south, east, north in degrees.
    pub bbox: Option<[f64; 4]>,
    /// Sorted union of the property names of the stored features.
    pub property_names: Vec<String>,
    /// Things that did not stop the import but the user should know (e.g. a non-WGS84 `crs`).
    pub warnings: Vec<String>,
    /// Size of the input in bytes.
    pub bytes_read: u64,
    /// What a reader decided that the planner should be told (e.g. which CSV columns gave the geometry, the CRS
    /// the data was reprojected from).
    pub notes: Vec<String>,
    /// The legacy GeoJSON `crs` member's name when it is not WGS84 (e.g. `EPSG:32642`), as the file gives it in
    /// short form: the importer reprojects the file from it when it knows the CRS.
    pub declared_crs: Option<String>,
}

impl ImportStats {
    /// How many skip reasons are kept in [`ImportStats::reasons`].
    pub const MAX_REASONS: usize = 10;
}

/// A vector layer with an R-tree over its feature envelopes.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Display name; the file stem by default.
    pub name: String,
    /// The file the layer was read from, if any.
    pub source_path: Option<PathBuf>,
    /// The stored features (null-geometry and invalid features are not stored). Shared, so the map can draw
    /// a big layer on a background thread without copying it.
    pub features: Arc<Vec<LayerFeature>>,
    /// The `properties` of `features`, by feature index.
    pub properties: PropertyStore,
    /// What the import found.
    pub stats: ImportStats,
    /// How the layer is drawn.
    pub style: LayerStyle,
    /// Unique in this process: a selection keeps pointing at its layer when layers are imported, removed or moved.
    id: LayerId,
    /// Envelopes of the features in a packed R-tree. Not updated when `features` is modified afterwards: call
    /// [`Layer::rebuild_index`] then.
    index: PackedRTree,
}

/// A layer's identity, given by [`Layer::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LayerId(u64);

static NEXT_LAYER_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl Layer {
    /// Builds a layer and its spatial index. `properties` holds the properties of `features`, by index. Features without a bounding box (empty geometries) are kept but
    /// never found by the spatial queries. `stats` is taken as given.
    #[must_use]
    pub fn new(
        name: impl Into<String>,
        source_path: Option<PathBuf>,
        features: Vec<LayerFeature>,
        properties: PropertyStore,
        stats: ImportStats,
    ) -> Self {
        Self::with_known_rects(name, source_path, features, properties, stats, &[])
    }

    /// [`Layer::new`], given the bounding rectangles of some features already (by index, in index order, each
    /// the one [`bounding_rect`] gives): the spatial index takes them instead of computing them again.
    #[must_use]
    pub(crate) fn with_known_rects(
        name: impl Into<String>,
        source_path: Option<PathBuf>,
        features: Vec<LayerFeature>,
        properties: PropertyStore,
        stats: ImportStats,
        known_rects: &[(usize, Rect<f64>)],
    ) -> Self {
        let style = LayerStyle::for_properties(&stats.property_names);
        let id = LayerId(NEXT_LAYER_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let mut layer = Self {
            name: name.into(),
            source_path,
            features: Arc::new(features),
            properties,
            stats,
            style,
            id,
            index: PackedRTree::default(),
        };
        layer.index = index_of(&layer.features, known_rects);
        layer
    }

    /// The layer's identity (kept by clones: a clone is the same layer).
    #[must_use]
    pub fn id(&self) -> LayerId {
        self.id
    }

    /// Rebuilds the R-tree from `features` (after features were added, removed or edited).
    pub fn rebuild_index(&mut self) {
        self.index = index_of(&self.features, &[]);
    }

    /// Number of envelopes in the spatial index.
    #[must_use]
    pub fn indexed_len(&self) -> usize {
        self.index.len()
    }

    /// Distinct colour number `index` (cycling through a 10-colour palette), for giving each new layer its own
    /// colour: [`layer_color`].
    #[must_use]
    pub fn default_color(index: usize) -> [u8; 3] {
        layer_color(index)
    }

    /// The feature nearest to (`lon`, `lat`) within `tolerance_deg`, by planar distance in degrees: points and
    /// lines by distance, polygons when the point is inside or within the tolerance of the boundary. Points
    /// and lines within the tolerance win over a polygon that merely contains the position; among polygons
    /// containing it the one with the smallest envelope wins. Uses the R-tree.
    #[must_use]
    pub fn hit_test(&self, lon: f64, lat: f64, tolerance_deg: f64) -> Option<usize> {
        if !(lon.is_finite() && lat.is_finite() && tolerance_deg.is_finite()) {
            return None;
        }
        let tol = tolerance_deg.abs();
        let point = Point::new(lon, lat);
        let envelope = [lon - tol, lat - tol, lon + tol, lat + tol];
        let mut best: Option<((u8, f64, f64), usize)> = None;
        // Distance beyond which a candidate cannot win: the tolerance, or the distance of the best point or
        // line hit so far (a candidate at exactly that distance can still win the tie on its index).
        let mut limit = tol;
        for (i, env) in self.index.search(envelope) {
            if box_distance_2(*env, lon, lat) > limit * limit {
                continue;
            }
            let Some(feature) = self.features.get(i) else { continue };
            let Some(distance) = distance_within(&point, &feature.geometry, limit) else { continue };
            if distance.is_nan() || distance > tol {
                continue;
            }
            // Inside an areal geometry: a weaker hit than a nearby point or line.
            let inside_area = distance == 0.0 && has_area(&feature.geometry);
            let envelope_area = if inside_area { (env[2] - env[0]) * (env[3] - env[1]) } else { 0.0 };
            let key = (u8::from(inside_area), distance, envelope_area);
            // Ties go to the later feature, which is drawn on top.
            let better = match &best {
                None => true,
                Some((best_key, best_i)) => {
                    key.partial_cmp(best_key).is_some_and(|o| o.is_lt()) || (key == *best_key && i > *best_i)
                }
            };
            if better {
                best = Some((key, i));
                if !inside_area {
                    limit = limit.min(distance);
                }
            }
        }
        best.map(|(_, i)| i)
    }

    /// Indices (ascending) of the features whose geometry intersects the rectangle, in degrees. `west > east`
    /// means the rectangle crosses the antimeridian.
    #[must_use]
    pub fn features_in_rect(&self, west: f64, south: f64, east: f64, north: f64) -> Vec<usize> {
        let mut found: Vec<usize> = split_at_antimeridian(west, south, east, north)
            .into_iter()
            .flatten()
            .flat_map(|(w, s, e, n)| {
                let rect = Rect::new((w, s), (e, n));
                self.index
                    .search([w, s, e, n])
                    .map(|(i, _)| i)
                    .filter(move |i| self.features.get(*i).is_some_and(|f| f.geometry.intersects(&rect)))
            })
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Indices (unordered) of the features whose envelope intersects the rectangle, in degrees: the cheap
    /// viewport-culling query. `west > east` means the rectangle crosses the antimeridian.
    pub fn visible_in(&self, west: f64, south: f64, east: f64, north: f64) -> impl Iterator<Item = usize> + '_ {
        split_at_antimeridian(west, south, east, north)
            .into_iter()
            .flatten()
            .flat_map(move |(w, s, e, n)| self.index.search([w, s, e, n]).map(|(i, _)| i))
    }
}

/// The GeoJSON type name of a geometry (`Line`, `Rect` and `Triangle`, which GeoJSON lacks, are named after the
/// GeoJSON type they are written as).
#[must_use]
pub fn geometry_type_name(geometry: &Geometry<f64>) -> &'static str {
    match geometry {
        Geometry::Point(_) => "Point",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

/// Number of coordinates of a geometry, in the order [`LayerFeature::z`] uses.
#[must_use]
pub fn coordinate_count(geometry: &Geometry<f64>) -> usize {
    geometry.coords_count()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::synth::SplitMix64;
    use geo::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};

    #[test]
    fn the_quick_bounding_rect_is_the_one_geo_gives_bit_for_bit() {
        let mut rng = SplitMix64(11);
        let mut coords = |n: usize| -> Vec<Coord<f64>> {
            (0..n)
                .map(|i| match i % 7 {
                    // Signed zeros and ties, where the order of comparisons shows.
                    0 => Coord { x: 0.0, y: -0.0 },
                    1 => Coord { x: -0.0, y: 0.0 },
                    _ => Coord { x: rng.range(-1.0, 1.0), y: rng.range(-1.0, 1.0) },
                })
                .collect()
        };
        let ring = |c: Vec<Coord<f64>>| LineString(c);
        let geometries: Vec<Geometry<f64>> = vec![
            Geometry::LineString(ring(coords(50))),
            Geometry::LineString(ring(coords(1))),
            Geometry::Polygon(Polygon::new(ring(coords(40)), vec![ring(coords(9))])),
            Geometry::MultiLineString(MultiLineString(vec![ring(coords(5)), ring(coords(3)), ring(Vec::new())])),
            Geometry::MultiPolygon(MultiPolygon(vec![
                Polygon::new(ring(coords(8)), vec![]),
                Polygon::new(ring(coords(12)), vec![ring(coords(4))]),
            ])),
            Geometry::MultiPolygon(MultiPolygon(vec![])),
        ];
        let bits = |r: Option<Rect<f64>>| {
            r.map(|r| [r.min().x.to_bits(), r.min().y.to_bits(), r.max().x.to_bits(), r.max().y.to_bits()])
        };
        for g in &geometries {
            assert_eq!(bits(bounding_rect(g)), bits(g.bounding_rect()), "{g:?}");
        }
    }
}
