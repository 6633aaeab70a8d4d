//! The FlatGeobuf reader on arbitrary bytes (header, index, size-prefixed feature flatbuffers with their typed
//! properties): a consistent layer or an error naming the file, never a panic, an out-of-bounds read or a huge
//! allocation.

#![no_main]

mod common;

use borderplan::io::formats::flatgeobuf;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let result = flatgeobuf::import(Path::new("fuzz.fgb"), data).map(|l| vec![l]);
    common::check_result(&result, "fuzz.fgb");
});
