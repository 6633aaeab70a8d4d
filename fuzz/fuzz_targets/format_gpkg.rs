//! The GeoPackage reader must answer any file with consistent layers or an error naming the file: SQLite
//! refusing the bytes, missing tables, broken GeoPackage geometry blobs. Never a panic.

#![no_main]

mod common;

use borderplan::io::formats::gpkg;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = common::temp_file("fuzz", "gpkg", data);
    let result = gpkg::import(&path);
    common::check_result(&result, "fuzz-");
    let _ = std::fs::remove_file(&path);
});
