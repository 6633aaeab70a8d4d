//! DTED level 0, 1 and 2 cells (`.dt0`, `.dt1`, `.dt2`; MIL-PRF-89020B), memory-mapped on first use.
//!
//! A cell is an 80-byte User Header Label (`UHL1`, the south-west origin as DDDMMSSH, the post spacing in tenths
//! of an arc-second, the numbers of longitude lines and latitude points), a 648-byte Data Set Identification
//! (`DSI`) and a 2700-byte Accuracy record (`ACC`), then one data record per longitude line from west to east:
//! the sentinel 0xAA, a 3-byte block count, 2-byte longitude and latitude counts, the elevations from south to
//! north as 2-byte big-endian signed-magnitude metres, and a 4-byte checksum. −32767 is a void.
//!
//! Opening reads the 3,428 header bytes and the first and last records' sentinels, and checks the file's size
//! against the counts; the elevations are read through a memory map when a sample first falls on the cell.

use super::DemError;
use super::M_PER_DEG;
use memmap2::Mmap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const UHL_LEN: usize = 80;
const DSI_LEN: usize = 648;
const ACC_LEN: usize = 2700;
/// Where the first data record starts.
pub const HEADER_LEN: usize = UHL_LEN + DSI_LEN + ACC_LEN;
const SENTINEL: u8 = 0xAA;
/// The void value (signed magnitude 0xFFFF).
pub const VOID: i16 = -32767;

/// One DTED cell.
pub struct DtedCell {
    path: PathBuf,
    /// South-west post, degrees.
    lon0: f64,
    lat0: f64,
    /// Post spacing, degrees.
    dlon: f64,
    dlat: f64,
    /// Longitude lines (records) and latitude points per line.
    cols: usize,
    rows: usize,
    map: OnceLock<Option<Mmap>>,
}

fn bad(path: &Path, message: impl Into<String>) -> DemError {
    DemError::Dted { path: path.to_owned(), message: message.into() }
}

/// `DDDMMSSH` (or `DDMMSSH` for latitude, with a leading digit) to degrees.
fn parse_dms(field: &[u8], what: &str, path: &Path) -> Result<f64, DemError> {
    let text = std::str::from_utf8(field).map_err(|_| bad(path, format!("its {what} origin is not text")))?;
    let (digits, hemi) = text.split_at(text.len().saturating_sub(1));
    let sign = match hemi {
        "N" | "E" => 1.0,
        "S" | "W" => -1.0,
        _ => return Err(bad(path, format!("its {what} origin “{text}” does not end in N, S, E or W"))),
    };
    let digits = digits.trim();
    if digits.len() < 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(path, format!("its {what} origin “{text}” is not DDDMMSSH")));
    }
    let n = digits.len();
    let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    let deg = num(&digits[..n - 4]);
    let min = num(&digits[n - 4..n - 2]);
    let sec = num(&digits[n - 2..]);
    if !(min < 60.0 && sec < 60.0) {
        return Err(bad(path, format!("its {what} origin “{text}” has minutes or seconds over 59")));
    }
    Ok(sign * (deg + min / 60.0 + sec / 3600.0))
}

fn parse_count(field: &[u8], what: &str, path: &Path) -> Result<usize, DemError> {
    std::str::from_utf8(field)
        .ok()
        .and_then(|t| t.trim().parse::<usize>().ok())
        .ok_or_else(|| bad(path, format!("its {what} “{}” is not a number", String::from_utf8_lossy(field))))
}

/// A signed-magnitude big-endian elevation.
fn decode(hi: u8, lo: u8) -> i16 {
    let raw = u16::from_be_bytes([hi, lo]);
    let magnitude = (raw & 0x7FFF) as i16;
    if raw & 0x8000 != 0 { -magnitude } else { magnitude }
}

impl DtedCell {
    /// Reads and checks the headers (not the elevations).
    ///
    /// # Errors
    /// [`DemError::Dted`] naming the file when it is not a DTED cell, its header is corrupt or its size does not
    /// match the header's counts; [`DemError::Read`] when it cannot be read.
    pub fn open(path: &Path) -> Result<Self, DemError> {
        let read_err = |source| DemError::Read { path: path.to_owned(), source };
        let mut file = std::fs::File::open(path).map_err(read_err)?;
        let len = file.metadata().map_err(read_err)?.len();
        if len < HEADER_LEN as u64 {
            return Err(bad(path, format!("it has {len} bytes, less than the {HEADER_LEN} of the DTED headers")));
        }
        let mut head = vec![0u8; HEADER_LEN];
        file.read_exact(&mut head).map_err(read_err)?;
        if &head[0..4] != b"UHL1" {
            return Err(bad(path, "it does not start with a DTED user header label (UHL1)"));
        }
        if &head[UHL_LEN..UHL_LEN + 3] != b"DSI" {
            return Err(bad(path, "its data set identification record (DSI) is missing at byte 80"));
        }
        if &head[UHL_LEN + DSI_LEN..UHL_LEN + DSI_LEN + 3] != b"ACC" {
            return Err(bad(path, "its accuracy record (ACC) is missing at byte 728"));
        }
        let lon0 = parse_dms(&head[4..12], "longitude", path)?;
        let lat0 = parse_dms(&head[12..20], "latitude", path)?;
        let dlon_tenths = parse_count(&head[20..24], "longitude interval", path)?;
        let dlat_tenths = parse_count(&head[24..28], "latitude interval", path)?;
        let cols = parse_count(&head[47..51], "number of longitude lines", path)?;
        let rows = parse_count(&head[51..55], "number of latitude points", path)?;
        if dlon_tenths == 0 || dlat_tenths == 0 || cols < 2 || rows < 2 {
            return Err(bad(
                path,
                format!("its header gives {cols} × {rows} posts at {dlon_tenths} × {dlat_tenths} tenths of a second"),
            ));
        }
        if !(lat0.abs() <= 90.0 && lon0.abs() <= 180.0) {
            return Err(bad(path, format!("its origin ({lon0}, {lat0}) is not a lon/lat")));
        }
        let record = 12 + 2 * rows;
        let expected = (HEADER_LEN + cols * record) as u64;
        if len != expected {
            return Err(bad(
                path,
                format!(
                    "it has {len} bytes, but its header promises {cols} longitude lines of {rows} posts \
                     ({expected} bytes); is it truncated?"
                ),
            ));
        }
        for c in [0, cols - 1] {
            let mut rec = [0u8; 8];
            file.seek(SeekFrom::Start((HEADER_LEN + c * record) as u64)).map_err(read_err)?;
            file.read_exact(&mut rec).map_err(read_err)?;
            let lon_count = usize::from(u16::from_be_bytes([rec[4], rec[5]]));
            if rec[0] != SENTINEL || lon_count != c {
                return Err(bad(
                    path,
                    format!("its data record {c} does not start with the sentinel 0xAA and its number"),
                ));
            }
        }
        Ok(Self {
            path: path.to_owned(),
            lon0,
            lat0,
            dlon: dlon_tenths as f64 / 36_000.0,
            dlat: dlat_tenths as f64 / 36_000.0,
            cols,
            rows,
            map: OnceLock::new(),
        })
    }

    fn data(&self) -> Option<&[u8]> {
        self.map
            .get_or_init(|| {
                let file = std::fs::File::open(&self.path).ok()?;
                // SAFETY: read-only map read as plain bytes; its length is checked against the header below, so a
                // file changed on disk yields other numbers, never an out-of-bounds read.
                let map = unsafe { Mmap::map(&file) }.ok()?;
                if map.len() != HEADER_LEN + self.cols * (12 + 2 * self.rows) {
                    log::warn!("{} changed size since it was opened; its samples are unknown", self.path.display());
                    return None;
                }
                Some(map)
            })
            .as_ref()
            .map(|m| &m[..])
    }

    /// The south-west corner (lat, lon) rounded to whole degrees, the cell's key.
    pub fn corner(&self) -> (i32, i32) {
        (self.lat0.round() as i32, self.lon0.round() as i32)
    }

    pub fn resolution_m(&self) -> f64 {
        self.dlat * M_PER_DEG
    }

    pub fn bounds(&self) -> [f64; 4] {
        let e = self.lon0 + (self.cols - 1) as f64 * self.dlon;
        let n = self.lat0 + (self.rows - 1) as f64 * self.dlat;
        [self.lon0, self.lat0, e, n]
    }

    /// Bilinear elevation; `None` in a void (any of the four posts), a corrupt record, or outside the cell.
    pub fn elevation_m(&self, lon: f64, lat: f64) -> Option<f64> {
        let x = (lon - self.lon0) / self.dlon;
        let y = (lat - self.lat0) / self.dlat;
        let (xl, yl) = ((self.cols - 1) as f64, (self.rows - 1) as f64);
        // A whisker of tolerance: posts on the edges are shared with the neighbouring cell.
        if !(x >= -1e-9 && y >= -1e-9 && x <= xl + 1e-9 && y <= yl + 1e-9) {
            return None;
        }
        let (x, y) = (x.clamp(0.0, xl), y.clamp(0.0, yl));
        let (c0, r0) = (x.floor().min(xl - 1.0), y.floor().min(yl - 1.0));
        let (fx, fy) = (x - c0, y - r0);
        let (c0, r0) = (c0 as usize, r0 as usize);
        let data = self.data()?;
        let record = 12 + 2 * self.rows;
        let column = |c: usize| -> Option<&[u8]> {
            let start = HEADER_LEN + c * record;
            let rec = data.get(start..start + record)?;
            (rec[0] == SENTINEL).then_some(&rec[8..8 + 2 * self.rows])
        };
        let (west, east) = (column(c0)?, column(c0 + 1)?);
        let at = |col: &[u8], r: usize| -> Option<f64> {
            let v = decode(col[2 * r], col[2 * r + 1]);
            (v != VOID).then_some(f64::from(v))
        };
        let (a, b) = (at(west, r0)?, at(east, r0)?);
        let (c, d) = (at(west, r0 + 1)?, at(east, r0 + 1)?);
        let south = a + fx * (b - a);
        let north = c + fx * (d - c);
        Some(south + fy * (north - south))
    }
}

/// A set of DTED cells, indexed by their south-west corner.
pub struct DtedSet {
    cells: Vec<DtedCell>,
    index: std::collections::HashMap<(i32, i32), usize>,
    resolution_m: f64,
}

impl DtedSet {
    /// Opens every cell's headers.
    ///
    /// # Errors
    /// The first cell's [`DemError`].
    pub fn open(paths: &[PathBuf]) -> Result<Self, DemError> {
        let cells = paths.iter().map(|p| DtedCell::open(p)).collect::<Result<Vec<_>, _>>()?;
        let mut index = std::collections::HashMap::new();
        for (i, c) in cells.iter().enumerate() {
            // Two cells for one corner (a .dt1 beside a .dt2): the finer one wins.
            let slot = index.entry(c.corner()).or_insert(i);
            if cells[*slot].dlat > c.dlat {
                *slot = i;
            }
        }
        let resolution_m = cells.iter().map(DtedCell::resolution_m).fold(f64::INFINITY, f64::min);
        Ok(Self { cells, index, resolution_m })
    }

    pub fn resolution_m(&self) -> f64 {
        self.resolution_m
    }

    pub fn cell_count(&self) -> usize {
        self.cells.len()
    }

    pub fn cell_bounds(&self) -> impl Iterator<Item = [f64; 4]> + '_ {
        self.cells.iter().map(DtedCell::bounds)
    }

    pub fn elevation_m(&self, lon: f64, lat: f64) -> Option<f64> {
        if !(lon.is_finite() && lat.is_finite()) {
            return None;
        }
        let (lat_i, lon_i) = (lat.floor() as i32, lon.floor() as i32);
        // On a whole degree the cell to the south or west holds the same posts on its edge.
        let south = if lat == lat.floor() { lat_i - 1 } else { lat_i };
        let west = if lon == lon.floor() { lon_i - 1 } else { lon_i };
        [(lat_i, lon_i), (south, lon_i), (lat_i, west), (south, west)]
            .into_iter()
            .filter_map(|k| self.index.get(&k).map(|&i| &self.cells[i]))
            .find_map(|c| c.elevation_m(lon, lat))
    }
}
