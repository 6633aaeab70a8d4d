//! CSV export: one row per assignment (RFC 4180, UTF-8, CRLF line ends as the RFC says). Every row has one point:
//! `lon`/`lat` (the outpost, or a segment's midpoint on the border), which QGIS's "Delimited text" reader takes
//! as the geometry by itself, and the same point as `wkt`, the column GDAL (and so QGIS on drag-and-drop) takes
//! as the geometry: either way every row becomes a point feature. The target's own geometry (the POINT, or the
//! segment's LINESTRING) is in `target_wkt`, a name neither takes: a geometry column of mixed POINT and
//! LINESTRING rows is split by type and QGIS shows only the first type's rows.
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and some also after a leading tab or carriage
//! return) as a formula, so a note like `=HYPERLINK(…)` from another agency's plan would run on opening. Every
//! text cell that starts with one of those characters is written with a leading `'` (the OWASP rule for CSV
//! injection); numeric cells are written as numbers and never changed.

use super::{ExportError, TargetGeometry, fmt_trim, fmt6, target_geometry};
use crate::model::{Plan, Target};

/// The header row.
pub const HEADER: [&str; 21] = [
    "assignment_id",
    "target_id",
    "target_name",
    "kind",
    "from_km",
    "to_km",
    "lon",
    "lat",
    "wkt",
    "target_wkt",
    "equipment_id",
    "equipment_name",
    "category",
    "quantity",
    "unit",
    "stage",
    "supplier",
    "quarter",
    "status",
    "note",
    "geometry_source",
];

fn wkt(g: &TargetGeometry) -> String {
    match g {
        TargetGeometry::Point(x, y) => format!("POINT ({} {})", fmt6(*x), fmt6(*y)),
        TargetGeometry::Line(pts) => {
            let body = pts.iter().map(|(x, y)| format!("{} {}", fmt6(*x), fmt6(*y))).collect::<Vec<_>>().join(", ");
            format!("LINESTRING ({body})")
        }
    }
}

/// Characters that make a spreadsheet read a cell as a formula when they come first.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell made safe to open in a spreadsheet: prefixed with `'` when it would start a formula.
pub fn neutralise_text_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) { format!("'{text}").into() } else { text.into() }
}

/// The export as CSV text.
pub fn to_string(plan: &Plan) -> Result<String, ExportError> {
    let err = |e: ::csv::Error| ExportError::Csv(e.to_string());
    let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(HEADER).map_err(err)?;
    // Each target's WKT is written once per target, then reused for its other rows.
    let mut wkts: std::collections::HashMap<&Target, String> = std::collections::HashMap::new();
    // A segment's geometry is a piece of the border line: on the bundled line, its source is credited per row
    // (a CSV has no other place for it that every reader keeps).
    let line_credit = crate::io::bundled::border_attribution(plan).map(|c| format!("Border: {c}")).unwrap_or_default();
    for a in &plan.assignments {
        let extent = plan.target_extent_km(&a.target);
        let (from_km, to_km) = match extent {
            Some((f, t)) => (fmt_trim(f, 3), fmt_trim(t, 3)),
            None => (String::new(), String::new()),
        };
        let geometry = wkts
            .entry(&a.target)
            .or_insert_with(|| target_geometry(plan, &a.target).as_ref().map(wkt).unwrap_or_default());
        let (lon, lat) = match (&a.target, extent) {
            (Target::Outpost(id), _) => plan.outpost(id).map(|o| (o.position.x(), o.position.y())).unzip(),
            (Target::Segment(_), Some((f, t))) => {
                let p = plan.border.point_at_km(0.5 * (f + t));
                (Some(p.x()), Some(p.y()))
            }
            (Target::Segment(_), None) => (None, None),
        };
        let eq = plan.catalog.get(&a.equipment_id);
        let text = |s: &str| neutralise_text_cell(s).into_owned();
        let record = [
            text(&a.id),
            text(a.target.id()),
            text(plan.target_name(&a.target).unwrap_or("")),
            a.target.kind().to_owned(),
            from_km,
            to_km,
            lon.map(fmt6).unwrap_or_default(),
            lat.map(fmt6).unwrap_or_default(),
            lon.zip(lat).map(|(x, y)| wkt(&TargetGeometry::Point(x, y))).unwrap_or_default(),
            geometry.clone(),
            text(&a.equipment_id),
            eq.map(|t| text(&t.name)).unwrap_or_default(),
            eq.map(|t| t.category.label().to_owned()).unwrap_or_default(),
            if a.quantity.is_finite() { a.quantity.to_string() } else { String::new() },
            eq.map(|t| text(&t.unit)).unwrap_or_default(),
            a.stage.number().to_string(),
            text(&a.supplier),
            a.quarter.to_string(),
            a.status.label().to_owned(),
            text(&a.note),
            if matches!(a.target, Target::Segment(_)) { line_credit.clone() } else { String::new() },
        ];
        w.write_record(&record).map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| ExportError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ExportError::Csv(e.to_string()))
}
