//! The CSV reader (WKT or latitude/longitude columns, delimiter and code page detection) must answer any bytes
//! with a consistent layer or an error naming the file, never a panic.

#![no_main]

mod common;

use borderplan::io::formats::csv;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let result = csv::import(Path::new("fuzz.csv"), data).map(|l| vec![l]);
    common::check_result(&result, "fuzz.csv");
});
