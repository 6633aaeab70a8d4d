//! The GPX reader (waypoints, routes, tracks) on arbitrary bytes: consistent layers or an error naming the
//! file, never a panic.

#![no_main]

mod common;

use borderplan::io::formats::gpx;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let result = gpx::import(Path::new("fuzz.gpx"), data);
    common::check_result(&result, "fuzz.gpx");
});
