//! Rasterising a projected layer for one view. With [`Detail::Pixels`] the work follows the pixels, not the
//! vertices: parts whose extent is off the picture are skipped whole; a line segment of at most one pixel step
//! whose pixels already have its colour is not drawn again (thin brushes: exactly the same picture); for fills
//! and wide brushes a vertex within half a pixel of the last one kept is dropped (the first and last vertex of a
//! line and of a ring are kept, and a ring that would drop below three distinct points keeps all of its own), so
//! fills differ from [`Detail::Full`] by at most a pixel along some edges.

use super::{Kind, Look, ProjectedLayer, View};
use egui::{Color32, ColorImage};

/// A vertex closer than this (in pixels, along both axes) to the last drawn one is dropped.
const HALF_PX: f64 = 0.5;

/// How much of a layer's detail is drawn.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Detail {
    /// Every vertex, every segment (the reference picture).
    Full,
    /// Only what changes pixels (see the module text).
    Pixels,
}

/// What a rasterisation did, to show that its cost follows pixels.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct RasterStats {
    /// Vertices of the line and ring parts whose extent touches the picture.
    pub vertices_in_view: usize,
    /// Line segments drawn.
    pub segments_drawn: usize,
    /// Ring vertices handed to the polygon fill.
    pub ring_vertices_filled: usize,
}

/// Rasterises the layer for a view into an image of `view.size` pixels, drawing only what changes pixels.
pub fn rasterize(p: &ProjectedLayer, view: View, look: Look) -> ColorImage {
    rasterize_with(p, view, look, Detail::Pixels).0
}

/// Rasterises the layer for a view at the given detail, with what it cost.
pub fn rasterize_with(p: &ProjectedLayer, view: View, look: Look, detail: Detail) -> (ColorImage, RasterStats) {
    let [w, h] = view.size;
    let mut img = ColorImage::filled([w, h], Color32::TRANSPARENT);
    let mut stats = RasterStats::default();
    let ox = view.center[0] - w as f64 / 2.0;
    let oy = view.center[1] - h as f64 / 2.0;
    let k = view.world_px;
    let to_px = |n: [f64; 2]| [n[0] * k - ox, n[1] * k - oy];
    let simple = detail == Detail::Pixels;
    // Whether a part's extent, widened by `margin_px`, touches the picture.
    let in_view = |bbox: [f64; 4], margin_px: f64| {
        let [x0, y0] = to_px([bbox[0], bbox[1]]);
        let [x1, y1] = to_px([bbox[2], bbox[3]]);
        x1 >= -margin_px && y1 >= -margin_px && x0 < w as f64 + margin_px && y0 < h as f64 + margin_px
    };
    let alpha = (look.opacity.clamp(0.0, 1.0) * 255.0) as u8;
    let paint = |c: Option<[u8; 3]>| {
        let c = c.unwrap_or(look.color);
        Color32::from_rgba_unmultiplied(c[0], c[1], c[2], alpha)
    };
    // Fills first, blended, so that outlines and points stay crisp on top.
    let mut scratch = FillScratch::default();
    for fill in &p.fills {
        let opacity = (fill.opacity.unwrap_or(0.2) * look.opacity).clamp(0.0, 1.0);
        if opacity <= 0.0 {
            continue;
        }
        let rings = p.parts.get(fill.first_ring as usize..fill.ring_end as usize).unwrap_or(&[]);
        if simple && !rings.first().is_some_and(|shell| in_view(shell.bbox, 1.0)) {
            continue;
        }
        let c = fill.color.unwrap_or(look.color);
        let color = Color32::from_rgba_unmultiplied(c[0], c[1], c[2], (opacity * 255.0) as u8);
        scratch.pts.clear();
        scratch.ring_ends.clear();
        for part in rings {
            let ring = &p.xy[part.start as usize..part.end as usize];
            let first = scratch.pts.len();
            if simple {
                push_simplified(&mut scratch.pts, ring.iter().map(|n| to_px(*n)));
                // A ring that collapsed below three distinct points keeps all of its own: it never vanishes.
                if scratch.pts.len() - first < 4 && ring.len() >= 4 {
                    scratch.pts.truncate(first);
                    scratch.pts.extend(ring.iter().map(|n| to_px(*n)));
                }
            } else {
                scratch.pts.extend(ring.iter().map(|n| to_px(*n)));
            }
            scratch.ring_ends.push(scratch.pts.len());
        }
        stats.ring_vertices_filled += scratch.pts.len();
        fill_scratch(&mut img, &mut scratch, color);
    }
    for part in &p.parts {
        let pts = &p.xy[part.start as usize..part.end as usize];
        let color = paint(part.color);
        match part.kind {
            Kind::Point => {
                let half = part.size.unwrap_or(1.5);
                for n in pts {
                    let [x, y] = to_px(*n);
                    fill_square(&mut img, x as f32, y as f32, half, color);
                }
            }
            Kind::Line => {
                let brush = part.size.unwrap_or(look.width_px).clamp(1.0, 8.0);
                if simple && !in_view(part.bbox, f64::from(brush) + 1.0) {
                    continue;
                }
                stats.vertices_in_view += pts.len();
                // Thin brushes paint known pixels per step, so a segment that would only repaint can be skipped.
                let skip_repaint = simple && brush <= 2.5;
                let thick = brush > 1.0;
                let mut prev: Option<[f64; 2]> = None;
                for (i, n) in pts.iter().enumerate() {
                    let q = to_px(*n);
                    let Some(a) = prev else {
                        prev = Some(q);
                        continue;
                    };
                    // Wide brushes cover the dropped vertex anyway; thin ones skip exactly instead (below).
                    if simple
                        && !skip_repaint
                        && i + 1 < pts.len()
                        && (q[0] - a[0]).abs() < HALF_PX
                        && (q[1] - a[1]).abs() < HALF_PX
                    {
                        continue;
                    }
                    let (a32, q32) = ((a[0] as f32, a[1] as f32), (q[0] as f32, q[1] as f32));
                    if !(skip_repaint && only_repaints(&img, a32, q32, thick, color))
                        && draw_line(&mut img, a32, q32, brush, color)
                    {
                        stats.segments_drawn += 1;
                    }
                    prev = Some(q);
                }
            }
        }
    }
    (img, stats)
}

/// Appends a ring's or line's pixel positions, dropping those within half a pixel of the last kept one; the first
/// and the last are always kept (a closed ring stays closed).
fn push_simplified(out: &mut Vec<[f64; 2]>, pts: impl ExactSizeIterator<Item = [f64; 2]>) {
    let n = pts.len();
    let mut last: Option<[f64; 2]> = None;
    for (i, q) in pts.enumerate() {
        if let Some(a) = last
            && i + 1 < n
            && (q[0] - a[0]).abs() < HALF_PX
            && (q[1] - a[1]).abs() < HALF_PX
        {
            continue;
        }
        out.push(q);
        last = Some(q);
    }
}

/// Whether drawing the segment `a`–`b` with a thin brush would leave the picture as it is: the segment spans at
/// most one pixel step (so `draw_line` paints exactly its two ends) and those pixels already have colour `c`.
fn only_repaints(img: &ColorImage, a: (f32, f32), b: (f32, f32), thick: bool, c: Color32) -> bool {
    let steps = (b.0 - a.0).abs().max((b.1 - a.1).abs()).ceil();
    if steps > 1.0 {
        return false;
    }
    let [w, h] = img.size;
    let (wf, hf) = (w as f32, h as f32);
    // The positions `draw_line` visits: the start and, for one step, the start plus the step.
    let ends = [a, if steps == 0.0 { a } else { (a.0 + (b.0 - a.0), a.1 + (b.1 - a.1)) }];
    ends.iter().all(|&(x, y)| {
        if !(x >= 0.0 && y >= 0.0 && x < wf && y < hf) {
            return true;
        }
        let (xi, yi) = (x as usize, y as usize);
        let i = yi * w + xi;
        img.pixels[i] == c
            && (!thick || ((xi + 1 >= w || img.pixels[i + 1] == c) && (yi + 1 >= h || img.pixels[i + w] == c)))
    })
}

/// Buffers reused from one polygon to the next.
#[derive(Default)]
struct FillScratch {
    /// The polygon's rings in pixels, one after the other.
    pts: Vec<[f64; 2]>,
    /// Where each ring ends in `pts`.
    ring_ends: Vec<usize>,
    /// Edges as (y_top, y_bottom, x at y_top, dx per unit y).
    edges: Vec<(f64, f64, f64, f64)>,
    active: Vec<usize>,
    xs: Vec<f64>,
}

/// Fills the inside of `rings` (even-odd rule: holes stay empty) at pixel centres, blending `c` over the image.
#[cfg(test)]
pub(super) fn fill_rings(
    img: &mut ColorImage,
    rings: &[&[[f64; 2]]],
    to_px: impl Fn([f64; 2]) -> [f64; 2],
    c: Color32,
) {
    let mut scratch = FillScratch::default();
    for ring in rings {
        scratch.pts.extend(ring.iter().map(|n| to_px(*n)));
        scratch.ring_ends.push(scratch.pts.len());
    }
    fill_scratch(img, &mut scratch, c);
}

/// Fills the rings in `s.pts` (pixels) like [`fill_rings`].
fn fill_scratch(img: &mut ColorImage, s: &mut FillScratch, c: Color32) {
    let [w, h] = img.size;
    s.edges.clear();
    let (mut x_min, mut x_max) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut ring_start = 0;
    for &ring_end in &s.ring_ends {
        let pts = &s.pts[ring_start..ring_end];
        ring_start = ring_end;
        for (i, a) in pts.iter().enumerate() {
            // Rings are closed in GeoJSON; the wrap-around edge closes one that is not.
            let b = pts[(i + 1) % pts.len()];
            x_min = x_min.min(a[0]);
            x_max = x_max.max(a[0]);
            if a[1] == b[1] {
                continue;
            }
            let (top, bottom) = if a[1] < b[1] { (*a, b) } else { (b, *a) };
            s.edges.push((top[1], bottom[1], top[0], (bottom[0] - top[0]) / (bottom[1] - top[1])));
        }
    }
    if s.edges.is_empty() || x_max < 0.0 || x_min >= w as f64 {
        return;
    }
    s.edges.sort_by(|a, b| a.0.total_cmp(&b.0));
    let edges = &s.edges;
    let y_first = edges[0].0;
    let y_last = edges.iter().map(|e| e.1).fold(f64::NEG_INFINITY, f64::max);
    if y_last < 0.0 || y_first >= h as f64 {
        return;
    }
    // Rows whose centre lies within the polygon's vertical extent.
    let row_first = (y_first - 0.5).ceil().max(0.0) as usize;
    let row_end = ((y_last - 0.5).ceil().max(0.0) as usize).min(h);
    let mut next = 0;
    s.active.clear();
    for row in row_first..row_end {
        let yc = row as f64 + 0.5;
        while next < edges.len() && edges[next].0 <= yc {
            s.active.push(next);
            next += 1;
        }
        // An edge counts on [top, bottom): a vertex shared by two edges is crossed once.
        s.active.retain(|&e| edges[e].1 > yc);
        s.xs.clear();
        s.xs.extend(s.active.iter().map(|&e| edges[e].2 + (yc - edges[e].0) * edges[e].3));
        s.xs.sort_by(f64::total_cmp);
        for span in s.xs.chunks_exact(2) {
            // Pixels whose centre is inside [span[0], span[1]).
            let x0 = (span[0] - 0.5).ceil().max(0.0) as usize;
            let x1 = ((span[1] - 0.5).ceil().max(0.0) as usize).min(w);
            let line = &mut img.pixels[row * w..(row + 1) * w];
            for px in line.iter_mut().take(x1).skip(x0) {
                *px = px.blend(c);
            }
        }
    }
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

/// A line with a square brush; segments entirely off the image are skipped (then it returns false).
fn draw_line(img: &mut ColorImage, a: (f32, f32), b: (f32, f32), brush: f32, c: Color32) -> bool {
    let [w, h] = img.size;
    let (wf, hf) = (w as f32, h as f32);
    if (a.0 < 0.0 && b.0 < 0.0) || (a.1 < 0.0 && b.1 < 0.0) || (a.0 >= wf && b.0 >= wf) || (a.1 >= hf && b.1 >= hf) {
        return false;
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
    true
}
