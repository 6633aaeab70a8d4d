//! GeoJSON import throughput on generated files (built in memory, deterministic, never committed): three of many
//! small features (200k points with 5 properties, 20k lines of 50 vertices, 20k polygons with a 40-vertex shell
//! and a 20-vertex hole) and two of a few huge ones (4 polygons of 200k vertices, about 4.4 MB each; one
//! LineString of 2M vertices) and one shaped like real country outlines (3 MultiPolygons of a mainland with 200
//! lakes and 30,000 small islands, about 15 MB each).
//!
//! `cargo bench --bench import` (add `-- --quick` for a fast estimate). A FeatureCollection is read block by
//! block on two threads; `one_pass_reader_points` shows the one-thread reader on the same points. malloc is set
//! up as in the app (`keep_big_blocks_mapped`).

use std::hint::black_box;

use borderplan::io::geojson_import::{ImportOptions, import_bytes, import_bytes_in_one_pass};
use borderplan::synth::{
    huge_line_geojson, huge_polygons_geojson, islands_geojson, lines_geojson as lines, points_geojson as points,
    polygons_geojson as polygons,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench_import(c: &mut Criterion) {
    // The allocator as the app sets it up (without it, growing a huge feature's buffer copies it).
    borderplan::io::room::keep_big_blocks_mapped();
    let inputs = [
        ("points_200k_5_properties", points(200_000), 200_000),
        ("lines_20k_x_50_vertices", lines(20_000, 50), 20_000),
        ("polygons_20k_40_shell_20_hole", polygons(20_000, 40, 20), 20_000),
        ("few_huge_polygons_4_x_200k_vertices", huge_polygons_geojson(4, 200_000), 4),
        ("one_huge_line_2m_vertices", huge_line_geojson(2_000_000), 1),
        ("country_outlines_3_x_30k_islands", islands_geojson(3, 30_000, 12), 3),
    ];
    let mut group = c.benchmark_group("geojson_import");
    group.sample_size(10);
    for (name, bytes, expected) in &inputs {
        // Check once that the generated file loads completely.
        match import_bytes(name, bytes, &ImportOptions::default()) {
            Ok(layer) if layer.stats.features == *expected && layer.stats.skipped == 0 => {}
            Ok(layer) => panic!("{name}: {} features, reasons {:?}", layer.stats.features, layer.stats.reasons),
            Err(e) => panic!("{name}: {e}"),
        }
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| import_bytes(name, black_box(bytes), &ImportOptions::default()).map(|l| l.features.len()))
        });
    }
    // Reference point: the one-pass reader on one thread (what files the block reader leaves alone get).
    if let Some((name, bytes, _)) = inputs.first() {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("one_pass_reader_points", |b| {
            b.iter(|| {
                import_bytes_in_one_pass(name, black_box(bytes), &ImportOptions::default()).map(|l| l.features.len())
            })
        });
    }
    // Reference point, not a target: parsing the points file into a full `serde_json::Value` tree (what the
    // importer avoids) shows how much of the time is JSON parsing and property maps.
    if let Some((_, bytes, _)) = inputs.first() {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("baseline_serde_json_value_points", |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(bytes)).map(|v| v.is_object()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_import);
criterion_main!(benches);
