//! The streaming GeoJSON importer must answer any bytes with a layer or an error: never a panic, an abort, a
//! stack overflow or a huge allocation. A layer it returns must be consistent (every stored feature indexed,
//! counts adding up).

#![no_main]

use borderplan::io::geojson_import::{ImportOptions, import_bytes, inspect_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(layer) = import_bytes("fuzz", data, &ImportOptions::default()) {
        let stats = &layer.stats;
        assert_eq!(stats.features, layer.features.len());
        assert_eq!(stats.by_type.values().sum::<usize>(), stats.features);
        assert!(stats.reasons.len() <= stats.skipped.min(borderplan::io::layer::ImportStats::MAX_REASONS));
        assert!(layer.indexed_len() <= layer.features.len());
        let _ = inspect_json(&layer);
        // Picking never panics, whatever the geometry.
        if let Some([w, s, e, n]) = stats.bbox {
            let _ = layer.hit_test((w + e) / 2.0, (s + n) / 2.0, 0.01);
            let _ = layer.features_in_rect(w, s, e, n);
        }
    }
});
