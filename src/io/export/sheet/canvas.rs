//! The small drawing surface the sheet is composed on, with two backends: a raster one (tiny-skia, for PNG) and
//! a vector one (pdf-writer, for PDF). Coordinates are points (1/72 in) from the sheet's top-left corner, y down.

use crate::model::palette::Rgb;

/// One element of a path, in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum El {
    Move(f32, f32),
    Line(f32, f32),
    Quad(f32, f32, f32, f32),
    Cubic(f32, f32, f32, f32, f32, f32),
    Close,
}

/// A path: subpaths of lines and curves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Path {
    pub els: Vec<El>,
}

impl Path {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn move_to(&mut self, x: f32, y: f32) {
        self.els.push(El::Move(x, y));
    }
    pub fn line_to(&mut self, x: f32, y: f32) {
        self.els.push(El::Line(x, y));
    }
    pub fn close(&mut self) {
        self.els.push(El::Close);
    }
    pub fn is_empty(&self) -> bool {
        self.els.len() < 2
    }
    /// A polyline (open) or polygon ring (closed) through `pts`.
    pub fn poly(&mut self, pts: &[(f32, f32)], closed: bool) {
        let mut it = pts.iter();
        let Some(&(x, y)) = it.next() else { return };
        self.move_to(x, y);
        for &(x, y) in it {
            self.line_to(x, y);
        }
        if closed {
            self.close();
        }
    }
    pub fn rect(x: f32, y: f32, w: f32, h: f32) -> Self {
        let mut p = Self::new();
        p.poly(&[(x, y), (x + w, y), (x + w, y + h), (x, y + h)], true);
        p
    }
    /// A circle of radius `r` (four cubic arcs).
    pub fn circle(cx: f32, cy: f32, r: f32) -> Self {
        const K: f32 = 0.552_284_8;
        let k = K * r;
        let mut p = Self::new();
        p.move_to(cx + r, cy);
        p.els.push(El::Cubic(cx + r, cy + k, cx + k, cy + r, cx, cy + r));
        p.els.push(El::Cubic(cx - k, cy + r, cx - r, cy + k, cx - r, cy));
        p.els.push(El::Cubic(cx - r, cy - k, cx - k, cy - r, cx, cy - r));
        p.els.push(El::Cubic(cx + k, cy - r, cx + r, cy - k, cx + r, cy));
        p.close();
        p
    }
}

/// How a line is stroked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    pub width_pt: f32,
    /// Round caps and joins (otherwise butt caps, miter joins).
    pub round: bool,
    /// Dash and gap lengths, pt.
    pub dash: Option<(f32, f32)>,
}

impl Line {
    pub fn round(width_pt: f32) -> Self {
        Self { width_pt, round: true, dash: None }
    }
    pub fn butt(width_pt: f32) -> Self {
        Self { width_pt, round: false, dash: None }
    }
}

/// What the sheet is drawn on.
pub trait Canvas {
    fn fill(&mut self, path: &Path, color: Rgb);
    fn stroke(&mut self, path: &Path, color: Rgb, line: Line);
    /// Clips what follows to a rectangle (x, y, w, h in pt), or stops clipping.
    fn clip(&mut self, rect: Option<[f32; 4]>);
}

// ---- raster ----

/// Draws into a tiny-skia pixmap, `px_per_pt` pixels per point.
pub struct Raster {
    pub pixmap: tiny_skia::Pixmap,
    px_per_pt: f32,
    mask: Option<tiny_skia::Mask>,
}

impl Raster {
    /// A white pixmap of `width_px` × `height_px`; `None` when a side is zero or too large to allocate.
    pub fn new(width_px: u32, height_px: u32, px_per_pt: f32) -> Option<Self> {
        let mut pixmap = tiny_skia::Pixmap::new(width_px, height_px)?;
        pixmap.fill(tiny_skia::Color::WHITE);
        Some(Self { pixmap, px_per_pt, mask: None })
    }

    fn path(&self, path: &Path) -> Option<tiny_skia::Path> {
        let k = self.px_per_pt;
        let mut b = tiny_skia::PathBuilder::with_capacity(path.els.len(), path.els.len());
        for el in &path.els {
            match *el {
                El::Move(x, y) => b.move_to(x * k, y * k),
                El::Line(x, y) => b.line_to(x * k, y * k),
                El::Quad(x1, y1, x, y) => b.quad_to(x1 * k, y1 * k, x * k, y * k),
                El::Cubic(x1, y1, x2, y2, x, y) => b.cubic_to(x1 * k, y1 * k, x2 * k, y2 * k, x * k, y * k),
                El::Close => b.close(),
            }
        }
        b.finish()
    }
}

fn paint(color: Rgb) -> tiny_skia::Paint<'static> {
    let mut p = tiny_skia::Paint::default();
    p.set_color_rgba8(color[0], color[1], color[2], 255);
    p.anti_alias = true;
    p
}

impl Canvas for Raster {
    fn fill(&mut self, path: &Path, color: Rgb) {
        if let Some(p) = self.path(path) {
            self.pixmap.fill_path(
                &p,
                &paint(color),
                tiny_skia::FillRule::Winding,
                tiny_skia::Transform::identity(),
                self.mask.as_ref(),
            );
        }
    }

    fn stroke(&mut self, path: &Path, color: Rgb, line: Line) {
        let Some(p) = self.path(path) else { return };
        let k = self.px_per_pt;
        let mut stroke = tiny_skia::Stroke { width: (line.width_pt * k).max(0.3), ..Default::default() };
        if line.round {
            stroke.line_cap = tiny_skia::LineCap::Round;
            stroke.line_join = tiny_skia::LineJoin::Round;
        }
        if let Some((on, off)) = line.dash {
            stroke.dash = tiny_skia::StrokeDash::new(vec![on * k, off * k], 0.0);
        }
        self.pixmap.stroke_path(&p, &paint(color), &stroke, tiny_skia::Transform::identity(), self.mask.as_ref());
    }

    fn clip(&mut self, rect: Option<[f32; 4]>) {
        self.mask = rect.and_then(|[x, y, w, h]| {
            let k = self.px_per_pt;
            let mut mask = tiny_skia::Mask::new(self.pixmap.width(), self.pixmap.height())?;
            let r = tiny_skia::Rect::from_xywh(x * k, y * k, w * k, h * k)?;
            mask.fill_path(
                &tiny_skia::PathBuilder::from_rect(r),
                tiny_skia::FillRule::Winding,
                true,
                tiny_skia::Transform::identity(),
            );
            Some(mask)
        });
    }
}

// ---- PDF ----

/// Collects PDF content-stream operators for a page `height_pt` tall (PDF's y axis points up).
pub struct Pdf {
    pub content: pdf_writer::Content,
    height_pt: f32,
    clipped: bool,
}

impl Pdf {
    pub fn new(height_pt: f32) -> Self {
        Self { content: pdf_writer::Content::new(), height_pt, clipped: false }
    }

    fn path(&mut self, path: &Path) {
        let h = self.height_pt;
        let c = &mut self.content;
        let mut last = (0.0_f32, 0.0_f32);
        for el in &path.els {
            match *el {
                El::Move(x, y) => {
                    c.move_to(x, h - y);
                    last = (x, y);
                }
                El::Line(x, y) => {
                    c.line_to(x, h - y);
                    last = (x, y);
                }
                El::Quad(x1, y1, x, y) => {
                    // The quadratic as the cubic with control points two thirds of the way to (x1, y1).
                    let (ax, ay) = (last.0 + 2.0 / 3.0 * (x1 - last.0), last.1 + 2.0 / 3.0 * (y1 - last.1));
                    let (bx, by) = (x + 2.0 / 3.0 * (x1 - x), y + 2.0 / 3.0 * (y1 - y));
                    c.cubic_to(ax, h - ay, bx, h - by, x, h - y);
                    last = (x, y);
                }
                El::Cubic(x1, y1, x2, y2, x, y) => {
                    c.cubic_to(x1, h - y1, x2, h - y2, x, h - y);
                    last = (x, y);
                }
                El::Close => {
                    c.close_path();
                }
            }
        }
    }
}

fn unit(color: Rgb) -> (f32, f32, f32) {
    (f32::from(color[0]) / 255.0, f32::from(color[1]) / 255.0, f32::from(color[2]) / 255.0)
}

impl Canvas for Pdf {
    fn fill(&mut self, path: &Path, color: Rgb) {
        if path.is_empty() {
            return;
        }
        let (r, g, b) = unit(color);
        self.content.set_fill_rgb(r, g, b);
        self.path(path);
        self.content.fill_nonzero();
    }

    fn stroke(&mut self, path: &Path, color: Rgb, line: Line) {
        if path.is_empty() {
            return;
        }
        let (r, g, b) = unit(color);
        let c = &mut self.content;
        c.set_stroke_rgb(r, g, b);
        c.set_line_width(line.width_pt);
        if line.round {
            c.set_line_cap(pdf_writer::types::LineCapStyle::RoundCap);
            c.set_line_join(pdf_writer::types::LineJoinStyle::RoundJoin);
        } else {
            c.set_line_cap(pdf_writer::types::LineCapStyle::ButtCap);
            c.set_line_join(pdf_writer::types::LineJoinStyle::MiterJoin);
        }
        match line.dash {
            Some((on, off)) => c.set_dash_pattern([on, off], 0.0),
            None => c.set_dash_pattern([], 0.0),
        };
        self.path(path);
        self.content.stroke();
    }

    fn clip(&mut self, rect: Option<[f32; 4]>) {
        if self.clipped {
            self.content.restore_state();
            self.clipped = false;
        }
        if let Some([x, y, w, h]) = rect {
            let top = self.height_pt;
            self.content.save_state();
            self.content.rect(x, top - y - h, w, h);
            self.content.clip_nonzero();
            self.content.end_path();
            self.clipped = true;
        }
    }
}
