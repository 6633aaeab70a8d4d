//! The map: walkers plugins that only read state and draw; clicks and hovers are reported back to the app.

pub mod basemap;
pub mod fit;
pub mod layer_style;
pub mod layers;
pub mod overlays;
pub mod picking;
pub mod raster_layer;
pub mod style;
pub mod tiles;

use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Vec2};
use walkers::{Projector, lon_lat};

/// Adapts a walkers projector to the picking index.
pub struct ProjectorMap<'a>(pub &'a Projector<'a>);

impl picking::ScreenMap for ProjectorMap<'_> {
    fn to_screen(&self, lon: f64, lat: f64) -> [f32; 2] {
        let v = self.0.project(lon_lat(lon, lat));
        [v.x, v.y]
    }
    fn to_lon_lat(&self, x: f32, y: f32) -> [f64; 2] {
        let p = self.0.unproject(Vec2::new(x, y));
        [p.x(), p.y()]
    }
}

pub fn screen(projector: &Projector, lon: f64, lat: f64) -> Pos2 {
    projector.project(lon_lat(lon, lat)).to_pos2()
}

/// Places labels without overlap: a label that would collide with one already placed is skipped.
#[derive(Default)]
pub struct LabelPlacer {
    placed: Vec<Rect>,
}

impl LabelPlacer {
    /// Reserves a screen area (a marker) so that labels avoid it.
    pub fn reserve(&mut self, r: Rect) {
        self.placed.push(r);
    }

    /// Draws `text` anchored at `pos` if it fits; returns whether it was drawn.
    #[allow(clippy::too_many_arguments)]
    pub fn label(
        &mut self,
        painter: &Painter,
        pos: Pos2,
        anchor: Align2,
        text: &str,
        font: FontId,
        color: Color32,
        bg: Color32,
    ) -> bool {
        let galley = painter.layout_no_wrap(text.to_owned(), font, color);
        let rect = anchor.anchor_size(pos, galley.size()).expand(2.0);
        if !painter.clip_rect().contains_rect(rect) || self.placed.iter().any(|r| r.intersects(rect)) {
            return false;
        }
        self.placed.push(rect);
        if bg != Color32::TRANSPARENT {
            painter.rect_filled(rect, 3.0, bg);
        }
        painter.galley(rect.min + Vec2::splat(2.0), galley, color);
        true
    }
}
