//! Hillshade from the elevation data, drawn under the plan overlays.
//!
//! The picture is rendered for one view (at half the screen resolution) on a background thread and uploaded as
//! one texture when it lands; until then, and while the view is being dragged or zoomed, the last picture is
//! moved and scaled with the map, as [`super::raster_layer`] does for big layers.

use super::fill::inverse_mercator;
use super::raster_layer::View;
use crate::model::terrain::Elevation;
use egui::{Color32, ColorImage, Pos2, Rect, TextureHandle, TextureOptions, Ui, Vec2};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use walkers::{MapMemory, Plugin, Projector};

/// Screen pixels per hillshade pixel.
const STEP_PX: usize = 2;

/// Renders the hillshade (light from the north-west, 45° up) of `view` at 1/[`STEP_PX`] resolution; no-data
/// pixels stay transparent.
pub fn render(dem: &dyn Elevation, view: View) -> ColorImage {
    let (w, h) = (view.size[0].div_ceil(STEP_PX).max(1), view.size[1].div_ceil(STEP_PX).max(1));
    let mut img = ColorImage::filled([w, h], Color32::TRANSPARENT);
    let lon_lat = |i: f64, j: f64| {
        let x = (view.center[0] + (i * STEP_PX as f64 - view.size[0] as f64 / 2.0)) / view.world_px;
        let y = (view.center[1] + (j * STEP_PX as f64 - view.size[1] as f64 / 2.0)) / view.world_px;
        inverse_mercator([x, y])
    };
    let (az, alt) = (315f64.to_radians(), 45f64.to_radians());
    // Slopes are exaggerated on small scales so whole ranges still read as relief.
    for j in 0..h {
        let [lon0, lat] = lon_lat(0.0, j as f64);
        let [lon1, lat1] = lon_lat(1.0, j as f64 + 1.0);
        let dx_m = (lon1 - lon0).abs() * 111_320.0 * lat.to_radians().cos();
        let dy_m = (lat - lat1).abs() * 111_320.0;
        let exaggeration = (dx_m / 60.0).clamp(1.0, 8.0);
        for i in 0..w {
            let [lon, la] = lon_lat(i as f64, j as f64);
            let dlon = lon1 - lon0;
            let dlat = lat - lat1;
            let (Some(z), Some(ze), Some(zs)) =
                (dem.elevation_m(lon, la), dem.elevation_m(lon + dlon, la), dem.elevation_m(lon, la - dlat))
            else {
                continue;
            };
            let p = (ze - z) / dx_m * exaggeration;
            let q = (z - zs) / dy_m * exaggeration;
            // Surface normal (−p, −q, 1) against the light from azimuth `az` (clockwise from north), `alt` up.
            let light = [alt.cos() * az.sin(), alt.cos() * az.cos(), alt.sin()];
            let shade = (-p * light[0] - q * light[1] + light[2]) / (p * p + q * q + 1.0).sqrt();
            let g = (shade.clamp(0.0, 1.0) * 255.0) as u8;
            img.pixels[j * w + i] = Color32::from_gray(g);
        }
    }
    img
}

/// The last hillshade picture and the render in flight.
#[derive(Default)]
pub struct HillshadeCache {
    texture: Option<(TextureHandle, View)>,
    /// Identifies the DEM the picture is of.
    dem_key: usize,
    in_flight: Option<(View, Receiver<ColorImage>)>,
}

impl HillshadeCache {
    /// True while a picture is being rendered.
    pub fn rendering(&self) -> bool {
        self.in_flight.is_some()
    }
}

/// Draws the hillshade of `dem` with `opacity`.
pub struct HillshadePlugin<'a> {
    pub dem: Arc<dyn Elevation>,
    pub cache: &'a mut HillshadeCache,
    pub opacity: f32,
}

impl Plugin for HillshadePlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _response: &egui::Response, projector: &Projector, _memory: &MapMemory) {
        let HillshadePlugin { dem, cache, opacity } = *self;
        let key = Arc::as_ptr(&dem) as *const () as usize;
        if cache.dem_key != key {
            *cache = HillshadeCache { dem_key: key, ..HillshadeCache::default() };
        }
        let view = View::of(projector);
        let ctx = ui.ctx().clone();
        // A finished render lands.
        if let Some((v, rx)) = &cache.in_flight
            && let Ok(img) = rx.try_recv()
        {
            let v = *v;
            match &mut cache.texture {
                Some((tex, tv)) => {
                    tex.set(img, TextureOptions::LINEAR);
                    *tv = v;
                }
                None => cache.texture = Some((ctx.load_texture("hillshade", img, TextureOptions::LINEAR), v)),
            }
            cache.in_flight = None;
        }
        let settling = ui.input(|i| {
            i.pointer.any_down() || i.smooth_scroll_delta != Vec2::ZERO || (i.zoom_delta() - 1.0).abs() > 1e-3
        });
        let fresh = cache.texture.as_ref().is_some_and(|(_, v)| *v == view);
        let wanted = cache.in_flight.as_ref().is_some_and(|(v, _)| *v == view);
        if !fresh && !settling && !wanted && cache.in_flight.is_none() {
            let (tx, rx) = channel();
            let dem = dem.clone();
            let repaint = ctx.clone();
            let spawned = std::thread::Builder::new().name("hillshade".into()).spawn(move || {
                let _ = tx.send(render(&*dem, view));
                repaint.request_repaint();
            });
            if spawned.is_ok() {
                cache.in_flight = Some((view, rx));
            }
        }
        if !fresh {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        let Some((tex, drawn)) = &cache.texture else { return };
        let clip = projector.clip_rect();
        let k = view.world_px / drawn.world_px;
        let corner = |dx: f64, dy: f64| {
            let world_then = [drawn.center[0] + dx, drawn.center[1] + dy];
            Pos2::new(
                clip.center().x + (world_then[0] * k - view.center[0]) as f32,
                clip.center().y + (world_then[1] * k - view.center[1]) as f32,
            )
        };
        // The picture covers whole hillshade pixels: a little beyond the drawn view on the right and bottom.
        let (iw, ih) =
            ((drawn.size[0].div_ceil(STEP_PX) * STEP_PX) as f64, (drawn.size[1].div_ceil(STEP_PX) * STEP_PX) as f64);
        let (hw, hh) = (drawn.size[0] as f64 / 2.0, drawn.size[1] as f64 / 2.0);
        let rect = Rect::from_min_max(corner(-hw, -hh), corner(iw - hw, ih - hh));
        let tint = Color32::WHITE.gamma_multiply(opacity.clamp(0.0, 1.0));
        ui.painter_at(clip).image(tex.id(), rect, Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)), tint);
    }
}
