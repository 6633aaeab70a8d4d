//! `borderplan merge BASE OURS THEIRS -o OUT [--ours|--theirs]` and `borderplan diff A B`.

use super::{check_output, emit, load_plan, with_path};
use crate::io::atomic::WriteKind;
use crate::io::format::count;
use crate::io::plan_file;
use crate::model::merge::{diff as plan_diff, merge as merge_plans, new_rule_errors};
use crate::model::{Pick, Resolutions};
use std::path::Path;

/// Merges OURS and THEIRS (both edited from BASE) into OUT. Exit 0 merged and written; 1 conflicts (listed on
/// stdout, one per line, nothing written), OUT is a plan file and `kind` does not allow replacing it, or OUT
/// cannot be written; 2 a plan cannot be read.
///
/// A merged plan that breaks rules neither side broke (an assignment on an outpost the other side removed, a
/// quantity longer than its segment) is not written either: the findings are listed and the exit is 1, unless
/// `allow_rule_errors`, which writes it and still lists them on stderr.
pub fn merge(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    output: &Path,
    pick: Option<Pick>,
    kind: WriteKind,
    allow_rule_errors: bool,
) -> u8 {
    if let Err(code) = check_output(output, kind) {
        return code;
    }
    let plans = (load_plan(base), load_plan(ours), load_plan(theirs));
    let (b, o, t) = match plans {
        (Ok(b), Ok(o), Ok(t)) => (b, o, t),
        (Err(code), _, _) | (_, Err(code), _) | (_, _, Err(code)) => return code,
    };
    let answers = pick.map(Resolutions::all).unwrap_or_default();
    let merged = match merge_plans(&b, &o, &t, &answers) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("borderplan: cannot merge: {e}");
            return 2;
        }
    };
    if !merged.conflicts.is_empty() {
        let mut text = String::new();
        for c in &merged.conflicts {
            text.push_str(&c.line());
            text.push('\n');
        }
        if let Err(code) = emit(&text) {
            return code;
        }
        eprintln!(
            "borderplan: {}; nothing written (choose a side for all of them with --ours or --theirs)",
            count(merged.conflicts.len(), "conflict", "conflicts")
        );
        return 1;
    }
    let broken = new_rule_errors(&merged.plan, &o, &t);
    if !broken.is_empty() {
        let text: String =
            broken.iter().map(|f| format!("{} {}: {}\n", f.severity, f.rule.code(), f.message)).collect();
        let summary = count(broken.len(), "rule error", "rule errors");
        if !allow_rule_errors {
            if let Err(code) = emit(&text) {
                return code;
            }
            eprintln!(
                "borderplan: the merged plan has {summary} that neither side had; nothing written (write it anyway with --allow-rule-errors)"
            );
            return 1;
        }
        eprint!("{text}");
        eprintln!(
            "borderplan: the merged plan has {summary} that neither side had (written as --allow-rule-errors asks)"
        );
    }
    if let Err(e) = plan_file::write_output(&merged.plan, output, kind) {
        eprintln!("borderplan: cannot write {}", with_path(output, &e.to_string()));
        return 1;
    }
    let ours_changes = plan_diff(&b, &o).len();
    let theirs_changes = plan_diff(&b, &t).len();
    let decided = if merged.resolved > 0 {
        format!(", {} decided by --{}", count(merged.resolved, "conflict", "conflicts"), side_name(pick))
    } else {
        String::new()
    };
    eprintln!(
        "Merged {ours_changes} change(s) of {} and {theirs_changes} of {}{decided} into {}",
        ours.display(),
        theirs.display(),
        output.display()
    );
    0
}

fn side_name(pick: Option<Pick>) -> &'static str {
    match pick {
        Some(Pick::Theirs) => "theirs",
        _ => "ours",
    }
}

/// Prints what changed from A to B, one line each. Exit 0; 2 when a plan cannot be read.
pub fn diff(a: &Path, b: &Path) -> u8 {
    let (a, b) = match (load_plan(a), load_plan(b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let mut text = String::new();
    for line in plan_diff(&a, &b) {
        text.push_str(&line);
        text.push('\n');
    }
    emit(&text).err().unwrap_or(0)
}
