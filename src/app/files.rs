//! Files: the unsaved-changes guard, open, save, autosave and crash recovery, imports, the map image.
//!
//! One rule decides when the recovery file goes: [`App::remove_recovery`] deletes it when the work it holds is
//! safe (saved, replaced by another plan on purpose, or discarded), and never while recovery is still on offer.

use super::command::{Ask, GuardAnswer};
use super::imports::{self, ImportJob};
use super::{AUTOSAVE_SECS, App, Pending, now_iso};
use crate::io::atomic::WriteKind;
use crate::io::bundled;
use crate::io::format::count;
use crate::io::layer::Layer;
use crate::io::plan_file;
use crate::io::recovery;
use crate::map::tiles::RasterBasemap;
use crate::prefs::{BasemapChoice, OnlineTiles};
use std::path::{Path, PathBuf};

impl App {
    /// Runs `action` now, or asks first when there are unsaved changes.
    pub(super) fn guarded(&mut self, action: Pending) {
        if self.dirty {
            self.pending = Some(action);
        } else {
            self.run_pending(action);
        }
    }

    /// The planner answered the unsaved-changes question. Save always ends somewhere: the plan's file is
    /// written; a plan with no file but a database origin is pushed there; any other plan asks for a path (the
    /// guard closes first, so the prompt is on top and has the keyboard). The held-back action follows the save
    /// once it succeeded, and is called off with a message when it did not.
    pub(super) fn answer_guard(&mut self, answer: GuardAnswer) {
        let Some(pending) = self.pending.clone() else { return };
        match answer {
            GuardAnswer::Save => match (self.plan_path.clone(), crate::io::db::Origin::of(&self.plan)) {
                (Some(p), _) => {
                    if self.save_to(&p) {
                        self.pending = None;
                        self.run_pending(pending);
                    } else if self.save_conflict.is_some() {
                        // The file changed on disk: that question comes first; the held-back action is dropped.
                        self.pending = None;
                    }
                }
                (None, Some(origin)) => {
                    if let Some(job) = &self.db.job {
                        // The guard stays open: the planner can wait, or answer otherwise.
                        return self.error(format!("Wait for the database: {}", job.progress()));
                    }
                    self.pending = None;
                    self.after_save = Some(pending);
                    self.start_database(super::database::DbTask::Save, &origin.database, &origin.name);
                }
                (None, None) => {
                    self.pending = None;
                    self.after_save = Some(pending);
                    self.asks.push(Ask::SavePlan);
                }
            },
            GuardAnswer::DontSave => {
                self.pending = None;
                self.dirty = false;
                self.run_pending(pending);
            }
            GuardAnswer::Cancel => {
                self.pending = None;
                self.after_save = None;
            }
        }
    }

    /// The save the guard started is done: the held-back action follows, or is called off when the save failed.
    pub(super) fn continue_after_save(&mut self, saved: bool) {
        let Some(pending) = self.after_save.take() else { return };
        if saved {
            self.run_pending(pending);
        } else {
            self.error(format!("The plan was not saved: {} called off", pending.doing()));
        }
    }

    /// The planner cancelled a path question: a Save as… the guard asked for calls off its held-back action.
    pub(super) fn ask_cancelled(&mut self, ask: Ask) {
        if ask == Ask::SavePlan
            && let Some(pending) = self.after_save.take()
        {
            self.info(format!("Not saved: {} called off", pending.doing()));
        }
    }

    /// Carries out an action the guard held back (or that needed no guard).
    fn run_pending(&mut self, action: Pending) {
        match action {
            Pending::New => match bundled::new_plan(&self.base.regions) {
                Ok(plan) => {
                    self.install_plan(plan, None, None);
                    self.rebase_offer = None;
                    self.info("New plan");
                }
                Err(e) => self.error(e.to_string()),
            },
            Pending::Open(Some(p)) => {
                self.open_plan(&p);
            }
            Pending::Open(None) => self.asks.push(Ask::OpenPlan),
            Pending::OpenDatabase(url, name) => self.start_database(super::database::DbTask::Open, &url, &name),
            Pending::Quit => {
                self.remove_recovery();
                self.allow_close = true;
                self.quit_requested = true;
            }
        }
    }

    /// Makes `plan` the window's plan, linked to `path` (as it is on disk: `stamp`) or to no file: a fresh
    /// history and selection, nothing unsaved, no recovery file.
    pub(super) fn install_plan(
        &mut self,
        plan: crate::model::Plan,
        path: Option<std::path::PathBuf>,
        stamp: Option<crate::io::disk::FileStamp>,
    ) {
        self.plan = plan;
        self.plan_path = path;
        self.set_disk_stamp(stamp);
        self.history.clear();
        self.mark_saved();
        self.selection.clear();
        self.plan_changed();
        self.remove_recovery();
    }

    /// Loads a plan file; on failure the current plan stays.
    pub fn open_plan(&mut self, path: &Path) -> bool {
        match plan_file::load_stamped(path) {
            Ok((plan, stamp)) => {
                self.install_plan(plan, Some(path.to_owned()), Some(stamp));
                self.settings.add_recent(path);
                self.needs_fit = true;
                self.info(format!("Opened {}", path.display()));
                self.check_border();
                self.dem_from_plan();
                true
            }
            Err(e) => {
                self.error(format!("Could not open the plan: {e}"));
                false
            }
        }
    }

    /// The plan as it is now is what the file holds (or what a new plan starts with).
    pub(super) fn mark_saved(&mut self) {
        self.saved_plan = Some(self.plan.clone());
        self.saved_state = Some(self.history.state());
        self.dirty = false;
    }

    /// Offers a rebase when the plan was made on another border line than the bundled one.
    fn check_border(&mut self) {
        self.rebase_offer = match bundled::border() {
            Ok(current) if !crate::model::same_line(&self.plan.border, &current) => {
                Some((self.plan.border.length_km(), current.length_km()))
            }
            _ => None,
        };
    }

    /// A new stamp of the plan's file (or none); the changed-on-disk state starts afresh.
    pub(super) fn set_disk_stamp(&mut self, stamp: Option<crate::io::disk::FileStamp>) {
        self.disk_stamp = stamp;
        self.disk_changed = false;
        self.ignored_stamp = None;
        self.save_conflict = None;
        self.merge_review = None;
    }

    /// Saves the plan atomically; on failure says why and keeps the plan dirty. The plan's own file is not
    /// overwritten when it changed on disk since it was opened or saved: the window then asks what to do.
    pub fn save_to(&mut self, path: &Path) -> bool {
        if self.refuse_changed_file(path) {
            return false;
        }
        self.write_plan(path)
    }

    /// Writes the plan to `path` without the changed-on-disk check (Overwrite, or after a merge).
    pub(super) fn write_plan(&mut self, path: &Path) -> bool {
        let before = self.plan.meta.clone();
        // The DEM path is stored relative to where the plan is saved now.
        if let Some(dem) = &self.terrain.path {
            let mut params = crate::model::terrain::TerrainParams::of_plan(&self.plan);
            params.dem = Some(super::terrain::stored_path(dem, Some(path)));
            params.store_in(&mut self.plan);
        }
        self.plan.meta.modified = now_iso();
        if self.plan.meta.created.is_empty() {
            self.plan.meta.created = self.plan.meta.modified.clone();
        }
        match plan_file::save_stamped(&self.plan, path) {
            Ok(stamp) => {
                self.plan_path = Some(path.to_owned());
                self.set_disk_stamp(Some(stamp));
                self.mark_saved();
                self.settings.add_recent(path);
                self.remove_recovery();
                self.info(format!("Saved {}", path.display()));
                true
            }
            Err(e) => {
                self.plan.meta = before;
                self.error(format!("Save failed: {e}"));
                false
            }
        }
    }

    /// Save as…; when the unsaved-changes guard asked for it, the held-back action follows.
    pub(super) fn save_as(&mut self, path: &Path) {
        let saved = self.save_to(path);
        self.continue_after_save(saved);
    }

    /// Deletes the recovery file once the work it holds is safe; keeps it while recovery is still on offer.
    pub(super) fn remove_recovery(&mut self) {
        if self.recovery_offer.is_some() {
            return;
        }
        if let Some(p) = &self.config.recovery_path {
            let _ = std::fs::remove_file(p);
            let _ = std::fs::remove_file(recovery::base_path(p));
        }
    }

    /// Writes the recovery file when there are unsaved changes and the interval has passed.
    pub fn autosave_if_due(&mut self, now_secs: f64) {
        if !self.dirty || now_secs - self.last_autosave < AUTOSAVE_SECS {
            return;
        }
        self.last_autosave = now_secs;
        if let Some(p) = self.config.recovery_path.clone() {
            if let Some(dir) = p.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let info = recovery::RecoveryInfo {
                plan_path: self.plan_path.clone(),
                autosaved_at: now_iso(),
                base_stamp: self.disk_stamp.clone(),
            };
            // The base first: a recovery file never names a base that is not there yet.
            let base = recovery::base_path(&p);
            let base_written = match (&self.plan_path, &self.saved_plan) {
                (Some(_), Some(saved)) => plan_file::save_private(saved, &base),
                _ => {
                    let _ = std::fs::remove_file(&base);
                    Ok(())
                }
            };
            // The record rides in the plan's header for the one write, and is taken out again at once.
            let record = serde_json::to_value(&info).unwrap_or_default();
            self.plan.extra.insert(recovery::MEMBER.into(), record);
            let written = base_written.and_then(|()| plan_file::save_private(&self.plan, &p));
            self.plan.extra.shift_remove(recovery::MEMBER);
            if let Err(e) = written {
                self.error(format!("Autosave failed: {e}"));
            }
        }
    }

    pub(super) fn recover(&mut self) {
        let Some(p) = self.recovery_offer.take() else { return };
        match plan_file::load(&p) {
            Ok(mut plan) => {
                let info: recovery::RecoveryInfo = plan
                    .extra
                    .shift_remove(recovery::MEMBER)
                    .and_then(|v| serde_json::from_value(v).ok())
                    .unwrap_or_default();
                self.plan = plan;
                self.history.clear();
                self.recovery_info = None;
                match info.plan_path {
                    // Linked to its file again: the next save checks that file against the base it started from
                    // (and merges when someone saved it since).
                    Some(path) => {
                        let base = plan_file::load(&recovery::base_path(&p)).ok();
                        self.set_disk_stamp(info.base_stamp.filter(|_| base.is_some()));
                        self.saved_plan = base;
                        self.changed_outside_history();
                        self.plan_path = Some(path.clone());
                        self.info(format!(
                            "Recovered the unsaved changes to {} (autosaved {}). Save checks the file first.",
                            path.display(),
                            info.autosaved_at
                        ));
                    }
                    // A plan never saved: Save asks where, it never overwrites a file.
                    None => {
                        self.plan_path = None;
                        self.set_disk_stamp(None);
                        self.saved_plan = None;
                        self.changed_outside_history();
                        self.info("Recovered the unsaved plan. Save it to keep it.");
                    }
                }
                self.dirty = self.saved_plan.as_ref() != Some(&self.plan) || self.plan_path.is_none();
                self.plan_changed();
                self.check_border();
            }
            Err(e) => {
                // Keep the offer's file: it may still be readable by a newer version.
                self.error(format!("Could not recover {}: {e}", p.display()));
            }
        }
    }

    pub(super) fn discard_recovery(&mut self) {
        self.recovery_info = None;
        if let Some(p) = self.recovery_offer.take() {
            let _ = std::fs::remove_file(recovery::base_path(&p));
            let _ = std::fs::remove_file(p);
        }
    }

    /// Opens a file given on the command line, dropped on the window or picked for import: a plan file opens as
    /// the plan, anything else imports as a layer.
    pub fn open_path(&mut self, ctx: &egui::Context, path: PathBuf) {
        if imports::looks_like_plan(&path) {
            self.guarded(Pending::Open(Some(path)));
        } else if let Some(tables) = Self::tables_to_choose(&path) {
            // A GeoPackage with several feature tables: the planner picks which (File › Import… table chooser).
            if !self.table_choices.iter().any(|c| c.path == path) {
                self.table_choices.push(imports::TableChoice { path, tables });
            }
        } else {
            self.imports.push(ImportJob::start(path, None, ctx.clone()));
        }
    }

    /// The feature tables of a GeoPackage with more than one; `None` for any other file (and for a GeoPackage
    /// whose tables cannot be listed: its import then reports why).
    fn tables_to_choose(path: &Path) -> Option<Vec<crate::io::formats::gpkg::TableInfo>> {
        if crate::io::formats::Format::detect(path) != crate::io::formats::Format::GeoPackage {
            return None;
        }
        crate::io::formats::gpkg::list_tables(path).ok().filter(|t| t.len() > 1)
    }

    /// Imports the chosen tables of a GeoPackage offered by the table chooser (`None`: every table).
    pub(super) fn import_tables(&mut self, ctx: &egui::Context, path: &Path, tables: Option<Vec<String>>) {
        self.table_choices.retain(|c| c.path != path);
        if tables.as_ref().is_some_and(Vec::is_empty) {
            return;
        }
        self.imports.push(ImportJob::start(path.to_path_buf(), tables, ctx.clone()));
    }

    /// Imports a file on the calling thread (tests, and the CLI) through the same code as the dialog: every
    /// feature table of a GeoPackage becomes its own layer.
    pub fn import_now(&mut self, path: &Path) -> bool {
        let options = crate::io::formats::ImportOptions { progress: None, cancel: None };
        match crate::io::formats::import_any(path, &options) {
            Ok(layers) => {
                for layer in layers {
                    self.add_layer(layer);
                }
                true
            }
            Err(e) => {
                self.error(format!("Could not import {}: {e}", path.display()));
                false
            }
        }
    }

    pub fn add_layer(&mut self, mut layer: Layer) {
        layer.style.color = Layer::default_color(self.layers.len());
        let s = &layer.stats;
        let mut msg = format!("Imported {}: {}", layer.name, count(s.features, "feature", "features"));
        if s.skipped > 0 {
            msg.push_str(&format!(", {} skipped ({})", s.skipped, s.reasons.first().cloned().unwrap_or_default()));
        }
        if s.null_geometries > 0 {
            msg.push_str(&format!(", {} without geometry", s.null_geometries));
        }
        for note in &s.notes {
            msg.push_str(&format!("; {note}"));
        }
        for w in &s.warnings {
            msg.push_str(&format!("; {w}"));
        }
        let warn = s.skipped > 0 || !s.warnings.is_empty();
        self.layers.insert(0, layer);
        if warn { self.error(msg) } else { self.info(msg) }
    }

    /// Collects finished background imports.
    pub fn poll_imports(&mut self) {
        let mut finished = Vec::new();
        self.imports.retain_mut(|job| match job.poll() {
            Some(r) => {
                finished.push((job.path.clone(), r));
                false
            }
            None => true,
        });
        for (path, r) in finished {
            match r {
                Ok(layers) => {
                    for layer in layers {
                        self.add_layer(layer);
                    }
                }
                Err(e) => self.error(format!("Could not import {}: {e}", path.display())),
            }
        }
    }

    pub(super) fn set_basemap(&mut self, ctx: &egui::Context, choice: BasemapChoice) {
        if choice == BasemapChoice::OpenStreetMap {
            match self.settings.online_tiles {
                OnlineTiles::Allowed => {}
                OnlineTiles::NotAsked => {
                    // Nothing is fetched until the planner has read the notice and said yes.
                    self.online_tiles_notice = true;
                    return;
                }
                OnlineTiles::Disabled => {
                    self.info("Online tiles are turned off (View › Allow online tile basemaps)");
                    return;
                }
            }
        }
        match RasterBasemap::open(&choice, ctx, self.config.tile_cache.clone()) {
            Ok(r) => {
                self.raster = r;
                self.info(format!("Basemap: {}", choice.label()));
                self.settings.basemap = choice;
            }
            Err(e) => {
                self.error(format!("{e}; keeping the built-in vector basemap"));
                self.raster = None;
                self.settings.basemap = BasemapChoice::Vector;
            }
        }
    }

    /// The box the map shows now [west, south, east, north] (the window's Web Mercator view).
    pub fn view_bbox(&self) -> [f64; 4] {
        use walkers::Projection;
        let zoom = self.map_memory.zoom();
        let center = self.map_memory.detached().unwrap_or_else(|| {
            let b = self.border_bounds();
            walkers::lon_lat((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0)
        });
        let world_px = 256.0 * 2f64.powf(zoom);
        let c = walkers::MercatorProjection.project(center, zoom);
        let (half_w, half_h) = (f64::from(self.map_rect.width()) / 2.0, f64::from(self.map_rect.height()) / 2.0);
        let lon = |x: f64| x / world_px * 360.0 - 180.0;
        let lat = |y: f64| (std::f64::consts::PI * (1.0 - 2.0 * y / world_px)).sinh().atan().to_degrees();
        [lon(c.x() - half_w), lat(c.y() + half_h), lon(c.x() + half_w), lat(c.y() - half_h)]
    }

    /// Draws the map sheet on a worker thread and writes it to `path`; [`App::finish_map_image`] reports it.
    pub(super) fn export_sheet(&mut self, path: PathBuf, request: crate::app::SheetRequest) {
        use crate::io::export::sheet::{self, SheetLayer, SheetOptions};
        if self.sheet_job.is_some() {
            self.error("A map sheet is still being drawn; export again when it is written".to_owned());
            return;
        }
        let mut options = SheetOptions::paper(request.paper, f64::from(request.dpi));
        options.bbox = request.current_view.then(|| self.view_bbox());
        options.plan_name =
            self.plan_path.as_deref().and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
        options.basis = self.export_basis();
        options.layers = self
            .layers
            .iter()
            .filter(|l| l.style.visible)
            .map(|l| SheetLayer { name: l.name.clone(), color: l.style.color, features: l.features.clone() })
            .collect();
        let plan = self.plan.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let target = path.clone();
        let spawned = std::thread::Builder::new().name("map-sheet".into()).spawn(move || {
            let base = crate::io::bundled::base_data().ok();
            let result = sheet::render(&plan, base.as_ref(), &options, request.format)
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    crate::io::atomic::write_atomic(&target, &bytes, WriteKind::Output).map_err(|e| e.to_string())?;
                    Ok(format!(
                        "Saved the map sheet {} ({}, {} × {} px at {} DPI)",
                        target.display(),
                        request.format.label(),
                        options.width_px,
                        options.height_px,
                        request.dpi
                    ))
                });
            let _ = tx.send(result);
        });
        match spawned {
            Ok(_) => {
                self.info(format!("Drawing the map sheet {}…", path.display()));
                self.sheet_job = Some((path, rx));
            }
            Err(e) => self.error(format!("Could not start drawing the map sheet: {e}")),
        }
    }

    /// Reports the map sheet once its worker has written it (or failed).
    pub fn finish_map_image(&mut self, _pixels_per_point: f32) {
        let Some((path, rx)) = &self.sheet_job else { return };
        let result = match rx.try_recv() {
            Ok(r) => r,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Err("the drawing stopped unexpectedly".to_owned()),
        };
        let path = path.clone();
        self.sheet_job = None;
        match result {
            Ok(message) => self.info(message),
            Err(e) => self.error(format!("Could not save the map sheet {}: {e}", path.display())),
        }
    }
}

/// Crops the map area out of a window screenshot and writes it as PNG (atomically).
pub fn save_region_png(
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
    path: &Path,
) -> Result<(), String> {
    let [w, h] = image.size;
    let x0 = ((rect.min.x * pixels_per_point).max(0.0) as usize).min(w);
    let y0 = ((rect.min.y * pixels_per_point).max(0.0) as usize).min(h);
    let x1 = ((rect.max.x * pixels_per_point).max(0.0) as usize).min(w);
    let y1 = ((rect.max.y * pixels_per_point).max(0.0) as usize).min(h);
    if x1 <= x0 || y1 <= y0 {
        return Err("the map area is empty".into());
    }
    let mut img = image::RgbaImage::new((x1 - x0) as u32, (y1 - y0) as u32);
    for y in y0..y1 {
        for x in x0..x1 {
            let c = image.pixels[y * w + x];
            img.put_pixel((x - x0) as u32, (y - y0) as u32, image::Rgba(c.to_srgba_unmultiplied()));
        }
    }
    let mut bytes = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png).map_err(|e| e.to_string())?;
    crate::io::atomic::write_atomic(path, &bytes, WriteKind::Output).map_err(|e| e.to_string())
}
