//! View › Go to coordinate… (Ctrl+G): a position typed in any notation the finder reads (decimal, DMS, MGRS, UTM,
//! Pulkovo 1942 Gauss–Krüger), shown in every format before the map goes there.

use crate::app::{App, Command, SelectCommand};
use crate::io::coords::{self, CoordFormat};
use egui::{Context, RichText};

/// The dialog while `text` is `Some`; closing or going clears it.
pub fn goto_dialog_ui(app: &App, text: &mut Option<String>, ctx: &Context) -> Vec<Command> {
    let mut out = Vec::new();
    let Some(typed) = text.as_mut() else { return out };
    let mut open = true;
    let mut done = false;
    super::windows::map_window(app, "Go to coordinate", 12.0).open(&mut open).collapsible(false).resizable(false).show(
        ctx,
        |ui| {
            ui.label("Decimal degrees, DMS, MGRS, UTM or Pulkovo 1942 Gauss–Krüger (X Y):");
            let r = ui.add(
                egui::TextEdit::singleline(typed)
                    .id(egui::Id::unique("goto-coordinate"))
                    .hint_text("42S YG 25741 52337")
                    .desired_width(320.0),
            );
            if typed.is_empty() && ui.memory(|m| m.focused().is_none()) {
                r.request_focus();
            }
            let readings = coords::read(typed);
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if typed.trim().is_empty() {
                ui.weak("e.g. 37.49 71.55 · 37°29'25\"N 71°33'12\"E · 42SYG2574152337 · 42S 725741 4152337");
            } else if readings.is_empty() {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!(
                        "\"{}\" is not a position: give latitude and longitude, MGRS (42SYG2574152337), UTM (zone, \
                         easting, northing) or Gauss–Krüger X and Y (7 and 8 digits)",
                        typed.trim()
                    ),
                );
            }
            for (i, p) in readings.iter().enumerate() {
                ui.separator();
                ui.label(RichText::new(format!("Read as {}", p.notation)).strong());
                egui::Grid::new(("goto-formats", i)).num_columns(2).show(ui, |ui| {
                    for f in CoordFormat::ALL {
                        ui.label(f.label());
                        ui.monospace(coords::format(p.lon_deg, p.lat_deg, f));
                        ui.end_row();
                    }
                    ui.label("Border");
                    let at = geo::Point::new(p.lon_deg, p.lat_deg);
                    ui.label(format!(
                        "km {:.1}, {:.1} km away",
                        app.plan.border.chainage_km(at),
                        app.plan.border.distance_m(at) / 1000.0
                    ));
                    ui.end_row();
                });
                if ui.button("Go there").clicked() || (enter && i == 0) {
                    let label = coords::format(p.lon_deg, p.lat_deg, app.settings.coord_format);
                    out.push(SelectCommand::GoToPlace { lon: p.lon_deg, lat: p.lat_deg, label }.into());
                    done = true;
                }
            }
        },
    );
    if !open || done {
        *text = None;
    }
    out
}
