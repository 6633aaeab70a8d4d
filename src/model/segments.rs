//! Segments: an exact, gap-free partition of the border's chainage into named pieces.

use super::border::Border;
use super::regions::{Region, Side, nearest_region};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Chainage tolerance when comparing segment ends, in km (1 mm).
pub const KM_EPS: f64 = 1e-6;
/// Shortest segment a split may leave, in km.
pub const MIN_SEGMENT_KM: f64 = 0.1;

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub id: String,
    pub name: String,
    pub from_km: f64,
    pub to_km: f64,
    /// Tajik region on the north side.
    pub tajik_region: String,
    /// Afghan province opposite.
    pub afghan_province: String,
    /// Properties this version does not know, kept for the round trip.
    pub extra: Map<String, Value>,
}

impl Segment {
    pub fn length_km(&self) -> f64 {
        self.to_km - self.from_km
    }
    pub fn contains_km(&self, km: f64) -> bool {
        km >= self.from_km - KM_EPS && km <= self.to_km + KM_EPS
    }
    pub fn mid_km(&self) -> f64 {
        0.5 * (self.from_km + self.to_km)
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SegmentError {
    #[error("km {km:.3} is outside the border (0 … {length_km:.3} km)")]
    OutOfRange { km: f64, length_km: f64 },
    #[error("a split at km {km:.3} would leave a piece shorter than {min} km")]
    TooClose { km: f64, min: f64 },
    #[error("segment “{0}” does not exist")]
    Unknown(String),
    #[error("segment “{0}” is the last one and has no eastern neighbour to merge with")]
    NoNeighbour(String),
    #[error("segments do not partition the border: {0}")]
    NotAPartition(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Segmentation {
    segments: Vec<Segment>,
    /// Position of each id in `segments` (the first one, should an id occur twice): every assignment on a
    /// segment looks its segment up, 50,000 times per change on a programme-scale plan.
    by_id: HashMap<String, usize>,
}

impl Segmentation {
    fn indexed(segments: Vec<Segment>) -> Self {
        let mut s = Self { segments, by_id: HashMap::new() };
        s.reindex();
        s
    }

    fn reindex(&mut self) {
        self.by_id.clear();
        for (i, seg) in self.segments.iter().enumerate() {
            self.by_id.entry(seg.id.clone()).or_insert(i);
        }
    }

    /// Builds a segmentation from segments that must already be a partition of [0, `length_km`].
    pub fn from_segments(mut segments: Vec<Segment>, length_km: f64) -> Result<Self, SegmentError> {
        segments.sort_by(|a, b| a.from_km.total_cmp(&b.from_km));
        let s = Self::indexed(segments);
        s.check_partition(length_km)?;
        Ok(s)
    }

    /// One segment spanning the whole border.
    pub fn single(length_km: f64) -> Self {
        Self::indexed(vec![Segment {
            id: "SEG-001".into(),
            name: "Whole border".into(),
            from_km: 0.0,
            to_km: length_km,
            tajik_region: String::new(),
            afghan_province: String::new(),
            extra: Map::new(),
        }])
    }

    /// The default segmentation: a boundary wherever the region on either side changes (sampled every 0.5 km),
    /// then each run cut into equal pieces of at most `max_km`.
    pub fn default_for(border: &Border, regions: &[Region], max_km: f64) -> Self {
        let length = border.length_km();
        let step = 0.5;
        let n = (length / step).ceil().max(1.0) as usize;
        let sides = |km: f64| {
            let p = border.point_at_km(km);
            let tj = nearest_region(regions, Side::Tajikistan, p).map(|r| r.name.clone()).unwrap_or_default();
            let af = nearest_region(regions, Side::Afghanistan, p).map(|r| r.name.clone()).unwrap_or_default();
            (tj, af)
        };
        // Runs of constant (tajik, afghan) pairs.
        let mut runs: Vec<(f64, f64, (String, String))> = Vec::new();
        for i in 0..n {
            let a = i as f64 * step;
            let b = ((i + 1) as f64 * step).min(length);
            let key = sides(0.5 * (a + b));
            match runs.last_mut() {
                Some(last) if last.2 == key => last.1 = b,
                _ => runs.push((a, b, key)),
            }
        }
        // Absorb slivers (< 2 km) into the previous run: they come from generalised polygon edges.
        let mut merged: Vec<(f64, f64, (String, String))> = Vec::new();
        for r in runs {
            match merged.last_mut() {
                Some(last) if r.1 - r.0 < 2.0 => last.1 = r.1,
                _ => merged.push(r),
            }
        }
        if merged.len() > 1 && merged[0].1 - merged[0].0 < 2.0 {
            let first = merged.remove(0);
            merged[0].0 = first.0;
        }
        let mut segments = Vec::new();
        for (a, b, (tj, af)) in merged {
            let pieces = ((b - a) / max_km).ceil().max(1.0) as usize;
            let len = (b - a) / pieces as f64;
            for k in 0..pieces {
                let from = if k == 0 { a } else { a + k as f64 * len };
                let to = if k + 1 == pieces { b } else { a + (k + 1) as f64 * len };
                let id = format!("SEG-{:03}", segments.len() + 1);
                let base = match (tj.is_empty(), af.is_empty()) {
                    (false, false) => format!("{tj} / {af}"),
                    _ => "Border".to_owned(),
                };
                let name = if pieces > 1 { format!("{base} {}", k + 1) } else { base };
                segments.push(Segment {
                    id,
                    name,
                    from_km: from,
                    to_km: to,
                    tajik_region: tj.clone(),
                    afghan_province: af.clone(),
                    extra: Map::new(),
                });
            }
        }
        if let Some(first) = segments.first_mut() {
            first.from_km = 0.0;
        }
        if let Some(last) = segments.last_mut() {
            last.to_km = length;
        }
        Self::indexed(segments)
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }
    pub fn len(&self) -> usize {
        self.segments.len()
    }
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }
    pub fn get(&self, id: &str) -> Option<&Segment> {
        self.index_of(id).map(|i| &self.segments[i])
    }
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }
    pub fn segment_at_km(&self, km: f64) -> Option<&Segment> {
        let i = self.segments.partition_point(|s| s.to_km < km);
        self.segments.get(i.min(self.segments.len().saturating_sub(1))).filter(|s| s.contains_km(km))
    }

    /// A segment id not used yet, and not one another planner's split of a copy of this plan would make.
    fn fresh_id(&self) -> String {
        super::ids::new_ids("SEG-", 1, |id| self.get(id).is_some()).pop().unwrap_or_default()
    }

    /// Splits the segment containing `km`. The western part keeps the id; returns (western id, new eastern id).
    pub fn split_at(&mut self, km: f64, length_km: f64) -> Result<(String, String), SegmentError> {
        if !(km.is_finite() && km > 0.0 && km < length_km) {
            return Err(SegmentError::OutOfRange { km, length_km });
        }
        let i =
            self.segments.iter().position(|s| s.contains_km(km)).ok_or(SegmentError::OutOfRange { km, length_km })?;
        let s = &self.segments[i];
        if km - s.from_km < MIN_SEGMENT_KM || s.to_km - km < MIN_SEGMENT_KM {
            return Err(SegmentError::TooClose { km, min: MIN_SEGMENT_KM });
        }
        let new_id = self.fresh_id();
        let mut east = s.clone();
        east.id = new_id.clone();
        east.name = format!("{} (east of km {:.1})", strip_split_suffix(&s.name), km);
        east.from_km = km;
        let west_id = s.id.clone();
        let west = &mut self.segments[i];
        west.to_km = km;
        self.segments.insert(i + 1, east);
        self.reindex();
        Ok((west_id, new_id))
    }

    /// Merges a segment with its eastern neighbour; the western one keeps its id. Returns the removed id.
    pub fn merge_with_next(&mut self, id: &str) -> Result<String, SegmentError> {
        let i = self.index_of(id).ok_or_else(|| SegmentError::Unknown(id.to_owned()))?;
        if i + 1 >= self.segments.len() {
            return Err(SegmentError::NoNeighbour(id.to_owned()));
        }
        let east = self.segments.remove(i + 1);
        self.segments[i].to_km = east.to_km;
        self.reindex();
        Ok(east.id)
    }

    /// Changes the unknown members of segment `id` (nothing when there is no such segment).
    pub fn with_extra(&mut self, id: &str, change: impl FnOnce(&mut Map<String, Value>)) {
        if let Some(i) = self.index_of(id) {
            change(&mut self.segments[i].extra);
        }
    }

    pub fn rename(&mut self, id: &str, name: &str) -> Result<(), SegmentError> {
        let i = self.index_of(id).ok_or_else(|| SegmentError::Unknown(id.to_owned()))?;
        self.segments[i].name = name.trim().to_owned();
        Ok(())
    }

    /// Stretches the partition to a new border length (used when the border is replaced).
    pub fn rescale(&mut self, old_length_km: f64, new_length_km: f64) {
        if old_length_km <= 0.0 {
            *self = Self::single(new_length_km);
            return;
        }
        let k = new_length_km / old_length_km;
        for s in &mut self.segments {
            s.from_km *= k;
            s.to_km *= k;
        }
        if let Some(l) = self.segments.last_mut() {
            l.to_km = new_length_km;
        }
    }

    /// Checks that segments are contiguous, non-overlapping, non-empty and cover exactly [0, length].
    pub fn check_partition(&self, length_km: f64) -> Result<(), SegmentError> {
        let bad = |m: String| Err(SegmentError::NotAPartition(m));
        let Some(first) = self.segments.first() else {
            return bad("there are no segments".into());
        };
        if first.from_km.abs() > KM_EPS {
            return bad(format!("the first segment starts at km {:.6}, not 0", first.from_km));
        }
        for w in self.segments.windows(2) {
            if (w[0].to_km - w[1].from_km).abs() > KM_EPS {
                return bad(format!(
                    "{} ends at km {:.6} but {} starts at km {:.6}",
                    w[0].id, w[0].to_km, w[1].id, w[1].from_km
                ));
            }
        }
        for (i, s) in self.segments.iter().enumerate() {
            if s.to_km <= s.from_km {
                return bad(format!("{} is empty or reversed", s.id));
            }
            if self.segments[..i].iter().any(|o| o.id == s.id) {
                return bad(format!("segment id {} is used twice", s.id));
            }
        }
        let last = self.segments.last().map(|s| s.to_km).unwrap_or(0.0);
        if (last - length_km).abs() > 1e-3 {
            return bad(format!("the last segment ends at km {last:.3}, the border at km {length_km:.3}"));
        }
        Ok(())
    }
}

fn strip_split_suffix(name: &str) -> &str {
    name.split(" (east of km").next().unwrap_or(name)
}
