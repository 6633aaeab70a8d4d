//! The HTML report: one self-contained file (inline CSS, inline SVG map, no scripts, no external resources)
//! that opens offline in any browser and prints on A4 landscape. It closes with the section sheets (see
//! `html_sections`): one printed page per ~100 km of border with a map strip, assignments and gaps.

use super::{assignment_cost, equipment_name, escape_xml as esc, fmt_qty, fmt_thousands, stage_label};
use crate::io::bundled::BaseData;
use crate::model::members::lookup;
use crate::model::palette::{GAP, hex, stage_rgb};
use crate::model::rules::check;
use crate::model::{Plan, Severity, Stage, Target, Totals, summarize};
use serde_json::Value;
use std::fmt::Write as _;

/// Width and height of the inline map, px (scaled to the page width by CSS).
const MAP_W: u32 = 1120;
const MAP_H: u32 = 600;

const CSS: &str = r#"
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d5d5d5; --head: #f1f1ef; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "Helvetica Neue", Helvetica, Arial, sans-serif; color: var(--ink); margin: 24px auto; max-width: 1180px; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid var(--ink); padding-bottom: 2px; }
p.meta { color: var(--muted); margin: 0 0 12px; }
nav { font-size: 13px; margin: 8px 0 16px; }
nav a { color: #0a58a8; margin-right: 12px; text-decoration: none; }
.note { background: #fff6d6; border-left: 4px solid #e69f00; padding: 8px 12px; margin: 12px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 14px; min-width: 160px; }
.card .v { font-size: 22px; font-weight: 600; }
.card .k { color: var(--muted); font-size: 12px; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { border: 1px solid var(--rule); padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: var(--head); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nw { white-space: nowrap; }
tfoot td { font-weight: 600; background: #fafafa; }
.chip { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: baseline; }
.sev-error { color: #b00020; font-weight: 600; }
.sev-warning { color: #9a5b00; font-weight: 600; }
.sev-info { color: var(--muted); }
.muted { color: var(--muted); }
ol.toc { columns: 2; column-gap: 32px; font-size: 13px; margin: 6px 0 12px; padding-left: 28px; }
ol.toc li { break-inside: avoid; page-break-inside: avoid; }
ol.toc a { color: #0a58a8; text-decoration: none; }
section.sheet { break-before: page; page-break-before: always; margin-top: 40px; }
section.sheet h2 { font-size: 16px; margin-top: 0; }
section.sheet h2 .sheet-no { float: right; font-size: 12px; font-weight: normal; color: var(--muted); padding-top: 3px; }
section.sheet h3 { font-size: 13px; margin: 0 0 4px; }
p.sheet-segments { font-size: 12px; margin: 4px 0 6px; }
span.nw { white-space: nowrap; }
section.sheet p.meta { margin-bottom: 6px; }
.sheet-tables { display: flex; gap: 14px; align-items: flex-start; margin-top: 6px; }
.sheet-assignments { flex: 1 1 auto; min-width: 0; }
.sheet-side { flex: 0 0 auto; }
table.compact { font-size: 12px; line-height: 1.3; margin-top: 0; }
table.compact th, table.compact td { padding: 2px 4px; }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; border-top: 1px solid var(--rule); padding-top: 6px; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav { display: none; }
  section.big { break-before: page; page-break-before: always; }
  thead { display: table-header-group; }
  tr, .card, figure, .note { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure svg { max-height: 165mm; }
  section.sheet { margin-top: 0; }
  section.sheet figure.strip svg { max-height: 88mm; }
  table.compact, p.sheet-segments { font-size: 8pt; line-height: 1.2; }
  table.compact th, table.compact td { padding: 1px 3px; }
  a { color: inherit; }
}
"#;

/// "2026-11-22 14:05 UTC", for the report header.
pub fn now_utc_label() -> String {
    let now = time::OffsetDateTime::now_utc();
    format!("{} {:02}:{:02} UTC", now.date(), now.hour(), now.minute())
}

/// "2026-11-30T14:05:09.123456789Z" as "2026-11-30 14:05 UTC" (an offset other than UTC is kept as written);
/// anything that is not an RFC 3339 timestamp is shown as it is.
pub fn readable_timestamp(raw: &str) -> String {
    let b = raw.as_bytes();
    let looks_like = b.len() >= 16 && b[4] == b'-' && b[7] == b'-' && (b[10] == b'T' || b[10] == b' ') && b[13] == b':';
    if !looks_like {
        return raw.to_owned();
    }
    let zone = match raw.rfind(['+', 'Z']).filter(|&i| i > 16) {
        Some(i) if matches!(&raw[i..], "Z" | "+00:00") => " UTC".to_owned(),
        Some(i) => format!(" {}", &raw[i..]),
        None => raw.rfind('-').filter(|&i| i > 16).map(|i| format!(" {}", &raw[i..])).unwrap_or_default(),
    };
    format!("{} {}{zone}", &raw[..10], &raw[11..16])
}

pub(super) fn km1(x: f64) -> String {
    format!("{x:.1}")
}

/// A target's chainage: one km for an outpost, "from–to" for a segment, "?" when the target is gone.
pub(super) fn target_km(plan: &Plan, target: &crate::model::Target) -> String {
    match plan.target_extent_km(target) {
        Some((f, t)) if (t - f).abs() < 1e-9 => km1(f),
        Some((f, t)) => format!("{}–{}", km1(f), km1(t)),
        None => "?".into(),
    }
}

pub(super) fn usd(x: f64) -> String {
    fmt_thousands(x)
}

pub(super) fn chip(rgb: [u8; 3]) -> String {
    format!("<span class=\"chip\" style=\"background:{}\"></span>", hex(rgb))
}

fn totals_cells(t: &Totals) -> String {
    format!(
        "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
        t.assignments,
        fmt_qty(t.quantity),
        usd(t.cost_usd)
    )
}

/// The report. `generated` is shown as the generation date (callers pass [`now_utc_label`]).
pub fn report(plan: &Plan, base: Option<&BaseData>, generated: &str) -> String {
    report_with(plan, base, generated, None)
}

/// As [`report`], with coverage, gaps and findings from `basis` (line of sight) when given.
pub fn report_with(
    plan: &Plan,
    base: Option<&BaseData>,
    generated: &str,
    basis: Option<&super::CoverageBasis>,
) -> String {
    let (summary, findings) = match basis {
        Some(b) => (
            crate::model::summary::summarize_with_coverage(plan, &[b.stage2.clone(), b.stage3.clone()]),
            b.findings.clone(),
        ),
        None => (summarize(plan), check(plan)),
    };
    let length = plan.border.length_km();
    let title = if plan.meta.title.trim().is_empty() { "Untitled plan" } else { plan.meta.title.as_str() };
    let mut h = String::with_capacity(512 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"borderplan {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        esc(title)
    );

    // Header.
    let _ = writeln!(h, "<header>\n<h1>{}</h1>", esc(title));
    let mut meta = vec![
        format!("Generated {}", esc(generated)),
        format!("Border length {} km in the data, {} km official", km1(length), km1(summary.official_length_km)),
    ];
    if !plan.meta.author.trim().is_empty() {
        meta.push(format!("Author {}", esc(&plan.meta.author)));
    }
    if !plan.meta.modified.trim().is_empty() {
        meta.push(format!("Plan last modified {}", esc(&readable_timestamp(&plan.meta.modified))));
    }
    let _ = writeln!(h, "<p class=\"meta\">{}</p>", meta.join(" · "));
    let _ = writeln!(h, "<p class=\"meta\">{}</p>", esc(&summary.length_note));
    let _ = writeln!(h, "<p class=\"meta\">{}</p>", esc(&super::basis_label(basis)));
    if let Some(Value::String(note)) =
        plan.meta.extra.get("note").filter(|v| v.as_str().is_some_and(|s| !s.trim().is_empty()))
    {
        let _ = writeln!(h, "<p>{}</p>", esc(note));
    }
    h.push_str("</header>\n");
    h.push_str(
        "<nav><a href=\"#map\">Map</a><a href=\"#stages\">Stages</a><a href=\"#suppliers\">Suppliers</a>\
         <a href=\"#categories\">Categories</a><a href=\"#segments\">Segments</a><a href=\"#gaps\">Coverage gaps</a>\
         <a href=\"#findings\">Findings</a><a href=\"#assignments\">All assignments</a>\
         <a href=\"#sheet-index\">Section sheets</a></nav>\n",
    );
    let samples = plan.outposts.iter().filter(|o| o.sample).count();
    if samples > 0 {
        let _ = writeln!(
            h,
            "<p class=\"note\"><strong>Illustrative data.</strong> {samples} of {} outposts in this plan are sample \
             positions, not real border outposts; distances and coverage near them are illustrative only.</p>",
            plan.outposts.len()
        );
    }

    // Headline figures.
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.iter().filter(|f| f.severity == Severity::Warning).count();
    h.push_str("<section class=\"cards\">\n");
    let mut card = |v: String, k: &str| {
        let _ = writeln!(h, "<div class=\"card\"><div class=\"v\">{v}</div><div class=\"k\">{}</div></div>", esc(k));
    };
    card(summary.total.assignments.to_string(), "assignments");
    card(format!("USD {}", usd(summary.total.cost_usd)), "total cost (where unit cost is known)");
    for (key, st) in &summary.stages {
        card(format!("{:.1}%", st.coverage_pct), &format!("surveillance coverage at the end of stage {key}"));
    }
    card(format!("{errors} / {warnings}"), "rule errors / warnings");
    h.push_str("</section>\n");

    // The section sheets' table of contents (the sheets themselves close the report).
    let gaps3 = summary.stages.get("3").map(|s| s.gaps_km.clone()).unwrap_or_default();
    let sheets = super::html_sections::Sheets::new(plan, &gaps3);
    h.push_str(&sheets.toc(plan));

    // Map.
    h.push_str("<section id=\"map\">\n<h2>Map</h2>\n<figure>\n");
    h.push_str(&super::svg::plan_map_svg_inline(plan, base, MAP_W, MAP_H, &gaps3));
    let _ = writeln!(
        h,
        "<figcaption>Segments and outposts coloured by their earliest planned stage; stage-3 coverage gaps are \
         highlighted in {}vermillion. Ticks mark every 100 km of border chainage from the western end.</figcaption>\n</figure>\n</section>",
        chip(GAP)
    );

    // Stages.
    h.push_str("<section id=\"stages\" class=\"big\">\n<h2>Stages</h2>\n<table>\n<thead><tr><th>Stage</th><th>Years</th><th>Scope</th>\
        <th class=\"n\">Assignments</th><th class=\"n\">Quantity</th><th class=\"n\">Cost (USD)</th><th class=\"n\">Covered km</th>\
        <th class=\"n\">Coverage %</th><th class=\"n\">Gaps</th></tr></thead>\n<tbody>\n");
    for stage in Stage::DEPLOYMENT {
        let key = stage.number().to_string();
        let Some(st) = summary.stages.get(&key) else { continue };
        let _ = writeln!(
            h,
            "<tr><td>{}Stage {key}</td><td>{}</td><td>{}</td>{}<td class=\"n\">{}</td><td class=\"n\">{:.1}%</td><td class=\"n\">{}</td></tr>",
            chip(stage_rgb(Some(stage))),
            stage.years(),
            esc(stage.description()),
            totals_cells(&st.totals),
            km1(st.covered_km),
            st.coverage_pct,
            st.gaps_km.len()
        );
    }
    let _ = writeln!(
        h,
        "</tbody>\n<tfoot><tr><td colspan=\"3\">All stages</td>{}<td class=\"n\"></td><td class=\"n\"></td><td class=\"n\"></td></tr></tfoot>\n</table>\n\
         <p class=\"muted\">Coverage counts surveillance equipment with a detection range; equipment deployed in stage 2 \
         stays in place, so stage-3 coverage includes it. Quantities mix units (towers, sets, km) and are headline sums only.</p>\n</section>",
        totals_cells(&summary.total)
    );

    // Suppliers.
    h.push_str("<section id=\"suppliers\">\n<h2>By supplier</h2>\n<table>\n<thead><tr><th>Supplier</th><th>Participation</th>\
        <th class=\"n\">Assignments</th><th class=\"n\">Quantity</th><th class=\"n\">Cost (USD)</th></tr></thead>\n<tbody>\n");
    for (name, t) in &summary.by_supplier {
        let participation =
            lookup(name).map(|m| m.participation.to_string()).unwrap_or_else(|| "not a member state".into());
        let _ = writeln!(h, "<tr><td>{}</td><td>{}</td>{}</tr>", esc(name), esc(&participation), totals_cells(t));
    }
    h.push_str("</tbody>\n</table>\n</section>\n");

    // Categories.
    h.push_str("<section id=\"categories\">\n<h2>By category</h2>\n<table>\n<thead><tr><th>Category</th>\
        <th class=\"n\">Assignments</th><th class=\"n\">Quantity</th><th class=\"n\">Cost (USD)</th></tr></thead>\n<tbody>\n");
    for (name, t) in &summary.by_category {
        let _ = writeln!(h, "<tr><td>{}</td>{}</tr>", esc(name), totals_cells(t));
    }
    h.push_str("</tbody>\n</table>\n</section>\n");

    // Segments (every segment, planned or not).
    h.push_str("<section id=\"segments\" class=\"big\">\n<h2>By segment</h2>\n<table>\n<thead><tr><th>Segment</th><th>Name</th>\
        <th>Tajik region / Afghan province</th><th class=\"n\">From km</th><th class=\"n\">To km</th><th class=\"n\">Length km</th>\
        <th>Stage</th><th class=\"n\">Assignments</th><th class=\"n\">Quantity</th><th class=\"n\">Cost (USD)</th></tr></thead>\n<tbody>\n");
    for s in plan.segments.segments() {
        let stage = plan.target_stage(&Target::Segment(s.id.clone()), None);
        let t = summary.by_segment.get(&s.id).cloned().unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr><td class=\"nw\">{}</td><td>{}</td><td>{} / {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}{}</td>{}</tr>",
            esc(&s.id),
            esc(&s.name),
            esc(&s.tajik_region),
            esc(&s.afghan_province),
            km1(s.from_km),
            km1(s.to_km),
            km1(s.length_km()),
            chip(stage_rgb(stage)),
            stage_label(stage),
            totals_cells(&t)
        );
    }
    h.push_str("</tbody>\n</table>\n<p class=\"muted\">Outpost assignments count towards the segment the outpost lies on.</p>\n</section>\n");

    // Gaps.
    let gaps = summary.stages.get("3").map(|s| s.gaps_km.clone()).unwrap_or_default();
    let gap_total: f64 = gaps.iter().map(|(a, b)| b - a).sum();
    let _ = writeln!(
        h,
        "<section id=\"gaps\">\n<h2>Coverage gaps at the end of stage 3</h2>\n<p>{} gap(s), {} km of {} km without surveillance.</p>",
        gaps.len(),
        km1(gap_total),
        km1(length)
    );
    if !gaps.is_empty() {
        h.push_str("<table>\n<thead><tr><th class=\"n\">#</th><th class=\"n\">From km</th><th class=\"n\">To km</th><th class=\"n\">Length km</th><th>Segments</th></tr></thead>\n<tbody>\n");
        for (i, &(a, b)) in gaps.iter().enumerate() {
            let segs: Vec<&str> = plan
                .segments
                .segments()
                .iter()
                .filter(|s| s.to_km > a + 1e-9 && s.from_km < b - 1e-9)
                .map(|s| s.id.as_str())
                .collect();
            let _ = writeln!(
                h,
                "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                i + 1,
                km1(a),
                km1(b),
                km1(b - a),
                esc(&segs.join(", "))
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");

    // Findings.
    let _ = writeln!(
        h,
        "<section id=\"findings\">\n<h2>Rule findings</h2>\n<p>{errors} error(s), {warnings} warning(s), {} note(s).</p>",
        findings.len() - errors - warnings
    );
    if !findings.is_empty() {
        h.push_str(
            "<table>\n<thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Message</th></tr></thead>\n<tbody>\n",
        );
        for f in &findings {
            let place = match f.km {
                Some((a, b)) if (b - a).abs() < 1e-9 => format!("km {}", km1(a)),
                Some((a, b)) => format!("km {}–{}", km1(a), km1(b)),
                None => String::new(),
            };
            let _ = writeln!(
                h,
                "<tr><td class=\"sev-{sev}\">{sev}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                f.rule.code(),
                esc(&place),
                esc(&f.message),
                sev = f.severity
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");

    // Every assignment.
    h.push_str("<section id=\"assignments\" class=\"big\">\n<h2>All assignments</h2>\n<table>\n<thead><tr><th>ID</th><th>Target</th>\
        <th class=\"n\">km</th><th>Equipment</th><th>Category</th><th class=\"n\">Quantity</th><th>Unit</th><th>Stage</th><th>Supplier</th>\
        <th>Quarter</th><th>Status</th><th class=\"n\">Cost (USD)</th><th>Note</th></tr></thead>\n<tbody>\n");
    let mut sorted: Vec<_> = plan.assignments.iter().collect();
    sorted.sort_by(|a, b| {
        let ka = plan.target_extent_km(&a.target).map_or(f64::MAX, |e| e.0);
        let kb = plan.target_extent_km(&b.target).map_or(f64::MAX, |e| e.0);
        a.stage.cmp(&b.stage).then(a.quarter.cmp(&b.quarter)).then(ka.total_cmp(&kb)).then(a.id.cmp(&b.id))
    });
    for a in sorted {
        let eq = plan.catalog.get(&a.equipment_id);
        let km = target_km(plan, &a.target);
        let target =
            format!("{} {}", a.target.id(), plan.target_name(&a.target).map(|n| format!("({n})")).unwrap_or_default());
        let _ = writeln!(
            h,
            "<tr><td class=\"nw\">{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"nw\">{}{}</td>\
             <td>{}</td><td class=\"nw\">{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(&a.id),
            esc(target.trim()),
            km,
            esc(equipment_name(plan, a)),
            esc(eq.map(|t| t.category.label()).unwrap_or("unknown")),
            fmt_qty(a.quantity),
            esc(eq.map(|t| t.unit.as_str()).unwrap_or("")),
            chip(stage_rgb(Some(a.stage))),
            a.stage.number(),
            esc(&a.supplier),
            a.quarter,
            a.status,
            assignment_cost(plan, a).map(usd).unwrap_or_default(),
            esc(&a.note)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");

    // One sheet per chainage window, each on its own printed page.
    h.push_str(&sheets.html(plan, base));

    let _ = writeln!(
        h,
        "<footer>Made with borderplan {}. {}Lengths are geodesic (WGS84); chainage is measured from the western end of the border. \
         Coverage km: {}.</footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        crate::io::bundled::border_attribution(plan).map(|c| format!("Border: {}. ", esc(c))).unwrap_or_default(),
        summary
            .stages
            .iter()
            .map(|(k, s)| format!("stage {k} {} km ({:.1}%)", km1(s.covered_km), s.coverage_pct))
            .collect::<Vec<_>>()
            .join(", ")
    );
    h
}

#[cfg(test)]
mod timestamp_tests {
    use super::readable_timestamp;

    #[test]
    fn timestamps_are_shown_to_the_minute_without_nanoseconds() {
        assert_eq!(readable_timestamp("2026-11-30T14:05:09.123456789Z"), "2026-11-30 14:05 UTC");
        assert_eq!(readable_timestamp("2026-11-30T14:05:09+05:00"), "2026-11-30 14:05 +05:00");
        assert_eq!(readable_timestamp("2026-11-30T14:05:09.5-03:00"), "2026-11-30 14:05 -03:00");
        assert_eq!(readable_timestamp("last week"), "last week");
    }
}
