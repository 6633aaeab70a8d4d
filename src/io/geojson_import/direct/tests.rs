//! The direct reader against serde_json and the serde visitors.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use serde::de::DeserializeSeed;

use super::*;
use crate::io::geojson_import::ImportOptions;
use crate::io::geojson_import::feature::FeatureSeed;

fn direct_number(text: &str) -> Option<f64> {
    let mut c = Cursor { text, bytes: text.as_bytes(), pos: 0 };
    let value = c.number().ok()?;
    (c.pos == text.len()).then_some(value)
}

#[test]
fn numbers_convert_bit_for_bit_as_serde_json_converts_them() {
    let mut texts: Vec<String> = [
        "0",
        "-0",
        "-0.0",
        "0.0",
        "1",
        "-1",
        "68.074914",
        "-179.99999999999997",
        "1e5",
        "1E-5",
        "-2.5e+3",
        "18446744073709551615",
        "-9223372036854775808",
        "-9223372036854775809",
        "12345678901234567890.5",
        "0.30000000000000004",
        "1e308",
        "1e-400",
        "4.9e-324",
        "123456789012345678e-30",
        "7e22",
        "7e23",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    // Digits, point and exponent in many combinations (a fixed-seed generator, no extra crate).
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    for _ in 0..20_000 {
        let mut s = String::new();
        if next(2) == 0 {
            s.push('-');
        }
        let int_digits = 1 + next(20);
        s.push(char::from(b'1' + next(9) as u8));
        for _ in 1..int_digits {
            s.push(char::from(b'0' + next(10) as u8));
        }
        if next(3) > 0 {
            s.push('.');
            for _ in 0..1 + next(20) {
                s.push(char::from(b'0' + next(10) as u8));
            }
        }
        if next(4) == 0 {
            s.push_str(&format!("e{}{}", if next(2) == 0 { "-" } else { "" }, next(40)));
        }
        texts.push(s);
    }
    let mut read_here = 0;
    for text in &texts {
        let serde = serde_json::from_str::<f64>(text).ok();
        // A number the direct reader leaves alone goes to serde_json.
        if let Some(value) = direct_number(text) {
            read_here += 1;
            let serde = serde.unwrap_or_else(|| panic!("serde_json refuses {text}, the direct reader not"));
            assert_eq!(value.to_bits(), serde.to_bits(), "{text}: {value} vs {serde}");
        }
    }
    assert!(read_here > texts.len() / 2, "most numbers are read here: {read_here} of {}", texts.len());
    for refused in ["01", "-", "1.", "1.e5", "1e", "1e+", "--1", ".5"] {
        assert_eq!(direct_number(refused), None, "{refused}");
    }
}

/// What a feature read by either reader leaves: its outcome in words, and the store's text and keys.
fn read_both(text: &str) -> (Option<String>, String) {
    let opts = ImportOptions::default();
    let mut serde_ctx = Ctx::new(text.as_bytes(), &opts);
    let mut de = serde_json::Deserializer::from_str(text);
    let serde_outcome = match (FeatureSeed { ctx: &mut serde_ctx }).deserialize(&mut de) {
        Ok(outcome) => outcome,
        Err(e) => Err(format!("not read: {e}")),
    };
    let describe = |outcome: FeatureOutcome, ctx: &Ctx<'_>| match outcome {
        Ok(Some(f)) => format!("{:?} z={:?} style={:?} props={:?}", f.geometry, f.z, f.style, ctx.out.properties),
        Ok(None) => format!("null props={:?}", ctx.out.properties),
        Err(reason) => format!("skipped: {reason} props={:?}", ctx.out.properties),
    };
    let serde_words = describe(serde_outcome, &serde_ctx);
    let mut direct_ctx = Ctx::new(text.as_bytes(), &opts);
    let direct = match read_feature(text, 0, &mut direct_ctx) {
        Read::Feature(outcome, end) => {
            assert_eq!(end, text.len(), "ends after the closing brace");
            Some(describe(outcome, &direct_ctx))
        }
        Read::Cut | Read::Unusual => None,
    };
    (direct, serde_words)
}

#[test]
fn usual_features_are_read_here_exactly_as_the_serde_visitors_read_them() {
    let features = [
        r#"{"type":"Feature","properties":{"id":0,"name":"Post 0","elevation_m":3889.7,"active":false,"kind":null},"geometry":{"type":"Point","coordinates":[68.074914,38.966018]}}"#,
        r#"{ "geometry" : { "coordinates" : [ [ 1 , 2 ] , [ 3.5 , -4e1 , 7 ] ] , "type" : "LineString" } , "type" : "Feature" , "properties" : { } }"#,
        r#"{"type":"Feature","id":"a\"b","properties":{"name":"Душанбе \n\t\/"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[[0.2,0.2],[0.4,0.2],[0.2,0.4]]]}}"#,
        r#"{"type":"Feature","properties":null,"geometry":null}"#,
        r#"{"type":"Feature","properties":{"a":1},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1]]],[]]}}"#,
        r#"{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[722.5,10]}}"#,
        r#"{"type":"Feature","properties":{"a":1},"geometry":{"type":"LineString","coordinates":[[0,95],[1,1]]}}"#,
        r#"{"type":"Feature","properties":{"a":1},"geometry":{"type":"MultiPoint","coordinates":[]}}"#,
        r#"{"type":"Feature","properties":{"b":2},"geometry":{"type":"MultiLineString","coordinates":[[[0,0]],[[1,1],[2,2]]]}}"#,
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2,3,4]}}"#,
        r#"{"properties":{"x":true}}"#,
        // GeometryCollections, as the OSM country outlines write them: nested, with null, empty and invalid children.
        r#"{"type":"Feature","properties":{"isoA3":"TJK"},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Polygon","coordinates":[[[67,37],[75,37],[75,41],[67,37]]]},null,{"type":"GeometryCollection","geometries":[{"coordinates":[1,2,3],"type":"Point"}]}]}}"#,
        r#"{"type":"Feature","properties":{},"geometry":{"geometries":[],"type":"GeometryCollection"}}"#,
        r#"{"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"LineString","coordinates":[[1,2]]}]}}"#,
        r#"{"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[null,{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}]}}"#,
        "{}",
    ];
    for text in features {
        let (direct, serde) = read_both(text);
        assert_eq!(direct.as_deref(), Some(serde.as_str()), "{text}");
    }
}

#[test]
fn a_huge_position_list_read_on_two_threads_is_the_list_read_in_order() {
    // 70,000 positions (about 1.4 MB): above the size from which a list is cut in two.
    let line = |special: &dyn Fn(usize) -> Option<String>| {
        let positions: Vec<String> = (0..70_000)
            .map(|i| special(i).unwrap_or_else(|| format!("[{:.6},{:.6}]", 60.0 + i as f64 * 1e-4, 35.5)))
            .collect();
        format!(
            r#"{{"type":"Feature","properties":{{"n":1}},"geometry":{{"type":"LineString","coordinates":[{}]}}}}"#,
            positions.join(",")
        )
    };
    type Special = Box<dyn Fn(usize) -> Option<String>>;
    let cases: [(&str, Special); 7] = [
        ("plain", Box::new(|_| None)),
        ("z in the second half only", Box::new(|i| (i == 60_000).then(|| "[61.0,35.0,1200.5]".to_owned()))),
        ("z in the first half only", Box::new(|i| (i == 10).then(|| "[61.0,35.0,7]".to_owned()))),
        ("wrapped longitudes in both halves", Box::new(|i| (i % 20_000 == 5).then(|| "[421.0,35.0]".to_owned()))),
        ("an error in the second half", Box::new(|i| (i == 50_000).then(|| "[61.0,95.0]".to_owned()))),
        ("errors in both halves", Box::new(|i| matches!(i, 100 | 60_000).then(|| "[61.0,-95.0]".to_owned()))),
        // Not a list of positions: the room given to the threads is given back unread, the list read in order.
        ("a nested list in the first half", Box::new(|i| (i == 1).then(|| "[[61.0,35.0]]".to_owned()))),
    ];
    for (what, special) in &cases {
        let text = line(special.as_ref());
        let (direct, serde) = read_both(&text);
        assert_eq!(direct.as_deref(), Some(serde.as_str()), "{what}");
    }
    // A string among the numbers: the room is given back and the feature left to the serde visitors.
    let text = line(&|i| (i == 69_999).then(|| r#"[61.0,"35"]"#.to_owned()));
    assert_eq!(read_both(&text).0, None, "a string in the second half");
    // A MultiLineString: a huge list after a small one, at the same depth.
    let positions: Vec<String> = (0..70_000).map(|i| format!("[{:.5},36.25]", 61.0 + i as f64 * 1e-4)).collect();
    let text = format!(
        r#"{{"type":"Feature","properties":null,"geometry":{{"type":"MultiLineString","coordinates":[[[1,2],[3,4,5]],[{}]]}}}}"#,
        positions.join(",")
    );
    let (direct, serde) = read_both(&text);
    assert_eq!(direct.as_deref(), Some(serde.as_str()), "multilinestring");
    // Two huge lists in a row: the first ends before the middle of what follows it (cut at its own middle), the
    // second is most of what follows it.
    let second: Vec<String> = (0..90_000).map(|i| format!("[{:.5},37.5]", 62.0 + i as f64 * 1e-4)).collect();
    let text = format!(
        r#"{{"type":"Feature","properties":null,"geometry":{{"type":"MultiLineString","coordinates":[[{}],[{}]]}}}}"#,
        positions.join(","),
        second.join(",")
    );
    let (direct, serde) = read_both(&text);
    assert_eq!(direct.as_deref(), Some(serde.as_str()), "two huge lines");
}

#[test]
fn unusual_features_are_left_to_the_serde_visitors() {
    let features = [
        r##"{"type":"Feature","properties":{"stroke":"#ff0000"},"geometry":null}"##,
        r#"{"type":"Feature","properties":{"a":[1,2]},"geometry":null}"#,
        r#"{"type":"Feature","properties":{"a":"\u00e9"},"geometry":null}"#,
        r#"{"type":"Feature","properties":{"a\"":1},"geometry":null}"#,
        r#"{"type":"Feature","properties":{"a":1e400},"geometry":null}"#,
        r#"{"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","coordinates":[]}}"#,
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","geometries":[]}}"#,
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2],"bbox":[1,2,1,2]}}"#,
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,[2]]}}"#,
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,"2"]}}"#,
        r#"{"type":"Feature","properties":{},"geometry":{"coordinates":[1,2]}}"#,
        r#"{"type":"Feature","type":"Feature","geometry":null}"#,
        r#"{"type":"feature","geometry":null}"#,
        r#"{"type":"Feature","geometry":null,"bbox":[0,0,1,1]}"#,
    ];
    for text in features {
        let (direct, _) = read_both(text);
        assert_eq!(direct, None, "{text}");
    }
    // The values of a feature given up on are forgotten.
    let text = r#"{"type":"Feature","properties":{"a":1,"b":"x"},"geometry":{"type":"Nope"}}"#;
    let opts = ImportOptions::default();
    let mut ctx = Ctx::new(text.as_bytes(), &opts);
    assert!(matches!(read_feature(text, 0, &mut ctx), Read::Unusual));
    assert_eq!(ctx.out.properties.text_len(), 0);
}

#[test]
fn a_feature_cut_short_is_left_to_the_serde_visitors() {
    let text = r#"{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[1,2]}}"#;
    let opts = ImportOptions::default();
    for cut in 0..text.len() {
        let mut ctx = Ctx::new(text.as_bytes(), &opts);
        assert!(!matches!(read_feature(&text[..cut], 0, &mut ctx), Read::Feature(..)), "cut at {cut}");
        assert_eq!(ctx.out.properties.text_len(), 0, "cut at {cut}");
    }
}
