//! Elevation data in the app: loading it, remembering it in the plan, and the line-of-sight coverage computed
//! off the UI thread.
//!
//! One worker thread per loaded DEM owns the [`TerrainEngine`] (and so the per-sensor cache). Every change of
//! the plan sends it the sensors; it skips to the newest job, computes, and sends the figures back. The frame
//! loop picks them up with [`App::poll_terrain`]; until then the map says "computing…" and the previous figures
//! stay on show.

use super::App;
use crate::io::dem::{self, Dem};
use crate::model::Border;
use crate::model::terrain::{Sensor, TerrainEngine, TerrainFigures, TerrainParams, plan_sensors};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

struct Job {
    generation: u64,
    border: Arc<Border>,
    sensors: Vec<Sensor>,
    params: TerrainParams,
}

struct Done {
    generation: u64,
    figures: TerrainFigures,
    computed: usize,
    millis: f64,
}

struct Worker {
    jobs: Sender<Job>,
    done: Receiver<Done>,
}

impl Worker {
    fn spawn(dem: Arc<Dem>) -> Option<Self> {
        let (jobs, job_rx) = channel::<Job>();
        let (done_tx, done) = channel::<Done>();
        let spawned = std::thread::Builder::new().name("terrain".into()).spawn(move || {
            let mut engine = TerrainEngine::new(dem);
            while let Ok(mut job) = job_rx.recv() {
                // Only the newest plan matters: skip what was superseded while we worked.
                while let Ok(newer) = job_rx.try_recv() {
                    job = newer;
                }
                let t0 = std::time::Instant::now();
                let figures = engine.figures_for(&job.border, job.sensors, job.params);
                let done = Done {
                    generation: job.generation,
                    figures,
                    computed: engine.last_computed,
                    millis: t0.elapsed().as_secs_f64() * 1000.0,
                };
                if done_tx.send(done).is_err() {
                    break;
                }
            }
        });
        match spawned {
            Ok(_) => Some(Self { jobs, done }),
            Err(e) => {
                log::warn!("cannot start the terrain thread: {e}");
                None
            }
        }
    }
}

/// The loaded elevation data and the latest figures from it.
#[derive(Default)]
pub struct TerrainState {
    pub dem: Option<Arc<Dem>>,
    /// The path it was loaded from.
    pub path: Option<PathBuf>,
    /// Figures for the plan generation `figures_generation` (may be older than the plan while computing).
    pub figures: Option<Arc<TerrainFigures>>,
    pub figures_generation: u64,
    pub computing: bool,
    /// A notice to show once (the plan's DEM is missing), until closed.
    pub notice: Option<String>,
    worker: Option<Worker>,
}

impl TerrainState {
    /// "line of sight over …" or "no terrain": what the coverage figures are based on.
    pub fn basis(&self) -> String {
        match (&self.figures, self.computing) {
            (Some(f), false) => format!("line of sight over {}", f.dem),
            (Some(f), true) => format!("line of sight over {} (computing…)", f.dem),
            (None, true) => "computing line of sight…".to_owned(),
            (None, false) => "range model (no terrain)".to_owned(),
        }
    }
}

/// The DEM path as the plan stores it: relative to the plan's folder when it lies inside it.
pub fn stored_path(dem: &Path, plan_path: Option<&Path>) -> String {
    let dir = plan_path.and_then(Path::parent).filter(|d| !d.as_os_str().is_empty());
    let abs = std::path::absolute(dem).unwrap_or_else(|_| dem.to_owned());
    if let Some(dir) = dir.and_then(|d| std::path::absolute(d).ok())
        && let Ok(rel) = abs.strip_prefix(&dir)
    {
        return rel.display().to_string();
    }
    abs.display().to_string()
}

/// Where a stored DEM path points, seen from the plan file.
pub fn resolve_path(stored: &str, plan_path: Option<&Path>) -> PathBuf {
    let p = PathBuf::from(stored);
    if p.is_absolute() {
        return p;
    }
    match plan_path.and_then(Path::parent) {
        Some(dir) => dir.join(p),
        None => p,
    }
}

impl App {
    /// Loads elevation data and computes line-of-sight coverage with it; the plan remembers the path.
    pub fn load_dem(&mut self, path: &Path) -> bool {
        let dem = match dem::open(path) {
            Ok(d) => Arc::new(d),
            Err(e) => {
                self.error(format!("Could not load the elevation data: {e}"));
                return false;
            }
        };
        let files = dem.file_count();
        self.terrain.worker = Worker::spawn(dem.clone());
        self.terrain.dem = Some(dem);
        self.terrain.path = Some(path.to_owned());
        self.terrain.figures = None;
        self.terrain.notice = None;
        let mut params = TerrainParams::of_plan(&self.plan);
        let stored = stored_path(path, self.plan_path.as_deref());
        if params.dem.as_deref() != Some(stored.as_str()) {
            params.dem = Some(stored);
            params.store_in(&mut self.plan);
            self.changed_outside_history();
            self.dirty = true;
        }
        self.request_terrain();
        self.info(format!(
            "Loaded elevation data {} ({}); computing line of sight…",
            path.display(),
            crate::model::counted(files, "file", "files")
        ));
        true
    }

    /// Drops the elevation data: coverage goes back to the range model.
    pub fn unload_dem(&mut self) {
        self.terrain = super::terrain::TerrainState::default();
        self.derived = super::derived::Derived::build(&self.plan, self.generation);
        self.derived.set_timeline(&self.plan, self.timeline);
        self.info("Elevation data closed: coverage by range (no terrain)");
    }

    /// After opening a plan: loads the DEM it names, or says clearly that it is missing.
    pub(super) fn dem_from_plan(&mut self) {
        let Some(stored) = TerrainParams::of_plan(&self.plan).dem else { return };
        let path = resolve_path(&stored, self.plan_path.as_deref());
        if path.exists() {
            if self.load_dem(&path) {
                self.dirty = self.saved_plan.as_ref() != Some(&self.plan);
            }
        } else {
            self.terrain = super::terrain::TerrainState {
                notice: Some(format!(
                    "This plan was made with the elevation data {}, which is not there. Coverage is shown by \
                     range (no terrain) until you load it again with File › Load elevation data…",
                    path.display()
                )),
                ..Default::default()
            };
            self.derived = super::derived::Derived::build(&self.plan, self.generation);
        }
    }

    /// Sends the plan's sensors to the terrain thread (no-op without a DEM).
    pub(super) fn request_terrain(&mut self) {
        let Some(w) = &self.terrain.worker else { return };
        let job = Job {
            generation: self.generation,
            border: self.plan.border.clone(),
            sensors: plan_sensors(&self.plan),
            params: TerrainParams::of_plan(&self.plan),
        };
        self.terrain.computing = w.jobs.send(job).is_ok();
    }

    /// Takes finished terrain figures (call once per frame); true when new figures were applied.
    pub fn poll_terrain(&mut self) -> bool {
        let Some(w) = &self.terrain.worker else { return false };
        let mut latest = None;
        while let Ok(done) = w.done.try_recv() {
            latest = Some(done);
        }
        let Some(done) = latest else { return false };
        log::info!(
            "terrain: {} traced in {:.1} ms for plan generation {}",
            crate::model::counted(done.computed, "sensor view", "sensor views"),
            done.millis,
            done.generation
        );
        if done.generation == self.generation {
            self.terrain.computing = false;
            if self.status.as_ref().is_some_and(|s| !s.error && s.text.ends_with("computing line of sight…")) {
                let s3 = done.figures.stage_coverage(crate::model::Stage::Three).coverage;
                self.info(format!(
                    "Line of sight over {}: stage 3 covers {:.1} of {:.1} km ({:.1} %)",
                    done.figures.dem,
                    s3.covered_km,
                    s3.length_km,
                    s3.percent()
                ));
            }
        }
        let figures = Arc::new(done.figures);
        self.terrain.figures = Some(figures.clone());
        self.terrain.figures_generation = done.generation;
        self.derived.apply_terrain(&self.plan, figures);
        true
    }

    /// The line-of-sight figures for exports (`None`: no terrain, the exports use the range model).
    pub fn export_basis(&self) -> Option<crate::io::export::CoverageBasis> {
        let f = self.derived.terrain.as_ref()?;
        Some(crate::io::export::CoverageBasis {
            stage2: self.derived.coverage_stage2.clone(),
            stage3: self.derived.coverage_stage3.clone(),
            findings: self.derived.findings.clone(),
            label: format!(
                "Coverage by {} over the elevation data {} ({:.0} m grid, {:.1} % of the border has data)",
                f.params.model_label(),
                f.dem,
                f.resolution_m,
                100.0 * f.border_share
            ),
        })
    }

    /// Waits (up to `timeout`) for the terrain figures of the current plan; for tests and the CLI-like paths.
    pub fn wait_for_terrain(&mut self, timeout: std::time::Duration) -> bool {
        let t0 = std::time::Instant::now();
        while self.terrain.computing && t0.elapsed() < timeout {
            if !self.poll_terrain() {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        }
        !self.terrain.computing
    }
}
