//! The state of one parse ([`Ctx`]: progress, cancellation, the fatal error, scratch buffers) and the
//! [`Builder`] that collects the features, their properties and the statistics into a [`Layer`].

use crate::model::geometry::rect_union;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};

use geo::Rect;
use serde::de;

use super::ImportOptions;
use super::coords::{CoordTree, Repairs};
use super::error::ImportError;
use crate::io::layer::{ImportStats, Layer, LayerFeature, bounding_rect, coordinate_count, geometry_type_name};
use crate::io::properties::PropertyStore;
use crate::io::room::Room;

/// Progress is reported about every this many bytes.
const PROGRESS_STEP_BYTES: u64 = 1 << 20;

/// State shared by all visitors of one parse.
pub(super) struct Ctx<'o> {
    /// Address and length of the buffer being parsed, to turn borrowed keys into byte offsets.
    base_addr: usize,
    len: usize,
    /// Byte offset of the last object key seen (a cheap progress position).
    last_offset: usize,
    next_report: u64,
    progress: Option<&'o (dyn Fn(u64) + Sync)>,
    cancel: Option<&'o AtomicBool>,
    /// Set by a visitor just before it aborts the parse with a serde error.
    pub(super) fatal: Option<ImportError>,
    /// Coordinate buffers reused from geometry to geometry.
    pub(super) scratch: CoordTree,
    /// Whether overflow markers may appear (second pass).
    pub(super) overflow_mode: bool,
    /// The top-level object was a FeatureCollection.
    pub(super) collection: bool,
    /// Index of the next feature in the `features` array.
    pub(super) next_feature: usize,
    pub(super) out: Builder,
}

impl<'o> Ctx<'o> {
    /// The state for parsing `bytes` (borrowed keys are located in them for progress).
    pub(super) fn new(bytes: &[u8], opts: &ImportOptions<'o>) -> Self {
        Self {
            base_addr: bytes.as_ptr() as usize,
            len: bytes.len(),
            last_offset: 0,
            next_report: PROGRESS_STEP_BYTES,
            progress: opts.progress,
            cancel: opts.cancel,
            fatal: None,
            scratch: CoordTree::default(),
            overflow_mode: false,
            collection: false,
            next_feature: 0,
            out: Builder::default(),
        }
    }

    /// Starts a second pass over `patched` (keeps the progress already reported).
    pub(super) fn restart(&mut self, patched: &[u8]) {
        self.base_addr = patched.as_ptr() as usize;
        self.len = patched.len();
        self.last_offset = 0;
        self.fatal = None;
        self.scratch.clear();
        self.overflow_mode = true;
        self.next_feature = 0;
        self.out = Builder::default();
    }

    /// Remembers where the object key `key` (when borrowed from the buffer) sits, as the progress position.
    pub(super) fn note_offset(&mut self, key: &str) {
        let addr = key.as_ptr() as usize;
        if addr >= self.base_addr && addr < self.base_addr + self.len {
            self.last_offset = addr - self.base_addr;
        }
    }

    /// Reports progress when another [`PROGRESS_STEP_BYTES`] were passed.
    pub(super) fn report_progress(&mut self) {
        if let Some(progress) = self.progress {
            let done = self.last_offset as u64;
            if done >= self.next_report {
                progress(done);
                self.next_report = (done / PROGRESS_STEP_BYTES + 1) * PROGRESS_STEP_BYTES;
            }
        }
    }

    pub(super) fn cancel_requested(&self) -> bool {
        self.cancel.is_some_and(|c| c.load(Ordering::Relaxed))
    }

    /// Records a fatal error and returns the serde error that unwinds the parse.
    pub(super) fn abort<E: de::Error>(&mut self, error: ImportError) -> E {
        let e = E::custom(&error);
        self.fatal = Some(error);
        e
    }
}

/// What one feature turned into: stored, null geometry, or skipped with a reason.
pub(super) type FeatureOutcome = Result<Option<LayerFeature>, String>;

/// Collects the features and statistics.
#[derive(Default)]
pub(super) struct Builder {
    pub(super) features: Vec<LayerFeature>,
    /// The properties of `features` (values of a feature being read are appended before it is recorded).
    pub(super) properties: PropertyStore,
    pub(super) stats: ImportStats,
    /// The first [`ImportStats::MAX_REASONS`] skip reasons with the index of their feature.
    reasons: Vec<(usize, String)>,
    bbox: Option<Rect<f64>>,
    /// The rectangles of the features of many positions, by index in `features`, computed here once for the
    /// layer's extent and given to its spatial index instead of computed again (a 2M-vertex line: one pass
    /// over its 32 MB instead of two).
    big_rects: Vec<(usize, Rect<f64>)>,
    /// Repairs made to the stored features.
    pub(super) repairs: RepairTally,
    /// Bytes the parser went through (the block reader's measure of its own work).
    pub(super) parsed_bytes: u64,
}

/// Repairs over the stored features, said once in the layer's warnings.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct RepairTally {
    wrapped_features: usize,
    closed_features: usize,
    all: Repairs,
}

impl RepairTally {
    pub(super) fn count(&mut self, r: Repairs) {
        self.wrapped_features += usize::from(r.wrapped_positions > 0);
        self.closed_features += usize::from(r.closed_rings > 0);
        self.all.add(r);
    }

    fn merge(&mut self, other: RepairTally) {
        self.wrapped_features += other.wrapped_features;
        self.closed_features += other.closed_features;
        self.all.add(other.all);
    }

    /// The warnings, one per kind of repair.
    fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let plural = |n: usize, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
        if self.wrapped_features > 0 {
            out.push(format!(
                "{} in {} had longitudes beyond ±180 by whole turns (the first: {}); they were wrapped into −180…180",
                plural(self.all.wrapped_positions, "position", "positions"),
                plural(self.wrapped_features, "feature", "features"),
                self.all.first_wrapped.unwrap_or_default(),
            ));
        }
        if self.closed_features > 0 {
            out.push(format!(
                "{} in {} {} not closed (last position different from the first); closed by repeating the first position",
                plural(self.all.closed_rings, "polygon ring", "polygon rings"),
                plural(self.closed_features, "feature", "features"),
                if self.all.closed_rings == 1 { "was" } else { "were" },
            ));
        }
        out
    }
}

impl Builder {
    /// The reserved room of the arrays the features and their properties are appended to.
    pub(super) fn rooms(&self) -> [Room; 4] {
        let [a, b, c] = self.properties.rooms();
        [Room::of(&self.features, self.features.capacity()), a, b, c]
    }

    /// Counts the outcome of feature `index` and stores the feature if it has a geometry.
    pub(super) fn record(&mut self, index: usize, outcome: FeatureOutcome) {
        match outcome {
            Ok(Some(feature)) => {
                let type_name = geometry_type_name(&feature.geometry);
                match self.stats.by_type.get_mut(type_name) {
                    Some(count) => *count += 1,
                    None => {
                        self.stats.by_type.insert(type_name.to_owned(), 1);
                    }
                }
                if let Some(rect) = bounding_rect(&feature.geometry) {
                    self.bbox = Some(rect_union(self.bbox, rect));
                    if coordinate_count(&feature.geometry) >= MANY_POSITIONS {
                        self.big_rects.push((self.features.len(), rect));
                    }
                }
                self.features.push(feature);
            }
            Ok(None) => self.stats.null_geometries += 1,
            Err(reason) => {
                self.stats.skipped += 1;
                if self.reasons.len() < ImportStats::MAX_REASONS {
                    self.reasons.push((index, reason));
                }
            }
        }
    }

    /// Appends the features and counts of `part`, read from the features that follow this builder's; its
    /// feature indices start at `index_offset`.
    pub(super) fn append(&mut self, part: Self, index_offset: usize) {
        let Self { mut features, properties, stats, reasons, bbox, big_rects, repairs, parsed_bytes } = part;
        self.repairs.merge(repairs);
        self.parsed_bytes += parsed_bytes;
        let feature_offset = self.features.len();
        self.big_rects.extend(big_rects.into_iter().map(|(i, rect)| (i + feature_offset, rect)));
        self.features.append(&mut features);
        self.properties.append(properties);
        for (name, count) in stats.by_type {
            *self.stats.by_type.entry(name).or_default() += count;
        }
        self.stats.null_geometries += stats.null_geometries;
        self.stats.skipped += stats.skipped;
        let room = ImportStats::MAX_REASONS.saturating_sub(self.reasons.len());
        self.reasons.extend(reasons.into_iter().take(room).map(|(i, r)| (i + index_offset, r)));
        self.stats.warnings.extend(stats.warnings);
        if let Some(rect) = bbox {
            self.bbox = Some(rect_union(self.bbox, rect));
        }
    }

    /// The layer called `name` read from `bytes_read` bytes.
    pub(super) fn finish(self, name: &str, bytes_read: u64) -> Layer {
        let Self { features, properties, mut stats, reasons, bbox, big_rects, repairs, parsed_bytes: _ } = self;
        stats.warnings.extend(repairs.warnings());
        stats.features = features.len();
        stats.reasons = reasons.into_iter().map(|(i, reason)| format!("feature {i}: {reason}")).collect();
        let names: BTreeSet<&str> = properties.shapes().flatten().map(|k| &**k).collect();
        stats.property_names = names.into_iter().map(str::to_owned).collect();
        stats.bbox = bbox.map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]);
        stats.bytes_read = bytes_read;
        Layer::with_known_rects(name, None, features, properties, stats, &big_rects)
    }
}

/// From this many positions a feature's rectangle is worth keeping rather than computing again.
const MANY_POSITIONS: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Geometry, Point};

    fn point(x: f64, y: f64) -> FeatureOutcome {
        Ok(Some(LayerFeature::new(Geometry::Point(Point::new(x, y)))))
    }

    #[test]
    fn an_appended_part_keeps_file_order_counts_and_reason_indices() {
        let mut first = Builder::default();
        first.record(0, point(1.0, 2.0));
        first.record(1, Err("bad".to_owned()));
        let mut second = Builder::default();
        second.record(0, Ok(None));
        second.record(1, point(-3.0, 5.0));
        second.record(2, Err("worse".to_owned()));
        first.append(second, 2);
        let layer = first.finish("l", 10);
        assert_eq!(layer.stats.features, 2);
        assert_eq!(layer.stats.null_geometries, 1);
        assert_eq!(layer.stats.skipped, 2);
        assert_eq!(layer.stats.reasons, ["feature 1: bad", "feature 4: worse"]);
        assert_eq!(layer.stats.bbox, Some([-3.0, 2.0, 1.0, 5.0]));
        assert_eq!(layer.stats.by_type.get("Point"), Some(&2));
    }

    #[test]
    fn the_rectangles_kept_for_big_features_give_the_index_the_layer_would_build_itself() {
        let line = |x0: f64, y: f64, n: usize| {
            let coords: Vec<geo::Coord<f64>> =
                (0..n).map(|i| geo::Coord { x: x0 + i as f64 * 1e-3, y: y + (i % 7) as f64 * 1e-2 }).collect();
            Ok(Some(LayerFeature::new(Geometry::LineString(geo::LineString(coords)))))
        };
        let mut first = Builder::default();
        first.record(0, point(1.0, 2.0));
        first.record(1, line(10.0, 5.0, 5000));
        first.record(2, Err("bad".to_owned()));
        let mut second = Builder::default();
        second.record(0, line(-20.0, -5.0, 4096));
        second.record(1, point(0.5, 0.5));
        second.record(2, line(3.0, 3.0, 10));
        first.append(second, 3);
        assert_eq!(first.big_rects.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [1, 2]);
        let layer = first.finish("l", 0);
        let mut rebuilt = layer.clone();
        rebuilt.rebuild_index();
        let queries =
            [(-30.0, -10.0, 30.0, 10.0), (14.0, 5.0, 14.5, 5.5), (-17.0, -4.95, -16.0, -4.9), (0.0, 0.0, 1.0, 1.0)];
        for (w, s, e, n) in queries {
            assert_eq!(layer.features_in_rect(w, s, e, n), rebuilt.features_in_rect(w, s, e, n), "{w} {s} {e} {n}");
        }
        assert_eq!(layer.features_in_rect(14.0, 5.0, 14.5, 5.5), [1]);
        assert_eq!(layer.features_in_rect(-17.0, -4.95, -16.0, -4.9), [2]);
    }

    #[test]
    fn only_the_first_reasons_are_kept_across_appended_parts() {
        let mut first = Builder::default();
        for i in 0..ImportStats::MAX_REASONS - 1 {
            first.record(i, Err(format!("r{i}")));
        }
        let mut second = Builder::default();
        second.record(0, Err("kept".to_owned()));
        second.record(1, Err("dropped".to_owned()));
        first.append(second, ImportStats::MAX_REASONS - 1);
        let layer = first.finish("l", 0);
        assert_eq!(layer.stats.skipped, ImportStats::MAX_REASONS + 1);
        assert_eq!(layer.stats.reasons.len(), ImportStats::MAX_REASONS);
        assert_eq!(layer.stats.reasons.last().map(String::as_str), Some("feature 9: kept"));
    }
}
