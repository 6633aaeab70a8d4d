//! Programme-scale plans of 1k, 10k and 50k assignments (`borderplan::synth::plan_with_assignments`) through the
//! app's own paths, in a headless 1400×900 window with the plan table open: opening the plan file
//! (`App::open_plan`: read, index, derived values), a steady frame, one quantity edit plus the frame after it,
//! and the headless `validate`, `summary` and `export` work. Memory after 100 edits (the undo history's own
//! estimate and the process's resident size) is printed, not timed. Targets: validate/summary/export ≤ 0.5 s,
//! steady frame ≤ 8 ms, edit + frame ≤ 16 ms at 50k.
//!
//! `cargo bench --bench scale` (add `-- --quick` for a fast estimate). Results: bench/README.md.

use std::hint::black_box;
use std::path::Path;

use borderplan::App;
use borderplan::app::Command;
use borderplan::app::derived::march_bars;
use borderplan::io::export::{ExportFormat, export_to_string};
use borderplan::io::plan_file;
use borderplan::model::history::plan_bytes;
use borderplan::model::summary::summarize_with_coverage;
use borderplan::model::{Edit, Stage, rules, stage_coverage, summarize};
use borderplan::synth::plan_with_assignments;
use criterion::{Criterion, criterion_group, criterion_main};

fn raw_input(time: f64) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0))),
        time: Some(time),
        ..Default::default()
    }
}

struct Headless {
    ctx: egui::Context,
    window: borderplan::Window,
    time: f64,
}

impl Headless {
    fn open(path: &Path) -> Self {
        let mut app = match App::for_tests() {
            Ok(app) => app,
            Err(e) => panic!("the app starts: {e}"),
        };
        assert!(app.open_plan(path), "the plan opens");
        let mut w = Self { ctx: egui::Context::default(), window: borderplan::Window::new(app), time: 0.0 };
        for _ in 0..3 {
            w.frame();
        }
        w
    }

    fn frame(&mut self) -> usize {
        self.time += 1.0 / 60.0;
        let window = &mut self.window;
        let mut out = self.ctx.run_ui(raw_input(self.time), |ui| window.show(ui));
        out.textures_delta.clear();
        let shapes = std::mem::take(&mut out.shapes);
        self.ctx.tessellate(shapes, out.pixels_per_point).len()
    }

    fn edit(&mut self, step: usize) {
        let plan = &self.window.app.plan;
        let i = (step * 7_919) % plan.assignments.len();
        let mut a = plan.assignments[i].clone();
        a.quantity += 1.0;
        let ctx = self.ctx.clone();
        self.window.app.apply(&ctx, Command::from(Edit::UpdateAssignment(a)));
    }
}

/// Resident memory of this process in MB (Linux; 0 elsewhere).
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<f64>().ok()))
        .map_or(0.0, |pages| pages * 4096.0 / 1e6)
}

fn bench_scale(c: &mut Criterion) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("temp dir: {e}"),
    };
    for n in [1_000usize, 10_000, 50_000] {
        let plan = match plan_with_assignments(n) {
            Ok(p) => p,
            Err(e) => panic!("synthetic plan: {e}"),
        };
        let path = dir.path().join(format!("plan-{n}.geojson"));
        if let Err(e) = plan_file::save(&plan, &path) {
            panic!("save: {e}");
        }
        let mut group = c.benchmark_group(format!("scale_{}k", n / 1000));
        group.sample_size(10);
        group.bench_function("open", |b| {
            let mut app = match App::for_tests() {
                Ok(app) => app,
                Err(e) => panic!("the app starts: {e}"),
            };
            b.iter(|| black_box(app.open_plan(&path)))
        });
        group.bench_function("validate", |b| b.iter(|| black_box(rules::check(&plan).len())));
        // What `borderplan validate|summary|export` do after starting: read the file, then work on it.
        let load = || match plan_file::load(&path) {
            Ok(p) => p,
            Err(e) => panic!("load: {e}"),
        };
        group.bench_function("load_and_validate", |b| b.iter(|| black_box(rules::check(&load()).len())));
        group.bench_function("load_and_summary", |b| {
            b.iter(|| black_box(borderplan::cli::summary_json(&load()).to_string().len()))
        });
        for format in ExportFormat::ALL {
            group.bench_function(format!("load_and_export_{}", format.extension()), |b| {
                b.iter(|| black_box(export_to_string(&load(), format).map(|s| s.len()).unwrap_or(0)))
            });
        }
        group.bench_function("summary", |b| b.iter(|| black_box(summarize(&plan).total.assignments)));
        for format in ExportFormat::ALL {
            group.bench_function(format!("export_{}", format.extension()), |b| {
                b.iter(|| black_box(export_to_string(&plan, format).map(|s| s.len()).unwrap_or(0)))
            });
        }
        // What one edit costs, part by part (the derived values an edit rebuilds, and the plan table's rows).
        let s3 = stage_coverage(&plan, Stage::Three);
        group.bench_function("part_coverage_both_stages", |b| {
            b.iter(|| {
                black_box(stage_coverage(&plan, Stage::Two).covered_km + stage_coverage(&plan, Stage::Three).covered_km)
            })
        });
        group.bench_function("part_rules", |b| b.iter(|| black_box(rules::check_with_coverage(&plan, &s3).len())));
        group.bench_function("part_summary", |b| {
            b.iter(|| black_box(summarize_with_coverage(&plan, &[s3.clone(), s3.clone()]).total.assignments))
        });
        group.bench_function("part_march_bars", |b| b.iter(|| black_box(march_bars(&plan).len())));
        group.bench_function("part_plan_clone", |b| b.iter(|| black_box(plan.clone().assignments.len())));
        let copy = plan.clone();
        group.bench_function("part_plan_compare", |b| b.iter(|| black_box(copy == plan)));
        let mut window = Headless::open(&path);
        let table = borderplan::ui::state::TableState::default();
        group.bench_function("part_table_rows", |b| {
            b.iter(|| black_box(borderplan::ui::plan_table::visible_rows(&window.window.app, &table).len()))
        });
        group.bench_function("steady_frame", |b| b.iter(|| black_box(window.frame())));
        let mut step = 0;
        group.bench_function("edit_and_frame", |b| {
            b.iter(|| {
                step += 1;
                window.edit(step);
                black_box(window.frame())
            })
        });
        group.finish();

        let mut fresh = Headless::open(&path);
        let before = rss_mb();
        for step in 0..100 {
            fresh.edit(step);
            fresh.frame();
        }
        let app = &fresh.window.app;
        eprintln!(
            "scale {n}: plan ≈ {:.1} MB, undo history after 100 edits ≈ {:.3} MB ({} steps), process {:.0} MB \
             (+{:.1} MB over the 100 edits)",
            plan_bytes(&app.plan) as f64 / 1e6,
            app.history.estimated_bytes() as f64 / 1e6,
            app.history.undo_len(),
            rss_mb(),
            rss_mb() - before,
        );
    }
}

criterion_group!(benches, bench_scale);
criterion_main!(benches);
