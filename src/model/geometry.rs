//! Planar geometry on longitude/latitude degrees for picking features on screen: distances from a point to a
//! geometry and to a rectangle, whether a geometry has an area, and query rectangles split at the antimeridian.
//! Meant for comparing candidates near a click, never for measurement (which uses metres, see `border`).

use geo::{Coord, Distance, Euclidean, Geometry, Point};

/// Planar distance from `point` to `geometry` when it may be at most `limit`; `None` when it is certainly
/// greater. Points and lines are measured segment by segment, skipping segments whose bounding box (grown by
/// the best distance so far) does not reach the point and stopping at distance 0; other geometries use
/// [`Euclidean`]. The result can exceed `limit` (callers compare it again).
#[must_use]
pub fn distance_within(point: &Point<f64>, geometry: &Geometry<f64>, limit: f64) -> Option<f64> {
    let p = point.0;
    let d2 = match geometry {
        Geometry::Point(q) => squared(p, q.0),
        Geometry::MultiPoint(points) => points.iter().map(|q| squared(p, q.0)).fold(f64::INFINITY, f64::min),
        Geometry::Line(line) => segment_distance_2(p, line.start, line.end),
        Geometry::LineString(line) => {
            let mut best = f64::INFINITY;
            polyline_distance_2(p, &line.0, limit, &mut best);
            best
        }
        Geometry::MultiLineString(lines) => {
            let mut best = f64::INFINITY;
            for line in lines {
                polyline_distance_2(p, &line.0, limit, &mut best);
                if best == 0.0 {
                    break;
                }
            }
            best
        }
        _ => return Some(Euclidean.distance(point, geometry)),
    };
    (d2 <= limit * limit).then(|| d2.sqrt())
}

/// Squared planar distance from (`x`, `y`) to the rectangle `[min_x, min_y, max_x, max_y]` (0 inside it).
#[must_use]
pub fn box_distance_2(bounds: [f64; 4], x: f64, y: f64) -> f64 {
    let dx = (bounds[0] - x).max(x - bounds[2]).max(0.0);
    let dy = (bounds[1] - y).max(y - bounds[3]).max(0.0);
    dx * dx + dy * dy
}

/// Whether the geometry has a polygonal part.
#[must_use]
pub fn has_area(geometry: &Geometry<f64>) -> bool {
    match geometry {
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => true,
        Geometry::GeometryCollection(gc) => gc.iter().any(has_area),
        _ => false,
    }
}

/// Splits a query rectangle (`west`, `south`, `east`, `north` in degrees) at the antimeridian when
/// `west > east`; `None` parts are empty. `south` and `north` may come in either order. Non-finite input gives
/// no parts.
#[must_use]
pub fn split_at_antimeridian(west: f64, south: f64, east: f64, north: f64) -> [Option<(f64, f64, f64, f64)>; 2] {
    if ![west, south, east, north].iter().all(|v| v.is_finite()) {
        return [None, None];
    }
    let (south, north) = if south <= north { (south, north) } else { (north, south) };
    if west <= east {
        [Some((west, south, east, north)), None]
    } else {
        [Some((west, south, 180.0_f64.max(west), north)), Some((-180.0_f64.min(east), south, east, north))]
    }
}

fn squared(a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (dx, dy) = (a.x - b.x, a.y - b.y);
    dx * dx + dy * dy
}

/// Squared distance from `p` to the segment `a`–`b`.
fn segment_distance_2(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return squared(p, a);
    }
    let r = ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2;
    if r <= 0.0 {
        squared(p, a)
    } else if r >= 1.0 {
        squared(p, b)
    } else {
        let cross = (a.y - p.y) * dx - (a.x - p.x) * dy;
        cross * cross / len2
    }
}

/// Lowers `best` (a squared distance) to the squared distance from `p` to the polyline `coords` where that
/// is at most `limit` (or the current best); segments that cannot come closer are skipped.
fn polyline_distance_2(p: Coord<f64>, coords: &[Coord<f64>], limit: f64, best: &mut f64) {
    let mut reach = if best.is_finite() { limit.min(best.sqrt()) } else { limit };
    for pair in coords.windows(2) {
        let [a, b] = pair else { continue };
        if (p.x < a.x - reach && p.x < b.x - reach)
            || (p.x > a.x + reach && p.x > b.x + reach)
            || (p.y < a.y - reach && p.y < b.y - reach)
            || (p.y > a.y + reach && p.y > b.y + reach)
        {
            continue;
        }
        let d2 = segment_distance_2(p, *a, *b);
        if d2 < *best {
            *best = d2;
            if d2 == 0.0 {
                return;
            }
            reach = reach.min(d2.sqrt());
        }
    }
}

/// The smallest rectangle holding `a` (if any) and `b`: a bounding box grown feature by feature.
#[must_use]
pub fn rect_union(a: Option<geo::Rect<f64>>, b: geo::Rect<f64>) -> geo::Rect<f64> {
    match a {
        None => b,
        Some(a) => geo::Rect::new(
            (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
            (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use approx::assert_relative_eq;
    use geo::{Line, LineString, MultiLineString, Polygon, line_string, point, polygon};

    use super::*;

    fn line(coords: &[(f64, f64)]) -> Geometry<f64> {
        Geometry::LineString(LineString::from(coords.to_vec()))
    }

    #[test]
    fn the_distance_to_a_segment_is_to_its_nearest_point_ends_included() {
        let p = |x, y| Coord { x, y };
        assert_relative_eq!(segment_distance_2(p(1.0, 1.0), p(0.0, 0.0), p(2.0, 0.0)), 1.0);
        assert_relative_eq!(segment_distance_2(p(-3.0, 4.0), p(0.0, 0.0), p(2.0, 0.0)), 25.0);
        assert_relative_eq!(segment_distance_2(p(5.0, 0.0), p(0.0, 0.0), p(2.0, 0.0)), 9.0);
        assert_relative_eq!(segment_distance_2(p(1.0, 1.0), p(3.0, 3.0), p(3.0, 3.0)), 8.0, epsilon = 1e-12);
    }

    #[test]
    fn lines_agree_with_euclidean_within_the_limit_and_are_refused_beyond_it() {
        let zigzag = line(&[(0.0, 0.0), (1.0, 1.0), (2.0, 0.0), (3.0, 1.0)]);
        let click = point!(x: 2.0, y: 0.6);
        let expected = Euclidean.distance(&click, &zigzag);
        assert_relative_eq!(distance_within(&click, &zigzag, 1.0).unwrap_or(f64::NAN), expected, epsilon = 1e-12);
        assert_eq!(distance_within(&click, &zigzag, expected * 0.9), None);
        let lines = Geometry::MultiLineString(MultiLineString(vec![
            line_string![(x: 10.0, y: 10.0), (x: 11.0, y: 10.0)],
            line_string![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0)],
        ]));
        assert_eq!(distance_within(&point!(x: 2.0, y: 0.0), &lines, 0.5), Some(0.0));
        let segment = Geometry::Line(Line::new((0.0, 0.0), (0.0, 2.0)));
        assert_relative_eq!(distance_within(&point!(x: 0.5, y: 1.0), &segment, 1.0).unwrap_or(f64::NAN), 0.5);
    }

    #[test]
    fn polygons_are_at_distance_zero_inside_and_have_an_area() {
        let square: Polygon<f64> = polygon![(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 4.0)];
        let area = Geometry::Polygon(square);
        assert_eq!(distance_within(&point!(x: 1.0, y: 1.0), &area, 0.1), Some(0.0));
        assert!(has_area(&area));
        assert!(has_area(&Geometry::GeometryCollection(geo::GeometryCollection(vec![
            line(&[(0.0, 0.0), (1.0, 0.0)]),
            area
        ]))));
        assert!(!has_area(&line(&[(0.0, 0.0), (1.0, 0.0)])));
    }

    #[test]
    fn the_box_distance_is_zero_inside_and_grows_from_the_nearest_edge_or_corner() {
        let bounds = [0.0, 0.0, 2.0, 1.0];
        assert_eq!(box_distance_2(bounds, 1.0, 0.5), 0.0);
        assert_eq!(box_distance_2(bounds, 3.0, 0.5), 1.0);
        assert_eq!(box_distance_2(bounds, -3.0, 5.0), 25.0);
    }

    #[test]
    fn a_rectangle_is_one_part_with_south_below_north_and_nothing_when_not_finite() {
        assert_eq!(split_at_antimeridian(10.0, 5.0, 20.0, -5.0), [Some((10.0, -5.0, 20.0, 5.0)), None]);
        assert_eq!(split_at_antimeridian(170.0, 0.0, -170.0, 1.0)[0], Some((170.0, 0.0, 180.0, 1.0)));
        assert_eq!(split_at_antimeridian(f64::NAN, 0.0, 1.0, 1.0), [None, None]);
        assert_eq!(split_at_antimeridian(0.0, 0.0, f64::INFINITY, 1.0), [None, None]);
    }
}
