//! Hit-testing with R-trees: outposts as points, the border as edges. Never a linear scan per click.

use crate::model::{Plan, Target};
use rstar::primitives::{GeomWithData, Line};
use rstar::{AABB, RTree};

type PointEntry = GeomWithData<[f64; 2], usize>;
type EdgeEntry = GeomWithData<Line<[f64; 2]>, usize>;

/// A spatial index over the plan's outposts and border edges, in lon/lat.
#[derive(Default)]
pub struct PickIndex {
    outposts: RTree<PointEntry>,
    edges: RTree<EdgeEntry>,
    /// Chainage (km) at each border vertex.
    vertex_km: Vec<f64>,
}

/// Screen-space geometry for hit-testing: the caller maps lon/lat to pixels.
pub trait ScreenMap {
    fn to_screen(&self, lon: f64, lat: f64) -> [f32; 2];
    fn to_lon_lat(&self, x: f32, y: f32) -> [f64; 2];
}

impl PickIndex {
    pub fn build(plan: &Plan) -> Self {
        let outposts = RTree::bulk_load(
            plan.outposts
                .iter()
                .enumerate()
                .map(|(i, o)| GeomWithData::new([o.position.x(), o.position.y()], i))
                .collect(),
        );
        let line = plan.border.line();
        let edges = RTree::bulk_load(
            line.0
                .windows(2)
                .enumerate()
                .map(|(i, w)| GeomWithData::new(Line::new([w[0].x, w[0].y], [w[1].x, w[1].y]), i))
                .collect(),
        );
        let vertex_km = plan.border.vertex_chainage_m().iter().map(|m| m / 1000.0).collect();
        Self { outposts, edges, vertex_km }
    }

    /// The lon/lat box around a screen point, `tol_px` wide each way.
    fn query_box(map: &dyn ScreenMap, x: f32, y: f32, tol_px: f32) -> AABB<[f64; 2]> {
        let a = map.to_lon_lat(x - tol_px, y - tol_px);
        let b = map.to_lon_lat(x + tol_px, y + tol_px);
        AABB::from_corners(a, b)
    }

    /// The nearest outpost or segment within `tol_px` of the screen point; outposts win over the line
    /// when both are within tolerance (they sit on top).
    pub fn pick(&self, plan: &Plan, map: &dyn ScreenMap, x: f32, y: f32, tol_px: f32) -> Option<Target> {
        let bbox = Self::query_box(map, x, y, tol_px);
        let mut best: Option<(f32, usize)> = None;
        for e in self.outposts.locate_in_envelope(&bbox) {
            let s = map.to_screen(e.geom()[0], e.geom()[1]);
            let d = ((s[0] - x).powi(2) + (s[1] - y).powi(2)).sqrt();
            if d <= tol_px && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, e.data));
            }
        }
        if let Some((_, i)) = best {
            return plan.outposts.get(i).map(|o| Target::Outpost(o.id.clone()));
        }
        self.pick_km(map, x, y, tol_px)
            .and_then(|km| plan.segments.segment_at_km(km))
            .map(|s| Target::Segment(s.id.clone()))
    }

    /// Chainage of the border point nearest to the screen point, if the line is within `tol_px`.
    pub fn pick_km(&self, map: &dyn ScreenMap, x: f32, y: f32, tol_px: f32) -> Option<f64> {
        let bbox = Self::query_box(map, x, y, tol_px);
        let mut best: Option<(f32, usize, f32)> = None;
        for e in self.edges.locate_in_envelope_intersecting(&bbox) {
            let a = map.to_screen(e.geom().from[0], e.geom().from[1]);
            let b = map.to_screen(e.geom().to[0], e.geom().to[1]);
            let (d, t) = point_segment_distance([x, y], a, b);
            if d <= tol_px && best.is_none_or(|(bd, _, _)| d < bd) {
                best = Some((d, e.data, t));
            }
        }
        best.map(|(_, i, t)| {
            let k0 = self.vertex_km[i];
            let k1 = self.vertex_km.get(i + 1).copied().unwrap_or(k0);
            k0 + f64::from(t) * (k1 - k0)
        })
    }

    /// Outposts inside a lon/lat box.
    pub fn outposts_in(&self, plan: &Plan, west: f64, south: f64, east: f64, north: f64) -> Vec<Target> {
        let bbox = AABB::from_corners([west, south], [east, north]);
        let mut v: Vec<_> = self.outposts.locate_in_envelope(&bbox).map(|e| e.data).collect();
        v.sort_unstable();
        v.into_iter().filter_map(|i| plan.outposts.get(i)).map(|o| Target::Outpost(o.id.clone())).collect()
    }

    /// Segments with at least one border vertex or edge inside a lon/lat box.
    pub fn segments_in(&self, plan: &Plan, west: f64, south: f64, east: f64, north: f64) -> Vec<Target> {
        let bbox = AABB::from_corners([west, south], [east, north]);
        let inside = |p: [f64; 2]| p[0] >= west && p[0] <= east && p[1] >= south && p[1] <= north;
        let mut ids: Vec<String> = Vec::new();
        for e in self.edges.locate_in_envelope_intersecting(&bbox) {
            let (a, b) = (e.geom().from, e.geom().to);
            // Sample the edge: an edge whose envelope touches the box may still miss it.
            for k in 0..=8 {
                let t = f64::from(k) / 8.0;
                let p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
                if inside(p) {
                    let k0 = self.vertex_km[e.data];
                    let k1 = self.vertex_km.get(e.data + 1).copied().unwrap_or(k0);
                    if let Some(s) = plan.segments.segment_at_km(k0 + t * (k1 - k0))
                        && !ids.contains(&s.id)
                    {
                        ids.push(s.id.clone());
                    }
                }
            }
        }
        ids.sort();
        ids.into_iter().map(Target::Segment).collect()
    }
}

/// Distance from `p` to segment `a`–`b` and the parameter of the nearest point.
pub fn point_segment_distance(p: [f32; 2], a: [f32; 2], b: [f32; 2]) -> (f32, f32) {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 { (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let (nx, ny) = (a[0] + t * dx, a[1] + t * dy);
    (((p[0] - nx).powi(2) + (p[1] - ny).powi(2)).sqrt(), t)
}
