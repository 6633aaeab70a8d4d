//! The write policy in the window (`io::atomic::WriteKind` is the rule; this is how the window asks): an export
//! or a map sheet never replaces a plan file — onto the open plan's own file or any other plan it is refused with
//! a message; replacing any other existing file asks first (unless the desktop's save dialog already asked); Save
//! as… onto an existing file asks, and onto another plan file goes through the changed-on-disk question with its
//! merge offer (*Merge* / *Overwrite* / *Save as…* / *Cancel*).

use super::App;
use super::command::FileCommand;
use crate::io::atomic::{Existing, WriteKind, existing};
use std::path::{Path, PathBuf};

/// A write waiting for the planner to say that replacing the existing file is what they mean.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplaceQuestion {
    /// The existing file.
    pub path: PathBuf,
    /// The write to run once confirmed.
    pub command: FileCommand,
}

/// The file a write command writes to.
fn write_target(command: &FileCommand) -> Option<&Path> {
    match command {
        FileCommand::SaveAs(p) | FileCommand::Export(_, p) | FileCommand::ExportMapImage(p, _) => Some(p),
        _ => None,
    }
}

/// True when two paths name the same file (the same path, or the same file reached through another path).
pub fn same_file(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

impl App {
    /// A write the planner asked for (Save as…, an export, a map sheet), under the write policy. `confirmed`:
    /// the desktop's save dialog already asked whether to replace an existing file.
    pub(super) fn write_checked(&mut self, command: FileCommand, confirmed: bool) {
        let Some(path) = write_target(&command).map(Path::to_path_buf) else { return };
        let own = self.plan_path.as_deref().is_some_and(|p| same_file(p, &path));
        let found = existing(&path);
        if let FileCommand::SaveAs(_) = command {
            match found {
                // The plan's own file: this is Save, with its changed-on-disk check.
                _ if own => {
                    let own_path = self.plan_path.clone().unwrap_or(path);
                    self.save_as(&own_path);
                }
                Existing::Nothing => self.save_as(&path),
                Existing::OtherFile if confirmed => self.save_as(&path),
                Existing::OtherFile => self.replace_question = Some(ReplaceQuestion { path, command }),
                Existing::Plan => {
                    // Another plan: the changed-on-disk question, whose Merge combines that plan with this one.
                    self.error(format!(
                        "{} already holds a plan: not replaced. Merge, overwrite, save as… or cancel",
                        path.display()
                    ));
                    self.save_conflict = Some(path);
                    // As when Save finds its file changed: that question comes first, the held-back action is dropped.
                    self.after_save = None;
                    self.pending = None;
                }
            }
            return;
        }
        if own || found == Existing::Plan {
            let whose = if own { "the open plan's own file" } else { "a borderplan plan file" };
            return self.error(format!(
                "Not exported: {} is {whose}, and an export never replaces a plan (only File › Save does). \
                 Choose another file name",
                path.display()
            ));
        }
        if found == Existing::OtherFile && !confirmed {
            self.replace_question = Some(ReplaceQuestion { path, command });
            return;
        }
        self.run_write(command);
    }

    /// The planner's answer to "replace the existing file?".
    pub(super) fn answer_replace(&mut self, replace: bool) {
        let Some(question) = self.replace_question.take() else { return };
        if replace {
            return self.run_write(question.command);
        }
        self.info(format!("Not replaced: {}", question.path.display()));
        if let FileCommand::SaveAs(_) = question.command {
            // Save as… was the answer to the unsaved-changes question: the held-back action does not follow.
            self.after_save = None;
            self.pending = None;
        }
    }

    /// Runs a write whose target the policy and the planner have cleared.
    fn run_write(&mut self, command: FileCommand) {
        match command {
            FileCommand::SaveAs(p) => self.save_as(&p),
            FileCommand::Export(format, path) => {
                let basis = self.export_basis();
                match crate::io::export::export_to_file_with(
                    &self.plan,
                    format,
                    &path,
                    basis.as_ref(),
                    WriteKind::Output,
                ) {
                    Ok(()) => self.info(format!("Exported {} to {}", format.label(), path.display())),
                    Err(e) => self.error(format!("Export failed: {e}")),
                }
            }
            FileCommand::ExportMapImage(p, request) => self.export_sheet(p, request),
            _ => {}
        }
    }

    /// At start-up: removes the temp files that writes killed mid-way left (`.NAME.tmp-PID` of a process that is
    /// gone) in the folders the window writes to: the recovery file's and those of the recent plans.
    pub fn remove_stale_temp_files(&self) {
        let recovery_dir = self.config.recovery_path.as_deref().and_then(Path::parent);
        let plan_dirs = self.settings.recent.iter().filter_map(|p| p.parent()).filter(|d| !d.as_os_str().is_empty());
        let mut dirs: Vec<&Path> = recovery_dir.into_iter().chain(plan_dirs).collect();
        dirs.sort_unstable();
        dirs.dedup();
        for dir in dirs {
            crate::io::atomic::remove_stale_temp_files_in(dir);
        }
    }

    /// The heading and text of the changed-on-disk question: the plan's own file changed since it was opened, or
    /// Save as… found another plan where it was to write.
    pub fn save_conflict_text(&self) -> Option<(String, String)> {
        let path = self.save_conflict.as_ref()?;
        Some(if self.plan_path.as_deref().is_some_and(|p| same_file(p, path)) {
            (
                "The file changed on disk".to_owned(),
                format!(
                    "{} was changed by someone else since you opened it. Saving now would replace their changes.",
                    path.display()
                ),
            )
        } else {
            (
                "That file holds another plan".to_owned(),
                format!(
                    "{} already holds a plan. Saving there would replace it: merge your changes into it, overwrite \
                     it, or save under another name.",
                    path.display()
                ),
            )
        })
    }
}
