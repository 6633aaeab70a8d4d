//! The block-wise, two-thread reader gives exactly the layer (or the error) of the one-pass reader, wherever the
//! block boundaries fall: every fixture, generated files, and hand-made edge cases.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::Path;

use borderplan::io::geojson_import::{
    ImportError, ImportOptions, block_reader_accepts, import_bytes_in_blocks, import_bytes_in_one_pass, import_file,
};
use borderplan::io::layer::Layer;
use borderplan::synth;

/// Everything a reader produces that the two readers must agree on.
fn summary(result: &Result<Layer, ImportError>) -> String {
    match result {
        Err(e) => format!("error: {e}"),
        Ok(layer) => {
            let mut out = format!("{:?}\n", layer.stats);
            for (i, f) in layer.features.iter().enumerate() {
                out.push_str(&format!("{i}: {:?} {:?} {:?} ", f.geometry, f.z, f.style));
                out.push_str(&serde_json::Value::Object(layer.properties.map(i)).to_string());
                out.push('\n');
            }
            out
        }
    }
}

#[track_caller]
fn assert_same_for_every_block_size(label: &str, bytes: &[u8], block_sizes: &[usize]) {
    let reference = import_bytes_in_one_pass("layer", bytes, &ImportOptions::default());
    let expected = summary(&reference);
    for &block in block_sizes {
        let blocks = import_bytes_in_blocks("layer", bytes, block, &ImportOptions::default());
        let got = summary(&blocks);
        assert!(got == expected, "{label}, blocks of {block} bytes:\n{got}\n---- one pass:\n{expected}");
        if let (Ok(a), Ok(b)) = (&reference, &blocks) {
            assert_eq!(a.properties, b.properties, "{label}: property stores");
            assert_eq!(a.indexed_len(), b.indexed_len());
        }
    }
}

#[test]
fn every_fixture_reads_the_same_in_blocks_of_any_size_as_in_one_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/geojson");
    let mut count = 0;
    for dir in ["valid", "invalid"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            assert_same_for_every_block_size(&path.display().to_string(), &bytes, &[1, 2, 3, 5, 16, 64, 1 << 20]);
            count += 1;
        }
    }
    assert!(count >= 30, "fixtures found: {count}");
    // The block-wise reader itself reads the valid FeatureCollections (the others go to the one-pass reader).
    for name in ["all_geometry_types", "foreign_members", "non_ascii_names", "simplestyle", "utf8_bom", "z_values"] {
        let bytes = std::fs::read(root.join("valid").join(format!("{name}.geojson"))).unwrap();
        assert!(block_reader_accepts(&bytes, 7), "{name} is read in blocks");
    }
}

#[test]
fn generated_points_lines_and_polygons_read_the_same_on_two_threads() {
    for (label, bytes) in [
        ("points", synth::points_geojson(3_000)),
        ("lines", synth::lines_geojson(400, 20)),
        ("polygons", synth::polygons_geojson(300, 12, 6)),
    ] {
        // Blocks of 64 KiB and more hold more than 64 features, so each is split between the two threads.
        assert_same_for_every_block_size(label, &bytes, &[977, 8_192, 65_536, 1 << 21]);
        for block in [977, 65_536, 1 << 21] {
            assert!(block_reader_accepts(&bytes, block), "{label}: read in blocks of {block}, not left to one pass");
        }
    }
}

#[test]
fn a_wrong_guess_of_a_feature_start_inside_a_feature_changes_nothing() {
    // The features hold arrays of Feature-like objects, separated like the features themselves: the helper
    // thread's guessed start often falls inside a feature, and the caller's thread must then read on alone.
    let mut text = String::from(r#"{"type":"FeatureCollection","features":["#);
    for i in 0..4_000 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"{{"type":"Feature","children":[{{"type":"Feature","n":{i}}},{{"type":"Feature","n":{i}}}],"properties":{{"i":{i}}},"geometry":{{"type":"Point","coordinates":[{},{}]}}}}"#,
            60.0 + f64::from(i % 100) * 0.1,
            30.0 + f64::from(i / 100) * 0.1
        ));
    }
    text.push_str("]}");
    assert_same_for_every_block_size("nested look-alikes", text.as_bytes(), &[65_536, 100_000, 1 << 20]);
    assert!(block_reader_accepts(text.as_bytes(), 65_536));
}

#[test]
fn edge_cases_of_the_features_array_read_the_same() {
    let cases = [
        r#"{"type":"FeatureCollection","features":[]}"#,
        r#"{"features":[],"type":"FeatureCollection"}"#,
        r#"  {"type":"FeatureCollection","features":[ null , 1, "x", [], {} ]}  "#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"a":1}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"a":1e400}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"a":[1e999]}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"s":"\ud800"}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"s":"\u00e9\"]},"}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"a":1,"a":2}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"a":1},"properties":{"b":2}},{"type":"Feature","geometry":{"type":"Point","coordinates":[3,4]},"properties":{"c":3}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":7},{"type":"Feature","geometry":{"type":"Point","coordinates":[3,4]},"properties":{"c":3}}]}"#,
        r#"{"type":"FeatureCollection","properties":{"x":1},"features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"c":3}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}],"features":[]}"#,
        r#"{"type":"Feature","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}],"geometry":null}"#,
        r#"{"type":"FeatureCollection","fea\u0074ures":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}]}"#,
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}]} x"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}},]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}} {"type":"Feature"}]}"#,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}"#,
        r##"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"stroke":"#f00","title":"T"}}]}"##,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"n":{"deep":[1,{"x":null}]},"q":"say \"hi\""}}]}"#,
        r#"{"type":"Topology","features":[]}"#,
        "\u{feff}{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}]}",
    ];
    for (i, case) in cases.iter().enumerate() {
        assert_same_for_every_block_size(&format!("case {i}: {case}"), case.as_bytes(), &[1, 2, 7, 30, 4096]);
    }
    // Sanity: the plain cases are the block reader's own, not merely handed on.
    for i in [0, 1, 2, 3, 8, 9, 10, 11, 15, 20, 21, 23] {
        assert!(block_reader_accepts(cases[i].as_bytes(), 5), "case {i} is read in blocks: {}", cases[i]);
    }
    // Nesting close to the limit, inside a feature and inside its properties.
    for depth in [110, 118, 122, 123, 124, 125, 128, 130] {
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        for doc in [
            format!(
                r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","geometry":{{"type":"Point","coordinates":[1,2]}},"properties":{{"d":{deep}}}}}]}}"#
            ),
            format!(
                r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","geometry":{{"type":"Point","coordinates":[1,2]}},"x":{deep}}}]}}"#
            ),
        ] {
            assert_same_for_every_block_size(&format!("depth {depth}"), doc.as_bytes(), &[64, 4096]);
        }
    }
}

#[test]
fn keys_that_almost_repeat_the_last_features_keys_read_the_same() {
    // The block reader tries the last feature's next key, the usual member names and geometry types first; each
    // feature here differs from that guess in one way (or is it exactly, with other spacing).
    let properties = [
        r#"{"a":1,"b":"x"}"#,
        r#"{ "a" : 2 , "b" :"y" }"#,
        r#"{"a":3,"bb":"z"}"#,
        r#"{"a":4,"b":"w","c":null}"#,
        r#"{"a":5}"#,
        r#"{"a":6,"b":7,"c":8}"#,
        r#"{"b":9,"a":10}"#,
        r#"{"a":11,"b\"":12}"#,
        r#"{"a":12,"b\u0022":13}"#,
        r#"{"a\"":13,"b":14}"#,
        r#"{"a":14,"b":15,"a":16}"#,
        r##"{"a":15,"stroke":"#f00"}"##,
        r##"{"a":16,"stroke":"#0f0"}"##,
        r##"{"a":17,"fill":"#00f","b":1}"##,
        r#"{"a":18,"b":"a\":1,\"b"}"#,
        r#"{}"#,
        r#"{"a":19,"b":20}"#,
    ];
    let geometries = [
        r#"{"type":"Point","coordinates":[1,2]}"#,
        r#"{"type" :"Point" ,"coordinates":[1,2]}"#,
        r#"{"type":"Pointy","coordinates":[1,2]}"#,
        r#"{"type":"MultiPoint","coordinates":[[1,2]]}"#,
        r#"{"coordinates":[[1,2],[3,4]],"type":"LineString"}"#,
        r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}"#,
        r#"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}"#,
        r#"{"type":"Point","coordinates":[1,2],"type":"Point"}"#,
        r#"{"typ":"Point","coordinates":[1,2]}"#,
        r#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[5,6]}]}"#,
    ];
    let mut features = Vec::new();
    for (i, props) in properties.iter().enumerate() {
        let geometry = geometries[i % geometries.len()];
        features.push(match i % 4 {
            0 => format!(r#"{{"type":"Feature","properties":{props},"geometry":{geometry}}}"#),
            1 => format!(r#"{{ "geometry" : {geometry} , "properties" : {props} , "type" : "Feature" }}"#),
            2 => format!(r#"{{"type":"Featur","properties":{props},"geometry":{geometry}}}"#),
            _ => format!(r#"{{"type":"Feature","id":{i},"propertiesx":1,"properties":{props},"geometry":{geometry}}}"#),
        });
    }
    for geometry in geometries {
        features.push(format!(r#"{{"type":"Feature","properties":{{"a":0,"b":0}},"geometry":{geometry}}}"#));
    }
    let doc = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(",\n"));
    assert_same_for_every_block_size("keys that almost repeat", doc.as_bytes(), &[1, 7, 64, 4096, 1 << 20]);
    assert!(block_reader_accepts(doc.as_bytes(), 4096), "the block reader reads them itself");
    let layer = import_bytes_in_blocks("layer", doc.as_bytes(), 1 << 20, &ImportOptions::default()).unwrap();
    assert_eq!((layer.stats.features, layer.stats.skipped), (17, 10), "{:?}", layer.stats.reasons);
}

#[test]
fn a_file_is_read_in_blocks_with_the_same_result_as_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = synth::points_geojson(5_000);
    let path = dir.path().join("points.geojson");
    std::fs::write(&path, &bytes).unwrap();
    let from_file = import_file(&path, &ImportOptions::default()).unwrap();
    let from_bytes = import_bytes_in_one_pass("points", &bytes, &ImportOptions::default()).unwrap();
    assert_eq!(summary(&Ok(from_file.clone())), summary(&Ok(from_bytes)));
    assert_eq!(from_file.source_path.as_deref(), Some(path.as_path()));
    assert_eq!(from_file.name, "points");
    assert_eq!(from_file.stats.bytes_read, bytes.len() as u64);
}

/// A FeatureCollection of `features` LineStrings of `vertices` vertices each, with a few properties.
fn huge_lines(features: usize, vertices: usize) -> Vec<u8> {
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for f in 0..features {
        if f > 0 {
            out.push_str(",\n");
        }
        out.push_str(&format!("{{\"type\":\"Feature\",\"properties\":{{\"name\":\"line {f}\",\"n\":{vertices}}},"));
        out.push_str("\"geometry\":{\"type\":\"LineString\",\"coordinates\":[");
        for v in 0..vertices {
            if v > 0 {
                out.push(',');
            }
            let t = v as f64 / vertices as f64;
            out.push_str(&format!("[{:.6},{:.6}]", 67.5 + 7.0 * t, 37.0 + (t * 40.0).sin() * 0.5 + f as f64 * 0.01));
        }
        out.push_str("]}}");
    }
    out.push_str("\n]}\n");
    out.into_bytes()
}

#[test]
fn a_feature_spanning_many_blocks_is_parsed_once_so_twice_the_vertices_cost_twice_the_work() {
    // 4 KB blocks: the 20,000-vertex line spans ~100 blocks, the 40,000-vertex one ~200. Reading each again from
    // its start after every block (as this reader once did) parsed ~50× and ~100× the file.
    let block = 4096;
    let small = huge_lines(1, 20_000);
    let large = huge_lines(1, 40_000);
    let work_small = borderplan::io::geojson_import::block_reader_parsed_bytes(&small, block).expect("fast path");
    let work_large = borderplan::io::geojson_import::block_reader_parsed_bytes(&large, block).expect("fast path");
    assert!(work_small as f64 <= small.len() as f64 * 1.2, "parsed {work_small} bytes of a {}-byte file", small.len());
    let ratio = work_large as f64 / work_small as f64;
    assert!(ratio <= 2.2, "twice the vertices cost {ratio:.2}× the parsing");
    // And the layer is the one the one-pass reader gives.
    assert_same_for_every_block_size("one huge line", &large, &[block, 65_536]);
}

#[test]
fn a_few_huge_features_cost_the_same_work_per_byte_as_many_small_ones() {
    let block = 8192;
    let few = huge_lines(3, 30_000);
    let many = huge_lines(3_000, 30);
    let per_byte = |bytes: &[u8]| {
        borderplan::io::geojson_import::block_reader_parsed_bytes(bytes, block).expect("fast path") as f64
            / bytes.len() as f64
    };
    let (few_work, many_work) = (per_byte(&few), per_byte(&many));
    assert!(
        few_work <= many_work * 1.5,
        "few huge features: {few_work:.3} parsed bytes per byte, many small: {many_work:.3}"
    );
}

/// One feature of `vertices` positions around a circle near Khorugh: a LineString, or a Polygon whose shell is
/// closed or left open, with an optional hole and z values.
fn huge_ring(kind: &str, vertices: usize, closed: bool, hole: bool, z: bool) -> String {
    let position = |i: usize, r: f64| {
        let a = (i % vertices) as f64 / vertices as f64 * std::f64::consts::TAU;
        let (x, y) = (71.5 + r * a.cos(), 37.5 + r * a.sin());
        if z { format!("[{x:.7},{y:.7},{}]", i % 3000) } else { format!("[{x:.7},{y:.7}]") }
    };
    let ring = |r: f64, n: usize| {
        let end = if closed { n + 1 } else { n };
        let items: Vec<String> = (0..end).map(|i| position(i % n, r)).collect();
        format!("[{}]", items.join(","))
    };
    let coordinates = match kind {
        "LineString" => ring(0.5, vertices),
        _ if hole => format!("[{},{}]", ring(0.5, vertices), ring(0.1, 8)),
        _ => format!("[{}]", ring(0.5, vertices)),
    };
    format!(
        "{{\"type\":\"Feature\",\"properties\":{{\"kind\":\"{kind}\"}},\"geometry\":{{\"type\":\"{kind}\",\"coordinates\":{coordinates}}}}}"
    )
}

#[test]
fn features_of_more_than_65536_positions_read_the_same_whether_their_buffer_is_moved_or_copied() {
    // Above 65,536 positions a LineString or one-ring closed Polygon takes the parser's position buffer instead of
    // a copy; holes, open rings (closed on the way in) and z values take the copying path. Every case must give
    // the layer of the one-pass reader, and the small feature after a huge one must not see its positions.
    let mut features = Vec::new();
    for (kind, closed, hole, z) in [
        ("LineString", true, false, false),
        ("LineString", true, false, true),
        ("Polygon", true, false, false),
        ("Polygon", true, false, true),
        ("Polygon", false, false, false),
        ("Polygon", true, true, false),
    ] {
        features.push(huge_ring(kind, 70_000, closed, hole, z));
        features.push(huge_ring(kind, 5, true, false, false));
    }
    let bytes = format!("{{\"type\":\"FeatureCollection\",\"features\":[{}]}}", features.join(",\n")).into_bytes();
    assert_same_for_every_block_size("huge features", &bytes, &[65_536, 1 << 20]);
    let layer = import_bytes_in_blocks("layer", &bytes, 1 << 20, &ImportOptions::default()).unwrap();
    assert_eq!(layer.stats.features, 12, "{:?}", layer.stats);
    use geo::CoordsIter;
    let counts: Vec<usize> = layer.features.iter().map(|f| f.geometry.coords_count()).collect();
    assert_eq!(counts, [70_001, 6, 70_001, 6, 70_001, 6, 70_001, 6, 70_001, 6, 70_010, 6]);
    assert_eq!(layer.features[2].z.as_deref().map(<[f64]>::len), Some(70_001));
    assert_eq!(layer.features[3].z, None, "the small line after a huge 3-D one has no z");
    assert!(
        layer.stats.warnings.iter().any(|w| w.starts_with("1 polygon ring in 1 feature") && w.contains("not closed")),
        "{:?}",
        layer.stats.warnings
    );
}

#[test]
fn a_feature_of_many_small_rings_starts_no_thread_per_ring() {
    // One MultiPolygon shaped like a real country outline: a mainland with 200 lakes and 20,000 small islands.
    let rings = 20_000 + 201;
    let bytes = synth::islands_geojson(1, 20_000, 12);
    assert!(bytes.len() > 4 << 20, "the feature is far over the 1 MiB of a huge list: {} bytes", bytes.len());
    let before = borderplan::io::geojson_import::list_splits_started();
    let layer = import_bytes_in_blocks("islands", &bytes, 1 << 20, &ImportOptions::default()).unwrap();
    let splits = borderplan::io::geojson_import::list_splits_started() - before;
    assert_eq!(layer.features.len(), 1);
    assert_eq!(layer.stats.skipped, 0);
    // Other tests of this binary may cut their own huge lists meanwhile (a few each); one cut per ring, as a
    // defect once did, would be 20,000.
    let per_ring = splits as f64 / rings as f64;
    assert!(per_ring < 0.001, "{splits} lists cut for {rings} small rings ({per_ring:.4} per ring)");
    assert_same_for_every_block_size("a country of islands", &bytes, &[65_536, 1 << 20]);
}
