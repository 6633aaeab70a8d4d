//! GeoJSON import throughput on three generated files (built in memory, deterministic, never committed):
//! 200k points with 5 properties, 20k lines of 50 vertices, 20k polygons with a 40-vertex shell and a
//! 20-vertex hole.
//!
//! `cargo bench --bench import` (add `-- --quick` for a fast estimate).

use std::fmt::Write as _;
use std::hint::black_box;

use borderplan::io::geojson_import::{ImportOptions, import_bytes};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Small deterministic generator (SplitMix64) so the files are the same on every run.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..hi`.
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo)
    }
}

fn open_collection() -> String {
    String::from("{\"type\":\"FeatureCollection\",\"features\":[\n")
}

fn close_collection(mut text: String) -> Vec<u8> {
    text.push_str("\n]}\n");
    text.into_bytes()
}

/// Appends `[lon,lat]` with 6 decimals.
fn push_position(text: &mut String, lon: f64, lat: f64) {
    let _ = write!(text, "[{lon:.6},{lat:.6}]");
}

/// Appends a closed ring of `n` vertices (plus the closing one) around a centre.
fn push_ring(text: &mut String, rng: &mut Rng, lon: f64, lat: f64, radius_deg: f64, n: usize) {
    text.push('[');
    let mut first = (0.0, 0.0);
    for i in 0..n {
        let angle = i as f64 / n as f64 * std::f64::consts::TAU;
        let r = radius_deg * rng.range(0.8, 1.0);
        let (x, y) = (lon + r * angle.cos(), lat + r * angle.sin());
        if i == 0 {
            first = (x, y);
        }
        push_position(text, x, y);
        text.push(',');
    }
    push_position(text, first.0, first.1);
    text.push(']');
}

fn points(count: usize) -> Vec<u8> {
    let mut rng = Rng(1);
    let mut text = open_collection();
    for i in 0..count {
        if i > 0 {
            text.push_str(",\n");
        }
        let (lon, lat) = (rng.range(67.0, 75.0), rng.range(36.0, 39.5));
        let _ = write!(
            text,
            "{{\"type\":\"Feature\",\"properties\":{{\"id\":{i},\"name\":\"Post {i}\",\"elevation_m\":{:.1},\
             \"active\":{},\"kind\":\"{}\"}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":",
            rng.range(300.0, 5000.0),
            i % 3 != 0,
            ["camera", "radar", "sensor"][i % 3],
        );
        push_position(&mut text, lon, lat);
        text.push_str("}}");
    }
    close_collection(text)
}

fn lines(count: usize, vertices: usize) -> Vec<u8> {
    let mut rng = Rng(2);
    let mut text = open_collection();
    for i in 0..count {
        if i > 0 {
            text.push_str(",\n");
        }
        let _ = write!(
            text,
            "{{\"type\":\"Feature\",\"properties\":{{\"id\":{i}}},\"geometry\":{{\"type\":\"LineString\",\"coordinates\":["
        );
        let (mut lon, mut lat) = (rng.range(67.0, 75.0), rng.range(36.0, 39.5));
        for v in 0..vertices {
            if v > 0 {
                text.push(',');
            }
            lon += rng.range(-0.01, 0.01);
            lat += rng.range(-0.01, 0.01);
            push_position(&mut text, lon, lat);
        }
        text.push_str("]}}");
    }
    close_collection(text)
}

fn polygons(count: usize, shell: usize, hole: usize) -> Vec<u8> {
    let mut rng = Rng(3);
    let mut text = open_collection();
    for i in 0..count {
        if i > 0 {
            text.push_str(",\n");
        }
        let _ = write!(
            text,
            "{{\"type\":\"Feature\",\"properties\":{{\"id\":{i}}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":["
        );
        let (lon, lat) = (rng.range(67.0, 75.0), rng.range(36.0, 39.5));
        // `shell` and `hole` count the distinct vertices; the closing vertex is added.
        push_ring(&mut text, &mut rng, lon, lat, 0.05, shell - 1);
        text.push(',');
        push_ring(&mut text, &mut rng, lon, lat, 0.02, hole - 1);
        text.push_str("]}}");
    }
    close_collection(text)
}

fn bench_import(c: &mut Criterion) {
    let inputs = [
        ("points_200k_5_properties", points(200_000), 200_000),
        ("lines_20k_x_50_vertices", lines(20_000, 50), 20_000),
        ("polygons_20k_40_shell_20_hole", polygons(20_000, 40, 20), 20_000),
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
