//! File, Edit, View, Plan, Help menus and the search box.

use crate::app::selection::SelectMode;
use crate::app::settings::{BottomTab, RightTab};
use crate::app::{
    App, Ask, Command, FileCommand, PlanCommand, SelectCommand, SettingChange, TileKind, Tool, ViewCommand,
};
use crate::io::export::ExportFormat;
use crate::model::Target;
use crate::prefs::{BasemapChoice, OnlineTiles};
use crate::ui::state::UiState;
use egui::Ui;

pub fn menu_bar_ui(app: &App, state: &mut UiState, ui: &mut Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if ui.add(egui::Button::new("New plan").shortcut_text("Ctrl+N")).clicked() {
                out.push(FileCommand::NewPlan.into());
            }
            if ui.add(egui::Button::new("Open plan…").shortcut_text("Ctrl+O")).clicked() {
                out.push(FileCommand::ChoosePlan.into());
            }
            ui.menu_button("Open recent", |ui| {
                if app.settings.recent.is_empty() {
                    ui.weak("No recent plans");
                }
                for p in &app.settings.recent {
                    if ui.button(p.display().to_string()).clicked() {
                        out.push(FileCommand::OpenPlan(p.clone()).into());
                    }
                }
            });
            if ui.add(egui::Button::new("Save").shortcut_text("Ctrl+S")).clicked() {
                out.push(FileCommand::Save.into());
            }
            if ui.add(egui::Button::new("Save as…").shortcut_text("Ctrl+Shift+S")).clicked() {
                out.push(Ask::SavePlan.into());
            }
            ui.separator();
            for (label, save) in [("Open from database…", false), ("Save to database…", true)] {
                if ui.button(label).clicked() {
                    let origin = crate::io::db::Origin::of(&app.plan);
                    let url = origin.as_ref().map(|o| o.database.clone()).unwrap_or_default();
                    let name = origin.map(|o| o.name).unwrap_or_default();
                    state.windows.database = Some(super::collab::DatabaseForm::new(url, name, save));
                }
            }
            ui.separator();
            if ui.add(egui::Button::new("Import layer…").shortcut_text("Ctrl+I")).clicked() {
                out.push(Ask::Import.into());
            }
            ui.menu_button("Export plan as", |ui| {
                for f in ExportFormat::ALL {
                    if ui.button(format!("{}…", f.label())).clicked() {
                        out.push(Ask::Export(f).into());
                    }
                }
            });
            if ui.button("Export map image…").on_hover_text("A printable map sheet, PNG or PDF").clicked() {
                state.windows.sheet = Some(state.windows.sheet.unwrap_or_default());
            }
            ui.separator();
            if ui
                .button("Load elevation data…")
                .on_hover_text("An SRTM .hgt tile, a DTED cell or a GeoTIFF DEM in lon/lat: coverage by line of sight")
                .clicked()
            {
                out.push(Ask::Elevation { folder: false }.into());
            }
            if ui
                .button("Load elevation folder…")
                .on_hover_text("A folder of SRTM .hgt tiles, DTED cells or GeoTIFFs (formats may be mixed)")
                .clicked()
            {
                out.push(Ask::Elevation { folder: true }.into());
            }
            if app.terrain.dem.is_some() && ui.button("Close elevation data").clicked() {
                out.push(FileCommand::CloseDem.into());
            }
            ui.separator();
            if ui.button("Quit").clicked() {
                out.push(FileCommand::Quit.into());
            }
        });
        ui.menu_button("Edit", |ui| {
            let undo = app.history.undo_label().map(|l| format!("Undo {l}")).unwrap_or_else(|| "Undo".into());
            if ui.add_enabled(app.history.can_undo(), egui::Button::new(undo).shortcut_text("Ctrl+Z")).clicked() {
                out.push(PlanCommand::Undo.into());
            }
            let redo = app.history.redo_label().map(|l| format!("Redo {l}")).unwrap_or_else(|| "Redo".into());
            if ui.add_enabled(app.history.can_redo(), egui::Button::new(redo).shortcut_text("Ctrl+Shift+Z")).clicked() {
                out.push(PlanCommand::Redo.into());
            }
            ui.separator();
            if ui.add(egui::Button::new("Clear selection").shortcut_text("Esc")).clicked() {
                out.push(SelectCommand::Clear.into());
            }
            if ui.button("Select all segments").clicked() {
                out.push(Command::Select(SelectCommand::Targets(
                    app.plan.segments.segments().iter().map(|s| Target::Segment(s.id.clone())).collect(),
                    SelectMode::Replace,
                )));
            }
            if ui.button("Select all outposts").clicked() {
                out.push(Command::Select(SelectCommand::Targets(
                    app.plan.outposts.iter().map(|o| Target::Outpost(o.id.clone())).collect(),
                    SelectMode::Replace,
                )));
            }
            if ui
                .button("Select km range…")
                .on_hover_text("Selects and zooms to the segments and outposts between two border kms")
                .clicked()
            {
                state.windows.km_range = Some((0.0, 100.0));
            }
            ui.separator();
            if ui.button("Equipment catalog…").clicked() {
                state.windows.catalog_open = true;
            }
            if ui.button("Plan details…").clicked() {
                state.windows.meta_open = true;
            }
        });
        ui.menu_button("View", |ui| {
            if ui.add(egui::Button::new("Zoom to border").shortcut_text("F")).clicked() {
                out.push(ViewCommand::ZoomToBorder.into());
            }
            if ui.add(egui::Button::new("Zoom to selection").shortcut_text("Z")).clicked() {
                out.push(ViewCommand::ZoomToSelection.into());
            }
            ui.separator();
            let s = &app.settings;
            for (mut on, label, change) in [
                (s.show_left, "Layers panel", SettingChange::ShowLeft as fn(bool) -> SettingChange),
                (s.show_right, "Details panel", SettingChange::ShowRight),
                (s.show_bottom, "Plan panel", SettingChange::ShowBottom),
            ] {
                if ui.checkbox(&mut on, label).changed() {
                    out.push(ViewCommand::Setting(change(on)).into());
                }
            }
            ui.separator();
            ui.label("Basemap");
            let online_off = app.settings.online_tiles == OnlineTiles::Disabled;
            for choice in [BasemapChoice::Vector, BasemapChoice::OpenStreetMap] {
                let enabled = !(online_off && choice == BasemapChoice::OpenStreetMap);
                let radio = egui::RadioButton::new(app.settings.basemap == choice, choice.label());
                if ui.add_enabled(enabled, radio).clicked() {
                    out.push(ViewCommand::SetBasemap(choice).into());
                }
            }
            let mut allowed = app.settings.online_tiles == OnlineTiles::Allowed;
            let switch = ui
                .checkbox(&mut allowed, "Allow online tile basemaps")
                .on_hover_text("The tile server learns which area you view. Off: nothing is fetched from the network.");
            if switch.changed() {
                let answer = if allowed { OnlineTiles::Allowed } else { OnlineTiles::Disabled };
                out.push(ViewCommand::Setting(SettingChange::OnlineTiles(answer)).into());
            }
            if ui.button("Open MBTiles…").clicked() {
                out.push(Ask::Tiles(TileKind::MbTiles).into());
            }
            if ui.button("Open PMTiles…").clicked() {
                out.push(Ask::Tiles(TileKind::PmTiles).into());
            }
            if ui.button("Open tile folder…").clicked() {
                out.push(Ask::Tiles(TileKind::Folder).into());
            }
            if ui.add(egui::Button::new("Go to coordinate…").shortcut_text("Ctrl+G")).clicked() {
                state.windows.goto = Some(String::new());
            }
            ui.separator();
            let mut dark = app.settings.dark;
            if ui.checkbox(&mut dark, "Dark theme").changed() {
                out.push(ViewCommand::Setting(SettingChange::Dark(dark)).into());
            }
            let mut measure = app.tool == Tool::Measure;
            if ui.checkbox(&mut measure, "Measure tool (M)").changed() {
                out.push(ViewCommand::SetTool(if measure { Tool::Measure } else { Tool::Select }).into());
            }
            ui.separator();
            let errors = app.messages.errors();
            let label = if errors > 0 {
                format!("Messages ({})…", crate::io::format::count(errors, "error", "errors"))
            } else {
                "Messages…".to_owned()
            };
            if ui.button(label).on_hover_text("Every message since the window opened, with its time").clicked() {
                state.windows.messages_open = true;
            }
        });
        ui.menu_button("Plan", |ui| {
            if ui.button("Plan table").clicked() {
                out.push(ViewCommand::Setting(SettingChange::BottomTab(BottomTab::Table)).into());
            }
            if ui.button("March chart (time–chainage)").clicked() {
                out.push(ViewCommand::Setting(SettingChange::BottomTab(BottomTab::MarchChart)).into());
            }
            if ui.button("Rules and findings").clicked() {
                out.push(ViewCommand::Setting(SettingChange::RightTab(RightTab::Rules)).into());
            }
            if ui.button("Summary and coverage").clicked() {
                out.push(ViewCommand::Setting(SettingChange::RightTab(RightTab::Summary)).into());
            }
            ui.separator();
            let mut overlays = app.settings.overlays;
            if ui.checkbox(&mut overlays.range_rings, "Range rings around outposts").changed() {
                out.push(ViewCommand::Setting(SettingChange::Overlays(overlays)).into());
            }
        });
        ui.menu_button("Help", |ui| {
            if ui.button("Keyboard shortcuts").clicked() {
                state.windows.shortcuts_open = true;
            }
            if ui.button("About borderplan").clicked() {
                state.windows.about_open = true;
            }
        });
        ui.separator();
        out.extend(search_ui(app, &mut state.search, &mut state.search_index, ui));
        if app.tool == Tool::Measure {
            ui.colored_label(egui::Color32::from_rgb(0xd6, 0x27, 0x28), "Measuring: click points, Esc ends");
        }
    });
    out
}

/// The search box: places in any spelling, outposts, segments, km and coordinates ([`crate::io::find`]); the arrow
/// keys move through the hits, Enter goes to the chosen one.
fn search_ui(app: &App, search: &mut String, index: &mut usize, ui: &mut Ui) -> Vec<Command> {
    let mut out = Vec::new();
    let id = egui::Id::unique("borderplan-search");
    if ui.memory(|m| m.has_focus(id)) {
        let (down, up) = ui.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown),
                i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp),
            )
        });
        if down {
            *index += 1;
        }
        if up {
            *index = index.saturating_sub(1);
        }
    }
    let r = ui.add(
        egui::TextEdit::singleline(search)
            .id(id)
            .hint_text("Find place, outpost, km or coordinate")
            .desired_width(260.0),
    );
    if r.changed() {
        *index = 0;
    }
    if search.trim().is_empty() {
        return out;
    }
    let (hits, problem) = match crate::io::find::find(&app.plan, search, 12) {
        Ok(h) => (h, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    *index = (*index).min(hits.len().saturating_sub(1));
    let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    let mut chosen = if enter { hits.get(*index) } else { None };
    if r.has_focus() || r.lost_focus() {
        egui::Popup::from_response(&r).open(true).show(|ui| {
            ui.set_min_width(340.0);
            if let Some(p) = &problem {
                ui.colored_label(ui.visuals().error_fg_color, p);
            } else if hits.is_empty() {
                ui.weak("No match: try a place name, an outpost, \"km 420\", \"37.49 71.55\" or MGRS");
            }
            for (i, hit) in hits.iter().enumerate() {
                let detail = if hit.detail.is_empty() { String::new() } else { format!(" — {}", hit.detail) };
                let text = format!("{} {}{detail} · km {:.0}", hit.kind.label(), hit.name, hit.km);
                let item = ui.selectable_label(i == *index, text);
                if i == *index {
                    item.scroll_to_me(None);
                }
                if item.clicked() {
                    chosen = Some(hit);
                }
            }
        });
    }
    if let Some(hit) = chosen {
        out.extend(go_to(hit));
        search.clear();
        *index = 0;
    }
    out
}

/// The commands that go to a hit: select an outpost or segment, pin a km, or pin a place or position.
fn go_to(hit: &crate::io::find::Hit) -> Vec<Command> {
    use crate::io::find::HitKind;
    match (&hit.target, hit.kind) {
        (Some(t), _) => vec![
            SelectCommand::Targets(vec![t.clone()], SelectMode::Replace).into(),
            ViewCommand::ZoomToSelection.into(),
        ],
        (None, HitKind::Km) => vec![SelectCommand::GoToKm(hit.km).into()],
        (None, _) => vec![SelectCommand::GoToPlace { lon: hit.lon, lat: hit.lat, label: hit.name.clone() }.into()],
    }
}
