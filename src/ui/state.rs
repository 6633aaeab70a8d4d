//! The panels' own state (what the planner is typing or has open), owned by the window; never the plan.

use super::plan_table;
use crate::model::{Quarter, Stage, Status};

/// The assignment form's inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignForm {
    pub equipment_id: String,
    pub equipment_search: String,
    pub quantity: f64,
    pub stage: Stage,
    pub supplier: String,
    pub quarter: Quarter,
    pub status: Status,
    pub note: String,
}

impl Default for AssignForm {
    fn default() -> Self {
        Self {
            equipment_id: String::new(),
            equipment_search: String::new(),
            quantity: 1.0,
            stage: Stage::Two,
            supplier: "Russia".into(),
            quarter: Quarter::new(2026, 3),
            status: Status::Planned,
            note: String::new(),
        }
    }
}

/// Plan-table filters and sort.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableState {
    pub stage: Option<Stage>,
    pub supplier: Option<String>,
    pub category: Option<crate::model::Category>,
    pub status: Option<Status>,
    pub text: String,
    pub only_selected: bool,
    pub sort: plan_table::SortKey,
    pub descending: bool,
    /// Assignment ids highlighted in the table (row selection).
    pub selected_rows: std::collections::BTreeSet<String>,
    /// The filtered, sorted rows of the last change (not recomputed every frame).
    pub rows_cache: plan_table::RowCache,
    /// The quantity cell being typed in (numbers in the table change only when typed and committed).
    pub editing: Option<CellEdit>,
    /// No widget had the keyboard when the frame began (Enter then edits the selected row's quantity).
    pub keyboard_free: bool,
}

/// A table cell being typed in: the row's assignment id and the text so far.
#[derive(Debug, Clone, PartialEq)]
pub struct CellEdit {
    pub id: String,
    pub text: String,
    /// The field has been given the keyboard (once, when the edit starts).
    pub focused: bool,
    /// Why the text cannot be committed (shown above the table; the cell stays open).
    pub problem: Option<String>,
}

impl CellEdit {
    /// Starts editing the quantity of `a`, with its value as the text.
    pub fn quantity_of(a: &crate::model::Assignment) -> Self {
        Self { id: a.id.clone(), text: crate::io::format::fmt_qty(a.quantity), focused: false, problem: None }
    }
}

/// The panels' state, owned by the window (not persisted).
#[derive(Default)]
pub struct UiState {
    pub assign: AssignForm,
    pub table: TableState,
    /// Text in the search box next to the menus.
    pub search: String,
    /// The hit the arrow keys point at in the search box's list.
    pub search_index: usize,
    /// Segment name being edited: (segment id, text).
    pub rename: Option<(String, String)>,
    pub split_km: f64,
    /// The line-of-sight parameters being typed (per assignment and plan-wide).
    pub sensors: super::sensor_form::SensorForms,
    pub windows: WindowsState,
    pub map: MapViewState,
}

/// Which floating windows are open, and their inputs.
#[derive(Default)]
pub struct WindowsState {
    pub km_range: Option<(f64, f64)>,
    /// The Go to coordinate dialog's text, while it is open.
    pub goto: Option<String>,
    pub catalog_open: bool,
    pub catalog_edit: Option<crate::model::EquipmentType>,
    pub shortcuts_open: bool,
    pub about_open: bool,
    pub meta_open: bool,
    /// View › Messages: the session's message log.
    pub messages_open: bool,
    /// "Use layer as outposts": layer index and the chosen name property.
    pub use_as_outposts: Option<(usize, String)>,
    /// The attribute table of this layer index is open.
    pub attribute_table: Option<usize>,
    /// The attribute table's sort column and cached order.
    pub attribute_sort: super::windows::AttributeSort,
    /// The database dialog.
    pub database: Option<super::collab::DatabaseForm>,
    /// Answers chosen so far in the merge conflicts dialog, by conflict key.
    pub merge_picks: std::collections::HashMap<String, crate::model::Pick>,
    /// The map-sheet dialog (File › Export map image…) and its choices.
    pub sheet: Option<crate::app::SheetRequest>,
    /// The GeoPackage table chooser's ticks.
    pub table_chooser: super::table_chooser::TableChooserState,
}

/// The map's interaction state and its drawing caches.
#[derive(Default)]
pub struct MapViewState {
    pub interaction: MapInteraction,
    /// Pictures of big layers, reused while the view does not change.
    pub layer_rasters: Vec<crate::map::raster_layer::RasterCache>,
    /// The hillshade's last picture.
    pub hillshade: crate::map::hillshade::HillshadeCache,
}

/// What the pointer is in the middle of on the map.
#[derive(Default)]
pub struct MapInteraction {
    /// Where a Shift-drag box selection started (screen points).
    pub box_start_px: Option<egui::Pos2>,
    /// Border km and target under the last right-click (the context menu's subject).
    pub context_km: Option<f64>,
    pub context_hit: Option<crate::model::Target>,
    /// The position under the last right-click.
    pub context_lon_lat: Option<geo::Point<f64>>,
}
