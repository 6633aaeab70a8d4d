//! Imported GeoJSON layers: culled to the viewport, decimated to the pixel grid, styled by simplestyle-spec
//! properties or the layer's own style.

use super::fill::{FillMesh, view_to_screen};
use super::labels::{LabelClass, LabelCollector, LabelSpec, around};
use super::raster_layer::{RasterCache, View};
use super::screen;
use super::style::MapStyle;
use crate::io::layer::{FeatureStyle, Layer, MarkerSize};
use egui::epaint::{Mesh, PathShape, PathStroke};
use egui::{Color32, FontId, Pos2, Shape, Stroke, Ui, Vec2};
use geo::{Geometry, LineString};
use std::cell::RefCell;
use walkers::{MapMemory, Plugin, Projector};

/// Above this many features in view a layer is drawn in its dense style.
const DENSE_FEATURES: usize = 3000;

pub struct LayersPlugin<'a> {
    pub layers: &'a [Layer],
    /// What each layer's drawing keeps between frames: triangulated fills, pictures of the big layers (see
    /// `raster_layer`).
    pub rasters: &'a mut Vec<RasterCache>,
    /// (layer, feature) to highlight.
    pub highlight: Option<(usize, usize)>,
    pub style: MapStyle,
    /// Where the features' labels go (placed with all other map labels).
    pub labels: &'a RefCell<LabelCollector>,
}

fn color(c: [u8; 3], alpha: f32) -> Color32 {
    Color32::from_rgba_unmultiplied(c[0], c[1], c[2], (alpha.clamp(0.0, 1.0) * 255.0) as u8)
}

/// Projects a line, dropping vertices closer than a pixel to the last kept one.
fn project_simplified(projector: &Projector, line: &LineString<f64>, out: &mut Vec<Pos2>) {
    out.clear();
    for c in &line.0 {
        let p = screen(projector, c.x, c.y);
        if out.last().is_none_or(|l: &Pos2| (l.x - p.x).abs() >= 1.0 || (l.y - p.y).abs() >= 1.0) {
            out.push(p);
        }
    }
    if let (Some(last_c), Some(last)) = (line.0.last(), out.last()) {
        let p = screen(projector, last_c.x, last_c.y);
        if *last != p {
            out.push(p);
        }
    }
}

#[derive(Clone, Copy)]
struct Look {
    color: [u8; 3],
    opacity: f32,
    width_px: f32,
}

impl Look {
    fn of(layer: &Layer) -> Self {
        Self { color: layer.style.color, opacity: layer.style.opacity, width_px: layer.style.width_px }
    }

    /// A feature's fill colour: simplestyle's, else the layer colour at 20 %.
    fn fill(self, st: &FeatureStyle) -> Color32 {
        color(st.fill.unwrap_or(self.color), st.fill_opacity.unwrap_or(0.2) * self.opacity)
    }
}

/// Adds the fills of features `fis` of `fills` to one mesh and paints it.
fn paint_fills(
    painter: &egui::Painter,
    projector: &Projector,
    fills: &FillMesh,
    fis: impl Iterator<Item = (usize, Color32)>,
) {
    let view = View::of(projector);
    let to_screen = view_to_screen(view.world_px, view.center, projector.clip_rect().center());
    let mut mesh = Mesh::default();
    for (fi, c) in fis {
        if c.a() > 0 {
            fills.add_to(fi, c, &to_screen, &mut mesh);
        }
    }
    if !mesh.is_empty() {
        painter.add(Shape::mesh(mesh));
    }
}

/// One bit per 2×2-pixel cell of the map: a dense layer draws at most one marker per cell.
struct CellGrid {
    origin: Pos2,
    width: usize,
    height: usize,
    bits: Vec<u64>,
}

impl CellGrid {
    fn new(rect: egui::Rect) -> Self {
        let width = (rect.width() / 2.0).ceil().max(1.0) as usize;
        let height = (rect.height() / 2.0).ceil().max(1.0) as usize;
        Self { origin: rect.min, width, height, bits: vec![0; (width * height).div_ceil(64)] }
    }
    /// Marks the cell of `p`; false when it was already taken or `p` is outside.
    fn claim(&mut self, p: Pos2) -> bool {
        let (x, y) = ((p.x - self.origin.x) / 2.0, (p.y - self.origin.y) / 2.0);
        if x < 0.0 || y < 0.0 || x >= self.width as f32 || y >= self.height as f32 {
            return false;
        }
        let i = y as usize * self.width + x as usize;
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        match self.bits.get_mut(word) {
            Some(w) if *w & bit == 0 => {
                *w |= bit;
                true
            }
            _ => false,
        }
    }
}

struct Painting<'p> {
    painter: &'p egui::Painter,
    projector: &'p Projector<'p>,
    buf: Vec<Pos2>,
    cells: CellGrid,
    /// Small markers of a dense layer, batched into one mesh.
    mesh: Mesh,
    /// Many features in view: points become small squares without outline.
    dense: bool,
}

impl<'p> Painting<'p> {
    fn new(painter: &'p egui::Painter, projector: &'p Projector<'p>, dense: bool) -> Self {
        Self {
            painter,
            projector,
            buf: Vec::new(),
            cells: CellGrid::new(painter.clip_rect()),
            mesh: Mesh::default(),
            dense,
        }
    }
    fn finish(self) {
        if !self.mesh.is_empty() {
            self.painter.add(Shape::mesh(self.mesh));
        }
    }
}

impl Painting<'_> {
    fn line(&mut self, l: &LineString<f64>, stroke: Stroke) {
        project_simplified(self.projector, l, &mut self.buf);
        if self.dense {
            // Many lines in view: plain quads in one mesh, no joins or anti-aliasing (cheap to tessellate).
            let half = (stroke.width * 0.5).max(0.5);
            for w in self.buf.windows(2) {
                let d = w[1] - w[0];
                let len = d.length();
                if len < 0.01 {
                    continue;
                }
                let n = Vec2::new(-d.y, d.x) / len * half;
                let i = self.mesh.vertices.len() as u32;
                for p in [w[0] + n, w[0] - n, w[1] - n, w[1] + n] {
                    self.mesh.colored_vertex(p, stroke.color);
                }
                self.mesh.add_triangle(i, i + 1, i + 2);
                self.mesh.add_triangle(i, i + 2, i + 3);
            }
            return;
        }
        if self.buf.len() >= 2 {
            self.painter.add(Shape::Path(PathShape::line(std::mem::take(&mut self.buf), PathStroke::from(stroke))));
        }
    }
    fn point(&mut self, lon: f64, lat: f64, r: f32, fill: Color32, outline: Color32) {
        let p = screen(self.projector, lon, lat);
        if !self.painter.clip_rect().contains(p) {
            return;
        }
        // One marker per 2-px cell: dense layers stay cheap at low zoom and look the same.
        if !self.cells.claim(p) {
            return;
        }
        if self.dense || r <= 2.5 {
            let half = if self.dense { 1.5 } else { r };
            self.mesh.add_colored_rect(egui::Rect::from_center_size(p, Vec2::splat(half * 2.0)), fill);
        } else {
            self.painter.circle(p, r, fill, Stroke::new(1.0, outline));
        }
    }
    fn geometry(&mut self, g: &Geometry<f64>, st: &FeatureStyle, look: Look, emphasis: f32) {
        let base = look.color;
        let opacity = look.opacity;
        let stroke_c = color(st.stroke.unwrap_or(base), st.stroke_opacity.unwrap_or(1.0) * opacity);
        let width = st.stroke_width.unwrap_or(look.width_px) + emphasis;
        let stroke = Stroke::new(width, stroke_c);
        match g {
            Geometry::Point(p) => {
                let r = match st.marker_size {
                    Some(MarkerSize::Small) => 3.0,
                    Some(MarkerSize::Large) => 7.0,
                    _ => 4.5,
                } + emphasis;
                let fill = color(st.marker_color.unwrap_or(base), opacity);
                self.point(p.x(), p.y(), r, fill, Color32::from_black_alpha((200.0 * opacity) as u8));
            }
            Geometry::MultiPoint(mp) => {
                for p in &mp.0 {
                    self.geometry(&Geometry::Point(*p), st, look, emphasis);
                }
            }
            Geometry::Line(l) => self.line(&LineString::from(vec![l.start, l.end]), stroke),
            Geometry::LineString(l) => self.line(l, stroke),
            Geometry::MultiLineString(m) => {
                for l in &m.0 {
                    self.line(l, stroke);
                }
            }
            Geometry::Polygon(p) => {
                // The fill is the layer's triangulated mesh (see `fill`), painted before the outlines.
                self.line(p.exterior(), stroke);
                for h in p.interiors() {
                    self.line(h, stroke);
                }
            }
            Geometry::MultiPolygon(m) => {
                for p in &m.0 {
                    self.geometry(&Geometry::Polygon(p.clone()), st, look, emphasis);
                }
            }
            Geometry::GeometryCollection(c) => {
                for g in &c.0 {
                    self.geometry(g, st, look, emphasis);
                }
            }
            Geometry::Rect(r) => self.geometry(&Geometry::Polygon(r.to_polygon()), st, look, emphasis),
            Geometry::Triangle(t) => self.geometry(&Geometry::Polygon(t.to_polygon()), st, look, emphasis),
        }
    }
}

impl Plugin for LayersPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _response: &egui::Response, projector: &Projector, _memory: &MapMemory) {
        let painter = ui.painter().clone();
        let r = projector.clip_rect();
        let a = projector.unproject(r.left_bottom().to_vec2());
        let b = projector.unproject(r.right_top().to_vec2());
        let view = [a.x(), a.y(), b.x(), b.y()];
        let LayersPlugin { layers, rasters, highlight, style, labels } = *self;
        let drawer = Drawer { highlight, style, labels };
        // Caches of removed layers go.
        rasters.retain(|c| layers.iter().any(|l| c.is_for(layer_key(l), l)));
        let settling = ui.input(|i| {
            i.pointer.any_down() || i.smooth_scroll_delta != Vec2::ZERO || (i.zoom_delta() - 1.0).abs() > 1e-3
        });
        // The first layer in the list is drawn on top.
        for (li, layer) in layers.iter().enumerate().rev() {
            if !layer.style.visible {
                continue;
            }
            let key = layer_key(layer);
            let ci = match rasters.iter().position(|c| c.is_for(key, layer)) {
                Some(i) => i,
                None => {
                    rasters.push(RasterCache::new(key, layer));
                    rasters.len() - 1
                }
            };
            let cache = &mut rasters[ci];
            if super::raster_layer::wants_raster(layer) {
                let look = super::raster_layer::Look {
                    color: layer.style.color,
                    opacity: layer.style.opacity,
                    width_px: layer.style.width_px,
                };
                cache.paint(ui.ctx(), &painter, projector, layer, look, settling);
                // Zoomed in far enough that few features are in view: their labels are drawn too.
                let in_view = layer.visible_in(a.x(), a.y(), b.x(), b.y()).take(RASTER_LABELS_MAX + 1).count();
                if in_view <= RASTER_LABELS_MAX {
                    drawer.labels_ui(&painter, projector, li, layer, view);
                }
                drawer.highlight_ui(&painter, projector, li, layer, cache);
                continue;
            }
            let visible: Vec<usize> = layer.visible_in(a.x(), a.y(), b.x(), b.y()).collect();
            let look = Look::of(layer);
            let fills = cache.fills(layer);
            paint_fills(
                &painter,
                projector,
                fills,
                visible.iter().filter_map(|&fi| Some((fi, look.fill(layer.features.get(fi)?.style())))),
            );
            let mut painting = Painting::new(&painter, projector, visible.len() > DENSE_FEATURES);
            for &fi in &visible {
                let Some(f) = layer.features.get(fi) else { continue };
                painting.geometry(&f.geometry, f.style(), look, 0.0);
            }
            painting.finish();
            drawer.labels_ui(&painter, projector, li, layer, view);
            drawer.highlight_ui(&painter, projector, li, layer, cache);
        }
    }
}

/// Layers drawn as a picture get labels once at most this many of their features are in view.
const RASTER_LABELS_MAX: usize = 400;

/// What labels and highlights need of the plugin.
struct Drawer<'a> {
    highlight: Option<(usize, usize)>,
    style: MapStyle,
    labels: &'a RefCell<LabelCollector>,
}

impl Drawer<'_> {
    /// Labels (the layer's label property) of the features in `view` (west, south, east, north), at most 2000,
    /// handed to the map's label placement. The picked feature's label comes first.
    fn labels_ui(&self, painter: &egui::Painter, projector: &Projector, li: usize, layer: &Layer, view: [f64; 4]) {
        let Some(prop) = &layer.style.label_property else { return };
        let [w, s, e, n] = view;
        let mut labels = self.labels.borrow_mut();
        for fi in layer.visible_in(w, s, e, n).take(2000) {
            let Some(f) = layer.features.get(fi) else { continue };
            let Some(text) = layer.properties.get_text(fi, prop) else { continue };
            if let Some(p) = label_point(&f.geometry) {
                let pos = screen(projector, p[0], p[1]);
                let picked = self.highlight == Some((li, fi));
                labels.add(
                    painter,
                    LabelSpec {
                        class: if picked { LabelClass::Emphasis } else { LabelClass::Layer },
                        // Upper layers first, then in file order.
                        order: ((li as i64) << 32) + fi as i64,
                        text,
                        font: FontId::proportional(11.0),
                        color: self.style.text(),
                        bg: self.style.label_bg(),
                        positions: around(pos, 6.0),
                        marker: None,
                    },
                );
            }
        }
    }

    /// The selected feature of layer `li`, with a halo.
    fn highlight_ui(
        &self,
        painter: &egui::Painter,
        projector: &Projector,
        li: usize,
        layer: &Layer,
        cache: &mut RasterCache,
    ) {
        if let Some((hl, hf)) = self.highlight
            && hl == li
            && let Some(f) = layer.features.get(hf)
        {
            let halo = Look { color: crate::model::palette::SELECTION, opacity: 1.0, width_px: layer.style.width_px };
            let look = Look::of(layer);
            let fill = cache.feature_fill(layer, hf);
            paint_fills(painter, projector, fill, std::iter::once((0, halo.fill(&FeatureStyle::default()))));
            let mut p2 = Painting::new(painter, projector, false);
            p2.geometry(&f.geometry, &FeatureStyle::default(), halo, 4.0);
            p2.finish();
            paint_fills(painter, projector, fill, std::iter::once((0, look.fill(f.style()))));
            let mut p3 = Painting::new(painter, projector, false);
            p3.geometry(&f.geometry, f.style(), look, 1.0);
            p3.finish();
        }
    }
}

/// Identifies a layer for its cached picture: the address of its features (stable while the layer lives).
fn layer_key(layer: &Layer) -> usize {
    layer.features.as_ptr() as usize
}

/// Where to put a feature's label: a point, a line's middle vertex, a polygon's first exterior vertex.
pub fn label_point(g: &Geometry<f64>) -> Option<[f64; 2]> {
    match g {
        Geometry::Point(p) => Some([p.x(), p.y()]),
        Geometry::LineString(l) => l.0.get(l.0.len() / 2).map(|c| [c.x, c.y]),
        Geometry::MultiLineString(m) => m.0.first().and_then(|l| l.0.get(l.0.len() / 2)).map(|c| [c.x, c.y]),
        Geometry::Polygon(p) => {
            use geo::Centroid;
            p.centroid().map(|c| [c.x(), c.y()])
        }
        Geometry::MultiPoint(m) => m.0.first().map(|p| [p.x(), p.y()]),
        Geometry::MultiPolygon(m) => {
            use geo::Centroid;
            m.centroid().map(|c| [c.x(), c.y()])
        }
        _ => None,
    }
}
