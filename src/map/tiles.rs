//! Raster basemaps: OpenStreetMap over HTTP (disk cache), local MBTiles (SQLite, TMS rows), local PMTiles and
//! local z/x/y tile folders. A missing tile or a broken file never breaks the map: the vector basemap still
//! draws and the status bar says what failed.

use crate::prefs::BasemapChoice;
use egui::{Context, Rect, pos2};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use walkers::sources::{Attribution, OpenStreetMap};
use walkers::{HttpOptions, HttpTiles, PmTiles, Style, Tile, TileId, TilePiece, Tiles};

#[derive(Debug, thiserror::Error)]
pub enum TileSourceError {
    #[error("cannot open {}: {reason}", path.display())]
    Open { path: PathBuf, reason: String },
}

/// Reads raw tiles from an MBTiles file. Rows are TMS (y grows northwards), so y is flipped.
pub struct MbTilesReader {
    conn: Connection,
    pub path: PathBuf,
    pub max_zoom: Option<u8>,
    pub format: Option<String>,
}

impl MbTilesReader {
    pub fn open(path: &Path) -> Result<Self, TileSourceError> {
        let err = |reason: String| TileSourceError::Open { path: path.to_owned(), reason };
        if !path.is_file() {
            return Err(err("the file does not exist or is not a file".into()));
        }
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| err(e.to_string()))?;
        // Fail now, not on the first tile, when this is not an MBTiles file.
        conn.query_row("SELECT count(*) FROM tiles LIMIT 1", [], |r| r.get::<_, i64>(0))
            .map_err(|e| err(format!("not an MBTiles file ({e})")))?;
        let meta = |name: &str| -> Option<String> {
            conn.query_row("SELECT value FROM metadata WHERE name = ?1", [name], |r| r.get::<_, String>(0))
                .optional()
                .ok()
                .flatten()
        };
        let format = meta("format");
        let max_zoom = meta("maxzoom").and_then(|z| z.trim().parse().ok()).or_else(|| {
            conn.query_row("SELECT max(zoom_level) FROM tiles", [], |r| r.get::<_, Option<i64>>(0))
                .ok()
                .flatten()
                .and_then(|z| u8::try_from(z).ok())
        });
        Ok(Self { conn, path: path.to_owned(), max_zoom, format })
    }

    /// The tile at XYZ (z, x, y), or `None` when the file has none there.
    pub fn read_tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>, rusqlite::Error> {
        if z > 30 || y >= (1u32 << z) {
            return Ok(None);
        }
        let tms_y = (1u32 << z) - 1 - y;
        self.conn
            .query_row(
                "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                rusqlite::params![z, x, tms_y],
                |r| r.get::<_, Vec<u8>>(0),
            )
            .optional()
    }
}

/// Where local tile bytes come from.
enum LocalStore {
    MbTiles(MbTilesReader),
    /// `{root}/{z}/{x}/{y}.{png,jpg,jpeg}`
    Folder(PathBuf),
}

impl LocalStore {
    fn read(&self, id: TileId) -> Result<Option<Vec<u8>>, String> {
        match self {
            LocalStore::MbTiles(r) => r.read_tile(id.zoom, id.x, id.y).map_err(|e| e.to_string()),
            LocalStore::Folder(root) => {
                for ext in ["png", "jpg", "jpeg"] {
                    let p = root.join(id.zoom.to_string()).join(id.x.to_string()).join(format!("{}.{ext}", id.y));
                    if p.is_file() {
                        return std::fs::read(&p).map(Some).map_err(|e| format!("{}: {e}", p.display()));
                    }
                }
                Ok(None)
            }
        }
    }
}

/// A `walkers::Tiles` source over local tiles, decoding each tile once and falling back to a lower zoom
/// (scaled) when a tile is missing.
pub struct LocalTiles {
    store: LocalStore,
    ctx: Context,
    cache: HashMap<TileId, Option<Tile>>,
    pub last_error: Option<String>,
    pub missing: usize,
}

impl LocalTiles {
    pub fn mbtiles(path: &Path, ctx: Context) -> Result<Self, TileSourceError> {
        Ok(Self::new(LocalStore::MbTiles(MbTilesReader::open(path)?), ctx))
    }
    pub fn folder(path: &Path, ctx: Context) -> Result<Self, TileSourceError> {
        if !path.is_dir() {
            return Err(TileSourceError::Open { path: path.to_owned(), reason: "not a folder".into() });
        }
        Ok(Self::new(LocalStore::Folder(path.to_owned()), ctx))
    }
    fn new(store: LocalStore, ctx: Context) -> Self {
        Self { store, ctx, cache: HashMap::new(), last_error: None, missing: 0 }
    }

    fn load(&mut self, id: TileId) -> Option<Tile> {
        if let Some(t) = self.cache.get(&id) {
            return t.clone();
        }
        let tile = match self.store.read(id) {
            Ok(Some(bytes)) => match Tile::new(&bytes, &Style, id.zoom, 256, &self.ctx) {
                Ok(t) => Some(t),
                Err(e) => {
                    self.last_error = Some(format!("tile {}/{}/{} is damaged: {e}", id.zoom, id.x, id.y));
                    None
                }
            },
            Ok(None) => {
                self.missing += 1;
                None
            }
            Err(e) => {
                self.last_error = Some(e);
                None
            }
        };
        if self.cache.len() > 512 {
            self.cache.clear();
        }
        self.cache.insert(id, tile.clone());
        tile
    }
}

impl Tiles for LocalTiles {
    fn at(&mut self, id: TileId) -> Option<TilePiece> {
        if let Some(t) = self.load(id) {
            return Some(TilePiece::new(t, Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0))));
        }
        // Fall back to an ancestor tile, using the matching part of it.
        for up in 1..=6u8 {
            if id.zoom < up {
                break;
            }
            let parent = TileId { x: id.x >> up, y: id.y >> up, zoom: id.zoom - up };
            if let Some(t) = self.load(parent) {
                let n = (1u32 << up) as f32;
                let (fx, fy) = ((id.x & ((1 << up) - 1)) as f32, (id.y & ((1 << up) - 1)) as f32);
                let uv = Rect::from_min_max(pos2(fx / n, fy / n), pos2((fx + 1.0) / n, (fy + 1.0) / n));
                return Some(TilePiece::new(t, uv));
            }
        }
        None
    }
    fn attribution(&self) -> Attribution {
        Attribution { text: "Local tiles", url: "", logo_light: None, logo_dark: None }
    }
    fn tile_size(&self) -> u32 {
        256
    }
}

/// The tile source behind a raster basemap.
pub enum RasterSource {
    Http(HttpTiles),
    Pm(PmTiles),
    Local(LocalTiles),
}

/// The active raster basemap: a source plus how many tiles it could and could not give in the last frame, so
/// that the status bar can say when nothing arrives (offline) and the vector basemap stays fully visible.
pub struct RasterBasemap {
    pub source: RasterSource,
    hits: usize,
    misses: usize,
    /// Counts of the last finished frame.
    pub last_hits: usize,
    pub last_misses: usize,
}

impl RasterBasemap {
    /// Opens the source for a choice; `Ok(None)` for the vector basemap.
    pub fn open(
        choice: &BasemapChoice,
        ctx: &Context,
        cache_dir: Option<PathBuf>,
    ) -> Result<Option<Self>, TileSourceError> {
        let source = match choice {
            BasemapChoice::Vector => return Ok(None),
            BasemapChoice::OpenStreetMap => {
                let options = HttpOptions {
                    cache: cache_dir,
                    user_agent: Some(walkers::HeaderValue::from_static(concat!(
                        "borderplan/",
                        env!("CARGO_PKG_VERSION"),
                        " (desktop border rollout planner)"
                    ))),
                    ..HttpOptions::default()
                };
                RasterSource::Http(HttpTiles::with_options(OpenStreetMap, options, ctx.clone()))
            }
            BasemapChoice::MbTiles(p) => RasterSource::Local(LocalTiles::mbtiles(p, ctx.clone())?),
            BasemapChoice::Folder(p) => RasterSource::Local(LocalTiles::folder(p, ctx.clone())?),
            BasemapChoice::PmTiles(p) => {
                let mut magic = [0u8; 7];
                let ok = std::fs::File::open(p).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic)).is_ok();
                if !ok || &magic != b"PMTiles" {
                    return Err(TileSourceError::Open { path: p.clone(), reason: "not a PMTiles file".into() });
                }
                RasterSource::Pm(PmTiles::new(p, ctx.clone()))
            }
        };
        Ok(Some(Self { source, hits: 0, misses: 0, last_hits: 0, last_misses: 0 }))
    }

    fn inner(&mut self) -> &mut dyn Tiles {
        match &mut self.source {
            RasterSource::Http(t) => t,
            RasterSource::Pm(t) => t,
            RasterSource::Local(t) => t,
        }
    }

    /// Call once per frame before drawing: keeps the last frame's counts.
    pub fn begin_frame(&mut self) {
        self.last_hits = std::mem::take(&mut self.hits);
        self.last_misses = std::mem::take(&mut self.misses);
    }

    /// Whether the last frame drew any tile.
    pub fn drew_tiles(&self) -> bool {
        self.last_hits > 0
    }

    fn in_progress(&self) -> usize {
        match &self.source {
            RasterSource::Http(t) => t.stats().in_progress,
            RasterSource::Pm(t) => t.stats().in_progress,
            RasterSource::Local(_) => 0,
        }
    }

    /// What the status bar says about the basemap.
    pub fn status(&self) -> String {
        let loading = self.in_progress();
        if loading > 0 {
            return format!("loading {loading} tile(s)…");
        }
        if self.last_hits == 0 && self.last_misses > 0 {
            return match &self.source {
                RasterSource::Http(_) => {
                    "no tiles received (offline, or the server refused); the vector basemap is shown".into()
                }
                RasterSource::Local(t) => match &t.last_error {
                    Some(e) => format!("tile error: {e}; the vector basemap is shown"),
                    None => "the file has no tiles here; the vector basemap is shown".into(),
                },
                RasterSource::Pm(_) => {
                    "the PMTiles file has no tiles here (or cannot be read); the vector basemap is shown".into()
                }
            };
        }
        match &self.source {
            RasterSource::Http(_) => "online tiles".into(),
            RasterSource::Pm(_) => "PMTiles".into(),
            RasterSource::Local(t) => match &t.last_error {
                Some(e) => format!("tile error: {e}"),
                None if t.missing > 0 => format!("{} tile(s) missing here (lower zoom shown)", t.missing),
                None => "local tiles".into(),
            },
        }
    }
}

impl Tiles for RasterBasemap {
    fn at(&mut self, tile_id: TileId) -> Option<TilePiece> {
        let piece = self.inner().at(tile_id);
        if piece.is_some() {
            self.hits += 1
        } else {
            self.misses += 1
        }
        piece
    }
    fn attribution(&self) -> Attribution {
        match &self.source {
            RasterSource::Http(t) => t.attribution(),
            RasterSource::Pm(t) => t.attribution(),
            RasterSource::Local(t) => t.attribution(),
        }
    }
    fn tile_size(&self) -> u32 {
        match &self.source {
            RasterSource::Http(t) => t.tile_size(),
            RasterSource::Pm(t) => t.tile_size(),
            RasterSource::Local(t) => t.tile_size(),
        }
    }
}
