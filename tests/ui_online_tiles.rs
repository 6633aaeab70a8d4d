#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The OpenStreetMap basemap tells the planner, once and before any tile is fetched, that the tile server
//! learns the area viewed; online tiles can be turned off for good.

use borderplan::App;
use borderplan::app::{SettingChange, ViewCommand};
use borderplan::prefs::{BasemapChoice, OnlineTiles};
use egui_kittest::kittest::Queryable;

mod common;

#[test]
fn choosing_openstreetmap_shows_the_notice_first_and_fetches_nothing_until_the_planner_agrees() {
    let mut h = common::example_window(4);
    assert_eq!(h.state().app.settings.online_tiles, OnlineTiles::NotAsked);
    h.get_by_label("OpenStreetMap (online)").click();
    h.run_steps(3);
    let app = &h.state().app;
    assert!(app.online_tiles_notice, "the notice is up");
    assert!(app.raster.is_none(), "no tile source is opened before the answer");
    assert_eq!(app.settings.basemap, BasemapChoice::Vector);
    assert!(h.query_by_label("Use OpenStreetMap tiles").is_some());

    h.get_by_label("Stay offline").click();
    h.run_steps(3);
    assert!(!h.state().app.online_tiles_notice && h.state().app.raster.is_none());
    assert_eq!(h.state().app.settings.online_tiles, OnlineTiles::NotAsked, "asked again next time");

    h.get_by_label("OpenStreetMap (online)").click();
    h.run_steps(3);
    h.get_by_label("Never use online tiles").click();
    h.run_steps(3);
    let app = &h.state().app;
    assert_eq!(app.settings.online_tiles, OnlineTiles::Disabled);
    assert!(!app.online_tiles_notice && app.raster.is_none());
    assert_eq!(app.settings.basemap, BasemapChoice::Vector);
}

#[test]
fn with_online_tiles_turned_off_openstreetmap_cannot_be_chosen_until_allowed_again() {
    // As the window does at start (walkers' HTTP client needs a TLS provider); no tile is requested here.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let ctx = egui::Context::default();
    let mut app = App::for_tests().expect("the app starts");
    app.apply(&ctx, ViewCommand::Setting(SettingChange::OnlineTiles(OnlineTiles::Disabled)).into());
    app.apply(&ctx, ViewCommand::SetBasemap(BasemapChoice::OpenStreetMap).into());
    assert!(app.raster.is_none() && !app.online_tiles_notice);
    assert_eq!(app.settings.basemap, BasemapChoice::Vector);

    // Allowed (the View menu switch, or "Use OpenStreetMap tiles"): the basemap opens without asking.
    app.apply(&ctx, ViewCommand::Setting(SettingChange::OnlineTiles(OnlineTiles::Allowed)).into());
    app.apply(&ctx, ViewCommand::SetBasemap(BasemapChoice::OpenStreetMap).into());
    assert!(app.raster.is_some() && !app.online_tiles_notice);
    assert_eq!(app.settings.basemap, BasemapChoice::OpenStreetMap);

    // Turning online tiles off while they are shown goes back to the built-in basemap at once.
    app.apply(&ctx, ViewCommand::Setting(SettingChange::OnlineTiles(OnlineTiles::Disabled)).into());
    assert!(app.raster.is_none());
    assert_eq!(app.settings.basemap, BasemapChoice::Vector);
}

#[test]
fn the_answer_is_kept_in_the_settings_between_runs_and_old_settings_files_mean_not_asked() {
    use borderplan::app::settings::Settings;
    let s = Settings { online_tiles: OnlineTiles::Disabled, ..Settings::default() };
    let text = serde_json::to_string(&s).unwrap();
    assert_eq!(Settings::from_json(&text).online_tiles, OnlineTiles::Disabled);
    let old = r#"{"basemap":"OpenStreetMap","dark":true}"#;
    let loaded = Settings::from_json(old);
    assert!(loaded.dark, "the rest of an old file still loads");
    assert_eq!(loaded.online_tiles, OnlineTiles::NotAsked);
}
