//! The status bar: cursor position, chainage and distance to the border, zoom, basemap and messages; import
//! progress with Cancel.

use crate::app::{App, Command, FileCommand};
use egui::{Color32, RichText, Ui};

pub fn status_bar_ui(app: &App, ui: &mut Ui) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    ui.horizontal(|ui| {
        match app.cursor {
            Some(p) => {
                let loc = app.plan.border.locate(p);
                ui.monospace(format!("{:.5}°N {:.5}°E", p.y(), p.x()));
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
            if m.error {
                ui.colored_label(Color32::from_rgb(0xd5, 0x5e, 0x00), text);
            } else {
                ui.label(text);
            }
        }
    });
    out
}
