//! Everything the planner can ask for, as data. Panels, the map and the shortcuts return these; the window hands
//! them to [`App::apply`](super::App::apply). Commands that need a path are answered by the window first: the app
//! asks for it with an [`Ask`] and the window turns the planner's choice into a path-carrying command.

use super::selection::SelectMode;
use super::settings::{BottomTab, RightTab};
use crate::io::export::ExportFormat;
use crate::io::layer::LayerStyle;
use crate::model::{Edit, Quarter, Target};
use crate::prefs::BasemapChoice;
use crate::prefs::BasemapLayers;
use crate::prefs::OverlayLayers;
use std::path::PathBuf;

/// Something the user asked for, in groups: the plan, the selection, the view, imported layers, files, and
/// questions for the window.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Plan(PlanCommand),
    Select(SelectCommand),
    View(ViewCommand),
    Layer(LayerCommand),
    File(FileCommand),
    /// A path the window must ask the planner for before the app can act.
    Ask(Ask),
}

/// Changes to the plan: every one goes through the undo history.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanCommand {
    Edit(Edit),
    Undo,
    Redo,
    /// Replace the outposts with a point layer's features, named by a property.
    UseLayerAsOutposts {
        layer: usize,
        name_property: String,
    },
    /// Replace the border with a line layer.
    UseLayerAsBorder {
        layer: usize,
    },
    /// Move a plan made on another border line onto the bundled border, by position.
    RebaseOnCurrentBorder,
    /// Keep working on the plan's own border line (hides the offer).
    KeepOwnBorder,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SelectCommand {
    Targets(Vec<Target>, SelectMode),
    Clear,
    KmRange {
        from_km: f64,
        to_km: f64,
    },
    /// A feature of an imported layer (layer index, feature index), or none.
    LayerFeature(Option<(usize, usize)>),
    /// A border km: pin it, select its segment and centre the map on it.
    GoToKm(f64),
    /// A found place or position: pin it with its label and centre the map on it.
    GoToPlace {
        lon: f64,
        lat: f64,
        label: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ViewCommand {
    ZoomToBorder,
    ZoomToSelection,
    ZoomToKm {
        from_km: f64,
        to_km: f64,
    },
    /// [west, south, east, north] in degrees.
    ZoomToBounds([f64; 4]),
    ZoomToLayer(usize),
    ZoomIn,
    ZoomOut,
    Pan {
        dx_px: f32,
        dy_px: f32,
    },
    SetBasemap(BasemapChoice),
    SetTool(Tool),
    /// A click of the measure tool.
    AddMeasurePoint(geo::Point<f64>),
    /// Where the map was drawn this frame (screen points); a pending fit of the border has been done in it.
    MapArea(egui::Rect),
    /// What is under the pointer on the map.
    Pointer {
        hover: Option<Target>,
        cursor_lon_lat: Option<geo::Point<f64>>,
    },
    /// Timeline quarter: the map shows what is delivered by then (`None`: everything).
    SetTimeline(Option<Quarter>),
    SetPlaying(bool),
    Setting(SettingChange),
    CloseRebaseReport,
    CloseTerrainNotice,
    /// The border km the pointer is over in the profile (shown on the map), or none.
    ProfileKm(Option<f64>),
}

/// One view preference (persisted between runs).
#[derive(Debug, Clone, PartialEq)]
pub enum SettingChange {
    ShowLeft(bool),
    ShowRight(bool),
    ShowBottom(bool),
    Dark(bool),
    TileOpacity(f32),
    BasemapLayers(BasemapLayers),
    Overlays(OverlayLayers),
    RightTab(RightTab),
    BottomTab(BottomTab),
    /// The planner's answer to the online-tiles notice, or the View menu switch.
    OnlineTiles(crate::prefs::OnlineTiles),
    /// How positions are written (status bar, map menu).
    CoordFormat(crate::io::coords::CoordFormat),
}

#[derive(Debug, Clone, PartialEq)]
pub enum LayerCommand {
    Remove(usize),
    Move { index: usize, up: bool },
    SetStyle { index: usize, style: LayerStyle },
}

#[derive(Debug, Clone, PartialEq)]
pub enum FileCommand {
    NewPlan,
    /// Open a plan (asks first when there are unsaved changes).
    OpenPlan(PathBuf),
    /// Open a plan the planner picks (after the unsaved-changes question).
    ChoosePlan,
    /// Save to the plan's file, or ask where when it has none.
    Save,
    SaveAs(PathBuf),
    /// Plans among these open as the plan; anything else is imported as a layer.
    Import(Vec<PathBuf>),
    /// Import these feature tables (`None`: every one) of a GeoPackage waiting in `App::table_choices`.
    ImportTables {
        path: PathBuf,
        tables: Option<Vec<String>>,
    },
    /// Drop the GeoPackage waiting in `App::table_choices` without importing it.
    CancelTableChoice(PathBuf),
    /// Stop the background import at this index of `App::imports`.
    CancelImport(usize),
    Export(ExportFormat, PathBuf),
    /// A write (Save as…, an export, a map sheet) whose replacing of an existing file the desktop's save dialog
    /// already confirmed: the window does not ask again (a plan file is still never replaced by an export).
    ReplaceConfirmed(Box<FileCommand>),
    /// The planner's answer to "replace the existing file?" (see `App::replace_question`).
    AnswerReplace(bool),
    /// Draw the map sheet and write it to the path (off the UI thread).
    ExportMapImage(PathBuf, SheetRequest),
    /// Load elevation data (a file or a folder) and compute coverage by line of sight.
    LoadDem(PathBuf),
    /// Drop the elevation data: coverage by range again.
    CloseDem,
    Recover,
    DiscardRecovery,
    Quit,
    /// The planner's answer to the unsaved-changes question.
    Guard(GuardAnswer),
    /// The planner cancelled the dialog that asked for this path.
    AskCancelled(Ask),
    /// The planner's answer to "the file changed on disk since you opened it" (after a refused save).
    Disk(DiskAnswer),
    /// Merge the plan file as it is now into the window's plan (the banner's button).
    MergeFromDisk,
    /// Hide the changed-on-disk banner until the file changes again.
    DismissDiskBanner,
    /// Finish the merge under review with these answers.
    FinishMerge(crate::model::Resolutions),
    CancelMerge,
    /// Open the current version of a shared plan (asks first when there are unsaved changes).
    OpenFromDatabase {
        url: String,
        name: String,
    },
    /// Push the plan as the next version of a shared plan.
    SaveToDatabase {
        url: String,
        name: String,
    },
    /// List the plans stored in a database.
    ListDatabase {
        url: String,
    },
}

/// The map sheet the planner asked for in File › Export map image….
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetRequest {
    pub paper: crate::io::export::sheet::Paper,
    pub dpi: u32,
    pub format: crate::io::export::sheet::SheetFormat,
    /// The map's current view, or else the whole border.
    pub current_view: bool,
}

impl Default for SheetRequest {
    fn default() -> Self {
        Self {
            paper: crate::io::export::sheet::Paper::A4,
            dpi: 150,
            format: crate::io::export::sheet::SheetFormat::Png,
            current_view: true,
        }
    }
}

/// What to do when a save finds the file changed on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskAnswer {
    /// Three-way merge with the file as it is now, then save.
    Merge,
    /// Replace the file with the window's plan anyway.
    Overwrite,
    /// Save to another file.
    SaveAs,
    Cancel,
}

/// Paths the window asks the planner for (file dialogs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    OpenPlan,
    SavePlan,
    Import,
    Export(ExportFormat),
    /// Where to write the map sheet.
    MapImage(SheetRequest),
    Tiles(TileKind),
    /// Elevation data: a file (`.hgt`, DTED, GeoTIFF) or, with `folder`, a folder of them.
    Elevation {
        folder: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardAnswer {
    Save,
    DontSave,
    Cancel,
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
    /// Open this plan, or ask which one.
    Open(Option<PathBuf>),
    /// Open a shared plan from a database: (URL, name).
    OpenDatabase(String, String),
    Quit,
}

impl Pending {
    /// What the action is, for messages ("quitting").
    pub fn doing(&self) -> &'static str {
        match self {
            Pending::New => "starting a new plan",
            Pending::Open(_) | Pending::OpenDatabase(..) => "opening another plan",
            Pending::Quit => "quitting",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tool {
    #[default]
    Select,
    Measure,
}

impl From<Edit> for Command {
    fn from(edit: Edit) -> Self {
        Command::Plan(PlanCommand::Edit(edit))
    }
}

impl From<PlanCommand> for Command {
    fn from(c: PlanCommand) -> Self {
        Command::Plan(c)
    }
}

impl From<SelectCommand> for Command {
    fn from(c: SelectCommand) -> Self {
        Command::Select(c)
    }
}

impl From<ViewCommand> for Command {
    fn from(c: ViewCommand) -> Self {
        Command::View(c)
    }
}

impl From<LayerCommand> for Command {
    fn from(c: LayerCommand) -> Self {
        Command::Layer(c)
    }
}

impl From<FileCommand> for Command {
    fn from(c: FileCommand) -> Self {
        Command::File(c)
    }
}

impl From<Ask> for Command {
    fn from(c: Ask) -> Self {
        Command::Ask(c)
    }
}

impl Command {
    /// Selects targets (replace, add or toggle).
    pub fn select(targets: Vec<Target>, mode: SelectMode) -> Self {
        Command::Select(SelectCommand::Targets(targets, mode))
    }
}
