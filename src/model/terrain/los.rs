//! One line of sight over the terrain, and the border cut into samples ≤ 100 m apart.
//!
//! A sight line goes from `observer_height_m` above the ground at the sensor to `target_height_m` above the
//! ground at the target. Heights along it are compared as apparent heights: the terrain at distance `d` drops
//! by d² / (2·R_eff) below the observer's horizontal plane, with R_eff = R / (1 − k) for refraction coefficient
//! k. The line is blocked where the apparent terrain rises above the straight line between the two apparent
//! end heights. The terrain is read every `resolution_m` along the line (the DEM's own spacing).

use super::Elevation;
use crate::model::border::Border;
use geo::Point;

/// Mean earth radius, m.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// What one sight line finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    Visible,
    Hidden,
    /// A void or the edge of the data lies at an end or on the line, and nothing else blocks it.
    Unknown,
}

/// Great-circle distance, m (haversine; within 0.3 % of the geodesic at these ranges).
pub fn distance_m(a: Point<f64>, b: Point<f64>) -> f64 {
    let (la1, la2) = (a.y().to_radians(), b.y().to_radians());
    let dla = la2 - la1;
    let dlo = (b.x() - a.x()).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Initial bearing from `a` to `b`, degrees clockwise from north in [0, 360).
pub fn bearing_deg(a: Point<f64>, b: Point<f64>) -> f64 {
    let (la1, la2) = (a.y().to_radians(), b.y().to_radians());
    let dlo = (b.x() - a.x()).to_radians();
    let y = dlo.sin() * la2.cos();
    let x = la1.cos() * la2.sin() - la1.sin() * la2.cos() * dlo.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

/// True when `bearing` lies in the sector from `from` clockwise to `to` (degrees).
pub fn in_sector(bearing: f64, [from, to]: [f64; 2]) -> bool {
    let width = (to - from).rem_euclid(360.0);
    if width == 0.0 {
        return true;
    }
    (bearing - from).rem_euclid(360.0) <= width
}

/// Traces the sight line from `observer_height_m` above the ground at `from` to `target_height_m` above the
/// ground at `to`.
pub fn sight_line(
    dem: &dyn Elevation,
    from: Point<f64>,
    to: Point<f64>,
    observer_height_m: f64,
    target_height_m: f64,
    refraction_k: f64,
) -> Visibility {
    let (Some(z0), Some(zt)) = (dem.elevation_m(from.x(), from.y()), dem.elevation_m(to.x(), to.y())) else {
        return Visibility::Unknown;
    };
    let total_m = distance_m(from, to);
    let two_re = 2.0 * EARTH_RADIUS_M / (1.0 - refraction_k);
    let start = z0 + observer_height_m;
    let end = zt + target_height_m - total_m * total_m / two_re;
    let step = dem.resolution_m().max(1.0);
    let n = (total_m / step).ceil().clamp(1.0, 100_000.0) as usize;
    let (dx, dy) = (to.x() - from.x(), to.y() - from.y());
    let mut unknown = false;
    for i in 1..n {
        let s = i as f64 / n as f64;
        let d = s * total_m;
        let line = start + s * (end - start);
        match dem.elevation_m(from.x() + s * dx, from.y() + s * dy) {
            Some(g) if g - d * d / two_re > line => return Visibility::Hidden,
            Some(_) => {}
            None => unknown = true,
        }
    }
    if unknown { Visibility::Unknown } else { Visibility::Visible }
}

/// The border cut into `n` equal cells of at most [`super::SAMPLE_SPACING_M`], each represented by its centre.
#[derive(Debug, Clone, PartialEq)]
pub struct BorderSamples {
    pub length_km: f64,
    /// Width of one cell, km.
    pub cell_km: f64,
    /// Centre of each cell.
    pub points: Vec<Point<f64>>,
}

impl BorderSamples {
    pub fn new(border: &Border) -> Self {
        let length_km = border.length_km();
        let n = ((length_km * 1000.0 / super::SAMPLE_SPACING_M).ceil() as usize).max(1);
        let cell_km = length_km / n as f64;
        let points = (0..n).map(|i| border.point_at_km((i as f64 + 0.5) * cell_km)).collect();
        Self { length_km, cell_km, points }
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The chainage interval of cells `from..to`, km.
    pub fn km_of(&self, from: usize, to: usize) -> (f64, f64) {
        (from as f64 * self.cell_km, (to as f64 * self.cell_km).min(self.length_km))
    }

    /// Indexes of the cells whose centre lies within `range_m` of `p` (geodesic distance), in order.
    pub fn within(&self, p: Point<f64>, range_m: f64) -> Vec<usize> {
        use geo::{Distance, Geodesic};
        let dlat = (range_m / EARTH_RADIUS_M).to_degrees() * 1.01;
        let dlon = dlat / p.y().to_radians().cos().max(0.01);
        let mut out = Vec::new();
        for (i, q) in self.points.iter().enumerate() {
            if (q.y() - p.y()).abs() > dlat || (q.x() - p.x()).abs() > dlon {
                continue;
            }
            let d = distance_m(p, *q);
            // The haversine is within 0.3 % of the geodesic: measure the doubtful ones exactly.
            let inside =
                if (d - range_m).abs() < 0.004 * range_m { Geodesic.distance(p, *q) <= range_m } else { d <= range_m };
            if inside {
                out.push(i);
            }
        }
        out
    }
}
