//! Everything around the map: frame, graticule and its labels, title block, north arrow, legend, scale bar,
//! notes and attribution.

use super::SheetOptions;
use super::canvas::{Canvas, Line, Path};
use super::layout::Layout;
use super::map::{Content, FAINT, LAKE, RIVER, TEXT, VIOLATION, WHITE, gap_color, label};
use super::text::{Anchor, Font};
use crate::io::bundled::BaseData;
use crate::model::Plan;
use crate::model::palette::{BORDER, Rgb, STAGE2, STAGE3, UNPLANNED};

const GRATICULE: Rgb = [0xa8, 0xa8, 0xa8];

/// Graticule spacings in arc minutes.
const STEPS_MIN: [f64; 11] = [1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0];

/// The graticule step (degrees) giving lines at least ~55 pt apart along the sheet's longer side.
pub fn graticule_step_deg(layout: &Layout) -> f64 {
    let min_pt = 55.0 * f64::from(layout.u);
    let lat_pt_per_deg = layout.proj.pt_per_deg;
    let lon_pt_per_deg = layout.proj.pt_per_deg * layout.proj.k;
    let per_deg = lat_pt_per_deg.min(lon_pt_per_deg);
    STEPS_MIN.into_iter().map(|m| m / 60.0).find(|d| d * per_deg >= min_pt).unwrap_or(10.0)
}

/// "69°30' E", "37° N" (the font has no prime sign).
pub fn dms(value: f64, pos: char, neg: char) -> String {
    let hemi = if value < 0.0 { neg } else { pos };
    let total = (value.abs() * 60.0).round() as i64;
    let (d, m) = (total / 60, total % 60);
    if m == 0 { format!("{d}° {hemi}") } else { format!("{d}°{m:02}' {hemi}") }
}

fn graticule_values(from: f64, to: f64, step: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut v = (from / step).ceil() * step;
    while v <= to + 1e-9 {
        out.push(v);
        v += step;
    }
    out
}

/// The graticule's lines (drawn by the map, under the plan, inside the frame clip).
pub fn graticule_lines(layout: &Layout, canvas: &mut dyn Canvas) {
    let step = graticule_step_deg(layout);
    let [w, s, e, n] = layout.view;
    let [fx, fy, fw, fh] = layout.frame;
    let mut p = Path::new();
    for lon in graticule_values(w, e, step) {
        let (x, _) = layout.proj.xy(lon, n);
        p.move_to(x, fy);
        p.line_to(x, fy + fh);
    }
    for lat in graticule_values(s, n, step) {
        let (_, y) = layout.proj.xy(w, lat);
        p.move_to(fx, y);
        p.line_to(fx + fw, y);
    }
    canvas.stroke(&p, GRATICULE, Line::butt(0.4 * layout.u));
}

fn graticule_labels(layout: &Layout, canvas: &mut dyn Canvas, font: &Font) {
    let u = layout.u;
    let step = graticule_step_deg(layout);
    let [w, s, e, n] = layout.view;
    let [fx, fy, fw, fh] = layout.frame;
    let size = 6.8 * u;
    let mut ticks = Path::new();
    for lon in graticule_values(w, e, step) {
        let (x, _) = layout.proj.xy(lon, n);
        ticks.move_to(x, fy + fh);
        ticks.line_to(x, fy + fh + 3.0 * u);
        ticks.move_to(x, fy);
        ticks.line_to(x, fy - 3.0 * u);
        label(canvas, font, &dms(lon, 'E', 'W'), size, x, fy + fh + 11.0 * u, Anchor::Middle, FAINT, 0.0);
    }
    for lat in graticule_values(s, n, step) {
        let (_, y) = layout.proj.xy(w, lat);
        ticks.move_to(fx, y);
        ticks.line_to(fx - 3.0 * u, y);
        ticks.move_to(fx + fw, y);
        ticks.line_to(fx + fw + 3.0 * u, y);
        let cap = font.cap_height(size);
        label(canvas, font, &dms(lat, 'N', 'S'), size, fx - 4.5 * u, y + cap / 2.0, Anchor::End, FAINT, 0.0);
    }
    canvas.stroke(&ticks, FAINT, Line::butt(0.6 * u));
}

/// Words of `text` in lines no wider than `max_pt`.
fn wrap(font: &Font, text: &str, size: f32, max_pt: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let candidate = if cur.is_empty() { word.to_owned() } else { format!("{cur} {word}") };
        if !cur.is_empty() && font.width(&candidate, size) > max_pt {
            lines.push(std::mem::replace(&mut cur, word.to_owned()));
        } else {
            cur = candidate;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[allow(clippy::too_many_arguments)]
/// Emboldened text (fill plus a thin stroke of the same colour): the one font is a light weight.
fn bold(canvas: &mut dyn Canvas, font: &Font, text: &str, size: f32, x: f32, y: f32, anchor: Anchor, color: Rgb) {
    let p = font.path(text, size, x, y, anchor);
    canvas.fill(&p, color);
    canvas.stroke(&p, color, Line::round(size * 0.045));
}

fn fmt_length(m: f64) -> String {
    if m >= 1000.0 { format!("{} km", crate::io::format::fmt_trim(m / 1000.0, 1)) } else { format!("{m:.0} m") }
}

/// 1 : 1 250 000 (three significant figures, spaces between thousands).
fn fmt_scale(d: f64) -> String {
    let mag = 10f64.powi((d.log10().floor() as i32 - 2).max(0));
    let rounded = ((d / mag).round() * mag) as u64;
    let digits = rounded.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    format!("1 : {out}")
}

/// The chainage range of the border inside the view, km (none when the border is not shown).
fn km_shown(layout: &Layout, plan: &Plan) -> Option<(f64, f64)> {
    let chainage = plan.border.vertex_chainage_m();
    let mut range: Option<(f64, f64)> = None;
    for (i, c) in plan.border.line().0.iter().enumerate() {
        let (x, y) = layout.proj.xy(c.x, c.y);
        if layout.in_frame(x, y, 0.0) {
            let km = chainage.get(i).copied().unwrap_or(0.0) / 1000.0;
            range = Some(range.map_or((km, km), |(a, b)| (a.min(km), b.max(km))));
        }
    }
    range
}

pub fn draw(
    layout: &Layout,
    content: &Content,
    plan: &Plan,
    base: Option<&BaseData>,
    options: &SheetOptions,
    font: &Font,
    canvas: &mut dyn Canvas,
) {
    let u = layout.u;
    let [fx, fy, fw, fh] = layout.frame;
    canvas.stroke(&Path::rect(fx, fy, fw, fh), TEXT, Line::butt(0.9 * u));
    graticule_labels(layout, canvas, font);

    // Title block.
    let m = layout.margin;
    let title = if plan.meta.title.trim().is_empty() { "Untitled rollout plan" } else { plan.meta.title.trim() };
    bold(canvas, font, title, 17.0 * u, fx, m + 16.0 * u, Anchor::Start, TEXT);
    let mut sub = String::from("Tajikistan–Afghanistan border · equipment rollout");
    if let Some(name) = &options.plan_name {
        sub.push_str(&format!(" · plan {name}"));
    }
    if let Some((a, b)) = km_shown(layout, plan) {
        sub.push_str(&format!(" · border km {a:.0}–{b:.0} shown"));
    }
    label(canvas, font, &sub, 8.5 * u, fx, m + 31.0 * u, Anchor::Start, FAINT, 0.0);
    let printed = format!("Printed {}", options.printed);
    label(canvas, font, &printed, 8.5 * u, layout.width_pt - m, m + 31.0 * u, Anchor::End, FAINT, 0.0);
    let modified = crate::io::export::html::readable_timestamp(&plan.meta.modified);
    if !modified.trim().is_empty() {
        let text = format!("Plan modified {modified}");
        label(canvas, font, &text, 8.5 * u, layout.width_pt - m, m + 16.0 * u, Anchor::End, FAINT, 0.0);
    }

    let [px, py, pw, _] = layout.panel;
    // North arrow (the map is north-up).
    let (ax, ay) = (px + pw - 18.0 * u, py + 4.0 * u);
    let (aw, ah) = (7.0 * u, 26.0 * u);
    let mut left = Path::new();
    left.poly(&[(ax, ay + 9.0 * u), (ax - aw, ay + 9.0 * u + ah), (ax, ay + 9.0 * u + ah * 0.72)], true);
    let mut right = Path::new();
    right.poly(&[(ax, ay + 9.0 * u), (ax + aw, ay + 9.0 * u + ah), (ax, ay + 9.0 * u + ah * 0.72)], true);
    canvas.fill(&left, TEXT);
    canvas.fill(&right, WHITE);
    canvas.stroke(&left, TEXT, Line::round(0.7 * u));
    canvas.stroke(&right, TEXT, Line::round(0.7 * u));
    bold(canvas, font, "N", 9.0 * u, ax, ay + 7.0 * u, Anchor::Middle, TEXT);

    // Legend.
    bold(canvas, font, "Legend", 9.5 * u, px, py + 12.0 * u, Anchor::Start, TEXT);
    let mut y = py + 26.0 * u;
    let row = 12.5 * u;
    let size = 7.4 * u;
    let cap = font.cap_height(size);
    let sw = 22.0 * u;
    let tx = px + sw + 6.0 * u;
    let line_swatch = |canvas: &mut dyn Canvas, y: f32, color: Rgb, line: Line| {
        let mut p = Path::new();
        p.poly(&[(px + 1.5 * u, y), (px + sw - 1.5 * u, y)], false);
        canvas.stroke(&p, color, line);
    };
    let item = |canvas: &mut dyn Canvas, y: &mut f32, text: &str, draw: &dyn Fn(&mut dyn Canvas, f32)| {
        draw(canvas, *y);
        label(canvas, font, text, size, tx, *y + cap / 2.0, Anchor::Start, TEXT, 0.0);
        *y += row;
    };
    item(canvas, &mut y, "Stage 2 (2026–2027)", &|c, y| line_swatch(c, y, STAGE2, Line::butt(3.8 * u)));
    item(canvas, &mut y, "Stage 3 (2027–2029)", &|c, y| line_swatch(c, y, STAGE3, Line::butt(3.8 * u)));
    item(canvas, &mut y, "Border, nothing planned", &|c, y| line_swatch(c, y, BORDER, Line::round(1.3 * u)));
    item(canvas, &mut y, "Stage-3 coverage gap", &|c, y| {
        line_swatch(c, y, gap_color(), Line::round(10.0 * u));
        line_swatch(c, y, BORDER, Line::round(1.3 * u));
    });
    item(canvas, &mut y, "Rule error on a segment", &|c, y| {
        line_swatch(c, y, STAGE2, Line::butt(3.8 * u));
        let mut p = Path::new();
        let mut x = px + 4.0 * u;
        while x < px + sw - 2.0 * u {
            p.move_to(x - 3.2 * u, y + 3.2 * u);
            p.line_to(x + 3.2 * u, y - 3.2 * u);
            x += 5.0 * u;
        }
        c.stroke(&p, VIOLATION, Line::butt(0.8 * u));
    });
    let dot = |c: &mut dyn Canvas, y: f32, fill: Rgb| {
        let cx = px + sw / 2.0;
        c.fill(&Path::circle(cx, y, 3.2 * u), fill);
        c.stroke(&Path::circle(cx, y, 3.2 * u), WHITE, Line::round(0.8 * u));
    };
    item(canvas, &mut y, "Outpost (stage colour; grey: none)", &|c, y| dot(c, y, STAGE2));
    item(canvas, &mut y, "Outpost with a rule error", &|c, y| {
        let (cx, d) = (px + sw / 2.0, 5.5 * u);
        let mut p = Path::new();
        p.poly(&[(cx, y - d), (cx + d, y), (cx, y + d), (cx - d, y)], true);
        c.stroke(&p, VIOLATION, Line::round(1.0 * u));
        dot(c, y, UNPLANNED);
    });
    item(canvas, &mut y, "km post (chainage from the west)", &|c, y| {
        line_swatch(c, y + 2.0 * u, BORDER, Line::round(1.3 * u));
        let mut p = Path::new();
        p.move_to(px + sw / 2.0, y + 3.5 * u);
        p.line_to(px + sw / 2.0, y - 4.0 * u);
        c.stroke(&p, TEXT, Line::butt(0.7 * u));
    });
    if base.is_some() {
        item(canvas, &mut y, "River, lake", &|c, y| {
            line_swatch(c, y, RIVER, Line::round(0.9 * u));
            c.fill(&Path::circle(px + sw - 4.0 * u, y, 3.0 * u), LAKE);
        });
        item(canvas, &mut y, "Town", &|c, y| c.fill(&Path::circle(px + sw / 2.0, y, 1.5 * u), [0x44, 0x44, 0x44]));
    }
    for layer in options.layers.iter().take(4) {
        let color = layer.color;
        item(canvas, &mut y, &format!("Layer: {}", layer.name), &|c, y| line_swatch(c, y, color, Line::round(1.4 * u)));
    }

    // Notes under the legend, as far as there is room above the scale bar.
    y += 4.0 * u;
    let note_size = 6.8 * u;
    let mut notes = Vec::new();
    if content.samples > 0 {
        notes.push(format!(
            "Illustrative data: {} of {} outposts are sample positions, not real border outposts.",
            content.samples,
            plan.outposts.len()
        ));
    }
    notes.push(crate::io::export::basis_label(options.basis.as_ref()) + ".");
    notes.push("Graticule: WGS 84 degrees; north is up.".to_owned());
    let note_row = note_size * 1.3;
    'notes: for note in notes {
        for line in wrap(font, &note, note_size, pw - 2.0) {
            if y + note_row > layout.scale_block_y - 2.0 * u {
                break 'notes;
            }
            label(canvas, font, &line, note_size, px, y + note_row * 0.7, Anchor::Start, FAINT, 0.0);
            y += note_row;
        }
        y += 2.5 * u;
    }

    // Scale bar: two halves, black and white.
    let bar = layout.scale_bar;
    bold(canvas, font, "Scale", 9.5 * u, px, layout.scale_block_y, Anchor::Start, TEXT);
    let bh = 4.0 * u;
    let half = bar.width_pt / 2.0;
    canvas.fill(&Path::rect(bar.x_pt, bar.y_pt, half, bh), TEXT);
    canvas.fill(&Path::rect(bar.x_pt + half, bar.y_pt, half, bh), WHITE);
    canvas.stroke(&Path::rect(bar.x_pt, bar.y_pt, bar.width_pt, bh), TEXT, Line::butt(0.7 * u));
    let ly = bar.y_pt + bh + 9.0 * u;
    let s = 6.8 * u;
    label(canvas, font, "0", s, bar.x_pt, ly, Anchor::Middle, TEXT, 0.0);
    label(
        canvas,
        font,
        &fmt_length(bar.length_m / 2.0).replace(" km", "").replace(" m", ""),
        s,
        bar.x_pt + half,
        ly,
        Anchor::Middle,
        TEXT,
        0.0,
    );
    label(canvas, font, &fmt_length(bar.length_m), s, bar.x_pt + bar.width_pt, ly, Anchor::Middle, TEXT, 0.0);
    let scale_text = format!("{} at {:.1}° N (geodesic)", fmt_scale(bar.scale_denominator), bar.lat);
    label(canvas, font, &scale_text, s, px, ly + 11.0 * u, Anchor::Start, FAINT, 0.0);
    let paper = format!("at {:.0} × {:.0} mm", layout.width_pt / 72.0 * 25.4, layout.height_pt / 72.0 * 25.4);
    label(canvas, font, &paper, s, px, ly + 20.0 * u, Anchor::Start, FAINT, 0.0);

    // Attribution along the bottom.
    let border = crate::io::bundled::border_attribution(plan)
        .map_or_else(|| "Border: the plan's own line".to_owned(), |a| format!("Border: {a}"));
    let mut credit = border;
    if base.is_some() {
        credit.push_str(
            " · Provinces: Natural Earth (public domain), fitted to OSM outlines (ODbL) · Rivers: CIA World Data \
             Bank II · Lakes: GSHHG (LGPL) · Towns: GeoNames, CC BY 4.0",
        );
    }
    credit.push_str(" · Made with borderplan");
    let cs = 6.2 * u;
    let lines = wrap(font, &credit, cs, layout.width_pt - 2.0 * m - (fx - m));
    let mut cy = layout.height_pt - m + 2.0 * u - (lines.len().saturating_sub(1)) as f32 * cs * 1.25;
    for line in lines {
        label(canvas, font, &line, cs, fx, cy, Anchor::Start, FAINT, 0.0);
        cy += cs * 1.25;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_read_as_degrees_and_minutes() {
        assert_eq!(dms(69.5, 'E', 'W'), "69°30' E");
        assert_eq!(dms(37.0, 'N', 'S'), "37° N");
        assert_eq!(dms(-0.25, 'N', 'S'), "0°15' S");
    }

    #[test]
    fn the_printed_scale_has_three_significant_figures() {
        assert_eq!(fmt_scale(1_234_567.0), "1 : 1 230 000");
        assert_eq!(fmt_scale(987.4), "1 : 987");
    }
}
