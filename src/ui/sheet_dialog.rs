//! File › Export map image…: paper, DPI, PNG or PDF, and the extent; then asks where to write the sheet. The
//! drawing is the CLI's (`io::export::sheet`), run off the UI thread by the app.

use crate::app::{App, Ask, Command, SheetRequest};
use crate::io::export::sheet::{Paper, SheetFormat};
use egui::Context;

pub fn sheet_dialog_ui(app: &App, state: &mut Option<SheetRequest>, ctx: &Context) -> Vec<Command> {
    let mut out = Vec::new();
    let Some(request) = state.as_mut() else { return out };
    let mut open = true;
    let mut done = false;
    super::windows::map_window(app, "Export map sheet", 40.0).open(&mut open).resizable(false).collapsible(false).show(
        ctx,
        |ui| {
            egui::Grid::new("sheet-grid").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
                ui.label("Paper");
                ui.horizontal(|ui| {
                    for p in Paper::ALL {
                        ui.radio_value(&mut request.paper, p, p.label());
                    }
                });
                ui.end_row();
                ui.label("Resolution");
                ui.horizontal(|ui| {
                    for dpi in [100, 150, 300] {
                        ui.radio_value(&mut request.dpi, dpi, format!("{dpi} DPI"));
                    }
                });
                ui.end_row();
                ui.label("Format");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut request.format, SheetFormat::Png, "PNG image");
                    ui.radio_value(&mut request.format, SheetFormat::Pdf, "PDF (vector)");
                });
                ui.end_row();
                ui.label("Area");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut request.current_view, true, "Current map view");
                    ui.radio_value(&mut request.current_view, false, "Whole border");
                });
                ui.end_row();
            });
            let (w, h) = request.paper.size_px(f64::from(request.dpi));
            let (mm_w, mm_h) = request.paper.size_mm();
            ui.weak(match request.format {
                SheetFormat::Png => format!("{w} × {h} pixels ({mm_w:.0} × {mm_h:.0} mm)"),
                SheetFormat::Pdf => format!("One page, {mm_w:.0} × {mm_h:.0} mm, vector"),
            });
            ui.weak("Title, legend, scale bar, north arrow, graticule and attribution; visible layers included.");
            ui.separator();
            ui.horizontal(|ui| {
                let busy = app.sheet_job.is_some();
                let button = ui.add_enabled(!busy, egui::Button::new("Export…"));
                if busy {
                    ui.spinner();
                    ui.label("Drawing the previous sheet…");
                }
                if button.clicked() {
                    out.push(Ask::MapImage(*request).into());
                    done = true;
                }
                if ui.button("Cancel").clicked() {
                    done = true;
                }
            });
        },
    );
    if !open || done {
        *state = None;
    }
    out
}
