//! File, Edit, View, Plan, Help menus and the search box.

use crate::app::selection::SelectMode;
use crate::app::settings::{BottomTab, RightTab};
use crate::app::{App, Command, TileKind, Tool};
use crate::io::export::ExportFormat;
use crate::map::tiles::BasemapChoice;
use crate::model::Target;
use egui::Ui;

pub fn menu_bar_ui(app: &mut App, ui: &mut Ui) -> Vec<Command> {
    let mut out = Vec::new();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if ui.add(egui::Button::new("New plan").shortcut_text("Ctrl+N")).clicked() {
                out.push(Command::NewPlan);
            }
            if ui.add(egui::Button::new("Open plan…").shortcut_text("Ctrl+O")).clicked() {
                out.push(Command::OpenPlanDialog);
            }
            ui.menu_button("Open recent", |ui| {
                if app.settings.recent.is_empty() {
                    ui.weak("No recent plans");
                }
                for p in app.settings.recent.clone() {
                    if ui.button(p.display().to_string()).clicked() {
                        out.push(Command::OpenPlan(p));
                    }
                }
            });
            if ui.add(egui::Button::new("Save").shortcut_text("Ctrl+S")).clicked() {
                out.push(Command::Save);
            }
            if ui.add(egui::Button::new("Save as…").shortcut_text("Ctrl+Shift+S")).clicked() {
                out.push(Command::SaveAsDialog);
            }
            ui.separator();
            if ui.add(egui::Button::new("Import layer…").shortcut_text("Ctrl+I")).clicked() {
                out.push(Command::ImportDialog);
            }
            ui.menu_button("Export plan as", |ui| {
                for f in ExportFormat::ALL {
                    if ui.button(format!("{}…", f.label())).clicked() {
                        out.push(Command::ExportDialog(f));
                    }
                }
            });
            if ui.button("Export map image…").clicked() {
                out.push(Command::ExportMapImageDialog);
            }
            ui.separator();
            if ui.button("Quit").clicked() {
                out.push(Command::Quit);
            }
        });
        ui.menu_button("Edit", |ui| {
            let undo = app.history.undo_label().map(|l| format!("Undo {l}")).unwrap_or_else(|| "Undo".into());
            if ui.add_enabled(app.history.can_undo(), egui::Button::new(undo).shortcut_text("Ctrl+Z")).clicked() {
                out.push(Command::Undo);
            }
            let redo = app.history.redo_label().map(|l| format!("Redo {l}")).unwrap_or_else(|| "Redo".into());
            if ui.add_enabled(app.history.can_redo(), egui::Button::new(redo).shortcut_text("Ctrl+Shift+Z")).clicked() {
                out.push(Command::Redo);
            }
            ui.separator();
            if ui.add(egui::Button::new("Clear selection").shortcut_text("Esc")).clicked() {
                out.push(Command::ClearSelection);
            }
            if ui.button("Select all segments").clicked() {
                out.push(Command::Select(
                    app.plan.segments.segments().iter().map(|s| Target::Segment(s.id.clone())).collect(),
                    SelectMode::Replace,
                ));
            }
            if ui.button("Select all outposts").clicked() {
                out.push(Command::Select(
                    app.plan.outposts.iter().map(|o| Target::Outpost(o.id.clone())).collect(),
                    SelectMode::Replace,
                ));
            }
            if ui.button("Select km range…").clicked() {
                app.ui.km_range = Some((0.0, 100.0));
            }
            ui.separator();
            if ui.button("Equipment catalog…").clicked() {
                app.ui.catalog_open = true;
            }
            if ui.button("Plan details…").clicked() {
                app.ui.meta_open = true;
            }
        });
        ui.menu_button("View", |ui| {
            if ui.add(egui::Button::new("Zoom to border").shortcut_text("F")).clicked() {
                out.push(Command::ZoomToBorder);
            }
            if ui.add(egui::Button::new("Zoom to selection").shortcut_text("Z")).clicked() {
                out.push(Command::ZoomToSelection);
            }
            ui.separator();
            ui.checkbox(&mut app.settings.show_left, "Layers panel");
            ui.checkbox(&mut app.settings.show_right, "Details panel");
            ui.checkbox(&mut app.settings.show_bottom, "Plan panel");
            ui.separator();
            ui.label("Basemap");
            for choice in [BasemapChoice::Vector, BasemapChoice::OpenStreetMap] {
                if ui.radio(app.settings.basemap == choice, choice.label()).clicked() {
                    out.push(Command::SetBasemap(choice));
                }
            }
            if ui.button("Open MBTiles…").clicked() {
                out.push(Command::OpenTilesDialog(TileKind::MbTiles));
            }
            if ui.button("Open PMTiles…").clicked() {
                out.push(Command::OpenTilesDialog(TileKind::PmTiles));
            }
            if ui.button("Open tile folder…").clicked() {
                out.push(Command::OpenTilesDialog(TileKind::Folder));
            }
            ui.separator();
            ui.checkbox(&mut app.settings.dark, "Dark theme");
            let mut measure = app.tool == Tool::Measure;
            if ui.checkbox(&mut measure, "Measure tool (M)").changed() {
                app.tool = if measure { Tool::Measure } else { Tool::Select };
                app.measure.clear();
            }
        });
        ui.menu_button("Plan", |ui| {
            if ui.button("Plan table").clicked() {
                app.settings.show_bottom = true;
                app.settings.bottom_tab = BottomTab::Table;
            }
            if ui.button("March chart (time–chainage)").clicked() {
                app.settings.show_bottom = true;
                app.settings.bottom_tab = BottomTab::MarchChart;
            }
            if ui.button("Rules and findings").clicked() {
                app.settings.show_right = true;
                app.settings.right_tab = RightTab::Rules;
            }
            if ui.button("Summary and coverage").clicked() {
                app.settings.show_right = true;
                app.settings.right_tab = RightTab::Summary;
            }
            ui.separator();
            ui.checkbox(&mut app.settings.overlays.range_rings, "Range rings around outposts");
        });
        ui.menu_button("Help", |ui| {
            if ui.button("Keyboard shortcuts").clicked() {
                app.ui.shortcuts_open = true;
            }
            if ui.button("About borderplan").clicked() {
                app.ui.about_open = true;
            }
        });
        ui.separator();
        out.extend(search_ui(app, ui));
        if app.tool == Tool::Measure {
            ui.colored_label(egui::Color32::from_rgb(0xd6, 0x27, 0x28), "Measuring: click points, Esc ends");
        }
    });
    out
}

/// Search outposts, towns, segments or a km value; Enter centres on the first hit.
fn search_ui(app: &mut App, ui: &mut Ui) -> Vec<Command> {
    let mut out = Vec::new();
    let r = ui.add(
        egui::TextEdit::singleline(&mut app.ui.search)
            .hint_text("Search outpost, town, segment or km")
            .desired_width(260.0),
    );
    let q = app.ui.search.trim().to_lowercase();
    if q.is_empty() {
        return out;
    }
    let mut hits: Vec<(String, Command)> = Vec::new();
    let km = q.trim_start_matches("km").trim().parse::<f64>().ok();
    if let Some(km) = km.filter(|k| *k >= 0.0 && *k <= app.plan.border.length_km()) {
        let p = app.plan.border.point_at_km(km);
        hits.push((format!("Border km {km:.1}"), Command::ZoomToBounds([p.x(), p.y(), p.x(), p.y()])));
        if let Some(s) = app.plan.segments.segment_at_km(km) {
            hits.push((
                format!("Segment at km {km:.1}: {}", s.name),
                Command::Select(vec![Target::Segment(s.id.clone())], SelectMode::Replace),
            ));
        }
    }
    for o in app
        .plan
        .outposts
        .iter()
        .filter(|o| o.name.to_lowercase().contains(&q) || o.id.to_lowercase().contains(&q))
        .take(8)
    {
        hits.push((
            format!("Outpost {} ({})", o.name, o.id),
            Command::Select(vec![Target::Outpost(o.id.clone())], SelectMode::Replace),
        ));
    }
    for s in app
        .plan
        .segments
        .segments()
        .iter()
        .filter(|s| s.name.to_lowercase().contains(&q) || s.id.to_lowercase().contains(&q))
        .take(8)
    {
        hits.push((
            format!("Segment {} ({})", s.name, s.id),
            Command::Select(vec![Target::Segment(s.id.clone())], SelectMode::Replace),
        ));
    }
    for t in app.base.towns.iter().filter(|t| t.name.to_lowercase().contains(&q)).take(8) {
        let (x, y) = (t.position.x(), t.position.y());
        hits.push((format!("Town {} ({})", t.name, t.country), Command::ZoomToBounds([x, y, x, y])));
    }
    let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    let mut chosen: Option<Command> = None;
    if enter {
        chosen = hits.first().map(|h| h.1.clone());
    }
    if r.has_focus() || r.lost_focus() {
        egui::Popup::from_response(&r).open(true).show(|ui| {
            ui.set_min_width(300.0);
            if hits.is_empty() {
                ui.weak("No match");
            }
            for (label, cmd) in &hits {
                if ui.selectable_label(false, label).clicked() {
                    chosen = Some(cmd.clone());
                }
            }
        });
    }
    if let Some(c) = chosen {
        let zoom_sel = matches!(c, Command::Select(..));
        out.push(c);
        if zoom_sel {
            out.push(Command::ZoomToSelection);
        }
        app.ui.search.clear();
    }
    out
}
