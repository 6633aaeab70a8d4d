//! The window shell: the one place that knows both the app and the panels. It owns [`App`] and the panels'
//! state, lays out the panels, collects the frame's [`Command`]s, runs the file dialogs the app asks for, and
//! hands everything to [`App::apply`] at the end of the frame. Panels and map plugins only read the app.

use crate::app::settings::{BottomTab, STORAGE_KEY, Settings};
use crate::app::{App, AppConfig, Ask, Command, FileCommand, PlanCommand, SelectCommand, Tool, ViewCommand};
use crate::ui::path_prompt::{PathPrompt, native_dialogs_available, path_prompt_ui};
use crate::ui::state::UiState;
use crate::ui::{
    collab, dialogs, layers_panel, map_view, march_chart, menu_bar, plan_table, selection_panel, status_bar, windows,
};
use egui::{Key, Ui};
use std::path::PathBuf;

/// Default height of the plan panel: at least eight table rows in a 900-px window.
pub const PLAN_PANEL_DEFAULT_PX: f32 = 290.0;

/// Dialog rounds per frame: a dialog's answer may lead to one more question (Save as… then Open…).
const MAX_ASK_ROUNDS: usize = 4;

/// A native dialog that returns nothing sooner than this did not open (a planner cannot cancel that fast).
const NATIVE_DIALOG_FAILED_WITHIN: std::time::Duration = std::time::Duration::from_millis(150);

/// Answers a question of the app with a file dialog (`None`: the planner cancelled).
pub type DialogRunner = Box<dyn FnMut(Ask, &App) -> Option<Command>>;

/// How the window asks the planner for paths.
pub enum Dialogs {
    /// The desktop's file dialogs (rfd).
    Native,
    /// A path typed in a window of the app: for desktops without a portal or zenity.
    Typed,
    /// Answers given by code (tests).
    Scripted(DialogRunner),
}

pub struct Window {
    pub app: App,
    pub ui: UiState,
    /// Whether egui's theme was last set to dark (set again only when it changes).
    applied_dark: Option<bool>,
    /// The bundled fonts have been added to egui's.
    fonts_installed: bool,
    /// The title last sent to the window.
    applied_title: String,
    /// How paths are asked for; tests script the answers.
    pub dialogs: Dialogs,
    /// The open typed-path prompt (with [`Dialogs::Typed`]).
    path_prompt: Option<PathPrompt>,
}

impl Window {
    pub fn new(app: App) -> Self {
        Self {
            app,
            ui: UiState::default(),
            applied_dark: None,
            fonts_installed: false,
            applied_title: String::new(),
            dialogs: if native_dialogs_available() { Dialogs::Native } else { Dialogs::Typed },
            path_prompt: None,
        }
    }

    /// A headless window for tests: the example plan, default settings, no recovery file, typed paths.
    pub fn for_tests() -> anyhow::Result<Self> {
        let mut w = Self::new(App::for_tests()?);
        w.dialogs = Dialogs::Typed;
        Ok(w)
    }

    /// The typed-path prompt, when one is open.
    pub fn path_prompt(&self) -> Option<&PathPrompt> {
        self.path_prompt.as_ref()
    }

    /// Creates the window for the real app: settings from eframe storage, files from the command line.
    pub fn from_creation_context(cc: &eframe::CreationContext<'_>, files: Vec<PathBuf>) -> anyhow::Result<Self> {
        let settings =
            cc.storage.and_then(|s| s.get_string(STORAGE_KEY)).map(|t| Settings::from_json(&t)).unwrap_or_default();
        let mut config = AppConfig::for_user();
        config.load_example = true;
        let mut app = App::with_settings(settings, config)?;
        let basemap = app.settings.basemap.clone();
        if basemap != crate::prefs::BasemapChoice::Vector {
            app.apply(&cc.egui_ctx, ViewCommand::SetBasemap(basemap).into());
        }
        let open_last = files.is_empty() && app.recovery_offer.is_none();
        if open_last && let Some(p) = app.settings.last_plan.clone().filter(|p| p.is_file()) {
            app.open_plan(&p);
        }
        if !files.is_empty() {
            app.apply(&cc.egui_ctx, FileCommand::Import(files).into());
        }
        Ok(Self::new(app))
    }

    /// The whole window's contents, one frame.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.apply_look(&ctx);
        self.app.poll_imports();
        self.app.poll_terrain();
        self.app.poll_database();
        if self.app.db.job.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        // Enter in the plan table edits the selected row unless a field had the keyboard as the frame began.
        self.ui.table.keyboard_free = !ctx.egui_wants_keyboard_input();
        let mut commands: Vec<Command> = shortcuts(&self.app, &ctx);
        // Files dropped on the window.
        let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_owned()).collect());
        if !dropped.is_empty() {
            commands.push(FileCommand::Import(dropped).into());
        }
        self.panels(ui, &mut commands);
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::G)) {
            self.ui.windows.goto.get_or_insert_with(String::new);
        }
        commands.extend(windows::windows_ui(&self.app, &mut self.ui.windows, &ctx));
        crate::ui::messages::messages_ui(&self.app, &mut self.ui.windows.messages_open, &ctx);
        commands.extend(collab::collab_windows_ui(&self.app, &mut self.ui.windows.merge_picks, &ctx));
        commands.extend(collab::database_ui(&self.app, &mut self.ui.windows.database, &ctx));
        commands.extend(path_prompt_ui(&mut self.path_prompt, &ctx, self.app.map_rect));
        commands.extend(crate::ui::replace::replace_question_ui(&self.app, &ctx));
        self.apply_all(&ctx, commands);
        let now = ctx.input(|i| i.time);
        self.app.tick_timeline(now);
        if self.app.playing {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.app.autosave_if_due(now);
        let focused = ctx.input(|i| i.focused);
        self.app.watch_disk(now, focused);
        if self.app.plan_path.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(crate::app::collab::DISK_CHECK_SECS));
        }
        self.app.finish_map_image(ctx.pixels_per_point());
        self.handle_close(&ctx);
        if self.app.frames == 0
            && let Some(ms) = crate::app::ms_since_start()
        {
            log::info!("first frame built {ms:.0} ms after process start");
        }
        self.app.frames += 1;
        if self.app.terrain.computing {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
        if !self.app.imports.is_empty() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        if self.app.dirty {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(crate::app::AUTOSAVE_SECS));
        }
    }

    fn apply_look(&mut self, ctx: &egui::Context) {
        if !self.fonts_installed {
            install_fonts(ctx);
            self.fonts_installed = true;
        }
        let dark = self.app.settings.dark;
        if self.applied_dark != Some(dark) {
            ctx.set_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light });
            self.applied_dark = Some(dark);
        }
    }

    /// Lays out the panels around the map; each reads the app and returns commands.
    fn panels(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        let app = &self.app;
        let state = &mut self.ui;
        egui::Panel::top("menu_bar").show(ui, |ui| commands.extend(menu_bar::menu_bar_ui(app, state, ui)));
        if app.disk_banner().is_some() {
            egui::Panel::top("disk_banner").show(ui, |ui| commands.extend(collab::disk_banner_ui(app, ui)));
        }
        egui::Panel::bottom("status_bar").show(ui, |ui| {
            commands.extend(status_bar::status_bar_ui(app, &mut state.windows.messages_open, ui));
        });
        if app.settings.show_left {
            egui::Panel::left("layers")
                .resizable(true)
                .default_size(250.0)
                .min_size(200.0)
                .max_size(420.0)
                .show(ui, |ui| commands.extend(layers_panel::layers_panel_ui(app, &mut state.windows, ui)));
        }
        if app.settings.show_right {
            egui::Panel::right("details")
                .resizable(true)
                .default_size(340.0)
                .min_size(260.0)
                .max_size(520.0)
                .show(ui, |ui| commands.extend(selection_panel::right_panel_ui(app, state, ui)));
        }
        if app.settings.show_bottom {
            // The panel's height is the planner's (egui keeps it, persisted with the window): its contents fit
            // into it (the table scrolls) and never resize it, whatever the tab or the number of rows.
            egui::Panel::bottom("plan_panel")
                .resizable(true)
                .default_size(PLAN_PANEL_DEFAULT_PX)
                .min_size(120.0)
                .max_size(600.0)
                .show(ui, |ui| {
                    // The contents fill the panel exactly: a panel sizes itself to what it holds, so contents
                    // smaller than the planner's size would shrink it frame by frame, and larger ones grow it.
                    ui.set_min_height(ui.available_height());
                    commands.extend(march_chart::timeline_ui(app, ui));
                    ui.separator();
                    match app.settings.bottom_tab {
                        BottomTab::Table => commands.extend(plan_table::plan_table_ui(app, &mut state.table, ui)),
                        BottomTab::MarchChart => commands.extend(march_chart::march_chart_ui(app, ui)),
                        BottomTab::Profile => commands.extend(crate::ui::profile::profile_ui(app, ui)),
                    }
                });
        }
        // The map widget drives the view (walkers moves `MapMemory` while it draws): it gets the app's view
        // state for the length of the call, and everything else as commands.
        let mut memory = std::mem::take(&mut self.app.map_memory);
        let mut raster = self.app.raster.take();
        egui::CentralPanel::default().frame(egui::Frame::NONE).show(ui, |ui| {
            commands.extend(map_view::map_ui(&self.app, &mut memory, raster.as_mut(), &mut self.ui.map, ui));
        });
        self.app.map_memory = memory;
        self.app.raster = raster;
    }

    /// Applies the frame's commands in order, then answers the app's questions with dialogs.
    fn apply_all(&mut self, ctx: &egui::Context, commands: Vec<Command>) {
        for c in commands {
            self.app.apply(ctx, c);
        }
        for _ in 0..MAX_ASK_ROUNDS {
            let asks = self.app.take_asks();
            if asks.is_empty() {
                break;
            }
            for ask in asks {
                let answer = match &mut self.dialogs {
                    Dialogs::Native => {
                        let started = std::time::Instant::now();
                        let answer = dialogs::answer(ask, &self.app);
                        if answer.is_none() && started.elapsed() < NATIVE_DIALOG_FAILED_WITHIN {
                            // Nobody cancels a dialog that fast: it never opened (a D-Bus session without a
                            // desktop portal). Ask in the window instead, and say why.
                            self.path_prompt = Some(PathPrompt::new(ask, &self.app).with_reason(
                                "The desktop's file dialog did not open (no XDG desktop portal answered): type the path.",
                            ));
                            None
                        } else {
                            Some(answer.unwrap_or_else(|| FileCommand::AskCancelled(ask).into()))
                        }
                    }
                    Dialogs::Scripted(run) => {
                        Some(run(ask, &self.app).unwrap_or_else(|| FileCommand::AskCancelled(ask).into()))
                    }
                    Dialogs::Typed => {
                        self.path_prompt = Some(PathPrompt::new(ask, &self.app));
                        None
                    }
                };
                if let Some(c) = answer {
                    self.app.apply(ctx, c);
                }
            }
        }
    }

    /// The window's close button goes through the unsaved-changes guard; Quit closes the window.
    fn handle_close(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.app.allow_close {
            if self.app.dirty {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            }
            self.app.apply(ctx, FileCommand::Quit.into());
        }
        if self.app.quit_requested {
            self.app.quit_requested = false;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let title = self.app.title();
        if self.applied_title != title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.applied_title = title;
        }
    }
}

/// Keyboard shortcuts as commands. Single keys are ignored while a text field has the keyboard.
fn shortcuts(app: &App, ctx: &egui::Context) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    let typing = ctx.egui_wants_keyboard_input();
    ctx.input_mut(|i| {
        let cmd = egui::Modifiers::COMMAND;
        let cmd_shift = egui::Modifiers::COMMAND | egui::Modifiers::SHIFT;
        if i.consume_key(cmd_shift, Key::Z) || i.consume_key(cmd, Key::Y) {
            out.push(PlanCommand::Redo.into());
        }
        if i.consume_key(cmd, Key::Z) {
            out.push(PlanCommand::Undo.into());
        }
        if i.consume_key(cmd_shift, Key::S) {
            out.push(Ask::SavePlan.into());
        }
        if i.consume_key(cmd, Key::S) {
            out.push(FileCommand::Save.into());
        }
        if i.consume_key(cmd, Key::O) {
            out.push(FileCommand::ChoosePlan.into());
        }
        if i.consume_key(cmd, Key::N) {
            out.push(FileCommand::NewPlan.into());
        }
        if i.consume_key(cmd, Key::I) {
            out.push(Ask::Import.into());
        }
        if typing {
            return;
        }
        let none = egui::Modifiers::NONE;
        if i.consume_key(none, Key::F) {
            out.push(ViewCommand::ZoomToBorder.into());
        }
        if i.consume_key(none, Key::Z) {
            out.push(ViewCommand::ZoomToSelection.into());
        }
        if i.consume_key(none, Key::Plus)
            || i.consume_key(none, Key::Equals)
            || i.consume_key(egui::Modifiers::SHIFT, Key::Equals)
        {
            out.push(ViewCommand::ZoomIn.into());
        }
        if i.consume_key(none, Key::Minus) {
            out.push(ViewCommand::ZoomOut.into());
        }
        let step = 120.0;
        for (k, dx, dy) in [
            (Key::ArrowLeft, -step, 0.0),
            (Key::ArrowRight, step, 0.0),
            (Key::ArrowUp, 0.0, -step),
            (Key::ArrowDown, 0.0, step),
        ] {
            if i.consume_key(none, k) {
                out.push(ViewCommand::Pan { dx_px: dx, dy_px: dy }.into());
            }
        }
        if i.consume_key(none, Key::M) {
            let tool = if app.tool == Tool::Measure { Tool::Select } else { Tool::Measure };
            out.push(ViewCommand::SetTool(tool).into());
        }
        if i.consume_key(none, Key::Escape) {
            if app.tool == Tool::Measure {
                out.push(ViewCommand::SetTool(Tool::Select).into());
            } else {
                out.push(SelectCommand::Clear.into());
            }
        }
    });
    out
}

impl eframe::App for Window {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Ok(text) = serde_json::to_string(&self.app.settings_to_save()) {
            storage.set_string(STORAGE_KEY, text);
        }
    }
}

/// Runs the window; files are layers or plans to open.
pub fn run_window(files: Vec<PathBuf>) -> anyhow::Result<()> {
    // Walkers' HTTP client needs a TLS crypto provider; ring is installed once here.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let icon = eframe::icon_data::from_png_bytes(include_bytes!("../assets/icon.png")).ok();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("borderplan — Tajik–Afghan border")
        .with_inner_size([1400.0, 900.0])
        .with_min_inner_size([900.0, 600.0])
        .with_drag_and_drop(true)
        .with_app_id("borderplan");
    if let Some(icon) = icon {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions { viewport, renderer: eframe::Renderer::Glow, ..Default::default() };
    eframe::run_native(
        "borderplan",
        options,
        Box::new(move |cc| {
            let window = Window::from_creation_context(cc, files)?;
            Ok(Box::new(window))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}

/// Adds Noto Sans Arabic (bundled, SIL OFL 1.1) behind egui's own fonts, so Dari and Pashto names of imported
/// layers (Arabic script) are drawn instead of empty boxes. egui shapes the text (joining forms, right to left).
pub fn install_fonts(ctx: &egui::Context) {
    let families = [egui::FontFamily::Proportional, egui::FontFamily::Monospace];
    ctx.add_font(egui::epaint::text::FontInsert::new(
        "noto-sans-arabic",
        egui::FontData::from_static(include_bytes!("../assets/fonts/NotoSansArabic-Regular.ttf")),
        families
            .into_iter()
            .map(|family| egui::epaint::text::InsertFontFamily {
                family,
                priority: egui::epaint::text::FontPriority::Lowest,
            })
            .collect(),
    ));
}
