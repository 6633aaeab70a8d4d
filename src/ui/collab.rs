//! Several planners, one file: the changed-on-disk banner, the question when a save finds the file changed
//! (*Merge* / *Overwrite* / *Save as…* / *Cancel*) and the merge conflicts dialog (theirs or ours, per conflict).

use crate::app::collab::MergeSource;
use crate::app::database::DbTask;
use crate::app::{App, Command, DiskAnswer, FileCommand};
use crate::model::{Pick, Resolutions};
use egui::{Color32, Context, RichText, Ui};
use std::collections::HashMap;

const WARN: Color32 = Color32::from_rgb(0xd5, 0x5e, 0x00);

/// The banner under the menu bar while the plan file has changed on disk.
pub fn disk_banner_ui(app: &App, ui: &mut Ui) -> Vec<Command> {
    let mut out = Vec::new();
    let Some(text) = app.disk_banner() else { return out };
    ui.horizontal(|ui| {
        ui.label(RichText::new(text).color(WARN).strong());
        if ui.button("Merge their changes").clicked() {
            out.push(FileCommand::MergeFromDisk.into());
        }
        if ui.button("Dismiss").clicked() {
            out.push(FileCommand::DismissDiskBanner.into());
        }
    });
    out
}

/// The refused-save question and the merge conflicts dialog. `picks` holds the answers chosen so far, by
/// conflict key.
pub fn collab_windows_ui(app: &App, picks: &mut HashMap<String, Pick>, ctx: &Context) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    if let Some((heading, text)) = app.save_conflict_text() {
        egui::Modal::new(egui::Id::unique("changed_on_disk")).show(ctx, |ui| {
            ui.heading(heading);
            ui.label(text);
            ui.horizontal(|ui| {
                let answers = [
                    ("Merge", DiskAnswer::Merge, "Combine their changes with yours, then save"),
                    ("Overwrite", DiskAnswer::Overwrite, "Replace the file with your plan: their changes are lost"),
                    ("Save as…", DiskAnswer::SaveAs, "Keep their file and save yours under another name"),
                    ("Cancel", DiskAnswer::Cancel, "Do not save now"),
                ];
                for (label, answer, hover) in answers {
                    let text = if answer == DiskAnswer::Merge { RichText::new(label).strong() } else { label.into() };
                    if ui.button(text).on_hover_text(hover).clicked() {
                        out.push(FileCommand::Disk(answer).into());
                    }
                }
            });
        });
    }
    let Some(review) = &app.merge_review else {
        picks.clear();
        return out;
    };
    egui::Modal::new(egui::Id::unique("merge_conflicts")).show(ctx, |ui| {
        ui.heading("Merge: both sides changed the same things");
        ui.label(format!(
            "Everything else is combined. For each of these, keep theirs ({}) or ours (this window):",
            review.theirs_label()
        ));
        egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
            egui::Grid::new("conflicts").striped(true).num_columns(3).show(ui, |ui| {
                for c in &review.conflicts {
                    let key = c.key();
                    let mut pick = picks.get(&key).copied();
                    ui.label(c.line());
                    ui.radio_value(&mut pick, Some(Pick::Theirs), "theirs");
                    ui.radio_value(&mut pick, Some(Pick::Ours), "ours");
                    if let Some(p) = pick {
                        picks.insert(key, p);
                    }
                    ui.end_row();
                }
            });
        });
        let answered = review.conflicts.iter().filter(|c| picks.contains_key(&c.key())).count();
        ui.horizontal(|ui| {
            if ui.button("All theirs").clicked() {
                for c in &review.conflicts {
                    picks.insert(c.key(), Pick::Theirs);
                }
            }
            if ui.button("All ours").clicked() {
                for c in &review.conflicts {
                    picks.insert(c.key(), Pick::Ours);
                }
            }
            ui.separator();
            let all = answered == review.conflicts.len();
            let then = match review.source {
                MergeSource::Database { .. } => " and save to database",
                MergeSource::File { .. } if review.save_after => " and save",
                MergeSource::File { .. } => "",
            };
            let label = format!("Apply merge{then} ({answered} of {} decided)", review.conflicts.len());
            if ui.add_enabled(all, egui::Button::new(RichText::new(label).strong())).clicked() {
                let each = picks.clone();
                out.push(FileCommand::FinishMerge(Resolutions { all: None, each }).into());
            }
            if ui.button("Cancel merge").clicked() {
                out.push(FileCommand::CancelMerge.into());
            }
        });
    });
    out
}

/// The database dialog's inputs, and which job it waits for.
#[derive(Debug, Clone, Default)]
pub struct DatabaseForm {
    pub url: String,
    pub name: String,
    /// Saves (else opens).
    pub save: bool,
    /// The job serial before this dialog's last request: outcomes with a larger serial answer it.
    pub asked_after: Option<u64>,
}

impl DatabaseForm {
    pub fn new(url: String, name: String, save: bool) -> Self {
        Self { url, name, save, asked_after: None }
    }
}

/// The small database dialog: a libpq URL and a plan name; List, Open or Save. The work runs on a worker: the
/// dialog shows its progress, then closes on success or shows the error (and a refused push's conflicts).
pub fn database_ui(app: &App, form: &mut Option<DatabaseForm>, ctx: &Context) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    let Some(f) = form.as_mut() else { return out };
    let answer = f.asked_after.and_then(|after| app.db.last.as_ref().filter(|o| o.serial > after));
    if let Some(o) = answer
        && o.ok
        && o.task != DbTask::List
        && app.db.job.is_none()
    {
        *form = None;
        return out;
    }
    let mut open = true;
    let title = if f.save { "Save to database" } else { "Open from database" };
    egui::Window::new(title).open(&mut open).collapsible(false).resizable(false).show(ctx, |ui| {
        ui.label("PostgreSQL/PostGIS connection (password in PGPASSWORD or ~/.pgpass; TLS with ?sslmode=require):");
        ui.add(
            egui::TextEdit::singleline(&mut f.url)
                .desired_width(420.0)
                .hint_text("postgresql://user@host:5432/dbname?sslmode=require"),
        );
        ui.label("Plan name");
        ui.add(egui::TextEdit::singleline(&mut f.name).desired_width(420.0).hint_text("Plan name"));
        if let Some((_, plans)) = &app.db.listed
            && !f.save
            && !plans.is_empty()
        {
            ui.horizontal_wrapped(|ui| {
                ui.label("Stored:");
                for p in plans {
                    if ui
                        .selectable_label(f.name == p.name, &p.name)
                        .on_hover_text(format!("version {}, {}", p.version, p.pushed_at))
                        .clicked()
                    {
                        f.name = p.name.clone();
                    }
                }
            });
        }
        let busy = app.db.job.as_ref();
        let has_url = !f.url.trim().is_empty();
        let ready = busy.is_none() && has_url && !f.name.trim().is_empty();
        ui.horizontal(|ui| {
            let verb = if f.save { "Save" } else { "Open" };
            let (url, name) = (f.url.trim().to_owned(), f.name.trim().to_owned());
            if ui.add_enabled(ready, egui::Button::new(RichText::new(verb).strong())).clicked() {
                out.push(if f.save {
                    FileCommand::SaveToDatabase { url: url.clone(), name }.into()
                } else {
                    FileCommand::OpenFromDatabase { url: url.clone(), name }.into()
                });
                f.asked_after = Some(app.db.serial);
            }
            if ui.add_enabled(busy.is_none() && has_url, egui::Button::new("List plans")).clicked() {
                out.push(FileCommand::ListDatabase { url }.into());
                f.asked_after = Some(app.db.serial);
            }
        });
        if let Some(job) = busy {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(job.progress());
            });
        } else if let Some(o) = answer.filter(|o| !o.ok) {
            ui.colored_label(WARN, &o.text);
            for line in &o.conflicts {
                ui.label(format!("• {line}"));
            }
        }
    });
    if !open {
        *form = None;
    }
    out
}
