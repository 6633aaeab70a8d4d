//! borderplan: a desktop GIS for planning the equipment rollout along the Tajikistan–Afghanistan border.
//!
//! `model` is the UI-free domain, `io` reads and writes files, `app` holds the state and applies commands, `map`
//! (walkers plugins) and `ui` (panels) draw from plain data and `&App` and return commands, `window` is the shell
//! above both, `cli` runs the headless commands.

pub mod app;
pub mod cli;
pub mod io;
pub mod map;
pub mod model;
pub mod prefs;
pub mod synth;
pub mod ui;
pub mod window;

pub use app::App;
pub use window::Window;
