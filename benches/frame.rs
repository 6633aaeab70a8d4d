//! One UI frame with big layers: the border, the outposts, a 200k-point layer and a 20k-line layer (50
//! vertices each), all visible at whole-border zoom, in a 1400×900 window. A frame is `App::show` inside
//! `Context::run_ui` plus `Context::tessellate`, measured headless on the CPU (no GPU upload). Target: ≤ 8 ms.
//!
//! `cargo bench --bench frame` (add `-- --quick` for a fast estimate).

use std::fmt::Write as _;
use std::hint::black_box;

use borderplan::App;
use borderplan::app::Command;
use borderplan::io::geojson_import::{ImportOptions, import_bytes};
use criterion::{Criterion, criterion_group, criterion_main};

/// SplitMix64: the same layers on every run.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo)
    }
}

/// 200k points with 5 properties over the border region.
fn points_geojson(count: usize) -> Vec<u8> {
    let mut rng = Rng(1);
    let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for i in 0..count {
        if i > 0 {
            text.push_str(",\n");
        }
        let (lon, lat) = (rng.range(67.0, 75.0), rng.range(36.0, 39.5));
        let _ = write!(
            text,
            "{{\"type\":\"Feature\",\"properties\":{{\"id\":{i},\"name\":\"Post {i}\",\"elevation_m\":{:.1},\
             \"active\":{},\"kind\":\"{}\"}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon:.6},{lat:.6}]}}}}",
            rng.range(300.0, 5000.0),
            i % 3 != 0,
            ["camera", "radar", "sensor"][i % 3],
        );
    }
    text.push_str("\n]}\n");
    text.into_bytes()
}

/// 20k random-walk LineStrings of 50 vertices over the border region.
fn lines_geojson(count: usize, vertices: usize) -> Vec<u8> {
    let mut rng = Rng(2);
    let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for i in 0..count {
        if i > 0 {
            text.push_str(",\n");
        }
        let _ = write!(text, "{{\"type\":\"Feature\",\"properties\":{{\"id\":{i}}},\"geometry\":{{\"type\":\"LineString\",\"coordinates\":[");
        let (mut lon, mut lat) = (rng.range(67.0, 75.0), rng.range(36.0, 39.5));
        for v in 0..vertices {
            if v > 0 {
                text.push(',');
            }
            lon += rng.range(-0.01, 0.01);
            lat += rng.range(-0.01, 0.01);
            let _ = write!(text, "[{lon:.6},{lat:.6}]");
        }
        text.push_str("]}}");
    }
    text.push_str("\n]}\n");
    text.into_bytes()
}

fn raw_input(time: f64) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0))),
        time: Some(time),
        ..Default::default()
    }
}

/// A headless window: the app, its context and a frame clock.
struct Window {
    ctx: egui::Context,
    app: App,
    time: f64,
}

impl Window {
    fn new(layers: bool) -> Self {
        let mut app = match App::for_tests() {
            Ok(app) => app,
            Err(e) => panic!("the app starts: {e}"),
        };
        if layers {
            for (name, bytes) in [("points_200k", points_geojson(200_000)), ("lines_20k_x50", lines_geojson(20_000, 50))] {
                match import_bytes(name, &bytes, &ImportOptions::default()) {
                    Ok(layer) => app.add_layer(layer),
                    Err(e) => panic!("{name}: {e}"),
                }
            }
        }
        let mut window = Self { ctx: egui::Context::default(), app, time: 0.0 };
        // Warm-up: fonts, first layout, fitting the map to the whole border.
        for _ in 0..3 {
            window.frame(true);
        }
        window
    }

    /// One frame; with `tessellate` also the triangles. Returns the number of clipped shapes or primitives.
    fn frame(&mut self, tessellate: bool) -> usize {
        self.time += 1.0 / 60.0;
        let app = &mut self.app;
        let mut out = self.ctx.run_ui(raw_input(self.time), |ui| app.show(ui));
        out.textures_delta.clear();
        let shapes = std::mem::take(&mut out.shapes);
        if tessellate { self.ctx.tessellate(shapes, out.pixels_per_point).len() } else { shapes.len() }
    }
}

fn bench_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    group.sample_size(20);

    let mut plain = Window::new(false);
    group.bench_function("plan_only_ui_and_tessellate", |b| b.iter(|| black_box(plain.frame(true))));
    drop(plain);

    let mut window = Window::new(true);
    let (zoom, layers) = (window.app.map_memory.zoom(), window.app.layers.len());
    let features: usize = window.app.layers.iter().map(|l| l.features.len()).sum();
    eprintln!("frame bench: {layers} layers, {features} features, map zoom {zoom:.2} (whole border)");
    group.bench_function("big_layers_ui_and_tessellate", |b| b.iter(|| black_box(window.frame(true))));
    group.bench_function("big_layers_ui_only", |b| b.iter(|| black_box(window.frame(false))));
    // A frame right after the view changed (1-px pan): the big layers are rasterised again. This is the cost the
    // planner sees once when a drag or zoom settles (while it runs, the previous picture is moved instead).
    let ctx = window.ctx.clone();
    group.bench_function("big_layers_after_view_change", |b| {
        b.iter(|| {
            window.app.apply(&ctx, Command::Pan { dx_px: 1.0, dy_px: 0.0 });
            black_box(window.frame(true))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_frame);
criterion_main!(benches);
