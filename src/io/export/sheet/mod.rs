//! The map sheet: a composed, printable map of the plan (title, plan name and date, legend, geodesic scale bar,
//! north arrow, graticule with labels, attribution, the sample-outposts note) drawn at a chosen size and DPI, as
//! PNG (tiny-skia) or PDF (pdf-writer, vector, text as glyph outlines). One layout draws to a small [`Canvas`]
//! trait with both backends, so the two files are the same picture; the window and `borderplan export -f png|pdf`
//! both call [`render`]. Headless: no window, GPU or network (no basemap tiles).
//!
//! Projection: equirectangular with longitudes scaled by cos(centre latitude), north up. The scale bar is
//! geodesic (WGS 84) at the sheet's centre latitude; across a 2° strip at 37° N the scale varies by under 3 %.

pub mod canvas;
mod furniture;
mod layout;
mod map;
pub mod text;

pub use layout::{Layout, Projection, ScaleBar};

use crate::io::bundled::BaseData;
use crate::io::layer::LayerFeature;
use crate::model::Plan;
use crate::model::palette::Rgb;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// Landscape paper presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Paper {
    A4,
    A3,
}

impl Paper {
    pub const ALL: [Paper; 2] = [Paper::A4, Paper::A3];

    /// Width and height in millimetres, landscape.
    pub fn size_mm(self) -> (f64, f64) {
        match self {
            Paper::A4 => (297.0, 210.0),
            Paper::A3 => (420.0, 297.0),
        }
    }

    /// Width and height in pixels at `dpi`.
    pub fn size_px(self, dpi: f64) -> (u32, u32) {
        let (w, h) = self.size_mm();
        ((w / 25.4 * dpi).round() as u32, (h / 25.4 * dpi).round() as u32)
    }

    pub fn label(self) -> &'static str {
        match self {
            Paper::A4 => "A4 landscape",
            Paper::A3 => "A3 landscape",
        }
    }
}

impl FromStr for Paper {
    type Err = SheetError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "a4" => Ok(Paper::A4),
            "a3" => Ok(Paper::A3),
            _ => Err(SheetError::BadPaper(s.to_owned())),
        }
    }
}

/// PNG or PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SheetFormat {
    Png,
    Pdf,
}

impl SheetFormat {
    pub fn extension(self) -> &'static str {
        match self {
            SheetFormat::Png => "png",
            SheetFormat::Pdf => "pdf",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SheetFormat::Png => "PNG image",
            SheetFormat::Pdf => "PDF (vector)",
        }
    }
    /// The format for a path's extension (png, pdf; any case).
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "png" => Some(SheetFormat::Png),
            "pdf" => Some(SheetFormat::Pdf),
            _ => None,
        }
    }
}

impl fmt::Display for SheetFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// An imported layer to draw on the sheet (under the plan).
#[derive(Debug, Clone)]
pub struct SheetLayer {
    pub name: String,
    pub color: Rgb,
    pub features: Arc<Vec<LayerFeature>>,
}

/// What to draw and how big.
#[derive(Debug, Clone)]
pub struct SheetOptions {
    pub width_px: u32,
    pub height_px: u32,
    /// Pixels per inch: sets the sheet's size in points (PDF page, text sizes) for a given pixel size.
    pub dpi: f64,
    /// The area to show [west, south, east, north] in degrees; the whole border when `None`. The map shows at
    /// least this box, widened to the frame's shape.
    pub bbox: Option<[f64; 4]>,
    /// The plan's file name, shown under the title.
    pub plan_name: Option<String>,
    /// The print date shown on the sheet ("2026-12-02 14:05 UTC").
    pub printed: String,
    /// Coverage and findings from line of sight instead of the range model.
    pub basis: Option<super::CoverageBasis>,
    pub layers: Vec<SheetLayer>,
}

impl SheetOptions {
    /// A sheet of `paper` at `dpi`, the whole border, printed now.
    pub fn paper(paper: Paper, dpi: f64) -> Self {
        let (width_px, height_px) = paper.size_px(dpi);
        Self {
            width_px,
            height_px,
            dpi,
            bbox: None,
            plan_name: None,
            printed: super::html::now_utc_label(),
            basis: None,
            layers: Vec::new(),
        }
    }

    /// Width and height in points (1/72 in).
    pub fn size_pt(&self) -> (f32, f32) {
        let k = 72.0 / self.dpi;
        ((f64::from(self.width_px) * k) as f32, (f64::from(self.height_px) * k) as f32)
    }
}

/// The largest sheet drawn, pixels (a 12,000 × 8,500 A3 at 720 DPI is about 100 million).
pub const MAX_PIXELS: u64 = 120_000_000;

#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error(
        "bad --bbox “{0}”: give west,south,east,north in degrees (e.g. 70.5,37.0,71.5,37.6), west < east, south < north"
    )]
    BadBbox(String),
    #[error("the box {0} does not meet the border, which spans {1}")]
    BboxOffBorder(String, String),
    #[error("bad --size “{0}”: give WIDTHxHEIGHT in pixels, each 200 to 20000 (e.g. 1754x1240)")]
    BadSize(String),
    #[error("bad --paper “{0}”: use a4 or a3")]
    BadPaper(String),
    #[error("bad --dpi {0}: use 36 to 1200")]
    BadDpi(String),
    #[error("a sheet of {0} × {1} pixels is too large (at most {MAX_PIXELS} pixels)")]
    TooLarge(u32, u32),
    #[error(transparent)]
    Font(#[from] text::FontError),
    #[error("cannot encode the PNG: {0}")]
    Png(String),
}

/// Reads "W,S,E,N" (degrees).
///
/// # Errors
/// [`SheetError::BadBbox`] when it is not four finite numbers with west < east and south < north, within ±180° /
/// ±85°.
pub fn parse_bbox(text: &str) -> Result<[f64; 4], SheetError> {
    let bad = || SheetError::BadBbox(text.to_owned());
    let parts: Vec<f64> =
        text.split(',').map(|p| p.trim().parse::<f64>().map_err(|_| bad())).collect::<Result<_, _>>()?;
    let [w, s, e, n] = <[f64; 4]>::try_from(parts).map_err(|_| bad())?;
    let lon_ok = |v: f64| v.is_finite() && (-180.0..=180.0).contains(&v);
    let lat_ok = |v: f64| v.is_finite() && (-85.0..=85.0).contains(&v);
    if !(lon_ok(w) && lon_ok(e) && lat_ok(s) && lat_ok(n)) || w >= e || s >= n {
        return Err(bad());
    }
    Ok([w, s, e, n])
}

/// Reads "WIDTHxHEIGHT" (pixels).
///
/// # Errors
/// [`SheetError::BadSize`] unless both are whole numbers from 200 to 20,000.
pub fn parse_size(text: &str) -> Result<(u32, u32), SheetError> {
    let bad = || SheetError::BadSize(text.to_owned());
    let (w, h) = text.trim().split_once(['x', 'X', '×']).ok_or_else(bad)?;
    let w: u32 = w.trim().parse().map_err(|_| bad())?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    if !(200..=20_000).contains(&w) || !(200..=20_000).contains(&h) {
        return Err(bad());
    }
    Ok((w, h))
}

fn check(plan: &Plan, options: &SheetOptions) -> Result<(), SheetError> {
    let (w, h) = (options.width_px, options.height_px);
    if w < 200 || h < 200 || w > 20_000 || h > 20_000 {
        return Err(SheetError::BadSize(format!("{w}x{h}")));
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(SheetError::TooLarge(w, h));
    }
    if !(36.0..=1200.0).contains(&options.dpi) {
        return Err(SheetError::BadDpi(options.dpi.to_string()));
    }
    if let Some([bw, bs, be, bn]) = options.bbox {
        let b = plan.border.bounds();
        let (min, max) = (b.min(), b.max());
        if be < min.x || bw > max.x || bn < min.y || bs > max.y {
            return Err(SheetError::BboxOffBorder(
                format!("{bw},{bs},{be},{bn}"),
                format!("{:.2}–{:.2}° E, {:.2}–{:.2}° N", min.x, max.x, min.y, max.y),
            ));
        }
    }
    Ok(())
}

/// Where everything goes on a sheet with these options (also what the tests measure).
///
/// # Errors
/// As [`render`], apart from encoding.
pub fn layout(plan: &Plan, options: &SheetOptions) -> Result<Layout, SheetError> {
    check(plan, options)?;
    Ok(Layout::new(plan, options))
}

/// Draws the sheet on `canvas`.
fn draw(
    plan: &Plan,
    base: Option<&BaseData>,
    options: &SheetOptions,
    canvas: &mut dyn canvas::Canvas,
) -> Result<Layout, SheetError> {
    let layout = layout(plan, options)?;
    let font = text::Font::ubuntu_light()?;
    let content = map::Content::of(plan, options);
    map::draw(&layout, &content, plan, base, options, &font, canvas);
    furniture::draw(&layout, &content, plan, base, options, &font, canvas);
    Ok(layout)
}

/// The sheet as PNG or PDF bytes.
///
/// # Errors
/// [`SheetError::BadSize`] / [`SheetError::TooLarge`] / [`SheetError::BadDpi`] for a size out of range,
/// [`SheetError::BboxOffBorder`] when the box misses the border, [`SheetError::Png`] when encoding fails.
pub fn render(
    plan: &Plan,
    base: Option<&BaseData>,
    options: &SheetOptions,
    format: SheetFormat,
) -> Result<Vec<u8>, SheetError> {
    match format {
        SheetFormat::Png => render_png(plan, base, options),
        SheetFormat::Pdf => render_pdf(plan, base, options),
    }
}

fn render_png(plan: &Plan, base: Option<&BaseData>, options: &SheetOptions) -> Result<Vec<u8>, SheetError> {
    check(plan, options)?;
    let px_per_pt = (options.dpi / 72.0) as f32;
    let mut raster = canvas::Raster::new(options.width_px, options.height_px, px_per_pt)
        .ok_or(SheetError::TooLarge(options.width_px, options.height_px))?;
    draw(plan, base, options, &mut raster)?;
    let (w, h) = (raster.pixmap.width(), raster.pixmap.height());
    // Every pixel is opaque (white paper first), so the premultiplied data is plain RGBA.
    let img = image::RgbaImage::from_raw(w, h, raster.pixmap.take())
        .ok_or_else(|| SheetError::Png("pixel buffer size".into()))?;
    let mut bytes = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .to_rgb8()
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .map_err(|e| SheetError::Png(e.to_string()))?;
    Ok(bytes)
}

fn render_pdf(plan: &Plan, base: Option<&BaseData>, options: &SheetOptions) -> Result<Vec<u8>, SheetError> {
    use pdf_writer::{Finish, Name, Pdf, Rect, Ref, TextStr};
    let (w, h) = options.size_pt();
    let mut page_canvas = canvas::Pdf::new(h);
    draw(plan, base, options, &mut page_canvas)?;
    canvas::Canvas::clip(&mut page_canvas, None);
    let (catalog, tree, page, content, info) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5));
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.media_box(Rect::new(0.0, 0.0, w, h));
    p.parent(tree);
    p.contents(content);
    p.finish();
    let data = page_canvas.content.finish();
    let packed = compress(&data);
    pdf.stream(content, &packed).filter(pdf_writer::Filter::FlateDecode);
    let title = if plan.meta.title.trim().is_empty() { "Rollout plan map sheet" } else { plan.meta.title.trim() };
    let mut i = pdf.document_info(info);
    i.title(TextStr(title));
    i.creator(TextStr("borderplan"));
    i.pair(Name(b"Subject"), TextStr("Tajikistan–Afghanistan border equipment rollout: map sheet"));
    i.finish();
    Ok(pdf.finish())
}

/// zlib-compresses a content stream (the border and glyph outlines shrink about fivefold).
fn compress(data: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut z = flate2::write::ZlibEncoder::new(Vec::with_capacity(data.len() / 4), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = z.write_all(data);
    z.finish().unwrap_or_default()
}
