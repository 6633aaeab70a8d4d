//! Elevation data: SRTM `.hgt` tiles (memory-mapped, opened on first use) and GeoTIFF DEMs in EPSG:4326.
//!
//! [`open`] takes a file or a folder. A folder is listed, not read: every `.hgt` tile's name and size are
//! checked (a wrong size is a clear error naming the file), the tiles are mapped into memory when a sample
//! first falls on them. GeoTIFFs are decoded whole when opened. Samples are bilinear; a void (−32768 in SRTM,
//! the GDAL nodata value in a GeoTIFF) or a place the data does not reach is `None`, never 0 m.
//!
//! DTED (`.dt1`/`.dt2`) is not read: no maintained Rust crate reads it, and GDAL converts it to GeoTIFF.

mod geotiff;
mod hgt;
pub mod synth;

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
    #[error("{} holds no elevation data (.hgt tiles or GeoTIFF .tif files)", path.display())]
    Empty { path: PathBuf },
    #[error(
        "{} is not elevation data borderplan reads (SRTM .hgt, GeoTIFF .tif in EPSG:4326){}",
        path.display(),
        if path.extension().is_some_and(|x| x.eq_ignore_ascii_case("dt1") || x.eq_ignore_ascii_case("dt2")) {
            "; convert DTED to GeoTIFF first (gdal_translate in.dt1 out.tif)"
        } else {
            ""
        }
    )]
    Unsupported { path: PathBuf },
}

/// Elevation data opened from a file or a folder.
pub struct Dem {
    name: String,
    hgt: Option<HgtSet>,
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
    let (hgt_files, tif_files) = if meta.is_dir() {
        let mut hgt_files = Vec::new();
        let mut tif_files = Vec::new();
        let entries = std::fs::read_dir(path).map_err(|source| DemError::Read { path: path.to_owned(), source })?;
        for e in entries {
            let p = e.map_err(|source| DemError::Read { path: path.to_owned(), source })?.path();
            if is_ext(&p, &["hgt"]) {
                hgt_files.push(p);
            } else if is_ext(&p, &["tif", "tiff"]) {
                tif_files.push(p);
            }
        }
        hgt_files.sort();
        tif_files.sort();
        if hgt_files.is_empty() && tif_files.is_empty() {
            return Err(DemError::Empty { path: path.to_owned() });
        }
        (hgt_files, tif_files)
    } else if is_ext(path, &["hgt"]) {
        (vec![path.to_owned()], Vec::new())
    } else if is_ext(path, &["tif", "tiff"]) {
        (Vec::new(), vec![path.to_owned()])
    } else {
        return Err(DemError::Unsupported { path: path.to_owned() });
    };
    let hgt = if hgt_files.is_empty() { None } else { Some(HgtSet::open(&hgt_files)?) };
    let tiffs = tif_files.iter().map(|p| GeoTiffDem::open(p)).collect::<Result<Vec<_>, _>>()?;
    let resolution_m = hgt
        .iter()
        .map(HgtSet::resolution_m)
        .chain(tiffs.iter().map(GeoTiffDem::resolution_m))
        .fold(f64::INFINITY, f64::min);
    Ok(Dem { name: path.display().to_string(), hgt, tiffs, resolution_m })
}

impl Dem {
    /// How many tiles or files it is made of.
    pub fn file_count(&self) -> usize {
        self.hgt.as_ref().map_or(0, HgtSet::tile_count) + self.tiffs.len()
    }

    /// The lon/lat bounds [w, s, e, n] of all the data.
    pub fn bounds(&self) -> Option<[f64; 4]> {
        let mut out: Option<[f64; 4]> = None;
        let all = self.hgt.iter().flat_map(HgtSet::tile_bounds).chain(self.tiffs.iter().map(GeoTiffDem::bounds));
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
