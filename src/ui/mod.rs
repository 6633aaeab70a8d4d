//! Panels and windows. Each `…_ui` function reads the app and returns commands; `App::show` applies them.

pub mod dialogs;
pub mod layers_panel;
pub mod map_view;
pub mod march_chart;
pub mod menu_bar;
pub mod plan_table;
pub mod rules_panel;
pub mod selection_panel;
pub mod status_bar;
pub mod windows;

use crate::app::settings::{BottomTab, STORAGE_KEY, Settings};
use crate::app::{App, AppConfig, Command, Tool};
use crate::model::{Quarter, Stage, Status};
use egui::{Key, Ui};
use std::path::PathBuf;

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
}

/// Transient UI state (not persisted).
#[derive(Default)]
pub struct UiState {
    pub assign: AssignForm,
    pub table: TableState,
    pub km_range: Option<(f64, f64)>,
    pub search: String,
    pub catalog_open: bool,
    pub catalog_edit: Option<crate::model::EquipmentType>,
    pub shortcuts_open: bool,
    pub about_open: bool,
    pub rename: Option<(String, String)>,
    pub split_km: f64,
    pub use_as_outposts: Option<(usize, String)>,
    pub attribute_table: Option<usize>,
    pub box_start: Option<egui::Pos2>,
    pub measure_click: Option<geo::Point<f64>>,
    pub context_km: Option<f64>,
    pub context_hit: Option<crate::model::Target>,
    pub meta_open: bool,
    /// What was last sent to the window (sent again only when it changes).
    pub applied_dark: Option<bool>,
    /// The bundled fonts have been added to egui's.
    pub fonts_installed: bool,
    pub applied_title: String,
}

impl App {
    /// Creates the app for the real window: settings from eframe storage, files from the command line.
    pub fn new(cc: &eframe::CreationContext<'_>, files: Vec<PathBuf>) -> anyhow::Result<Self> {
        let settings =
            cc.storage.and_then(|s| s.get_string(STORAGE_KEY)).map(|t| Settings::from_json(&t)).unwrap_or_default();
        let mut config = AppConfig::for_user();
        config.load_example = true;
        let mut app = App::with_settings(settings, config)?;
        let basemap = app.settings.basemap.clone();
        if basemap != crate::map::tiles::BasemapChoice::Vector {
            app.apply(&cc.egui_ctx, Command::SetBasemap(basemap));
        }
        let open_last = files.is_empty() && app.recovery_offer.is_none();
        if open_last && let Some(p) = app.settings.last_plan.clone().filter(|p| p.is_file()) {
            app.open_plan(&p);
        }
        for f in files {
            app.open_path(&cc.egui_ctx, f);
        }
        Ok(app)
    }

    /// The whole window's contents, one frame.
    pub fn show(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if !self.ui.fonts_installed {
            install_fonts(&ctx);
            self.ui.fonts_installed = true;
        }
        if self.ui.applied_dark != Some(self.settings.dark) {
            ctx.set_theme(if self.settings.dark { egui::Theme::Dark } else { egui::Theme::Light });
            self.ui.applied_dark = Some(self.settings.dark);
        }
        self.poll_imports();
        let mut commands: Vec<Command> = Vec::new();
        commands.extend(self.shortcuts(&ctx));
        // Files dropped on the window.
        let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_owned()).collect());
        if !dropped.is_empty() {
            commands.push(Command::Import(dropped));
        }
        egui::Panel::top("menu_bar").show(ui, |ui| commands.extend(menu_bar::menu_bar_ui(self, ui)));
        egui::Panel::bottom("status_bar").show(ui, |ui| commands.extend(status_bar::status_bar_ui(self, ui)));
        if self.settings.show_left {
            egui::Panel::left("layers").resizable(true).default_size(250.0).min_size(200.0).max_size(420.0).show(
                ui,
                |ui| {
                    commands.extend(layers_panel::layers_panel_ui(self, ui));
                },
            );
        }
        if self.settings.show_right {
            egui::Panel::right("details").resizable(true).default_size(340.0).min_size(260.0).max_size(520.0).show(
                ui,
                |ui| {
                    commands.extend(selection_panel::right_panel_ui(self, ui));
                },
            );
        }
        if self.settings.show_bottom {
            egui::Panel::bottom("plan_panel").resizable(true).default_size(250.0).min_size(120.0).max_size(600.0).show(
                ui,
                |ui| {
                    commands.extend(march_chart::timeline_ui(self, ui));
                    ui.separator();
                    match self.settings.bottom_tab {
                        BottomTab::Table => commands.extend(plan_table::plan_table_ui(self, ui)),
                        BottomTab::MarchChart => commands.extend(march_chart::march_chart_ui(self, ui)),
                    }
                },
            );
        }
        egui::CentralPanel::default().frame(egui::Frame::NONE).show(ui, |ui| {
            commands.extend(map_view::map_ui(self, ui));
        });
        commands.extend(windows::windows_ui(self, &ctx));
        for c in commands {
            self.apply(&ctx, c);
        }
        self.play_timeline(&ctx);
        let now = ctx.input(|i| i.time);
        self.autosave_if_due(now);
        self.handle_screenshot(&ctx);
        self.handle_close(&ctx);
        if self.frames == 0
            && let Some(ms) = crate::app::ms_since_start()
        {
            log::info!("first frame built {ms:.0} ms after process start");
        }
        self.frames += 1;
        if !self.imports.is_empty() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        if self.dirty {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(crate::app::AUTOSAVE_SECS));
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut out = Vec::new();
        let typing = ctx.egui_wants_keyboard_input();
        ctx.input_mut(|i| {
            let cmd = egui::Modifiers::COMMAND;
            let cmd_shift = egui::Modifiers::COMMAND | egui::Modifiers::SHIFT;
            if i.consume_key(cmd_shift, Key::Z) || i.consume_key(cmd, Key::Y) {
                out.push(Command::Redo);
            }
            if i.consume_key(cmd, Key::Z) {
                out.push(Command::Undo);
            }
            if i.consume_key(cmd_shift, Key::S) {
                out.push(Command::SaveAsDialog);
            }
            if i.consume_key(cmd, Key::S) {
                out.push(Command::Save);
            }
            if i.consume_key(cmd, Key::O) {
                out.push(Command::OpenPlanDialog);
            }
            if i.consume_key(cmd, Key::N) {
                out.push(Command::NewPlan);
            }
            if i.consume_key(cmd, Key::I) {
                out.push(Command::ImportDialog);
            }
            if typing {
                return;
            }
            let none = egui::Modifiers::NONE;
            if i.consume_key(none, Key::F) {
                out.push(Command::ZoomToBorder);
            }
            if i.consume_key(none, Key::Z) {
                out.push(Command::ZoomToSelection);
            }
            if i.consume_key(none, Key::Plus)
                || i.consume_key(none, Key::Equals)
                || i.consume_key(egui::Modifiers::SHIFT, Key::Equals)
            {
                out.push(Command::ZoomIn);
            }
            if i.consume_key(none, Key::Minus) {
                out.push(Command::ZoomOut);
            }
            let step = 120.0;
            for (k, dx, dy) in [
                (Key::ArrowLeft, -step, 0.0),
                (Key::ArrowRight, step, 0.0),
                (Key::ArrowUp, 0.0, -step),
                (Key::ArrowDown, 0.0, step),
            ] {
                if i.consume_key(none, k) {
                    out.push(Command::Pan { dx_px: dx, dy_px: dy });
                }
            }
            if i.consume_key(none, Key::M) {
                self.tool = if self.tool == Tool::Measure { Tool::Select } else { Tool::Measure };
                self.measure.clear();
            }
            if i.consume_key(none, Key::Escape) {
                if self.tool == Tool::Measure {
                    self.tool = Tool::Select;
                    self.measure.clear();
                } else {
                    self.ui.box_start = None;
                    out.push(Command::ClearSelection);
                }
            }
        });
        out
    }

    fn play_timeline(&mut self, ctx: &egui::Context) {
        if !self.playing {
            return;
        }
        let now = ctx.input(|i| i.time);
        if now - self.play_clock >= 0.6 {
            self.play_clock = now;
            let (first, last) = crate::model::stages::programme_window();
            let next = self.timeline.map(|q| q.next()).unwrap_or(first);
            if next > last {
                self.playing = false;
            } else {
                self.timeline = Some(next);
            }
        }
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }

    fn handle_screenshot(&mut self, _ctx: &egui::Context) {
        let Some(path) = self.screenshot_to.clone() else { return };
        let image = self.screenshot.lock().ok().and_then(|mut s| s.take());
        if let Some(image) = image {
            self.screenshot_to = None;
            let ppp = _ctx.pixels_per_point();
            match save_region_png(&image, self.map_rect, ppp, &path) {
                Ok(()) => self.info(format!("Saved map image {}", path.display())),
                Err(e) => self.error(format!("Could not save the map image: {e}")),
            }
        }
    }

    fn handle_close(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close && self.dirty {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.pending = Some(crate::app::Pending::Quit);
        }
        if self.quit_requested {
            self.quit_requested = false;
            self.remove_recovery_on_quit();
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let title = self.title();
        if self.ui.applied_title != title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.ui.applied_title = title;
        }
    }

    fn remove_recovery_on_quit(&mut self) {
        if let Some(p) = &self.config.recovery_path {
            let _ = std::fs::remove_file(p);
        }
    }

    /// Settings with the current view, for eframe storage.
    pub fn settings_to_save(&self) -> Settings {
        let mut s = self.settings.clone();
        if let Some(c) = self.map_memory.detached() {
            s.view = Some(crate::app::settings::View { lon: c.x(), lat: c.y(), zoom: self.map_memory.zoom() });
        }
        s
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if let Ok(text) = serde_json::to_string(&self.settings_to_save()) {
            storage.set_string(STORAGE_KEY, text);
        }
    }
}

/// Runs the window; files are layers or plans to open.
pub fn run_window(files: Vec<PathBuf>) -> anyhow::Result<()> {
    // Walkers' HTTP client needs a TLS crypto provider; ring is installed once here.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let icon = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")).ok();
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
            let app = App::new(cc, files)?;
            Ok(Box::new(app))
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
        egui::FontData::from_static(include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf")),
        families
            .into_iter()
            .map(|family| egui::epaint::text::InsertFontFamily {
                family,
                priority: egui::epaint::text::FontPriority::Lowest,
            })
            .collect(),
    ));
}

/// Crops the map area out of a window screenshot and writes it as PNG (atomically).
pub fn save_region_png(
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
    path: &std::path::Path,
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
    crate::io::atomic::write_atomic(path, &bytes).map_err(|e| e.to_string())
}
