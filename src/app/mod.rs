//! The application state and the one place that changes the plan: panels and the map return [`Command`]s,
//! [`App::apply`] carries them out and records undo.

mod apply;
pub mod collab;
pub mod command;
pub mod database;
pub mod derived;
mod files;
pub mod imports;
pub mod messages;
pub mod selection;
pub mod settings;
pub mod terrain;
pub mod writes;

pub use command::{
    Ask, Command, DiskAnswer, FileCommand, GuardAnswer, LayerCommand, Pending, PlanCommand, SelectCommand,
    SettingChange, SheetRequest, TileKind, Tool, ViewCommand,
};
pub use files::save_region_png;

use crate::io::bundled::{self, BaseData};
use crate::io::layer::Layer;
use crate::map::basemap::BaseGeometry;
use crate::map::fit;
use crate::map::tiles::RasterBasemap;
use crate::model::{History, Plan, Quarter, Target};
use derived::{Derived, RowEdit};
use imports::{ImportJob, TableChoice};
use selection::Selection;
use settings::Settings;
use std::path::PathBuf;
use walkers::MapMemory;

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
    pub selection: Selection,
    /// The picked feature of an imported layer: (layer id, feature index). By id, so that importing, removing or
    /// moving layers does not move the pick to another layer.
    pub layer_pick: Option<(crate::io::layer::LayerId, usize)>,
    /// A border km the planner searched for, pinned on the map until the selection is cleared.
    pub km_marker: Option<f64>,
    /// A place or position the planner searched for (position, label), pinned until the selection is cleared.
    pub place_marker: Option<(geo::Point<f64>, String)>,
    pub settings: Settings,
    pub map_memory: MapMemory,
    pub plan_path: Option<PathBuf>,
    pub dirty: bool,
    /// The plan as last opened or saved: undoing back to it makes the plan clean again, and it is the base of a
    /// three-way merge with the file.
    saved_plan: Option<Plan>,
    /// The history state `saved_plan` was taken at, while nothing changed the plan outside the history since:
    /// then "unsaved?" is one comparison, not a comparison of two 50,000-row plans after every edit.
    saved_state: Option<u64>,
    /// The one assignment the last edit changed in place (its position and its value before), for derived
    /// values that can keep their result when an edit leaves what they depend on alone.
    pub last_row_edit: Option<RowEdit>,
    pending_row_edit: Option<(usize, crate::model::Assignment)>,
    /// The plan file as last opened or saved (size, time, hash): a save checks it has not changed since.
    pub disk_stamp: Option<crate::io::disk::FileStamp>,
    /// The plan file changed on disk since (the window shows a banner).
    pub disk_changed: bool,
    /// The file as it was when the banner was dismissed (not shown again for that version).
    ignored_stamp: Option<crate::io::disk::FileStamp>,
    /// A save was refused because the file changed on disk (or Save as… found another plan there): the window
    /// asks what to do.
    pub save_conflict: Option<PathBuf>,
    /// A write waiting for "replace the existing file?" (see [`writes`]).
    pub replace_question: Option<writes::ReplaceQuestion>,
    /// A merge waiting for the planner's answers to its conflicts.
    pub merge_review: Option<collab::MergeReview>,
    last_disk_check: f64,
    was_focused: bool,
    pub status: Option<StatusMessage>,
    /// Every message since the window opened, with its time (View › Messages).
    pub messages: messages::MessageLog,
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
    /// The plan's border differs from the bundled one: (plan's length km, bundled length km).
    pub rebase_offer: Option<(f64, f64)>,
    /// OpenStreetMap was chosen but online tiles were never allowed: the window shows the privacy notice.
    pub online_tiles_notice: bool,
    /// What the last rebase moved, one line each (shown until closed).
    pub rebase_report: Option<Vec<String>>,
    pub recovery_offer: Option<PathBuf>,
    /// What the offered recovery file says about itself (its plan file, when it was written).
    pub recovery_info: Option<crate::io::recovery::RecoveryInfo>,
    pub imports: Vec<ImportJob>,
    /// GeoPackages with several feature tables waiting for the planner to choose which to import, oldest first.
    pub table_choices: Vec<TableChoice>,
    pub config: AppConfig,
    /// Paths to ask the planner for, left by commands for the window (see [`App::take_asks`]).
    asks: Vec<Ask>,
    /// The unsaved-changes guard's Save is under way (a path being asked for, or a push to the database): the
    /// action it held back follows a successful save, and is called off (with a message) otherwise.
    pub after_save: Option<Pending>,
    pub needs_fit: bool,
    pub map_rect: egui::Rect,
    pub last_autosave: f64,
    /// The map sheet being drawn on a worker thread: its path, and the message it reports when done.
    pub sheet_job: Option<(PathBuf, std::sync::mpsc::Receiver<Result<String, String>>)>,
    pub allow_close: bool,
    pub quit_requested: bool,
    /// Frames shown so far (the first one logs the start-up time).
    pub frames: u64,
    /// Elevation data and the line-of-sight coverage computed from it.
    pub terrain: terrain::TerrainState,
    /// The border km hovered in the elevation profile: the map marks it.
    pub profile_km: Option<f64>,
    /// The shared-database job under way and how the last one ended.
    pub db: database::DbState,
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
        let mut app = Self {
            plan,
            history: History::new(200),
            generation: 0,
            derived,
            base,
            base_geometry,
            layers: Vec::new(),
            selection: Selection::default(),
            layer_pick: None,
            km_marker: None,
            place_marker: None,
            settings,
            map_memory,
            plan_path: None,
            dirty: false,
            saved_plan: None,
            saved_state: None,
            last_row_edit: None,
            pending_row_edit: None,
            disk_stamp: None,
            disk_changed: false,
            ignored_stamp: None,
            save_conflict: None,
            replace_question: None,
            merge_review: None,
            last_disk_check: 0.0,
            was_focused: true,
            status: None,
            messages: messages::MessageLog::default(),
            tool: Tool::Select,
            measure: Vec::new(),
            hover: None,
            cursor: None,
            timeline: None,
            playing: false,
            play_clock: 0.0,
            raster: None,
            pending: None,
            rebase_offer: None,
            online_tiles_notice: false,
            rebase_report: None,
            recovery_info: recovery_offer.as_deref().and_then(crate::io::recovery::read_info),
            recovery_offer,
            imports: Vec::new(),
            table_choices: Vec::new(),
            config,
            asks: Vec::new(),
            after_save: None,
            needs_fit,
            map_rect: egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1000.0, 700.0)),
            last_autosave: 0.0,
            sheet_job: None,
            allow_close: false,
            quit_requested: false,
            frames: 0,
            terrain: terrain::TerrainState::default(),
            profile_km: None,
            db: database::DbState::default(),
        };
        app.saved_plan = Some(app.plan.clone());
        app.saved_state = Some(app.history.state());
        app.remove_stale_temp_files();
        Ok(app)
    }

    /// A headless app for tests: example plan, default settings, no recovery file.
    pub fn for_tests() -> anyhow::Result<Self> {
        Self::with_settings(
            Settings::default(),
            AppConfig { recovery_path: None, tile_cache: None, load_example: true },
        )
    }

    /// A message for the status bar, kept in the message log.
    pub fn info(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.messages.push(&text, false);
        self.status = Some(StatusMessage { text, error: false });
    }

    /// An error for the status bar (highlighted), kept in the message log.
    pub fn error(&mut self, text: impl Into<String>) {
        let text = text.into();
        log::warn!("{text}");
        self.messages.push(&text, true);
        self.status = Some(StatusMessage { text, error: true });
    }

    /// Progress of work under way ("connecting… 3 s"): shown in the status bar, not kept in the log (the result
    /// is).
    pub fn progress(&mut self, text: impl Into<String>) {
        self.status = Some(StatusMessage { text: text.into(), error: false });
    }

    /// Call after anything replaced or changed `plan`.
    pub fn plan_changed(&mut self) {
        self.generation += 1;
        let row_edit = self.pending_row_edit.take().map(|(position, before)| RowEdit {
            generation: self.generation,
            position,
            before,
        });
        self.last_row_edit = row_edit;
        self.derived.rebuild(&self.plan, self.generation, self.last_row_edit.as_ref());
        // The last terrain figures stay on show (marked "computing…") until the new ones land.
        if let Some(f) = self.terrain.figures.clone() {
            self.derived.apply_terrain(&self.plan, f);
        }
        self.derived.set_timeline(&self.plan, self.timeline);
        self.request_terrain();
        self.selection.retain_existing(&self.plan);
        if self.hover.as_ref().is_some_and(|h| !self.plan.target_exists(h)) {
            self.hover = None;
        }
    }

    fn edited(&mut self) {
        self.dirty = match self.saved_state {
            Some(s) => s != self.history.state(),
            None => self.saved_plan.as_ref() != Some(&self.plan),
        };
        self.plan_changed();
    }

    /// After a change to the plan that did not go through the history: "unsaved?" compares plans again.
    fn changed_outside_history(&mut self) {
        self.saved_state = None;
    }

    /// The picked feature as (position in `layers`, feature index), if its layer is still there.
    pub fn layer_pick_index(&self) -> Option<(usize, usize)> {
        let (id, fi) = self.layer_pick?;
        let li = self.layers.iter().position(|l| l.id() == id)?;
        (fi < self.layers[li].features.len()).then_some((li, fi))
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

    /// Advances the playing timeline by one quarter every 0.6 s; stops after the last quarter.
    pub fn tick_timeline(&mut self, now_secs: f64) {
        if !self.playing || now_secs - self.play_clock < 0.6 {
            return;
        }
        self.play_clock = now_secs;
        let (first, last) = crate::model::stages::programme_window();
        let next = self.timeline.map(|q| q.next()).unwrap_or(first);
        if next > last {
            self.playing = false;
        } else {
            self.timeline = Some(next);
            self.derived.set_timeline(&self.plan, self.timeline);
        }
    }

    /// Settings with the current view, for eframe storage.
    pub fn settings_to_save(&self) -> Settings {
        let mut s = self.settings.clone();
        if let Some(c) = self.map_memory.detached() {
            s.view = Some(settings::View { lon: c.x(), lat: c.y(), zoom: self.map_memory.zoom() });
        }
        s
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
