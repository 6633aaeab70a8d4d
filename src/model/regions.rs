//! Administrative regions on either side of the border, used to name segments.

use geo::{Contains, Distance, Euclidean, MultiPolygon, Point};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Tajikistan,
    Afghanistan,
}

#[derive(Debug, Clone)]
pub struct Region {
    pub name: String,
    pub side: Side,
    pub area: MultiPolygon<f64>,
}

/// Finds which region of `side` a point is in, or the closest one when it is in none (points on the
/// border line itself are, by construction, only nearly inside either side).
///
/// "Closest" is decided in degrees: it only ranks candidates, it measures nothing.
pub fn nearest_region(regions: &[Region], side: Side, p: Point<f64>) -> Option<&Region> {
    let candidates = regions.iter().filter(|r| r.side == side);
    let mut best: Option<(&Region, f64)> = None;
    for r in candidates {
        if r.area.contains(&p) {
            return Some(r);
        }
        let d = Euclidean.distance(&p, &r.area);
        if best.is_none_or(|(_, bd)| d < bd) {
            best = Some((r, d));
        }
    }
    best.map(|(r, _)| r)
}
