//! KML 2.2 export for Google Earth: one Placemark per assignment in a folder per stage, plus the stage-3
//! coverage gaps. Each assignment has a `TimeSpan` from the start of its delivery quarter to the end of its
//! stage window, so the time slider plays the rollout.

use super::{
    TargetGeometry, assignment_cost, equipment_name, escape_xml, fmt_qty, fmt_thousands, fmt_trim, fmt6,
    target_geometry,
};
use crate::model::palette::{GAP, Rgb, UNPLANNED, stage_rgb};
use crate::model::{Assignment, Plan, Stage};
use std::fmt::Write as _;

/// KML colours are aabbggrr.
fn kml_color(c: Rgb, alpha: u8) -> String {
    format!("{alpha:02x}{:02x}{:02x}{:02x}", c[2], c[1], c[0])
}

fn style(out: &mut String, id: &str, c: Rgb, line_width: f64) {
    let _ = write!(
        out,
        "    <Style id=\"{id}\">\n      <IconStyle><color>{}</color><scale>1.1</scale></IconStyle>\n      \
         <LineStyle><color>{}</color><width>{line_width}</width></LineStyle>\n      \
         <LabelStyle><scale>0.8</scale></LabelStyle>\n    </Style>\n",
        kml_color(c, 0xff),
        kml_color(c, 0xff),
    );
}

fn coords(g: &TargetGeometry) -> String {
    match g {
        TargetGeometry::Point(x, y) => format!("{},{}", fmt6(*x), fmt6(*y)),
        TargetGeometry::Line(pts) => {
            pts.iter().map(|(x, y)| format!("{},{}", fmt6(*x), fmt6(*y))).collect::<Vec<_>>().join(" ")
        }
    }
}

fn geometry_xml(out: &mut String, g: &TargetGeometry) {
    match g {
        TargetGeometry::Point(..) => {
            let _ = writeln!(out, "        <Point><coordinates>{}</coordinates></Point>", coords(g));
        }
        TargetGeometry::Line(_) => {
            let _ = writeln!(
                out,
                "        <LineString><tessellate>1</tessellate><coordinates>{}</coordinates></LineString>",
                coords(g)
            );
        }
    }
}

fn data(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "          <Data name=\"{}\"><value>{}</value></Data>", escape_xml(name), escape_xml(value));
}

/// Each target's geometry element, written once per target (a target has many assignments, a segment's line
/// has dozens of vertices).
type GeometryCache<'a> = std::collections::HashMap<&'a crate::model::Target, Option<String>>;

fn placemark<'a>(out: &mut String, plan: &Plan, a: &'a Assignment, geometries: &mut GeometryCache<'a>) {
    let geometry = geometries.entry(&a.target).or_insert_with(|| {
        target_geometry(plan, &a.target).map(|g| {
            let mut xml = String::new();
            geometry_xml(&mut xml, &g);
            xml
        })
    });
    let Some(geometry) = geometry.as_deref() else { return };
    let eq = plan.catalog.get(&a.equipment_id);
    let target_name = plan.target_name(&a.target).unwrap_or(a.target.id());
    let name = format!("{} × {} — {target_name}", equipment_name(plan, a), fmt_qty(a.quantity));
    let extent = plan
        .target_extent_km(&a.target)
        .map(|(f, t)| {
            if (t - f).abs() < 1e-9 {
                format!("km {}", fmt_trim(f, 1))
            } else {
                format!("km {}–{}", fmt_trim(f, 1), fmt_trim(t, 1))
            }
        })
        .unwrap_or_default();
    let unit = eq.map(|t| t.unit.as_str()).unwrap_or("");
    let mut lines = vec![
        format!("Assignment {}", a.id),
        format!("{} {} ({target_name}, {extent})", a.target.kind(), a.target.id()),
        format!(
            "Equipment: {} ({})",
            equipment_name(plan, a),
            eq.map(|t| t.category.label()).unwrap_or("unknown equipment")
        ),
        format!("Quantity: {} {unit}", fmt_qty(a.quantity)),
        format!("{} ({}), delivery {}", a.stage, a.stage.years(), a.quarter),
        format!("Supplier: {}", a.supplier),
        format!("Status: {}", a.status),
    ];
    if let Some(c) = assignment_cost(plan, a) {
        lines.push(format!("Cost: USD {}", fmt_thousands(c)));
    }
    if !a.note.is_empty() {
        lines.push(format!("Note: {}", a.note));
    }
    // Google Earth renders the description as HTML; the escaped <br> becomes a line break there and stays
    // harmless text elsewhere, while everything from the plan is escaped twice over (never live markup).
    let description =
        lines.iter().map(|l| escape_xml(&escape_xml(l)).into_owned()).collect::<Vec<_>>().join("&lt;br&gt;");
    let (_, window_end) = a.stage.window();
    let end = if a.quarter > window_end { a.quarter } else { window_end };
    let _ = write!(
        out,
        "      <Placemark id=\"{}\">\n        <name>{}</name>\n        <description>{description}</description>\n        \
         <TimeSpan><begin>{}</begin><end>{}</end></TimeSpan>\n        <styleUrl>#stage{}</styleUrl>\n        <ExtendedData>\n",
        escape_xml(&xml_id(&a.id)),
        escape_xml(&name),
        a.quarter.start_date(),
        end.end_date(),
        a.stage.number(),
    );
    data(out, "assignment_id", &a.id);
    data(out, "target_id", a.target.id());
    data(out, "kind", a.target.kind());
    data(out, "equipment_id", &a.equipment_id);
    data(out, "quantity", &fmt_qty(a.quantity));
    data(out, "unit", unit);
    data(out, "stage", &a.stage.number().to_string());
    data(out, "supplier", &a.supplier);
    data(out, "quarter", &a.quarter.to_string());
    data(out, "status", a.status.label());
    data(out, "note", &a.note);
    out.push_str("        </ExtendedData>\n");
    out.push_str(geometry);
    out.push_str("      </Placemark>\n");
}

/// An XML id: letters, digits, `-`, `_`, `.`, starting with a letter or `_`.
fn xml_id(s: &str) -> String {
    let body: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    if body.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') { body } else { format!("_{body}") }
}

/// The export as KML text.
pub fn to_string(plan: &Plan) -> String {
    to_string_with(plan, None)
}

/// As [`to_string`], with the gaps of `basis` (line of sight) when given.
pub fn to_string_with(plan: &Plan, basis: Option<&super::CoverageBasis>) -> String {
    document(plan, &plan.meta.title, |_| true, true, basis)
}

/// A KML document called `name` with the assignments that pass `keep` (in stage folders) and, with `gaps`, the
/// stage-3 coverage gaps (of `basis` when given): the whole export, or one stage or one outpost of a TAK data
/// package.
pub fn document(
    plan: &Plan,
    name: &str,
    keep: impl Fn(&Assignment) -> bool,
    gaps: bool,
    basis: Option<&super::CoverageBasis>,
) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n  <Document>\n",
    );
    let _ = writeln!(out, "    <name>{}</name>", escape_xml(name));
    let mut doc = format!(
        "Equipment rollout along the Tajikistan–Afghanistan border: {} assignments, border length {} km.",
        plan.assignments.len(),
        fmt_trim(plan.border.length_km(), 1)
    );
    if plan.outposts.iter().any(|o| o.sample) {
        doc.push_str(" Outpost positions are illustrative sample data.");
    }
    if let Some(credit) = crate::io::bundled::border_attribution(plan) {
        doc.push_str(&format!(" Border: {credit}."));
    }
    let _ = writeln!(out, "    <description>{}</description>", escape_xml(&doc));
    for s in Stage::ALL {
        style(&mut out, &format!("stage{}", s.number()), stage_rgb(Some(s)), 5.0);
    }
    style(&mut out, "gap", GAP, 4.0);
    style(&mut out, "unplanned", UNPLANNED, 2.0);
    let mut geometries = GeometryCache::new();
    for stage in Stage::ALL {
        let list: Vec<&Assignment> = plan.assignments.iter().filter(|a| a.stage == stage && keep(a)).collect();
        if list.is_empty() && (stage == Stage::One || !gaps) {
            continue;
        }
        let _ = write!(
            out,
            "    <Folder>\n      <name>Stage {}</name>\n      <description>{}</description>\n",
            stage.number(),
            escape_xml(&format!(
                "{} ({}): {}",
                stage.description(),
                stage.years(),
                crate::io::format::count(list.len(), "assignment", "assignments")
            ))
        );
        for a in list {
            placemark(&mut out, plan, a, &mut geometries);
        }
        out.push_str("    </Folder>\n");
    }
    if !gaps {
        out.push_str("  </Document>\n</kml>\n");
        return out;
    }
    let gaps = super::stage3_gaps(plan, basis);
    let _ = write!(
        out,
        "    <Folder>\n      <name>Coverage gaps</name>\n      <description>{}</description>\n",
        escape_xml(&format!(
            "{} stretch(es) without surveillance by the end of stage 3. {}",
            gaps.len(),
            super::basis_label(basis)
        ))
    );
    for (i, &(a, b)) in gaps.iter().enumerate() {
        let line = TargetGeometry::Line(plan.border.substring(a, b).0.iter().map(|c| (c.x, c.y)).collect());
        let _ = write!(
            out,
            "      <Placemark id=\"GAP-{:02}\">\n        <name>Coverage gap km {}–{}</name>\n        \
             <description>{}</description>\n        <styleUrl>#gap</styleUrl>\n",
            i + 1,
            fmt_trim(a, 1),
            fmt_trim(b, 1),
            escape_xml(&format!("No surveillance by the end of stage 3 over {} km", fmt_trim(b - a, 1))),
        );
        geometry_xml(&mut out, &line);
        out.push_str("      </Placemark>\n");
    }
    out.push_str("    </Folder>\n  </Document>\n</kml>\n");
    out
}
