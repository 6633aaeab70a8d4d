//! Text as glyph outlines (skrifa), so the PNG and the PDF show the same letters without embedding a font:
//! Ubuntu Light (Latin, Cyrillic, Greek) as shipped with egui's default fonts.

use super::canvas::{El, Path};
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, GlyphId, MetadataProvider};

/// Horizontal placement of a text relative to its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

pub struct Font {
    font: FontRef<'static>,
}

/// The font's data could not be read.
#[derive(Debug, thiserror::Error)]
#[error("the sheet's font cannot be read: {0}")]
pub struct FontError(String);

impl Font {
    pub fn ubuntu_light() -> Result<Self, FontError> {
        FontRef::new(epaint_default_fonts::UBUNTU_LIGHT).map(|font| Self { font }).map_err(|e| FontError(e.to_string()))
    }

    fn glyphs(&self, text: &str) -> Vec<GlyphId> {
        let map = self.font.charmap();
        text.chars().map(|c| map.map(c).unwrap_or_default()).collect()
    }

    /// Advance width of `text` at `size_pt`, pt.
    pub fn width(&self, text: &str, size_pt: f32) -> f32 {
        let metrics = self.font.glyph_metrics(Size::new(size_pt), LocationRef::default());
        self.glyphs(text).into_iter().map(|g| metrics.advance_width(g).unwrap_or(size_pt * 0.5)).sum()
    }

    /// Height of capitals above the baseline at `size_pt`, pt.
    pub fn cap_height(&self, size_pt: f32) -> f32 {
        let m = self.font.metrics(Size::new(size_pt), LocationRef::default());
        m.cap_height.unwrap_or(size_pt * 0.7)
    }

    /// The outlines of `text` with its baseline at `y` (pt, y down), starting, centred or ending at `x`.
    pub fn path(&self, text: &str, size_pt: f32, x: f32, y: f32, anchor: Anchor) -> Path {
        let width = self.width(text, size_pt);
        let mut pen_x = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - width / 2.0,
            Anchor::End => x - width,
        };
        let size = Size::new(size_pt);
        let metrics = self.font.glyph_metrics(size, LocationRef::default());
        let outlines = self.font.outline_glyphs();
        let mut pen = Pen { path: Path::new(), dx: 0.0, dy: y };
        for g in self.glyphs(text) {
            if let Some(glyph) = outlines.get(g) {
                pen.dx = pen_x;
                // A glyph that cannot be drawn is left out; the text still reads.
                let _ = glyph.draw(DrawSettings::unhinted(size, LocationRef::default()), &mut pen);
            }
            pen_x += metrics.advance_width(g).unwrap_or(size_pt * 0.5);
        }
        pen.path
    }
}

/// Collects glyph outlines, moved to the pen position and flipped to y down.
struct Pen {
    path: Path,
    dx: f32,
    dy: f32,
}

impl OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.path.els.push(El::Move(self.dx + x, self.dy - y));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.path.els.push(El::Line(self.dx + x, self.dy - y));
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.path.els.push(El::Quad(self.dx + cx0, self.dy - cy0, self.dx + x, self.dy - y));
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        let (dx, dy) = (self.dx, self.dy);
        self.path.els.push(El::Cubic(dx + cx0, dy - cy0, dx + cx1, dy - cy1, dx + x, dy - y));
    }
    fn close(&mut self) {
        self.path.els.push(El::Close);
    }
}
