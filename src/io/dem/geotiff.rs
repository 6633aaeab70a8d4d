//! GeoTIFF DEMs in EPSG:4326: one band of i16, i32 or f32 (tiled or striped, uncompressed, deflate or LZW),
//! placed by ModelTiepoint and ModelPixelScale. Opening reads the header; a tile or strip is decoded when a
//! sample first falls on it and kept in a bounded cache (least recently used out first), so a big file opens at
//! once and its memory stays within the budget.

use super::{DemError, M_PER_DEG};
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tiff::ColorType;
use tiff::decoder::{ChunkType, Decoder, DecodingResult};
use tiff::tags::Tag;

const GEO_KEY_DIRECTORY: u16 = 34735;
const GT_MODEL_TYPE: u64 = 1024;
const GT_RASTER_TYPE: u64 = 1025;
const GEOGRAPHIC_TYPE: u64 = 2048;
const PROJECTED_CS_TYPE: u64 = 3072;

/// Default memory budget of the decoded tiles or strips of one file.
pub const DEFAULT_CACHE_BYTES: usize = 256 * 1024 * 1024;

/// One decoded tile or strip: its data width (the stride) and samples, NaN for no data.
struct Chunk {
    width: usize,
    data: Vec<f32>,
}

struct Cache {
    decoder: Decoder<BufReader<File>>,
    /// Chunk index → (the chunk, or `None` when it could not be decoded; last use).
    chunks: HashMap<u32, (Option<Arc<Chunk>>, u64)>,
    bytes: usize,
    tick: u64,
}

pub struct GeoTiffDem {
    path: PathBuf,
    width: usize,
    height: usize,
    /// Lon/lat of the centre of pixel (0, 0) and the pixel size in degrees.
    lon0: f64,
    lat0: f64,
    dlon: f64,
    dlat: f64,
    nodata: Option<f64>,
    /// Tile (or strip: the image's width) size in pixels, and tiles across.
    chunk_w: usize,
    chunk_h: usize,
    across: usize,
    budget_bytes: usize,
    cache: Mutex<Cache>,
    decoded: AtomicUsize,
}

fn err(path: &Path, message: impl Into<String>) -> DemError {
    DemError::Tiff { path: path.to_owned(), message: message.into() }
}

impl GeoTiffDem {
    /// Reads the header, with the default cache budget.
    ///
    /// # Errors
    /// [`DemError`] naming the file: unreadable, not a TIFF, not georeferenced in lon/lat, not one band.
    pub fn open(path: &Path) -> Result<Self, DemError> {
        Self::open_with_budget(path, DEFAULT_CACHE_BYTES)
    }

    /// Reads the header; decoded tiles or strips are kept up to `budget_bytes`.
    ///
    /// # Errors
    /// As [`GeoTiffDem::open`].
    pub fn open_with_budget(path: &Path, budget_bytes: usize) -> Result<Self, DemError> {
        let file = File::open(path).map_err(|source| DemError::Read { path: path.to_owned(), source })?;
        let mut dec = Decoder::new(BufReader::new(file)).map_err(|e| err(path, e.to_string()))?;
        let (w, h) = dec.dimensions().map_err(|e| err(path, e.to_string()))?;
        let scale = dec
            .get_tag_f64_vec(Tag::ModelPixelScaleTag)
            .map_err(|_| err(path, "it has no ModelPixelScale tag (not georeferenced)"))?;
        let tie = dec
            .get_tag_f64_vec(Tag::ModelTiepointTag)
            .map_err(|_| err(path, "it has no ModelTiepoint tag (not georeferenced)"))?;
        if scale.len() < 2 || tie.len() < 6 || !(scale[0] > 0.0 && scale[1] > 0.0) {
            return Err(err(path, "its ModelPixelScale or ModelTiepoint tag is incomplete"));
        }
        let keys = dec.get_tag_u64_vec(Tag::Unknown(GEO_KEY_DIRECTORY)).unwrap_or_default();
        let key = |id: u64| keys.chunks_exact(4).skip(1).find(|k| k[0] == id && k[1] == 0).map(|k| k[3]);
        if key(GT_MODEL_TYPE) == Some(1) || key(PROJECTED_CS_TYPE).is_some() {
            return Err(err(path, "it is in a projected coordinate system; reproject it to EPSG:4326 (lon/lat)"));
        }
        if let Some(g) = key(GEOGRAPHIC_TYPE)
            && g != 4326
            && g != 32767
        {
            return Err(err(path, format!("its geographic coordinate system is EPSG:{g}, not EPSG:4326")));
        }
        let pixel_is_point = key(GT_RASTER_TYPE) == Some(2);
        let nodata = dec
            .get_tag_ascii_string(Tag::GdalNodata)
            .ok()
            .and_then(|s| s.trim_matches(char::from(0)).trim().parse::<f64>().ok());
        match dec.colortype().map_err(|e| err(path, e.to_string()))? {
            ColorType::Gray(16 | 32) => {}
            other => {
                return Err(err(path, format!("it has {other:?} pixels; one band of 16/32-bit samples expected")));
            }
        }
        let (width, height) = (w as usize, h as usize);
        let (dlon, dlat) = (scale[0], scale[1]);
        // The tiepoint maps raster (i, j) to (x, y); with PixelIsArea raster (0, 0) is the corner of pixel 0.
        let half = if pixel_is_point { 0.0 } else { 0.5 };
        let lon0 = tie[3] + (half - tie[0]) * dlon;
        let lat0 = tie[4] - (half - tie[1]) * dlat;
        if !(lon0.abs() <= 360.0 && lat0.abs() <= 90.5) {
            return Err(err(path, format!("its origin ({}, {}) is not a lon/lat", tie[3], tie[4])));
        }
        let (cw, ch) = match dec.get_chunk_type() {
            ChunkType::Tile => {
                let w = dec.get_tag_u32(Tag::TileWidth).map_err(|e| err(path, e.to_string()))?;
                let h = dec.get_tag_u32(Tag::TileLength).map_err(|e| err(path, e.to_string()))?;
                (w as usize, h as usize)
            }
            ChunkType::Strip => {
                let rows = dec.get_tag_u32(Tag::RowsPerStrip).unwrap_or(h);
                (width, (rows as usize).clamp(1, height.max(1)))
            }
        };
        if cw == 0 || ch == 0 {
            return Err(err(path, "its tiles have no size"));
        }
        let across = width.div_ceil(cw);
        Ok(Self {
            path: path.to_owned(),
            width,
            height,
            lon0,
            lat0,
            dlon,
            dlat,
            nodata,
            chunk_w: cw,
            chunk_h: ch,
            across,
            budget_bytes,
            cache: Mutex::new(Cache { decoder: dec, chunks: HashMap::new(), bytes: 0, tick: 0 }),
            decoded: AtomicUsize::new(0),
        })
    }

    /// How many tiles or strips were decoded since it was opened (a re-decode after eviction counts again).
    pub fn decoded_chunks(&self) -> usize {
        self.decoded.load(Ordering::Relaxed)
    }

    pub fn resolution_m(&self) -> f64 {
        self.dlat * M_PER_DEG
    }

    pub fn bounds(&self) -> [f64; 4] {
        let w = self.lon0 - self.dlon / 2.0;
        let n = self.lat0 + self.dlat / 2.0;
        [w, n - self.height as f64 * self.dlat, w + self.width as f64 * self.dlon, n]
    }

    fn decode(&self, cache: &mut Cache, index: u32) -> Option<Arc<Chunk>> {
        self.decoded.fetch_add(1, Ordering::Relaxed);
        let result = match cache.decoder.read_chunk(index) {
            Ok(r) => r,
            Err(e) => {
                log::warn!("{}: tile {index} cannot be decoded ({e}); its samples are unknown", self.path.display());
                return None;
            }
        };
        let void = super::hgt::VOID;
        let mut data: Vec<f32> = match result {
            DecodingResult::I16(v) => v.into_iter().map(|x| if x == void { f32::NAN } else { f32::from(x) }).collect(),
            DecodingResult::I32(v) => v.into_iter().map(|x| x as f32).collect(),
            DecodingResult::F32(v) => v,
            DecodingResult::U16(v) => v.into_iter().map(f32::from).collect(),
            _ => {
                log::warn!("{}: samples are not 16/32-bit integers or 32-bit floats", self.path.display());
                return None;
            }
        };
        if let Some(nd) = self.nodata {
            for x in &mut data {
                if f64::from(*x) == nd {
                    *x = f32::NAN;
                }
            }
        }
        let (dw, dh) = cache.decoder.chunk_data_dimensions(index);
        let (dw, dh) = (dw as usize, dh as usize);
        if data.len() < dw * dh {
            log::warn!("{}: tile {index} holds {} samples for {dw} × {dh}", self.path.display(), data.len());
            return None;
        }
        Some(Arc::new(Chunk { width: dw, data }))
    }

    /// The chunk holding pixel row `r`, column `c` (decoded now if it is not in the cache).
    fn chunk(&self, cache: &mut Cache, index: u32) -> Option<Arc<Chunk>> {
        cache.tick += 1;
        let tick = cache.tick;
        if let Some((chunk, used)) = cache.chunks.get_mut(&index) {
            *used = tick;
            return chunk.clone();
        }
        let chunk = self.decode(cache, index);
        let bytes = chunk.as_ref().map_or(0, |c| c.data.len() * 4);
        while cache.bytes + bytes > self.budget_bytes && !cache.chunks.is_empty() {
            let Some(oldest) = cache.chunks.iter().min_by_key(|(_, (_, used))| *used).map(|(k, _)| *k) else { break };
            if let Some((Some(c), _)) = cache.chunks.remove(&oldest) {
                cache.bytes = cache.bytes.saturating_sub(c.data.len() * 4);
            }
        }
        cache.bytes += bytes;
        cache.chunks.insert(index, (chunk.clone(), tick));
        chunk
    }

    pub fn elevation_m(&self, lon: f64, lat: f64) -> Option<f64> {
        let x = (lon - self.lon0) / self.dlon;
        let y = (self.lat0 - lat) / self.dlat;
        let (wl, hl) = ((self.width - 1) as f64, (self.height - 1) as f64);
        // Half a pixel beyond the outer centres still belongs to the image.
        if !(x >= -0.5 && y >= -0.5 && x <= wl + 0.5 && y <= hl + 0.5) || self.width < 2 || self.height < 2 {
            return None;
        }
        let (x, y) = (x.clamp(0.0, wl), y.clamp(0.0, hl));
        let (c0, r0) = (x.floor().min(wl - 1.0), y.floor().min(hl - 1.0));
        let (fx, fy) = (x - c0, y - r0);
        let (c0, r0) = (c0 as usize, r0 as usize);
        let mut cache = self.cache.lock().ok()?;
        let mut at = |r: usize, c: usize| -> Option<f64> {
            let index = (r / self.chunk_h) * self.across + c / self.chunk_w;
            let chunk = self.chunk(&mut cache, u32::try_from(index).ok()?)?;
            let v = *chunk.data.get((r % self.chunk_h) * chunk.width + c % self.chunk_w)?;
            v.is_finite().then_some(f64::from(v))
        };
        let (a, b) = (at(r0, c0)?, at(r0, c0 + 1)?);
        let (c, d) = (at(r0 + 1, c0)?, at(r0 + 1, c0 + 1)?);
        let top = a + fx * (b - a);
        let bottom = c + fx * (d - c);
        Some(top + fy * (bottom - top))
    }
}
