//! Panels and windows. Each `…_ui` function reads the app (`&App`), keeps its own state in [`state::UiState`]
//! and returns [`Command`](crate::app::Command)s; the window applies them at the end of the frame.

pub mod collab;
pub mod dialogs;
pub mod goto_dialog;
pub mod layers_panel;
pub mod map_view;
pub mod march_chart;
pub mod menu_bar;
pub mod messages;
pub mod path_prompt;
pub mod plan_table;
pub mod profile;
pub mod replace;
pub mod rules_panel;
pub mod selection_panel;
pub mod sensor_form;
pub mod sheet_dialog;
pub mod state;
pub mod status_bar;
pub mod table_chooser;
pub mod terrain_panel;
pub mod windows;

pub use state::{AssignForm, TableState, UiState};
