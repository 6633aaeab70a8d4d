//! Exports travel between agencies and are opened in spreadsheets, Google Earth and browsers: plan strings must
//! never become formulas or live markup there.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: a panic is a test failure

use borderplan::io::bundled::example_plan;
use borderplan::io::export::csv::neutralise_text_cell;
use borderplan::io::export::{ExportFormat, export_to_string};
use borderplan::model::{Edit, Plan, Target};

const FORMULAS: [&str; 6] = [
    "=HYPERLINK(\"http://example.invalid/x\",\"x\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
];

const MARKUP: &str = "<img src=x onerror=alert(1)> & <b>bold</b> \"q\" 'a'";

/// The example plan with a formula in the note of the first six assignments and in their supplier's place of the
/// seventh, and markup in an outpost's and a segment's name.
fn hostile_plan() -> Plan {
    let mut plan = example_plan().unwrap();
    let mut edited: Vec<_> = plan.assignments.iter().take(FORMULAS.len()).cloned().collect();
    for (a, f) in edited.iter_mut().zip(FORMULAS) {
        a.note = f.to_owned();
    }
    for a in edited {
        plan.apply(Edit::UpdateAssignment(a)).unwrap();
    }
    let outpost = plan.assignments.iter().find_map(|a| match &a.target {
        Target::Outpost(id) => Some(id.clone()),
        Target::Segment(_) => None,
    });
    let outpost = outpost.unwrap();
    let o = plan.outposts.iter_mut().find(|o| o.id == outpost).unwrap();
    o.name = format!("{MARKUP} outpost");
    let segment = plan.segments.segments()[0].id.clone();
    plan.apply(Edit::RenameSegment { id: segment, name: format!("{MARKUP} segment") }).unwrap();
    plan.catalog.types[0].name = format!("=cmd {MARKUP}");
    plan
}

#[test]
fn formula_cells_in_the_csv_export_are_neutralised_and_read_back_as_text() {
    let plan = hostile_plan();
    let text = export_to_string(&plan, ExportFormat::Csv).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
    for (row, f) in rows.iter().zip(FORMULAS) {
        let note = &row[col("note")];
        assert_eq!(note, format!("'{f}"), "the note {f:?} is not neutralised");
        // Stripping the one added quote gives back exactly what the plan holds.
        assert_eq!(note.strip_prefix('\'').unwrap(), f);
    }
    // No text cell of any row starts a formula.
    for row in &rows {
        for (name, cell) in headers.iter().zip(row.iter()) {
            let numeric = ["from_km", "to_km", "lon", "lat", "quantity", "stage"].contains(&name);
            if !numeric {
                assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{name} cell {cell:?} starts a formula");
            }
        }
    }
    let named = rows.iter().find(|r| r[col("equipment_id")] == *plan.catalog.types[0].id).unwrap();
    assert_eq!(&named[col("equipment_name")], format!("'=cmd {MARKUP}"));
}

#[test]
fn numbers_in_the_csv_export_stay_numbers_even_when_negative() {
    let mut plan = hostile_plan();
    let mut a = plan.assignments[0].clone();
    a.quantity = 2.5;
    plan.apply(Edit::UpdateAssignment(a)).unwrap();
    let text = export_to_string(&plan, ExportFormat::Csv).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[col("quantity")], "2.5");
    for c in ["lon", "lat", "from_km", "to_km", "stage"] {
        assert!(row[col(c)].parse::<f64>().is_ok(), "{c} = {:?} is not a number", &row[col(c)]);
    }
    // A negative number is a number, not a formula: only text is prefixed.
    assert_eq!(neutralise_text_cell("-2+3"), "'-2+3");
    assert_eq!(neutralise_text_cell("plain note"), "plain note");
    assert_eq!(neutralise_text_cell(""), "");
}

#[test]
fn markup_in_names_and_notes_is_escaped_in_the_html_report() {
    let mut plan = hostile_plan();
    let mut a = plan.assignments[0].clone();
    a.note = MARKUP.to_owned();
    plan.apply(Edit::UpdateAssignment(a)).unwrap();
    let html = export_to_string(&plan, ExportFormat::Html).unwrap();
    assert!(!html.contains("<img src=x"), "live markup from a plan string");
    assert!(!html.contains("<b>bold</b>"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"));
}

#[test]
fn markup_in_names_and_notes_is_escaped_in_the_kml_export() {
    let mut plan = hostile_plan();
    let mut a = plan.assignments[0].clone();
    a.note = MARKUP.to_owned();
    plan.apply(Edit::UpdateAssignment(a)).unwrap();
    let kml = export_to_string(&plan, ExportFormat::Kml).unwrap();
    assert!(!kml.contains("<img"), "live markup from a plan string");
    assert!(!kml.contains("<b>"));
    assert!(kml.contains("&lt;img src=x onerror=alert(1)&gt;") || kml.contains("&amp;lt;img src=x"));
    assert!(kml.contains("outpost"));
}
