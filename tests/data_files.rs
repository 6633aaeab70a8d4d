//! Every bundled data file parses and holds what data/README.md promises.

use borderplan::io::bundled;
use borderplan::model::{Category, Side};
use geo::{Contains, Point};
use std::collections::HashSet;

mod common;
use common::{data_collection as collection, data_text};

const BORDER_PROVINCES: [&str; 6] = ["Khatlon", "Gorno-Badakhshan", "Balkh", "Kunduz", "Takhar", "Badakhshan"];

const REQUIRED_TOWNS: [&str; 15] = [
    "Khorugh",
    "Ishkoshim",
    "Qalaikhumb",
    "Vanj",
    "Rushon",
    "Murghob",
    "Panji Poyon",
    "Shahritus",
    "Panj",
    "Kulob",
    "Dushanbe",
    "Fayzabad",
    "Kunduz",
    "Taloqan",
    "Mazar-e Sharif",
];

#[test]
fn every_geojson_data_file_parses_as_a_feature_collection() {
    for name in [
        "border.geojson",
        "provinces.geojson",
        "rivers.geojson",
        "towns.geojson",
        "outposts.geojson",
        "example-plan.geojson",
        "lakes.geojson",
        "crossings.geojson",
        "tajikistan.geojson",
    ] {
        let fc = collection(name);
        assert!(!fc.features.is_empty(), "{name} has no features");
        assert!(fc.features.iter().all(|f| f.geometry.is_some()), "{name} has a feature without geometry");
    }
    let reference: serde_json::Value =
        serde_json::from_str(&data_text("border_reference.json")).expect("border_reference.json parses");
    assert!(reference["length_m"].is_f64());
    let equipment: serde_json::Value =
        serde_json::from_str(&data_text("equipment.json")).expect("equipment.json parses");
    assert_eq!(equipment["format"], "borderplan-equipment");
}

#[test]
fn the_border_file_holds_one_line_string_of_4298_vertices() {
    let fc = collection("border.geojson");
    assert_eq!(fc.features.len(), 1);
    let geometry = fc.features[0].geometry.as_ref().expect("border geometry");
    let geojson::GeometryValue::LineString { coordinates: coords } = &geometry.value else {
        panic!("the border is not a LineString")
    };
    assert_eq!(coords.len(), 4298);
    let border = bundled::border().expect("bundled border");
    assert_eq!(border.vertex_count(), 4298);
}

#[test]
fn the_six_border_provinces_are_present_and_flagged_as_border_provinces() {
    let fc = collection("provinces.geojson");
    let flagged: HashSet<String> = fc
        .features
        .iter()
        .filter(|f| f.property("border_province").and_then(|v| v.as_bool()) == Some(true))
        .filter_map(|f| f.property("name").and_then(|v| v.as_str()).map(str::to_owned))
        .collect();
    let expected: HashSet<String> = BORDER_PROVINCES.iter().map(|s| s.to_string()).collect();
    assert_eq!(flagged, expected, "exactly the six border provinces have border_province: true");
    let regions = bundled::regions().expect("bundled regions");
    assert_eq!(regions.len(), 39);
    for name in BORDER_PROVINCES {
        let r = regions.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("province {name} is missing"));
        let side = if ["Khatlon", "Gorno-Badakhshan"].contains(&name) { Side::Tajikistan } else { Side::Afghanistan };
        assert_eq!(r.side, side, "{name} is on the wrong side");
    }
    assert_eq!(regions.iter().filter(|r| r.side == Side::Tajikistan).count(), 5);
}

#[test]
fn every_river_has_a_name() {
    let rivers = bundled::rivers().expect("bundled rivers");
    assert_eq!(rivers.len(), 20);
    assert!(rivers.iter().all(|r| !r.name.trim().is_empty() && !r.lines.0.is_empty()));
    assert!(rivers.iter().any(|r| r.name == "Panj"), "the Panj forms most of the border");
}

#[test]
fn the_required_towns_are_present_with_a_population() {
    let towns = bundled::towns().expect("bundled towns");
    for name in REQUIRED_TOWNS {
        let t = towns.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("town {name} is missing"));
        assert!(t.population > 0, "{name} has no population");
        assert!(t.country == "TJ" || t.country == "AF", "{name}: country {:?}", t.country);
    }
    assert!(towns.windows(2).all(|w| w[0].population >= w[1].population), "towns are sorted by population");
}

#[test]
fn the_sample_outposts_lie_on_the_tajik_side_one_to_five_km_from_the_border() {
    let fc = collection("outposts.geojson");
    assert!(fc.features.len() >= 30, "only {} outposts", fc.features.len());
    assert!(
        fc.features.iter().all(|f| f.property("sample").and_then(|v| v.as_bool()) == Some(true)),
        "every outpost is marked sample"
    );
    let outposts = bundled::outposts_from_str("outposts.geojson", bundled::OUTPOSTS_GEOJSON).expect("outposts");
    let border = bundled::border().expect("border");
    let tajikistan = bundled::tajikistan().expect("Tajikistan outline");
    let mut ids = HashSet::new();
    for (o, f) in outposts.iter().zip(&fc.features) {
        assert!(ids.insert(o.id.clone()), "outpost id {} is used twice", o.id);
        assert!(o.sample);
        let d = border.distance_m(o.position);
        assert!((1000.0..=5000.0).contains(&d), "{} is {d:.0} m from the border", o.id);
        let p: Point<f64> = o.position;
        assert!(tajikistan.contains(&p), "{} at {:?} is not inside Tajikistan (OSM outline)", o.id, p);
        // The derived properties written in the file agree with the model (km rounded to 0.1, metres to 1).
        let km = f.property("km").and_then(|v| v.as_f64()).expect("km property");
        let dist = f.property("distance_to_border_m").and_then(|v| v.as_f64()).expect("distance property");
        assert!((border.chainage_km(p) - km).abs() < 0.1, "{}: km {km} vs {:.3}", o.id, border.chainage_km(p));
        assert!((d - dist).abs() < 50.0, "{}: {dist} m vs {d:.0} m", o.id);
    }
}

#[test]
fn the_catalog_has_at_least_12_types_in_all_5_categories_and_every_sensor_has_a_range() {
    let catalog = bundled::catalog().expect("bundled catalog");
    assert!(catalog.types.len() >= 12, "only {} equipment types", catalog.types.len());
    for c in Category::ALL {
        assert!(catalog.by_category(c).count() > 0, "no equipment in category {c}");
    }
    for t in catalog.by_category(Category::Surveillance) {
        let r = t.detection_range_km.unwrap_or_else(|| panic!("{} has no detection_range_km", t.id));
        assert!(r > 0.0 && t.coverage_range_km() == Some(r), "{}: range {r}", t.id);
    }
    for t in catalog.types.iter().filter(|t| t.category != Category::Surveillance) {
        assert_eq!(t.coverage_range_km(), None, "{} is not surveillance but counts towards coverage", t.id);
    }
}

#[test]
fn the_example_plan_loads_on_the_bundled_border_and_catalog() {
    let plan = bundled::example_plan().expect("example plan");
    let border = bundled::border().expect("border");
    // The plan file keeps the border line exactly, so the example plan is on the bundled border itself.
    assert_eq!(*plan.border, border);
    assert_eq!(plan.catalog, bundled::catalog().expect("catalog"));
    assert_eq!(plan.outposts.len(), 33);
    assert!(!plan.assignments.is_empty());
    assert!(plan.assignments.iter().all(|a| plan.target_exists(&a.target)));
    plan.segments.check_partition(border.length_km()).expect("segments partition the border");
}
