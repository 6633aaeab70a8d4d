//! Click hit-testing: `PickIndex::pick` on the example plan (outposts and border segments) and
//! `Layer::hit_test` on a 200k-point layer and a 20k-line layer (50 vertices each), at whole-border zoom with
//! the app's 8-pixel tolerance. Target: ≤ 10 µs median per click.
//!
//! `cargo bench --bench picking` (add `-- --quick` for a fast estimate).

use std::hint::black_box;

use borderplan::io::bundled;
use borderplan::io::geojson_import::{ImportOptions, import_bytes};
use borderplan::io::layer::Layer;
use borderplan::map::picking::{PickIndex, ScreenMap};
use borderplan::synth::{SplitMix64 as Rng, lines_geojson, points_geojson};
use criterion::{Criterion, criterion_group, criterion_main};

/// Equirectangular view of a lon/lat box filling a 1400-pixel-wide map.
struct Equirect {
    west: f64,
    north: f64,
    px_per_deg: f64,
}

impl ScreenMap for Equirect {
    fn to_screen(&self, lon: f64, lat: f64) -> [f32; 2] {
        [((lon - self.west) * self.px_per_deg) as f32, ((self.north - lat) * self.px_per_deg) as f32]
    }

    fn to_lon_lat(&self, x: f32, y: f32) -> [f64; 2] {
        [self.west + f64::from(x) / self.px_per_deg, self.north - f64::from(y) / self.px_per_deg]
    }
}

/// The app's click tolerance.
const TOL_PX: f32 = 8.0;

fn layer(name: &str, bytes: &[u8]) -> Layer {
    match import_bytes(name, bytes, &ImportOptions::default()) {
        Ok(layer) => layer,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn bench_picking(c: &mut Criterion) {
    let plan = match bundled::example_plan() {
        Ok(plan) => plan,
        Err(e) => panic!("example plan: {e}"),
    };
    let bounds = plan.border.bounds();
    let (west, east, north) = (bounds.min().x, bounds.max().x, bounds.max().y);
    let map = Equirect { west, north, px_per_deg: 1400.0 / (east - west) };
    let tol_deg = f64::from(TOL_PX) / map.px_per_deg;
    let index = PickIndex::build(&plan);

    // Clicks: a third on outposts, a third on the border line, a third anywhere over the region.
    let mut rng = Rng(42);
    let mut clicks: Vec<[f32; 2]> = Vec::new();
    for i in 0..3000 {
        let (lon, lat) = match i % 3 {
            0 => {
                let o = &plan.outposts[(rng.next_u64() as usize) % plan.outposts.len()];
                (o.position.x() + rng.range(-0.01, 0.01), o.position.y() + rng.range(-0.01, 0.01))
            }
            1 => {
                let km = rng.range(0.0, plan.border.length_km());
                let p = plan.border.point_at_km(km);
                (p.x(), p.y())
            }
            _ => (rng.range(west, east), rng.range(bounds.min().y, north)),
        };
        clicks.push(map.to_screen(lon, lat));
    }
    let hits = clicks.iter().filter(|c| index.pick(&plan, &map, c[0], c[1], TOL_PX).is_some()).count();
    eprintln!(
        "PickIndex::pick: {hits} of {} clicks hit something; tolerance {TOL_PX} px = {tol_deg:.4}°",
        clicks.len()
    );

    let mut group = c.benchmark_group("picking");
    let mut k = 0usize;
    group.bench_function("plan_pick_index", |b| {
        b.iter(|| {
            k = (k + 1) % clicks.len();
            let [x, y] = clicks[k];
            black_box(index.pick(&plan, &map, x, y, TOL_PX))
        })
    });

    let points = layer("points_200k", &points_geojson(200_000));
    let lines = layer("lines_20k_x50", &lines_geojson(20_000, 50));
    let positions: Vec<[f64; 2]> = clicks.iter().map(|c| map.to_lon_lat(c[0], c[1])).collect();
    for (name, layer) in [("layer_hit_test_points_200k", &points), ("layer_hit_test_lines_20k_x50", &lines)] {
        let hits = positions.iter().filter(|p| layer.hit_test(p[0], p[1], tol_deg).is_some()).count();
        eprintln!("{name}: {hits} of {} clicks hit a feature", positions.len());
        let mut k = 0usize;
        group.bench_function(name, |b| {
            b.iter(|| {
                k = (k + 1) % positions.len();
                let [lon, lat] = positions[k];
                black_box(layer.hit_test(lon, lat, tol_deg))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_picking);
criterion_main!(benches);
