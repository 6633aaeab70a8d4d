#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: a panic is a test failure
//! While a large GeoJSON file imports on the worker, the window keeps drawing frames: the import never blocks
//! the UI thread. Measured headless: the real `App::show` plus tessellation, frame after frame, until the layer
//! arrives through `App::poll_imports`.

use borderplan::synth::SplitMix64 as Rng;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use borderplan::app::imports::ImportJob;
use borderplan::{App, Window};

/// At least this many bytes of GeoJSON.
const FILE_BYTES: u64 = 150 * 1024 * 1024;
/// Longest allowed gap between the starts of two frames while the import runs. Generous: this is about never
/// blocking, not about speed (debug build, two cores shared with the worker).
const MAX_GAP: Duration = Duration::from_millis(250);

/// Writes a FeatureCollection of 50-vertex LineStrings of at least `min_bytes`, streaming: one block of 1000
/// distinct features is generated and written repeatedly. Returns the feature count.
fn write_big_geojson(path: &Path, min_bytes: u64) -> usize {
    let mut rng = Rng(7);
    let mut block = String::new();
    for i in 0..1000 {
        let (mut lon, mut lat) = (rng.range(67.5, 74.5), rng.range(36.5, 39.0));
        let _ = write!(
            block,
            ",\n{{\"type\":\"Feature\",\"properties\":{{\"id\":{i},\"name\":\"Track {i}\"}},\"geometry\":{{\"type\":\"LineString\",\"coordinates\":["
        );
        for v in 0..50 {
            if v > 0 {
                block.push(',');
            }
            lon += rng.range(-0.01, 0.01);
            lat += rng.range(-0.01, 0.01);
            let _ = write!(block, "[{lon:.6},{lat:.6}]");
        }
        block.push_str("]}}");
    }
    let file = std::fs::File::create(path).unwrap();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n").unwrap();
    // The first feature has no leading comma.
    out.write_all(&block.as_bytes()[2..]).unwrap();
    let mut written = block.len() as u64;
    let mut features = 1000;
    while written < min_bytes {
        out.write_all(block.as_bytes()).unwrap();
        written += block.len() as u64;
        features += 1000;
    }
    out.write_all(b"\n]}\n").unwrap();
    out.flush().unwrap();
    features
}

fn raw_input(time: f64) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0))),
        time: Some(time),
        ..Default::default()
    }
}

/// One frame as the window does it: the whole UI, then tessellation.
fn frame(ctx: &egui::Context, window: &mut Window, time: f64) {
    let mut out = ctx.run_ui(raw_input(time), |ui| window.show(ui));
    let shapes = std::mem::take(&mut out.shapes);
    let primitives = ctx.tessellate(shapes, out.pixels_per_point);
    std::hint::black_box(primitives);
    out.textures_delta.clear();
}

#[test]
fn frames_keep_coming_while_a_150_mb_geojson_file_imports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big-tracks.geojson");
    let written = Instant::now();
    let features = write_big_geojson(&path, FILE_BYTES);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size >= FILE_BYTES, "{size} bytes");
    let written = written.elapsed();

    let ctx = egui::Context::default();
    let mut window = Window::new(App::for_tests().unwrap());
    let started = Instant::now();
    // Warm up (fonts, first layout) before the import starts, as a running window would be.
    for _ in 0..3 {
        frame(&ctx, &mut window, started.elapsed().as_secs_f64());
    }

    window.app.imports.push(ImportJob::start(path.clone(), None, ctx.clone()));
    let import_started = Instant::now();
    let mut frames = 0usize;
    let mut longest = Duration::ZERO;
    let mut last = Instant::now();
    let mut max_fraction = 0.0_f32;
    let arrival_frame = loop {
        let frame_start = Instant::now();
        let gap = frame_start - last;
        last = frame_start;
        frame(&ctx, &mut window, started.elapsed().as_secs_f64());
        if !window.app.layers.is_empty() {
            // The frame in which `poll_imports` added the layer also draws it for the first time; that frame's
            // cost is the frame benchmark's business (benches/frame.rs), not the import's.
            break frame_start.elapsed();
        }
        longest = longest.max(gap);
        frames += 1;
        if let Some(job) = window.app.imports.first() {
            max_fraction = max_fraction.max(job.fraction());
        }
        assert!(window.app.imports.len() == 1, "the import ended without a layer: {:?}", window.app.status);
        assert!(import_started.elapsed() < Duration::from_secs(300), "the import did not finish in 5 minutes");
        // A real window waits for vsync or a repaint request; a short pause leaves the worker its core.
        std::thread::sleep(Duration::from_millis(2));
    };
    let import_time = import_started.elapsed();
    eprintln!(
        "{size} bytes ({features} features) written in {written:?}; imported in {import_time:?} while drawing \
         {frames} frames, longest gap {longest:?}, progress seen up to {:.0} %; the frame that added the layer \
         took {arrival_frame:?}",
        max_fraction * 100.0
    );
    assert!(longest < MAX_GAP, "a frame gap of {longest:?} while importing");
    assert!(frames >= 5, "only {frames} frames during a {import_time:?} import");
    let layer = &window.app.layers[0];
    assert_eq!(layer.stats.features, features);
    assert_eq!(layer.indexed_len(), features);
    assert_eq!(layer.stats.bytes_read, size);
    assert!(window.app.imports.is_empty());
}

/// One LineString of `vertices` vertices wandering across the border area, as GeoJSON.
fn one_huge_line(vertices: usize) -> Vec<u8> {
    let mut rng = Rng(11);
    let mut text = String::with_capacity(vertices * 22 + 200);
    text.push_str(
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"track\"},\
         \"geometry\":{\"type\":\"LineString\",\"coordinates\":[",
    );
    let (mut lon, mut lat) = (70.5_f64, 37.8_f64);
    for v in 0..vertices {
        if v > 0 {
            text.push(',');
        }
        lon = (lon + rng.range(-0.004, 0.004)).clamp(67.5, 74.5);
        lat = (lat + rng.range(-0.004, 0.004)).clamp(36.5, 39.0);
        let _ = write!(text, "[{lon:.6},{lat:.6}]");
    }
    text.push_str("]}}]}\n");
    text.into_bytes()
}

#[test]
fn frames_keep_coming_while_a_2m_vertex_line_is_drawn_at_first_display_and_after_each_pan_and_zoom() {
    let bytes = one_huge_line(2_000_000);
    let opts = borderplan::io::geojson_import::ImportOptions::default();
    let layer = borderplan::io::geojson_import::import_bytes("track", &bytes, &opts).unwrap();
    assert_eq!(layer.features.len(), 1);

    let ctx = egui::Context::default();
    let mut window = Window::new(App::for_tests().unwrap());
    let started = Instant::now();
    for _ in 0..3 {
        frame(&ctx, &mut window, started.elapsed().as_secs_f64());
    }
    window.app.add_layer(layer);
    // First display, then a pan, then a zoom: each time the picture is drawn again in the background.
    let mut longest = Duration::ZERO;
    let mut pictures = 0;
    for step in 0..3 {
        match step {
            1 => window.app.map_memory.center_at(walkers::lon_lat(71.0, 37.6)),
            2 => {
                let zoom = window.app.map_memory.zoom();
                window.app.map_memory.set_zoom(zoom + 1.0).unwrap();
            }
            _ => {}
        }
        let mut last = Instant::now();
        let mut saw_drawing = false;
        let step_started = Instant::now();
        loop {
            let frame_start = Instant::now();
            longest = longest.max(frame_start - last);
            last = frame_start;
            frame(&ctx, &mut window, started.elapsed().as_secs_f64());
            let cache = window.ui.map.layer_rasters.first().expect("the big layer has a raster cache");
            saw_drawing |= cache.is_drawing();
            if saw_drawing && !cache.is_drawing() && cache.has_picture() {
                pictures += 1;
                break;
            }
            assert!(step_started.elapsed() < Duration::from_secs(120), "step {step}: no picture in 2 minutes");
            std::thread::sleep(Duration::from_millis(2));
        }
        // The view settles: a view change is only drawn again once the pan or zoom is over.
        for _ in 0..2 {
            frame(&ctx, &mut window, started.elapsed().as_secs_f64());
        }
    }
    eprintln!("3 pictures of a 2,000,000-vertex line drawn in the background; longest frame gap {longest:?}");
    assert_eq!(pictures, 3);
    assert!(longest < MAX_GAP, "a frame gap of {longest:?} while the big line was drawn");
}
