#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The map view driven through egui_kittest: wheel zoom, label placement across all label sources, the first
//! view.

use borderplan::app::selection::SelectMode;
use borderplan::map::labels::{LabelClass, PlacedLabel, placed_labels};
use borderplan::{App, Window};
use egui::{Event, Modifiers, MouseWheelSource, MouseWheelUnit, Pos2, Rect, TouchPhase, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn harness_sized(width: f32, height: f32) -> Harness<'static, Window> {
    let window = Window::for_tests().expect("the app starts");
    let mut h = Harness::builder()
        .with_size([width, height])
        .with_max_steps(30)
        .with_step_dt(1.0 / 30.0)
        .build_ui_state(|ui, w: &mut Window| w.show(ui), window);
    h.run_steps(6);
    h
}

fn harness() -> Harness<'static, Window> {
    harness_sized(1400.0, 900.0)
}

fn wheel(h: &mut Harness<'static, Window>, pos: Pos2, notches: f32) {
    h.event(Event::PointerMoved(pos));
    h.run_steps(1);
    h.event(Event::MouseWheel {
        unit: MouseWheelUnit::Line,
        delta: Vec2::new(0.0, notches),
        phase: TouchPhase::Move,
        source: MouseWheelSource::Wheel,
        modifiers: Modifiers::NONE,
    });
    // egui spreads a wheel step over a few frames.
    h.run_steps(20);
}

#[test]
fn the_plain_mouse_wheel_zooms_about_the_cursor() {
    let mut h = harness();
    let r = h.state().app.map_rect;
    // Off the centre, so that zooming about the centre instead of the cursor would move the point.
    let (lon, lat) = (69.5, 37.4);
    let pos = h.state().app.screen_pos(lon, lat);
    assert!(r.shrink(20.0).contains(pos), "{pos:?} in {r:?}");
    assert!((pos - r.center()).length() > 100.0, "{pos:?} is too close to the centre {:?}", r.center());
    let zoom_before = h.state().app.map_memory.zoom();
    wheel(&mut h, pos, 1.0);
    let zoom_in = h.state().app.map_memory.zoom();
    // A notch is half a zoom level, whatever the frame rate.
    assert!((zoom_in - zoom_before - 0.5).abs() < 0.02, "wheel up zooms in half a level: {zoom_before} -> {zoom_in}");
    let after = h.state().app.screen_pos(lon, lat);
    assert!((after - pos).length() < 3.0, "the point under the cursor moved from {pos:?} to {after:?}");

    wheel(&mut h, pos, -2.0);
    let zoom_out = h.state().app.map_memory.zoom();
    assert!((zoom_in - zoom_out - 1.0).abs() < 0.02, "two notches down zoom out a level: {zoom_in} -> {zoom_out}");
    let after = h.state().app.screen_pos(lon, lat);
    assert!((after - pos).length() < 3.0, "the point under the cursor moved from {pos:?} to {after:?}");
}

fn assert_no_two_overlap(placed: &[PlacedLabel]) {
    for (i, a) in placed.iter().enumerate() {
        for b in &placed[i + 1..] {
            assert!(!a.rect.intersects(b.rect), "{a:?} overlaps {b:?}");
        }
    }
}

/// No label covers an outpost's square marker (12 px; the label rectangles carry 2 px padding).
fn assert_outposts_clear(h: &Harness<'static, Window>, placed: &[PlacedLabel]) {
    let app = &h.state().app;
    for o in &app.plan.outposts {
        let marker = Rect::from_center_size(app.screen_pos(o.position.x(), o.position.y()), Vec2::splat(12.0));
        for l in placed {
            assert!(!l.rect.shrink(2.0).intersects(marker), "{l:?} covers outpost {} at {marker:?}", o.id);
        }
    }
}

fn classes(placed: &[PlacedLabel]) -> Vec<LabelClass> {
    let mut c: Vec<LabelClass> = placed.iter().map(|l| l.class).collect();
    c.sort();
    c.dedup();
    c
}

#[test]
fn labels_of_all_sources_never_overlap_at_whole_border_zoom() {
    let h = harness();
    let placed = placed_labels(&h.ctx);
    let got = classes(&placed);
    for class in [LabelClass::Outpost, LabelClass::KmPost, LabelClass::Town, LabelClass::Graticule] {
        assert!(got.contains(&class), "no {class:?} label in {placed:#?}");
    }
    assert_no_two_overlap(&placed);
    assert_outposts_clear(&h, &placed);
    let r = h.state().app.map_rect;
    assert!(placed.iter().all(|l| r.contains_rect(l.rect)), "labels stay inside the map");
    // The stage legend covers the map's lower left corner (10 px in, 150 × 98 px).
    let legend = Rect::from_min_size(r.left_bottom() + Vec2::new(10.0, -104.0), Vec2::new(150.0, 98.0));
    assert!(placed.iter().all(|l| !l.rect.intersects(legend)), "labels stay off the legend {legend:?}");
}

fn zoom_to(h: &mut Harness<'static, Window>, lon: f64, lat: f64, zoom: f64) {
    h.state_mut().app.map_memory.center_at(walkers::lon_lat(lon, lat));
    h.state_mut().app.map_memory.set_zoom(zoom).expect("a valid zoom");
    h.run_steps(4);
}

#[test]
fn labels_never_overlap_around_khorugh_at_zoom_11_and_12_and_name_the_river_towns_and_km_posts() {
    let mut h = harness();
    for zoom in [11.0, 12.0] {
        zoom_to(&mut h, 71.55, 37.49, zoom);
        let placed = placed_labels(&h.ctx);
        assert_no_two_overlap(&placed);
        assert_outposts_clear(&h, &placed);
        let got = classes(&placed);
        for class in [LabelClass::KmPost, LabelClass::Town, LabelClass::River] {
            assert!(got.contains(&class), "zoom {zoom}: no {class:?} label in {placed:#?}");
        }
        assert!(placed.iter().any(|l| l.text == "Khorugh"), "zoom {zoom}: Khorugh is named: {placed:#?}");
        // km posts are close together up here: every 5 km at most.
        let mut km: Vec<i64> = placed
            .iter()
            .filter(|l| l.class == LabelClass::KmPost)
            .map(|l| l.text.parse().expect("a km number"))
            .collect();
        km.sort();
        assert!(km.len() >= 2, "zoom {zoom}: km posts {km:?}");
        assert!(km.windows(2).any(|w| w[1] - w[0] == 5), "zoom {zoom}: km posts {km:?} are not 5 km apart");
    }
}

#[test]
fn a_selected_outposts_label_is_placed_first_with_emphasis() {
    let mut h = harness();
    zoom_to(&mut h, 71.55, 37.49, 11.0);
    let before = placed_labels(&h.ctx);
    // Every outpost in view is either labelled or lost to another outpost; selecting one makes it win.
    let app = &h.state().app;
    let r = app.map_rect.shrink(60.0);
    let o = app
        .plan
        .outposts
        .iter()
        .find(|o| r.contains(app.screen_pos(o.position.x(), o.position.y())))
        .expect("an outpost in view")
        .clone();
    h.state_mut().app.selection.apply([borderplan::model::Target::Outpost(o.id.clone())], SelectMode::Replace);
    h.run_steps(2);
    let after = placed_labels(&h.ctx);
    let label = after.iter().find(|l| l.text == o.name).unwrap_or_else(|| panic!("{} is labelled: {after:#?}", o.name));
    assert_eq!(label.class, LabelClass::Emphasis);
    assert!(!before.is_empty());
    assert_no_two_overlap(&after);
}

fn border_ends_inside(app: &App) -> Result<(), String> {
    let line = app.plan.border.line();
    let (first, last) = (line.0.first().expect("a border"), line.0.last().expect("a border"));
    let b = app.border_bounds();
    for (lon, lat) in [(first.x, first.y), (last.x, last.y), (b[0], b[1]), (b[2], b[3])] {
        let p = app.screen_pos(lon, lat);
        if !app.map_rect.contains(p) {
            return Err(format!("{lon},{lat} at {p:?} outside the map area {:?}", app.map_rect));
        }
    }
    Ok(())
}

#[test]
fn the_first_view_fits_the_whole_border_into_the_map_area_between_the_panels() {
    for (width, height) in [(1400.0, 900.0), (1000.0, 700.0), (1920.0, 1080.0)] {
        let h = harness_sized(width, height);
        let app = &h.state().app;
        // The map area is smaller than the window: panels take the rest.
        let r = app.map_rect;
        assert!(r.width() < width - 100.0 && r.height() < height - 100.0, "{r:?}");
        border_ends_inside(app).unwrap_or_else(|e| panic!("{width}×{height}: {e}"));
    }
}

#[test]
fn the_border_is_fitted_again_when_the_map_area_changes_before_the_planner_moves_the_map() {
    let mut h = harness();
    let zoom_before = h.state().app.map_memory.zoom();
    // The side panels go (as when the window settles at another size): the map area grows.
    h.state_mut().app.settings.show_left = false;
    h.state_mut().app.settings.show_right = false;
    h.run_steps(4);
    border_ends_inside(&h.state().app).unwrap_or_else(|e| panic!("{e}"));
    let zoom_wide = h.state().app.map_memory.zoom();
    assert!(zoom_wide > zoom_before + 0.05, "the wider map fits the border closer: {zoom_before} -> {zoom_wide}");

    // Once the planner has zoomed, the view is theirs.
    let r = h.state().app.map_rect;
    wheel(&mut h, r.center() + Vec2::new(50.0, 20.0), 1.0);
    let zoom_user = h.state().app.map_memory.zoom();
    h.state_mut().app.settings.show_left = true;
    h.run_steps(4);
    assert_eq!(h.state().app.map_memory.zoom(), zoom_user);
}

#[test]
fn the_layers_panel_switches_bridge_crossings_and_lakes_off_and_on() {
    let mut h = harness();
    zoom_to(&mut h, 71.55, 37.49, 11.0);
    let crossing_labels = |h: &Harness<'static, Window>| {
        placed_labels(&h.ctx).iter().filter(|l| l.text.starts_with("Bridge: Khorugh")).count()
    };
    assert_eq!(crossing_labels(&h), 1, "the Khorugh bridge is labelled at zoom 11");
    h.get_by_label("Bridge crossings (approx.)").click();
    h.run_steps(3);
    assert!(!h.state().app.settings.basemap_layers.crossings);
    assert_eq!(crossing_labels(&h), 0, "no crossing label once the layer is off");
    h.get_by_label("Bridge crossings (approx.)").click();
    h.run_steps(3);
    assert_eq!(crossing_labels(&h), 1, "back on");
    h.get_by_label("Lakes").click();
    h.run_steps(2);
    assert!(!h.state().app.settings.basemap_layers.lakes, "the Lakes switch turns the lakes off");
}
