//! The built-in vector basemap, drawn from data/ with no network: provinces, lakes, rivers, towns, bridge
//! crossings, country names and a graticule.

use super::labels::{LabelClass, LabelCollector, LabelSpec, Marker, around};
use super::screen;
use super::style::MapStyle;
use crate::io::bundled::BaseData;
use crate::model::Side;
use crate::prefs::BasemapLayers;
use egui::epaint::{Mesh, PathShape, PathStroke};
use egui::{Align2, Color32, FontId, Pos2, Shape, Stroke, Ui, Vec2};
use geo::{BoundingRect, Centroid, Simplify, TriangulateEarcut};
use std::cell::RefCell;
use walkers::{MapMemory, Plugin, Projector};

/// A lake, triangulated once (earcut) in lon/lat.
struct LakeShape {
    vertices: Vec<[f64; 2]>,
    indices: Vec<u32>,
    ring: Vec<[f64; 2]>,
    bbox: [f64; 4],
}

fn lake_fill(style: MapStyle) -> Color32 {
    if style.dark { Color32::from_rgb(0x2c, 0x4a, 0x66) } else { Color32::from_rgb(0xb5, 0xd3, 0xf0) }
}

struct ProvinceShape {
    name: String,
    side: Side,
    /// The outline at several levels of detail, coarsest first; the last is the full geometry.
    levels: Vec<ProvinceLevel>,
    label_at: [f64; 2],
    bbox: [f64; 4],
}

/// A province simplified for views up to `max_zoom` (error below half a pixel there), triangulated in lon/lat.
struct ProvinceLevel {
    max_zoom: f64,
    vertices: Vec<[f64; 2]>,
    indices: Vec<u32>,
    rings: Vec<Vec<[f64; 2]>>,
}

/// Zooms up to which a simplified province outline is drawn; above the last, the full outline. The fitted
/// provinces follow the OSM border vertex for vertex (≈ 49,000 vertices in all), far more than a whole-border
/// view can show.
const PROVINCE_LEVEL_ZOOMS: [f64; 3] = [6.0, 8.0, 10.0];

impl ProvinceShape {
    /// The coarsest level whose error stays below half a pixel at `zoom`.
    fn level(&self, zoom: f64) -> &ProvinceLevel {
        let full = &self.levels[self.levels.len() - 1];
        self.levels.iter().find(|l| zoom <= l.max_zoom).unwrap_or(full)
    }
}

impl ProvinceLevel {
    fn build(area: &geo::MultiPolygon<f64>, max_zoom: f64) -> Self {
        let mut vertices = Vec::new();
        let mut indices = Vec::new();
        let mut rings = Vec::new();
        for poly in &area.0 {
            let raw = poly.earcut_triangles_raw();
            let offset = vertices.len() as u32;
            vertices.extend(raw.vertices.iter().copied());
            indices.extend(raw.triangle_indices.iter().map(|&i| offset + i as u32));
            rings.push(poly.exterior().0.iter().map(|c| [c.x, c.y]).collect());
            for hole in poly.interiors() {
                rings.push(hole.0.iter().map(|c| [c.x, c.y]).collect());
            }
        }
        Self { max_zoom, vertices, indices, rings }
    }
}

/// Basemap geometry prepared once (triangulated provinces, label points).
pub struct BaseGeometry {
    provinces: Vec<ProvinceShape>,
    lakes: Vec<LakeShape>,
    country_labels: Vec<(String, [f64; 2])>,
}

impl BaseGeometry {
    pub fn build(base: &BaseData) -> Self {
        let mut provinces = Vec::new();
        for r in &base.regions {
            let mut levels: Vec<ProvinceLevel> = PROVINCE_LEVEL_ZOOMS
                .iter()
                .map(|&z| {
                    // Half a pixel at zoom z, in degrees of longitude (256-px tiles).
                    let tolerance_deg = 0.5 * 360.0 / (256.0 * 2f64.powf(z));
                    ProvinceLevel::build(&r.area.simplify(tolerance_deg), z)
                })
                .collect();
            levels.push(ProvinceLevel::build(&r.area, f64::INFINITY));
            let label_at = r.area.centroid().map(|c| [c.x(), c.y()]).unwrap_or([0.0, 0.0]);
            let bbox = r.area.bounding_rect().map(|b| [b.min().x, b.min().y, b.max().x, b.max().y]).unwrap_or_default();
            provinces.push(ProvinceShape { name: r.name.clone(), side: r.side, levels, label_at, bbox });
        }
        // Country names sit at the centre of the border provinces on each side, where the planner looks.
        let border_names = ["Khatlon", "Gorno-Badakhshan", "Balkh", "Kunduz", "Takhar", "Badakhshan"];
        let mut country_labels = Vec::new();
        for (side, label) in [(Side::Tajikistan, "TAJIKISTAN"), (Side::Afghanistan, "AFGHANISTAN")] {
            let pts: Vec<[f64; 2]> = provinces
                .iter()
                .filter(|p| p.side == side && border_names.contains(&p.name.as_str()))
                .map(|p| p.label_at)
                .collect();
            if !pts.is_empty() {
                let n = pts.len() as f64;
                let c = [pts.iter().map(|p| p[0]).sum::<f64>() / n, pts.iter().map(|p| p[1]).sum::<f64>() / n];
                let c = if side == Side::Tajikistan { [c[0], c[1] + 0.8] } else { [c[0], c[1] - 0.45] };
                country_labels.push((label.to_owned(), c));
            }
        }
        let lakes = base
            .lakes
            .iter()
            .map(|l| {
                let raw = l.area.earcut_triangles_raw();
                LakeShape {
                    vertices: raw.vertices,
                    indices: raw.triangle_indices.iter().map(|&i| i as u32).collect(),
                    ring: l.area.exterior().0.iter().map(|c| [c.x, c.y]).collect(),
                    bbox: l
                        .area
                        .bounding_rect()
                        .map(|b| [b.min().x, b.min().y, b.max().x, b.max().y])
                        .unwrap_or_default(),
                }
            })
            .collect();
        Self { provinces, lakes, country_labels }
    }
}

/// Draws the vector basemap.
pub struct BasemapPlugin<'a> {
    pub base: &'a BaseData,
    pub geometry: &'a BaseGeometry,
    pub layers: BasemapLayers,
    pub style: MapStyle,
    /// 0…1; lowered when a raster basemap is shown underneath.
    pub fill_opacity: f32,
    /// Where the names go (placed with all other map labels).
    pub labels: &'a RefCell<LabelCollector>,
}

/// A label without background or marker.
fn plain(
    class: LabelClass,
    order: i64,
    text: String,
    font: FontId,
    color: Color32,
    at: Vec<(Pos2, Align2)>,
) -> LabelSpec {
    LabelSpec { class, order, text, font, color, bg: Color32::TRANSPARENT, positions: at, marker: None }
}

fn viewport(projector: &Projector) -> [f64; 4] {
    let r = projector.clip_rect();
    let a = projector.unproject(r.left_bottom().to_vec2());
    let b = projector.unproject(r.right_top().to_vec2());
    [a.x(), a.y(), b.x(), b.y()]
}

fn overlaps(b: [f64; 4], v: [f64; 4]) -> bool {
    b[0] <= v[2] && b[2] >= v[0] && b[1] <= v[3] && b[3] >= v[1]
}

impl Plugin for BasemapPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _response: &egui::Response, projector: &Projector, _memory: &MapMemory) {
        let painter = ui.painter().clone();
        let zoom = projector.zoom();
        let view = viewport(projector);
        let style = self.style;
        if self.layers.provinces {
            for p in self.geometry.provinces.iter().filter(|p| overlaps(p.bbox, view)) {
                let fill = if p.side == Side::Tajikistan { style.tajik_fill() } else { style.afghan_fill() };
                let fill = fill.gamma_multiply(self.fill_opacity);
                let level = p.level(zoom);
                let mut mesh = Mesh::default();
                for v in &level.vertices {
                    mesh.colored_vertex(screen(projector, v[0], v[1]), fill);
                }
                mesh.indices.extend_from_slice(&level.indices);
                painter.add(Shape::mesh(mesh));
            }
            for p in self.geometry.provinces.iter().filter(|p| overlaps(p.bbox, view)) {
                for ring in &p.level(zoom).rings {
                    let pts: Vec<Pos2> = ring.iter().map(|c| screen(projector, c[0], c[1])).collect();
                    painter.add(Shape::Path(PathShape::line(pts, PathStroke::new(0.8, style.province_outline()))));
                }
            }
        }
        let mut labels = self.labels.borrow_mut();
        if self.layers.graticule {
            let step = if zoom >= 8.0 {
                0.25
            } else if zoom >= 6.5 {
                0.5
            } else {
                1.0
            };
            let (w, s, e, n) = ((view[0] / step).floor() * step, (view[1] / step).floor() * step, view[2], view[3]);
            let stroke = Stroke::new(0.7, style.graticule());
            let mut lon = w;
            while lon <= e {
                painter.line_segment([screen(projector, lon, s), screen(projector, lon, n)], stroke);
                let p = screen(projector, lon, n);
                labels.add(
                    &painter,
                    plain(
                        LabelClass::Graticule,
                        0,
                        format!("{lon:.2}°E").replace(".00", ""),
                        FontId::proportional(10.0),
                        style.faint_text(),
                        vec![(p + Vec2::new(3.0, 14.0), Align2::LEFT_TOP)],
                    ),
                );
                lon += step;
            }
            let mut lat = s;
            while lat <= n {
                painter.line_segment([screen(projector, w, lat), screen(projector, e, lat)], stroke);
                let p = screen(projector, view[0], lat);
                labels.add(
                    &painter,
                    plain(
                        LabelClass::Graticule,
                        1,
                        format!("{lat:.2}°N").replace(".00", ""),
                        FontId::proportional(10.0),
                        style.faint_text(),
                        vec![(p + Vec2::new(4.0, -2.0), Align2::LEFT_BOTTOM)],
                    ),
                );
                lat += step;
            }
        }
        if self.layers.lakes {
            let fill = lake_fill(style);
            for l in self.geometry.lakes.iter().filter(|l| overlaps(l.bbox, view)) {
                let mut mesh = Mesh::default();
                for v in &l.vertices {
                    mesh.colored_vertex(screen(projector, v[0], v[1]), fill);
                }
                mesh.indices.extend_from_slice(&l.indices);
                painter.add(Shape::mesh(mesh));
                let pts: Vec<Pos2> = l.ring.iter().map(|c| screen(projector, c[0], c[1])).collect();
                painter.add(Shape::Path(PathShape::line(pts, PathStroke::new(0.8, style.river()))));
            }
        }
        if self.layers.rivers {
            let stroke = PathStroke::new(if zoom >= 8.0 { 2.2 } else { 1.5 }, style.river());
            for (ri, r) in self.base.rivers.iter().enumerate() {
                for line in &r.lines.0 {
                    let pts: Vec<Pos2> = line.0.iter().map(|c| screen(projector, c.x, c.y)).collect();
                    if pts.len() >= 2 {
                        // Label the river near the middle of its visible part, else a third or a sixth of the way along.
                        let visible = visible_points(&pts, painter.clip_rect());
                        painter.add(Shape::Path(PathShape::line(pts, stroke.clone())));
                        let mut at = Vec::new();
                        for (num, den) in [(1, 2), (1, 3), (2, 3), (1, 6), (5, 6)] {
                            if let Some(p) = visible.get(visible.len() * num / den) {
                                at.push((*p + Vec2::new(0.0, 6.0), Align2::CENTER_TOP));
                                at.push((*p - Vec2::new(0.0, 6.0), Align2::CENTER_BOTTOM));
                            }
                        }
                        let font = FontId::proportional(11.0);
                        let mut spec = plain(LabelClass::River, ri as i64, r.name.clone(), font, style.river(), at);
                        // On a box: the name often lies across the border line, which follows the river.
                        spec.bg = style.label_bg();
                        labels.add(&painter, spec);
                    }
                }
            }
        }
        if self.layers.country_names {
            for (name, at) in &self.geometry.country_labels {
                let spaced: String = name.chars().flat_map(|c| [c, ' ']).collect();
                let p = screen(projector, at[0], at[1]);
                let at = [0.0, -24.0, 24.0].map(|dy| (p + Vec2::new(0.0, dy), Align2::CENTER_CENTER)).to_vec();
                let font = FontId::proportional(17.0);
                let text = spaced.trim_end().to_owned();
                labels.add(&painter, plain(LabelClass::Country, 0, text, font, style.faint_text(), at));
            }
        }
        if self.layers.provinces && self.layers.province_names && zoom >= 6.5 {
            for (i, p) in self.geometry.provinces.iter().enumerate().filter(|(_, p)| overlaps(p.bbox, view)) {
                let c = screen(projector, p.label_at[0], p.label_at[1]);
                let at = [0.0, -16.0, 16.0].map(|dy| (c + Vec2::new(0.0, dy), Align2::CENTER_CENTER)).to_vec();
                let font = FontId::proportional(12.0);
                labels
                    .add(&painter, plain(LabelClass::Province, i as i64, p.name.clone(), font, style.faint_text(), at));
            }
        }
        // Bridge crossings before towns: their labels take priority.
        if self.layers.crossings {
            for (i, c) in self.base.crossings.iter().enumerate() {
                let (lon, lat) = (c.position.x(), c.position.y());
                if lon < view[0] || lon > view[2] || lat < view[1] || lat > view[3] {
                    continue;
                }
                let p = screen(projector, lon, lat);
                let marker = egui::Rect::from_center_size(p, Vec2::splat(7.0));
                painter.rect_filled(marker, 1.5, style.background());
                painter.rect_stroke(marker, 1.5, Stroke::new(1.5, style.text()), egui::StrokeKind::Middle);
                labels.reserve(marker);
                // Crossings rank first among the towns (they are what a planner looks for along the river).
                let mut at = vec![(p + Vec2::new(0.0, 7.0), Align2::CENTER_TOP)];
                at.extend(around(p, 8.0));
                let spec = LabelSpec {
                    class: LabelClass::Town,
                    order: i64::MIN + i as i64,
                    text: c.label.clone(),
                    font: FontId::proportional(11.0),
                    color: style.text(),
                    bg: style.label_bg(),
                    positions: at,
                    marker: None,
                };
                labels.add(&painter, spec);
            }
        }
        if self.layers.towns {
            // Bigger towns first; how many depends on the zoom.
            let limit = if zoom < 6.5 {
                12
            } else if zoom < 7.5 {
                30
            } else if zoom < 8.5 {
                70
            } else {
                usize::MAX
            };
            for (ti, t) in self.base.towns.iter().take(limit).enumerate() {
                let (lon, lat) = (t.position.x(), t.position.y());
                if lon < view[0] || lon > view[2] || lat < view[1] || lat > view[3] {
                    continue;
                }
                let p = screen(projector, lon, lat);
                let marker = Marker {
                    center: p,
                    radius_px: if t.population > 100_000 { 3.5 } else { 2.5 },
                    fill: style.text(),
                    stroke: Stroke::new(1.0, style.background()),
                };
                // Zoomed in, every town has its dot; further out only those whose name fits.
                if zoom >= 8.0 {
                    painter.circle(marker.center, marker.radius_px, marker.fill, marker.stroke);
                }
                labels.add(
                    &painter,
                    LabelSpec {
                        class: LabelClass::Town,
                        // The towns come sorted by population, largest first.
                        order: ti as i64,
                        text: t.name.clone(),
                        font: FontId::proportional(11.5),
                        color: style.text(),
                        bg: style.label_bg(),
                        positions: around(p, 5.0),
                        marker: (zoom < 8.0).then_some(marker),
                    },
                );
            }
        }
    }
}

/// Points along the part of the polyline `pts` inside `clip`, in order: the vertices inside and the middle of
/// every segment's visible part (a long straight river reach seen up close has no vertex in view).
fn visible_points(pts: &[Pos2], clip: egui::Rect) -> Vec<Pos2> {
    let mut out = Vec::new();
    for w in pts.windows(2) {
        if clip.contains(w[0]) {
            out.push(w[0]);
        }
        if let Some((a, b)) = clip_segment(w[0], w[1], clip) {
            out.push(a.lerp(b, 0.5));
        }
    }
    if let Some(&last) = pts.last().filter(|p| clip.contains(**p)) {
        out.push(last);
    }
    out
}

/// The part of the segment `a`–`b` inside `clip` (Liang–Barsky), if any.
fn clip_segment(a: Pos2, b: Pos2, clip: egui::Rect) -> Option<(Pos2, Pos2)> {
    let d = b - a;
    let (mut t0, mut t1) = (0.0_f32, 1.0_f32);
    for (p, q) in [(-d.x, a.x - clip.min.x), (d.x, clip.max.x - a.x), (-d.y, a.y - clip.min.y), (d.y, clip.max.y - a.y)]
    {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 < t1).then(|| (a + d * t0, a + d * t1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_river_reach_crossing_the_view_without_a_vertex_in_it_still_gets_a_label_spot() {
        let clip = egui::Rect::from_min_max(Pos2::new(0.0, 0.0), Pos2::new(100.0, 100.0));
        let pts = [Pos2::new(-500.0, 50.0), Pos2::new(500.0, 50.0), Pos2::new(900.0, 900.0)];
        let spots = visible_points(&pts, clip);
        assert_eq!(spots.len(), 1, "{spots:?}");
        assert!((spots[0] - Pos2::new(50.0, 50.0)).length() < 1e-3, "{spots:?}");
        assert!(clip_segment(Pos2::new(-10.0, -10.0), Pos2::new(-5.0, 200.0), clip).is_none());
    }

    #[test]
    fn whole_border_views_draw_simplified_provinces_and_zoom_12_draws_them_in_full() {
        let base = crate::io::bundled::base_data().expect("bundled data");
        let geometry = BaseGeometry::build(&base);
        let count = |zoom: f64| -> usize { geometry.provinces.iter().map(|p| p.level(zoom).vertices.len()).sum() };
        let full: usize =
            base.regions.iter().map(|r| r.area.0.iter().map(|p| p.exterior().0.len()).sum::<usize>()).sum();
        assert!(count(7.0) * 4 < count(12.0), "zoom 7: {} vertices, zoom 12: {}", count(7.0), count(12.0));
        assert!(count(9.0) < count(12.0) && count(5.0) <= count(7.0));
        // Above the last level the full outline is drawn (earcut keeps every vertex but the rings' closing ones).
        assert!(count(12.0) * 100 >= full * 99 && count(12.0) > count(10.0), "{} of {full}", count(12.0));
        for p in &geometry.provinces {
            assert!(p.levels.iter().all(|l| !l.indices.is_empty()), "{} has an empty level", p.name);
        }
    }
}
