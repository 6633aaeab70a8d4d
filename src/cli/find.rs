//! `borderplan find QUERY`: the search box's finder on the command line.

use super::{emit, load_plan};
use crate::io::coords::{self, CoordFormat};
use crate::io::find::{Hit, HitKind, find};
use std::path::Path;

/// Prints what QUERY finds, best first: one line each, or a JSON array with --json. Exit 0 when something was
/// found, 1 when nothing was (an empty array with --json), 2 when the plan cannot be read.
pub fn run(query: &[String], plan: Option<&Path>, json: bool, limit: usize) -> u8 {
    let plan = match plan {
        Some(path) => match load_plan(path) {
            Ok(p) => p,
            Err(code) => return code,
        },
        None => match crate::io::bundled::example_plan() {
            Ok(p) => p,
            Err(e) => {
                eprintln!("borderplan: the bundled example plan cannot be read: {e}");
                return 2;
            }
        },
    };
    let query = query.join(" ");
    let hits = match find(&plan, &query, limit) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("borderplan: the bundled gazetteer cannot be read: {e}");
            return 2;
        }
    };
    let text = if json {
        match serde_json::to_string_pretty(&hits) {
            Ok(t) => t + "\n",
            Err(e) => {
                eprintln!("borderplan: cannot print the hits: {e}");
                return 1;
            }
        }
    } else {
        hits.iter().map(line).collect()
    };
    if let Err(code) = emit(&text) {
        return code;
    }
    if hits.is_empty() {
        eprintln!("borderplan: nothing found for {query:?} (names of places, outposts or segments; km N; coordinates)");
        return 1;
    }
    0
}

fn line(h: &Hit) -> String {
    let detail = if h.detail.is_empty() { String::new() } else { format!("  ({})", h.detail) };
    let at = if h.kind == HitKind::Coordinate {
        String::new()
    } else {
        format!("  {}", coords::format(h.lon, h.lat, CoordFormat::Decimal))
    };
    format!(
        "{:<10} {}{at}  MGRS {}  km {:.1}{detail}\n",
        h.kind.label(),
        h.name,
        coords::format(h.lon, h.lat, CoordFormat::Mgrs),
        h.km
    )
}
