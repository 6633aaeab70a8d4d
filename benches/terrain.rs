//! Line-of-sight coverage of the example plan over a generated 1″ DEM covering the whole border.
//!
//! Setup writes synthetic 1″ SRTM tiles (3601 × 3601, 26 MB each) along the border into a temp folder; they are
//! opened like real ones (memory-mapped). Targets (issue 14): the whole plan ≤ 1 s on 2 cores; after one
//! assignment edit ≤ 50 ms (per-sensor cache).
//!
//! `cargo bench --bench terrain` (add `-- --quick` for a fast estimate).

use std::hint::black_box;
use std::sync::Arc;

use borderplan::io::{bundled, dem};
use borderplan::model::terrain::{TerrainEngine, plan_sensors};
use borderplan::model::{Edit, Plan, Stage};
use criterion::{Criterion, criterion_group, criterion_main};

fn edited(plan: &Plan, id: &str, mast_m: f64) -> Plan {
    let mut p = plan.clone();
    let Some(mut a) = p.assignment(id).cloned() else { panic!("no assignment {id}") };
    a.extra.insert("mast_height_m".into(), serde_json::json!(mast_m));
    if let Err(e) = p.apply(Edit::UpdateAssignment(a)) {
        panic!("edit: {e}");
    }
    p
}

fn bench_terrain(c: &mut Criterion) {
    let plan = match bundled::example_plan() {
        Ok(plan) => plan,
        Err(e) => panic!("example plan: {e}"),
    };
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("temp dir: {e}"),
    };
    let tiles = dem::synth::tiles_along(plan.border.line(), 0.3);
    let t0 = std::time::Instant::now();
    if let Err(e) = dem::synth::write_relief(dir.path(), &tiles, 3601, 2) {
        panic!("writing tiles: {e}");
    }
    let t_open = std::time::Instant::now();
    let dem = match dem::open(dir.path()) {
        Ok(d) => Arc::new(d),
        Err(e) => panic!("opening tiles: {e}"),
    };
    eprintln!(
        "{} 1″ tiles written in {:.1} s, folder opened in {:.2} ms",
        tiles.len(),
        t_open.duration_since(t0).as_secs_f64(),
        t_open.elapsed().as_secs_f64() * 1000.0
    );
    let sensors = plan_sensors(&plan);
    let mut engine = TerrainEngine::new(dem.clone());
    engine.set_threads(2);
    let figures = engine.figures(&plan);
    let s3 = figures.stage_coverage(Stage::Three);
    eprintln!(
        "example plan: {} sensor positions ({} traced), stage 3 covers {:.1} of {:.1} km by line of sight, {:.1} km unknown, border share {:.3}",
        sensors.len(),
        engine.last_computed,
        s3.coverage.covered_km,
        s3.coverage.length_km,
        s3.unknown_km,
        figures.border_share
    );
    // The edited assignment: the example plan's first surveillance assignment with a line of sight.
    let id = figures
        .sensors
        .iter()
        .zip(&figures.views)
        .find(|(_, v)| v.is_some())
        .map(|(s, _)| s.assignment_id.clone())
        .unwrap_or_default();
    let plans = [edited(&plan, &id, 25.0), edited(&plan, &id, 12.0)];

    let mut group = c.benchmark_group("terrain");
    group.sample_size(10);
    group.bench_function("full_coverage_example_plan_2_threads", |b| {
        b.iter(|| {
            let mut e = TerrainEngine::new(dem.clone());
            e.set_threads(2);
            let f = e.figures(black_box(&plan));
            black_box((f.stage_coverage(Stage::Two), f.stage_coverage(Stage::Three)))
        })
    });
    group.sample_size(30);
    let mut i = 0usize;
    group.bench_function("one_assignment_edit_cached", |b| {
        b.iter(|| {
            i += 1;
            let f = engine.figures(black_box(&plans[i % 2]));
            black_box((f.stage_coverage(Stage::Two), f.stage_coverage(Stage::Three)))
        })
    });
    eprintln!("after one edit: {} sensor view(s) traced", engine.last_computed);
    group.finish();
}

criterion_group!(benches, bench_terrain);
criterion_main!(benches);
