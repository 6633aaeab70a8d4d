//! The KML reader (placemarks, folders, styles, ExtendedData) on arbitrary bytes, and the KMZ reader when the
//! bytes are a zip: a consistent layer or an error naming the file, never a panic or a zip-bomb allocation.

#![no_main]

mod common;

use borderplan::io::formats::kml;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        let path = common::temp_file("fuzz", "kmz", data);
        let result = kml::import_kmz(&path).map(|l| vec![l]);
        common::check_result(&result, "fuzz-");
        let _ = std::fs::remove_file(&path);
    } else {
        let result = kml::import(Path::new("fuzz.kml"), data).map(|l| vec![l]);
        common::check_result(&result, "fuzz.kml");
    }
});
