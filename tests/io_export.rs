//! Exports of the example plan: GeoJSON, CSV, KML, HTML (and the SVG map), checked by re-reading them with
//! independent parsers and, when installed, with GDAL's ogrinfo.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: a panic is a test failure

use borderplan::io::bundled::{base_data, example_plan};
use borderplan::io::export::svg::plan_map_svg;
use borderplan::io::export::{ExportFormat, export_to_file, export_to_string};
use borderplan::model::{Plan, Quarter, Stage, Target, stage_coverage};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const NASTY_NOTE: &str = "<script>alert(\"x\")</script> & 'quoted', \"double\"\nsecond line";

fn plan() -> Plan {
    example_plan().unwrap()
}

fn stage3_gap_count(plan: &Plan) -> usize {
    stage_coverage(plan, Stage::Three).gaps.len()
}

/// The example plan with a hostile note on its first assignment.
fn plan_with_nasty_note() -> Plan {
    let mut p = plan();
    p.assignments.modify_one(0, |a| a.note = NASTY_NOTE.to_owned());
    p.meta.title = "Plan <b>&</b> \"title\"".to_owned();
    p
}

/// Counts the decimals of every number in a JSON coordinate array.
fn max_decimals_in_coordinates(v: &serde_json::Value, max: &mut usize) {
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| max_decimals_in_coordinates(x, max)),
        serde_json::Value::Number(n) => {
            let s = n.to_string();
            assert!(!s.contains('e') && !s.contains('E'), "coordinate {s} uses an exponent");
            let d = s.split_once('.').map_or(0, |(_, f)| f.len());
            *max = (*max).max(d);
        }
        other => panic!("unexpected coordinate value {other}"),
    }
}

/// A tiny XML well-formedness check: every start tag is closed in order, and no stray `<` or `&` in text.
fn assert_balanced_xml(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        for (i, _) in text.match_indices('&') {
            let ent = &text[i..];
            let ok = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"].iter().any(|e| ent.starts_with(e));
            assert!(ok, "unescaped & in text near {:?}", &ent[..ent.len().min(30)]);
        }
        let end = rest[start..].find('>').map(|e| start + e).expect("unterminated tag");
        let tag = &rest[start + 1..end];
        assert!(!tag.contains('<'), "stray < inside a tag: {tag:?}");
        if tag.starts_with('?') || tag.starts_with('!') {
            // declaration or comment
        } else if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().unwrap_or_else(|| panic!("closing </{name}> without an opening tag"));
            assert_eq!(open, name.trim(), "tags are not nested properly");
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap_or_default().to_owned();
            stack.push(name);
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
}

#[test]
fn geojson_export_has_one_feature_per_segment_outpost_and_gap() {
    let p = plan();
    let text = export_to_string(&p, ExportFormat::GeoJson).unwrap();
    let gj: geojson::GeoJson = text.parse().unwrap();
    let geojson::GeoJson::FeatureCollection(fc) = gj else { panic!("not a FeatureCollection") };
    let gaps = stage3_gap_count(&p);
    assert!(gaps > 0, "the example plan is expected to have stage-3 gaps");
    assert_eq!(fc.features.len(), p.segments.len() + p.outposts.len() + gaps);
    let kinds: Vec<&str> = fc.features.iter().filter_map(|f| f.property("kind")?.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "segment").count(), p.segments.len());
    assert_eq!(kinds.iter().filter(|k| **k == "outpost").count(), p.outposts.len());
    assert_eq!(kinds.iter().filter(|k| **k == "coverage_gap").count(), gaps);
}

#[test]
fn geojson_export_properties_are_present_and_styled_by_stage() {
    let p = plan();
    let v: serde_json::Value = serde_json::from_str(&export_to_string(&p, ExportFormat::GeoJson).unwrap()).unwrap();
    let features = v["features"].as_array().unwrap();
    let mut assignments_seen = 0;
    for f in features {
        let props = f["properties"].as_object().unwrap();
        for key in ["id", "name", "kind", "stage"] {
            assert!(props.contains_key(key), "missing {key} in {props:?}");
        }
        match props["kind"].as_str().unwrap() {
            "segment" => {
                for key in [
                    "from_km",
                    "to_km",
                    "length_km",
                    "assignment_count",
                    "quantity",
                    "cost_usd",
                    "assignments",
                    "equipment",
                    "stroke",
                    "stroke-width",
                ] {
                    assert!(props.contains_key(key), "segment lacks {key}");
                }
                assert_eq!(f["geometry"]["type"], "LineString");
            }
            "outpost" => {
                for key in
                    ["km", "assignment_count", "quantity", "cost_usd", "assignments", "equipment", "marker-color"]
                {
                    assert!(props.contains_key(key), "outpost lacks {key}");
                }
                assert_eq!(f["geometry"]["type"], "Point");
            }
            "coverage_gap" => {
                assert_eq!(props["stroke"], borderplan::model::palette::hex(borderplan::model::palette::GAP));
                assert!(props["to_km"].as_f64().unwrap() > props["from_km"].as_f64().unwrap());
            }
            other => panic!("unexpected kind {other}"),
        }
        if let Some(list) = props.get("assignments").and_then(|a| a.as_array()) {
            assert_eq!(list.len() as u64, props["assignment_count"].as_u64().unwrap());
            assignments_seen += list.len();
            let stage = props["stage"].as_str().unwrap();
            assert!(["1", "2", "3", "unplanned"].contains(&stage));
            if list.is_empty() {
                assert_eq!(stage, "unplanned");
            }
        }
        let mut decimals = 0;
        max_decimals_in_coordinates(&f["geometry"]["coordinates"], &mut decimals);
        assert!(decimals <= 6, "coordinates with {decimals} decimals");
    }
    assert_eq!(assignments_seen, p.assignments.len());
    let op1 = features.iter().find(|f| f["properties"]["id"] == "OP-01").unwrap();
    let summary = op1["properties"]["equipment"].as_str().unwrap();
    assert!(summary.contains("2× Thermal camera tower (S2, 2026-Q2)"), "{summary}");
    assert_eq!(op1["properties"]["stage"], "2");
    assert_eq!(op1["properties"]["marker-color"], "#e69f00");
}

#[test]
fn csv_export_parses_back_with_one_row_per_assignment() {
    let p = plan_with_nasty_note();
    let text = export_to_string(&p, ExportFormat::Csv).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    assert_eq!(headers.iter().collect::<Vec<_>>(), borderplan::io::export::csv::HEADER.to_vec(),);
    let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>().unwrap();
    assert_eq!(rows.len(), p.assignments.len());
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    for (row, a) in rows.iter().zip(&p.assignments) {
        assert_eq!(&row[col("assignment_id")], a.id);
        assert_eq!(row[col("quantity")].parse::<f64>().unwrap(), a.quantity);
        assert_eq!(&row[col("supplier")], a.supplier);
        let lon: f64 = row[col("lon")].parse().unwrap();
        let lat: f64 = row[col("lat")].parse().unwrap();
        assert!((60.0..80.0).contains(&lon) && (35.0..40.0).contains(&lat), "{lon} {lat}");
        for c in ["lon", "lat"] {
            let d = row[col(c)].split_once('.').map_or(0, |(_, f)| f.len());
            assert!(d <= 6);
        }
        let wkt = &row[col("target_wkt")];
        match a.target {
            Target::Outpost(_) => assert!(wkt.starts_with("POINT (")),
            Target::Segment(_) => assert!(wkt.starts_with("LINESTRING (")),
        }
    }
    // The hostile note survives the round trip exactly (quoted, newline and all).
    assert_eq!(&rows[0][col("note")], NASTY_NOTE);
    assert!(text.contains("\"<script>alert(\"\"x\"\")</script> & 'quoted', \"\"double\"\"\nsecond line\""));
}

#[test]
fn kml_export_is_balanced_and_plays_the_rollout_in_time() {
    let p = plan_with_nasty_note();
    let kml = export_to_string(&p, ExportFormat::Kml).unwrap();
    assert!(kml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(kml.contains("<kml xmlns=\"http://www.opengis.net/kml/2.2\">"));
    assert_balanced_xml(&kml);
    for folder in ["<name>Stage 2</name>", "<name>Stage 3</name>", "<name>Coverage gaps</name>"] {
        assert!(kml.contains(folder), "missing folder {folder}");
    }
    assert_eq!(kml.matches("<Placemark").count(), p.assignments.len() + stage3_gap_count(&p));
    // A 2026-Q2 stage-2 assignment begins on 1 April 2026 and lasts until the end of the stage-2 window.
    let a = p.assignments.iter().find(|a| a.quarter == Quarter::new(2026, 2) && a.stage == Stage::Two).unwrap();
    let expected =
        format!("<TimeSpan><begin>2026-04-01</begin><end>{}</end></TimeSpan>", Stage::Two.window().1.end_date());
    assert!(kml.contains(&expected), "no {expected} for {}", a.id);
    assert!(!kml.contains("<script>"));
    assert!(!kml.contains("<b>"));
    assert!(kml.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;"));
}

#[test]
fn html_report_is_self_contained_and_complete() {
    let p = plan();
    let html = export_to_string(&p, ExportFormat::Html).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    let lower = html.to_ascii_lowercase();
    for bad in ["src=\"http", "href=\"http", "src='http", "href='http", "url(http", "@import", "<script", "<link"] {
        assert!(!lower.contains(bad), "the report references something external: {bad}");
    }
    assert!(!html.contains("http://") && !html.contains("https://"), "the example report mentions a URL");
    assert!(html.contains("<svg") && html.contains("</svg>"));
    assert!(html.contains("@media print") && html.contains("A4 landscape"));
    assert!(html.contains(&p.meta.title.replace('&', "&amp;")));
    for stage in Stage::DEPLOYMENT {
        let pct = format!("{:.1}%", stage_coverage(&p, stage).percent());
        assert!(html.contains(&pct), "coverage {pct} of {stage} is not in the report");
    }
    let suppliers: BTreeSet<&str> = p.assignments.iter().map(|a| a.supplier.as_str()).collect();
    for s in suppliers {
        assert!(html.contains(&format!("<td>{s}</td>")), "supplier {s} is missing");
    }
    for a in &p.assignments {
        assert!(html.contains(&format!("<td class=\"nw\">{}</td>", a.id)), "assignment {} is missing", a.id);
    }
    assert!(html.contains("sample"), "the sample-outpost note is missing");
    for section in ["By supplier", "By category", "By segment", "Coverage gaps", "Rule findings", "All assignments"] {
        assert!(html.contains(section), "section {section} is missing");
    }
}

#[test]
fn special_characters_are_escaped_in_html() {
    let p = plan_with_nasty_note();
    let html = export_to_string(&p, ExportFormat::Html).unwrap();
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<b>&</b>"));
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;"));
    assert!(html.contains("<title>Plan &lt;b&gt;&amp;&lt;/b&gt; &quot;title&quot;</title>"));
}

#[test]
fn svg_map_is_balanced_and_draws_every_layer() {
    let p = plan();
    let base = base_data().unwrap();
    let svg = plan_map_svg(&p, Some(&base), 1000, 560);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_balanced_xml(&svg);
    for class in ["provinces", "rivers", "border", "segments", "gaps", "outposts", "towns", "ticks", "legend", "scale"]
    {
        assert!(svg.contains(&format!("class=\"{class}\"")), "no {class} layer");
    }
    assert!(svg.matches("<circle cx").count() >= p.outposts.len());
    assert!(svg.contains(">100</text>"), "no 100 km tick");
    // Without base data the map still renders.
    let bare = plan_map_svg(&p, None, 400, 300);
    assert_balanced_xml(&bare);
    assert!(!bare.contains("class=\"provinces\""));
}

#[test]
fn export_to_file_writes_every_format() {
    let p = plan();
    let dir = tempfile::tempdir().unwrap();
    for f in ExportFormat::ALL {
        let path = dir.path().join(format!("plan.{}", f.extension()));
        export_to_file(&p, f, &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.len() > 1000, "{f} export is suspiciously small");
        assert_eq!(ExportFormat::from_path(&path), Some(f));
    }
    // A folder in the way is an error, not a panic.
    let err = export_to_file(&p, ExportFormat::Csv, dir.path()).unwrap_err();
    assert!(err.to_string().contains("directory"), "{err}");
}

/// Runs `ogrinfo -ro -al -so` and returns its "Feature Count".
fn ogr_feature_count(args: &[&str], file: &Path) -> usize {
    let out = Command::new("ogrinfo").args(["-ro", "-al", "-so"]).args(args).arg(file).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "ogrinfo failed on {}: {}{}",
        file.display(),
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("Feature Count:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no Feature Count in ogrinfo output:\n{stdout}"))
}

/// True when ogrinfo can run; when it cannot, fails the test unless BORDERPLAN_SKIP_GDAL=1.
fn gdal_available() -> bool {
    if Command::new("ogrinfo").arg("--version").output().is_ok_and(|o| o.status.success()) {
        return true;
    }
    if std::env::var("BORDERPLAN_SKIP_GDAL").is_ok_and(|v| v == "1") {
        eprintln!("notice: ogrinfo (GDAL) is not installed; skipping the GDAL check because BORDERPLAN_SKIP_GDAL=1");
        return false;
    }
    panic!(
        "ogrinfo (GDAL) is not on PATH. Run the test command from the README, which installs gdal-bin \
         (or `apt-get install -y gdal-bin`), or set BORDERPLAN_SKIP_GDAL=1 to skip this check"
    );
}

#[test]
fn gdal_reads_the_geojson_and_csv_exports_with_the_right_feature_counts() {
    if !gdal_available() {
        return;
    }
    let p = plan_with_nasty_note();
    let dir = tempfile::tempdir().unwrap();
    let gj = dir.path().join("plan.geojson");
    export_to_file(&p, ExportFormat::GeoJson, &gj).unwrap();
    assert_eq!(ogr_feature_count(&[], &gj), p.segments.len() + p.outposts.len() + stage3_gap_count(&p));
    let csv = dir.path().join("plan.csv");
    export_to_file(&p, ExportFormat::Csv, &csv).unwrap();
    assert_eq!(
        ogr_feature_count(&["-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat"], &csv),
        p.assignments.len()
    );
    assert_eq!(
        ogr_feature_count(&["-oo", "GEOM_POSSIBLE_NAMES=target_wkt", "-oo", "KEEP_GEOM_COLUMNS=NO"], &csv),
        p.assignments.len()
    );
    let kml = dir.path().join("plan.kml");
    export_to_file(&p, ExportFormat::Kml, &kml).unwrap();
    let out = Command::new("ogrinfo").args(["-ro", "-so", "-al"]).arg(&kml).output().unwrap();
    assert!(out.status.success(), "ogrinfo cannot read the KML: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn every_export_that_draws_the_bundled_border_credits_openstreetmap() {
    let p = example_plan().unwrap();
    let credit = "© OpenStreetMap contributors, ODbL 1.0";
    let geojson: serde_json::Value =
        serde_json::from_str(&export_to_string(&p, ExportFormat::GeoJson).unwrap()).unwrap();
    assert_eq!(geojson["attribution"].as_str(), Some(format!("Border: {credit}").as_str()));
    for f in [ExportFormat::Kml, ExportFormat::Html] {
        let text = export_to_string(&p, f).unwrap();
        assert!(text.contains("Border: © OpenStreetMap contributors, ODbL 1.0"), "{f:?} lacks the credit");
    }
    assert!(plan_map_svg(&p, None, 800, 500).contains("Border: © OpenStreetMap contributors, ODbL 1.0"));
    // CSV: every row whose geometry is a piece of the line says where it comes from; outpost rows do not.
    let csv = export_to_string(&p, ExportFormat::Csv).unwrap();
    let mut r = ::csv::Reader::from_reader(csv.as_bytes());
    let col = r.headers().unwrap().iter().position(|h| h == "geometry_source").expect("a geometry_source column");
    let kind = r.headers().unwrap().iter().position(|h| h == "kind").unwrap();
    for row in r.records().map(Result::unwrap) {
        let want = if &row[kind] == "segment" { format!("Border: {credit}") } else { String::new() };
        assert_eq!(row[col], want, "{row:?}");
    }
    // A line the planner brought is not credited to OpenStreetMap.
    let mut own = p.clone();
    let shifted: geo::LineString<f64> =
        p.border.line().0.iter().map(|c| geo::Coord { x: c.x, y: c.y + 0.01 }).collect::<Vec<_>>().into();
    own.apply(borderplan::model::Edit::ReplaceBorder(shifted)).unwrap();
    assert!(!export_to_string(&own, ExportFormat::Kml).unwrap().contains("OpenStreetMap"));
    assert!(!export_to_string(&own, ExportFormat::Csv).unwrap().contains("OpenStreetMap"));
}

#[test]
fn html_report_keeps_ids_and_quarters_whole_and_names_outposts_and_countries_on_the_map() {
    let mut p = plan();
    p.meta.modified = "2026-11-30T14:05:09.123456789Z".into();
    let html = export_to_string(&p, ExportFormat::Html).unwrap();
    // Ids and quarters never break inside ("A-/0013", "2026-/Q2").
    let a = &p.assignments[0];
    assert!(html.contains(&format!("<td class=\"nw\">{}</td>", a.id)), "the id cell does not wrap");
    assert!(html.contains(&format!("<td class=\"nw\">{}</td>", a.quarter)), "the quarter cell does not wrap");
    assert!(html.contains("td.nw { white-space: nowrap; }"));
    // The plan's timestamp is shown to the minute.
    assert!(html.contains("Plan last modified 2026-11-30 14:05 UTC"), "readable timestamp");
    assert!(!html.contains("123456789"));
    // The gap band joins round (a miter join drew a spike at sharp bends).
    assert!(html.contains("class=\"gaps\"") && html.contains("stroke-linecap=\"round\" stroke-linejoin=\"round\""));
    // Country and outpost names on the map.
    assert!(html.contains(">TAJIKISTAN</text>") && html.contains(">AFGHANISTAN</text>"));
    let named = p.outposts.iter().filter(|o| html.contains(&format!(">{}</text>", o.name))).count();
    assert!(named >= p.outposts.len() / 3, "{named} of {} outposts named on the map", p.outposts.len());
}
