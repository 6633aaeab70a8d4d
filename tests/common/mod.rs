//! Fixture builders shared by the integration tests: the window in a kittest harness, fixture paths, frames.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use borderplan::window::Dialogs;
use borderplan::{App, Window};
use egui_kittest::Harness;
use std::path::PathBuf;

/// A GeoJSON fixture under tests/fixtures/geojson.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/geojson").join(name)
}

/// The real window around `app` in a 1400×900 harness, after `steps` frames. Paths are typed in the window
/// (never a native dialog, which would block the test).
pub fn window_harness(app: App, steps: usize) -> Harness<'static, Window> {
    let mut window = Window::new(app);
    window.dialogs = Dialogs::Typed;
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(30)
        .with_step_dt(0.1)
        .build_ui_state(|ui, w: &mut Window| w.show(ui), window);
    h.run_steps(steps);
    h
}

/// The window with the example plan and no recovery file.
pub fn example_window(steps: usize) -> Harness<'static, Window> {
    window_harness(App::for_tests().expect("the app starts"), steps)
}

/// Raw input for one headless frame of a 1400×900 window at `time` seconds.
pub fn raw_input(time: f64) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0))),
        time: Some(time),
        ..Default::default()
    }
}

/// The text of a file in data/.
pub fn data_text(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A GeoJSON file in data/ as a FeatureCollection; anything else fails the test with the file's name.
pub fn data_collection(name: &str) -> geojson::FeatureCollection {
    match data_text(name).parse::<geojson::GeoJson>() {
        Ok(geojson::GeoJson::FeatureCollection(fc)) => fc,
        Ok(other) => panic!("{name} is GeoJSON but not a FeatureCollection: {:?}", other.to_string().get(..80)),
        Err(e) => panic!("{name} does not parse as GeoJSON: {e}"),
    }
}
