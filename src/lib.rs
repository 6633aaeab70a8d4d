//! borderplan: a desktop GIS for planning the equipment rollout along the Tajikistan–Afghanistan border.
//!
//! `model` is the UI-free domain, `io` reads and writes files, `map` and `ui` draw the window, `app` holds the
//! state and applies commands, `cli` runs the headless commands.

pub mod app;
pub mod cli;
pub mod io;
pub mod map;
pub mod model;
pub mod synth;
pub mod ui;

pub use app::App;
