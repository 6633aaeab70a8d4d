//! The application state and the one place that changes the plan: panels and the map return [`Command`]s,
//! [`App::apply`] carries them out and records undo.

pub mod derived;
pub mod imports;
pub mod selection;
pub mod settings;

use crate::io::bundled::{self, BaseData};
use crate::io::export::ExportFormat;
use crate::io::layer::Layer;
use crate::io::plan_file;
use crate::map::basemap::BaseGeometry;
use crate::map::fit;
use crate::map::tiles::{BasemapChoice, RasterBasemap};
use crate::model::{Edit, History, Plan, Quarter, Target};
use derived::Derived;
use imports::ImportJob;
use selection::{SelectMode, Selection};
use settings::Settings;
use std::path::{Path, PathBuf};
use walkers::MapMemory;

/// Something the user asked for. Panels and the map produce these; [`App::apply`] performs them.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Edit(Edit),
    Undo,
    Redo,
    Select(Vec<Target>, SelectMode),
    ClearSelection,
    SelectKmRange { from_km: f64, to_km: f64 },
    ZoomToBorder,
    ZoomToSelection,
    ZoomToKm { from_km: f64, to_km: f64 },
    ZoomToBounds([f64; 4]),
    ZoomToLayer(usize),
    ZoomIn,
    ZoomOut,
    Pan { dx_px: f32, dy_px: f32 },
    NewPlan,
    OpenPlanDialog,
    OpenPlan(PathBuf),
    Save,
    SaveAsDialog,
    SaveAs(PathBuf),
    ImportDialog,
    Import(Vec<PathBuf>),
    ExportDialog(ExportFormat),
    Export(ExportFormat, PathBuf),
    ExportMapImageDialog,
    ExportMapImage(PathBuf),
    SetBasemap(BasemapChoice),
    OpenTilesDialog(TileKind),
    RemoveLayer(usize),
    MoveLayer { index: usize, up: bool },
    UseLayerAsOutposts { layer: usize, name_property: String },
    UseLayerAsBorder { layer: usize },
    SelectLayerFeature(Option<(usize, usize)>),
    Recover,
    DiscardRecovery,
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileKind {
    MbTiles,
    PmTiles,
    Folder,
}

/// Actions held back by the unsaved-changes guard.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    New,
    Open(Option<PathBuf>),
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tool {
    #[default]
    Select,
    Measure,
}

/// Where files go outside the plan; tests point these at temp folders.
#[derive(Debug, Clone, Default)]
pub struct AppConfig {
    /// Autosave target for crash recovery; `None` disables autosave.
    pub recovery_path: Option<PathBuf>,
    /// Disk cache for online tiles.
    pub tile_cache: Option<PathBuf>,
    /// Start with the example plan when there is nothing else to open.
    pub load_example: bool,
}

impl AppConfig {
    /// The per-user folders of the platform.
    pub fn for_user() -> Self {
        let dirs = directories::ProjectDirs::from("org", "borderplan", "borderplan");
        Self {
            recovery_path: dirs.as_ref().map(|d| d.data_dir().join("recovery.borderplan.geojson")),
            tile_cache: dirs.as_ref().map(|d| d.cache_dir().join("tiles")),
            load_example: true,
        }
    }
}

/// A message in the status bar.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusMessage {
    pub text: String,
    pub error: bool,
}

/// Seconds between autosaves of unsaved changes.
pub const AUTOSAVE_SECS: f64 = 60.0;

pub struct App {
    pub plan: Plan,
    pub history: History,
    /// Bumped on every change to the plan; derived data follows it.
    pub generation: u64,
    pub derived: Derived,
    pub base: BaseData,
    pub base_geometry: BaseGeometry,
    pub layers: Vec<Layer>,
    /// Pictures of big layers, reused while the view does not change (runtime only).
    pub layer_rasters: Vec<crate::map::raster_layer::RasterCache>,
    pub selection: Selection,
    pub layer_pick: Option<(usize, usize)>,
    pub settings: Settings,
    pub map_memory: MapMemory,
    pub plan_path: Option<PathBuf>,
    pub dirty: bool,
    pub status: Option<StatusMessage>,
    pub tool: Tool,
    pub measure: Vec<geo::Point<f64>>,
    pub hover: Option<Target>,
    pub cursor: Option<geo::Point<f64>>,
    /// Timeline quarter: the map shows what is delivered by then.
    pub timeline: Option<Quarter>,
    pub playing: bool,
    pub play_clock: f64,
    pub raster: Option<RasterBasemap>,
    pub pending: Option<Pending>,
    pub recovery_offer: Option<PathBuf>,
    pub imports: Vec<ImportJob>,
    pub config: AppConfig,
    pub ui: crate::ui::UiState,
    pub needs_fit: bool,
    pub map_rect: egui::Rect,
    pub last_autosave: f64,
    pub screenshot_to: Option<PathBuf>,
    /// Filled by the screenshot callback.
    pub screenshot: std::sync::Arc<std::sync::Mutex<Option<std::sync::Arc<egui::ColorImage>>>>,
    pub allow_close: bool,
    pub quit_requested: bool,
    /// Frames shown so far (the first one logs the start-up time).
    pub frames: u64,
}

impl App {
    /// A new app with the given plan (or the example plan / a new plan) and settings.
    pub fn with_settings(settings: Settings, config: AppConfig) -> anyhow::Result<Self> {
        let base = bundled::base_data()?;
        let plan = if config.load_example { bundled::example_plan()? } else { bundled::new_plan(&base.regions)? };
        let base_geometry = BaseGeometry::build(&base);
        let derived = Derived::build(&plan, 0);
        let mut map_memory = MapMemory::default();
        let needs_fit = match settings.view {
            Some(v) => {
                map_memory.center_at(walkers::lon_lat(v.lon, v.lat));
                let _ = map_memory.set_zoom(v.zoom);
                false
            }
            None => true,
        };
        let recovery_offer = config.recovery_path.clone().filter(|p| p.is_file());
        Ok(Self {
            plan,
            history: History::new(200),
            generation: 0,
            derived,
            base,
            base_geometry,
            layers: Vec::new(),
            layer_rasters: Vec::new(),
            selection: Selection::default(),
            layer_pick: None,
            settings,
            map_memory,
            plan_path: None,
            dirty: false,
            status: None,
            tool: Tool::Select,
            measure: Vec::new(),
            hover: None,
            cursor: None,
            timeline: None,
            playing: false,
            play_clock: 0.0,
            raster: None,
            pending: None,
            recovery_offer,
            imports: Vec::new(),
            config,
            ui: crate::ui::UiState::default(),
            needs_fit,
            map_rect: egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1000.0, 700.0)),
            last_autosave: 0.0,
            screenshot_to: None,
            screenshot: Default::default(),
            allow_close: false,
            quit_requested: false,
            frames: 0,
        })
    }

    /// A headless app for tests: example plan, default settings, no recovery file.
    pub fn for_tests() -> anyhow::Result<Self> {
        Self::with_settings(
            Settings::default(),
            AppConfig { recovery_path: None, tile_cache: None, load_example: true },
        )
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(StatusMessage { text: text.into(), error: false });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        log::warn!("{text}");
        self.status = Some(StatusMessage { text, error: true });
    }

    /// Call after anything replaced or changed `plan`.
    pub fn plan_changed(&mut self) {
        self.generation += 1;
        self.derived = Derived::build(&self.plan, self.generation);
        self.selection.retain_existing(&self.plan);
        if self.hover.as_ref().is_some_and(|h| !self.plan.target_exists(h)) {
            self.hover = None;
        }
    }

    fn edited(&mut self) {
        self.dirty = true;
        self.plan_changed();
    }

    pub fn title(&self) -> String {
        let name = self.plan_path.as_ref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
        format!(
            "{}{} — borderplan — Tajik–Afghan border",
            if self.dirty { "● " } else { "" },
            name.unwrap_or_else(|| self.plan.meta.title.clone())
        )
    }

    /// Bounds [w, s, e, n] of the selected targets.
    pub fn selection_bounds(&self) -> Option<[f64; 4]> {
        let mut b: Option<[f64; 4]> = None;
        let mut add = |x: f64, y: f64| {
            b = Some(match b {
                None => [x, y, x, y],
                Some([w, s, e, n]) => [w.min(x), s.min(y), e.max(x), n.max(y)],
            });
        };
        for t in self.selection.iter() {
            match t {
                Target::Outpost(id) => {
                    if let Some(o) = self.plan.outpost(id) {
                        add(o.position.x(), o.position.y());
                    }
                }
                Target::Segment(id) => {
                    if let Some(s) = self.plan.segments.get(id) {
                        for c in &self.plan.border.substring(s.from_km, s.to_km).0 {
                            add(c.x, c.y);
                        }
                    }
                }
            }
        }
        b
    }

    pub fn border_bounds(&self) -> [f64; 4] {
        let r = self.plan.border.bounds();
        [r.min().x, r.min().y, r.max().x, r.max().y]
    }

    fn frame_bounds(&mut self, b: [f64; 4]) {
        fit::frame(&mut self.map_memory, b, self.map_rect.size(), 11.0);
    }

    /// Carries out a command. Errors go to the status bar; nothing here panics.
    pub fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::Edit(edit) => match self.history.apply_coalescing(&mut self.plan, edit) {
                Ok(()) => {
                    let label = self.history.undo_label().unwrap_or("edit").to_owned();
                    self.edited();
                    self.info(format!("{label} (Ctrl+Z to undo)"));
                }
                Err(e) => self.error(e.to_string()),
            },
            Command::Undo => match self.history.undo(&mut self.plan) {
                Some(label) => {
                    self.edited();
                    self.info(format!("Undid: {label}"));
                }
                None => self.info("Nothing to undo"),
            },
            Command::Redo => match self.history.redo(&mut self.plan) {
                Some(label) => {
                    self.edited();
                    self.info(format!("Redid: {label}"));
                }
                None => self.info("Nothing to redo"),
            },
            Command::Select(targets, mode) => {
                self.selection.apply(targets, mode);
                self.layer_pick = None;
            }
            Command::ClearSelection => {
                self.selection.clear();
                self.layer_pick = None;
            }
            Command::SelectKmRange { from_km, to_km } => {
                let t = Selection::targets_in_km_range(&self.plan, from_km, to_km);
                let n = t.len();
                self.selection.apply(t, SelectMode::Replace);
                self.info(format!("Selected {n} segment(s) and outpost(s) between km {from_km:.1} and km {to_km:.1}"));
            }
            Command::ZoomToBorder => {
                let b = self.border_bounds();
                self.frame_bounds(b);
            }
            Command::ZoomToSelection => match self.selection_bounds() {
                Some(b) => self.frame_bounds(b),
                None => self.info("Nothing selected to zoom to"),
            },
            Command::ZoomToKm { from_km, to_km } => {
                let line = self.plan.border.substring(from_km, to_km);
                let r = geo::BoundingRect::bounding_rect(&line);
                if let Some(r) = r {
                    self.frame_bounds([r.min().x, r.min().y, r.max().x, r.max().y]);
                }
            }
            Command::ZoomToBounds(b) => self.frame_bounds(b),
            Command::ZoomToLayer(i) => match self.layers.get(i).and_then(|l| l.stats.bbox) {
                Some(b) => self.frame_bounds(b),
                None => self.info("This layer has no features to zoom to"),
            },
            Command::ZoomIn => {
                let _ = self.map_memory.zoom_in();
            }
            Command::ZoomOut => {
                let _ = self.map_memory.zoom_out();
            }
            Command::Pan { dx_px, dy_px } => self.pan(dx_px, dy_px),
            Command::NewPlan => self.guarded(Pending::New),
            Command::OpenPlanDialog => self.guarded(Pending::Open(None)),
            Command::OpenPlan(p) => self.guarded(Pending::Open(Some(p))),
            Command::Save => match self.plan_path.clone() {
                Some(p) => {
                    self.save_to(&p);
                }
                None => self.apply(ctx, Command::SaveAsDialog),
            },
            Command::SaveAsDialog => {
                if let Some(p) = crate::ui::dialogs::save_plan_path(self.plan_path.as_deref()) {
                    self.save_to(&p);
                }
            }
            Command::SaveAs(p) => {
                self.save_to(&p);
            }
            Command::ImportDialog => {
                let files = crate::ui::dialogs::import_paths();
                if !files.is_empty() {
                    self.apply(ctx, Command::Import(files));
                }
            }
            Command::Import(paths) => {
                for p in paths {
                    self.open_path(ctx, p);
                }
            }
            Command::ExportDialog(format) => {
                if let Some(p) = crate::ui::dialogs::export_path(format, self.plan_path.as_deref()) {
                    self.apply(ctx, Command::Export(format, p));
                }
            }
            Command::Export(format, path) => match crate::io::export::export_to_file(&self.plan, format, &path) {
                Ok(()) => self.info(format!("Exported {} to {}", format.label(), path.display())),
                Err(e) => self.error(format!("Export failed: {e}")),
            },
            Command::ExportMapImageDialog => {
                if let Some(p) = crate::ui::dialogs::png_path() {
                    self.apply(ctx, Command::ExportMapImage(p));
                }
            }
            Command::ExportMapImage(p) => {
                self.screenshot_to = Some(p);
                let slot = self.screenshot.clone();
                let repaint = ctx.clone();
                ctx.request_screenshot(move |image| {
                    if let Ok(mut s) = slot.lock() {
                        *s = Some(image);
                    }
                    repaint.request_repaint();
                });
            }
            Command::SetBasemap(choice) => self.set_basemap(ctx, choice),
            Command::OpenTilesDialog(kind) => {
                if let Some(choice) = crate::ui::dialogs::tiles_path(kind) {
                    self.set_basemap(ctx, choice);
                }
            }
            Command::RemoveLayer(i) => {
                if i < self.layers.len() {
                    let l = self.layers.remove(i);
                    self.layer_pick = None;
                    self.info(format!("Removed layer {}", l.name));
                }
            }
            Command::MoveLayer { index, up } => {
                let j = if up { index.checked_sub(1) } else { Some(index + 1) };
                if let Some(j) = j.filter(|j| *j < self.layers.len()) {
                    self.layers.swap(index, j);
                    self.layer_pick = None;
                }
            }
            Command::UseLayerAsOutposts { layer, name_property } => {
                match self.layers.get(layer).map(|l| imports::outposts_from_layer(l, &name_property)) {
                    Some(Ok(outposts)) => self.apply(ctx, Command::Edit(Edit::ReplaceOutposts(outposts))),
                    Some(Err(e)) => self.error(e),
                    None => {}
                }
            }
            Command::UseLayerAsBorder { layer } => match self.layers.get(layer).map(imports::border_from_layer) {
                Some(Ok(line)) => self.apply(ctx, Command::Edit(Edit::ReplaceBorder(line))),
                Some(Err(e)) => self.error(e),
                None => {}
            },
            Command::SelectLayerFeature(pick) => {
                self.layer_pick = pick;
            }
            Command::Recover => {
                if let Some(p) = self.recovery_offer.take() {
                    match plan_file::load(&p) {
                        Ok(plan) => {
                            self.plan = plan;
                            // The recovered plan is unsaved work: Save asks where, it never overwrites a file.
                            self.plan_path = None;
                            self.history.clear();
                            self.dirty = true;
                            self.plan_changed();
                            self.info("Recovered the unsaved plan. Save it to keep it.");
                        }
                        Err(e) => self.error(format!("Could not recover: {e}")),
                    }
                }
            }
            Command::DiscardRecovery => {
                if let Some(p) = self.recovery_offer.take() {
                    let _ = std::fs::remove_file(p);
                }
            }
            Command::Quit => self.guarded(Pending::Quit),
        }
    }

    fn pan(&mut self, dx_px: f32, dy_px: f32) {
        let zoom = self.map_memory.zoom();
        let center = self.map_memory.detached().unwrap_or_else(|| {
            let b = self.border_bounds();
            walkers::lon_lat((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0)
        });
        let proj = walkers::MercatorProjection;
        let p = walkers::Projection::project(&proj, center, zoom);
        let moved = walkers::Pixels::new(p.x() + f64::from(dx_px), p.y() + f64::from(dy_px));
        self.map_memory.center_at(walkers::Projection::unproject(&proj, moved, zoom));
    }

    fn set_basemap(&mut self, ctx: &egui::Context, choice: BasemapChoice) {
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

    /// Runs `action` now, or asks first when there are unsaved changes.
    fn guarded(&mut self, action: Pending) {
        if self.dirty {
            self.pending = Some(action);
        } else {
            self.run_pending(action);
        }
    }

    /// Carries out an action the guard held back (after Save or Don't save).
    pub fn run_pending(&mut self, action: Pending) {
        match action {
            Pending::New => match bundled::new_plan(&self.base.regions) {
                Ok(plan) => {
                    self.plan = plan;
                    self.plan_path = None;
                    self.history.clear();
                    self.dirty = false;
                    self.selection.clear();
                    self.plan_changed();
                    self.remove_recovery();
                    self.info("New plan");
                }
                Err(e) => self.error(e.to_string()),
            },
            Pending::Open(path) => {
                let path = path.or_else(|| crate::ui::dialogs::open_plan_path(self.plan_path.as_deref()));
                if let Some(p) = path {
                    self.open_plan(&p);
                }
            }
            Pending::Quit => {
                self.allow_close = true;
                self.quit_requested = true;
            }
        }
    }

    /// Loads a plan file; on failure the current plan stays.
    pub fn open_plan(&mut self, path: &Path) -> bool {
        match plan_file::load(path) {
            Ok(plan) => {
                self.plan = plan;
                self.plan_path = Some(path.to_owned());
                self.history.clear();
                self.dirty = false;
                self.selection.clear();
                self.plan_changed();
                self.settings.add_recent(path);
                self.remove_recovery();
                self.needs_fit = true;
                self.info(format!("Opened {}", path.display()));
                true
            }
            Err(e) => {
                self.error(format!("Could not open the plan: {e}"));
                false
            }
        }
    }

    /// Saves the plan atomically; on failure says why and keeps the plan dirty.
    pub fn save_to(&mut self, path: &Path) -> bool {
        self.plan.meta.modified = now_iso();
        if self.plan.meta.created.is_empty() {
            self.plan.meta.created = self.plan.meta.modified.clone();
        }
        match plan_file::save(&self.plan, path) {
            Ok(()) => {
                self.plan_path = Some(path.to_owned());
                self.dirty = false;
                self.settings.add_recent(path);
                self.remove_recovery();
                self.info(format!("Saved {}", path.display()));
                true
            }
            Err(e) => {
                self.error(format!("Save failed: {e}"));
                false
            }
        }
    }

    fn remove_recovery(&mut self) {
        // While recovery is still on offer the file is the only copy of that work: keep it.
        if self.recovery_offer.is_some() {
            return;
        }
        if let Some(p) = &self.config.recovery_path {
            let _ = std::fs::remove_file(p);
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
            if let Err(e) = plan_file::save(&self.plan, &p) {
                self.error(format!("Autosave failed: {e}"));
            }
        }
    }

    /// Opens a file given on the command line, dropped on the window or picked for import: a plan file opens as
    /// the plan, anything else imports as a layer.
    pub fn open_path(&mut self, ctx: &egui::Context, path: PathBuf) {
        if imports::looks_like_plan(&path) {
            self.guarded(Pending::Open(Some(path)));
        } else {
            self.imports.push(ImportJob::start(path, ctx.clone()));
        }
    }

    /// Imports a GeoJSON file on the calling thread (tests, and the CLI) through the same code as the dialog.
    pub fn import_now(&mut self, path: &Path) -> bool {
        match crate::io::geojson_import::import_file(
            path,
            &crate::io::geojson_import::ImportOptions { progress: None, cancel: None },
        ) {
            Ok(layer) => {
                self.add_layer(layer);
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
        let mut msg = format!("Imported {}: {} feature(s)", layer.name, s.features);
        if s.skipped > 0 {
            msg.push_str(&format!(", {} skipped ({})", s.skipped, s.reasons.first().cloned().unwrap_or_default()));
        }
        if s.null_geometries > 0 {
            msg.push_str(&format!(", {} without geometry", s.null_geometries));
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
                Ok(layer) => self.add_layer(layer),
                Err(e) => self.error(format!("Could not import {}: {e}", path.display())),
            }
        }
    }
}

static PROCESS_START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Records when the process started, for the start-up time logged at the first frame.
pub fn mark_process_start() {
    let _ = PROCESS_START.set(std::time::Instant::now());
}

/// Milliseconds since [`mark_process_start`], if it was called.
pub fn ms_since_start() -> Option<f64> {
    PROCESS_START.get().map(|t| t.elapsed().as_secs_f64() * 1000.0)
}

/// Current UTC time as ISO 8601.
pub fn now_iso() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

impl App {
    /// Where a lon/lat point is drawn in the window now (the same projection the map uses); for tests and tools.
    pub fn screen_pos(&self, lon: f64, lat: f64) -> egui::Pos2 {
        use walkers::Projection;
        let zoom = self.map_memory.zoom();
        let center = self.map_memory.detached().unwrap_or_else(|| {
            let b = self.border_bounds();
            walkers::lon_lat((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0)
        });
        let proj = walkers::MercatorProjection;
        let p = proj.project(walkers::lon_lat(lon, lat), zoom);
        let c = proj.project(center, zoom);
        self.map_rect.center() + egui::vec2((p.x() - c.x()) as f32, (p.y() - c.y()) as f32)
    }
}
