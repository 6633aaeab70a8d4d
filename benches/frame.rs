//! One UI frame with big layers: the border, the outposts, a 200k-point layer and a 20k-line layer (50
//! vertices each), all visible at whole-border zoom, in a 1400×900 window. A frame is `App::show` inside
//! `Context::run_ui` plus `Context::tessellate`, measured headless on the CPU (no GPU upload). Target: ≤ 8 ms.
//!
//! `frame/worst_frame_big_layers_first_display_pan_zoom`: the worst frame while a 2M-vertex line, a ~200 MB
//! polygon layer and 1M points are first shown, panned and zoomed, the background pictures landing included.
//! Target: ≤ 16 ms.
//!
//! `cargo bench --bench frame` (add `-- --quick` for a fast estimate).

use std::hint::black_box;

use borderplan::App;
use borderplan::app::ViewCommand;
use borderplan::io::geojson_import::{ImportOptions, import_bytes};
use borderplan::synth::{huge_line_geojson, lines_geojson, points_geojson, polygons_geojson};
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::{Duration, Instant};

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

/// The worst frame while big layers are shown for the first time, panned and zoomed: a 2M-vertex line, a
/// ~200 MB polygon layer (150k polygons, 40-vertex shell, 20-vertex hole) and 1M points. Every frame of the
/// sequence counts, also those while the background pictures land (texture upload included as the app hands
/// it over; tessellation included). One criterion "iteration" is the worst frame of one pan-and-zoom sequence.
fn bench_worst_frame(c: &mut Criterion) {
    let layers = [
        ("line_2m_vertices", huge_line_geojson(2_000_000)),
        ("polygons_150k_40_20", polygons_geojson(150_000, 40, 20)),
        ("points_1m", points_geojson(1_000_000)),
    ];
    let bytes: usize = layers.iter().map(|(_, b)| b.len()).sum();
    let mut window = Headless::new(false);
    let ctx = window.ctx.clone();
    // First display: the layers are added one frame apart, then frames run until every picture has landed.
    let mut first_worst = Duration::ZERO;
    for (name, bytes) in &layers {
        match import_bytes(name, bytes, &ImportOptions::default()) {
            Ok(layer) => window.window.app.add_layer(layer),
            Err(e) => panic!("{name}: {e}"),
        }
        first_worst = first_worst.max(window.timed_frame());
    }
    first_worst = first_worst.max(window.frames_until_drawn());
    eprintln!(
        "worst frame bench: {} MB of layers; first display worst frame {:.2} ms",
        bytes / 1_000_000,
        first_worst.as_secs_f64() * 1000.0
    );
    let mut group = c.benchmark_group("frame");
    group.sample_size(10);
    group.bench_function("worst_frame_big_layers_first_display_pan_zoom", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let mut worst = Duration::ZERO;
                for step in [
                    ViewCommand::Pan { dx_px: 300.0, dy_px: 0.0 },
                    ViewCommand::ZoomIn,
                    ViewCommand::Pan { dx_px: -200.0, dy_px: 150.0 },
                    ViewCommand::ZoomOut,
                ] {
                    window.window.app.apply(&ctx, step.into());
                    worst = worst.max(window.frames_until_drawn());
                }
                total += worst;
            }
            total
        })
    });
    group.finish();
}

impl Headless {
    fn timed_frame(&mut self) -> Duration {
        let start = Instant::now();
        black_box(self.frame(true));
        start.elapsed()
    }

    /// Frames (2 ms apart, as a window waiting for a repaint) until no layer picture is being drawn; returns the
    /// longest frame.
    fn frames_until_drawn(&mut self) -> Duration {
        let mut worst = self.timed_frame();
        let started = Instant::now();
        while self.window.ui.map.layer_rasters.iter().any(|c| c.is_drawing()) && started.elapsed().as_secs() < 60 {
            std::thread::sleep(Duration::from_millis(2));
            worst = worst.max(self.timed_frame());
        }
        // One more: the frame after the last picture landed.
        worst.max(self.timed_frame())
    }
}

criterion_group!(benches, bench_frame, bench_worst_frame);
criterion_main!(benches);
