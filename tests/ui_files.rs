#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Files through the real app: import (the dialog's code path), recovery after a crash, saving and opening.

use borderplan::app::settings::Settings;
use borderplan::app::{AppConfig, Command, FileCommand, ViewCommand};
use borderplan::model::Edit;
use borderplan::{App, Window};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

mod common;
use common::fixture;

fn harness_with(app: App) -> Harness<'static, Window> {
    common::window_harness(app, 3)
}

/// Steps until background imports are done (bounded).
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
fn importing_a_fixture_through_the_dialog_path_adds_a_layer_and_hiding_it_hides_it() {
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    // The same command the File › Import layer… dialog issues with the picked files.
    h.state_mut().app.apply(&ctx, FileCommand::Import(vec![fixture("valid/all_geometry_types.geojson")]).into());
    wait_for_imports(&mut h);
    h.run_steps(2);
    let app = &h.state().app;
    assert_eq!(app.layers.len(), 1);
    assert_eq!(app.layers[0].name, "all_geometry_types");
    assert_eq!(app.layers[0].stats.features, 7);
    assert!(app.layers[0].style.visible);
    // The layer is listed with its feature count (as is the status message), and its checkbox hides it.
    assert_eq!(h.query_all_by_label_contains("7 features").count(), 2);
    h.get_by_label("all_geometry_types").click();
    h.run_steps(2);
    assert!(!h.state().app.layers[0].style.visible);
}

#[test]
fn a_broken_file_is_reported_in_the_status_bar_and_adds_no_layer() {
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, FileCommand::Import(vec![fixture("invalid/truncated.geojson")]).into());
    wait_for_imports(&mut h);
    h.run_steps(2);
    let app = &h.state().app;
    assert!(app.layers.is_empty());
    let status = app.status.clone().expect("a message");
    assert!(status.error);
    assert!(status.text.contains("truncated.geojson"), "{}", status.text);
    assert!(status.text.contains("line"), "{}", status.text);
}

#[test]
fn a_plan_file_given_to_import_opens_as_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.geojson");
    let mut app = App::for_tests().unwrap();
    app.plan.meta.title = "Mine".into();
    assert!(app.save_to(&path));
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, FileCommand::Import(vec![path.clone()]).into());
    h.run_steps(2);
    assert_eq!(h.state().app.plan.meta.title, "Mine");
    assert_eq!(h.state().app.plan_path.as_deref(), Some(path.as_path()));
    assert!(h.state().app.layers.is_empty());
}

#[test]
fn unsaved_edits_survive_a_crash_through_the_recovery_file() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = dir.path().join("recovery.geojson");
    let config = AppConfig { recovery_path: Some(recovery.clone()), tile_cache: None, load_example: true };
    let ctx = egui::Context::default();
    let mut app = App::with_settings(Settings::default(), config.clone()).unwrap();
    app.apply(&ctx, Command::from(Edit::SplitSegment { km: 12.5 }));
    assert!(app.dirty);
    app.autosave_if_due(1_000.0);
    let edited = app.plan.clone();
    std::mem::forget(app); // the crash: nothing is cleaned up

    let mut h = harness_with(App::with_settings(Settings::default(), config).unwrap());
    assert_eq!(h.state().app.recovery_offer.as_deref(), Some(recovery.as_path()));
    h.get_by_label("Recover").click();
    h.run_steps(2);
    // The file groups assignments by target, so compare the saved forms (order-independent, lossless).
    let text = |p: &borderplan::model::Plan| borderplan::io::plan_file::to_string(p).unwrap();
    assert_eq!(text(&h.state().app.plan), text(&edited));
    assert_eq!(h.state().app.plan.segments, edited.segments);
    assert!(h.state().app.dirty, "recovered work still needs saving");
}

#[test]
fn new_plan_with_unsaved_changes_asks_first_and_cancel_keeps_the_work() {
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, Command::from(Edit::SplitSegment { km: 12.5 }));
    let edited = h.state().app.plan.clone();
    h.state_mut().app.apply(&ctx, Command::File(FileCommand::NewPlan));
    h.run_steps(2);
    assert!(h.state().app.pending.is_some());
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(h.state().app.pending.is_none());
    assert_eq!(h.state().app.plan, edited);
    // Don't save: the new plan replaces it.
    h.state_mut().app.apply(&ctx, Command::File(FileCommand::NewPlan));
    h.run_steps(2);
    h.get_by_label("Don't save").click();
    h.run_steps(2);
    assert!(h.state().app.plan.assignments.is_empty());
    assert!(!h.state().app.dirty);
}

#[test]
fn a_failed_save_says_why_and_keeps_the_plan_unsaved() {
    let mut app = App::for_tests().unwrap();
    let ctx = egui::Context::default();
    app.apply(&ctx, Command::from(Edit::SplitSegment { km: 12.5 }));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("no-such-folder").join("plan.geojson");
    assert!(!app.save_to(&bad));
    assert!(app.dirty);
    let s = app.status.clone().unwrap();
    assert!(s.error && s.text.contains("no-such-folder"), "{}", s.text);
}

#[test]
fn the_map_image_export_crops_the_map_area_out_of_the_window_picture() {
    // A 200×100 window picture at 2 pixels per point; the map covers points (10, 5)–(60, 45).
    let mut image = egui::ColorImage::filled([200, 100], egui::Color32::WHITE);
    for y in 10..90 {
        for x in 20..120 {
            image.pixels[y * 200 + x] = egui::Color32::from_rgb(0, 114, 178);
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("map.png");
    let rect = egui::Rect::from_min_max(egui::pos2(10.0, 5.0), egui::pos2(60.0, 45.0));
    borderplan::app::save_region_png(&image, rect, 2.0, &path).unwrap();
    let png = image::open(&path).unwrap().to_rgba8();
    assert_eq!(png.dimensions(), (100, 80));
    assert!(png.pixels().all(|p| p.0 == [0, 114, 178, 255]));
    // A map area outside the picture is an error, not a panic.
    let outside = egui::Rect::from_min_max(egui::pos2(500.0, 500.0), egui::pos2(600.0, 600.0));
    assert!(borderplan::app::save_region_png(&image, outside, 1.0, &path).is_err());
}

#[test]
fn the_attribute_table_shows_the_imported_properties_and_a_row_click_picks_the_feature() {
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, FileCommand::Import(vec![fixture("valid/non_ascii_names.geojson")]).into());
    wait_for_imports(&mut h);
    h.run_steps(2);
    h.get_by_label("Table").click();
    h.run_steps(3);
    // Values come from the layer's property store, strings without their quotes.
    assert!(h.query_all_by_label("Хоруғ").count() >= 2, "a Tajik name is shown in the name and name_tg columns");
    assert!(h.query_by_label("Mazar-e Sharif").is_some(), "a Latin name is shown in the table");
    // Arabic script (Dari) is drawn with the bundled Noto Sans Arabic: without it egui has no glyph for it
    // (the harness refuses to draw missing glyphs).
    assert!(h.query_by_label("کابل").is_some(), "a Dari name is shown in the table");
    assert_eq!(h.state().app.layer_pick, None);
    h.get_by_label("ВМКБ").click();
    h.run_steps(2);
    assert_eq!(h.state().app.layer_pick_index(), Some((0, 1)), "the clicked row picks feature 1 of layer 0");
}

/// Texts painted in the last frame.
fn painted_texts(h: &Harness<'static, Window>) -> Vec<String> {
    h.output()
        .shapes
        .iter()
        .filter_map(|clipped| match &clipped.shape {
            egui::Shape::Text(text) => Some(text.galley.text().to_owned()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_layer_drawn_as_a_picture_gets_labels_once_few_of_its_features_are_in_view() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("posts.geojson");
    std::fs::write(&path, borderplan::synth::points_geojson(6_000)).unwrap();
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, FileCommand::Import(vec![path]).into());
    wait_for_imports(&mut h);
    h.run_steps(3);
    assert_eq!(h.state().app.layers[0].stats.features, 6_000);
    assert_eq!(h.state().app.layers[0].style.label_property.as_deref(), Some("name"));
    // The whole border in view: thousands of points, drawn as a picture without labels.
    assert!(!painted_texts(&h).iter().any(|t| t.starts_with("Post ")), "no labels at the whole-border view");
    // Zoomed in around one point: its label is drawn.
    let geo::Geometry::Point(p) = h.state().app.layers[0].features[1234].geometry else { panic!("a point") };
    h.state_mut()
        .app
        .apply(&ctx, ViewCommand::ZoomToBounds([p.x() - 0.02, p.y() - 0.02, p.x() + 0.02, p.y() + 0.02]).into());
    h.run_steps(4);
    let texts = painted_texts(&h);
    assert!(texts.iter().any(|t| t == "Post 1234"), "the label of the point in view is drawn: {texts:?}");
}

#[test]
fn without_a_native_file_dialog_save_as_asks_for_a_typed_path_and_saves_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.geojson");
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    assert!(h.state_mut().app.save_to(&path));
    h.state_mut().app.apply(&ctx, Command::from(Edit::SplitSegment { km: 12.5 }));
    assert!(h.state().app.dirty);
    h.state_mut().app.apply(&ctx, borderplan::app::Ask::SavePlan.into());
    // A new egui window is measured in its first frame and shown from the next.
    h.run_steps(4);
    assert!(h.state().path_prompt().is_some(), "the prompt is open");
    assert!(h.query_by_label("Save plan as").is_some(), "the prompt window is shown");
    h.get_by_label("OK").click();
    h.run_steps(2);
    assert!(!h.state().app.dirty, "{:?}", h.state().app.status);
    let saved = borderplan::io::plan_file::load(&path).unwrap();
    assert_eq!(saved.segments, h.state().app.plan.segments);
}

#[test]
fn a_typed_path_in_a_missing_folder_or_to_a_missing_file_is_refused_with_the_reason() {
    use borderplan::app::Ask;
    use borderplan::ui::path_prompt::PathPrompt;
    let app = App::for_tests().unwrap();
    let mut p = PathPrompt::new(Ask::OpenPlan, &app);
    p.text = "/no/such/dir/plan.geojson".into();
    assert_eq!(p.command().unwrap_err(), "/no/such/dir/plan.geojson does not exist");
    let mut p = PathPrompt::new(Ask::SavePlan, &app);
    p.text = "/no/such/dir/plan.geojson".into();
    assert!(p.command().unwrap_err().starts_with("the folder of /no/such/dir/plan.geojson"));
    p.text = "  ".into();
    assert_eq!(p.command().unwrap_err(), "Type a path");
    let dir = tempfile::tempdir().unwrap();
    p.text = dir.path().join("new.geojson").display().to_string();
    assert!(matches!(p.command(), Ok(Command::File(FileCommand::SaveAs(_)))));
}

#[test]
fn undoing_back_to_the_saved_plan_clears_the_unsaved_marker_and_quit_no_longer_asks() {
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, Command::from(Edit::SplitSegment { km: 12.5 }));
    assert!(h.state().app.dirty);
    assert!(h.state().app.title().starts_with("● "));
    h.state_mut().app.apply(&ctx, borderplan::app::PlanCommand::Undo.into());
    assert!(!h.state().app.dirty, "the plan is as it was opened");
    assert!(!h.state().app.title().starts_with("● "));
    h.state_mut().app.apply(&ctx, borderplan::app::PlanCommand::Redo.into());
    assert!(h.state().app.dirty, "redo brings the unsaved edit back");
    h.state_mut().app.apply(&ctx, borderplan::app::PlanCommand::Undo.into());
    h.state_mut().app.apply(&ctx, FileCommand::Quit.into());
    assert!(h.state().app.pending.is_none(), "nothing unsaved: quit does not ask");
}

/// The window after File › Import… of the example plan exported as a GeoPackage (segments, outposts, assignments
/// and gaps tables): its folder (kept alive by the caller), path and plan, and the harness.
fn import_four_table_geopackage()
-> (tempfile::TempDir, std::path::PathBuf, borderplan::model::Plan, Harness<'static, Window>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agency.gpkg");
    let plan = borderplan::io::bundled::example_plan().unwrap();
    borderplan::io::export::export_to_file(&plan, borderplan::io::export::ExportFormat::GeoPackage, &path).unwrap();
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, FileCommand::Import(vec![path.clone()]).into());
    h.run_steps(2);
    (dir, path, plan, h)
}

#[test]
fn a_geopackage_with_several_tables_asks_which_to_import_and_imports_only_the_ticked_one() {
    let (_dir, _path, plan, mut h) = import_four_table_geopackage();
    // Nothing is read yet: the chooser lists the four tables with their rows.
    assert!(h.state().app.imports.is_empty() && h.state().app.layers.is_empty());
    h.get_by_label_contains("agency.gpkg holds 4 feature tables");
    assert!(h.query_by_label("Import 0 tables").is_some(), "the import button counts the ticked tables");
    h.get_by_label("outposts").click();
    h.run_steps(2);
    h.get_by_label("Import 1 table").click();
    h.run_steps(2);
    wait_for_imports(&mut h);
    h.run_steps(2);
    let app = &h.state().app;
    assert!(app.table_choices.is_empty(), "the chooser closed");
    let names: Vec<&str> = app.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["agency — outposts"]);
    assert_eq!(app.layers[0].stats.features, plan.outposts.len());
    assert!(h.query_by_label_contains("holds 4 feature tables").is_none());
}

#[test]
fn the_geopackage_chooser_imports_all_tables_or_none_on_cancel() {
    let (_dir, path, _plan, mut h) = import_four_table_geopackage();
    let ctx = h.ctx.clone();
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(h.state().app.table_choices.is_empty() && h.state().app.layers.is_empty());
    h.state_mut().app.apply(&ctx, FileCommand::Import(vec![path.clone()]).into());
    h.run_steps(2);
    h.get_by_label("Import all").click();
    h.run_steps(2);
    wait_for_imports(&mut h);
    h.run_steps(2);
    assert_eq!(h.state().app.layers.len(), 4);
}

/// The write policy in the window: an export never replaces a plan file, and replacing any other file asks first.
mod write_policy {
    use super::*;
    use borderplan::app::Ask;
    use borderplan::io::export::ExportFormat;

    /// The window with the example plan saved to `dir/plan.geojson`.
    fn saved_window(dir: &std::path::Path) -> (Harness<'static, Window>, std::path::PathBuf) {
        let path = dir.join("plan.geojson");
        let mut app = App::for_tests().unwrap();
        assert!(app.save_to(&path));
        (harness_with(app), path)
    }

    #[test]
    fn exporting_geojson_onto_the_open_plans_own_file_is_refused_with_a_message_in_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let (mut h, path) = saved_window(dir.path());
        let before = std::fs::read(&path).unwrap();
        let ctx = h.ctx.clone();
        // What File › Export plan as › GeoJSON issues with the plan's own path (typed, or picked in a dialog that
        // already asked about replacing).
        h.state_mut().app.apply(&ctx, FileCommand::Export(ExportFormat::GeoJson, path.clone()).into());
        let confirmed = FileCommand::ReplaceConfirmed(Box::new(FileCommand::Export(ExportFormat::Csv, path.clone())));
        h.state_mut().app.apply(&ctx, confirmed.into());
        h.run_steps(4);
        assert_eq!(std::fs::read(&path).unwrap(), before, "the plan was replaced by an export");
        let status = h.state().app.status.clone().unwrap();
        assert!(status.error, "{}", status.text);
        assert!(status.text.contains("open plan's own file"), "{}", status.text);
        assert!(status.text.contains("never replaces a plan"), "{}", status.text);
        assert!(h.query_by_label_contains("never replaces a plan").is_some(), "the refusal is not shown");
        assert!(h.state().app.replace_question.is_none());
        assert!(!h.state().app.dirty, "the plan is still saved");
        assert!(h.state().app.disk_banner().is_none());
    }

    #[test]
    fn a_typed_export_over_an_existing_file_asks_first_and_cancel_keeps_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let (mut h, _) = saved_window(dir.path());
        // The typed prompt suggests plan-export.geojson beside the plan: a file of that name exists.
        let target = dir.path().join("plan-export.geojson");
        std::fs::write(&target, b"last week's export").unwrap();
        let ctx = h.ctx.clone();
        h.state_mut().app.apply(&ctx, Ask::Export(ExportFormat::GeoJson).into());
        h.run_steps(4);
        h.get_by_label("OK").click();
        h.run_steps(4);
        assert!(h.query_by_label("Replace plan-export.geojson?").is_some(), "no replace question");
        assert_eq!(std::fs::read(&target).unwrap(), b"last week's export", "replaced before asking");
        h.get_by_label("Cancel").click();
        h.run_steps(4);
        assert!(h.state().app.replace_question.is_none());
        assert_eq!(std::fs::read(&target).unwrap(), b"last week's export");
        // Asked again, Replace writes the export.
        h.state_mut().app.apply(&ctx, Ask::Export(ExportFormat::GeoJson).into());
        h.run_steps(4);
        h.get_by_label("OK").click();
        h.run_steps(4);
        h.get_by_label("Replace").click();
        h.run_steps(4);
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
        assert_eq!(v["type"], "FeatureCollection");
        assert!(h.state().app.status.clone().unwrap().text.starts_with("Exported GeoJSON"));
    }

    #[test]
    fn a_typed_save_as_over_an_existing_file_asks_and_replaces_it_only_after_replace() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = harness_with(App::for_tests().unwrap());
        let target = dir.path().join("notes.geojson");
        std::fs::write(&target, b"{\"type\":\"FeatureCollection\",\"features\":[]}").unwrap();
        let ctx = h.ctx.clone();
        h.state_mut().app.apply(&ctx, FileCommand::SaveAs(target.clone()).into());
        h.run_steps(4);
        assert!(h.query_by_label("Replace notes.geojson?").is_some(), "no replace question");
        assert_eq!(h.state().app.plan_path, None, "saved before asking");
        h.get_by_label("Replace").click();
        h.run_steps(4);
        assert_eq!(h.state().app.plan_path.as_deref(), Some(target.as_path()));
        assert!(!h.state().app.dirty);
        let text = |p: &borderplan::model::Plan| borderplan::io::plan_file::to_string(p).unwrap();
        assert_eq!(text(&borderplan::io::plan_file::load(&target).unwrap()), text(&h.state().app.plan));
    }
}

/// The window with the example plan (no file) edited, after File › Quit: the unsaved-changes guard is open.
fn quit_with_unsaved_example() -> Harness<'static, Window> {
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, Command::from(Edit::SplitSegment { km: 12.5 }));
    h.state_mut().app.apply(&ctx, FileCommand::Quit.into());
    h.run_steps(2);
    assert!(h.state().app.pending.is_some(), "the guard asks");
    h
}

#[test]
fn the_guards_save_on_a_plan_without_a_file_opens_the_path_prompt_on_top_with_the_keyboard_then_quits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typed.geojson");
    let mut h = quit_with_unsaved_example();
    h.get_by_label("Save as…").click();
    h.run_steps(3);
    assert!(h.state().app.pending.is_none(), "the guard closed");
    assert!(h.query_by_label("Unsaved changes").is_none(), "the guard is not drawn under the prompt");
    assert!(h.state().path_prompt().is_some());
    assert!(h.get_by_label("File path").is_focused(), "the prompt's field has the keyboard");
    // Typed straight away, no click needed.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(1);
    h.get_by_label("File path").type_text(&path.display().to_string());
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    let app = &h.state().app;
    assert!(path.is_file(), "saved where typed: {:?}", app.status);
    assert!(!app.dirty);
    assert!(app.allow_close, "the held-back quit followed the save");
    assert_eq!(borderplan::io::plan_file::load(&path).unwrap().segments, app.plan.segments);
}

#[test]
fn the_save_prompt_selects_the_suggested_file_name_so_a_typed_name_keeps_its_folder_and_extension() {
    let mut h = quit_with_unsaved_example();
    h.get_by_label("Save as…").click();
    h.run_steps(3);
    let suggested = h.state().path_prompt().unwrap().text.clone();
    let folder = std::path::Path::new(&suggested).parent().unwrap().to_path_buf();
    assert!(suggested.ends_with(".geojson"), "{suggested}");
    h.get_by_label("File path").type_text("pamir-draft");
    h.run_steps(1);
    let typed = h.state().path_prompt().unwrap().text.clone();
    assert_eq!(std::path::PathBuf::from(typed), folder.join("pamir-draft.geojson"));
}

#[test]
fn several_files_imported_at_once_leave_every_failure_in_the_message_log() {
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    let files = ["invalid/truncated.geojson", "invalid/not_json.geojson", "valid/linestring.geojson"];
    h.state_mut().app.apply(&ctx, FileCommand::Import(files.iter().map(|f| fixture(f)).collect()).into());
    wait_for_imports(&mut h);
    h.run_steps(2);
    let log: Vec<(String, bool)> = h.state().app.messages.entries().map(|e| (e.text.clone(), e.error)).collect();
    for bad in ["truncated.geojson", "not_json.geojson"] {
        assert!(
            log.iter().any(|(t, error)| *error && t.starts_with("Could not import") && t.contains(bad)),
            "{bad} is in the log: {log:?}"
        );
    }
    assert!(log.iter().any(|(t, _)| t.starts_with("Imported linestring")), "{log:?}");
    // The status bar holds one of them; a click on it opens the log with all three, each with its time.
    let last = h.state().app.status.clone().unwrap().text;
    h.get_by_label(&last).click();
    h.run_steps(3);
    assert!(h.state().ui.windows.messages_open);
    assert!(h.query_by_label_contains("3 messages since the window opened, 2 errors").is_some());
    for (text, _) in &log {
        assert!(h.query_all_by_label(text).count() >= 1, "{text} is shown in the log");
    }
    let time = &h.state().app.messages.entries().next().unwrap().time;
    assert!(time.len() >= 8 && time.as_bytes()[2] == b':', "{time}");
}
#[test]
fn cancelling_the_guards_save_prompt_calls_off_the_quit_and_keeps_the_work() {
    let mut h = quit_with_unsaved_example();
    let edited = h.state().app.plan.clone();
    h.get_by_label("Save as…").click();
    h.run_steps(3);
    h.key_press(egui::Key::Escape);
    h.run_steps(3);
    let app = &h.state().app;
    assert!(h.state().path_prompt().is_none(), "Esc closed the prompt");
    assert!(!app.allow_close && app.pending.is_none() && app.after_save.is_none());
    assert!(app.dirty && app.plan == edited, "the work is still there, unsaved");
    let status = app.status.clone().unwrap();
    assert_eq!(status.text, "Not saved: quitting called off");
    // Quit asks again.
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, FileCommand::Quit.into());
    assert!(h.state().app.pending.is_some());
}

#[test]
fn a_layers_import_warnings_stay_with_the_layer_in_the_layers_panel() {
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, FileCommand::Import(vec![fixture("invalid/latitude_over_90.geojson")]).into());
    wait_for_imports(&mut h);
    // Another message takes the status bar: the warnings are still with the layer.
    h.state_mut().app.info("Something else happened");
    h.run_steps(2);
    let stats = h.state().app.layers[0].stats.clone();
    assert!(stats.skipped > 0, "the fixture has a feature to skip: {stats:?}");
    let reason = stats.reasons[0].clone();
    h.get_by_label_contains("import warning").click();
    h.run_steps(2);
    assert!(h.query_by_label(&format!("• skipped: {reason}")).is_some(), "the reason is shown under the layer");
}
