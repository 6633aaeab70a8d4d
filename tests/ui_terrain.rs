#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Elevation data in the window: loading it through the typed-path prompt, line-of-sight coverage landing from
//! the worker thread, the plan remembering the DEM, and the notice when it is gone.

use borderplan::app::{Ask, Command, FileCommand};
use borderplan::io::dem::synth;
use borderplan::model::terrain::TerrainParams;
use borderplan::ui::path_prompt::PathPrompt;
use borderplan::{App, Window};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::time::Duration;

mod common;

fn harness_with(app: App) -> Harness<'static, Window> {
    common::window_harness(app, 3)
}

/// 3″ relief tiles along the example border, in `dir`.
fn write_dem(dir: &std::path::Path) {
    let border = borderplan::io::bundled::border().unwrap();
    synth::write_relief(dir, &synth::tiles_along(border.line(), 0.3), 1201, 2).unwrap();
}

#[test]
fn loading_elevation_data_through_the_typed_path_gives_line_of_sight_coverage_that_the_plan_remembers() {
    let dir = tempfile::tempdir().unwrap();
    let dem_dir = dir.path().join("dem");
    std::fs::create_dir(&dem_dir).unwrap();
    write_dem(&dem_dir);
    let plan_path = dir.path().join("plan.geojson");
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    assert!(h.state_mut().app.save_to(&plan_path));
    let range_covered = h.state().app.derived.coverage_stage3.covered_km;
    assert!(h.state().app.derived.terrain.is_none());

    // File › Load elevation folder… without a native dialog: the typed-path prompt.
    h.state_mut().app.apply(&ctx, Ask::Elevation { folder: true }.into());
    h.run_steps(4);
    assert!(h.query_by_label("Load a folder of elevation tiles").is_some(), "the prompt is shown");
    let mut prompt = PathPrompt::new(Ask::Elevation { folder: true }, &h.state().app);
    prompt.text = dem_dir.display().to_string();
    let command = prompt.command().unwrap();
    assert_eq!(command, Command::File(FileCommand::LoadDem(dem_dir.clone())));
    h.state_mut().app.apply(&ctx, command);
    assert!(h.state().app.terrain.computing, "the work runs off the UI thread");
    assert!(h.state_mut().app.wait_for_terrain(Duration::from_secs(120)), "terrain figures land");
    h.run_steps(2);
    let app = &h.state().app;
    let f = app.derived.terrain.as_ref().expect("coverage comes from the terrain now");
    assert!(f.border_share > 0.99, "the tiles cover the border: {}", f.border_share);
    let terrain_covered = app.derived.coverage_stage3.covered_km;
    assert!(terrain_covered < range_covered, "mountains hide some border: {terrain_covered} vs {range_covered}");
    assert!(
        app.derived.findings.iter().any(|f| f.message.contains("line of sight over")),
        "the coverage-gap findings name the DEM"
    );
    assert_eq!(app.derived.summary.stages["3"].covered_km, terrain_covered);
    assert_eq!(borderplan::ui::terrain_panel::map_label(app).as_deref(), Some("Coverage: line of sight over terrain"));

    // Saved with the plan, relative to it; reopening loads it again.
    assert!(h.state().app.dirty, "the DEM path is a change to the plan");
    assert!(h.state_mut().app.save_to(&plan_path));
    let saved = borderplan::io::plan_file::load(&plan_path).unwrap();
    assert_eq!(TerrainParams::of_plan(&saved).dem.as_deref(), Some("dem"));
    let mut again = App::for_tests().unwrap();
    assert!(again.open_plan(&plan_path));
    assert!(again.terrain.dem.is_some());
    assert!(!again.dirty, "reopening with its DEM is no change");
    assert!(again.wait_for_terrain(Duration::from_secs(120)));
    assert_eq!(again.derived.coverage_stage3.covered_km, terrain_covered);

    // Gone: a clear notice, and the range model.
    std::fs::rename(&dem_dir, dir.path().join("moved")).unwrap();
    let mut h = harness_with(App::for_tests().unwrap());
    assert!(h.state_mut().app.open_plan(&plan_path));
    h.run_steps(4);
    assert!(h.state().app.terrain.dem.is_none());
    assert!(h.state().app.derived.terrain.is_none());
    assert!(h.query_by_label("Elevation data not found").is_some(), "the notice is shown");
    assert_eq!(
        borderplan::ui::terrain_panel::map_label(&h.state().app).as_deref(),
        Some("Coverage: range (no terrain)")
    );
}

#[test]
fn a_corrupt_tile_is_reported_in_the_status_bar_and_the_range_model_stays() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("N37E071.hgt"), vec![0u8; 1000]).unwrap();
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, FileCommand::LoadDem(dir.path().to_owned()).into());
    h.run_steps(2);
    let status = h.state().app.status.clone().unwrap();
    assert!(status.error && status.text.contains("N37E071.hgt"), "{status:?}");
    assert!(h.state().app.terrain.dem.is_none() && !h.state().app.dirty);
}

#[test]
fn exports_from_the_window_carry_the_line_of_sight_gaps_and_name_the_dem() {
    let dir = tempfile::tempdir().unwrap();
    write_dem(dir.path());
    let mut app = App::for_tests().unwrap();
    let ctx = egui::Context::default();
    let range_gaps = app.derived.coverage_stage3.gaps.len();
    assert!(app.load_dem(dir.path()));
    assert!(app.wait_for_terrain(Duration::from_secs(120)));
    let terrain_gaps = app.derived.coverage_stage3.gaps.clone();
    assert_ne!(terrain_gaps.len(), range_gaps, "the relief changes the gaps");
    let out = dir.path().join("plan-export.geojson");
    app.apply(&ctx, FileCommand::Export(borderplan::io::export::ExportFormat::GeoJson, out.clone()).into());
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let gaps: Vec<&serde_json::Value> =
        v["features"].as_array().unwrap().iter().filter(|f| f["properties"]["kind"] == "coverage_gap").collect();
    assert_eq!(gaps.len(), terrain_gaps.len());
    assert!(gaps[0]["properties"]["coverage_model"].as_str().unwrap().contains(&dir.path().display().to_string()));
    let html = dir.path().join("report.html");
    app.apply(&ctx, FileCommand::Export(borderplan::io::export::ExportFormat::Html, html.clone()).into());
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("line of sight (refraction k = 0.13"), "the report names the model");
}

/// The first outpost with exactly one line-of-sight assignment that the relief hides some border from.
fn outpost_with_one_sensor(app: &App) -> (borderplan::model::Target, String) {
    let figures = app.derived.terrain.as_ref().unwrap();
    use borderplan::model::terrain::sensors::{Sight, sight_of};
    for o in &app.plan.outposts {
        let target = borderplan::model::Target::Outpost(o.id.clone());
        let los: Vec<String> = app
            .plan
            .assignments_for(&target)
            .filter(|a| {
                app.plan
                    .catalog
                    .get(&a.equipment_id)
                    .is_some_and(|t| matches!(sight_of(t, a), Sight::FromHeight { .. }))
            })
            .map(|a| a.id.clone())
            .collect();
        if let [id] = los.as_slice()
            && figures.seen_by_assignment_id(id).is_some_and(|(seen, within)| seen < within - 0.5)
        {
            return (target, id.clone());
        }
    }
    panic!("the example plan has an outpost with one surveillance assignment");
}

fn seen_label(h: &Harness<'static, Window>, id: &str) -> String {
    use egui_kittest::kittest::NodeT;
    let wanted = format!("({id}): sees");
    let node = h.get_by_label_contains(&wanted);
    node.value().or_else(|| node.accesskit_node().label()).unwrap_or_default()
}

#[test]
fn changing_the_mast_height_in_the_window_is_an_undoable_edit_that_the_terrain_thread_recomputes() {
    use borderplan::app::selection::SelectMode;
    use borderplan::model::terrain::sensors::MAST_OVERRIDE;
    let dir = tempfile::tempdir().unwrap();
    write_dem(dir.path());
    let mut app = App::for_tests().unwrap();
    assert!(app.load_dem(dir.path()));
    assert!(app.wait_for_terrain(Duration::from_secs(120)));
    app.dirty = false;
    let (target, id) = outpost_with_one_sensor(&app);
    let (seen_before, within) = app.derived.terrain.as_ref().unwrap().seen_by_assignment_id(&id).unwrap();
    assert!(seen_before < within, "the relief hides part of what the mast could see: {seen_before} of {within}");
    let mut h = harness_with(app);
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, Command::select(vec![target], SelectMode::Replace));
    h.run_steps(3);
    let before_text = seen_label(&h, &id);
    assert!(before_text.contains(&format!("sees {seen_before:.1} of {within:.1} km")), "“{before_text}”");

    // A negative height is refused in the window and changes nothing.
    h.get_by_label(&format!("Mast height of {id}")).set_text_value_accesskit("-5");
    h.run_steps(2);
    h.get_by_label("Apply").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("must be 0 m or more").is_some(), "the error is shown");
    assert!(h.state().app.plan.assignment(&id).unwrap().extra.get(MAST_OVERRIDE).is_none());
    assert!(!h.state().app.dirty);

    // 80 m: stored on the assignment, unsaved, recomputed off the UI thread.
    h.get_by_label(&format!("Mast height of {id}")).set_text_value_accesskit("80");
    h.run_steps(2);
    h.get_by_label("Apply").click();
    h.run_steps(2);
    assert_eq!(h.state().app.plan.assignment(&id).unwrap().extra.get(MAST_OVERRIDE), Some(&serde_json::json!(80.0)));
    assert!(h.state().app.dirty, "the edit marks the plan unsaved");
    assert!(h.state_mut().app.wait_for_terrain(Duration::from_secs(120)));
    h.run_steps(2);
    let (seen_high, within_high) = h.state().app.derived.terrain.as_ref().unwrap().seen_by_assignment_id(&id).unwrap();
    assert!(seen_high > seen_before, "a higher mast sees more: {seen_high} vs {seen_before}");
    assert!(seen_label(&h, &id).contains(&format!("sees {seen_high:.1} of {within_high:.1} km")));

    // Undo gives back the catalog's height and its figure.
    h.state_mut().app.apply(&ctx, borderplan::app::PlanCommand::Undo.into());
    assert!(h.state().app.plan.assignment(&id).unwrap().extra.get(MAST_OVERRIDE).is_none());
    assert!(h.state_mut().app.wait_for_terrain(Duration::from_secs(120)));
    h.run_steps(2);
    assert_eq!(seen_label(&h, &id), before_text);
    assert!(h.query_by_label("Reset to catalog default").is_some());
}

#[test]
fn the_plan_wide_target_height_and_refraction_are_validated_undoable_edits() {
    use borderplan::app::settings::RightTab;
    use borderplan::app::{SettingChange, ViewCommand};
    let mut h = harness_with(App::for_tests().unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().app.apply(&ctx, ViewCommand::Setting(SettingChange::RightTab(RightTab::Summary)).into());
    h.run_steps(3);
    assert_eq!(h.get_by_label("Refraction coefficient k").value().as_deref(), Some("0.13"));
    h.get_by_label("Refraction coefficient k").set_text_value_accesskit("1.5");
    h.run_steps(2);
    h.get_by_label("Apply settings").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Refraction k = 1.5: it must lie between 0").is_some());
    assert_eq!(TerrainParams::of_plan(&h.state().app.plan), TerrainParams::default());

    h.get_by_label("Refraction coefficient k").set_text_value_accesskit("0.25");
    h.get_by_label("Target height in metres").set_text_value_accesskit("4");
    h.run_steps(2);
    h.get_by_label("Apply settings").click();
    h.run_steps(2);
    let p = TerrainParams::of_plan(&h.state().app.plan);
    assert_eq!((p.refraction_k, p.target_height_m), (0.25, 4.0));
    assert!(h.state().app.dirty);
    h.state_mut().app.apply(&ctx, borderplan::app::PlanCommand::Undo.into());
    assert_eq!(TerrainParams::of_plan(&h.state().app.plan), TerrainParams::default());
    assert!(h.state().app.plan.extra.get(borderplan::model::terrain::PLAN_MEMBER).is_none(), "back to no member");
    assert!(!h.state().app.dirty, "undo is back to the file");
}
