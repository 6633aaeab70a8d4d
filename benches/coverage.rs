//! Surveillance coverage of the example plan: per stage, per timeline quarter, and everything the app derives
//! when the plan changes (coverage, rule findings, picking index).
//!
//! `cargo bench --bench coverage` (add `-- --quick` for a fast estimate).

use std::hint::black_box;

use borderplan::app::derived::Derived;
use borderplan::io::bundled;
use borderplan::model::{Quarter, Stage, coverage_by_quarter, stage_coverage};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench_coverage(c: &mut Criterion) {
    let plan = match bundled::example_plan() {
        Ok(plan) => plan,
        Err(e) => panic!("example plan: {e}"),
    };
    let stage3 = stage_coverage(&plan, Stage::Three);
    eprintln!(
        "example plan: {} assignments, stage 3 covers {:.1} of {:.1} km ({:.1} %), {} gaps",
        plan.assignments.len(),
        stage3.covered_km,
        stage3.length_km,
        stage3.percent(),
        stage3.gaps.len()
    );
    let mut group = c.benchmark_group("coverage");
    group.bench_function("stage_coverage_stage_2", |b| {
        b.iter(|| black_box(stage_coverage(black_box(&plan), Stage::Two)))
    });
    group.bench_function("stage_coverage_stage_3", |b| {
        b.iter(|| black_box(stage_coverage(black_box(&plan), Stage::Three)))
    });
    group.bench_function("coverage_by_quarter_2027_q2", |b| {
        b.iter(|| black_box(coverage_by_quarter(black_box(&plan), Quarter::new(2027, 2))))
    });
    group.bench_function("derived_build_after_an_edit", |b| b.iter(|| black_box(Derived::build(black_box(&plan), 1))));
    group.finish();
}

criterion_group!(benches, bench_coverage);
criterion_main!(benches);
