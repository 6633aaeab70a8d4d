//! A file path typed in the window, for machines without a native file dialog (no desktop portal and no
//! zenity: rfd then returns nothing at once, and Save as… would silently do nothing).

use crate::app::{App, Ask, Command, FileCommand, TileKind, ViewCommand};
use crate::prefs::BasemapChoice;
use egui::{Context, RichText};
use std::path::{Path, PathBuf};

/// An open prompt: the question and the text typed so far.
#[derive(Debug, Clone, PartialEq)]
pub struct PathPrompt {
    pub ask: Ask,
    pub text: String,
    /// Why the last answer was refused (shown under the field).
    pub problem: Option<String>,
    /// Why the path is typed here instead of picked in a file dialog (shown at the top).
    pub reason: String,
    /// The field has been given the keyboard (once, when the prompt opens).
    pub focused: bool,
}

/// Shown when no native dialog is expected at all.
pub const NO_DIALOG_REASON: &str =
    "No file dialog is available on this desktop (no XDG desktop portal and no zenity): type the path.";

impl PathPrompt {
    /// A prompt with a sensible starting path (next to the plan's file, or in the working folder).
    pub fn new(ask: Ask, app: &App) -> Self {
        let dir = app
            .plan_path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        let stem =
            app.plan_path.as_deref().and_then(Path::file_stem).and_then(|s| s.to_str()).unwrap_or("rollout-plan");
        let name = match ask {
            Ask::OpenPlan | Ask::Import | Ask::Tiles(_) | Ask::Elevation { .. } => String::new(),
            Ask::SavePlan => format!("{stem}.geojson"),
            Ask::Export(f) => format!("{stem}-export.{}", f.extension()),
            Ask::MapImage(r) => format!("{stem}-map.{}", r.format.extension()),
        };
        Self {
            ask,
            text: dir.join(name).display().to_string(),
            problem: None,
            reason: NO_DIALOG_REASON.to_owned(),
            focused: false,
        }
    }

    /// The same prompt with another reason (the native dialog was expected but did not open).
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = reason.into();
        self
    }

    pub fn title(&self) -> String {
        match self.ask {
            Ask::OpenPlan => "Open plan".into(),
            Ask::SavePlan => "Save plan as".into(),
            Ask::Import => "Import layer".into(),
            Ask::Export(f) => format!("Export plan as {}", f.label()),
            Ask::MapImage(r) => format!("Export map sheet as {}", r.format.label()),
            Ask::Tiles(TileKind::MbTiles) => "Open MBTiles".into(),
            Ask::Tiles(TileKind::PmTiles) => "Open PMTiles".into(),
            Ask::Tiles(TileKind::Folder) => "Open a z/x/y tile folder".into(),
            Ask::Elevation { folder: false } => "Load elevation data (.hgt, DTED or GeoTIFF)".into(),
            Ask::Elevation { folder: true } => "Load a folder of elevation tiles".into(),
        }
    }

    /// The command for the typed path, or why it cannot be used.
    pub fn command(&self) -> Result<Command, String> {
        let path = PathBuf::from(self.text.trim());
        if path.as_os_str().is_empty() {
            return Err("Type a path".into());
        }
        let must_exist = matches!(self.ask, Ask::OpenPlan | Ask::Import | Ask::Tiles(_) | Ask::Elevation { .. });
        if must_exist && !path.exists() {
            return Err(format!("{} does not exist", path.display()));
        }
        if !must_exist && path.parent().is_some_and(|d| !d.as_os_str().is_empty() && !d.is_dir()) {
            return Err(format!("the folder of {} does not exist", path.display()));
        }
        Ok(match self.ask {
            Ask::OpenPlan => FileCommand::OpenPlan(path).into(),
            Ask::SavePlan => FileCommand::SaveAs(path).into(),
            Ask::Import => FileCommand::Import(vec![path]).into(),
            Ask::Export(f) => FileCommand::Export(f, path).into(),
            Ask::MapImage(r) => FileCommand::ExportMapImage(path, r).into(),
            Ask::Tiles(TileKind::MbTiles) => ViewCommand::SetBasemap(BasemapChoice::MbTiles(path)).into(),
            Ask::Tiles(TileKind::PmTiles) => ViewCommand::SetBasemap(BasemapChoice::PmTiles(path)).into(),
            Ask::Tiles(TileKind::Folder) => ViewCommand::SetBasemap(BasemapChoice::Folder(path)).into(),
            Ask::Elevation { .. } => FileCommand::LoadDem(path).into(),
        })
    }
}

/// True when rfd can show a dialog here: a D-Bus session (desktop portal) or zenity on the PATH.
pub fn native_dialogs_available() -> bool {
    if cfg!(not(target_os = "linux")) {
        return true;
    }
    let dbus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty());
    let zenity = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("zenity").is_file()));
    dbus || zenity
}

/// The character range of `path`'s file name without its extension (all of it when there is no folder or no
/// extension; an empty range at the end of a folder path).
fn file_stem_chars(path: &str) -> (usize, usize) {
    let chars: Vec<char> = path.chars().collect();
    let start = chars.iter().rposition(|&c| c == '/' || c == '\\').map_or(0, |i| i + 1);
    let name = chars.get(start..).unwrap_or_default();
    let end = name.iter().rposition(|&c| c == '.').filter(|&i| i > 0).map_or(chars.len(), |i| start + i);
    (start, end)
}

/// The prompt, a modal: on top of everything (also of a question that led to it) and with the keyboard in its
/// field from the start. Returns the command once the planner confirms a usable path, or
/// [`FileCommand::AskCancelled`] on Cancel or Esc.
pub fn path_prompt_ui(prompt: &mut Option<PathPrompt>, ctx: &Context, _map_rect: egui::Rect) -> Option<Command> {
    let p = prompt.as_mut()?;
    let mut out = None;
    let mut close = false;
    egui::Modal::new(egui::Id::unique("path_prompt")).show(ctx, |ui| {
        ui.heading(p.title());
        ui.label(&p.reason);
        let field = ui
            .add(egui::TextEdit::singleline(&mut p.text).desired_width(520.0).hint_text("File path"))
            .accessible_name("File path");
        if !p.focused {
            field.request_focus();
            // As desktop save dialogs do: the file name without its extension is selected, so a typed name
            // replaces it and keeps the folder and the extension.
            if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), field.id) {
                let (from, to) = file_stem_chars(&p.text);
                let range = egui::text::CCursorRange::two(egui::text::CCursor::new(from), egui::text::CCursor::new(to));
                state.cursor.set_char_range(Some(range));
                state.store(ui.ctx(), field.id);
            }
            p.focused = true;
        }
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        // From the raw events: the window's own Esc handler may already have consumed the key this frame.
        let escape = ui.input(|i| {
            i.raw.events.iter().any(|e| matches!(e, egui::Event::Key { key: egui::Key::Escape, pressed: true, .. }))
        });
        if let Some(problem) = &p.problem {
            ui.label(RichText::new(problem).color(egui::Color32::from_rgb(0xd5, 0x5e, 0x00)));
        }
        ui.horizontal(|ui| {
            if ui.button(RichText::new("OK").strong()).clicked() || enter {
                match p.command() {
                    Ok(c) => {
                        out = Some(c);
                        close = true;
                    }
                    Err(e) => {
                        p.problem = Some(e);
                        // Back to the field, to correct the path.
                        p.focused = false;
                    }
                }
            }
            if ui.button("Cancel").clicked() || escape {
                out = Some(FileCommand::AskCancelled(p.ask).into());
                close = true;
            }
        });
    });
    if close {
        *prompt = None;
    }
    out
}
