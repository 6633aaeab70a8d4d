//! Copies of unsaved work (the recovery file, autosaves) are readable by their owner only.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: a panic is a test failure

use borderplan::App;
use borderplan::app::settings::Settings;
use borderplan::app::{AppConfig, Command};
use borderplan::io::atomic::{write_atomic, write_atomic_private};
use borderplan::model::Edit;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_recovery_file_is_written_with_mode_0600() {
    let dir = tempfile::tempdir().unwrap();
    let recovery = dir.path().join("data").join("recovery.geojson");
    let config = AppConfig { recovery_path: Some(recovery.clone()), tile_cache: None, load_example: true };
    let ctx = egui::Context::default();
    let mut app = App::with_settings(Settings::default(), config).unwrap();
    app.apply(&ctx, Command::from(Edit::SplitSegment { km: 12.5 }));
    app.autosave_if_due(1_000.0);
    assert!(recovery.is_file());
    assert_eq!(mode(&recovery), 0o600);
    // A later autosave replaces the file and keeps it private.
    app.apply(&ctx, Command::from(Edit::SplitSegment { km: 30.5 }));
    app.autosave_if_due(2_000.0);
    assert_eq!(mode(&recovery), 0o600);
}

#[test]
fn a_private_write_over_a_world_readable_file_leaves_it_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("autosave.geojson");
    write_atomic(&path, b"old").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    write_atomic_private(&path, b"new").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new");
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn an_ordinary_save_keeps_the_platform_default_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.geojson");
    write_atomic(&path, b"plan").unwrap();
    // Saved plans are shared on purpose; they follow the umask, which never adds write access for others.
    assert_eq!(mode(&path) & 0o002, 0);
    assert_ne!(mode(&path) & 0o600, 0);
}
