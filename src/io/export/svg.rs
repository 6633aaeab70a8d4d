//! A static SVG map of the plan for reports: provinces, rivers, the border, segments coloured by stage, stage-3
//! coverage gaps, outposts, a few towns, km ticks, a legend and a scale bar.
//!
//! Projection: equirectangular with longitudes scaled by cos(mean latitude), fitted to the border's bounding
//! box plus a margin. Good enough for a strip of 7° × 2° at 37° N (scale error well under 2 %).

use super::{escape_xml, fmt_trim};
use crate::io::bundled::BaseData;
use crate::model::palette::{BORDER, GAP, Rgb, STAGE2, STAGE3, hex, stage_rgb};
use crate::model::{Plan, Target};
use geo::{BoundingRect, LineString};
use std::fmt::Write as _;

/// Kilometres per degree of latitude (mean).
const KM_PER_DEGREE: f64 = 111.32;
/// Height of the legend strip under the map, px.
const LEGEND_H: f64 = 46.0;
const RIVER: Rgb = [0x5B, 0x9B, 0xD5];
const LAND_TJ: &str = "#f2ecdb";
const LAND_AF: &str = "#e6dfcc";
const PROVINCE_EDGE: &str = "#b8b0a0";
const FONT: &str = "font-family=\"Helvetica, Arial, sans-serif\"";

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
        let k = (0.5 * (s + n)).to_radians().cos().max(0.01);
        let margin_x = ((e - w) * 0.05).max(0.05);
        let margin_y = ((n - s) * 0.12).max(0.05);
        let (w, e, s, n) = (w - margin_x, e + margin_x, s - margin_y, n + margin_y);
        let span_x = ((e - w) * k).max(1e-9);
        let span_y = (n - s).max(1e-9);
        let scale = (width / span_x).min(height / span_y);
        let ox = 0.5 * (width - span_x * scale);
        let oy = 0.5 * (height - span_y * scale);
        Self { min_lon: w, max_lat: n, k, scale, ox, oy }
    }
    fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        (self.ox + (lon - self.min_lon) * self.k * self.scale, self.oy + (self.max_lat - lat) * self.scale)
    }
    fn px_per_km(&self) -> f64 {
        self.scale / KM_PER_DEGREE
    }
}

/// An SVG path `d` for a polyline, to 0.1 px, without repeated points.
fn path_d(proj: &Projection, pts: impl Iterator<Item = (f64, f64)>, close: bool) -> String {
    let mut d = String::new();
    let mut last: Option<(i64, i64)> = None;
    let mut n = 0;
    for (lon, lat) in pts {
        let (x, y) = proj.xy(lon, lat);
        let key = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
        if last == Some(key) {
            continue;
        }
        let _ = write!(d, "{}{} {}", if n == 0 { "M" } else { "L" }, fmt_trim(x, 1), fmt_trim(y, 1));
        d.push(' ');
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

/// A legend line swatch with `{X}`, `{X2}` and `{Y}` placeholders.
fn legend_line(c: Rgb, w: f64, extra: &str) -> String {
    format!(
        "<line x1=\"{{X}}\" y1=\"{{Y}}\" x2=\"{{X2}}\" y2=\"{{Y}}\" stroke=\"{}\" stroke-width=\"{w}\"{extra}/>",
        hex(c)
    )
}

fn line_d(proj: &Projection, l: &LineString<f64>) -> String {
    path_d(proj, l.0.iter().map(|c| (c.x, c.y)), false)
}

/// The map as a standalone SVG document (with the SVG namespace).
pub fn plan_map_svg(plan: &Plan, base: Option<&BaseData>, width_px: u32, height_px: u32) -> String {
    render(plan, base, width_px, height_px, true, &super::stage3_gaps(plan, None))
}

/// The map as an `<svg>` element for inlining in HTML (no namespace URL: HTML5 does not need it).
pub(crate) fn plan_map_svg_inline(
    plan: &Plan,
    base: Option<&BaseData>,
    width_px: u32,
    height_px: u32,
    gaps: &[(f64, f64)],
) -> String {
    render(plan, base, width_px, height_px, false, gaps)
}

fn render(
    plan: &Plan,
    base: Option<&BaseData>,
    width_px: u32,
    height_px: u32,
    standalone: bool,
    gaps: &[(f64, f64)],
) -> String {
    let width = f64::from(width_px.max(200));
    let height = f64::from(height_px.max(150));
    let map_h = height - LEGEND_H;
    let b = plan.border.bounds();
    let bbox = [b.min().x, b.min().y, b.max().x, b.max().y];
    let proj = Projection::fit(bbox, width, map_h);
    // Geographic window visible on the map, for culling the reference layers.
    let view_w = proj.min_lon;
    let view_e = proj.min_lon + width / (proj.k * proj.scale) - proj.ox / (proj.k * proj.scale) + 1.0;
    let view_n = proj.max_lat + 1.0;
    let view_s = proj.max_lat - map_h / proj.scale - 1.0;
    let visible = |r: geo::Rect<f64>| {
        r.max().x >= view_w - 1.0 && r.min().x <= view_e && r.max().y >= view_s && r.min().y <= view_n
    };

    let mut s = String::with_capacity(256 * 1024);
    let xmlns = if standalone { " xmlns=\"http://www.w3.org/2000/svg\"" } else { "" };
    let _ = writeln!(
        s,
        "<svg{xmlns} class=\"map\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"map-title\" {FONT}>",
        w = width_px.max(200),
        h = height_px.max(150),
    );
    let _ = writeln!(s, "<title id=\"map-title\">Map of {}</title>", escape_xml(&plan.meta.title));
    let _ = writeln!(
        s,
        "<defs><clipPath id=\"map-clip\"><rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\"/></clipPath></defs>",
        fmt_trim(width, 1),
        fmt_trim(map_h, 1)
    );
    let _ = writeln!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#f8f8f6\"/>",
        fmt_trim(width, 1),
        fmt_trim(map_h, 1)
    );
    s.push_str("<g clip-path=\"url(#map-clip)\">\n");

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
                    let part = path_d(&proj, ring.0.iter().map(|c| (c.x, c.y)), true);
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
                crate::model::Side::Tajikistan => LAND_TJ,
                crate::model::Side::Afghanistan => LAND_AF,
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
                let d = line_d(&proj, l);
                if !d.is_empty() {
                    let _ = writeln!(s, "<path d=\"{d}\"><title>{}</title></path>", escape_xml(&river.name));
                }
            }
        }
        s.push_str("</g>\n");
    }

    // Stage-3 gaps as a wide halo under the segments.

    let _ = writeln!(
        s,
        "<g class=\"gaps\" fill=\"none\" stroke=\"{}\" stroke-width=\"12\" stroke-opacity=\"0.6\" stroke-linecap=\"round\" stroke-linejoin=\"round\">",
        hex(GAP)
    );
    for &(a, b) in gaps {
        let d = line_d(&proj, &plan.border.substring(a, b));
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
    let d = line_d(&proj, plan.border.line());
    let _ =
        writeln!(s, "<path class=\"border\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.6\" d=\"{d}\"/>", hex(BORDER));
    s.push_str(
        "<g class=\"segments\" fill=\"none\" stroke-width=\"5\" stroke-linecap=\"butt\" stroke-linejoin=\"round\">\n",
    );
    for seg in plan.segments.segments() {
        let stage = plan.target_stage(&Target::Segment(seg.id.clone()), None);
        if stage.is_none() {
            continue;
        }
        let d = line_d(&proj, &plan.border.substring(seg.from_km, seg.to_km));
        if !d.is_empty() {
            let _ = writeln!(
                s,
                "<path stroke=\"{}\" d=\"{d}\"><title>{} {}: stage {}</title></path>",
                hex(stage_rgb(stage)),
                escape_xml(&seg.id),
                escape_xml(&seg.name),
                super::stage_label(stage)
            );
        }
    }
    s.push_str("</g>\n");

    // km ticks every 100 km, labelled on the north side.
    let length = plan.border.length_km();
    s.push_str("<g class=\"ticks\" stroke=\"#222\" stroke-width=\"1\">\n");
    let mut labels = String::new();
    let mut km = 100.0;
    while km < length - 1.0 {
        let p = plan.border.point_at_km(km);
        let p0 = plan.border.point_at_km(km - 1.0);
        let p1 = plan.border.point_at_km(km + 1.0);
        let (x, y) = proj.xy(p.x(), p.y());
        let (x0, y0) = proj.xy(p0.x(), p0.y());
        let (x1, y1) = proj.xy(p1.x(), p1.y());
        let (dx, dy) = (x1 - x0, y1 - y0);
        let len = (dx * dx + dy * dy).sqrt().max(1e-9);
        // Normal pointing up the screen (north).
        let (mut nx, mut ny) = (-dy / len, dx / len);
        if ny > 0.0 {
            nx = -nx;
            ny = -ny;
        }
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
            fmt_trim(x - nx * 4.0, 1),
            fmt_trim(y - ny * 4.0, 1),
            fmt_trim(x + nx * 8.0, 1),
            fmt_trim(y + ny * 8.0, 1)
        );
        let _ = writeln!(
            labels,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            fmt_trim(x + nx * 15.0, 1),
            fmt_trim(y + ny * 15.0 + 3.0, 1),
            fmt_trim(km, 0)
        );
        km += 100.0;
    }
    s.push_str("</g>\n");
    let _ = writeln!(
        s,
        "<g class=\"tick-labels\" font-size=\"10\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"2.5\" paint-order=\"stroke\">\n{labels}</g>"
    );

    // Outposts.
    s.push_str("<g class=\"outposts\" stroke=\"#fff\" stroke-width=\"1.3\">\n");
    for o in &plan.outposts {
        let stage = plan.target_stage(&Target::Outpost(o.id.clone()), None);
        let (x, y) = proj.xy(o.position.x(), o.position.y());
        let _ = writeln!(
            s,
            "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"{}\"><title>{} {} (km {}): stage {}</title></circle>",
            fmt_trim(x, 1),
            fmt_trim(y, 1),
            hex(stage_rgb(stage)),
            escape_xml(&o.id),
            escape_xml(&o.name),
            fmt_trim(o.km, 1),
            super::stage_label(stage)
        );
    }
    s.push_str("</g>\n");

    // Country names, then outpost names (skipping ones that would overlap), then towns around them.
    let mut taken: Vec<(f64, f64, f64, f64)> = Vec::new();
    s.push_str(
        "<g class=\"countries\" font-size=\"15\" letter-spacing=\"4\" fill=\"#6a645a\" text-anchor=\"middle\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">\n",
    );
    for (name, lon, lat) in [("TAJIKISTAN", 69.6, 38.35), ("AFGHANISTAN", 70.2, 36.75)] {
        let (x, y) = proj.xy(lon, lat);
        let w = 11.0 * name.len() as f64;
        if (w / 2.0..width - w / 2.0).contains(&x) && (16.0..map_h - 4.0).contains(&y) {
            taken.push((x - w / 2.0, y - 15.0, x + w / 2.0, y + 3.0));
            let _ = writeln!(s, "<text x=\"{}\" y=\"{}\">{name}</text>", fmt_trim(x, 1), fmt_trim(y, 1));
        }
    }
    s.push_str("</g>\n<g class=\"outpost-names\" font-size=\"9.5\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"2.5\" paint-order=\"stroke\">\n");
    for o in &plan.outposts {
        let (x, y) = proj.xy(o.position.x(), o.position.y());
        let w = 5.4 * o.name.chars().count() as f64 + 4.0;
        let rect = (x + 5.0, y - 14.0, x + 6.0 + w, y - 3.0);
        let overlaps = taken.iter().any(|r| rect.0 < r.2 && rect.2 > r.0 && rect.1 < r.3 && rect.3 > r.1);
        if overlaps || rect.2 > width - 2.0 || rect.1 < 2.0 {
            continue;
        }
        taken.push(rect);
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            fmt_trim(x + 6.0, 1),
            fmt_trim(y - 5.0, 1),
            escape_xml(&o.name)
        );
    }
    s.push_str("</g>\n");

    // A few town labels, largest first, skipping ones that would overlap.
    if let Some(base) = base {
        s.push_str("<g class=\"towns\" font-size=\"11\" fill=\"#333\">\n");
        let mut shown = 0;
        for t in &base.towns {
            if shown >= 10 {
                break;
            }
            let (x, y) = proj.xy(t.position.x(), t.position.y());
            if !(10.0..width - 10.0).contains(&x) || !(12.0..map_h - 6.0).contains(&y) {
                continue;
            }
            let w = 6.5 * t.name.chars().count() as f64 + 8.0;
            let rect = (x - 3.0, y - 12.0, x + w, y + 4.0);
            let overlaps = taken.iter().any(|r| rect.0 < r.2 && rect.2 > r.0 && rect.1 < r.3 && rect.3 > r.1);
            if overlaps || rect.2 > width - 2.0 {
                continue;
            }
            taken.push(rect);
            shown += 1;
            let _ = writeln!(
                s,
                "<circle cx=\"{x}\" cy=\"{y}\" r=\"2.2\" fill=\"#444\"/><text x=\"{tx}\" y=\"{ty}\" stroke=\"#fff\" stroke-width=\"2.5\" paint-order=\"stroke\">{}</text>",
                escape_xml(&t.name),
                x = fmt_trim(x, 1),
                y = fmt_trim(y, 1),
                tx = fmt_trim(x + 4.0, 1),
                ty = fmt_trim(y - 3.0, 1),
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n");
    let _ = writeln!(
        s,
        "<rect x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#999\"/>",
        fmt_trim(width - 1.0, 1),
        fmt_trim(map_h - 1.0, 1)
    );

    // Scale bar in the top-left corner: the largest round length up to a fifth of the width.
    let ppk = proj.px_per_km();
    let nice = [5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0];
    let bar_km = nice.iter().copied().rev().find(|k| k * ppk <= width * 0.2).unwrap_or(5.0);
    let bar_px = bar_km * ppk;
    let (bx, by) = (16.0, 24.0);
    let _ = writeln!(
        s,
        "<g class=\"scale\" font-size=\"10\" fill=\"#222\"><rect x=\"{}\" y=\"6\" width=\"{}\" height=\"26\" fill=\"#fff\" fill-opacity=\"0.8\"/>\
         <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"4\" fill=\"#222\"/>\
         <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"4\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"0.6\"/>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">0</text><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} km</text></g>",
        fmt_trim(bx - 10.0, 1),
        fmt_trim(bar_px + 40.0, 1),
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
    let (mut x, mut ly) = (8.0, map_h + 14.0);
    for (swatch, label) in items {
        let w = 34.0 + 6.2 * label.chars().count() as f64;
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
            fmt_trim(f64::from(width_px.max(200)) - 6.0, 1),
            fmt_trim(f64::from(height_px.max(150)) - 4.0, 1),
            escape_xml(credit)
        );
    }
    s.push_str("</svg>\n");
    s
}
