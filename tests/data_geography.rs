#![allow(clippy::expect_used, clippy::unwrap_used)]
//! The bundled geography fits together: the OpenStreetMap border, the Tajikistan outline, the rivers drawn on the
//! border line, lakes, bridge crossings, towns and the sample outposts (see data/README.md).

use borderplan::io::bundled;
use geo::{Area, Contains, Distance, Geodesic, Length, LineString, Point, TriangulateEarcut};
use geojson::Feature;
use serde_json::Value;

mod common;
use common::{data_collection as collection, data_text};

fn reference() -> Value {
    serde_json::from_str(&data_text("border_reference.json")).expect("border_reference.json is JSON")
}

fn str_prop<'a>(f: &'a Feature, key: &str) -> Option<&'a str> {
    f.property(key).and_then(|v| v.as_str())
}

fn point(f: &Feature) -> Point<f64> {
    match &f.geometry.as_ref().expect("geometry").value {
        geojson::GeometryValue::Point { coordinates: c } => Point::new(c[0], c[1]),
        other => panic!("not a point: {other:?}"),
    }
}

/// GeoNames places of towns.geojson: (name, country, position).
fn places() -> Vec<(String, String, Point<f64>)> {
    collection("towns.geojson")
        .features
        .iter()
        .map(|f| {
            (
                str_prop(f, "name").expect("town name").to_owned(),
                str_prop(f, "country").expect("country").to_owned(),
                point(f),
            )
        })
        .collect()
}

const NAME_RADIUS_M: f64 = 15_000.0;

#[test]
fn the_border_has_about_4300_full_precision_vertices_as_the_reference_file_says() {
    let border = bundled::border().expect("border");
    let n = border.vertex_count();
    assert!((4200..=4400).contains(&n), "{n} vertices");
    assert_eq!(reference()["vertex_count"].as_u64(), Some(n as u64));
    // Full precision: the OSM coordinates keep their 7 decimals (no 6-decimal grid).
    let on_grid = border.line().0.iter().filter(|c| ((c.x * 1e6).round() - c.x * 1e6).abs() < 1e-6).count();
    assert!(on_grid < n / 4, "{on_grid} of {n} vertices sit on a 6-decimal grid");
}

#[test]
fn the_geodesic_length_matches_the_reference_within_a_tenth_of_a_percent_and_is_1300_to_1400_km() {
    let border = bundled::border().expect("border");
    let length_m = Geodesic.length(border.line());
    let reference_m = reference()["length_m"].as_f64().expect("length_m");
    let rel = (length_m - reference_m).abs() / reference_m;
    assert!(rel < 0.001, "geo's Geodesic length {length_m:.1} m vs geographiclib {reference_m:.1} m");
    assert!((1_300_000.0..=1_400_000.0).contains(&length_m), "length {length_m:.0} m");
    assert!((border.length_m() - length_m).abs() < 1.0, "the model's length {} m", border.length_m());
}

#[test]
fn the_border_runs_west_to_east_from_the_uzbek_to_the_chinese_tripoint() {
    let line = bundled::border_line().expect("border line");
    let first = Point(line.0[0]);
    let last = Point(line.0[line.0.len() - 1]);
    let uzbek = Point::new(67.78, 37.19);
    let chinese = Point::new(74.9, 37.2);
    assert!(Geodesic.distance(first, uzbek) < 10_000.0, "first vertex {first:?}");
    assert!(Geodesic.distance(last, chinese) < 10_000.0, "last vertex {last:?}");
    assert!(first.x() < last.x());
}

#[test]
fn the_border_feature_carries_the_osm_attribution_shown_by_the_app() {
    let fc = collection("border.geojson");
    assert_eq!(str_prop(&fc.features[0], "attribution"), Some(bundled::BORDER_ATTRIBUTION));
    assert!(bundled::BORDER_ATTRIBUTION.contains("OpenStreetMap") && bundled::BORDER_ATTRIBUTION.contains("ODbL"));
    let t = collection("tajikistan.geojson");
    assert_eq!(str_prop(&t.features[0], "attribution"), Some(bundled::BORDER_ATTRIBUTION));
}

#[test]
fn the_length_note_quotes_the_bundled_and_the_official_length() {
    use borderplan::model::border::{OFFICIAL_LENGTH_KM, length_note};
    let km = bundled::border().expect("border").length_km();
    let note = length_note(km);
    assert!(note.contains(&format!("{km:.1} km")), "the note does not quote {km:.1} km: {note}");
    assert!(note.contains("1344 km") && note.contains("longer"), "{note}");
    // The detailed line is longer than the official figure, but not wildly so.
    assert!(km > OFFICIAL_LENGTH_KM && km < OFFICIAL_LENGTH_KM * 1.05, "{km} km");
}

#[test]
fn every_sample_outpost_is_inside_tajikistan_and_one_to_five_km_from_the_border() {
    let tajikistan = bundled::tajikistan().expect("Tajikistan outline");
    let border = bundled::border().expect("border");
    let outposts = bundled::outposts_from_str("outposts.geojson", bundled::OUTPOSTS_GEOJSON).expect("outposts");
    assert!((30..=36).contains(&outposts.len()), "{} outposts", outposts.len());
    for o in &outposts {
        assert!(o.sample, "{} is not marked sample", o.id);
        assert!(tajikistan.contains(&o.position), "{} at {:?} is outside Tajikistan", o.id, o.position);
        let d = border.distance_m(o.position);
        assert!((1000.0..=5000.0).contains(&d), "{} is {d:.0} m from the border", o.id);
    }
    // Evenly spread: from near the western to near the eastern end, no gap much above the mean spacing.
    let mut kms: Vec<f64> = outposts.iter().map(|o| border.chainage_km(o.position)).collect();
    kms.sort_by(f64::total_cmp);
    let mean = border.length_km() / outposts.len() as f64;
    assert!(kms[0] < 10.0 && kms[kms.len() - 1] > border.length_km() - 10.0, "{kms:?}");
    assert!(kms.windows(2).all(|w| w[1] - w[0] < 1.3 * mean), "{kms:?}");
}

#[test]
fn each_outpost_is_named_after_a_place_within_15_km_or_after_its_km_post_alone() {
    let places = places();
    let fc = collection("outposts.geojson");
    let mut named = 0;
    for f in &fc.features {
        let id = str_prop(f, "id").expect("id");
        let name = str_prop(f, "name").expect("name");
        let p = point(f);
        let km_post = f.property("km").and_then(|v| v.as_f64()).expect("km").round() as i64;
        let ok_suffix = [km_post - 1, km_post, km_post + 1].iter().any(|k| name.ends_with(&format!(" km {k}")));
        assert!(ok_suffix, "{id}: {name:?} does not end with its km post {km_post}");
        let within = |country: &str| {
            places
                .iter()
                .filter(|(_, c, _)| c == country)
                .map(|(n, _, q)| (n.as_str(), Geodesic.distance(p, *q)))
                .filter(|(_, d)| *d <= NAME_RADIUS_M)
                .min_by(|a, b| a.1.total_cmp(&b.1))
        };
        match str_prop(f, "named_after") {
            Some(place) => {
                named += 1;
                let (expected, prefix) = match within("TJ") {
                    Some(tj) => (tj, ""),
                    None => (within("AF").unwrap_or_else(|| panic!("{id}: no place within 15 km")), "opposite "),
                };
                assert_eq!(place, expected.0, "{id}: named after {place}, but the nearest place is {}", expected.0);
                assert!(name.starts_with(&format!("{prefix}{place} km ")), "{id}: {name:?}");
            }
            None => {
                assert!(name.starts_with("Border km "), "{id}: {name:?} names no place but is not a km post");
                assert!(within("TJ").is_none() && within("AF").is_none(), "{id}: a place lies within 15 km");
            }
        }
    }
    assert!(named >= 10, "only {named} outposts are named after a place");
}

#[test]
fn the_crossings_are_four_approximate_bridges_within_a_km_of_the_border() {
    let border = bundled::border().expect("border");
    let crossings = bundled::crossings().expect("crossings");
    assert_eq!(crossings.len(), 4);
    for c in &crossings {
        let d = border.distance_m(c.position);
        assert!(d < 1000.0, "{} is {d:.0} m from the border", c.name);
        assert!(c.approximate, "{} is not marked approximate", c.name);
        assert!(c.label.starts_with("Bridge: ") && c.label.ends_with("(approx.)"), "{}", c.label);
        assert!((border.chainage_km(c.position) - c.km).abs() < 0.1, "{}: km {}", c.name, c.km);
    }
    let labels: Vec<&str> = crossings.iter().map(|c| c.label.as_str()).collect();
    assert!(labels.contains(&"Bridge: Khorugh–Demogan (approx.)"), "{labels:?}");
    assert!(crossings.windows(2).all(|w| w[0].km < w[1].km), "sorted west to east");
}

#[test]
fn the_panj_pamir_and_amu_darya_on_the_border_are_drawn_on_the_border_line_itself() {
    let border = bundled::border_line().expect("border line");
    let fc = collection("rivers.geojson");
    let mut covered = 0;
    for f in fc.features.iter().filter(|f| f.property("on_border").and_then(|v| v.as_bool()) == Some(true)) {
        let name = str_prop(f, "name").expect("name");
        let geojson::GeometryValue::LineString { coordinates } = &f.geometry.as_ref().expect("geometry").value else {
            panic!("{name} is not a LineString")
        };
        // The river line is a run of consecutive border vertices, exactly.
        let start = border.0.iter().position(|c| c.x == coordinates[0][0] && c.y == coordinates[0][1]);
        let start = start.unwrap_or_else(|| panic!("{name} does not start on a border vertex"));
        for (k, c) in coordinates.iter().enumerate() {
            let v = border.0[start + k];
            assert!(v.x == c[0] && v.y == c[1], "{name}: vertex {k} is not the border's vertex {}", start + k);
        }
        covered += coordinates.len() - 1;
    }
    let names: Vec<&str> = fc
        .features
        .iter()
        .filter(|f| f.property("on_border").and_then(|v| v.as_bool()) == Some(true))
        .filter_map(|f| str_prop(f, "name"))
        .collect();
    assert_eq!(names, ["Amu Darya", "Panj", "Pamir"]);
    // The river border is most of the border (the rest runs over the mountains east of Zorkul).
    assert!(covered > border.0.len() * 3 / 4, "{covered} of {} edges", border.0.len() - 1);
}

#[test]
fn the_river_layer_has_the_main_tributaries_and_names_only_what_it_can_justify() {
    let rivers = bundled::rivers().expect("rivers");
    for name in ["Amu Darya", "Panj", "Pamir", "Vakhsh", "Kunduz", "Kokcha", "Bartang", "Murghab", "Wakhan River"] {
        assert!(rivers.iter().any(|r| r.name == name), "no {name}");
    }
    let fc = collection("rivers.geojson");
    for f in &fc.features {
        let name = str_prop(f, "name").expect("name");
        let origin = str_prop(f, "name_origin").unwrap_or_else(|| panic!("{name} has no name_origin"));
        assert!(
            name == "unnamed river"
                || origin == "drawn on the border line"
                || origin.starts_with("assigned by location"),
            "{name}: {origin}"
        );
    }
}

#[test]
fn the_lakes_are_named_polygons_whose_earcut_triangles_cover_exactly_their_area() {
    let lakes = bundled::lakes().expect("lakes");
    for name in ["Karakul", "Sarez Lake", "Shiva Lake"] {
        assert!(lakes.iter().any(|l| l.name == name), "no {name}");
    }
    for l in &lakes {
        let area = l.area.unsigned_area();
        let triangles: f64 = l.area.earcut_triangles().iter().map(|t| t.unsigned_area()).sum();
        assert!((triangles - area).abs() <= area * 1e-9, "{}: triangles {triangles} vs polygon {area}", l.name);
        assert!(l.area.exterior().0.len() >= 30, "{} is too coarse", l.name);
    }
}

#[test]
fn every_towns_distance_to_the_border_agrees_with_the_bundled_border() {
    let border = bundled::border().expect("border");
    for f in &collection("towns.geojson").features {
        let name = str_prop(f, "name").expect("name");
        let km = f.property("distance_to_border_km").and_then(|v| v.as_f64()).expect("distance_to_border_km");
        let d_km = border.distance_m(point(f)) / 1000.0;
        assert!((d_km - km).abs() <= 0.06, "{name}: {km} km written, {d_km:.3} km measured");
    }
}

#[test]
fn the_tajikistan_outline_holds_the_border_towns_on_its_side_only() {
    let tajikistan = bundled::tajikistan().expect("Tajikistan outline");
    for (name, country, p) in places().iter().filter(|(_, _, p)| p.y() < 39.0) {
        match country.as_str() {
            "TJ" => assert!(tajikistan.contains(p), "{name} (TJ) is outside the outline"),
            _ => assert!(!tajikistan.contains(p), "{name} ({country}) is inside the outline"),
        }
    }
    let length = LineString::from(tajikistan.0[0].exterior().0.clone());
    assert!(Geodesic.length(&length) > 3_000_000.0, "the main outline is {} m", Geodesic.length(&length));
}

#[test]
fn province_fills_meet_at_the_osm_border_so_each_side_of_the_line_is_its_own_country() {
    use borderplan::model::Side;
    let base = bundled::base_data().expect("base data");
    let tajikistan = bundled::tajikistan().expect("Tajikistan outline");
    let border = bundled::border().expect("border");
    let side_of =
        |p: Point<f64>| -> Vec<Side> { base.regions.iter().filter(|r| r.area.contains(&p)).map(|r| r.side).collect() };
    // Every 2 km, 300 m to either side of the line (perpendicular in a local metric frame): the point inside
    // the OSM outline of Tajikistan lies in a Tajik province and only there, the other in an Afghan one.
    let (mut checked, mut wrong) = (0, Vec::new());
    let mut km = 1.0;
    while km < border.length_km() - 1.0 {
        let (a, b) = (border.point_at_km(km - 0.05), border.point_at_km(km + 0.05));
        let cos_lat = a.y().to_radians().cos();
        let (dx_m, dy_m) = ((b.x() - a.x()) * 111_320.0 * cos_lat, (b.y() - a.y()) * 110_574.0);
        let len = dx_m.hypot(dy_m);
        let mid = border.point_at_km(km);
        for sign in [1.0, -1.0] {
            let (nx, ny) = (-dy_m / len * 300.0 * sign, dx_m / len * 300.0 * sign);
            let p = Point::new(mid.x() + nx / (111_320.0 * cos_lat), mid.y() + ny / 110_574.0);
            let want = if tajikistan.contains(&p) { Side::Tajikistan } else { Side::Afghanistan };
            let got = side_of(p);
            if got != vec![want] {
                wrong.push(format!("km {km:.0} {p:?}: want {want:?}, provinces say {got:?}"));
            }
            checked += 1;
        }
        km += 2.0;
    }
    assert!(checked > 1300, "{checked} points");
    // The two OSM outlines differ by up to ~10 m and the grid is 6 decimals: at 300 m, no point may be off.
    assert!(wrong.is_empty(), "{} of {checked} points in the wrong province:\n{}", wrong.len(), wrong.join("\n"));
}
