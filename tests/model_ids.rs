#![allow(clippy::unwrap_used, clippy::expect_used)]
//! New assignment ids do not collide across copies of one plan; existing ids are kept.

use borderplan::io::{bundled, plan_file};
use borderplan::model::ids::is_new_style_id;
use borderplan::model::{Edit, Target};
use std::collections::HashSet;

#[test]
fn two_copies_of_one_plan_adding_work_at_the_same_moment_get_different_ids() {
    let plan = bundled::example_plan().unwrap();
    let (mut mine, mut theirs) = (plan.clone(), plan.clone());
    let a = mine.fresh_assignment_ids(50);
    let b = theirs.fresh_assignment_ids(50);
    let all: HashSet<&String> = a.iter().chain(&b).collect();
    assert_eq!(all.len(), 100, "no id is made twice across the copies");
    assert!(a.iter().chain(&b).all(|id| !plan.assignments.contains_id(id)));
    // Splitting the same segment in both copies makes different ids for the eastern copies, too.
    let km = plan.segments.segments()[3].mid_km();
    mine.apply(Edit::SplitSegment { km }).unwrap();
    theirs.apply(Edit::SplitSegment { km }).unwrap();
    let new_ids = |p: &borderplan::model::Plan| -> HashSet<String> {
        p.assignments.iter().map(|a| a.id.clone()).filter(|id| !plan.assignments.contains_id(id)).collect()
    };
    let (m, t) = (new_ids(&mine), new_ids(&theirs));
    assert!(!m.is_empty(), "the split made copies");
    assert!(m.is_disjoint(&t), "{m:?} and {t:?} share an id");
    assert!(m.iter().all(|id| is_new_style_id(id)));
}

#[test]
fn ids_already_in_a_plan_file_are_kept_when_it_is_opened_and_saved() {
    let plan = bundled::example_plan().unwrap();
    let before: Vec<String> = plan.assignments.iter().map(|a| a.id.clone()).collect();
    assert!(before.iter().all(|id| id.starts_with("A-0")), "the example plan has sequential ids");
    let again = plan_file::load_str(&plan_file::to_string(&plan).unwrap()).unwrap();
    let mut after: Vec<String> = again.assignments.iter().map(|a| a.id.clone()).collect();
    let mut sorted = before.clone();
    sorted.sort();
    after.sort();
    assert_eq!(after, sorted);
    let target = Target::Segment(plan.segments.segments()[0].id.clone());
    let id = plan.fresh_assignment_id();
    assert!(is_new_style_id(&id) && !before.contains(&id), "{id}");
    assert!(plan.assignments_for(&target).all(|a| before.contains(&a.id)));
}
