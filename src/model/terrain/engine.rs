//! Per-sensor views over the terrain, cached, and the coverage they add up to.
//!
//! A sensor's view is the set of border cells (≤ 100 m, see [`BorderSamples`]) within its range whose sight
//! line is clear, hidden or unknown. Views are cached by the sensor's position, range, height, sector and the
//! model's parameters; the cache belongs to one DEM and one border line, so an edit recomputes only the sensors
//! it moved or changed. Coverage per stage or quarter is the union of the views (and of the chainage intervals
//! of range-only sensors), exactly as [`crate::model::coverage`] does without terrain.

use super::los::{BorderSamples, Visibility, bearing_deg, in_sector, sight_line};
use super::sensors::{Sensor, Sight, plan_sensors};
use super::{Elevation, TerrainParams};
use crate::model::border::Border;
use crate::model::coverage::Coverage;
use crate::model::plan::Plan;
use crate::model::stages::Stage;
use std::collections::HashMap;
use std::sync::Arc;

/// What one sensor sees of the border: runs of cells `[from, to)`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SensorView {
    /// Cells within range (and sector).
    pub in_range_cells: usize,
    pub visible: Vec<(usize, usize)>,
    pub unknown: Vec<(usize, usize)>,
}

impl SensorView {
    pub fn visible_cells(&self) -> usize {
        self.visible.iter().map(|(a, b)| b - a).sum()
    }
}

/// A sensor to trace: its cache key, itself, its height and its sector.
type Todo<'a> = (Key, &'a Sensor, f64, Option<[f64; 2]>);
/// A sensor's cache key, height and sector.
type KeyedSight = (Key, f64, Option<[f64; 2]>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    lon: u64,
    lat: u64,
    range: u64,
    height: u64,
    sector: Option<[u64; 2]>,
    target: u64,
    k: u64,
}

impl Key {
    fn of(s: &Sensor, height_m: f64, sector: Option<[f64; 2]>, p: &TerrainParams) -> Self {
        Self {
            lon: s.position.x().to_bits(),
            lat: s.position.y().to_bits(),
            range: s.range_km.to_bits(),
            height: height_m.to_bits(),
            sector: sector.map(|[a, b]| [a.to_bits(), b.to_bits()]),
            target: p.target_height_m.to_bits(),
            k: p.refraction_k.to_bits(),
        }
    }
}

/// Computes a sensor's view from `height_m` over the terrain.
pub fn compute_view(
    dem: &dyn Elevation,
    samples: &BorderSamples,
    s: &Sensor,
    height_m: f64,
    sector: Option<[f64; 2]>,
    p: &TerrainParams,
) -> SensorView {
    let mut view = SensorView::default();
    let push = |runs: &mut Vec<(usize, usize)>, i: usize| match runs.last_mut() {
        Some(last) if last.1 == i => last.1 = i + 1,
        _ => runs.push((i, i + 1)),
    };
    for i in samples.within(s.position, s.range_km * 1000.0) {
        let q = samples.points[i];
        if let Some(sec) = sector
            && !in_sector(bearing_deg(s.position, q), sec)
        {
            continue;
        }
        view.in_range_cells += 1;
        match sight_line(dem, s.position, q, height_m, p.target_height_m, p.refraction_k) {
            Visibility::Visible => push(&mut view.visible, i),
            Visibility::Unknown => push(&mut view.unknown, i),
            Visibility::Hidden => {}
        }
    }
    view
}

/// The terrain figures of one plan: the sensors, their views and what they add up to.
#[derive(Clone)]
pub struct TerrainFigures {
    /// The DEM's name (its path as given).
    pub dem: String,
    pub resolution_m: f64,
    /// Share of the border cells (0–1) where the DEM has data.
    pub border_share: f64,
    pub params: TerrainParams,
    pub samples: Arc<BorderSamples>,
    /// Cells where the DEM has no data.
    no_data: Arc<Vec<bool>>,
    /// Ground elevation at each cell's centre, m (`None`: no data), for the border profile.
    pub elevation_m: Arc<Vec<Option<f32>>>,
    pub sensors: Vec<Sensor>,
    /// One per sensor; `None` for range-only sensors.
    pub views: Vec<Option<Arc<SensorView>>>,
}

/// Coverage over terrain, with the part nobody can vouch for.
#[derive(Debug, Clone, PartialEq)]
pub struct TerrainCoverage {
    pub coverage: Coverage,
    /// Border km not covered and unknown (no data there, or a void on every sight line that reaches it).
    pub unknown_km: f64,
}

impl TerrainFigures {
    /// Union of the views of the sensors `keep` accepts.
    pub fn coverage_where(&self, keep: impl Fn(&Sensor) -> bool) -> TerrainCoverage {
        let n = self.samples.len();
        // 0 = not seen, 1 = unknown, 2 = seen.
        let mut state: Vec<u8> = self.no_data.iter().map(|&v| u8::from(v)).collect();
        let mut intervals = Vec::new();
        for (s, v) in self.sensors.iter().zip(&self.views) {
            if !keep(s) {
                continue;
            }
            match v {
                None => intervals.push((s.km - s.range_km, s.km + s.range_km)),
                Some(v) => {
                    for &(a, b) in &v.unknown {
                        for c in &mut state[a.min(n)..b.min(n)] {
                            *c = (*c).max(1);
                        }
                    }
                    for &(a, b) in &v.visible {
                        state[a.min(n)..b.min(n)].fill(2);
                    }
                }
            }
        }
        let mut i = 0;
        while i < n {
            if state[i] == 2 {
                let start = i;
                while i < n && state[i] == 2 {
                    i += 1;
                }
                intervals.push(self.samples.km_of(start, i));
            } else {
                i += 1;
            }
        }
        let coverage = Coverage::from_intervals(self.samples.length_km, intervals);
        let unknown_cells = state
            .iter()
            .enumerate()
            .filter(|&(i, &c)| c == 1 && !covers(&coverage.covered, (i as f64 + 0.5) * self.samples.cell_km))
            .count();
        TerrainCoverage { coverage, unknown_km: unknown_cells as f64 * self.samples.cell_km }
    }

    pub fn stage_coverage(&self, stage: Stage) -> TerrainCoverage {
        self.coverage_where(|s| s.stage <= stage)
    }

    /// What the sensors of assignment `index` see: (seen km, km within range), summed over its units.
    pub fn seen_by_assignment(&self, index: usize) -> Option<(f64, f64)> {
        self.seen_where(|s| s.assignment == index)
    }

    /// As [`TerrainFigures::seen_by_assignment`], by assignment id.
    pub fn seen_by_assignment_id(&self, id: &str) -> Option<(f64, f64)> {
        self.seen_where(|s| s.assignment_id == id)
    }

    fn seen_where(&self, keep: impl Fn(&Sensor) -> bool) -> Option<(f64, f64)> {
        let mut found = None;
        for (s, v) in self.sensors.iter().zip(&self.views) {
            if !keep(s) {
                continue;
            }
            let v = v.as_ref()?;
            let (seen, within) = found.get_or_insert((0.0, 0.0));
            *seen += v.visible_cells() as f64 * self.samples.cell_km;
            *within += v.in_range_cells as f64 * self.samples.cell_km;
        }
        found
    }
}

fn covers(covered: &[(f64, f64)], km: f64) -> bool {
    let i = covered.partition_point(|&(_, b)| b < km);
    covered.get(i).is_some_and(|&(a, b)| a <= km && km <= b)
}

/// The cache of sensor views for one DEM and one border line.
pub struct TerrainEngine {
    dem: Arc<dyn Elevation>,
    border: Option<Arc<Border>>,
    samples: Arc<BorderSamples>,
    no_data: Arc<Vec<bool>>,
    elevation_m: Arc<Vec<Option<f32>>>,
    cache: HashMap<Key, Arc<SensorView>>,
    /// Views computed (not taken from the cache) by the last [`TerrainEngine::figures`].
    pub last_computed: usize,
    threads: usize,
}

impl TerrainEngine {
    pub fn new(dem: Arc<dyn Elevation>) -> Self {
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 16);
        Self {
            dem,
            border: None,
            samples: Arc::new(BorderSamples { length_km: 0.0, cell_km: 0.0, points: Vec::new() }),
            no_data: Arc::new(Vec::new()),
            elevation_m: Arc::new(Vec::new()),
            cache: HashMap::new(),
            last_computed: 0,
            threads,
        }
    }

    pub fn dem(&self) -> &Arc<dyn Elevation> {
        &self.dem
    }

    /// Uses at most `n` threads (at least 1).
    pub fn set_threads(&mut self, n: usize) {
        self.threads = n.max(1);
    }

    fn follow_border(&mut self, border: &Arc<Border>) {
        if self.border.as_ref().is_some_and(|b| Arc::ptr_eq(b, border) || **b == **border) {
            return;
        }
        let samples = BorderSamples::new(border);
        let elevation: Vec<Option<f32>> =
            samples.points.iter().map(|p| self.dem.elevation_m(p.x(), p.y()).map(|z| z as f32)).collect();
        self.no_data = Arc::new(elevation.iter().map(Option::is_none).collect());
        self.elevation_m = Arc::new(elevation);
        self.samples = Arc::new(samples);
        self.border = Some(border.clone());
        self.cache.clear();
    }

    /// The plan's terrain figures; only sensors not seen before (position, range, height, parameters) are traced.
    pub fn figures(&mut self, plan: &Plan) -> TerrainFigures {
        let params = TerrainParams::of_plan(plan);
        self.figures_for(&plan.border, plan_sensors(plan), params)
    }

    /// As [`TerrainEngine::figures`], for sensors already placed.
    pub fn figures_for(&mut self, border: &Arc<Border>, sensors: Vec<Sensor>, params: TerrainParams) -> TerrainFigures {
        self.follow_border(border);
        let keys: Vec<Option<KeyedSight>> = sensors
            .iter()
            .map(|s| match s.sight {
                Sight::Range => None,
                Sight::FromHeight { height_m, sector_deg } => {
                    Some((Key::of(s, height_m, sector_deg, &params), height_m, sector_deg))
                }
            })
            .collect();
        let mut todo: Vec<Todo> = Vec::new();
        let mut queued = std::collections::HashSet::new();
        for (s, k) in sensors.iter().zip(&keys) {
            if let Some((key, h, sec)) = k
                && !self.cache.contains_key(key)
                && queued.insert(*key)
            {
                todo.push((*key, s, *h, *sec));
            }
        }
        self.last_computed = todo.len();
        let computed = self.compute_all(&todo, &params);
        let mut fresh: HashMap<Key, Arc<SensorView>> = HashMap::with_capacity(keys.len());
        for (key, view) in computed {
            fresh.insert(key, Arc::new(view));
        }
        let mut views = Vec::with_capacity(keys.len());
        let mut used = HashMap::with_capacity(keys.len());
        for k in &keys {
            views.push(k.as_ref().and_then(|(key, _, _)| {
                let v = fresh.get(key).or_else(|| self.cache.get(key)).cloned()?;
                used.insert(*key, v.clone());
                Some(v)
            }));
        }
        // Keep only what this plan uses: the cache never outgrows the plan.
        self.cache = used;
        let covered = self.no_data.iter().filter(|&&v| !v).count();
        TerrainFigures {
            dem: self.dem.name().to_owned(),
            resolution_m: self.dem.resolution_m(),
            border_share: if self.no_data.is_empty() { 0.0 } else { covered as f64 / self.no_data.len() as f64 },
            params,
            samples: self.samples.clone(),
            no_data: self.no_data.clone(),
            elevation_m: self.elevation_m.clone(),
            sensors,
            views,
        }
    }

    fn compute_all(&self, todo: &[Todo], params: &TerrainParams) -> Vec<(Key, SensorView)> {
        let dem = &*self.dem;
        let samples = &*self.samples;
        let run = |part: &[Todo]| -> Vec<(Key, SensorView)> {
            part.iter().map(|(k, s, h, sec)| (*k, compute_view(dem, samples, s, *h, *sec, params))).collect()
        };
        if self.threads <= 1 || todo.len() < 2 {
            return run(todo);
        }
        // Interleaved shares: neighbouring sensors cost alike, so each thread gets a similar load.
        let threads = self.threads.min(todo.len());
        let shares: Vec<Vec<Todo>> =
            (0..threads).map(|t| todo.iter().skip(t).step_by(threads).cloned().collect()).collect();
        std::thread::scope(|scope| {
            let handles: Vec<_> = shares.iter().map(|share| scope.spawn(move || run(share))).collect();
            let mut out = Vec::with_capacity(todo.len());
            for (h, share) in handles.into_iter().zip(&shares) {
                match h.join() {
                    Ok(v) => out.extend(v),
                    // A panicking thread would be a bug; compute its share here rather than lose it.
                    Err(_) => out.extend(run(share)),
                }
            }
            out
        })
    }
}
