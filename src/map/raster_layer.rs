//! Large imported layers are drawn as an image: rasterised on the CPU once per view (polygons filled by scanline
//! with the even-odd rule, so concave rings and holes come out right; points as small squares, lines with a
//! Bresenham brush), uploaded as one texture and drawn as a single quad. Frames that do not change
//! the view cost almost nothing; while the user drags or zooms, the previous image is moved and scaled with
//! the map and re-rendered once the view settles, as desktop GIS do.

use super::fill::{FillMesh, mercator};
use crate::io::layer::{Layer, LayerFeature, MarkerSize};
use egui::{Color32, ColorImage, Context, Painter, Pos2, Rect, TextureHandle, TextureOptions, Vec2};
use geo::Geometry;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};
use walkers::{Projector, lon_lat};

mod draw;
#[cfg(test)]
use draw::fill_rings;
pub use draw::{Detail, RasterStats, rasterize, rasterize_with};

/// Layers with more features than this are rasterised.
pub const RASTER_FEATURES: usize = 5_000;
/// …or with more coordinates than this.
pub const RASTER_COORDS: usize = 100_000;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Point,
    Line,
}

/// One drawable part: a point or a polyline (rings are closed polylines), in normalised Web Mercator (0…1).
struct Part {
    kind: Kind,
    start: u32,
    end: u32,
    /// Feature colour from simplestyle, if any.
    color: Option<[u8; 3]>,
    /// Marker half-size or line width in pixels from simplestyle, if any.
    size: Option<f32>,
    /// The part's extent in normalised Web Mercator: west, north, east, south (x and y minimum, then maximum).
    bbox: [f64; 4],
}

/// A polygon to fill: its rings are the parts `first_ring..ring_end`.
struct FillPart {
    first_ring: u32,
    ring_end: u32,
    /// Fill colour and opacity from simplestyle, if any.
    color: Option<[u8; 3]>,
    opacity: Option<f32>,
}

/// A layer's coordinates projected once to normalised Web Mercator, so a view is a multiply-add away.
pub struct ProjectedLayer {
    parts: Vec<Part>,
    fills: Vec<FillPart>,
    xy: Vec<[f64; 2]>,
}

impl ProjectedLayer {
    pub fn build(features: &[LayerFeature]) -> Self {
        let mut out = Self { parts: Vec::new(), fills: Vec::new(), xy: Vec::new() };
        for f in features {
            let st = f.style();
            let marker = st.marker_size.map(|m| match m {
                MarkerSize::Small => 1.0,
                MarkerSize::Medium => 1.5,
                MarkerSize::Large => 2.5,
            });
            let fill = (st.fill, st.fill_opacity);
            out.add(&f.geometry, st.marker_color.or(st.stroke), marker.or(st.stroke_width), fill);
        }
        out
    }

    fn add(
        &mut self,
        g: &Geometry<f64>,
        color: Option<[u8; 3]>,
        size: Option<f32>,
        fill: (Option<[u8; 3]>, Option<f32>),
    ) {
        let line = |this: &mut Self, coords: &mut dyn Iterator<Item = geo::Coord<f64>>, kind: Kind| {
            let start = this.xy.len() as u32;
            this.xy.extend(coords.map(|c| mercator(c.x, c.y)));
            let mut bbox = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
            for n in &this.xy[start as usize..] {
                bbox = [bbox[0].min(n[0]), bbox[1].min(n[1]), bbox[2].max(n[0]), bbox[3].max(n[1])];
            }
            this.parts.push(Part { kind, start, end: this.xy.len() as u32, color, size, bbox });
        };
        match g {
            Geometry::Point(p) => line(self, &mut std::iter::once(p.0), Kind::Point),
            Geometry::MultiPoint(m) => {
                for p in &m.0 {
                    line(self, &mut std::iter::once(p.0), Kind::Point);
                }
            }
            Geometry::Line(l) => line(self, &mut [l.start, l.end].into_iter(), Kind::Line),
            Geometry::LineString(l) => line(self, &mut l.0.iter().copied(), Kind::Line),
            Geometry::MultiLineString(m) => {
                for l in &m.0 {
                    line(self, &mut l.0.iter().copied(), Kind::Line);
                }
            }
            Geometry::Polygon(p) => {
                let first_ring = self.parts.len() as u32;
                line(self, &mut p.exterior().0.iter().copied(), Kind::Line);
                for h in p.interiors() {
                    line(self, &mut h.0.iter().copied(), Kind::Line);
                }
                let ring_end = self.parts.len() as u32;
                self.fills.push(FillPart { first_ring, ring_end, color: fill.0, opacity: fill.1 });
            }
            Geometry::MultiPolygon(m) => {
                for p in &m.0 {
                    self.add(&Geometry::Polygon(p.clone()), color, size, fill);
                }
            }
            Geometry::GeometryCollection(c) => {
                for g in &c.0 {
                    self.add(g, color, size, fill);
                }
            }
            Geometry::Rect(r) => self.add(&Geometry::Polygon(r.to_polygon()), color, size, fill),
            Geometry::Triangle(t) => self.add(&Geometry::Polygon(t.to_polygon()), color, size, fill),
        }
    }

    pub fn coordinate_count(&self) -> usize {
        self.xy.len()
    }
}

/// Whether a layer is big enough to be drawn as an image.
pub fn wants_raster(layer: &Layer) -> bool {
    layer.features.len() > RASTER_FEATURES
        || layer
            .features
            .iter()
            .take(RASTER_COORDS)
            .map(|f| crate::io::layer::coordinate_count(&f.geometry))
            .sum::<usize>()
            > RASTER_COORDS
}

/// Where the map looks: world size in pixels and the world pixel at the view's centre.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct View {
    pub world_px: f64,
    pub center: [f64; 2],
    pub size: [usize; 2],
}

impl View {
    pub fn of(projector: &Projector) -> Self {
        let rect = projector.clip_rect();
        let c = projector.unproject(rect.center().to_vec2());
        let n = mercator(c.x(), c.y());
        let world_px = 256.0 * 2f64.powf(projector.zoom());
        Self {
            world_px,
            center: [n[0] * world_px, n[1] * world_px],
            size: [rect.width().max(1.0) as usize, rect.height().max(1.0) as usize],
        }
    }
}

/// Style inputs that change the picture.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Look {
    pub color: [u8; 3],
    pub opacity: f32,
    pub width_px: f32,
}

/// What a layer's drawing keeps between frames: its polygons triangulated (on first use) and, for a big layer, its
/// coordinates projected and its last picture.
pub struct RasterCache {
    /// Identifies the layer (its feature storage).
    pub key: usize,
    /// Its number of features: a cache whose layer changed size is rebuilt.
    features: usize,
    projected: Option<Arc<ProjectedLayer>>,
    texture: Option<(TextureHandle, View, Look)>,
    /// The picture being drawn on a background thread, for this view and look.
    job: Option<(View, Look, Receiver<Rendered>)>,
    fills: Option<FillMesh>,
    /// The fill of one feature (the picked one), for layers drawn as a picture.
    picked: Option<(usize, FillMesh)>,
}

impl RasterCache {
    pub fn new(key: usize, layer: &Layer) -> Self {
        Self {
            key,
            features: layer.features.len(),
            projected: None,
            texture: None,
            job: None,
            fills: None,
            picked: None,
        }
    }

    /// Whether this cache belongs to `layer`.
    pub fn is_for(&self, key: usize, layer: &Layer) -> bool {
        self.key == key && self.features == layer.features.len()
    }

    /// The triangulated polygons of all features of `layer` (built on the first call).
    pub fn fills(&mut self, layer: &Layer) -> &FillMesh {
        self.fills.get_or_insert_with(|| FillMesh::build(layer.features.iter().map(|f| &f.geometry)))
    }

    /// The triangulated polygons of feature `fi` alone, as feature 0 of the returned mesh.
    pub fn feature_fill(&mut self, layer: &Layer, fi: usize) -> &FillMesh {
        if self.picked.as_ref().is_none_or(|(i, _)| *i != fi) {
            self.picked = Some((fi, FillMesh::build(layer.features.get(fi).map(|f| &f.geometry))));
        }
        match &mut self.picked {
            Some((_, mesh)) => mesh,
            None => self.fills.get_or_insert_with(FillMesh::default),
        }
    }

    /// Whether a picture of the layer is on show (it may be one for an earlier view, moved and scaled).
    pub fn has_picture(&self) -> bool {
        self.texture.is_some()
    }

    /// Whether a picture is being drawn in the background.
    pub fn is_drawing(&self) -> bool {
        self.job.is_some()
    }

    /// Draws the layer. Pictures are drawn on a background thread: until the one for this view lands, the last
    /// one is shown moved and scaled to the view (nothing on the very first display), so the UI thread never
    /// waits for a big layer. `settling` is true while the view is being dragged or zoomed: no new picture is
    /// started until the view settles.
    pub fn paint(
        &mut self,
        ctx: &Context,
        painter: &Painter,
        projector: &Projector,
        layer: &Layer,
        look: Look,
        settling: bool,
    ) {
        let view = View::of(projector);
        if let Some((job_view, job_look, rx)) = &self.job {
            match rx.try_recv() {
                Ok(Rendered { projected, image }) => {
                    self.projected = Some(projected);
                    let (v, l) = (*job_view, *job_look);
                    match &mut self.texture {
                        Some((tex, tv, tl)) => {
                            tex.set(image, TextureOptions::NEAREST);
                            *tv = v;
                            *tl = l;
                        }
                        None => {
                            self.texture =
                                Some((ctx.load_texture("layer-raster", image, TextureOptions::NEAREST), v, l))
                        }
                    }
                    self.job = None;
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => self.job = None,
            }
        }
        let fresh = self.texture.as_ref().is_some_and(|(_, v, l)| *v == view && *l == look);
        if !fresh {
            if !settling && self.job.is_none() {
                self.job = Some((view, look, start_drawing(ctx, layer, self.projected.clone(), view, look)));
            }
            // The drawing thread asks for a frame when it is done; this one keeps the moved picture in step with
            // a view that is still settling.
            ctx.request_repaint_after(std::time::Duration::from_millis(if settling { 120 } else { 30 }));
        }
        let Some((tex, drawn, _)) = &self.texture else { return };
        // Where the picture's corners are in the current view.
        let clip = projector.clip_rect();
        let corner = |dx: f64, dy: f64| {
            let world_then = [drawn.center[0] + dx, drawn.center[1] + dy];
            let k = view.world_px / drawn.world_px;
            Pos2::new(
                clip.center().x + (world_then[0] * k - view.center[0]) as f32,
                clip.center().y + (world_then[1] * k - view.center[1]) as f32,
            )
        };
        let (hw, hh) = (drawn.size[0] as f64 / 2.0, drawn.size[1] as f64 / 2.0);
        let rect = Rect::from_min_max(corner(-hw, -hh), corner(hw, hh));
        painter.image(tex.id(), rect, Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)), Color32::WHITE);
    }
}

/// A picture drawn in the background, with the projected coordinates it was drawn from (kept for the next one).
struct Rendered {
    projected: Arc<ProjectedLayer>,
    image: ColorImage,
}

/// Draws the layer for `view` on a new thread (projecting its coordinates first, the first time).
fn start_drawing(
    ctx: &Context,
    layer: &Layer,
    projected: Option<Arc<ProjectedLayer>>,
    view: View,
    look: Look,
) -> Receiver<Rendered> {
    let (tx, rx) = std::sync::mpsc::channel();
    let features = Arc::clone(&layer.features);
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new().name("layer-raster".into()).spawn(move || {
        // One core stays the UI thread's: pictures beyond the free cores wait for their turn.
        let _slot = DrawSlot::acquire();
        let projected = projected.unwrap_or_else(|| Arc::new(ProjectedLayer::build(&features)));
        let image = rasterize(&projected, view, look);
        // The receiver is gone when the layer was removed meanwhile: nothing to do.
        let _ = tx.send(Rendered { projected, image });
        ctx.request_repaint();
    });
    if let Err(e) = spawned {
        log::warn!("cannot start drawing a layer in the background: {e}");
    }
    rx
}

/// A turn to draw a picture: at most one fewer than the machine's cores at once (at least one), so several big
/// layers drawn together never take the core the UI thread needs.
struct DrawSlot;

/// Drawing threads running, and the condition the waiting ones wait on.
static DRAWING: (std::sync::Mutex<usize>, std::sync::Condvar) = (std::sync::Mutex::new(0), std::sync::Condvar::new());

impl DrawSlot {
    fn acquire() -> Self {
        let slots = std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
        let (running, turn) = &DRAWING;
        let mut running = running.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while *running >= slots {
            running = turn.wait(running).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *running += 1;
        Self
    }
}

impl Drop for DrawSlot {
    fn drop(&mut self) {
        let (running, turn) = &DRAWING;
        let mut running = running.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *running = running.saturating_sub(1);
        turn.notify_one();
    }
}

/// Screen position of a lon/lat, for tests.
pub fn screen_of(projector: &Projector, lon: f64, lat: f64) -> Vec2 {
    projector.project(lon_lat(lon, lat))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A "C" in pixel coordinates, open to the right, with its notch at x 30…100, y 30…70.
    const C_RING: [[f64; 2]; 9] = [
        [10.0, 10.0],
        [100.0, 10.0],
        [100.0, 30.0],
        [30.0, 30.0],
        [30.0, 70.0],
        [100.0, 70.0],
        [100.0, 90.0],
        [10.0, 90.0],
        [10.0, 10.0],
    ];

    fn filled(img: &ColorImage, x: usize, y: usize) -> bool {
        img.pixels[y * img.size[0] + x].a() > 0
    }

    #[test]
    fn a_concave_ring_is_filled_inside_only_and_a_hole_stays_empty() {
        let mut img = ColorImage::filled([120, 100], Color32::TRANSPARENT);
        let hole = [[15.0, 40.0], [25.0, 40.0], [25.0, 60.0], [15.0, 60.0], [15.0, 40.0]];
        fill_rings(&mut img, &[&C_RING, &hole], |n| n, Color32::from_rgba_unmultiplied(200, 0, 0, 128));
        for (x, y) in [(20, 20), (90, 20), (12, 50), (27, 50), (90, 80), (50, 85)] {
            assert!(filled(&img, x, y), "({x}, {y}) is inside the C");
        }
        for (x, y) in [(60, 50), (99, 50), (20, 50), (5, 5), (110, 50), (50, 95)] {
            assert!(!filled(&img, x, y), "({x}, {y}) is outside the C or in its hole");
        }
        // Exactly the C's area minus the hole, in pixels: 90×80 − 70×40 − 10×20.
        let count = img.pixels.iter().filter(|p| p.a() > 0).count();
        assert_eq!(count, 90 * 80 - 70 * 40 - 10 * 20);
    }

    #[test]
    fn a_ring_partly_off_the_picture_fills_the_visible_part() {
        let mut img = ColorImage::filled([50, 50], Color32::TRANSPARENT);
        let shifted: Vec<[f64; 2]> = C_RING.iter().map(|p| [p[0] - 40.0, p[1] - 40.0]).collect();
        fill_rings(&mut img, &[&shifted], |n| n, Color32::RED);
        // Of the C only the lower arm (x −30…60, y 30…50) is inside the 50×50 picture.
        let count = img.pixels.iter().filter(|p| p.a() > 0).count();
        assert_eq!(count, 50 * 20);
        assert!(filled(&img, 0, 45) && !filled(&img, 25, 25));
    }

    #[test]
    fn a_big_concave_polygon_layer_is_rasterised_with_its_notch_empty() {
        use crate::io::geojson_import::{ImportOptions, import_bytes};
        let geojson = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
            "geometry":{"type":"Polygon","coordinates":[[[71.0,37.0],[72.0,37.0],[72.0,37.2],[71.3,37.2],
            [71.3,37.8],[72.0,37.8],[72.0,38.0],[71.0,38.0],[71.0,37.0]]]}}]}"#;
        let layer = import_bytes("c", geojson, &ImportOptions::default()).expect("the layer imports");
        let projected = ProjectedLayer::build(&layer.features);
        let world_px = 256.0 * 2f64.powi(9);
        let centre = mercator(71.5, 37.5);
        let view = View { world_px, center: [centre[0] * world_px, centre[1] * world_px], size: [800, 800] };
        let look = Look { color: [0x4e, 0x79, 0xa7], opacity: 1.0, width_px: 1.0 };
        let img = rasterize(&projected, view, look);
        let px = |lon: f64, lat: f64| {
            let n = mercator(lon, lat);
            let x = (n[0] * world_px - view.center[0] + 400.0) as usize;
            let y = (n[1] * world_px - view.center[1] + 400.0) as usize;
            img.pixels[y * 800 + x]
        };
        // Inside an arm: the 20 % fill. In the notch: nothing, which a fan from the first vertex would cover.
        let arm = px(71.15, 37.5);
        assert!(arm.a() > 30 && arm.a() < 80, "{arm:?}");
        assert_eq!(px(71.7, 37.5), Color32::TRANSPARENT);
        assert_eq!(px(71.5, 37.9).a(), arm.a());
    }
}
