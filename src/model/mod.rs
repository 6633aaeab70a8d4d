//! The domain model: border, segments, outposts, equipment, stages, plan, rules, coverage and summaries.
//!
//! Geometry and serde only: nothing here may depend on a UI crate (a test in tests/ checks this).

pub mod assignment_list;
pub mod border;
pub mod coverage;
pub mod equipment;
pub mod geometry;
pub mod history;
pub mod ids;
pub mod lookup;
pub mod members;
pub mod merge;
mod merge_lineage;
pub mod outposts;
pub mod palette;
pub mod plan;
pub mod rebase;
pub mod regions;
pub mod rules;
pub mod segments;
pub mod stages;
pub mod summary;
pub mod terrain;

pub use assignment_list::Assignments;
pub use border::{Border, BorderError, Location};
pub use coverage::{Coverage, coverage_by_quarter, stage_coverage};
pub use equipment::{Catalog, Category, EquipmentType};
pub use history::{History, Inverse};
pub use merge::{Conflict, MergeError, Merged, Pick, Resolutions};
pub use outposts::Outpost;
pub use plan::{Assignment, EXACT_NUMBER_MARK, Edit, EditError, Plan, PlanMeta, Status, Target};
pub use rebase::{RebaseReport, rebase_edit, same_line};
pub use regions::{Region, Side};
pub use rules::{Finding, Rule, Severity};
pub use segments::{Segment, SegmentError, Segmentation};
pub use stages::{Quarter, Stage};
pub use summary::{Summary, Totals, summarize};

/// "1 target", "2 targets": a count with the singular only for one (the model's own labels; writers use
/// `io::format::count`).
#[must_use]
pub fn counted(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}
