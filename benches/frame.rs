//! One UI frame with big layers: the border, the outposts, a 200k-point layer and a 20k-line layer (50
//! vertices each), all visible at whole-border zoom, in a 1400×900 window. A frame is `App::show` inside
//! `Context::run_ui` plus `Context::tessellate`, measured headless on the CPU (no GPU upload). Target: ≤ 8 ms.
//!
//! `cargo bench --bench frame` (add `-- --quick` for a fast estimate).

use std::hint::black_box;

use borderplan::App;
use borderplan::app::ViewCommand;
use borderplan::io::geojson_import::{ImportOptions, import_bytes};
use borderplan::synth::{lines_geojson, points_geojson};
use criterion::{Criterion, criterion_group, criterion_main};

fn raw_input(time: f64) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0))),
        time: Some(time),
        ..Default::default()
    }
}

/// A headless window: the app, its context and a frame clock.
struct Headless {
    ctx: egui::Context,
    window: borderplan::Window,
    time: f64,
}

impl Headless {
    fn new(layers: bool) -> Self {
        let mut app = match App::for_tests() {
            Ok(app) => app,
            Err(e) => panic!("the app starts: {e}"),
        };
        if layers {
            for (name, bytes) in
                [("points_200k", points_geojson(200_000)), ("lines_20k_x50", lines_geojson(20_000, 50))]
            {
                match import_bytes(name, &bytes, &ImportOptions::default()) {
                    Ok(layer) => app.add_layer(layer),
                    Err(e) => panic!("{name}: {e}"),
                }
            }
        }
        let mut window = Self { ctx: egui::Context::default(), window: borderplan::Window::new(app), time: 0.0 };
        // Warm-up: fonts, first layout, fitting the map to the whole border.
        for _ in 0..3 {
            window.frame(true);
        }
        window
    }

    /// One frame; with `tessellate` also the triangles. Returns the number of clipped shapes or primitives.
    fn frame(&mut self, tessellate: bool) -> usize {
        self.time += 1.0 / 60.0;
        let window = &mut self.window;
        let mut out = self.ctx.run_ui(raw_input(self.time), |ui| window.show(ui));
        out.textures_delta.clear();
        let shapes = std::mem::take(&mut out.shapes);
        if tessellate { self.ctx.tessellate(shapes, out.pixels_per_point).len() } else { shapes.len() }
    }
}

fn bench_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame");
    group.sample_size(20);

    let mut plain = Headless::new(false);
    group.bench_function("plan_only_ui_and_tessellate", |b| b.iter(|| black_box(plain.frame(true))));
    drop(plain);

    let mut window = Headless::new(true);
    let (zoom, layers) = (window.window.app.map_memory.zoom(), window.window.app.layers.len());
    let features: usize = window.window.app.layers.iter().map(|l| l.features.len()).sum();
    eprintln!("frame bench: {layers} layers, {features} features, map zoom {zoom:.2} (whole border)");
    group.bench_function("big_layers_ui_and_tessellate", |b| b.iter(|| black_box(window.frame(true))));
    group.bench_function("big_layers_ui_only", |b| b.iter(|| black_box(window.frame(false))));
    // A frame right after the view changed (1-px pan): the big layers are rasterised again. This is the cost the
    // planner sees once when a drag or zoom settles (while it runs, the previous picture is moved instead).
    let ctx = window.ctx.clone();
    group.bench_function("big_layers_after_view_change", |b| {
        b.iter(|| {
            window.window.app.apply(&ctx, ViewCommand::Pan { dx_px: 1.0, dy_px: 0.0 }.into());
            black_box(window.frame(true))
        })
    });
    group.finish();
}

criterion_group!(benches, bench_frame);
criterion_main!(benches);
