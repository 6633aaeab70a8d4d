//! Checks shared by the format fuzz targets: a layer a reader returns must be consistent (counts adding up,
//! every stored feature's properties parseable again, inspection and picking never panicking), and readers that
//! need a file on disk get one in the temporary directory, one per process.
#![allow(dead_code)]

use borderplan::io::formats::{FormatError, inspect_json};
use borderplan::io::layer::Layer;
use std::path::PathBuf;

/// Asserts that `layer` is consistent.
pub fn check(layer: &Layer) {
    let stats = &layer.stats;
    assert_eq!(stats.features, layer.features.len());
    assert_eq!(layer.properties.len(), layer.features.len());
    assert_eq!(stats.by_type.values().sum::<usize>(), stats.features);
    assert!(stats.reasons.len() <= stats.skipped.min(borderplan::io::layer::ImportStats::MAX_REASONS));
    for i in 0..layer.features.len() {
        let values: Vec<_> = serde_json::Deserializer::from_str(layer.properties.raw_values(i))
            .into_iter::<serde_json::Value>()
            .collect();
        assert!(values.iter().all(Result::is_ok), "stored values parse: {:?}", layer.properties.raw_values(i));
        assert_eq!(values.len(), layer.properties.keys(i).len());
    }
    let _ = inspect_json(layer);
    if let Some([w, s, e, n]) = stats.bbox {
        let _ = layer.hit_test((w + e) / 2.0, (s + n) / 2.0, 0.01);
        let _ = layer.features_in_rect(w, s, e, n);
    }
}

/// Checks every layer of a reader's answer; an error must name the file.
pub fn check_result(result: &Result<Vec<Layer>, FormatError>, name: &str) {
    match result {
        Ok(layers) => layers.iter().for_each(check),
        Err(e) => assert!(e.to_string().contains(name) || matches!(e, FormatError::GeoJson(_)), "{e}"),
    }
}

/// A file in the temporary directory holding `data`, named `stem-PID.ext`.
pub fn temp_file(stem: &str, ext: &str, data: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("{stem}-{}.{ext}", std::process::id()));
    std::fs::write(&path, data).expect("the temporary directory is writable");
    path
}
