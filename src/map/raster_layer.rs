//! Large imported layers are drawn as an image: rasterised on the CPU once per view (points as small squares,
//! lines with a Bresenham brush), uploaded as one texture and drawn as a single quad. Frames that do not change
//! the view cost almost nothing; while the user drags or zooms, the previous image is moved and scaled with
//! the map and re-rendered once the view settles, as desktop GIS do.

use crate::io::layer::{Layer, MarkerSize};
use egui::{Color32, ColorImage, Context, Painter, Pos2, Rect, TextureHandle, TextureOptions, Vec2};
use geo::Geometry;
use walkers::{Projector, lon_lat};

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
}

/// A layer's coordinates projected once to normalised Web Mercator, so a view is a multiply-add away.
pub struct ProjectedLayer {
    parts: Vec<Part>,
    xy: Vec<[f64; 2]>,
}

fn mercator(lon: f64, lat: f64) -> [f64; 2] {
    let lat = lat.clamp(-85.0511, 85.0511).to_radians();
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    [x, y]
}

impl ProjectedLayer {
    pub fn build(layer: &Layer) -> Self {
        let mut out = Self { parts: Vec::new(), xy: Vec::new() };
        for f in &layer.features {
            let st = f.style();
            let marker = st.marker_size.map(|m| match m {
                MarkerSize::Small => 1.0,
                MarkerSize::Medium => 1.5,
                MarkerSize::Large => 2.5,
            });
            out.add(&f.geometry, st.marker_color.or(st.stroke), marker.or(st.stroke_width));
        }
        out
    }

    fn add(&mut self, g: &Geometry<f64>, color: Option<[u8; 3]>, size: Option<f32>) {
        let line = |this: &mut Self, coords: &mut dyn Iterator<Item = geo::Coord<f64>>, kind: Kind| {
            let start = this.xy.len() as u32;
            this.xy.extend(coords.map(|c| mercator(c.x, c.y)));
            this.parts.push(Part { kind, start, end: this.xy.len() as u32, color, size });
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
                line(self, &mut p.exterior().0.iter().copied(), Kind::Line);
                for h in p.interiors() {
                    line(self, &mut h.0.iter().copied(), Kind::Line);
                }
            }
            Geometry::MultiPolygon(m) => {
                for p in &m.0 {
                    self.add(&Geometry::Polygon(p.clone()), color, size);
                }
            }
            Geometry::GeometryCollection(c) => {
                for g in &c.0 {
                    self.add(g, color, size);
                }
            }
            Geometry::Rect(r) => self.add(&Geometry::Polygon(r.to_polygon()), color, size),
            Geometry::Triangle(t) => self.add(&Geometry::Polygon(t.to_polygon()), color, size),
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

/// Rasterises the layer for a view into an image of `view.size` pixels.
pub fn rasterize(p: &ProjectedLayer, view: View, look: Look) -> ColorImage {
    let [w, h] = view.size;
    let mut img = ColorImage::filled([w, h], Color32::TRANSPARENT);
    let ox = view.center[0] - w as f64 / 2.0;
    let oy = view.center[1] - h as f64 / 2.0;
    let to_px = |n: [f64; 2]| ((n[0] * view.world_px - ox) as f32, (n[1] * view.world_px - oy) as f32);
    let alpha = (look.opacity.clamp(0.0, 1.0) * 255.0) as u8;
    let paint = |c: Option<[u8; 3]>| {
        let c = c.unwrap_or(look.color);
        Color32::from_rgba_unmultiplied(c[0], c[1], c[2], alpha)
    };
    for part in &p.parts {
        let pts = &p.xy[part.start as usize..part.end as usize];
        let color = paint(part.color);
        match part.kind {
            Kind::Point => {
                for n in pts {
                    let (x, y) = to_px(*n);
                    let half = part.size.unwrap_or(1.5);
                    fill_square(&mut img, x, y, half, color);
                }
            }
            Kind::Line => {
                let brush = part.size.unwrap_or(look.width_px).clamp(1.0, 8.0);
                let mut prev: Option<(f32, f32)> = None;
                for n in pts {
                    let q = to_px(*n);
                    if let Some(a) = prev {
                        draw_line(&mut img, a, q, brush, color);
                    }
                    prev = Some(q);
                }
            }
        }
    }
    img
}

fn fill_square(img: &mut ColorImage, x: f32, y: f32, half: f32, c: Color32) {
    let [w, h] = img.size;
    if x + half < 0.0 || y + half < 0.0 || x - half >= w as f32 || y - half >= h as f32 {
        return;
    }
    let (x0, x1) = ((x - half).round().max(0.0) as i64, (x + half).round().min(w as f32) as i64);
    let (y0, y1) = ((y - half).round().max(0.0) as i64, (y + half).round().min(h as f32) as i64);
    for yy in y0..y1 {
        for xx in x0..x1 {
            img.pixels[yy as usize * w + xx as usize] = c;
        }
    }
}

/// A line with a square brush; segments entirely off the image are skipped.
fn draw_line(img: &mut ColorImage, a: (f32, f32), b: (f32, f32), brush: f32, c: Color32) {
    let [w, h] = img.size;
    let (wf, hf) = (w as f32, h as f32);
    if (a.0 < 0.0 && b.0 < 0.0) || (a.1 < 0.0 && b.1 < 0.0) || (a.0 >= wf && b.0 >= wf) || (a.1 >= hf && b.1 >= hf) {
        return;
    }
    let steps = (b.0 - a.0).abs().max((b.1 - a.1).abs()).ceil().min(20_000.0) as usize;
    let (dx, dy) = if steps == 0 { (0.0, 0.0) } else { ((b.0 - a.0) / steps as f32, (b.1 - a.1) / steps as f32) };
    // Thin brushes (the common case) write 1 or 3 pixels per step directly; wider ones fill a square.
    let thick = brush > 1.0;
    let wide = brush > 2.5;
    let (mut x, mut y) = a;
    for _ in 0..=steps {
        if wide {
            fill_square(img, x, y, brush / 2.0, c);
        } else if x >= 0.0 && y >= 0.0 && x < wf && y < hf {
            let (xi, yi) = (x as usize, y as usize);
            let i = yi * w + xi;
            img.pixels[i] = c;
            if thick {
                if xi + 1 < w {
                    img.pixels[i + 1] = c;
                }
                if yi + 1 < h {
                    img.pixels[i + w] = c;
                }
            }
        }
        x += dx;
        y += dy;
    }
}

/// A layer's cached picture.
pub struct RasterCache {
    /// Identifies the layer (its feature storage).
    pub key: usize,
    projected: ProjectedLayer,
    texture: Option<(TextureHandle, View, Look)>,
}

impl RasterCache {
    pub fn new(key: usize, layer: &Layer) -> Self {
        Self { key, projected: ProjectedLayer::build(layer), texture: None }
    }

    /// Draws the layer. `settling` is true while the view is being dragged or zoomed: the last picture is moved
    /// instead of being redrawn.
    pub fn paint(&mut self, ctx: &Context, painter: &Painter, projector: &Projector, look: Look, settling: bool) {
        let view = View::of(projector);
        let fresh = self.texture.as_ref().is_some_and(|(_, v, l)| *v == view && *l == look);
        let reuse_moved = settling && self.texture.as_ref().is_some_and(|(_, _, l)| *l == look);
        if !fresh && !reuse_moved {
            let img = rasterize(&self.projected, view, look);
            match &mut self.texture {
                Some((tex, v, l)) => {
                    tex.set(img, TextureOptions::NEAREST);
                    *v = view;
                    *l = look;
                }
                None => {
                    self.texture = Some((ctx.load_texture("layer-raster", img, TextureOptions::NEAREST), view, look))
                }
            }
        } else if !fresh {
            ctx.request_repaint_after(std::time::Duration::from_millis(120));
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

/// Screen position of a lon/lat, for tests.
pub fn screen_of(projector: &Projector, lon: f64, lat: f64) -> Vec2 {
    projector.project(lon_lat(lon, lat))
}
