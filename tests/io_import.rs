//! GeoJSON import: every fixture in `tests/fixtures/geojson/` (see its README for the expected outcomes), the
//! layer's spatial queries, progress and cancellation, and the project's own data.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use borderplan::io::geojson_import::{ImportError, ImportOptions, import_bytes, import_file, inspect_json};
use borderplan::io::layer::{FeatureStyle, Layer, LayerFeature, MarkerSize};
use geo::Geometry;

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/geojson").join(relative)
}

fn load(relative: &str) -> Layer {
    match import_file(&fixture(relative), &ImportOptions::default()) {
        Ok(layer) => layer,
        Err(e) => panic!("{relative} should load, got {e}"),
    }
}

fn load_err(relative: &str) -> ImportError {
    match import_file(&fixture(relative), &ImportOptions::default()) {
        Ok(layer) => panic!("{relative} should fail, got {}", inspect_json(&layer)),
        Err(e) => e,
    }
}

fn import_str(text: &str) -> Result<Layer, ImportError> {
    import_bytes("test", text.as_bytes(), &ImportOptions::default())
}

/// Asserts stored features, their types, skipped and null-geometry counts.
#[track_caller]
fn assert_counts(layer: &Layer, features: usize, by_type: &[(&str, usize)], skipped: usize, nulls: usize) {
    let stats = &layer.stats;
    assert_eq!(stats.features, features, "features: {}", inspect_json(layer));
    assert_eq!(layer.features.len(), features);
    let actual: Vec<(&str, usize)> = stats.by_type.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let mut expected = by_type.to_vec();
    expected.sort_unstable();
    assert_eq!(actual, expected, "by_type");
    assert_eq!(stats.skipped, skipped, "skipped: {:?}", stats.reasons);
    assert_eq!(stats.null_geometries, nulls, "null geometries");
    assert_eq!(layer.indexed_len(), features, "every stored feature is in the R-tree");
}

fn name_of(layer: &Layer, i: usize) -> String {
    layer.properties.get(i, "name").and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------------------------
// valid/

#[test]
fn a_bare_point_geometry_loads_as_one_point_feature() {
    let layer = load("valid/bare_point.geojson");
    assert_counts(&layer, 1, &[("Point", 1)], 0, 0);
    assert_eq!(layer.name, "bare_point");
    assert_eq!(layer.source_path.as_deref(), Some(fixture("valid/bare_point.geojson").as_path()));
    assert!(layer.properties.map(0).is_empty());
    assert_eq!(layer.stats.bbox, Some([68.77905, 38.53575, 68.77905, 38.53575]));
}

#[test]
fn a_multipoint_feature_keeps_its_three_points() {
    let layer = load("valid/multipoint.geojson");
    assert_counts(&layer, 1, &[("MultiPoint", 1)], 0, 0);
    let Geometry::MultiPoint(mp) = &layer.features[0].geometry else { panic!("not a MultiPoint") };
    assert_eq!(mp.0.len(), 3);
    assert_eq!(mp.0[2].x(), 69.27);
}

#[test]
fn a_linestring_feature_keeps_its_four_vertices_in_lon_lat_order() {
    let layer = load("valid/linestring.geojson");
    assert_counts(&layer, 1, &[("LineString", 1)], 0, 0);
    let Geometry::LineString(ls) = &layer.features[0].geometry else { panic!("not a LineString") };
    assert_eq!(ls.0.len(), 4);
    assert_eq!((ls.0[3].x, ls.0[3].y), (70.0, 37.5));
    assert_eq!(layer.features[0].z, None);
}

#[test]
fn a_multilinestring_feature_keeps_both_lines() {
    let layer = load("valid/multilinestring.geojson");
    assert_counts(&layer, 1, &[("MultiLineString", 1)], 0, 0);
    let Geometry::MultiLineString(mls) = &layer.features[0].geometry else { panic!("not a MultiLineString") };
    assert_eq!(mls.0.iter().map(|l| l.0.len()).collect::<Vec<_>>(), vec![2, 3]);
}

#[test]
fn a_polygon_with_a_hole_keeps_its_exterior_and_interior_ring() {
    let layer = load("valid/polygon_with_hole.geojson");
    assert_counts(&layer, 1, &[("Polygon", 1)], 0, 0);
    let Geometry::Polygon(p) = &layer.features[0].geometry else { panic!("not a Polygon") };
    assert_eq!(p.exterior().0.len(), 5);
    assert_eq!(p.interiors().len(), 1);
    assert_eq!(layer.stats.bbox, Some([68.0, 37.0, 69.0, 38.0]));
}

#[test]
fn a_multipolygon_keeps_both_polygons_and_the_hole_of_the_second() {
    let layer = load("valid/multipolygon.geojson");
    assert_counts(&layer, 1, &[("MultiPolygon", 1)], 0, 0);
    let Geometry::MultiPolygon(mp) = &layer.features[0].geometry else { panic!("not a MultiPolygon") };
    assert_eq!(mp.0.len(), 2);
    assert_eq!(mp.0[0].interiors().len(), 0);
    assert_eq!(mp.0[1].interiors().len(), 1);
}

#[test]
fn every_geometry_type_is_read_and_counted_by_type() {
    let layer = load("valid/all_geometry_types.geojson");
    assert_counts(
        &layer,
        7,
        &[
            ("Point", 1),
            ("MultiPoint", 1),
            ("LineString", 1),
            ("MultiLineString", 1),
            ("Polygon", 1),
            ("MultiPolygon", 1),
            ("GeometryCollection", 1),
        ],
        0,
        0,
    );
    assert_eq!(layer.stats.property_names, vec!["kind"]);
    assert_eq!(layer.stats.bbox, Some([67.0, 37.0, 72.5, 38.7]));
}

#[test]
fn nested_geometry_collections_are_read_recursively() {
    let layer = load("valid/nested_geometry_collection.geojson");
    assert_counts(&layer, 1, &[("GeometryCollection", 1)], 0, 0);
    let Geometry::GeometryCollection(outer) = &layer.features[0].geometry else { panic!("not a collection") };
    assert_eq!(outer.0.len(), 2);
    let Geometry::GeometryCollection(middle) = &outer.0[1] else { panic!("inner collection missing") };
    let Geometry::GeometryCollection(inner) = &middle.0[1] else { panic!("innermost collection missing") };
    assert!(matches!(inner.0[0], Geometry::Polygon(_)));
}

#[test]
fn z_values_are_kept_in_coordinate_order_and_2d_features_have_none() {
    let layer = load("valid/z_values.geojson");
    assert_counts(&layer, 3, &[("Point", 2), ("LineString", 1)], 0, 0);
    assert_eq!(layer.features[0].z.as_deref(), Some([2075.0].as_slice()));
    assert_eq!(layer.features[1].z.as_deref(), Some([2100.0, 3200.5, 4100.0].as_slice()));
    assert_eq!(layer.features[2].z, None);
    let Geometry::Point(p) = layer.features[0].geometry else { panic!("not a Point") };
    assert_eq!((p.x(), p.y()), (71.5536, 37.4897));
}

#[test]
fn an_empty_feature_collection_gives_an_empty_layer_without_a_bbox() {
    let layer = load("valid/empty_feature_collection.geojson");
    assert_counts(&layer, 0, &[], 0, 0);
    assert_eq!(layer.stats.bbox, None);
    assert!(layer.stats.warnings.is_empty());
}

#[test]
fn null_and_empty_geometries_are_counted_but_not_stored() {
    let layer = load("valid/null_geometry.geojson");
    assert_counts(&layer, 2, &[("Point", 2)], 0, 2);
    assert_eq!(name_of(&layer, 0), "Checkpoint A");
    assert_eq!(name_of(&layer, 1), "Checkpoint B");
}

#[test]
fn foreign_members_are_ignored_at_every_level() {
    let layer = load("valid/foreign_members.geojson");
    assert_counts(&layer, 2, &[("Point", 2)], 0, 0);
    assert_eq!(layer.stats.property_names, vec!["name"]);
    assert_eq!(name_of(&layer, 0), "Post 17");
    assert!(layer.stats.warnings.is_empty());
}

#[test]
fn a_utf8_byte_order_mark_is_skipped() {
    let bytes = std::fs::read(fixture("valid/utf8_bom.geojson")).expect("fixture");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "the fixture must start with a BOM");
    let layer = load("valid/utf8_bom.geojson");
    assert_counts(&layer, 1, &[("Point", 1)], 0, 0);
    assert_eq!(name_of(&layer, 0), "BOM");
}

#[test]
fn cyrillic_tajik_and_dari_names_and_keys_survive_the_import() {
    let layer = load("valid/non_ascii_names.geojson");
    assert_counts(&layer, 4, &[("Point", 4)], 0, 0);
    assert_eq!(name_of(&layer, 0), "Душанбе");
    assert_eq!(name_of(&layer, 1), "Хоруғ");
    assert_eq!(layer.properties.map(2)["name_prs"], "کابل");
    assert_eq!(layer.properties.map(3)["name_prs"], "مزار شریف");
    assert!(layer.stats.property_names.contains(&"вилоят".to_owned()));
    assert_eq!(layer.style.label_property.as_deref(), Some("name"));
}

#[test]
fn a_single_feature_top_level_object_loads_with_its_properties() {
    let layer = load("valid/single_feature.geojson");
    assert_counts(&layer, 1, &[("Point", 1)], 0, 0);
    let props = &layer.properties.map(0);
    assert_eq!(props["name"], "Ishkashim post");
    assert_eq!(props["staff"], 12);
    assert_eq!(props["tags"], serde_json::json!(["river", "bridge"]));
    assert_eq!(layer.stats.property_names, vec!["active", "name", "staff", "tags"]);
}

#[test]
fn a_crs84_crs_member_is_accepted_without_a_warning() {
    let layer = load("valid/crs_crs84.geojson");
    assert_counts(&layer, 1, &[("Point", 1)], 0, 0);
    assert!(layer.stats.warnings.is_empty(), "{:?}", layer.stats.warnings);
}

#[test]
fn simplestyle_properties_become_feature_styles_and_invalid_values_are_ignored() {
    let layer = load("valid/simplestyle.geojson");
    assert_counts(&layer, 4, &[("LineString", 1), ("Polygon", 1), ("Point", 2)], 0, 0);
    let styles: Vec<&FeatureStyle> = layer.features.iter().map(LayerFeature::style).collect();
    assert_eq!(
        *styles[0],
        FeatureStyle {
            stroke: Some([255, 0, 0]),
            stroke_width: Some(3.5),
            stroke_opacity: Some(0.8),
            title: Some("Patrol route".to_owned()),
            ..FeatureStyle::default()
        }
    );
    assert_eq!(styles[1].stroke, Some([0, 255, 0]), "#rgb shorthand");
    assert_eq!(styles[1].fill, Some([0, 255, 128]), "upper-case hex");
    assert_eq!(styles[1].fill_opacity, Some(0.25));
    assert_eq!(styles[2].marker_color, Some([0x33, 0x66, 0x99]));
    assert_eq!(styles[2].marker_size, Some(MarkerSize::Large));
    assert_eq!(*styles[3], FeatureStyle::default(), "every value of feature 3 is invalid");
    assert_eq!(layer.style.label_property.as_deref(), Some("title"));
}

// ---------------------------------------------------------------------------------------------------------------
// invalid/: the whole file fails

#[test]
fn an_empty_file_is_not_json() {
    let err = load_err("invalid/empty.geojson");
    assert!(matches!(err, ImportError::NotJson { line: 1, .. }), "{err:?}");
    assert!(err.to_string().contains("the file is empty"), "{err}");
}

#[test]
fn a_truncated_file_is_not_json_at_the_line_and_column_where_it_ends() {
    let err = load_err("invalid/truncated.geojson");
    let ImportError::NotJson { line, column, ref reason } = err else { panic!("{err:?}") };
    assert_eq!((line, column), (3, 106));
    assert!(reason.contains("truncated"), "{reason}");
    let message = err.to_string();
    assert!(message.starts_with("not valid JSON at line 3, column 106:"), "{message}");
    assert!(message.contains("truncated.geojson"), "the message names the file: {message}");
}

#[test]
fn a_csv_file_is_not_json() {
    let err = load_err("invalid/not_json.geojson");
    assert!(matches!(err, ImportError::NotJson { line: 1, .. }), "{err:?}");
    assert!(err.to_string().contains("this is not JSON"), "{err}");
}

#[test]
fn topojson_is_not_geojson_and_the_message_names_the_type() {
    let err = load_err("invalid/topojson.json");
    assert!(matches!(err, ImportError::NotGeoJson { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(r#"top-level "type" is "Topology"; expected FeatureCollection, Feature or a geometry"#),
        "{message}"
    );
    assert!(message.contains("topojson.json"), "{message}");
}

#[test]
fn a_json_object_without_a_type_is_not_geojson() {
    let err = load_err("invalid/plain_object.json");
    assert!(matches!(err, ImportError::NotGeoJson { .. }), "{err:?}");
    assert!(err.to_string().contains(r#"no "type" member"#), "{err}");
}

#[test]
fn a_features_member_that_is_not_an_array_is_not_geojson() {
    let err = load_err("invalid/features_not_array.geojson");
    assert!(matches!(err, ImportError::NotGeoJson { .. }), "{err:?}");
    assert!(err.to_string().contains(r#""features" is an object, expected an array"#), "{err}");
}

#[test]
fn a_top_level_array_is_not_geojson() {
    let err = load_err("invalid/top_level_array.json");
    assert!(matches!(err, ImportError::NotGeoJson { .. }), "{err:?}");
    assert!(err.to_string().contains("top-level value is an array"), "{err}");
}

#[test]
fn a_windows_1251_file_is_rejected_as_invalid_utf8_at_the_first_bad_byte() {
    let err = load_err("invalid/windows1251.geojson");
    let ImportError::NotJson { line, column, ref reason } = err else { panic!("{err:?}") };
    assert_eq!((line, column), (1, 45));
    assert!(reason.contains("not valid UTF-8"), "{reason}");
}

#[test]
fn text_after_the_json_document_is_not_json() {
    let err = load_err("invalid/trailing_garbage.geojson");
    assert!(matches!(err, ImportError::NotJson { line: 2, column: 1, .. }), "{err:?}");
}

// ---------------------------------------------------------------------------------------------------------------
// invalid/: features are skipped, the rest loads

#[test]
fn huge_numbers_skip_only_the_features_that_use_them_as_coordinates() {
    let layer = load("invalid/huge_numbers.geojson");
    assert_counts(&layer, 2, &[("Point", 2)], 2, 0);
    assert_eq!(
        layer.stats.reasons,
        vec![
            "feature 1: coordinate 1e400 is not a finite number",
            "feature 2: coordinate -2e999 is not a finite number",
        ]
    );
    assert_eq!(layer.properties.map(0)["budget"], "1e400", "kept as text in properties");
    assert_eq!(name_of(&layer, 1), "large but finite");
    assert_eq!(layer.stats.warnings.len(), 1);
}

#[test]
fn wrong_member_types_skip_those_features_and_keep_the_first_ten_reasons() {
    let layer = load("invalid/wrong_types.geojson");
    assert_counts(&layer, 1, &[("Point", 1)], 13, 0);
    assert_eq!(name_of(&layer, 0), "valid");
    let reasons = &layer.stats.reasons;
    assert_eq!(reasons.len(), 10);
    assert_eq!(reasons[0], "feature 1: a coordinate is a string, expected a number");
    assert_eq!(reasons[1], "feature 2: \"properties\" is an array, expected an object or null");
    assert_eq!(reasons[2], "feature 3: geometry is a number, expected an object or null");
    assert_eq!(reasons[3], "feature 4: a string, not a Feature object");
    assert_eq!(reasons[4], "feature 5: unknown geometry type \"Circle\"");
    assert_eq!(reasons[5], "feature 6: geometry \"type\" is a number, expected a string");
    assert_eq!(reasons[6], "feature 7: \"coordinates\" is an object, expected an array");
    assert_eq!(reasons[7], "feature 8: Point \"coordinates\" must be a position [longitude, latitude]");
    assert_eq!(reasons[8], "feature 9: \"geometries\" is a string, expected an array");
    assert_eq!(reasons[9], "feature 10: a coordinate is null, expected a number");
}

#[test]
fn short_positions_lines_and_rings_are_skipped_with_reasons() {
    let layer = load("invalid/short_positions.geojson");
    assert_counts(&layer, 1, &[("LineString", 1)], 5, 0);
    assert_eq!(
        layer.stats.reasons,
        vec![
            "feature 0: a position has 1 number, needs at least 2 (longitude, latitude)",
            "feature 1: LineString has 1 position, needs at least 2",
            "feature 2: ring 0 of the Polygon has 3 positions, needs at least 4",
            "feature 3: line 1 of the MultiLineString has 1 position, needs at least 2",
            "feature 4: a position is an empty array, needs at least 2 numbers",
        ]
    );
}

#[test]
fn unclosed_rings_are_closed_with_a_counted_warning_as_gdal_does() {
    let layer = load("invalid/unclosed_ring.geojson");
    assert_counts(&layer, 3, &[("MultiPolygon", 1), ("Polygon", 2)], 0, 0);
    assert_eq!(
        layer.stats.warnings,
        vec![
            "2 polygon rings in 2 features were not closed (last position different from the first); closed by \
             repeating the first position"
        ]
    );
    let Geometry::Polygon(open) = &layer.features[0].geometry else { panic!("a polygon") };
    assert_eq!(open.exterior().0.len(), 5, "the open ring gained its closing position");
    assert_eq!(open.exterior().0.first(), open.exterior().0.last());
    let Geometry::MultiPolygon(mp) = &layer.features[2].geometry else { panic!("a multipolygon") };
    assert_eq!(mp.0[0].interiors()[0].0.len(), 5, "the open hole is closed too");
}

#[test]
fn a_ring_too_short_even_once_closed_is_still_skipped_with_its_reason() {
    let text = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[68,37],[69,37]]]}},
        {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[68,37],[69,37],[69,38]]]}}]}"#;
    for layer in both_readers(text) {
        assert_counts(&layer, 1, &[("Polygon", 1)], 1, 0);
        assert_eq!(
            layer.stats.reasons,
            vec!["feature 0: ring 0 of the Polygon has 3 positions once closed, needs at least 4"]
        );
        assert_eq!(layer.stats.warnings.len(), 1, "the triangle was closed: {:?}", layer.stats.warnings);
    }
}

#[test]
fn latitude_over_90_is_skipped_and_longitude_over_180_is_wrapped_with_a_warning() {
    let layer = load("invalid/latitude_over_90.geojson");
    assert_counts(&layer, 3, &[("LineString", 1), ("Point", 2)], 1, 0);
    assert_eq!(layer.stats.reasons, vec!["feature 1: latitude 95.2 is outside −90…90"]);
    assert_eq!(
        layer.stats.warnings,
        vec![
            "1 position in 1 feature had longitudes beyond ±180 by whole turns (the first: 181.5); they were wrapped \
              into −180…180"
        ]
    );
    let Geometry::LineString(line) = &layer.features[2].geometry else { panic!("a line") };
    approx::assert_abs_diff_eq!(line.0[1].x, -178.5, epsilon = 1e-12);
}

/// The layer read by the block reader (with small blocks) and by the one-pass reader.
fn both_readers(text: &str) -> [Layer; 2] {
    let opts = ImportOptions::default();
    let blocks = borderplan::io::geojson_import::import_bytes_in_blocks("t", text.as_bytes(), 64, &opts);
    let one_pass = borderplan::io::geojson_import::import_bytes_in_one_pass("t", text.as_bytes(), &opts);
    match (blocks, one_pass) {
        (Ok(a), Ok(b)) => [a, b],
        (a, b) => panic!("both readers should read it: {:?} / {:?}", a.err(), b.err()),
    }
}

#[test]
fn longitudes_off_by_whole_turns_are_wrapped_in_both_readers_and_projected_numbers_are_not() {
    // A web map panned two worlds east writes 722.5 for 2.5; 7656419.3 are metres, not degrees.
    let text = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[722.5,37.0]}},
        {"type":"Feature","properties":{"n":2},"geometry":{"type":"LineString","coordinates":[[-290.0,37.0],[-289.0,37.5],[69.0,37.5]]}},
        {"type":"Feature","properties":{"n":3},"geometry":{"type":"Point","coordinates":[7656419.3,4500000.0]}},
        {"type":"Feature","properties":{"n":4},"geometry":{"type":"Point","coordinates":[3780.0,37.0]}}]}"#;
    for layer in both_readers(text) {
        assert_counts(&layer, 3, &[("LineString", 1), ("Point", 2)], 1, 0);
        let Geometry::Point(p) = &layer.features[0].geometry else { panic!("a point") };
        approx::assert_abs_diff_eq!(p.x(), 2.5, epsilon = 1e-12);
        let Geometry::LineString(l) = &layer.features[1].geometry else { panic!("a line") };
        approx::assert_abs_diff_eq!(l.0[0].x, 70.0, epsilon = 1e-12);
        approx::assert_abs_diff_eq!(l.0[1].x, 71.0, epsilon = 1e-12);
        approx::assert_abs_diff_eq!(l.0[2].x, 69.0, epsilon = 1e-12);
        // Exactly ten turns east of the antimeridian is the antimeridian, on the side the file used.
        let Geometry::Point(p) = &layer.features[2].geometry else { panic!("a point") };
        approx::assert_abs_diff_eq!(p.x(), 180.0, epsilon = 1e-9);
        assert_eq!(
            layer.stats.reasons,
            vec!["feature 2: longitude 7656419.3 is outside −180…180 (by more than 10 whole turns)"]
        );
        assert_eq!(
            layer.stats.warnings,
            vec![
                "4 positions in 3 features had longitudes beyond ±180 by whole turns (the first: 722.5); they were \
                  wrapped into −180…180"
            ]
        );
    }
}

#[test]
fn a_web_mercator_crs_member_reprojects_the_file_and_says_so() {
    let layer = load("invalid/crs_epsg3857.geojson");
    assert_counts(&layer, 2, &[("Point", 2)], 0, 0);
    assert_eq!(
        layer.stats.notes,
        vec!["reprojected from EPSG:3857 (WGS 84 / Pseudo-Mercator) (the file's crs member) to WGS84"]
    );
    let Geometry::Point(dushanbe) = layer.features[0].geometry else { panic!("{:?}", layer.features[0]) };
    // 7656419.3 m east, 4657183.9 m north in Web Mercator is Dushanbe; `gdaltransform -s_srs EPSG:3857
    // -t_srs EPSG:4326` gives 68.7787847881769 38.5483666400269.
    assert!(
        (dushanbe.x() - 68.778_784_788).abs() < 1e-8 && (dushanbe.y() - 38.548_366_640).abs() < 1e-8,
        "{dushanbe:?}"
    );
}

#[test]
fn an_unknown_crs_gives_a_warning_and_projected_coordinates_are_skipped() {
    let text = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3035"}},
      "features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[5656419.3,2657183.9]}},
      {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[12.5,45.0]}}]}"#;
    let layer = import_str(text).unwrap();
    assert_counts(&layer, 1, &[("Point", 1)], 1, 0);
    assert_eq!(layer.stats.warnings, vec!["crs EPSG:3035 is not WGS84; coordinates are read as longitude/latitude"]);
    assert_eq!(
        layer.stats.reasons,
        vec!["feature 0: longitude 5656419.3 is outside −180…180 (by more than 10 whole turns)"]
    );
}

#[test]
fn duplicate_property_keys_keep_the_last_and_duplicate_geometry_members_skip_the_feature() {
    let layer = load("invalid/duplicate_keys.geojson");
    assert_counts(&layer, 1, &[("Point", 1)], 2, 0);
    assert_eq!(name_of(&layer, 0), "second");
    assert_eq!(
        layer.stats.reasons,
        vec!["feature 1: duplicate \"geometry\" member", "feature 2: duplicate \"coordinates\" member in a geometry",]
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Robustness

#[test]
fn deeply_nested_arrays_are_an_error_and_never_overflow_the_stack() {
    // A small stack makes a missing depth limit fail loudly instead of passing by luck.
    let handle = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(|| {
            let depth = 100_000;
            let unclosed = "[".repeat(depth);
            let closed = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let in_coordinates = format!(
                r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{{"type":"Point","coordinates":{closed}}}}}]}}"#
            );
            let in_properties = format!(
                r#"{{"type":"Feature","geometry":null,"properties":{{"a":{closed}}}}}"#
            );
            let objects = format!("{}{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
            let results = [
                import_str(&unclosed).map(|_| ()),
                import_str(&closed).map(|_| ()),
                import_str(&in_coordinates).map(|_| ()),
                import_str(&in_properties).map(|_| ()),
                import_str(&objects).map(|_| ()),
            ];
            results.map(|r| r.err().map(|e| e.to_string()))
        })
        .expect("spawn");
    let messages = handle.join().expect("no stack overflow or panic");
    for message in &messages {
        assert!(message.is_some(), "every deeply nested input fails: {messages:?}");
    }
    let in_coordinates = messages[2].as_deref().unwrap_or_default();
    assert!(in_coordinates.contains("nested more than 128 levels"), "{in_coordinates}");
    let in_properties = messages[3].as_deref().unwrap_or_default();
    assert!(in_properties.contains("nested more than 128 levels"), "{in_properties}");
}

#[test]
fn moderately_nested_properties_load() {
    let nested = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    let text = format!(
        r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[69,37]}},"properties":{{"deep":{nested}}}}}"#
    );
    let layer = import_str(&text).expect("100 levels are within the limit");
    assert_counts(&layer, 1, &[("Point", 1)], 0, 0);
}

#[test]
fn every_truncation_of_a_valid_file_is_an_error_or_a_layer_never_a_panic() {
    let bytes = std::fs::read(fixture("valid/all_geometry_types.geojson")).expect("fixture");
    let document_len = bytes.trim_ascii_end().len();
    for end in 0..document_len {
        match import_bytes("cut", &bytes[..end], &ImportOptions::default()) {
            Err(ImportError::NotJson { .. }) => {}
            Ok(layer) => panic!("a file cut at byte {end} loaded: {}", inspect_json(&layer)),
            Err(other) => panic!("a file cut at byte {end} gave {other:?}"),
        }
    }
}

#[test]
fn utf16_input_is_reported_as_such() {
    let utf16: Vec<u8> =
        "\u{feff}{\"type\":\"Point\",\"coordinates\":[69,37]}".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let err = import_bytes("utf16", &utf16, &ImportOptions::default()).expect_err("not UTF-8");
    assert!(err.to_string().contains("UTF-16"), "{err}");
}

#[test]
fn json_literals_nan_and_infinity_are_not_json() {
    let err = import_str(r#"{"type":"Point","coordinates":[NaN, Infinity]}"#).expect_err("not JSON");
    assert!(matches!(err, ImportError::NotJson { line: 1, .. }), "{err:?}");
}

#[test]
fn a_feature_collection_without_features_is_an_empty_layer_with_a_warning() {
    let layer = import_str(r#"{"type":"FeatureCollection"}"#).expect("tolerated");
    assert_counts(&layer, 0, &[], 0, 0);
    assert_eq!(layer.stats.warnings.len(), 1);
}

#[test]
fn geometry_members_may_come_in_any_order() {
    let text = r#"{"type":"FeatureCollection","features":[
        {"geometry":{"coordinates":[[[68,37],[69,37],[69,38],[68,37]]],"type":"Polygon"},"properties":{"n":1},"type":"Feature"},
        {"properties":null,"geometry":{"geometries":[{"coordinates":[69,37,5],"type":"Point"},{"type":"Point","coordinates":[70,38]}],"type":"GeometryCollection"}}
    ]}"#;
    let layer = import_str(text).expect("loads");
    assert_counts(&layer, 2, &[("Polygon", 1), ("GeometryCollection", 1)], 0, 0);
    let z = layer.features[1].z.as_ref().expect("3-D child");
    assert_eq!(z[0], 5.0);
    assert!(z[1].is_nan(), "a 2-D child in a 3-D collection gets NaN");
}

// ---------------------------------------------------------------------------------------------------------------
// Files

#[test]
fn importing_a_directory_is_an_error_naming_the_path() {
    let dir = fixture("valid");
    let err = import_file(&dir, &ImportOptions::default()).expect_err("a directory");
    assert!(matches!(err, ImportError::IsDirectory { .. }), "{err:?}");
    assert!(err.to_string().contains("fixtures/geojson/valid"), "{err}");
}

#[test]
fn importing_a_missing_file_is_an_io_error_naming_the_path() {
    let path = fixture("valid/no_such_file.geojson");
    let err = import_file(&path, &ImportOptions::default()).expect_err("missing");
    assert!(matches!(err, ImportError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("no_such_file.geojson"), "{err}");
}

#[test]
fn importing_a_temporary_file_names_the_layer_after_the_file_stem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("Outposts 2025.geojson");
    std::fs::write(&path, r#"{"type":"Point","coordinates":[69,37]}"#).expect("write");
    let layer = import_file(&path, &ImportOptions::default()).expect("loads");
    assert_eq!(layer.name, "Outposts 2025");
    assert_eq!(layer.stats.bytes_read, 38);
}

#[test]
fn the_project_towns_file_gives_114_point_features() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/towns.geojson");
    let layer = import_file(&path, &ImportOptions::default()).expect("towns load");
    assert_counts(&layer, 114, &[("Point", 114)], 0, 0);
    assert!(layer.stats.property_names.contains(&"population".to_owned()));
    assert_eq!(layer.style.label_property.as_deref(), Some("name"));
    let [w, s, e, n] = layer.stats.bbox.expect("bbox");
    assert!(w < 68.8 && e > 68.8 && s < 38.5 && n > 38.5, "Dushanbe inside the bbox");
}

#[test]
fn inspect_json_reports_the_documented_keys() {
    let layer = load("invalid/latitude_over_90.geojson");
    let json = inspect_json(&layer);
    assert_eq!(json["features"], 3);
    assert_eq!(json["by_type"], serde_json::json!({"LineString": 1, "Point": 2}));
    // The line from 179 to 181.5 (wrapped to −178.5) spans the map, as in GDAL.
    assert_eq!(json["bbox"], serde_json::json!([-178.5, 10.0, 179.0, 37.1]));
    assert_eq!(json["skipped"], 1);
    assert_eq!(json["null_geometries"], 0);
    assert_eq!(json["reasons"][0], "feature 1: latitude 95.2 is outside −90…90");
    assert_eq!(json["properties"], serde_json::json!(["name"]));
    assert_eq!(json["warnings"].as_array().map(Vec::len), Some(1));
    let empty = inspect_json(&load("valid/empty_feature_collection.geojson"));
    assert_eq!(empty["bbox"], serde_json::Value::Null);
}

// ---------------------------------------------------------------------------------------------------------------
// Progress and cancellation

/// A FeatureCollection of `n` points, about 90 bytes each.
fn many_points(n: usize) -> String {
    let mut text = String::from(r#"{"type":"FeatureCollection","features":["#);
    for i in 0..n {
        if i > 0 {
            text.push(',');
        }
        let lon = 60.0 + (i % 1000) as f64 * 0.01;
        let lat = 30.0 + (i / 1000) as f64 * 0.01;
        text.push_str(&format!(
            r#"{{"type":"Feature","properties":{{"id":{i}}},"geometry":{{"type":"Point","coordinates":[{lon:.5},{lat:.5}]}}}}"#
        ));
    }
    text.push_str("]}");
    text
}

#[test]
fn progress_is_reported_about_every_megabyte_and_at_the_end() {
    let text = many_points(40_000);
    let total = text.len() as u64;
    assert!(total > 3_000_000, "test input is {total} bytes");
    let calls = Mutex::new(Vec::new());
    let progress = |done: u64| calls.lock().expect("lock").push(done);
    let opts = ImportOptions { progress: Some(&progress), cancel: None };
    let layer = import_bytes("many", text.as_bytes(), &opts).expect("loads");
    assert_eq!(layer.stats.features, 40_000);
    let calls = calls.into_inner().expect("lock");
    assert!(calls.len() >= 3, "{calls:?}");
    assert!(calls.windows(2).all(|w| w[0] < w[1]), "monotonic: {calls:?}");
    assert_eq!(calls.last().copied(), Some(total));
    let mut previous = 0;
    for done in &calls {
        assert!(done - previous <= 1_200_000, "gaps are about 1 MB: {calls:?}");
        previous = *done;
    }
}

#[test]
fn a_cancel_flag_set_beforehand_returns_cancelled() {
    let cancel = AtomicBool::new(true);
    let opts = ImportOptions { progress: None, cancel: Some(&cancel) };
    let result = import_bytes("x", many_points(10).as_bytes(), &opts);
    assert!(matches!(result, Err(ImportError::Cancelled)), "{result:?}");
}

#[test]
fn cancelling_during_the_import_stops_it_with_cancelled() {
    let text = many_points(40_000);
    let cancel = AtomicBool::new(false);
    let reported = Mutex::new(0u64);
    let progress = |done: u64| {
        *reported.lock().expect("lock") = done;
        cancel.store(true, Ordering::Relaxed);
    };
    let opts = ImportOptions { progress: Some(&progress), cancel: Some(&cancel) };
    let result = import_bytes("many", text.as_bytes(), &opts);
    assert!(matches!(result, Err(ImportError::Cancelled)), "{:?}", result.map(|l| l.stats.features));
    let reported = *reported.lock().expect("lock");
    assert!(reported > 0 && reported < text.len() as u64 / 2, "stopped early, after {reported} bytes");
}

// ---------------------------------------------------------------------------------------------------------------
// Spatial queries

/// Point A (69.0, 37.0), line B from (68, 38) to (70, 38), square C (68…70, 36…37.5) with a hole
/// (68.8…69.2, 36.2…36.6), an L-shaped line D.
fn tiny_layer() -> Layer {
    match import_str(
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[69.0,37.0]}},
        {"type":"Feature","properties":{"name":"B"},"geometry":{"type":"LineString","coordinates":[[68.0,38.0],[70.0,38.0]]}},
        {"type":"Feature","properties":{"name":"C"},"geometry":{"type":"Polygon","coordinates":[
            [[68.0,36.0],[70.0,36.0],[70.0,37.5],[68.0,37.5],[68.0,36.0]],
            [[68.8,36.2],[69.2,36.2],[69.2,36.6],[68.8,36.6],[68.8,36.2]]]}},
        {"type":"Feature","properties":{"name":"D"},"geometry":{"type":"LineString","coordinates":[[71.0,40.0],[71.0,39.0],[72.0,39.0]]}}
    ]}"#,
    ) {
        Ok(layer) => layer,
        Err(e) => panic!("tiny layer: {e}"),
    }
}

#[test]
fn hit_test_prefers_a_nearby_point_over_the_polygon_containing_it() {
    let layer = tiny_layer();
    assert_eq!(layer.hit_test(69.01, 37.01, 0.05).map(|i| name_of(&layer, i)).as_deref(), Some("A"));
}

#[test]
fn hit_test_finds_lines_by_distance_and_polygons_by_containment() {
    let layer = tiny_layer();
    assert_eq!(layer.hit_test(69.5, 38.03, 0.05).map(|i| name_of(&layer, i)).as_deref(), Some("B"));
    assert_eq!(layer.hit_test(68.3, 36.3, 0.05).map(|i| name_of(&layer, i)).as_deref(), Some("C"), "inside C");
    assert_eq!(layer.hit_test(67.98, 36.5, 0.05).map(|i| name_of(&layer, i)).as_deref(), Some("C"), "near C's edge");
    assert_eq!(layer.hit_test(69.0, 36.4, 0.05), None, "inside C's hole, far from its rings");
    assert_eq!(layer.hit_test(71.5, 39.5, 0.05), None, "inside D's envelope but far from the line");
    assert_eq!(layer.hit_test(69.5, 38.2, 0.05), None, "beyond the tolerance");
}

#[test]
fn features_in_rect_uses_the_geometry_not_just_the_envelope() {
    let layer = tiny_layer();
    let names = |ids: Vec<usize>| ids.into_iter().map(|i| name_of(&layer, i).to_owned()).collect::<Vec<_>>();
    assert_eq!(names(layer.features_in_rect(68.9, 36.9, 69.1, 37.1)), vec!["A", "C"]);
    assert_eq!(names(layer.features_in_rect(71.4, 39.4, 71.6, 39.6)), Vec::<String>::new());
    assert_eq!(names(layer.features_in_rect(68.9, 36.3, 69.1, 36.5)), Vec::<String>::new(), "inside the hole");
    assert_eq!(names(layer.features_in_rect(60.0, 30.0, 80.0, 50.0)), vec!["A", "B", "C", "D"]);
}

#[test]
fn visible_in_returns_features_whose_envelope_meets_the_viewport() {
    let layer = tiny_layer();
    let mut visible: Vec<usize> = layer.visible_in(71.4, 39.4, 71.6, 39.6).collect();
    visible.sort_unstable();
    assert_eq!(visible, vec![3], "D's envelope covers the view even though the line does not");
    assert_eq!(layer.visible_in(0.0, 0.0, 1.0, 1.0).count(), 0);
    let mut across_antimeridian: Vec<usize> = layer.visible_in(170.0, 30.0, 69.5, 45.0).collect();
    across_antimeridian.sort_unstable();
    assert_eq!(across_antimeridian, vec![0, 1, 2]);
}

#[test]
fn default_colors_are_distinct_and_cycle() {
    // Seven colours, each clear of the stage, gap and selection colours (map::layer_style tests the distances).
    let first_seven: Vec<[u8; 3]> = (0..7).map(Layer::default_color).collect();
    let mut unique = first_seven.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 7);
    assert_eq!(Layer::default_color(7), Layer::default_color(0));
    assert_eq!(Layer::default_color(10), Layer::default_color(3));
}

/// The old, exhaustive hit test: every feature, geo's Euclidean distance, the same ranking.
fn hit_test_reference(layer: &Layer, lon: f64, lat: f64, tol: f64) -> Option<usize> {
    use geo::{Distance, Euclidean, Point};
    let point = Point::new(lon, lat);
    let mut best: Option<((u8, f64, f64), usize)> = None;
    for (i, feature) in layer.features.iter().enumerate() {
        let distance = Euclidean.distance(&point, &feature.geometry);
        if distance.is_nan() || distance > tol {
            continue;
        }
        let area = matches!(feature.geometry, Geometry::Polygon(_) | Geometry::MultiPolygon(_));
        let inside_area = distance == 0.0 && area;
        let envelope_area = if inside_area {
            geo::BoundingRect::bounding_rect(&feature.geometry).map_or(0.0, |r| r.width() * r.height())
        } else {
            0.0
        };
        let key = (u8::from(inside_area), distance, envelope_area);
        let better = match &best {
            None => true,
            Some((best_key, best_i)) => {
                key.partial_cmp(best_key).is_some_and(|o| o.is_lt()) || (key == *best_key && i > *best_i)
            }
        };
        if better {
            best = Some((key, i));
        }
    }
    best.map(|(_, i)| i)
}

#[test]
fn hit_test_agrees_with_an_exhaustive_search_on_mixed_geometries() {
    use std::fmt::Write as _;
    let mut state = 7u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as f64 / u64::MAX as f64
    };
    let mut text = String::from(r#"{"type":"FeatureCollection","features":["#);
    let mut vertices: Vec<(f64, f64)> = Vec::new();
    for i in 0..600 {
        if i > 0 {
            text.push(',');
        }
        let (x0, y0) = (68.0 + next() * 2.0, 37.0 + next() * 1.0);
        let mut walk = |n: usize, step: f64, vertices: &mut Vec<(f64, f64)>| {
            let (mut x, mut y) = (x0, y0);
            let mut s = String::new();
            for v in 0..n {
                if v > 0 {
                    s.push(',');
                    x += (next() - 0.5) * step;
                    y += (next() - 0.5) * step;
                }
                vertices.push((x, y));
                let _ = write!(s, "[{x},{y}]");
            }
            s
        };
        let geometry = match i % 5 {
            0 => format!(r#"{{"type":"Point","coordinates":[{x0},{y0}]}}"#),
            1 => format!(r#"{{"type":"MultiPoint","coordinates":[{}]}}"#, walk(3, 0.05, &mut vertices)),
            2 => format!(r#"{{"type":"LineString","coordinates":[{}]}}"#, walk(20, 0.03, &mut vertices)),
            3 => format!(
                r#"{{"type":"MultiLineString","coordinates":[[{}],[{}]]}}"#,
                walk(8, 0.03, &mut vertices),
                walk(5, 0.06, &mut vertices)
            ),
            _ => {
                let (w, h) = (0.02 + next() * 0.1, 0.02 + next() * 0.1);
                format!(
                    r#"{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}"#,
                    x1 = x0 + w,
                    y1 = y0 + h
                )
            }
        };
        let _ = write!(text, r#"{{"type":"Feature","properties":{{"i":{i}}},"geometry":{geometry}}}"#);
    }
    text.push_str("]}");
    let layer = import_str(&text).unwrap_or_else(|e| panic!("generated layer: {e}"));
    assert_eq!(layer.features.len(), 600);
    let mut hits = 0;
    for k in 0..3000 {
        let (lon, lat) = match k % 4 {
            // Exactly on a vertex: distance 0.
            0 => vertices[(next() * vertices.len() as f64) as usize % vertices.len()],
            _ => (67.9 + next() * 2.3, 36.9 + next() * 1.3),
        };
        for tol in [0.0, 0.002, 0.02, 0.08] {
            let fast = layer.hit_test(lon, lat, tol);
            assert_eq!(fast, hit_test_reference(&layer, lon, lat, tol), "click ({lon}, {lat}), tolerance {tol}");
            hits += usize::from(fast.is_some());
        }
    }
    assert!(hits > 3000, "the clicks should hit often: {hits}");
}
