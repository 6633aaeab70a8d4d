//! Elevation data: SRTM `.hgt` tiles and DTED cells (memory-mapped, opened on first use) and GeoTIFF DEMs in
//! EPSG:4326.
//!
//! [`open`] takes a file or a folder (with its sub-folders, as DTED is laid out: `e071/n37.dt1`; formats may
//! be mixed). A folder is listed, not read: every `.hgt` tile's name and size and every DTED cell's headers are
//! checked (a wrong size or a corrupt header is a clear error naming the file), the tiles are mapped into
//! memory when a sample first falls on them. A GeoTIFF's header is read when opened and its tiles or strips
//! when samples fall on them. Samples are bilinear; a void (−32768 in SRTM, −32767 in DTED, the GDAL nodata
//! value in a GeoTIFF) or a place the data does not reach is `None`, never 0 m. Where several files cover a
//! place, `.hgt` tiles come first, then DTED cells, then GeoTIFFs.

mod dted;
mod geotiff;
mod hgt;
pub mod synth;

pub use dted::{DtedCell, DtedSet};
pub use geotiff::GeoTiffDem;
pub use hgt::{HgtSet, parse_tile_name};

use crate::model::terrain::Elevation;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DemError {
    #[error("cannot read the elevation data {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error(
        "{} is not an SRTM tile: it has {len} bytes, but a 1-arc-second tile has 25,934,402 (3601 × 3601 × 2) and a 3-arc-second tile 2,884,802 (1201 × 1201 × 2); is it truncated?",
        path.display()
    )]
    HgtSize { path: PathBuf, len: u64 },
    #[error("{} is not named like an SRTM tile (N37E071.hgt: the south-west corner)", path.display())]
    HgtName { path: PathBuf },
    #[error("{} is not a readable GeoTIFF DEM: {message}", path.display())]
    Tiff { path: PathBuf, message: String },
    #[error("{} is not a readable DTED cell: {message}", path.display())]
    Dted { path: PathBuf, message: String },
    #[error("{} holds no elevation data (.hgt tiles, DTED .dt0/.dt1/.dt2 cells or GeoTIFF .tif files)", path.display())]
    Empty { path: PathBuf },
    #[error(
        "{} is not elevation data borderplan reads (SRTM .hgt, DTED .dt0/.dt1/.dt2, GeoTIFF .tif in EPSG:4326)",
        path.display()
    )]
    Unsupported { path: PathBuf },
}

/// Elevation data opened from a file or a folder.
pub struct Dem {
    name: String,
    hgt: Option<HgtSet>,
    dted: Option<DtedSet>,
    tiffs: Vec<GeoTiffDem>,
    resolution_m: f64,
}

impl std::fmt::Debug for Dem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dem").field("name", &self.name).field("resolution_m", &self.resolution_m).finish()
    }
}

fn is_ext(p: &Path, exts: &[&str]) -> bool {
    p.extension().and_then(|x| x.to_str()).is_some_and(|x| exts.iter().any(|e| x.eq_ignore_ascii_case(e)))
}

/// Opens a `.hgt` tile, a GeoTIFF, or a folder of them.
///
/// # Errors
/// A [`DemError`] naming the file: unreadable, wrong size, badly named, not a GeoTIFF DEM, or nothing usable.
pub fn open(path: &Path) -> Result<Dem, DemError> {
    let meta = std::fs::metadata(path).map_err(|source| DemError::Read { path: path.to_owned(), source })?;
    let mut files = Files::default();
    if meta.is_dir() {
        files.list(path, 0)?;
        if files.is_empty() {
            return Err(DemError::Empty { path: path.to_owned() });
        }
    } else if !files.add(path.to_owned()) {
        return Err(DemError::Unsupported { path: path.to_owned() });
    }
    for list in [&mut files.hgt, &mut files.dted, &mut files.tif] {
        list.sort();
    }
    let hgt = if files.hgt.is_empty() { None } else { Some(HgtSet::open(&files.hgt)?) };
    let dted = if files.dted.is_empty() { None } else { Some(DtedSet::open(&files.dted)?) };
    // One memory budget for the decoded GeoTIFF tiles, shared among the files (at least 16 MB each).
    let budget = (geotiff::DEFAULT_CACHE_BYTES / files.tif.len().max(1)).max(16 << 20);
    let tiffs = files.tif.iter().map(|p| GeoTiffDem::open_with_budget(p, budget)).collect::<Result<Vec<_>, _>>()?;
    let resolution_m = hgt
        .iter()
        .map(HgtSet::resolution_m)
        .chain(dted.iter().map(DtedSet::resolution_m))
        .chain(tiffs.iter().map(GeoTiffDem::resolution_m))
        .fold(f64::INFINITY, f64::min);
    Ok(Dem { name: path.display().to_string(), hgt, dted, tiffs, resolution_m })
}

/// Sub-folders deeper than this are not listed (DTED needs one level: `e071/n37.dt1`).
const MAX_DEPTH: usize = 3;

/// The elevation files of a folder, by format.
#[derive(Default)]
struct Files {
    hgt: Vec<PathBuf>,
    dted: Vec<PathBuf>,
    tif: Vec<PathBuf>,
}

impl Files {
    fn is_empty(&self) -> bool {
        self.hgt.is_empty() && self.dted.is_empty() && self.tif.is_empty()
    }

    /// Files it reads by their extension; false for others.
    fn add(&mut self, p: PathBuf) -> bool {
        let list = if is_ext(&p, &["hgt"]) {
            &mut self.hgt
        } else if is_ext(&p, &["dt0", "dt1", "dt2"]) {
            &mut self.dted
        } else if is_ext(&p, &["tif", "tiff"]) {
            &mut self.tif
        } else {
            return false;
        };
        list.push(p);
        true
    }

    fn list(&mut self, dir: &Path, depth: usize) -> Result<(), DemError> {
        let entries = std::fs::read_dir(dir).map_err(|source| DemError::Read { path: dir.to_owned(), source })?;
        for e in entries {
            let e = e.map_err(|source| DemError::Read { path: dir.to_owned(), source })?;
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                if depth < MAX_DEPTH {
                    self.list(&p, depth + 1)?;
                }
            } else {
                self.add(p);
            }
        }
        Ok(())
    }
}

impl Dem {
    /// How many tiles or files it is made of.
    pub fn file_count(&self) -> usize {
        self.hgt.as_ref().map_or(0, HgtSet::tile_count)
            + self.dted.as_ref().map_or(0, DtedSet::cell_count)
            + self.tiffs.len()
    }

    /// Tiles or strips decoded from its GeoTIFFs so far (they are decoded when samples first fall on them).
    pub fn decoded_tiff_chunks(&self) -> usize {
        self.tiffs.iter().map(GeoTiffDem::decoded_chunks).sum()
    }

    /// The lon/lat bounds [w, s, e, n] of all the data.
    pub fn bounds(&self) -> Option<[f64; 4]> {
        let mut out: Option<[f64; 4]> = None;
        let all = self
            .hgt
            .iter()
            .flat_map(HgtSet::tile_bounds)
            .chain(self.dted.iter().flat_map(DtedSet::cell_bounds))
            .chain(self.tiffs.iter().map(GeoTiffDem::bounds));
        for b in all {
            out = Some(match out {
                None => b,
                Some(o) => [o[0].min(b[0]), o[1].min(b[1]), o[2].max(b[2]), o[3].max(b[3])],
            });
        }
        out
    }
}

impl Elevation for Dem {
    fn elevation_m(&self, lon: f64, lat: f64) -> Option<f64> {
        if let Some(z) = self.hgt.as_ref().and_then(|h| h.elevation_m(lon, lat)) {
            return Some(z);
        }
        if let Some(z) = self.dted.as_ref().and_then(|d| d.elevation_m(lon, lat)) {
            return Some(z);
        }
        self.tiffs.iter().find_map(|t| t.elevation_m(lon, lat))
    }
    fn resolution_m(&self) -> f64 {
        self.resolution_m
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// Metres per degree of latitude (mean).
pub(crate) const M_PER_DEG: f64 = 111_195.0;
