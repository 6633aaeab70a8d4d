//! `db pull -o FILE` onto a file that may hold work: the file is compared with the version it was pulled from,
//! and edits never pushed are never overwritten unasked. An unchanged pulled copy is brought to the current
//! version; a file with unpushed edits is refused, merged three-way with the current version
//! ([`PullMode::Merge`]: base = the version it was pulled at, ours = the file, theirs = the current version) or
//! replaced ([`PullMode::Force`]); any other plan file is refused unless forced.

use super::{
    DbError, Origin, check_schema, current_version, origin_of_version, parse_version, same_history, target_of,
    version_text, with_origin, without_origin,
};
use crate::io::atomic::{Existing, WriteKind, existing};
use crate::io::plan_file;
use crate::model::merge::{diff, merge};
use crate::model::{Plan, Resolutions};
use postgres::Client;
use std::path::Path;

/// What to do with unpushed edits in the file pulled onto.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PullMode {
    /// Refuse (the default).
    #[default]
    Refuse,
    /// Merge the current version into them, three-way.
    Merge,
    /// Replace the file whatever it holds.
    Force,
}

/// What to write to the file.
#[derive(Debug, Clone, PartialEq)]
pub struct PulledFile {
    /// The plan to write, with its origin (the current version).
    pub plan: Plan,
    pub version: i64,
    /// The file's unpushed edits were merged with the current version.
    pub merged: bool,
    /// The file already holds the current version and its edits: nothing to write.
    pub up_to_date: bool,
    /// The write policy's kind for the write: an output that may replace the plan file it checked.
    pub kind: WriteKind,
}

/// The first changes listed in a refusal.
const LISTED_CHANGES: usize = 3;

/// Pulls `name` for writing to `path`, after comparing what `path` holds with the version it was pulled from.
///
/// # Errors
/// [`DbError::UnpushedEdits`] and [`DbError::NotThisPlan`] (nothing to write), [`DbError::Conflicts`] when a
/// merge overlaps, and the database's own errors.
pub fn pull_to_file(
    client: &mut Client,
    url: &str,
    name: &str,
    path: &Path,
    mode: PullMode,
) -> Result<PulledFile, DbError> {
    let local = match existing(path) {
        Existing::Nothing | Existing::OtherFile => None,
        Existing::Plan if mode == PullMode::Force => None,
        Existing::Plan => Some(plan_file::load(path).map_err(|e| DbError::NotThisPlan {
            path: path.to_owned(),
            reason: format!("cannot be read as a plan ({e})"),
        })?),
    };
    let replacing = existing(path) == Existing::Plan;
    let mut tx = client.transaction()?;
    check_schema(&mut tx)?;
    let current = current_version(&mut tx, name)?.ok_or_else(|| DbError::NoSuchPlan(name.to_owned()))?;
    let current_text = version_text(&mut tx, name, current)?
        .ok_or_else(|| DbError::NoSuchPlan(format!("{name} (version {current})")))?;
    let current_plan = parse_version(name, current, &current_text)?;
    let pulled = with_origin(current_plan.clone(), &origin_of_version(url, name, current, &current_text));
    let kind = if replacing { WriteKind::OutputOverPlan } else { WriteKind::Output };
    let write = |plan: Plan, merged: bool| PulledFile { plan, version: current, merged, up_to_date: false, kind };
    let Some(local) = local else { return Ok(write(pulled, false)) };

    let not_this = |reason: String| DbError::NotThisPlan { path: path.to_owned(), reason };
    let origin = match Origin::of(&local) {
        Some(o) if o.name == name => o,
        Some(o) => return Err(not_this(format!("holds the plan “{}” pulled from {}", o.name, target_of(&o.database)))),
        None => return Err(not_this(format!("holds a plan that was not pulled from “{name}”"))),
    };
    let base_text = version_text(&mut tx, name, origin.version)?;
    if !same_history(&origin, url, base_text.as_deref()) {
        return Err(not_this(format!(
            "was pulled from “{name}” version {} in {}, another history than “{name}” in {}",
            origin.version,
            target_of(&origin.database),
            target_of(url)
        )));
    }
    let base = match &base_text {
        Some(text) => parse_version(name, origin.version, text)?,
        None => return Err(not_this(format!("names version {} of “{name}”, which is not stored", origin.version))),
    };
    let ours = without_origin(&local);
    let changes = diff(&base, &ours);
    if changes.is_empty() {
        // An unchanged copy: bringing it to the current version loses nothing.
        return Ok(write(pulled, false));
    }
    match mode {
        PullMode::Force => Ok(write(pulled, false)),
        PullMode::Refuse => Err(DbError::UnpushedEdits {
            path: path.to_owned(),
            name: name.to_owned(),
            version: origin.version,
            current,
            changes: changes.len(),
            first: changes.into_iter().take(LISTED_CHANGES).collect(),
        }),
        PullMode::Merge if origin.version == current => {
            Ok(PulledFile { plan: local, version: current, merged: false, up_to_date: true, kind })
        }
        PullMode::Merge => {
            let m = merge(&base, &ours, &current_plan, &Resolutions::default())
                .map_err(|e| DbError::Plan(e.to_string()))?;
            if !m.conflicts.is_empty() {
                return Err(DbError::Conflicts { name: name.to_owned(), current, conflicts: m.conflicts });
            }
            Ok(write(with_origin(m.plan, &origin_of_version(url, name, current, &current_text)), true))
        }
    }
}
