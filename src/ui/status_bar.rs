//! The status bar: cursor position, chainage and distance to the border, zoom, basemap and messages; import
//! progress with Cancel. A click on the message opens the message log.

use crate::app::{App, Command, FileCommand, SettingChange, ViewCommand};
use crate::io::coords::{self, CoordFormat};
use egui::{Color32, RichText, Ui};

/// The status bar; a click on its message opens the message log (`messages_open`).
pub fn status_bar_ui(app: &App, messages_open: &mut bool, ui: &mut Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    ui.horizontal(|ui| {
        let chosen = app.settings.coord_format;
        egui::ComboBox::from_id_salt("coord-format")
            .selected_text(short_label(chosen))
            .width(64.0)
            .show_ui(ui, |ui| {
                for f in CoordFormat::ALL {
                    if ui.selectable_label(f == chosen, f.label()).clicked() {
                        out.push(ViewCommand::Setting(SettingChange::CoordFormat(f)).into());
                    }
                }
            })
            .response
            .on_hover_text("How positions are written; right-click the map to copy one");
        match app.cursor {
            Some(p) => {
                let loc = app.plan.border.locate(p);
                ui.monospace(coords::format(p.x(), p.y(), chosen));
                ui.separator();
                ui.monospace(format!("border km {:.1} · {:.2} km away", loc.chainage_km, loc.distance_m / 1000.0));
            }
            None => {
                ui.monospace("—");
            }
        }
        ui.separator();
        ui.monospace(format!("zoom {:.1}", app.map_memory.zoom()));
        ui.separator();
        let basemap = match &app.raster {
            Some(r) => format!("{} · {}", app.settings.basemap.label(), r.status()),
            None => app.settings.basemap.label(),
        };
        ui.label(basemap);
        for (i, job) in app.imports.iter().enumerate() {
            ui.separator();
            let name = job.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            ui.label(format!("Importing {name}"));
            ui.add(egui::ProgressBar::new(job.fraction()).desired_width(140.0).show_percentage());
            if ui.button("Cancel").clicked() {
                out.push(FileCommand::CancelImport(i).into());
            }
        }
        if let Some(m) = &app.status {
            ui.separator();
            let text = RichText::new(&m.text);
            let text = if m.error { text.color(Color32::from_rgb(0xd5, 0x5e, 0x00)) } else { text };
            let earlier = app.messages.len().saturating_sub(1);
            let hover = if earlier > 0 {
                format!("{} earlier: click to see every message (View › Messages)", earlier)
            } else {
                "Click to see every message (View › Messages)".to_owned()
            };
            if ui.add(egui::Label::new(text).truncate().sense(egui::Sense::click())).on_hover_text(hover).clicked() {
                *messages_open = true;
            }
        }
    });
    out
}

/// The format's name in the status bar's chooser.
fn short_label(f: CoordFormat) -> &'static str {
    match f {
        CoordFormat::Decimal => "Deg",
        CoordFormat::Dms => "DMS",
        CoordFormat::Mgrs => "MGRS",
        CoordFormat::Utm => "UTM",
        CoordFormat::PulkovoGk => "GK",
    }
}
