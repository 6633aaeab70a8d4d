//! View › Messages: the session's message log (every import, save, export and error message since the window
//! opened, with its time), newest at the bottom.

use crate::app::App;
use egui::{Color32, Context, RichText};

const ERROR_COLOUR: Color32 = Color32::from_rgb(0xd5, 0x5e, 0x00);

/// The messages window while `open`; its close button clears `open`.
pub fn messages_ui(app: &App, open: &mut bool, ctx: &Context) {
    if !*open {
        return;
    }
    let log = &app.messages;
    super::windows::map_window(app, "Messages", 60.0).open(open).default_size([640.0, 320.0]).show(ctx, |ui| {
        ui.horizontal(|ui| {
            ui.label(format!(
                "{} since the window opened, {}",
                crate::io::format::count(log.len(), "message", "messages"),
                crate::io::format::count(log.errors(), "error", "errors")
            ));
            if log.dropped > 0 {
                ui.weak(format!("({} older ones dropped)", log.dropped));
            }
            if ui.small_button("Copy all").on_hover_text("Copy every message, one a line").clicked() {
                ui.ctx().copy_text(log.text());
            }
        });
        ui.separator();
        if log.is_empty() {
            ui.weak("No messages yet.");
            return;
        }
        egui::ScrollArea::vertical().auto_shrink([false, false]).stick_to_bottom(true).show(ui, |ui| {
            egui::Grid::new("message_log").num_columns(2).striped(true).spacing([10.0, 2.0]).show(ui, |ui| {
                for e in log.entries() {
                    ui.monospace(&e.time);
                    let text = RichText::new(&e.text);
                    if e.error {
                        ui.add(egui::Label::new(text.color(ERROR_COLOUR)).wrap());
                    } else {
                        ui.add(egui::Label::new(text).wrap());
                    }
                    ui.end_row();
                }
            });
        });
    });
}
