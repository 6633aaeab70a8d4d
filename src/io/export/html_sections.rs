//! Section sheets of the HTML report: the border cut into chainage windows of about 100 km along segment
//! boundaries (shorter where assignments are dense, so that each sheet fits on its page), each printed on its own
//! page with a map strip of the window, the assignments of the targets in it and the stage-3 coverage gaps
//! clipped to it.
//!
//! Every assignment is listed on exactly one sheet: an outpost's on the sheet whose window holds its chainage, a
//! segment's on the sheet its segment starts in (windows follow segment boundaries, so a segment lies on one
//! sheet unless it is longer than a sheet and had to be cut).

use super::html::{chip, km1, target_km, usd};
use super::{assignment_cost, equipment_name, escape_xml as esc, fmt_qty};
use crate::io::bundled::BaseData;
use crate::model::palette::stage_rgb;
use crate::model::{Assignment, Plan, Target, counted};
use std::fmt::Write as _;
use std::ops::Range;

/// The length a sheet aims at, km: a window closes at the segment boundary nearest to this.
pub(crate) const SHEET_KM: f64 = 100.0;
/// The assignments a sheet's page has room for under its map strip: a window closes before it would hold more
/// (one segment with more runs on to a second page).
pub(crate) const SHEET_ROWS: usize = 16;
/// Width and height of a sheet's map strip, px (scaled to the page width by CSS).
const STRIP_W: u32 = 1120;
const STRIP_H: u32 = 370;

/// One sheet's stretch of border.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Window {
    pub from_km: f64,
    pub to_km: f64,
    /// Indices into `plan.segments.segments()` of the segments overlapping the window.
    pub segments: Range<usize>,
}

/// The windows of the section sheets: consecutive, covering [0, border length] exactly, each ending at the
/// segment boundary nearest `target_km` from its start, or earlier where the next segment would take it past
/// `max_rows` assignments (a window holds at least one segment). A segment longer than 1.5 × `target_km` gets
/// windows of its own (equal parts of at most `target_km`); a short remainder at the eastern end joins the window
/// before it when both fit on one sheet.
pub(crate) fn windows(plan: &Plan, target_km: f64, max_rows: usize) -> Vec<Window> {
    let length = plan.border.length_km();
    let target = target_km.max(1.0);
    let segs = plan.segments.segments();
    let mut out: Vec<Window> = Vec::new();
    let pieces = |from: f64, to: f64, segments: Range<usize>, out: &mut Vec<Window>| {
        let n = ((to - from) / target).ceil().max(1.0);
        for k in 0..n as usize {
            let a = from + (to - from) * k as f64 / n;
            let b = if k + 1 == n as usize { to } else { from + (to - from) * (k + 1) as f64 / n };
            out.push(Window { from_km: a, to_km: b, segments: segments.clone() });
        }
    };
    if segs.is_empty() {
        pieces(0.0, length, 0..0, &mut out);
        return out;
    }
    // Rows per segment: the assignments on it and on the outposts along it (as `window_of` files them).
    let mut rows = vec![0usize; segs.len()];
    for a in plan.assignments.iter() {
        if let Some((from, _)) = plan.target_extent_km(&a.target) {
            rows[segs.partition_point(|s| s.from_km <= from).saturating_sub(1)] += 1;
        }
    }
    let long = |i: usize| segs[i].length_km() > 1.5 * target;
    let mut start = 0;
    let mut rows_so_far = 0;
    for i in 0..segs.len() {
        if long(i) {
            pieces(segs[i].from_km, segs[i].to_km, i..i + 1, &mut out);
            start = i + 1;
            rows_so_far = 0;
            continue;
        }
        let so_far = segs[i].to_km - segs[start].from_km;
        rows_so_far += rows[i];
        let close = match segs.get(i + 1) {
            None => true,
            Some(_) if long(i + 1) || rows_so_far + rows[i + 1] > max_rows => true,
            Some(next) => (so_far - target).abs() <= (so_far + next.length_km() - target).abs(),
        };
        if close {
            // A short tail at the eastern end joins the window before it, unless that makes a long or full one.
            let merge = i + 1 == segs.len()
                && so_far < 0.5 * target
                && out.last().is_some_and(|w| {
                    let joined_rows: usize = rows[w.segments.start..=i].iter().sum();
                    (w.segments.len() > 1 || !long(w.segments.start))
                        && segs[i].to_km - w.from_km <= 1.5 * target
                        && joined_rows <= max_rows
                });
            match out.last_mut() {
                Some(w) if merge => {
                    w.to_km = segs[i].to_km;
                    w.segments.end = i + 1;
                }
                _ => out.push(Window { from_km: segs[start].from_km, to_km: segs[i].to_km, segments: start..i + 1 }),
            }
            start = i + 1;
            rows_so_far = 0;
        }
    }
    if let Some(first) = out.first_mut() {
        first.from_km = 0.0;
    }
    if let Some(last) = out.last_mut() {
        last.to_km = length;
    }
    out
}

/// The window (index) listing an assignment on `target`, or `None` when the target is not in the plan.
fn window_of(plan: &Plan, windows: &[Window], target: &Target) -> Option<usize> {
    let (from, _) = plan.target_extent_km(target)?;
    Some(windows.partition_point(|w| w.from_km <= from).saturating_sub(1))
}

/// The parts of `gaps` inside [a, b].
fn clipped(gaps: &[(f64, f64)], a: f64, b: f64) -> Vec<(f64, f64, bool)> {
    gaps.iter()
        .filter_map(|&(g0, g1)| {
            let (x, y) = (g0.max(a), g1.min(b));
            (y - x > 1e-9).then_some((x, y, x > g0 + 1e-9 || y < g1 - 1e-9))
        })
        .collect()
}

/// "SEG-001–SEG-004", "SEG-007" or "none".
fn segment_span(plan: &Plan, w: &Window) -> String {
    let segs = &plan.segments.segments()[w.segments.clone()];
    match (segs.first(), segs.last()) {
        (Some(a), Some(b)) if a.id == b.id => a.id.clone(),
        (Some(a), Some(b)) => format!("{}–{}", a.id, b.id),
        _ => "none".to_owned(),
    }
}

/// The one-line heading of a sheet: "km 0.0–88.9 · segments SEG-001–SEG-004 · 12 assignments · 1 gap".
fn heading(plan: &Plan, w: &Window, assignments: usize, gaps: usize) -> String {
    let segs = w.segments.len();
    format!(
        "km {}–{} · {} {} · {} · {}",
        km1(w.from_km),
        km1(w.to_km),
        if segs == 1 { "segment" } else { "segments" },
        segment_span(plan, w),
        counted(assignments, "assignment", "assignments"),
        counted(gaps, "gap", "gaps")
    )
}

/// The sheets' contents, computed once for the table of contents and the sheets.
pub(crate) struct Sheets<'a> {
    windows: Vec<Window>,
    /// Per window, its assignments sorted by chainage, stage, quarter and id.
    rows: Vec<Vec<&'a Assignment>>,
    /// Assignments whose target is not in the plan.
    unplaced: Vec<&'a Assignment>,
    /// Stage-3 gaps, km.
    gaps: Vec<(f64, f64)>,
}

impl<'a> Sheets<'a> {
    pub(crate) fn new(plan: &'a Plan, gaps: &[(f64, f64)]) -> Self {
        let windows = windows(plan, SHEET_KM, SHEET_ROWS);
        let mut rows: Vec<Vec<(f64, &Assignment)>> = vec![Vec::new(); windows.len()];
        let mut unplaced = Vec::new();
        for a in plan.assignments.iter() {
            match window_of(plan, &windows, &a.target).zip(plan.target_extent_km(&a.target)) {
                Some((i, (from, _))) => rows[i].push((from, a)),
                None => unplaced.push(a),
            }
        }
        let rows = rows
            .into_iter()
            .map(|mut r| {
                r.sort_by(|(ka, a), (kb, b)| {
                    ka.total_cmp(kb)
                        .then(a.target.id().cmp(b.target.id()))
                        .then(a.stage.cmp(&b.stage))
                        .then(a.quarter.cmp(&b.quarter))
                        .then(a.id.cmp(&b.id))
                });
                r.into_iter().map(|(_, a)| a).collect()
            })
            .collect();
        Self { windows, rows, unplaced, gaps: gaps.to_vec() }
    }

    /// The linked table of contents, for the top of the report.
    pub(crate) fn toc(&self, plan: &Plan) -> String {
        let mut h = String::new();
        let _ = writeln!(
            h,
            "<section id=\"sheet-index\">\n<h2>Section sheets</h2>\n<p class=\"muted\">{}, one per printed page, of about \
             {} km of border each (fewer segments where assignments are dense): a map strip of the stretch, its \
             assignments and its stage-3 coverage gaps.</p>\n<ol class=\"toc\">",
            counted(self.windows.len(), "sheet", "sheets"),
            SHEET_KM
        );
        for (i, w) in self.windows.iter().enumerate() {
            let gaps = clipped(&self.gaps, w.from_km, w.to_km).len();
            let _ = writeln!(
                h,
                "<li><a href=\"#sheet-{}\">{}</a></li>",
                i + 1,
                esc(&heading(plan, w, self.rows[i].len(), gaps))
            );
        }
        h.push_str("</ol>\n</section>\n");
        h
    }

    /// Every sheet, in a `<section id="sheets">`.
    pub(crate) fn html(&self, plan: &Plan, base: Option<&BaseData>) -> String {
        let mut h = String::with_capacity(64 * 1024 * self.windows.len().max(1));
        h.push_str("<section id=\"sheets\">\n");
        let n = self.windows.len();
        for (i, w) in self.windows.iter().enumerate() {
            let gaps = clipped(&self.gaps, w.from_km, w.to_km);
            let rows = &self.rows[i];
            let _ = writeln!(
                h,
                "<section class=\"sheet\" id=\"sheet-{k}\" data-from-km=\"{}\" data-to-km=\"{}\">\n\
                 <h2><span class=\"sheet-no\">Sheet {k} of {n}</span>{}</h2>",
                w.from_km,
                w.to_km,
                esc(&heading(plan, w, rows.len(), gaps.len())),
                k = i + 1
            );
            let segs = &plan.segments.segments()[w.segments.clone()];
            let mut places: Vec<String> = Vec::new();
            for s in segs {
                let place = format!("{} / {}", s.tajik_region, s.afghan_province);
                if !s.tajik_region.is_empty() && !places.contains(&place) {
                    places.push(place);
                }
            }
            let mut meta = Vec::new();
            if !places.is_empty() {
                meta.push(format!("Tajik region / Afghan province: {}", esc(&places.join(" · "))));
            }
            if gaps.is_empty() {
                meta.push("No stage-3 coverage gap in this window.".to_owned());
            }
            if !meta.is_empty() {
                let _ = writeln!(h, "<p class=\"meta\">{}</p>", meta.join(" · "));
            }
            h.push_str("<figure class=\"strip\">\n");
            h.push_str(&super::svg::window_map_svg_inline(
                plan,
                base,
                (w.from_km, w.to_km),
                STRIP_W,
                STRIP_H,
                &self.gaps,
                &format!("sheet-{}-map", i + 1),
            ));
            h.push_str("</figure>\n");
            segments_line(&mut h, plan, w);
            h.push_str("<div class=\"sheet-tables\">\n<div class=\"sheet-assignments\">\n");
            assignments_table(&mut h, plan, rows);
            h.push_str("</div>\n");
            if !gaps.is_empty() {
                h.push_str("<div class=\"sheet-side\">\n");
                gaps_table(&mut h, &gaps, &self.gaps);
                h.push_str("</div>\n");
            }
            h.push_str("</div>\n</section>\n");
        }
        if !self.unplaced.is_empty() {
            h.push_str(
                "<section class=\"sheet\" id=\"sheet-unplaced\">\n<h2>Assignments whose target is not in the plan</h2>\n",
            );
            assignments_table(&mut h, plan, &self.unplaced);
            h.push_str("</section>\n");
        }
        h.push_str("</section>\n");
        h
    }
}

fn assignments_table(h: &mut String, plan: &Plan, rows: &[&Assignment]) {
    if rows.is_empty() {
        h.push_str("<p class=\"muted\">No assignments in this window.</p>\n");
        return;
    }
    h.push_str(
        "<table class=\"compact\">\n<thead><tr><th>ID</th><th>Target</th><th class=\"n\">km</th><th>Equipment</th>\
         <th class=\"n\">Quantity</th><th>Stage</th><th>Supplier</th><th>Quarter</th><th>Status</th>\
         <th class=\"n\">Cost (USD)</th><th>Note</th></tr></thead>\n<tbody>\n",
    );
    for a in rows {
        let eq = plan.catalog.get(&a.equipment_id);
        let km = target_km(plan, &a.target);
        // Segments are named in the sheet's segment table; an outpost's name says where it is.
        let name = match &a.target {
            Target::Outpost(_) => plan.target_name(&a.target).map(|n| format!(" ({n})")).unwrap_or_default(),
            Target::Segment(_) => String::new(),
        };
        let unit = eq.map(|t| t.unit.as_str()).unwrap_or("");
        let _ = writeln!(
            h,
            "<tr data-assignment=\"{id}\"><td class=\"nw\">{id}</td><td class=\"nw\">{}{}</td><td class=\"n\">{km}</td><td>{}</td>\
             <td class=\"n\">{}</td><td class=\"nw\">{}{}</td><td>{}</td><td class=\"nw\">{}</td><td>{}</td>\
             <td class=\"n\">{}</td><td>{}</td></tr>",
            esc(a.target.id()),
            esc(&name),
            esc(equipment_name(plan, a)),
            esc(format!("{} {unit}", fmt_qty(a.quantity)).trim_end()),
            chip(stage_rgb(Some(a.stage))),
            a.stage.number(),
            esc(&a.supplier),
            a.quarter,
            a.status,
            assignment_cost(plan, a).map(usd).unwrap_or_default(),
            esc(&a.note),
            id = esc(&a.id),
        );
    }
    let cost: f64 = rows.iter().filter_map(|a| assignment_cost(plan, a)).sum();
    let _ = writeln!(
        h,
        "</tbody>\n<tfoot><tr><td colspan=\"9\">{}</td><td class=\"n\">{}</td><td></td></tr></tfoot>\n</table>",
        counted(rows.len(), "assignment", "assignments"),
        usd(cost)
    );
}

fn gaps_table(h: &mut String, gaps: &[(f64, f64, bool)], all: &[(f64, f64)]) {
    h.push_str("<h3>Coverage gaps at the end of stage 3</h3>\n");
    h.push_str(
        "<table class=\"compact gaps\">\n<thead><tr><th class=\"n\">From km</th><th class=\"n\">To km</th>\
         <th class=\"n\">Length km</th><th>Whole gap km</th></tr></thead>\n<tbody>\n",
    );
    for &(a, b, cut) in gaps {
        let whole = if cut {
            all.iter()
                .find(|g| g.0 <= a + 1e-9 && g.1 >= b - 1e-9)
                .map(|g| format!("{}–{}", km1(g.0), km1(g.1)))
                .unwrap_or_default()
        } else {
            "entire".to_owned()
        };
        let _ = writeln!(
            h,
            "<tr data-gap-from=\"{a}\" data-gap-to=\"{b}\"><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"nw\">{}</td></tr>",
            km1(a),
            km1(b),
            km1(b - a),
            esc(&whole)
        );
    }
    let total: f64 = gaps.iter().map(|g| g.1 - g.0).sum();
    let _ = writeln!(
        h,
        "</tbody>\n<tfoot><tr><td colspan=\"2\">Total</td><td class=\"n\">{}</td><td></td></tr></tfoot>\n</table>",
        km1(total)
    );
}

/// The window's segments in one line: id, km and stage colour (the name shows on hover).
fn segments_line(h: &mut String, plan: &Plan, w: &Window) {
    let segs = &plan.segments.segments()[w.segments.clone()];
    if segs.is_empty() {
        return;
    }
    let items: Vec<String> = segs
        .iter()
        .map(|s| {
            let stage = plan.target_stage(&Target::Segment(s.id.clone()), None);
            let label = stage.map_or_else(|| "unplanned".to_owned(), |st| format!("stage {}", st.number()));
            format!(
                "<span class=\"nw\" title=\"{}\">{}{} km {}–{}, {label}</span>",
                esc(&s.name),
                chip(stage_rgb(stage)),
                esc(&s.id),
                km1(s.from_km),
                km1(s.to_km),
            )
        })
        .collect();
    let _ = writeln!(h, "<p class=\"sheet-segments\">Segments: {}</p>", items.join(" · "));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Segment, Segmentation};

    fn plan_with_segments(bounds: &[f64]) -> Plan {
        let mut plan = crate::io::bundled::example_plan().unwrap();
        let length = plan.border.length_km();
        let mut b: Vec<f64> = bounds.iter().copied().filter(|&k| k < length).collect();
        b.push(length);
        let segs = b
            .windows(2)
            .enumerate()
            .map(|(i, w)| Segment {
                id: format!("S{i:02}"),
                name: String::new(),
                from_km: w[0],
                to_km: w[1],
                tajik_region: String::new(),
                afghan_province: String::new(),
                extra: Default::default(),
            })
            .collect();
        plan.segments = Segmentation::from_segments(segs, length).unwrap();
        plan
    }

    fn assert_partition(plan: &Plan, ws: &[Window]) {
        assert_eq!(ws[0].from_km, 0.0);
        assert_eq!(ws.last().unwrap().to_km, plan.border.length_km());
        for p in ws.windows(2) {
            assert_eq!(p[0].to_km, p[1].from_km);
        }
    }

    #[test]
    fn windows_follow_segment_boundaries_near_the_target_length() {
        let plan = crate::io::bundled::example_plan().unwrap();
        let ws = windows(&plan, 100.0, usize::MAX);
        assert_partition(&plan, &ws);
        let bounds: Vec<f64> = plan.segments.segments().iter().map(|s| s.from_km).collect();
        for w in &ws[1..] {
            assert!(bounds.contains(&w.from_km), "{w:?} does not start on a segment boundary");
        }
        for w in &ws {
            assert!((60.0..=150.0).contains(&(w.to_km - w.from_km)), "{w:?}");
        }
    }

    #[test]
    fn a_window_closes_early_rather_than_overflow_its_page() {
        let plan = crate::io::bundled::example_plan().unwrap();
        let ws = windows(&plan, 100.0, 12);
        assert_partition(&plan, &ws);
        assert!(ws.len() > windows(&plan, 100.0, usize::MAX).len(), "the example plan has dense stretches");
        for (i, w) in ws.iter().enumerate() {
            let rows = plan.assignments.iter().filter(|a| window_of(&plan, &ws, &a.target) == Some(i)).count();
            assert!(rows <= 12 || w.segments.len() == 1, "{w:?} holds {rows} assignments");
            assert!(w.to_km - w.from_km <= 150.0, "{w:?}");
        }
    }

    #[test]
    fn a_single_segment_border_is_cut_into_equal_windows() {
        let plan = plan_with_segments(&[0.0]);
        let ws = windows(&plan, 100.0, usize::MAX);
        assert_partition(&plan, &ws);
        assert_eq!(ws.len(), (plan.border.length_km() / 100.0).ceil() as usize);
        assert!(ws.iter().all(|w| w.to_km - w.from_km <= 100.0 + 1e-9 && w.segments == (0..1)));
    }

    #[test]
    fn a_short_eastern_tail_joins_the_window_before_it() {
        let length = crate::io::bundled::example_plan().unwrap().border.length_km();
        // A long first segment (cut into equal windows), a 105 km one, then a 40 km tail.
        let plan = plan_with_segments(&[0.0, length - 145.0, length - 40.0]);
        let ws = windows(&plan, 100.0, usize::MAX);
        assert_partition(&plan, &ws);
        let last = ws.last().unwrap();
        assert!((last.from_km - (length - 145.0)).abs() < 1e-9, "{last:?}");
        assert_eq!(last.segments, 1..3);
        assert!(ws[..ws.len() - 1].iter().all(|w| w.segments == (0..1) && w.to_km - w.from_km <= 100.0 + 1e-9));
    }
}
