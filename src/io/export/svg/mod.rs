//! A static SVG map of the plan for reports: provinces, rivers, the border, segments coloured by stage, stage-3
//! coverage gaps, outposts, a few towns, km ticks, a legend and a scale bar. The same drawing serves the report's
//! whole-border map and the map strip of each section sheet (one chainage window, the rest of the border faded).
//!
//! Projection: equirectangular with longitudes scaled by cos(mean latitude), fitted to the bounding box of the
//! border (or of the window's stretch of it) plus a margin. Good enough for a strip of 7° × 2° at 37° N (scale
//! error well under 2 %).
//!
//! Labels are placed greedily: km numbers first, then outpost names, towns and country names, each at the first
//! of a few candidate spots whose box is free of every label and marker already placed. Boxes are measured with
//! DejaVu Sans advance widths (wider than Helvetica or Arial), so they hold the text whichever of them renders.

use super::{escape_xml, fmt_trim};
use crate::io::bundled::BaseData;
use crate::model::palette::{BORDER, GAP, Rgb, STAGE2, STAGE3, hex, stage_rgb};
use crate::model::{Plan, Side, Target};
use geo::{BoundingRect, Contains, LineString, Point};
use std::fmt::Write as _;

mod labels;
pub(crate) use labels::text_width;
use labels::{Anchor, KmLabel, Taken, place_km_labels, place_names, text_box, text_el};

/// Kilometres per degree of latitude (mean).
const KM_PER_DEGREE: f64 = 111.32;
/// Height of the legend strip under the map, px.
const LEGEND_H: f64 = 46.0;
const RIVER: Rgb = [0x5B, 0x9B, 0xD5];
const LAND_TJ: &str = "#f2ecdb";
const LAND_AF: &str = "#e6dfcc";
const PROVINCE_EDGE: &str = "#b8b0a0";
const FONT: &str = "font-family=\"Helvetica, Arial, sans-serif\"";
/// Opacity of what a section sheet's map shows outside its window.
const CONTEXT_OPACITY: &str = "0.3";
/// How far past the map's edge geometry is kept (wide enough for the gap band's round caps), px.
const CLIP_PAD: f64 = 20.0;

/// A rectangle in px: [x0, y0, x1, y1].
type Rect = [f64; 4];
/// A stretch of chainage, km: (from, to).
type Span = (f64, f64);

struct Projection {
    min_lon: f64,
    max_lat: f64,
    k: f64,
    scale: f64,
    ox: f64,
    oy: f64,
}

impl Projection {
    /// Fits the box [w, s, e, n] (with a margin) into `width` × `height` px, centred.
    fn fit(bbox: [f64; 4], width: f64, height: f64) -> Self {
        let [w, s, e, n] = bbox;
        let margin_x = ((e - w) * 0.05).max(0.05);
        let margin_y = ((n - s) * 0.12).max(0.05);
        Self::fit_px([w - margin_x, s - margin_y, e + margin_x, n + margin_y], width, height, 0.0)
    }
    /// Fits the box [w, s, e, n] into `width` × `height` px less `pad` px on every side, centred.
    fn fit_px(bbox: [f64; 4], width: f64, height: f64, pad: f64) -> Self {
        let [w, s, e, n] = bbox;
        let k = (0.5 * (s + n)).to_radians().cos().max(0.01);
        let span_x = ((e - w) * k).max(1e-9);
        let span_y = (n - s).max(1e-9);
        let scale = ((width - 2.0 * pad).max(1.0) / span_x).min((height - 2.0 * pad).max(1.0) / span_y);
        let ox = 0.5 * (width - span_x * scale);
        let oy = 0.5 * (height - span_y * scale);
        Self { min_lon: w, max_lat: n, k, scale, ox, oy }
    }
    fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        (self.ox + (lon - self.min_lon) * self.k * self.scale, self.oy + (self.max_lat - lat) * self.scale)
    }
    fn lon_lat(&self, x: f64, y: f64) -> (f64, f64) {
        (self.min_lon + (x - self.ox) / (self.k * self.scale), self.max_lat - (y - self.oy) / self.scale)
    }
    fn px_per_km(&self) -> f64 {
        self.scale / KM_PER_DEGREE
    }
}

// ---- geometry to path data, cut to the map ----

/// SVG path data for projected points, to 0.1 px, without repeated points; empty for fewer than 2 points.
fn d_of(pts: &[(f64, f64)], close: bool) -> String {
    let mut d = String::new();
    let mut last: Option<(i64, i64)> = None;
    let mut n = 0;
    for &(x, y) in pts {
        let key = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
        if last == Some(key) {
            continue;
        }
        let _ = write!(d, "{}{} {} ", if n == 0 { "M" } else { "L" }, fmt_trim(x, 1), fmt_trim(y, 1));
        last = Some(key);
        n += 1;
    }
    if n < 2 {
        return String::new();
    }
    if close {
        d.push('Z');
    }
    d.trim_end().to_owned()
}

/// A ring clipped to `r` (Sutherland–Hodgman): what shows inside `r` is unchanged, and a province far larger
/// than a section sheet's window costs a few points instead of thousands.
fn clip_ring(pts: &[(f64, f64)], r: Rect) -> Vec<(f64, f64)> {
    let mut out = pts.to_vec();
    // (axis, bound, keep when the coordinate is at least the bound)
    for (axis, bound, keep_ge) in [(0, r[0], true), (0, r[2], false), (1, r[1], true), (1, r[3], false)] {
        if out.is_empty() {
            break;
        }
        let coord = |p: (f64, f64)| if axis == 0 { p.0 } else { p.1 };
        let inside = |p: (f64, f64)| if keep_ge { coord(p) >= bound } else { coord(p) <= bound };
        let input = std::mem::take(&mut out);
        let mut prev = input[input.len() - 1];
        for &cur in &input {
            if inside(cur) != inside(prev) {
                let t = (bound - coord(prev)) / (coord(cur) - coord(prev));
                out.push((prev.0 + t * (cur.0 - prev.0), prev.1 + t * (cur.1 - prev.1)));
            }
            if inside(cur) {
                out.push(cur);
            }
            prev = cur;
        }
    }
    out
}

/// The runs of a polyline whose edges come near `r` (edges wholly outside are dropped).
fn runs(pts: impl Iterator<Item = (f64, f64)>, r: Rect) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    let mut prev: Option<(f64, f64)> = None;
    for p in pts {
        if let Some(q) = prev {
            let near = p.0.max(q.0) >= r[0] && p.0.min(q.0) <= r[2] && p.1.max(q.1) >= r[1] && p.1.min(q.1) <= r[3];
            if near {
                if cur.is_empty() {
                    cur.push(q);
                }
                cur.push(p);
            } else if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
        prev = Some(p);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Path data for a lon/lat line, cut to `r`.
fn line_d(proj: &Projection, l: &LineString<f64>, r: Rect) -> String {
    runs(l.0.iter().map(|c| proj.xy(c.x, c.y)), r)
        .iter()
        .map(|run| d_of(run, false))
        .filter(|d| !d.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A legend line swatch with `{X}`, `{X2}` and `{Y}` placeholders.
fn legend_line(c: Rgb, w: f64, extra: &str) -> String {
    format!(
        "<line x1=\"{{X}}\" y1=\"{{Y}}\" x2=\"{{X2}}\" y2=\"{{Y}}\" stroke=\"{}\" stroke-width=\"{w}\"{extra}/>",
        hex(c)
    )
}

// ---- entry points ----

/// The map as a standalone SVG document (with the SVG namespace).
pub fn plan_map_svg(plan: &Plan, base: Option<&BaseData>, width_px: u32, height_px: u32) -> String {
    let gaps = super::stage3_gaps(plan, None);
    render(plan, base, &View { width_px, height_px, standalone: true, gaps: &gaps, window: None, id: "map" })
}

/// The map as an `<svg>` element for inlining in HTML (no namespace URL: HTML5 does not need it).
pub(crate) fn plan_map_svg_inline(
    plan: &Plan,
    base: Option<&BaseData>,
    width_px: u32,
    height_px: u32,
    gaps: &[(f64, f64)],
) -> String {
    render(plan, base, &View { width_px, height_px, standalone: false, gaps, window: None, id: "map" })
}

/// The map strip of a section sheet: the border between the chainages `window` fitted to the strip, with ticks
/// every few km, the names of the outposts in the window and the rest of the border faded. `id` prefixes the
/// element ids, so it must be unique in the document. Inline (no namespace URL).
pub(crate) fn window_map_svg_inline(
    plan: &Plan,
    base: Option<&BaseData>,
    window: (f64, f64),
    width_px: u32,
    height_px: u32,
    gaps: &[(f64, f64)],
    id: &str,
) -> String {
    render(plan, base, &View { width_px, height_px, standalone: false, gaps, window: Some(window), id })
}

struct View<'a> {
    width_px: u32,
    height_px: u32,
    standalone: bool,
    /// Stage-3 coverage gaps, km.
    gaps: &'a [(f64, f64)],
    /// The chainage window of a section sheet; `None` for the whole border.
    window: Option<(f64, f64)>,
    /// Prefix of the element ids.
    id: &'a str,
}

/// Tick and label spacing in km for a section strip: labels at least ~60 px apart, ticks at least ~12 px.
fn tick_steps(px_per_km: f64) -> (f64, f64) {
    const STEPS: [f64; 10] = [1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 500.0];
    let label = STEPS.into_iter().find(|s| s * px_per_km >= 60.0).unwrap_or(500.0);
    let tick = [label / 5.0, label / 2.0].into_iter().find(|s| s * px_per_km >= 12.0).unwrap_or(label);
    (tick, label)
}

/// The point at `km` and the unit normal there pointing up the map (north side), px.
fn normal_at(plan: &Plan, proj: &Projection, km: f64) -> ((f64, f64), (f64, f64)) {
    let length = plan.border.length_km();
    let p = plan.border.point_at_km(km);
    let p0 = plan.border.point_at_km((km - 1.0).max(0.0));
    let p1 = plan.border.point_at_km((km + 1.0).min(length));
    let (x, y) = proj.xy(p.x(), p.y());
    let (x0, y0) = proj.xy(p0.x(), p0.y());
    let (x1, y1) = proj.xy(p1.x(), p1.y());
    let (dx, dy) = (x1 - x0, y1 - y0);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (mut nx, mut ny) = (-dy / len, dx / len);
    if ny > 0.0 {
        nx = -nx;
        ny = -ny;
    }
    ((x, y), (nx, ny))
}

/// The parts of [a, b] inside and outside the window [wa, wb].
fn split_by_window(a: f64, b: f64, wa: f64, wb: f64) -> (Option<Span>, Vec<Span>) {
    let inside = (a.max(wa), b.min(wb));
    let inside = (inside.1 - inside.0 > 1e-9).then_some(inside);
    let outside = [(a, b.min(wa)), (a.max(wb), b)].into_iter().filter(|(x, y)| y - x > 1e-9).collect();
    (inside, outside)
}

fn render(plan: &Plan, base: Option<&BaseData>, v: &View) -> String {
    let width = f64::from(v.width_px.max(200));
    let height = f64::from(v.height_px.max(150));
    let map_h = height - LEGEND_H;
    let length = plan.border.length_km();
    let whole = v.window.is_none();
    let (wa, wb) = v.window.map_or((0.0, length), |(a, b)| (a.min(b).max(0.0), a.max(b).min(length)));
    let bbox = if whole {
        let b = plan.border.bounds();
        [b.min().x, b.min().y, b.max().x, b.max().y]
    } else {
        let part = plan.border.substring(wa, wb);
        let mut bb = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for c in &part.0 {
            bb = [bb[0].min(c.x), bb[1].min(c.y), bb[2].max(c.x), bb[3].max(c.y)];
        }
        bb
    };
    // A strip leaves room around its window's stretch for km numbers and names; the whole border gets a margin.
    let proj = if whole { Projection::fit(bbox, width, map_h) } else { Projection::fit_px(bbox, width, map_h, 30.0) };
    let clip: Rect = [-CLIP_PAD, -CLIP_PAD, width + CLIP_PAD, map_h + CLIP_PAD];
    // Geographic window visible on the map, for culling the reference layers.
    let (view_w, view_n) = proj.lon_lat(clip[0], clip[1]);
    let (view_e, view_s) = proj.lon_lat(clip[2], clip[3]);
    let visible =
        |r: geo::Rect<f64>| r.max().x >= view_w && r.min().x <= view_e && r.max().y >= view_s && r.min().y <= view_n;
    let id = v.id;
    let sub_d = |a: f64, b: f64| line_d(&proj, &plan.border.substring(a, b), clip);

    let mut s = String::with_capacity(256 * 1024);
    let xmlns = if v.standalone { " xmlns=\"http://www.w3.org/2000/svg\"" } else { "" };
    let _ = writeln!(
        s,
        "<svg{xmlns} class=\"map\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title\" {FONT}>",
        w = v.width_px.max(200),
        h = v.height_px.max(150),
    );
    let title = if whole {
        format!("Map of {}", plan.meta.title)
    } else {
        format!("Map of {}, border km {}–{}", plan.meta.title, fmt_trim(wa, 1), fmt_trim(wb, 1))
    };
    let _ = writeln!(s, "<title id=\"{id}-title\">{}</title>", escape_xml(&title));
    let _ = writeln!(
        s,
        "<defs><clipPath id=\"{id}-clip\"><rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\"/></clipPath></defs>",
        fmt_trim(width, 1),
        fmt_trim(map_h, 1)
    );
    let _ = writeln!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#f8f8f6\"/>",
        fmt_trim(width, 1),
        fmt_trim(map_h, 1)
    );
    let _ = writeln!(s, "<g clip-path=\"url(#{id}-clip)\">");

    // Provinces (light), then rivers.
    if let Some(base) = base {
        s.push_str("<g class=\"provinces\" stroke=\"");
        s.push_str(PROVINCE_EDGE);
        s.push_str("\" stroke-width=\"0.7\" fill-rule=\"evenodd\">\n");
        for r in &base.regions {
            if !r.area.bounding_rect().is_some_and(visible) {
                continue;
            }
            let mut d = String::new();
            for poly in &r.area.0 {
                for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                    let pts: Vec<(f64, f64)> = ring.0.iter().map(|c| proj.xy(c.x, c.y)).collect();
                    let part = d_of(&clip_ring(&pts, clip), true);
                    if !part.is_empty() {
                        d.push_str(&part);
                        d.push(' ');
                    }
                }
            }
            if d.is_empty() {
                continue;
            }
            let fill = match r.side {
                Side::Tajikistan => LAND_TJ,
                Side::Afghanistan => LAND_AF,
            };
            let _ = writeln!(
                s,
                "<path fill=\"{fill}\" d=\"{}\"><title>{}</title></path>",
                d.trim_end(),
                escape_xml(&r.name)
            );
        }
        s.push_str("</g>\n");
        let _ = writeln!(
            s,
            "<g class=\"rivers\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.3\" stroke-linejoin=\"round\">",
            hex(RIVER)
        );
        for river in &base.rivers {
            if !river.lines.bounding_rect().is_some_and(visible) {
                continue;
            }
            for l in &river.lines.0 {
                let d = line_d(&proj, l, clip);
                if !d.is_empty() {
                    let _ = writeln!(s, "<path d=\"{d}\"><title>{}</title></path>", escape_xml(&river.name));
                }
            }
        }
        s.push_str("</g>\n");
    }

    let gap_style = format!(
        "fill=\"none\" stroke=\"{}\" stroke-width=\"12\" stroke-opacity=\"0.6\" stroke-linecap=\"round\" stroke-linejoin=\"round\"",
        hex(GAP)
    );
    let segment_style = "fill=\"none\" stroke-width=\"5\" stroke-linecap=\"butt\" stroke-linejoin=\"round\"";
    let planned: Vec<_> = plan
        .segments
        .segments()
        .iter()
        .filter_map(|seg| {
            let stage = plan.target_stage(&Target::Segment(seg.id.clone()), None);
            stage.map(|st| (seg, st))
        })
        .collect();

    // A section strip: everything outside the window first, faded.
    if !whole {
        let _ = writeln!(s, "<g class=\"context\" opacity=\"{CONTEXT_OPACITY}\">");
        let _ = writeln!(s, "<g {gap_style}>");
        for &(a, b) in v.gaps {
            for (a, b) in split_by_window(a, b, wa, wb).1 {
                let d = sub_d(a, b);
                if !d.is_empty() {
                    let _ = writeln!(s, "<path d=\"{d}\"/>");
                }
            }
        }
        s.push_str("</g>\n");
        let d = line_d(&proj, plan.border.line(), clip);
        let _ = writeln!(s, "<path fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\" d=\"{d}\"/>", hex(BORDER));
        let _ = writeln!(s, "<g {segment_style}>");
        for (seg, stage) in &planned {
            for (a, b) in split_by_window(seg.from_km, seg.to_km, wa, wb).1 {
                let d = sub_d(a, b);
                if !d.is_empty() {
                    let _ = writeln!(s, "<path stroke=\"{}\" d=\"{d}\"/>", hex(stage_rgb(Some(*stage))));
                }
            }
        }
        s.push_str("</g>\n</g>\n");
    }

    // Stage-3 gaps as a wide halo under the segments.
    let _ = writeln!(s, "<g class=\"gaps\" {gap_style}>");
    for &(a, b) in v.gaps {
        let Some((a, b)) = split_by_window(a, b, wa, wb).0 else { continue };
        let d = sub_d(a, b);
        if !d.is_empty() {
            let _ = writeln!(
                s,
                "<path d=\"{d}\"><title>Stage-3 coverage gap km {}–{}</title></path>",
                fmt_trim(a, 1),
                fmt_trim(b, 1)
            );
        }
    }
    s.push_str("</g>\n");

    // Border, then segments by stage.
    let d = if whole { line_d(&proj, plan.border.line(), clip) } else { sub_d(wa, wb) };
    let _ =
        writeln!(s, "<path class=\"border\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\" d=\"{d}\"/>", hex(BORDER));
    let _ = writeln!(s, "<g class=\"segments\" {segment_style}>");
    for (seg, stage) in &planned {
        let Some((a, b)) = split_by_window(seg.from_km, seg.to_km, wa, wb).0 else { continue };
        let d = sub_d(a, b);
        if !d.is_empty() {
            let _ = writeln!(
                s,
                "<path stroke=\"{}\" d=\"{d}\"><title>{} {}: stage {}</title></path>",
                hex(stage_rgb(Some(*stage))),
                escape_xml(&seg.id),
                escape_xml(&seg.name),
                stage.number()
            );
        }
    }
    s.push_str("</g>\n");

    // Scale bar: the largest round length up to a fifth of the width, in the corner with the least border and
    // fewest outposts under it (top left on the whole-border map). Labels keep clear of it.
    let ppk = proj.px_per_km();
    let nice = [1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0];
    let bar_km = nice.iter().copied().rev().find(|k| k * ppk <= width * 0.2).unwrap_or(1.0);
    let bar_px = bar_km * ppk;
    let (scale_w, scale_h) = (bar_px + 40.0, 26.0);
    let scale_box = {
        let border_px: Vec<(f64, f64)> = plan.border.line().0.iter().map(|c| proj.xy(c.x, c.y)).collect();
        let outposts_px: Vec<(f64, f64)> =
            plan.outposts.iter().map(|o| proj.xy(o.position.x(), o.position.y())).collect();
        let (right, bottom) = (width - 6.0 - scale_w, map_h - 6.0 - scale_h);
        [(6.0, 6.0), (6.0, bottom), (right, 6.0), (right, bottom)]
            .into_iter()
            .map(|(x, y)| {
                let r = [x - 4.0, y - 4.0, x + scale_w + 4.0, y + scale_h + 4.0];
                let inside = |p: &&(f64, f64)| p.0 >= r[0] && p.0 <= r[2] && p.1 >= r[1] && p.1 <= r[3];
                let score = border_px.iter().filter(inside).count() + 20 * outposts_px.iter().filter(inside).count();
                (score, [x, y, x + scale_w, y + scale_h])
            })
            .min_by_key(|c| c.0)
            .map_or([6.0, 6.0, 6.0 + scale_w, 6.0 + scale_h], |c| c.1)
    };
    let mut taken = Taken { boxes: vec![scale_box], inside: [2.0, 2.0, width - 2.0, map_h - 2.0] };

    // Window ends (a section strip), then km ticks: every 100 km on the whole border, finer on a strip.
    let (tick_km, label_km) = if whole { (100.0, 100.0) } else { tick_steps(ppk) };
    let mut tick_lines = String::new();
    let mut km_labels: Vec<KmLabel> = Vec::new();
    let mut add_tick = |km: f64, inner: f64, outer: f64, label: Option<(String, bool)>| {
        let ((x, y), (nx, ny)) = normal_at(plan, &proj, km);
        let (x0, y0, x1, y1) = (x - nx * inner, y - ny * inner, x + nx * outer, y + ny * outer);
        let _ = writeln!(
            tick_lines,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"{}/>",
            fmt_trim(x0, 1),
            fmt_trim(y0, 1),
            fmt_trim(x1, 1),
            fmt_trim(y1, 1),
            if label.as_ref().is_some_and(|l| l.1) { " stroke-width=\"2.5\"" } else { "" }
        );
        // Labels keep clear of labelled ticks; a minor tick may run under a name's halo.
        if label.is_some() {
            taken.take([x0.min(x1) - 1.0, y0.min(y1) - 1.0, x0.max(x1) + 1.0, y0.max(y1) + 1.0]);
        }
        if let Some((text, bold)) = label {
            km_labels.push(KmLabel { at: (x, y), normal: (nx, ny), outer, text, bold });
        }
    };
    if !whole {
        for km in [wa, wb] {
            add_tick(km, 11.0, 11.0, Some((fmt_trim(km, 1), true)));
        }
    }
    let mut km = if whole { 100.0 } else { (wa / tick_km).floor() * tick_km + tick_km };
    let last = if whole { length - 1.0 } else { wb - 0.05 * tick_km };
    while km < last {
        let major = ((km / label_km).round() * label_km - km).abs() < 1e-6;
        if whole || km > wa + 0.05 * tick_km {
            if major {
                add_tick(km, 4.0, 8.0, Some((fmt_trim(km, 0), false)));
            } else {
                add_tick(km, 2.0, 4.5, None);
            }
        }
        km += tick_km;
    }
    let _ = writeln!(s, "<g class=\"ticks\" stroke=\"#222\" stroke-width=\"1\">\n{tick_lines}</g>");

    // Outposts: markers first (labels keep clear of them); on a strip, those outside the window are faded.
    let in_window = |km: f64| whole || (km >= wa - 1e-9 && km <= wb + 1e-9);
    let marker_r = 4.5;
    let mut named = Vec::new();
    s.push_str("<g class=\"outposts\" stroke=\"#fff\" stroke-width=\"1.3\">\n");
    for o in &plan.outposts {
        let stage = plan.target_stage(&Target::Outpost(o.id.clone()), None);
        let (x, y) = proj.xy(o.position.x(), o.position.y());
        if !(-marker_r..=width + marker_r).contains(&x) || !(-marker_r..=map_h + marker_r).contains(&y) {
            continue;
        }
        let inside = in_window(o.km);
        let _ = writeln!(
            s,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{marker_r}\" fill=\"{}\"{}><title>{} {} (km {}): stage {}</title></circle>",
            fmt_trim(x, 1),
            fmt_trim(y, 1),
            hex(stage_rgb(stage)),
            if inside { String::new() } else { format!(" opacity=\"{CONTEXT_OPACITY}\"") },
            escape_xml(&o.id),
            escape_xml(&o.name),
            fmt_trim(o.km, 1),
            super::stage_label(stage)
        );
        taken.take([x - marker_r - 1.0, y - marker_r - 1.0, x + marker_r + 1.0, y + marker_r + 1.0]);
        if inside {
            named.push((o.name.as_str(), x, y));
        }
    }
    s.push_str("</g>\n");

    // Country names on the whole-border map sit at fixed places and come first.
    let country_size = 15.0;
    let country_w = |name: &str| text_width(name, country_size) + 4.0 * name.chars().count() as f64;
    let mut countries = String::new();
    if whole {
        for (name, lon, lat) in [("TAJIKISTAN", 69.6, 38.35), ("AFGHANISTAN", 70.2, 36.75)] {
            let (x, y) = proj.xy(lon, lat);
            let r = text_box(x, y, country_w(name), country_size, Anchor::Middle, 1.0);
            if taken.fits(r) {
                taken.take(r);
                text_el(&mut countries, x, y, Anchor::Middle, "", name);
            }
        }
    }

    // km numbers beyond their ticks and outpost names around their markers. The whole-border map places its few
    // km numbers before the names; a strip places its window ends, then the names, then its dense km numbers
    // where room is left (a skipped number still has its tick).
    let km_size = if whole { 10.0 } else { 10.5 };
    let name_size = if whole { 9.5 } else { 11.0 };
    let mut tick_labels = String::new();
    let mut names = String::new();
    let (ends, regular): (Vec<KmLabel>, Vec<KmLabel>) = km_labels.into_iter().partition(|l| l.bold);
    place_km_labels(&mut taken, &ends, km_size, &mut tick_labels);
    if whole {
        place_km_labels(&mut taken, &regular, km_size, &mut tick_labels);
        place_names(&mut taken, &named, name_size, marker_r, &mut names);
    } else {
        place_names(&mut taken, &named, name_size, marker_r, &mut names);
        place_km_labels(&mut taken, &regular, km_size, &mut tick_labels);
    }
    let _ = writeln!(
        s,
        "<g class=\"tick-labels\" font-size=\"{km_size}\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"2.5\" paint-order=\"stroke\">\n{tick_labels}</g>"
    );

    // A few town labels, largest first, where there is room.
    let mut towns = String::new();
    if let Some(base) = base {
        let size = 11.0;
        let mut shown = 0;
        for t in &base.towns {
            if shown >= if whole { 10 } else { 8 } {
                break;
            }
            let (x, y) = proj.xy(t.position.x(), t.position.y());
            if !(10.0..width - 10.0).contains(&x) || !(12.0..map_h - 6.0).contains(&y) {
                continue;
            }
            let label = text_box(x + 4.0, y - 3.0, text_width(&t.name, size), size, Anchor::Start, 1.5);
            let r = [x - 3.0, label[1], label[2], (y + 3.0).max(label[3])];
            if !taken.fits(r) {
                continue;
            }
            taken.take(r);
            shown += 1;
            let _ = writeln!(
                towns,
                "<circle cx=\"{x}\" cy=\"{y}\" r=\"2.2\" fill=\"#444\"/><text x=\"{tx}\" y=\"{ty}\" text-anchor=\"start\" stroke=\"#fff\" stroke-width=\"2.5\" paint-order=\"stroke\">{}</text>",
                escape_xml(&t.name),
                x = fmt_trim(x, 1),
                y = fmt_trim(y, 1),
                tx = fmt_trim(x + 4.0, 1),
                ty = fmt_trim(y - 3.0, 1),
            );
        }
    }

    // On a strip, each country's name at the free spot on its own side nearest the middle.
    if let (false, Some(base)) = (whole, base) {
        let mut spots: Vec<(f64, f64)> = (1..=7)
            .flat_map(|i| (1..=5).map(move |j| (width * f64::from(i) / 8.0, map_h * f64::from(j) / 6.0)))
            .collect();
        let (cx, cy) = (width / 2.0, map_h / 2.0);
        spots.sort_by(|a, b| {
            let da = (a.0 - cx).powi(2) + (2.0 * (a.1 - cy)).powi(2);
            let db = (b.0 - cx).powi(2) + (2.0 * (b.1 - cy)).powi(2);
            da.total_cmp(&db)
        });
        let side_at = |x: f64, y: f64| {
            let (lon, lat) = proj.lon_lat(x, y);
            let p = Point::new(lon, lat);
            base.regions
                .iter()
                .find(|r| {
                    r.area
                        .bounding_rect()
                        .is_some_and(|b| b.min().x <= lon && lon <= b.max().x && b.min().y <= lat && lat <= b.max().y)
                        && r.area.contains(&p)
                })
                .map(|r| r.side)
        };
        for (side, name) in [(Side::Tajikistan, "TAJIKISTAN"), (Side::Afghanistan, "AFGHANISTAN")] {
            let w = country_w(name);
            for &(x, y) in &spots {
                let r = text_box(x, y, w, country_size, Anchor::Middle, 1.0);
                let all_on_side = [(x, y - 5.0), (r[0], y - 5.0), (r[2], y - 5.0)]
                    .iter()
                    .all(|&(px, py)| side_at(px, py) == Some(side));
                if all_on_side && taken.fits(r) {
                    taken.take(r);
                    text_el(&mut countries, x, y, Anchor::Middle, "", name);
                    break;
                }
            }
        }
    }
    let _ = writeln!(
        s,
        "<g class=\"countries\" font-size=\"{country_size}\" letter-spacing=\"4\" fill=\"#6a645a\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">\n{countries}</g>"
    );
    let _ = writeln!(
        s,
        "<g class=\"outpost-names\" font-size=\"{name_size}\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"2.5\" paint-order=\"stroke\">\n{names}</g>"
    );
    if base.is_some() {
        let _ = writeln!(s, "<g class=\"towns\" font-size=\"11\" fill=\"#333\">\n{towns}</g>");
    }
    s.push_str("</g>\n");
    let _ = writeln!(
        s,
        "<rect x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#999\"/>",
        fmt_trim(width - 1.0, 1),
        fmt_trim(map_h - 1.0, 1)
    );

    let (bx, by) = (scale_box[0] + 10.0, scale_box[1] + 18.0);
    let _ = writeln!(
        s,
        "<g class=\"scale\" font-size=\"10\" fill=\"#222\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{scale_h}\" fill=\"#fff\" fill-opacity=\"0.8\"/>\
         <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"4\" fill=\"#222\"/>\
         <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"4\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"0.6\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">0</text><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} km</text></g>",
        fmt_trim(scale_box[0], 1),
        fmt_trim(scale_box[1], 1),
        fmt_trim(scale_w, 1),
        fmt_trim(bx, 1),
        fmt_trim(by, 1),
        fmt_trim(bar_px / 2.0, 1),
        fmt_trim(bx + bar_px / 2.0, 1),
        fmt_trim(by, 1),
        fmt_trim(bar_px / 2.0, 1),
        fmt_trim(bx, 1),
        fmt_trim(by - 4.0, 1),
        fmt_trim(bx + bar_px, 1),
        fmt_trim(by - 4.0, 1),
        fmt_trim(bar_km, 0),
    );

    // Legend in the strip under the map, wrapping to a second row when narrow.
    let _ = writeln!(s, "<g class=\"legend\" font-size=\"11\" fill=\"#222\">");
    let mut items: Vec<(String, &str)> = vec![
        (legend_line(STAGE2, 5.0, ""), "Stage 2 (2026–2027)"),
        (legend_line(STAGE3, 5.0, ""), "Stage 3 (2027–2029)"),
        (legend_line(BORDER, 1.6, ""), "Border, nothing planned"),
        (legend_line(GAP, 10.0, " stroke-opacity=\"0.6\""), "Stage-3 coverage gap"),
        (
            format!("<circle cx=\"{{CX}}\" cy=\"{{Y}}\" r=\"4.5\" fill=\"{}\" stroke=\"#fff\"/>", hex(STAGE2)),
            "Outpost (stage colour)",
        ),
    ];
    if base.is_some() {
        items.push((legend_line(RIVER, 1.5, ""), "River"));
    }
    if !whole {
        items.push((legend_line(STAGE3, 5.0, &format!(" opacity=\"{CONTEXT_OPACITY}\"")), "Outside this sheet"));
    }
    let (mut x, mut ly) = (8.0, map_h + 14.0);
    for (swatch, label) in items {
        let w = 40.0 + text_width(label, 11.0);
        if x > 8.0 && x + w > width - 4.0 {
            x = 8.0;
            ly += 18.0;
        }
        let swatch = swatch
            .replace("{X2}", &fmt_trim(x + 22.0, 1))
            .replace("{X}", &fmt_trim(x, 1))
            .replace("{CX}", &fmt_trim(x + 11.0, 1))
            .replace("{Y}", &fmt_trim(ly, 1));
        s.push_str(&swatch);
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            fmt_trim(x + 27.0, 1),
            fmt_trim(ly + 4.0, 1),
            escape_xml(label)
        );
        x += w;
    }
    s.push_str("</g>\n");
    if let Some(credit) = crate::io::bundled::border_attribution(plan) {
        let _ = writeln!(
            s,
            "<text class=\"attribution\" x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"9\">Border: {}</text>",
            fmt_trim(width - 6.0, 1),
            fmt_trim(height - 4.0, 1),
            escape_xml(credit)
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ring_clipped_to_a_box_keeps_what_is_inside_and_stays_on_the_box() {
        let square = [(-10.0, -10.0), (30.0, -10.0), (30.0, 30.0), (-10.0, 30.0)];
        let clipped = clip_ring(&square, [0.0, 0.0, 20.0, 20.0]);
        assert!(clipped.iter().all(|&(x, y)| (0.0..=20.0).contains(&x) && (0.0..=20.0).contains(&y)));
        let xs: Vec<f64> = clipped.iter().map(|p| p.0).collect();
        assert!(xs.contains(&0.0) && xs.contains(&20.0), "{clipped:?}");
        // Wholly outside: nothing.
        assert!(clip_ring(&[(50.0, 50.0), (60.0, 50.0), (60.0, 60.0)], [0.0, 0.0, 20.0, 20.0]).is_empty());
    }

    #[test]
    fn a_line_is_cut_into_the_runs_that_come_near_the_map() {
        let pts = [(-100.0, 5.0), (-50.0, 5.0), (5.0, 5.0), (15.0, 5.0), (100.0, 5.0), (200.0, 5.0)];
        let r = runs(pts.into_iter(), [0.0, 0.0, 20.0, 20.0]);
        assert_eq!(r, vec![vec![(-50.0, 5.0), (5.0, 5.0), (15.0, 5.0), (100.0, 5.0)]]);
    }

    #[test]
    fn wider_text_measures_wider_and_digits_are_not_underestimated() {
        assert!(text_width("Khorugh km 810", 10.0) > text_width("Khorugh", 10.0));
        // DejaVu Sans digits advance 0.636 em.
        assert!(text_width("1000", 10.0) >= 4.0 * 6.36);
    }
}
