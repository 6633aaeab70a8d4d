//! "Replace the existing file?": asked before Save as…, an export or a map sheet replaces a file the desktop's
//! save dialog did not already ask about (a typed path). *Replace* writes, *Cancel* (or Esc) writes nothing.

use crate::app::{App, Command, FileCommand};
use egui::{Context, RichText};

/// The question, while one waits; returns the answer as a command.
pub fn replace_question_ui(app: &App, ctx: &Context) -> Option<Command> {
    let question = app.replace_question.as_ref()?;
    let name = question.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut answer = None;
    let modal = egui::Modal::new(egui::Id::unique("replace_question")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        ui.heading(format!("Replace {name}?"));
        ui.label(format!("{} already exists. Replacing it loses what it holds now.", question.path.display()));
        ui.horizontal(|ui| {
            if ui.button(RichText::new("Replace").strong()).clicked() {
                answer = Some(true);
            }
            if ui.button("Cancel").clicked() {
                answer = Some(false);
            }
        });
    });
    if answer.is_none() && modal.should_close() {
        answer = Some(false);
    }
    answer.map(|a| FileCommand::AnswerReplace(a).into())
}
