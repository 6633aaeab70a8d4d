#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The window stays put and says what it shows: panel sizes are the planner's, the plan table is readable,
//! rule errors are marked, selections give feedback, small windows open over the map. The real window in a
//! 1400×900 kittest harness.

use borderplan::app::settings::{BottomTab, RightTab};
use borderplan::app::{FileCommand, SelectCommand};
use borderplan::model::Target;
use borderplan::{App, Window};
use egui::Modifiers;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;

/// The window, plus the root ui's id (to find the panels' stored rectangles).
type Rooted = (Window, Option<egui::Id>);

fn rooted_harness(app: App) -> Harness<'static, Rooted> {
    let mut window = Window::new(app);
    window.dialogs = borderplan::window::Dialogs::Typed;
    let mut h = Harness::builder().with_size([1400.0, 900.0]).with_max_steps(30).with_step_dt(0.1).build_ui_state(
        |ui, state: &mut Rooted| {
            state.1 = Some(ui.scope_id());
            state.0.show(ui);
        },
        (window, None),
    );
    h.run_steps(4);
    h
}

fn panel_rect(h: &Harness<'static, Rooted>, name: &str) -> egui::Rect {
    let root = h.state().1.expect("a frame ran");
    egui::PanelState::load(&h.ctx, root.with_salt(egui::IdSalt::new(name))).expect("the panel was shown").outer_rect
}

#[test]
fn a_resized_plan_panel_keeps_its_height_through_tabs_selections_and_a_restart() {
    let mut h = rooted_harness(App::for_tests().unwrap());
    let before = panel_rect(&h, "plan_panel");
    // The planner's size, as a drag of the panel's edge leaves it: 120 px taller (egui keeps it in its memory).
    let root = h.state().1.expect("a frame ran");
    let mut state = egui::PanelState::load(&h.ctx, root.with_salt(egui::IdSalt::new("plan_panel"))).unwrap();
    state.outer_rect.min.y -= 120.0;
    h.ctx.data_mut(|d| d.insert_persisted(root.with_salt(egui::IdSalt::new("plan_panel")), state));
    h.run_steps(3);
    let resized = panel_rect(&h, "plan_panel");
    assert!((resized.height() - before.height() - 120.0).abs() < 3.0, "{before:?} -> {resized:?}");
    // Other tabs, other rows, a selection: the height is the planner's.
    let ctx = h.ctx.clone();
    for c in [
        borderplan::app::ViewCommand::Setting(borderplan::app::SettingChange::BottomTab(BottomTab::MarchChart)).into(),
        SelectCommand::KmRange { from_km: 0.0, to_km: 400.0 }.into(),
        borderplan::app::ViewCommand::Setting(borderplan::app::SettingChange::BottomTab(BottomTab::Table)).into(),
    ] {
        h.state_mut().0.app.apply(&ctx, c);
        h.run_steps(3);
        let now = panel_rect(&h, "plan_panel");
        assert!((now.height() - resized.height()).abs() < 0.5, "{resized:?} -> {now:?}");
    }
    h.state_mut().0.ui.table.only_selected = true;
    h.run_steps(3);
    assert!((panel_rect(&h, "plan_panel").height() - resized.height()).abs() < 0.5);
    // A restart: eframe stores egui's memory (as the window does through its storage) and gives it back.
    let stored = ron::to_string(&h.ctx.memory(|m| m.clone())).expect("egui memory serialises");
    let restored: egui::Memory = ron::from_str(&stored).expect("and reads back");
    let mut h2 = rooted_harness(App::for_tests().unwrap());
    h2.ctx.memory_mut(|m| *m = restored);
    h2.run_steps(4);
    let after = panel_rect(&h2, "plan_panel");
    assert!((after.height() - resized.height()).abs() < 0.5, "{resized:?} after a restart: {after:?}");
}

#[test]
fn the_plan_table_shows_eight_whole_rows_and_all_ten_columns_between_the_side_panels() {
    let h = rooted_harness(App::for_tests().unwrap());
    let panel = panel_rect(&h, "plan_panel");
    let ids: Vec<String> = h.state().0.app.plan.assignments.iter().map(|a| a.id.clone()).collect();
    let whole_rows = ids
        .iter()
        .flat_map(|id| h.query_all_by_label(id).map(|n| n.rect()).collect::<Vec<_>>())
        .filter(|r| panel.contains_rect(*r))
        .count();
    assert!(whole_rows >= 8, "{whole_rows} whole rows in the plan panel {panel:?}");
    // Every header is inside the panel: nothing needs scrolling sideways.
    for header in ["Id", "Target", "km ^", "Equipment", "Qty", "Stage", "Supplier", "Quarter", "Status", "Note"] {
        let r = h.query_all_by_label(header).map(|n| n.rect()).find(|r| panel.contains_rect(*r));
        assert!(r.is_some(), "header {header} is not wholly inside {panel:?}");
    }
    // The map keeps most of the window.
    assert!(h.state().0.app.map_rect.height() > 520.0, "map {:?}", h.state().0.app.map_rect);
}

#[test]
fn the_assign_button_stays_put_when_the_stage_two_warning_goes() {
    let mut h = common::example_window(4);
    let seg = h.state().app.plan.segments.segments()[3].id.clone();
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(
        &ctx,
        borderplan::app::Command::select(vec![Target::Segment(seg)], borderplan::app::selection::SelectMode::Replace),
    );
    h.run_steps(3);
    let with_warning = h.get_by_label("Assign to 1 selected").rect();
    h.get_by_label("Stage 3 (2027–2029)").click();
    h.run_steps(3);
    let without = h.get_by_label("Assign to 1 selected").rect();
    assert_eq!(with_warning, without);
}

#[test]
fn a_stage_two_segment_is_hatched_on_the_map_marked_in_the_table_and_explained_in_the_legend() {
    let mut h = common::example_window(4);
    let style = borderplan::map::style::MapStyle { dark: false };
    let hatch = |h: &Harness<'static, Window>| {
        h.output()
            .shapes
            .iter()
            .filter(|c| matches!(&c.shape, egui::Shape::LineSegment { stroke, .. } if stroke.color == style.violation() && stroke.width == 2.0))
            .count()
    };
    let before = hatch(&h);
    assert!(h.state().app.derived.violations.targets.is_empty(), "the example plan has no errors");
    // Stage 2 (the form's default) on a segment: the rules call it an error.
    let seg = h.state().app.plan.segments.segments()[3].id.clone();
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(
        &ctx,
        borderplan::app::Command::select(
            vec![Target::Segment(seg.clone())],
            borderplan::app::selection::SelectMode::Replace,
        ),
    );
    h.run_steps(2);
    h.get_by_label("Assign to 1 selected").click();
    h.run_steps(3);
    let app = &h.state().app;
    assert!(app.derived.violations.targets.contains(&Target::Segment(seg.clone())), "{:?}", app.derived.findings);
    h.key_press(egui::Key::Z);
    h.run_steps(3);
    let after = hatch(&h);
    assert!(after >= before + 10, "hatch strokes {before} -> {after}");
    // The row of the new assignment carries the mark.
    let app = &h.state().app;
    let id = app.plan.assignments.iter().last().expect("the new row").id.clone();
    h.state_mut().ui.table.text = id.clone();
    h.run_steps(3);
    assert!(h.query_by_label(borderplan::ui::plan_table::VIOLATION_MARK).is_some(), "row {id} is marked");
    assert!(painted(&h).iter().any(|t| t == "Rule error (hatched)"), "the legend explains the mark");
    // Undo: no error, no mark.
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(3);
    assert!(h.state().app.derived.violations.targets.is_empty());
    assert!(hatch(&h) < 5, "only the legend's swatch is left");
}

fn painted(h: &Harness<'static, Window>) -> Vec<String> {
    h.output()
        .shapes
        .iter()
        .filter_map(|c| match &c.shape {
            egui::Shape::Text(t) => Some(t.galley.text().to_owned()),
            _ => None,
        })
        .collect()
}

fn wait_for_imports(h: &mut Harness<'static, Window>) {
    for _ in 0..200 {
        if h.state().app.imports.is_empty() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.run_steps(1);
    }
    panic!("import did not finish");
}

#[test]
fn a_picked_feature_shows_on_the_selection_tab_and_stays_on_its_layer_after_another_import() {
    let mut h = common::example_window(3);
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, FileCommand::Import(vec![common::fixture("valid/non_ascii_names.geojson")]).into());
    wait_for_imports(&mut h);
    h.state_mut().app.settings.right_tab = RightTab::Summary;
    h.run_steps(2);
    h.get_by_label("Table").click();
    h.run_steps(3);
    h.get_by_label("ВМКБ").click();
    h.run_steps(3);
    assert_eq!(h.state().app.settings.right_tab, RightTab::Selection, "the properties are shown");
    assert!(h.query_by_label_contains("Feature 1 of layer non_ascii_names").is_some());
    // Another import goes on top of the list: the pick still names the same layer and feature.
    h.state_mut().app.apply(&ctx, FileCommand::Import(vec![common::fixture("valid/linestring.geojson")]).into());
    wait_for_imports(&mut h);
    h.run_steps(2);
    let app = &h.state().app;
    assert_eq!(app.layers.len(), 2);
    let (li, fi) = app.layer_pick_index().expect("still picked");
    assert_eq!((app.layers[li].name.as_str(), fi), ("non_ascii_names", 1));
    assert!(h.query_by_label_contains("Feature 1 of layer non_ascii_names").is_some());
}

#[test]
fn select_km_range_zooms_the_map_to_what_it_selected() {
    let mut h = common::example_window(4);
    let zoom_before = h.state().app.map_memory.zoom();
    h.get_by_label("Edit").click();
    h.run_steps(2);
    // The menu's entry (the Selection tab has a button of the same name, further right).
    let entry = h.query_all_by_label("Select km range…").min_by(|a, b| a.rect().left().total_cmp(&b.rect().left()));
    entry.expect("the Edit menu entry").click();
    h.run_steps(2);
    h.get_by_label("Select").click();
    h.run_steps(3);
    let app = &h.state().app;
    assert!(!app.selection.is_empty());
    assert!(app.map_memory.zoom() > zoom_before + 0.5, "zoom {zoom_before} -> {}", app.map_memory.zoom());
    let b = app.selection_bounds().expect("bounds");
    for (lon, lat) in [(b[0], b[1]), (b[2], b[3])] {
        assert!(app.map_rect.expand(2.0).contains(app.screen_pos(lon, lat)), "{lon},{lat} not in view");
    }
}

fn search_box<'h>(h: &'h Harness<'static, Window>) -> egui_kittest::Node<'h> {
    h.query_all_by_role(egui::accesskit::Role::TextInput).find(|n| n.rect().top() < 30.0).expect("the search box")
}

#[test]
fn searching_a_km_pins_it_and_selects_its_segment() {
    let mut h = common::example_window(4);
    search_box(&h).click();
    h.run_steps(1);
    search_box(&h).type_text("km 420");
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    let app = &h.state().app;
    assert_eq!(app.km_marker, Some(420.0));
    let seg = app.plan.segments.segment_at_km(420.0).expect("a segment at km 420").id.clone();
    assert_eq!(app.selection.iter().cloned().collect::<Vec<_>>(), vec![Target::Segment(seg)]);
    let p = app.plan.border.point_at_km(420.0);
    assert!(app.map_rect.shrink(50.0).contains(app.screen_pos(p.x(), p.y())), "km 420 is in view");
    assert!((10.0..=12.0).contains(&app.map_memory.zoom()), "zoom {}", app.map_memory.zoom());
    assert!(
        painted(&h).iter().any(|t| t == "km 420.0"),
        "the pin is labelled: {:?}",
        painted(&h).iter().filter(|t| t.contains("km")).collect::<Vec<_>>()
    );
    // Esc clears the selection and the pin.
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert_eq!(h.state().app.km_marker, None);
}

#[test]
fn small_windows_open_inside_the_map_area() {
    let mut h = common::example_window(4);
    h.state_mut().ui.windows.km_range = Some((0.0, 100.0));
    h.state_mut().ui.windows.shortcuts_open = true;
    h.run_steps(3);
    let map = h.state().app.map_rect;
    for title in ["Select km range", "Keyboard shortcuts"] {
        let r = h.get_by_label(title).rect();
        assert!(map.contains_rect(r), "{title} at {r:?}, map {map:?}");
    }
    // The whole windows, not only their titles.
    let shortcuts = h.get_by_label("Ctrl+wheel / pinch").rect();
    assert!(map.contains_rect(shortcuts) || shortcuts.top() >= map.top(), "{shortcuts:?}");
}

#[test]
fn a_click_on_an_attribute_header_sorts_the_rows_and_a_second_click_reverses_them() {
    let mut h = common::example_window(3);
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, FileCommand::Import(vec![common::fixture("valid/non_ascii_names.geojson")]).into());
    wait_for_imports(&mut h);
    h.run_steps(2);
    h.get_by_label("Table").click();
    h.run_steps(3);
    let name_col =
        h.state().app.layers[0].stats.property_names.iter().position(|p| p == "name").expect("a name column");
    let _ = name_col;
    // Row order as drawn: the y of each feature's index label ("#" column).
    let n = h.state().app.layers[0].features.len();
    let names: Vec<String> = (0..n)
        .map(|i| h.state().app.layers[0].properties.map(i)["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    let order = |h: &Harness<'static, Window>| {
        let mut ys: Vec<(f32, usize)> =
            (0..n).filter_map(|i| h.query_all_by_label(&names[i]).next().map(|node| (node.rect().top(), i))).collect();
        ys.sort_by(|a, b| a.0.total_cmp(&b.0));
        ys.into_iter().map(|(_, i)| names[i].to_lowercase()).collect::<Vec<_>>()
    };
    h.get_by_label("name").click();
    h.run_steps(3);
    let up = order(&h);
    assert!(up.len() >= 3 && up.windows(2).all(|w| w[0] <= w[1]), "{up:?}");
    h.get_by_label("name ^").click();
    h.run_steps(3);
    let down = order(&h);
    assert!(down.windows(2).all(|w| w[0] >= w[1]), "{down:?}");
}

#[test]
fn the_shortcuts_window_lists_every_key_the_window_reacts_to() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/window.rs")).unwrap();
    let listed: String =
        borderplan::ui::windows::SHORTCUTS.iter().map(|(k, _)| format!("{k} ")).collect::<String>().to_lowercase();
    let names = [
        ("Key::Z", "z"),
        ("Key::Y", "ctrl+y"),
        ("Key::S", "ctrl+s"),
        ("Key::O", "ctrl+o"),
        ("Key::N", "ctrl+n"),
        ("Key::I", "ctrl+i"),
        ("Key::G", "ctrl+g"),
        ("Key::F", "f"),
        ("Key::Plus", "+"),
        ("Key::Equals", "="),
        ("Key::Minus", "−"),
        ("Key::ArrowLeft", "arrow keys"),
        ("Key::M", "m"),
        ("Key::Escape", "esc"),
    ];
    let used: Vec<&str> = src
        .match_indices("Key::")
        .map(|(i, _)| {
            let rest = &src[i..];
            &rest[..rest.find(|c: char| !(c.is_alphanumeric() || c == ':')).unwrap_or(rest.len())]
        })
        .collect();
    for key in &used {
        if matches!(*key, "Key::ArrowRight" | "Key::ArrowUp" | "Key::ArrowDown") {
            continue;
        }
        let (_, shown) =
            names.iter().find(|(k, _)| k == key).unwrap_or_else(|| panic!("{key} has no entry in this test"));
        assert!(listed.contains(shown), "{key} ({shown}) is not in the shortcuts window");
    }
    for gesture in ["mouse wheel", "ctrl+wheel", "ctrl+shift+z", "shift+drag", "double-click"] {
        assert!(listed.contains(gesture), "{gesture} is not in the shortcuts window");
    }
}
