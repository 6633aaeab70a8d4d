//! Polygon fills of imported layers: every polygon is triangulated once (earcut, holes respected) in normalised
//! Web Mercator, where a view is an affine map of the plane, so a frame only moves vertices to the screen. egui
//! fills convex paths only; a concave ring drawn as a convex path fans across the map and ignores its holes.

use egui::epaint::Mesh;
use egui::{Color32, Pos2};
use geo::{Coord, Geometry, LineString, Polygon, TriangulateEarcut};

/// Longitude and latitude in degrees to normalised Web Mercator: x and y in 0…1, y pointing south.
pub fn mercator(lon: f64, lat: f64) -> [f64; 2] {
    let lat = lat.clamp(-85.0511, 85.0511).to_radians();
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    [x, y]
}

/// The inverse of [`mercator`].
pub fn inverse_mercator(xy: [f64; 2]) -> [f64; 2] {
    let lon = xy[0] * 360.0 - 180.0;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * xy[1])).sinh().atan().to_degrees();
    [lon, lat]
}

/// Where a feature's triangles are in a [`FillMesh`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Span {
    first_vertex: u32,
    vertex_end: u32,
    first_index: u32,
    index_end: u32,
}

/// The triangulated polygons of a list of features, in normalised Web Mercator.
#[derive(Debug, Default)]
pub struct FillMesh {
    xy: Vec<[f64; 2]>,
    /// Triangles, three vertex numbers each, counted from their feature's first vertex.
    indices: Vec<u32>,
    spans: Vec<Span>,
}

/// Appends the polygons of `g`, mapped to normalised Web Mercator, to `out`.
fn polygons_of(g: &Geometry<f64>, out: &mut Vec<Polygon<f64>>) {
    let ring = |l: &LineString<f64>| -> LineString<f64> {
        l.0.iter()
            .map(|c| {
                let [x, y] = mercator(c.x, c.y);
                Coord { x, y }
            })
            .collect()
    };
    match g {
        Geometry::Polygon(p) => out.push(Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect())),
        Geometry::MultiPolygon(m) => {
            for p in &m.0 {
                polygons_of(&Geometry::Polygon(p.clone()), out);
            }
        }
        Geometry::GeometryCollection(c) => {
            for g in &c.0 {
                polygons_of(g, out);
            }
        }
        Geometry::Rect(r) => polygons_of(&Geometry::Polygon(r.to_polygon()), out),
        Geometry::Triangle(t) => polygons_of(&Geometry::Polygon(t.to_polygon()), out),
        Geometry::Point(_) | Geometry::MultiPoint(_) | Geometry::Line(_) | Geometry::LineString(_) => {}
        Geometry::MultiLineString(_) => {}
    }
}

impl FillMesh {
    /// Triangulates the polygons of each geometry; the n-th geometry is feature n.
    pub fn build<'g>(geometries: impl IntoIterator<Item = &'g Geometry<f64>>) -> Self {
        let mut mesh = Self::default();
        let mut polygons = Vec::new();
        for g in geometries {
            polygons.clear();
            polygons_of(g, &mut polygons);
            let first_vertex = mesh.xy.len() as u32;
            let first_index = mesh.indices.len() as u32;
            for p in &polygons {
                let raw = p.earcut_triangles_raw();
                let offset = mesh.xy.len() as u32 - first_vertex;
                mesh.xy.extend(raw.vertices.iter().copied());
                mesh.indices.extend(raw.triangle_indices.iter().map(|&i| offset + i as u32));
            }
            mesh.spans.push(Span {
                first_vertex,
                vertex_end: mesh.xy.len() as u32,
                first_index,
                index_end: mesh.indices.len() as u32,
            });
        }
        mesh
    }

    /// Number of features (filled or not).
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The triangles of feature `fi`, in normalised Web Mercator.
    pub fn triangles(&self, fi: usize) -> impl Iterator<Item = [[f64; 2]; 3]> + '_ {
        let span = self.spans.get(fi).copied().unwrap_or_default();
        let vertices = self.xy.get(span.first_vertex as usize..span.vertex_end as usize).unwrap_or(&[]);
        let indices = self.indices.get(span.first_index as usize..span.index_end as usize).unwrap_or(&[]);
        indices.chunks_exact(3).filter_map(move |t| {
            Some([*vertices.get(t[0] as usize)?, *vertices.get(t[1] as usize)?, *vertices.get(t[2] as usize)?])
        })
    }

    /// Adds feature `fi`'s triangles to `mesh` in `color`, with `to_screen` mapping normalised Web Mercator to
    /// the screen.
    pub fn add_to(&self, fi: usize, color: Color32, to_screen: impl Fn([f64; 2]) -> Pos2, mesh: &mut Mesh) {
        let Some(span) = self.spans.get(fi).copied() else { return };
        let (Some(vertices), Some(indices)) = (
            self.xy.get(span.first_vertex as usize..span.vertex_end as usize),
            self.indices.get(span.first_index as usize..span.index_end as usize),
        ) else {
            return;
        };
        if indices.is_empty() {
            return;
        }
        let base = mesh.vertices.len() as u32;
        for v in vertices {
            mesh.colored_vertex(to_screen(*v), color);
        }
        mesh.indices.extend(indices.iter().map(|i| base + i));
    }
}

/// Maps normalised Web Mercator to the screen of a view: `world_px` pixels for the whole world, the world pixel
/// `center` at the screen point `screen_center`.
pub fn view_to_screen(world_px: f64, center: [f64; 2], screen_center: Pos2) -> impl Fn([f64; 2]) -> Pos2 {
    move |n| {
        Pos2::new(
            (f64::from(screen_center.x) + n[0] * world_px - center[0]) as f32,
            (f64::from(screen_center.y) + n[1] * world_px - center[1]) as f32,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Contains, Point, polygon};

    /// A "C": a concave ring whose convex fan would cover the notch.
    fn c_shape() -> Polygon<f64> {
        polygon![
            (x: 71.0, y: 37.0), (x: 72.0, y: 37.0), (x: 72.0, y: 37.2), (x: 71.3, y: 37.2),
            (x: 71.3, y: 37.8), (x: 72.0, y: 37.8), (x: 72.0, y: 38.0), (x: 71.0, y: 38.0), (x: 71.0, y: 37.0),
        ]
    }

    fn in_mercator(p: &Polygon<f64>) -> Polygon<f64> {
        let mut out = Vec::new();
        polygons_of(&Geometry::Polygon(p.clone()), &mut out);
        out.remove(0)
    }

    fn triangle_area(t: [[f64; 2]; 3]) -> f64 {
        ((t[1][0] - t[0][0]) * (t[2][1] - t[0][1]) - (t[2][0] - t[0][0]) * (t[1][1] - t[0][1])).abs() / 2.0
    }

    fn centroid(t: [[f64; 2]; 3]) -> Point<f64> {
        Point::new((t[0][0] + t[1][0] + t[2][0]) / 3.0, (t[0][1] + t[1][1] + t[2][1]) / 3.0)
    }

    #[test]
    fn concave_polygon_fill_stays_inside_its_ring() {
        let shape = c_shape();
        let mesh = FillMesh::build([&Geometry::Polygon(shape.clone())]);
        let plane = in_mercator(&shape);
        let triangles: Vec<_> = mesh.triangles(0).collect();
        assert!(triangles.len() >= 6, "{}", triangles.len());
        for t in &triangles {
            assert!(plane.contains(&centroid(*t)), "triangle {t:?} lies outside the ring");
        }
        let filled: f64 = triangles.iter().map(|t| triangle_area(*t)).sum();
        let area = plane.unsigned_area();
        assert!((filled - area).abs() < area * 1e-9, "filled {filled}, polygon {area}");
        // The notch, which a fan from the first vertex covers, stays empty.
        let notch = mercator(71.8, 37.5);
        assert!(!plane.contains(&Point::new(notch[0], notch[1])));
        assert!(triangles.iter().all(|t| triangle_area(*t) > 0.0));
    }

    #[test]
    fn a_hole_is_left_unfilled() {
        let outer = c_shape().exterior().clone();
        let hole: LineString<f64> =
            vec![(71.05, 37.05), (71.25, 37.05), (71.25, 37.95), (71.05, 37.95), (71.05, 37.05)].into();
        let shape = Polygon::new(outer, vec![hole]);
        let mesh = FillMesh::build([&Geometry::Polygon(shape.clone())]);
        let plane = in_mercator(&shape);
        let filled: f64 = mesh.triangles(0).map(triangle_area).sum();
        let area = plane.unsigned_area();
        assert!((filled - area).abs() < area * 1e-9, "filled {filled}, polygon with hole {area}");
        let in_hole = mercator(71.15, 37.5);
        assert!(mesh.triangles(0).all(|t| {
            !geo::Triangle::from(t.map(|c| Coord { x: c[0], y: c[1] })).contains(&Point::new(in_hole[0], in_hole[1]))
        }));
    }

    #[test]
    fn features_keep_their_own_triangles_and_lines_have_none() {
        let line = Geometry::LineString(vec![(70.0, 37.0), (71.0, 38.0)].into());
        let square =
            Geometry::Polygon(polygon![(x: 70.0, y: 37.0), (x: 70.5, y: 37.0), (x: 70.5, y: 37.5), (x: 70.0, y: 37.5)]);
        let mesh = FillMesh::build([&line, &square, &Geometry::MultiPolygon(vec![c_shape()].into())]);
        assert_eq!(mesh.len(), 3);
        assert_eq!(mesh.triangles(0).count(), 0);
        assert_eq!(mesh.triangles(1).count(), 2);
        assert!(mesh.triangles(2).count() >= 6);
        let mut egui_mesh = Mesh::default();
        let to_screen = view_to_screen(256.0 * 2f64.powi(8), [0.0, 0.0], Pos2::ZERO);
        mesh.add_to(1, Color32::RED, &to_screen, &mut egui_mesh);
        mesh.add_to(2, Color32::RED, &to_screen, &mut egui_mesh);
        assert_eq!(egui_mesh.indices.len(), 3 * (2 + mesh.triangles(2).count()));
        assert!(egui_mesh.indices.iter().all(|&i| (i as usize) < egui_mesh.vertices.len()));
    }

    #[test]
    fn mercator_round_trips() {
        for (lon, lat) in [(67.8, 36.6), (74.9, 38.5), (0.0, 0.0), (-120.0, -45.0)] {
            let [x, y] = inverse_mercator(mercator(lon, lat));
            assert!((x - lon).abs() < 1e-9 && (y - lat).abs() < 1e-9, "{lon},{lat} -> {x},{y}");
        }
    }
}
