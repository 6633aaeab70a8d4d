//! Border outposts.

use super::border::Border;
use super::segments::Segmentation;
use geo::Point;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Outpost {
    pub id: String,
    pub name: String,
    pub position: Point<f64>,
    /// Chainage of the nearest point on the border, km.
    pub km: f64,
    /// Geodesic distance to the border, metres.
    pub distance_to_border_m: f64,
    /// The segment the outpost belongs to (by chainage).
    pub segment_id: String,
    /// Illustrative sample data, not a real position.
    pub sample: bool,
    /// Properties this version does not know, kept for the round trip.
    pub extra: Map<String, Value>,
}

impl Outpost {
    pub fn new(id: &str, name: &str, position: Point<f64>) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            position,
            km: 0.0,
            distance_to_border_m: 0.0,
            segment_id: String::new(),
            sample: false,
            extra: Map::new(),
        }
    }

    /// Recomputes chainage, distance and segment from the position.
    pub fn snap(&mut self, border: &Border, segments: &Segmentation) {
        let loc = border.locate(self.position);
        self.km = loc.chainage_km;
        self.distance_to_border_m = loc.distance_m;
        self.segment_id = segments.segment_at_km(self.km).map(|s| s.id.clone()).unwrap_or_default();
    }
}
