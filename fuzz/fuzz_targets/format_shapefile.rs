//! The Shapefile reader on arbitrary parts: the input is split into the .shp, the .dbf and the .prj (a u32
//! little-endian length before each of the first two; the rest is the .prj), so the fuzzer can break each part
//! on its own. Any parts give a consistent layer or an error naming the file, never a panic.

#![no_main]

mod common;

use borderplan::io::formats::shapefile::{Parts, read_parts};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fn part<'a>(data: &mut &'a [u8]) -> Option<&'a [u8]> {
    let (len, rest) = data.split_first_chunk::<4>()?;
    let len = (u32::from_le_bytes(*len) as usize).min(rest.len());
    let (out, rest) = rest.split_at(len);
    *data = rest;
    Some(out)
}

fuzz_target!(|data: &[u8]| {
    let mut rest = data;
    let Some(shp) = part(&mut rest) else { return };
    let dbf = part(&mut rest);
    let prj = (!rest.is_empty()).then(|| String::from_utf8_lossy(rest).into_owned());
    let parts = Parts { shp: shp.to_vec(), dbf: dbf.map(<[u8]>::to_vec), prj, cpg: None };
    let result = read_parts(Path::new("fuzz.shp"), "fuzz", &parts).map(|l| vec![l]);
    common::check_result(&result, "fuzz.shp");
});
