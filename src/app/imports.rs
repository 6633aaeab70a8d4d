//! Background imports of layers (any format `io::formats` reads) (progress, cancel) and turning layers into outposts or a border.

use crate::io::formats::{FormatError, ImportOptions, import_chosen};
use crate::io::layer::Layer;
use crate::model::Outpost;
use geo::{Geometry, LineString};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// A GeoPackage with several feature tables, listed so the planner can choose which to import.
#[derive(Debug, Clone, PartialEq)]
pub struct TableChoice {
    pub path: PathBuf,
    pub tables: Vec<crate::io::formats::gpkg::TableInfo>,
}

/// An import running on a worker thread.
pub struct ImportJob {
    pub path: PathBuf,
    pub total_bytes: u64,
    pub done_bytes: Arc<AtomicU64>,
    pub cancel: Arc<AtomicBool>,
    rx: Receiver<Result<Vec<Layer>, FormatError>>,
}

impl ImportJob {
    /// Imports every layer of `path` (every feature table of a GeoPackage); `tables` limits a GeoPackage to the
    /// tables named.
    pub fn start(path: PathBuf, tables: Option<Vec<String>>, ctx: egui::Context) -> Self {
        let total_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let done_bytes = Arc::new(AtomicU64::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel();
        let (p, done, stop) = (path.clone(), done_bytes.clone(), cancel.clone());
        std::thread::spawn(move || {
            let progress = |n: u64| {
                done.store(n, Ordering::Relaxed);
                ctx.request_repaint();
            };
            let options = ImportOptions { progress: Some(&progress), cancel: Some(&stop) };
            let result = import_chosen(&p, &options, tables.as_deref());
            let _ = tx.send(result);
            ctx.request_repaint();
        });
        Self { path, total_bytes, done_bytes, cancel, rx }
    }

    /// The result once the worker is done.
    pub fn poll(&mut self) -> Option<Result<Vec<Layer>, FormatError>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(FormatError::Cancelled)),
        }
    }

    pub fn fraction(&self) -> f32 {
        if self.total_bytes == 0 {
            return 0.0;
        }
        (self.done_bytes.load(Ordering::Relaxed) as f64 / self.total_bytes as f64).clamp(0.0, 1.0) as f32
    }
}

/// A plan file is GeoJSON with a "borderplan" member near the top.
pub fn looks_like_plan(path: &Path) -> bool {
    use std::io::Read;
    let mut head = vec![0u8; 4096];
    let Ok(mut f) = std::fs::File::open(path) else { return false };
    let n = f.read(&mut head).unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n]);
    text.contains("\"borderplan\"") && text.contains("borderplan-plan")
}

/// Outposts from a point layer, named by `name_property`.
pub fn outposts_from_layer(layer: &Layer, name_property: &str) -> Result<Vec<Outpost>, String> {
    let mut out = Vec::new();
    for (i, f) in layer.features.iter().enumerate() {
        let Geometry::Point(p) = f.geometry else { continue };
        let properties = layer.properties.map(i);
        let name = properties
            .get(name_property)
            .map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
            .unwrap_or_else(|| format!("Outpost {}", i + 1));
        let id = properties
            .get("id")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("OP-{:03}", i + 1));
        let mut o = Outpost::new(&id, &name, p);
        o.extra = properties;
        o.extra.remove("id");
        o.extra.remove("name");
        out.push(o);
    }
    if out.is_empty() {
        return Err(format!("layer {} has no Point features to use as outposts", layer.name));
    }
    let mut ids: Vec<&str> = out.iter().map(|o| o.id.as_str()).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        // Duplicate ids in the source: number them instead.
        for (i, o) in out.iter_mut().enumerate() {
            o.id = format!("OP-{:03}", i + 1);
        }
    }
    Ok(out)
}

/// The border from a line layer: its longest LineString, ordered west to east.
pub fn border_from_layer(layer: &Layer) -> Result<LineString<f64>, String> {
    let mut best: Option<LineString<f64>> = None;
    for f in layer.features.iter() {
        let lines: Vec<LineString<f64>> = match &f.geometry {
            Geometry::LineString(l) => vec![l.clone()],
            Geometry::MultiLineString(m) => m.0.clone(),
            _ => continue,
        };
        for l in lines {
            if best.as_ref().is_none_or(|b| l.0.len() > b.0.len()) {
                best = Some(l);
            }
        }
    }
    let mut line = best.ok_or_else(|| format!("layer {} has no LineString to use as the border", layer.name))?;
    if let (Some(a), Some(b)) = (line.0.first(), line.0.last())
        && a.x > b.x
    {
        line.0.reverse();
    }
    Ok(line)
}
