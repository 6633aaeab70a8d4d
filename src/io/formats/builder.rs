//! Collects the features of a non-GeoJSON reader into a [`Layer`] with the same statistics, skip reasons and
//! warnings as the GeoJSON importer: a feature with a geometry outside longitude/latitude is skipped with a
//! reason naming it, a feature without a geometry is counted, not stored.

use crate::model::geometry::rect_union;
use std::collections::BTreeSet;
use std::path::Path;

use geo::{BoundingRect, CoordsIter, Geometry, Rect};
use serde_json::{Map, Value};

use crate::io::layer::{FeatureStyle, ImportStats, Layer, LayerFeature, geometry_type_name};
use crate::io::properties::PropertyStore;

/// The features, properties and counts of one layer being read.
#[derive(Default)]
pub struct LayerBuilder {
    features: Vec<LayerFeature>,
    properties: PropertyStore,
    stats: ImportStats,
    bbox: Option<Rect<f64>>,
    /// Index of the next feature in the file (stored, null or skipped).
    next_index: usize,
}

impl LayerBuilder {
    /// An empty builder.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Index (0-based) that the next feature gets in skip reasons.
    #[must_use]
    pub fn next_index(&self) -> usize {
        self.next_index
    }

    /// Adds a feature. `None` geometry counts as a null geometry; a geometry with a coordinate that is not a
    /// finite longitude/latitude is skipped with a reason. `label` names the feature in that reason (e.g.
    /// "row 12" or "placemark “Hill”"); by default "feature N".
    pub fn push(&mut self, geometry: Option<Geometry<f64>>, z: Option<Vec<f64>>, properties: Map<String, Value>) {
        self.push_labelled(None, geometry, z, properties);
    }

    /// [`LayerBuilder::push`] with the feature named by `label` in a skip reason.
    pub fn push_labelled(
        &mut self,
        label: Option<String>,
        geometry: Option<Geometry<f64>>,
        z: Option<Vec<f64>>,
        properties: Map<String, Value>,
    ) {
        let index = self.next_index;
        self.next_index += 1;
        let Some(geometry) = geometry.filter(|g| g.coords_count() > 0) else {
            self.stats.null_geometries += 1;
            return;
        };
        if let Some(reason) = out_of_range(&geometry) {
            self.skip_labelled(label.unwrap_or_else(|| format!("feature {index}")), reason);
            return;
        }
        *self.stats.by_type.entry(geometry_type_name(&geometry).to_owned()).or_default() += 1;
        if let Some(rect) = geometry.bounding_rect() {
            self.bbox = Some(rect_union(self.bbox, rect));
        }
        let style = FeatureStyle::from_properties(&properties);
        let style = (!style.is_empty()).then(|| Box::new(style));
        let z = z.filter(|z| z.len() == geometry.coords_count() && z.iter().any(|v| !v.is_nan()));
        self.properties.push_map(&properties);
        self.features.push(LayerFeature { geometry, z: z.map(Vec::into_boxed_slice), style });
    }

    /// Skips the next feature for `reason` (named "feature N").
    pub fn skip(&mut self, reason: impl Into<String>) {
        let index = self.next_index;
        self.next_index += 1;
        self.skip_labelled(format!("feature {index}"), reason.into());
    }

    /// Skips the next feature, named `label` in the reason.
    pub fn skip_named(&mut self, label: impl Into<String>, reason: impl Into<String>) {
        self.next_index += 1;
        self.skip_labelled(label.into(), reason.into());
    }

    fn skip_labelled(&mut self, label: String, reason: String) {
        self.stats.skipped += 1;
        if self.stats.reasons.len() < ImportStats::MAX_REASONS {
            self.stats.reasons.push(format!("{label}: {reason}"));
        }
    }

    /// A warning shown with the layer (does not stop the import). The same text is kept once.
    pub fn warn(&mut self, warning: impl Into<String>) {
        let warning = warning.into();
        if !self.stats.warnings.contains(&warning) {
            self.stats.warnings.push(warning);
        }
    }

    /// A note telling the planner what the reader decided (e.g. which columns gave the geometry).
    pub fn note(&mut self, note: impl Into<String>) {
        self.stats.notes.push(note.into());
    }

    /// Number of features stored so far.
    #[must_use]
    pub fn stored(&self) -> usize {
        self.features.len()
    }

    /// The layer called `name`, read from `path` (`bytes_read` bytes).
    #[must_use]
    pub fn finish(self, name: &str, path: Option<&Path>, bytes_read: u64) -> Layer {
        let Self { features, properties, mut stats, bbox, .. } = self;
        stats.features = features.len();
        let names: BTreeSet<&str> = properties.shapes().flatten().map(|k| &**k).collect();
        stats.property_names = names.into_iter().map(str::to_owned).collect();
        stats.bbox = bbox.map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]);
        stats.bytes_read = bytes_read;
        Layer::new(name, path.map(Path::to_path_buf), features, properties, stats)
    }
}

/// Why a geometry is not longitude/latitude: a coordinate that is not finite or out of range.
#[must_use]
pub fn out_of_range(geometry: &Geometry<f64>) -> Option<String> {
    let bad = geometry.coords_iter().find(|c| {
        !(c.x.is_finite() && c.y.is_finite() && (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y))
    })?;
    Some(format!(
        "coordinate ({}, {}) is not a longitude/latitude in degrees (projected data without a known CRS?)",
        bad.x, bad.y
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Point;

    #[test]
    fn a_projected_coordinate_is_skipped_with_a_reason_and_a_missing_geometry_is_counted() {
        let mut b = LayerBuilder::new();
        b.push(Some(Geometry::Point(Point::new(69.0, 37.0))), None, Map::new());
        b.push(Some(Geometry::Point(Point::new(500_000.0, 4_100_000.0))), None, Map::new());
        b.push(None, None, Map::new());
        let layer = b.finish("t", None, 0);
        assert_eq!((layer.stats.features, layer.stats.skipped, layer.stats.null_geometries), (1, 1, 1));
        assert!(layer.stats.reasons[0].starts_with("feature 1: coordinate (500000, 4100000)"), "{:?}", layer.stats);
        assert_eq!(layer.stats.bbox, Some([69.0, 37.0, 69.0, 37.0]));
    }
}
