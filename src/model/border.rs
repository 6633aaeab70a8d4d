//! The border line with geodesic linear referencing (chainage in km from the western end).
//!
//! All lengths are WGS84 geodesic (Karney) through [`geo::Geodesic`]; planar lengths on lon/lat are never used
//! for measurement. Nearest-point search uses a local equirectangular projection per edge only to find the
//! parameter along the edge; the distance and chainage of that point are then measured geodesically.

use geo::{Coord, Distance, Geodesic, InterpolatePoint, LineString, Point, Rect};

/// The officially stated length of the Tajikistan–Afghanistan border, km.
pub const OFFICIAL_LENGTH_KM: f64 = 1344.0;

/// One sentence on why a border line's measured length differs from the official figure.
pub fn length_note(data_length_km: f64) -> String {
    let diff_pct = (data_length_km / OFFICIAL_LENGTH_KM - 1.0) * 100.0;
    let why = if diff_pct >= 0.0 {
        "it follows every bend of the Panj and Pamir rivers at the map's detail, while the official figure was \
         measured on coarser maps"
    } else {
        "it is a generalised line that cuts across the rivers' bends, while the official figure follows them"
    };
    format!(
        "The line measures {data_length_km:.1} km, {:.1} % {} than the official {OFFICIAL_LENGTH_KM:.0} km: {why}.",
        diff_pct.abs(),
        if diff_pct >= 0.0 { "longer" } else { "shorter" }
    )
}

/// Mean Earth radius used only for the local projection that picks candidate edges.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BorderError {
    #[error("a border needs at least 2 distinct vertices, this line has {0}")]
    TooFewVertices(usize),
    #[error(
        "vertex {index} has an invalid coordinate ({x}, {y}): longitude must be in −180…180 and latitude in −90…90"
    )]
    InvalidCoordinate { index: usize, x: f64, y: f64 },
}

/// Where a point lies relative to the border.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Location {
    /// Chainage of the nearest point on the line, in km from the western end.
    pub chainage_km: f64,
    /// Geodesic distance from the point to the line, in metres.
    pub distance_m: f64,
    /// The nearest point on the line.
    pub nearest: Point<f64>,
    /// Index of the edge (vertex `edge` to `edge + 1`) the nearest point lies on.
    pub edge: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Border {
    line: LineString<f64>,
    /// Cumulative geodesic distance in metres at each vertex.
    cumulative_m: Vec<f64>,
}

impl Border {
    pub fn new(line: LineString<f64>) -> Result<Self, BorderError> {
        let mut coords: Vec<Coord<f64>> = Vec::with_capacity(line.0.len());
        for (index, c) in line.0.iter().enumerate() {
            if !c.x.is_finite() || !c.y.is_finite() || c.x.abs() > 180.0 || c.y.abs() > 90.0 {
                return Err(BorderError::InvalidCoordinate { index, x: c.x, y: c.y });
            }
            // Drop consecutive duplicates: they carry no length and confuse edge parameters.
            if coords.last() != Some(c) {
                coords.push(*c);
            }
        }
        if coords.len() < 2 {
            return Err(BorderError::TooFewVertices(coords.len()));
        }
        let mut cumulative_m = Vec::with_capacity(coords.len());
        let mut total = 0.0;
        cumulative_m.push(0.0);
        for w in coords.windows(2) {
            total += Geodesic.distance(Point(w[0]), Point(w[1]));
            cumulative_m.push(total);
        }
        Ok(Self { line: LineString(coords), cumulative_m })
    }

    pub fn line(&self) -> &LineString<f64> {
        &self.line
    }

    pub fn vertex_count(&self) -> usize {
        self.line.0.len()
    }

    /// Cumulative geodesic chainage at every vertex, in metres.
    pub fn vertex_chainage_m(&self) -> &[f64] {
        &self.cumulative_m
    }

    pub fn length_m(&self) -> f64 {
        self.cumulative_m.last().copied().unwrap_or(0.0)
    }

    pub fn length_km(&self) -> f64 {
        self.length_m() / 1000.0
    }

    pub fn bounds(&self) -> Rect<f64> {
        let mut min = self.line.0[0];
        let mut max = min;
        for c in &self.line.0 {
            min.x = min.x.min(c.x);
            min.y = min.y.min(c.y);
            max.x = max.x.max(c.x);
            max.y = max.y.max(c.y);
        }
        Rect::new(min, max)
    }

    /// Nearest point on the line, its chainage and the distance to it (like PostGIS ST_LineLocatePoint,
    /// but geodesic).
    pub fn locate(&self, p: Point<f64>) -> Location {
        // Rank edges by an approximate (local equirectangular) distance, then measure the best few exactly.
        let mut best: [(f64, usize, f64); 3] = [(f64::INFINITY, 0, 0.0); 3];
        for (i, w) in self.line.0.windows(2).enumerate() {
            let (d2, t) = approx_edge_distance2(p.0, w[0], w[1]);
            if d2 < best[2].0 {
                best[2] = (d2, i, t);
                best.sort_by(|a, b| a.0.total_cmp(&b.0));
            }
        }
        let mut result: Option<Location> = None;
        for &(d2, edge, t) in &best {
            if !d2.is_finite() {
                continue;
            }
            let a = Point(self.line.0[edge]);
            let b = Point(self.line.0[edge + 1]);
            let nearest = refine_on_edge(p, a, b, t);
            let distance_m = Geodesic.distance(p, nearest);
            let chainage_m = self.cumulative_m[edge] + Geodesic.distance(a, nearest);
            let loc =
                Location { chainage_km: (chainage_m / 1000.0).clamp(0.0, self.length_km()), distance_m, nearest, edge };
            if result.is_none_or(|r| loc.distance_m < r.distance_m) {
                result = Some(loc);
            }
        }
        result.unwrap_or(Location {
            chainage_km: 0.0,
            distance_m: Geodesic.distance(p, Point(self.line.0[0])),
            nearest: Point(self.line.0[0]),
            edge: 0,
        })
    }

    pub fn chainage_km(&self, p: Point<f64>) -> f64 {
        self.locate(p).chainage_km
    }

    pub fn distance_m(&self, p: Point<f64>) -> f64 {
        self.locate(p).distance_m
    }

    /// Index of the edge containing chainage `m` (metres), clamped to the line.
    fn edge_at_m(&self, m: f64) -> usize {
        let n = self.cumulative_m.len();
        match self.cumulative_m.binary_search_by(|c| c.total_cmp(&m)) {
            Ok(i) => i.min(n - 2),
            Err(i) => i.saturating_sub(1).min(n - 2),
        }
    }

    /// The point at `km` along the line (ST_LineInterpolatePoint); `km` is clamped to [0, length].
    pub fn point_at_km(&self, km: f64) -> Point<f64> {
        let m = (km * 1000.0).clamp(0.0, self.length_m());
        let edge = self.edge_at_m(m);
        let a = Point(self.line.0[edge]);
        let b = Point(self.line.0[edge + 1]);
        let along = m - self.cumulative_m[edge];
        let edge_len = self.cumulative_m[edge + 1] - self.cumulative_m[edge];
        if edge_len <= 0.0 {
            return a;
        }
        Geodesic.point_at_ratio_between(a, b, (along / edge_len).clamp(0.0, 1.0))
    }

    /// The part of the line between two chainages (ST_LineSubstring). The order of the bounds does not matter.
    pub fn substring(&self, from_km: f64, to_km: f64) -> LineString<f64> {
        let (lo, hi) = if from_km <= to_km { (from_km, to_km) } else { (to_km, from_km) };
        let lo_m = (lo * 1000.0).clamp(0.0, self.length_m());
        let hi_m = (hi * 1000.0).clamp(0.0, self.length_m());
        let mut coords = vec![self.point_at_km(lo_m / 1000.0).0];
        for (i, &c) in self.cumulative_m.iter().enumerate() {
            if c > lo_m && c < hi_m {
                coords.push(self.line.0[i]);
            }
        }
        let end = self.point_at_km(hi_m / 1000.0).0;
        if coords.len() == 1 || coords.last() != Some(&end) {
            coords.push(end);
        }
        LineString(coords)
    }
}

/// Squared approximate distance (m²) from `p` to edge `a`–`b` and the edge parameter of the nearest point,
/// in a local equirectangular projection centred on the edge.
fn approx_edge_distance2(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> (f64, f64) {
    let k = (0.5 * (a.y + b.y)).to_radians().cos();
    let to_xy =
        |c: Coord<f64>| ((c.x - a.x).to_radians() * k * EARTH_RADIUS_M, (c.y - a.y).to_radians() * EARTH_RADIUS_M);
    let (bx, by) = to_xy(b);
    let (px, py) = to_xy(p);
    let len2 = bx * bx + by * by;
    let t = if len2 > 0.0 { ((px * bx + py * by) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let dx = px - t * bx;
    let dy = py - t * by;
    (dx * dx + dy * dy, t)
}

/// Refine the nearest point on a geodesic edge with a few golden-section steps around the planar estimate.
fn refine_on_edge(p: Point<f64>, a: Point<f64>, b: Point<f64>, t0: f64) -> Point<f64> {
    let f = |t: f64| Geodesic.distance(p, Geodesic.point_at_ratio_between(a, b, t));
    let mut lo = (t0 - 0.05).max(0.0);
    let mut hi = (t0 + 0.05).min(1.0);
    let g = 0.618_033_988_749_894_9;
    let mut x1 = hi - g * (hi - lo);
    let mut x2 = lo + g * (hi - lo);
    let mut f1 = f(x1);
    let mut f2 = f(x2);
    for _ in 0..20 {
        if f1 < f2 {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - g * (hi - lo);
            f1 = f(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + g * (hi - lo);
            f2 = f(x2);
        }
    }
    let t = 0.5 * (lo + hi);
    // The end points may be nearer than any interior point.
    let candidates = [(f(t), t), (f(0.0), 0.0), (f(1.0), 1.0)];
    let best = candidates.iter().fold(candidates[0], |acc, c| if c.0 < acc.0 { *c } else { acc });
    Geodesic.point_at_ratio_between(a, b, best.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn equator_line() -> Border {
        Border::new(LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)])).unwrap()
    }

    #[test]
    fn a_degree_of_equator_is_about_111_km() {
        let b = equator_line();
        assert_relative_eq!(b.length_km(), 2.0 * 111.319_490_793, epsilon = 0.01);
    }

    #[test]
    fn locating_a_point_north_of_the_middle_gives_half_the_length() {
        let b = equator_line();
        let loc = b.locate(Point::new(1.0, 0.01));
        assert_relative_eq!(loc.chainage_km, b.length_km() / 2.0, epsilon = 0.01);
        assert_relative_eq!(loc.distance_m, 1105.7, epsilon = 2.0);
    }

    #[test]
    fn substring_keeps_interior_vertices() {
        let b = equator_line();
        let s = b.substring(50.0, 150.0);
        assert_eq!(s.0.len(), 3);
        assert_relative_eq!(s.0[1].x, 1.0);
    }

    #[test]
    fn invalid_coordinates_are_rejected() {
        let e = Border::new(LineString::from(vec![(0.0, 0.0), (1.0, 95.0)])).unwrap_err();
        assert_eq!(e, BorderError::InvalidCoordinate { index: 1, x: 1.0, y: 95.0 });
        assert!(matches!(
            Border::new(LineString::from(vec![(1.0, 1.0), (1.0, 1.0)])),
            Err(BorderError::TooFewVertices(1))
        ));
    }
}
