//! Native file dialogs (rfd): the window answers the app's [`Ask`]s with them. Tests answer with paths instead.

use crate::app::{App, Ask, Command, FileCommand, TileKind, ViewCommand};
use crate::io::export::ExportFormat;
use crate::prefs::BasemapChoice;
use std::path::{Path, PathBuf};

const PLAN_EXT: &[&str] = &["geojson", "json"];

fn dialog_in(dir_of: Option<&Path>) -> rfd::FileDialog {
    let d = rfd::FileDialog::new();
    match dir_of.and_then(|p| p.parent()) {
        Some(dir) if dir.is_dir() => d.set_directory(dir),
        _ => d,
    }
}

pub fn open_plan_path(current: Option<&Path>) -> Option<PathBuf> {
    dialog_in(current).set_title("Open plan").add_filter("borderplan plan (GeoJSON)", PLAN_EXT).pick_file()
}

pub fn save_plan_path(current: Option<&Path>) -> Option<PathBuf> {
    let name = current
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rollout-plan.geojson".into());
    dialog_in(current)
        .set_title("Save plan as")
        .add_filter("borderplan plan (GeoJSON)", PLAN_EXT)
        .set_file_name(name)
        .save_file()
}

pub fn import_paths() -> Vec<PathBuf> {
    rfd::FileDialog::new()
        .set_title("Import layers")
        .add_filter("Vector layers", crate::io::formats::Format::IMPORT_EXTENSIONS)
        .add_filter("All files", &["*"])
        .pick_files()
        .unwrap_or_default()
}

pub fn export_path(format: ExportFormat, current: Option<&Path>) -> Option<PathBuf> {
    let stem = current
        .and_then(|p| p.file_stem())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rollout-plan".into());
    dialog_in(current)
        .set_title(format!("Export plan as {}", format.label()))
        .add_filter(format.label(), &[format.extension()])
        .set_file_name(format!("{stem}-export.{}", format.extension()))
        .save_file()
}

pub fn sheet_path(format: crate::io::export::sheet::SheetFormat, current: Option<&Path>) -> Option<PathBuf> {
    let stem = current
        .and_then(|p| p.file_stem())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rollout-plan".into());
    dialog_in(current)
        .set_title("Export map sheet")
        .add_filter(format.label(), &[format.extension()])
        .set_file_name(format!("{stem}-map.{}", format.extension()))
        .save_file()
}

pub fn tiles_path(kind: TileKind) -> Option<BasemapChoice> {
    match kind {
        TileKind::MbTiles => rfd::FileDialog::new()
            .set_title("Open MBTiles")
            .add_filter("MBTiles", &["mbtiles"])
            .pick_file()
            .map(BasemapChoice::MbTiles),
        TileKind::PmTiles => rfd::FileDialog::new()
            .set_title("Open PMTiles")
            .add_filter("PMTiles", &["pmtiles"])
            .pick_file()
            .map(BasemapChoice::PmTiles),
        TileKind::Folder => {
            rfd::FileDialog::new().set_title("Choose a z/x/y tile folder").pick_folder().map(BasemapChoice::Folder)
        }
    }
}

pub fn elevation_path(folder: bool) -> Option<std::path::PathBuf> {
    if folder {
        rfd::FileDialog::new().set_title("Choose a folder of elevation tiles").pick_folder()
    } else {
        rfd::FileDialog::new()
            .set_title("Load elevation data")
            .add_filter("Elevation data (SRTM .hgt, DTED, GeoTIFF)", &["hgt", "dt0", "dt1", "dt2", "tif", "tiff"])
            .pick_file()
    }
}

/// Runs the dialog for a question of the app and turns the planner's choice into a command (`None`: cancelled).
pub fn answer(ask: Ask, app: &App) -> Option<Command> {
    let current = app.plan_path.as_deref();
    // The desktop's save dialogs (GTK, zenity, the portals) ask before replacing a file: not asked again.
    let confirmed = |c: FileCommand| FileCommand::ReplaceConfirmed(Box::new(c));
    let command = match ask {
        Ask::OpenPlan => FileCommand::OpenPlan(open_plan_path(current)?),
        Ask::SavePlan => confirmed(FileCommand::SaveAs(save_plan_path(current)?)),
        Ask::Import => {
            let files = import_paths();
            if files.is_empty() {
                return None;
            }
            FileCommand::Import(files)
        }
        Ask::Export(format) => confirmed(FileCommand::Export(format, export_path(format, current)?)),
        Ask::MapImage(r) => confirmed(FileCommand::ExportMapImage(sheet_path(r.format, current)?, r)),
        Ask::Tiles(kind) => return tiles_path(kind).map(|c| ViewCommand::SetBasemap(c).into()),
        Ask::Elevation { folder } => FileCommand::LoadDem(elevation_path(folder)?),
    };
    Some(command.into())
}
