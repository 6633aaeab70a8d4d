//! Architecture rules: the domain model (`src/model/**`) must not depend on any UI crate; nothing below the window
//! shell (`src/app`, `src/map`, `src/io`, `src/model`) may name the panels (`crate::ui`) or the shell
//! (`crate::window`); map plugins take plain data, so `src/map` does not name `crate::app` either; no source file
//! under `src/` passes 800 lines.
//!
//! A regex-free scan: every non-comment line of every `.rs` file under `src/model` is checked for a UI crate
//! used as a path (`use egui…`, `egui::…`, `::eframe`, …). Offenders are listed as `file:line: text`.

use std::path::{Path, PathBuf};

const UI_CRATES: [&str; 4] = ["egui", "eframe", "walkers", "rfd"];

fn rust_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).unwrap_or_else(|e| panic!("cannot list {}: {e}", d.display()));
        for entry in entries {
            let path = entry.unwrap_or_else(|e| panic!("cannot read an entry of {}: {e}", d.display())).path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The part of a line that is code: line comments (`//`, `///`, `//!`) are dropped.
/// (Block comments are not used in this crate's model; a `/*` line is treated as a comment line too.)
fn code_part(line: &str) -> &str {
    let t = line.trim_start();
    if t.starts_with("/*") || t.starts_with('*') {
        return "";
    }
    match line.find("//") {
        Some(i) => &line[..i],
        None => line,
    }
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// True when `code` uses `krate` as a path: `use krate`, `krate::`, `::krate`, `extern crate krate`.
fn mentions_crate_as_path(code: &str, krate: &str) -> bool {
    let mut start = 0;
    while let Some(off) = code[start..].find(krate) {
        let i = start + off;
        let j = i + krate.len();
        let before = code[..i].chars().next_back();
        let after = code[j..].chars().next();
        let whole_word = !before.is_some_and(is_ident_char) && !after.is_some_and(is_ident_char);
        if whole_word {
            let prefix = code[..i].trim_end();
            let followed_by_path = code[j..].trim_start().starts_with("::");
            let preceded_by_path = prefix.ends_with("::");
            let used =
                prefix.ends_with("use") || prefix.ends_with("crate") || prefix.ends_with('{') || prefix.ends_with(',');
            if followed_by_path
                || preceded_by_path
                || (used && code.trim_start().starts_with("use "))
                || prefix.ends_with("extern crate")
            {
                return true;
            }
        }
        start = j;
    }
    false
}

fn offenders_in(root: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    for file in rust_files_under(root) {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        for (n, line) in text.lines().enumerate() {
            let code = code_part(line);
            for krate in UI_CRATES {
                if mentions_crate_as_path(code, krate) {
                    bad.push(format!("{}:{}: {} (uses `{krate}`)", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    bad
}

#[test]
fn the_scanner_flags_ui_paths_and_ignores_comments_and_lookalike_words() {
    assert!(mentions_crate_as_path("use egui::Color32;", "egui"));
    assert!(mentions_crate_as_path("use eframe;", "eframe"));
    assert!(mentions_crate_as_path("    let c = egui::Color32::RED;", "egui"));
    assert!(mentions_crate_as_path("use {walkers::Map, std::fmt};", "walkers"));
    assert!(mentions_crate_as_path("let p = ::rfd::FileDialog::new();", "rfd"));
    assert!(mentions_crate_as_path("extern crate rfd;", "rfd"));
    assert!(!mentions_crate_as_path(code_part("// drawn with egui::Painter elsewhere"), "egui"));
    assert!(!mentions_crate_as_path(code_part("/// see `eframe::App`"), "eframe"));
    assert!(!mentions_crate_as_path("let rfd_count = 3;", "rfd"));
    assert!(!mentions_crate_as_path("let s = \"walkers\";", "walkers"));
}

#[test]
fn the_domain_model_does_not_use_any_ui_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join("model");
    let files = rust_files_under(&root);
    assert!(files.len() >= 10, "expected the model's source files under {}, found {}", root.display(), files.len());
    let bad = offenders_in(&root);
    assert!(bad.is_empty(), "src/model must not depend on UI crates (egui, eframe, walkers, rfd):\n{}", bad.join("\n"));
}

#[test]
fn a_model_file_that_uses_a_ui_crate_is_reported_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let nested = dir.path().join("nested");
    std::fs::create_dir(&nested).unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::fs::write(dir.path().join("clean.rs"), "//! Mentions egui only in a comment.\nuse geo::Point;\n")
        .unwrap_or_else(|e| panic!("write: {e}"));
    std::fs::write(nested.join("bad.rs"), "use std::fmt;\n// fine\nuse egui::Color32;\n")
        .unwrap_or_else(|e| panic!("write: {e}"));
    let bad = offenders_in(dir.path());
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].contains("bad.rs:3: use egui::Color32;"), "{}", bad[0]);
}

/// Every `file:line` under `root` whose code names one of the crate-internal `paths` (`crate::ui`, …).
fn internal_offenders_in(root: &Path, paths: &[&str]) -> Vec<String> {
    let mut bad = Vec::new();
    for file in rust_files_under(root) {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        for (n, line) in text.lines().enumerate() {
            let code = code_part(line);
            for path in paths {
                let whole = code.match_indices(path).any(|(i, _)| {
                    !code[i + path.len()..].chars().next().is_some_and(is_ident_char)
                        && !code[..i].chars().next_back().is_some_and(is_ident_char)
                });
                if whole {
                    bad.push(format!("{}:{}: {} (names `{path}`)", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    bad
}

const MAX_SOURCE_LINES: usize = 800;

#[test]
fn the_scanner_for_internal_paths_flags_crate_ui_and_ignores_lookalikes_and_comments() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    std::fs::write(
        dir.path().join("a.rs"),
        "use crate::ui::state::UiState;\n// crate::ui in a comment\nlet x = crate::uikit::f();\nuse crate::window;\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let bad = internal_offenders_in(dir.path(), &["crate::ui", "crate::window"]);
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(bad[0].ends_with("(names `crate::ui`)") && bad[0].contains("a.rs:1:"), "{bad:?}");
    assert!(bad[1].contains("a.rs:4:"), "{bad:?}");
}

#[test]
fn nothing_below_the_window_shell_names_the_panels_or_the_shell() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut bad = Vec::new();
    for dir in ["app", "map", "io", "model"] {
        bad.extend(internal_offenders_in(&src.join(dir), &["crate::ui", "crate::window", "super::ui"]));
    }
    assert!(bad.is_empty(), "app, map, io and model must not depend on ui or window:\n{}", bad.join("\n"));
}

#[test]
fn map_plugins_take_plain_data_and_do_not_name_the_app() {
    let map = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join("map");
    let bad = internal_offenders_in(&map, &["crate::app"]);
    assert!(bad.is_empty(), "src/map must not depend on app types:\n{}", bad.join("\n"));
}

#[test]
fn no_source_file_passes_800_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let long: Vec<String> = rust_files_under(&src)
        .into_iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(&f).map(|t| t.lines().count()).unwrap_or(0);
            (n > MAX_SOURCE_LINES).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these files (limit {MAX_SOURCE_LINES} lines):\n{}", long.join("\n"));
}

#[test]
fn display_preferences_are_plain_data_that_neither_settings_nor_prefs_borrow_from_the_map() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    for file in ["prefs.rs", "app/settings.rs"] {
        let text = std::fs::read_to_string(src.join(file)).unwrap_or_else(|e| panic!("cannot read {file}: {e}"));
        std::fs::write(dir.path().join(file.replace('/', "_")), text).unwrap_or_else(|e| panic!("write: {e}"));
    }
    let bad = internal_offenders_in(dir.path(), &["crate::map", "crate::ui", "crate::app", "egui", "walkers"]);
    assert!(bad.is_empty(), "settings and prefs must be plain data:\n{}", bad.join("\n"));
}
