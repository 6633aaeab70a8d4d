//! Times the phases of importing a generated file: `cargo run --release --example import_phases -- points|lines|polygons|hugeline|hugepolygons`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::time::Instant;

use borderplan::io::geojson_import::{ImportOptions, block_reader_accepts, import_bytes, import_bytes_in_one_pass};

fn main() {
    borderplan::io::room::keep_big_blocks_mapped();
    let kind = std::env::args().nth(1).unwrap_or_else(|| "points".to_owned());
    let bytes = match kind.as_str() {
        "lines" => borderplan::synth::lines_geojson(20_000, 50),
        "polygons" => borderplan::synth::polygons_geojson(20_000, 40, 20),
        "hugeline" => borderplan::synth::huge_line_geojson(2_000_000),
        "hugepolygons" => borderplan::synth::huge_polygons_geojson(4, 200_000),
        _ => borderplan::synth::points_geojson(200_000),
    };
    let mb = bytes.len() as f64 / 1e6;
    println!("{kind}: {mb:.1} MB, block reader accepts: {}", block_reader_accepts(&bytes, 2 << 20));
    // `IMPORT_PHASES_WRITE=FILE`: only write the generated file.
    if let Ok(path) = std::env::var("IMPORT_PHASES_WRITE") {
        std::fs::write(path, &bytes).unwrap();
        return;
    }
    // `IMPORT_PHASES_BLOCKS_ONLY=N`: only the block reader, N times (for a profiler).
    if let Some(n) = std::env::var("IMPORT_PHASES_BLOCKS_ONLY").ok().and_then(|n| n.parse::<usize>().ok()) {
        for _ in 0..n {
            let t = Instant::now();
            let layer = import_bytes("x", &bytes, &ImportOptions::default()).unwrap();
            println!("blocks {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
            drop(layer);
        }
        return;
    }
    for _ in 0..3 {
        let t = Instant::now();
        let layer = import_bytes("x", &bytes, &ImportOptions::default()).unwrap();
        let blocks = t.elapsed().as_secs_f64();
        let t = Instant::now();
        drop(layer);
        let dropped = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let layer = import_bytes_in_one_pass("x", &bytes, &ImportOptions::default()).unwrap();
        let one = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let mut l2 = layer.clone();
        l2.rebuild_index();
        let index = t.elapsed().as_secs_f64() - 0.0;
        println!(
            "blocks {:.1} ms ({:.0} MB/s), drop {:.1} ms, one pass {:.1} ms ({:.0} MB/s), clone+index {:.1} ms",
            blocks * 1e3,
            mb / blocks,
            dropped * 1e3,
            one * 1e3,
            mb / one,
            index * 1e3
        );
    }
}
