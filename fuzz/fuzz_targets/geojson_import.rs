//! The GeoJSON importer must answer any bytes with a layer or an error: never a panic, an abort, a stack
//! overflow or a huge allocation. A layer it returns must be consistent (every stored feature indexed, counts
//! adding up, every stored property value parseable again). And the block-wise two-thread reader must give
//! exactly what the one-pass reader gives, wherever the block boundaries fall (differential check).

#![no_main]

use borderplan::io::geojson_import::{
    ImportOptions, import_bytes_in_blocks, import_bytes_in_one_pass, inspect_json, nesting_depth,
};
use borderplan::io::layer::Layer;
use libfuzzer_sys::fuzz_target;

fn check(layer: &Layer) {
    let stats = &layer.stats;
    assert_eq!(stats.features, layer.features.len());
    assert_eq!(layer.properties.len(), layer.features.len());
    assert_eq!(stats.by_type.values().sum::<usize>(), stats.features);
    assert!(stats.reasons.len() <= stats.skipped.min(borderplan::io::layer::ImportStats::MAX_REASONS));
    assert!(layer.indexed_len() <= layer.features.len());
    for i in 0..layer.features.len() {
        let values: Vec<_> = serde_json::Deserializer::from_str(layer.properties.raw_values(i))
            .into_iter::<serde_json::Value>()
            .collect();
        assert!(values.iter().all(Result::is_ok), "stored values parse: {:?}", layer.properties.raw_values(i));
        assert_eq!(values.len(), layer.properties.keys(i).len());
    }
    let _ = inspect_json(layer);
    // Picking never panics, whatever the geometry.
    if let Some([w, s, e, n]) = stats.bbox {
        let _ = layer.hit_test((w + e) / 2.0, (s + n) / 2.0, 0.01);
        let _ = layer.features_in_rect(w, s, e, n);
    }
}

fn summary(result: &Result<Layer, borderplan::io::geojson_import::ImportError>) -> String {
    match result {
        Err(e) => format!("error: {e}"),
        Ok(layer) => {
            let mut out = format!("{:?}\n", layer.stats);
            for (i, f) in layer.features.iter().enumerate() {
                out.push_str(&format!("{:?} {:?} {:?} {}\n", f.geometry, f.z, f.style, layer.properties.raw_values(i)));
            }
            out
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let one_pass = import_bytes_in_one_pass("fuzz", data, &ImportOptions::default());
    if let Ok(layer) = &one_pass {
        check(layer);
    }
    // Nesting limits count from different places in the two readers (documented); compare below that.
    if nesting_depth(&String::from_utf8_lossy(data)) < 120 {
        let expected = summary(&one_pass);
        for block in [7, 64, 4096] {
            let blocks = import_bytes_in_blocks("fuzz", data, block, &ImportOptions::default());
            if let Ok(layer) = &blocks {
                check(layer);
            }
            assert_eq!(summary(&blocks), expected, "blocks of {block}");
        }
    }
});
