//! SRTM `.hgt` tiles: a square grid of big-endian i16 metres, 3601² (1″) or 1201² (3″), rows from north to
//! south, named after the south-west corner (`N37E071.hgt` covers 37–38° N, 71–72° E). −32768 is a void.

use super::{DemError, M_PER_DEG};
use memmap2::Mmap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub const VOID: i16 = -32768;

struct Tile {
    path: PathBuf,
    /// Samples per side (3601 or 1201).
    size: usize,
    lat: i32,
    lon: i32,
    /// Mapped on first use; `None` when the file could not be mapped then (its samples are unknown).
    map: OnceLock<Option<Mmap>>,
}

impl Tile {
    fn data(&self) -> Option<&[u8]> {
        self.map
            .get_or_init(|| {
                let file = std::fs::File::open(&self.path).ok()?;
                // SAFETY: the map is read-only and only read as plain bytes; a tile changed on disk while mapped
                // yields other numbers, never undefined behaviour in safe code reading a &[u8] of fixed length
                // (the length is checked below against the size the name and the listing promised).
                let map = unsafe { Mmap::map(&file) }.ok()?;
                if map.len() != self.size * self.size * 2 {
                    log::warn!("{} changed size since it was opened; its samples are unknown", self.path.display());
                    return None;
                }
                Some(map)
            })
            .as_ref()
            .map(|m| &m[..])
    }
}

/// The south-west corner (lat, lon) from a tile's name: `N37E071`, `s05w120.hgt`.
pub fn parse_tile_name(path: &Path) -> Option<(i32, i32)> {
    let stem = path.file_stem()?.to_str()?;
    let b = stem.as_bytes();
    if b.len() < 7 {
        return None;
    }
    let ns = match b[0].to_ascii_uppercase() {
        b'N' => 1,
        b'S' => -1,
        _ => return None,
    };
    let ew = match b[3].to_ascii_uppercase() {
        b'E' => 1,
        b'W' => -1,
        _ => return None,
    };
    let lat: i32 = stem.get(1..3)?.parse().ok()?;
    let lon: i32 = stem.get(4..7)?.parse().ok()?;
    if lat > 89 || lon > 180 {
        return None;
    }
    Some((ns * lat, ew * lon))
}

/// A set of tiles, indexed by their corner on a dense grid.
pub struct HgtSet {
    lat0: i32,
    lon0: i32,
    rows: usize,
    cols: usize,
    grid: Vec<Option<usize>>,
    tiles: Vec<Tile>,
    resolution_m: f64,
}

impl HgtSet {
    /// Lists tiles: checks every name and size (no file is read or mapped yet).
    pub fn open(paths: &[PathBuf]) -> Result<Self, DemError> {
        let mut tiles = Vec::with_capacity(paths.len());
        for p in paths {
            let (lat, lon) = parse_tile_name(p).ok_or_else(|| DemError::HgtName { path: p.clone() })?;
            let len = std::fs::metadata(p).map_err(|source| DemError::Read { path: p.clone(), source })?.len();
            let size = match len {
                25_934_402 => 3601,
                2_884_802 => 1201,
                _ => return Err(DemError::HgtSize { path: p.clone(), len }),
            };
            tiles.push(Tile { path: p.clone(), size, lat, lon, map: OnceLock::new() });
        }
        let lat0 = tiles.iter().map(|t| t.lat).min().unwrap_or(0);
        let lon0 = tiles.iter().map(|t| t.lon).min().unwrap_or(0);
        let rows = tiles.iter().map(|t| t.lat - lat0 + 1).max().unwrap_or(0).max(0) as usize;
        let cols = tiles.iter().map(|t| t.lon - lon0 + 1).max().unwrap_or(0).max(0) as usize;
        let mut grid = vec![None; rows * cols];
        for (i, t) in tiles.iter().enumerate() {
            // A second tile for the same corner (a 3″ beside a 1″ copy): the finer one wins.
            let cell = &mut grid[(t.lat - lat0) as usize * cols + (t.lon - lon0) as usize];
            if cell.is_none_or(|j: usize| tiles[j].size < t.size) {
                *cell = Some(i);
            }
        }
        let finest = tiles.iter().map(|t| t.size).max().unwrap_or(1201);
        let resolution_m = M_PER_DEG / (finest - 1) as f64;
        Ok(Self { lat0, lon0, rows, cols, grid, tiles, resolution_m })
    }

    pub fn resolution_m(&self) -> f64 {
        self.resolution_m
    }

    pub fn tile_count(&self) -> usize {
        self.tiles.len()
    }

    pub fn tile_bounds(&self) -> impl Iterator<Item = [f64; 4]> + '_ {
        self.tiles.iter().map(|t| {
            let (w, s) = (f64::from(t.lon), f64::from(t.lat));
            [w, s, w + 1.0, s + 1.0]
        })
    }

    fn tile_at(&self, lat_i: i32, lon_i: i32) -> Option<&Tile> {
        let r = usize::try_from(lat_i - self.lat0).ok().filter(|&r| r < self.rows)?;
        let c = usize::try_from(lon_i - self.lon0).ok().filter(|&c| c < self.cols)?;
        self.grid[r * self.cols + c].map(|i| &self.tiles[i])
    }

    /// Bilinear elevation; `None` in a void (any of the four samples) or outside the tiles.
    pub fn elevation_m(&self, lon: f64, lat: f64) -> Option<f64> {
        if !(lon.is_finite() && lat.is_finite()) {
            return None;
        }
        let (mut lat_f, mut lon_f) = (lat.floor(), lon.floor());
        let tile = match self.tile_at(lat_f as i32, lon_f as i32) {
            Some(t) => t,
            // On a whole degree the tile to the west or south holds the same posts as its last column or row.
            None => {
                if lon == lon_f {
                    lon_f -= 1.0;
                }
                if lat == lat_f {
                    lat_f -= 1.0;
                }
                self.tile_at(lat_f as i32, lon_f as i32)?
            }
        };
        let data = tile.data()?;
        let last = (tile.size - 1) as f64;
        let row = (lat_f + 1.0 - lat) * last;
        let col = (lon - lon_f) * last;
        let (r0, c0) = (row.floor().min(last - 1.0), col.floor().min(last - 1.0));
        let (fr, fc) = (row - r0, col - c0);
        let (r0, c0) = (r0 as usize, c0 as usize);
        let at = |r: usize, c: usize| -> Option<f64> {
            let i = 2 * (r * tile.size + c);
            let v = i16::from_be_bytes([data[i], data[i + 1]]);
            (v != VOID).then_some(f64::from(v))
        };
        let (a, b) = (at(r0, c0)?, at(r0, c0 + 1)?);
        let (c, d) = (at(r0 + 1, c0)?, at(r0 + 1, c0 + 1)?);
        let top = a + fc * (b - a);
        let bottom = c + fc * (d - c);
        Some(top + fr * (bottom - top))
    }
}
