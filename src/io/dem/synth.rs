//! Synthetic SRTM tiles for tests, benchmarks and trials: any height function, written as real `.hgt` files.

use std::path::{Path, PathBuf};

/// Writes the tile with south-west corner (`lat`, `lon`), `size` samples a side (3601 or 1201), heights from
/// `height_m(lon, lat)` (`None` = void), into `dir` as `N37E071.hgt`. Returns its path.
///
/// # Errors
/// When the file cannot be written.
pub fn write_hgt_tile(
    dir: &Path,
    lat: i32,
    lon: i32,
    size: usize,
    height_m: impl Fn(f64, f64) -> Option<f64>,
) -> std::io::Result<PathBuf> {
    let name = format!(
        "{}{:02}{}{:03}.hgt",
        if lat >= 0 { 'N' } else { 'S' },
        lat.unsigned_abs(),
        if lon >= 0 { 'E' } else { 'W' },
        lon.unsigned_abs()
    );
    let last = (size.max(2) - 1) as f64;
    let mut bytes = Vec::with_capacity(size * size * 2);
    for r in 0..size {
        let la = f64::from(lat) + 1.0 - r as f64 / last;
        for c in 0..size {
            let lo = f64::from(lon) + c as f64 / last;
            let v = match height_m(lo, la) {
                Some(h) if h.is_finite() => h.round().clamp(-32767.0, 32767.0) as i16,
                _ => super::hgt::VOID,
            };
            bytes.extend_from_slice(&v.to_be_bytes());
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, bytes)?;
    Ok(path)
}

/// Deterministic mountain relief for trials: valleys near 1,200 m in the west rising to 4,000 m in the east,
/// with ridges of a few hundred to 2,000 m on top (a stand-in for the Panj valley and the Pamir).
pub fn relief_m(lon: f64, lat: f64) -> f64 {
    let base = 1200.0 + 350.0 * (lon - 67.5).clamp(0.0, 8.0);
    let ridges = 900.0 * ((lon * 9.0).sin() * (lat * 7.0).cos()).abs()
        + 450.0 * (lon * 31.0 + lat * 23.0).sin().abs()
        + 160.0 * (lon * 97.0 - lat * 83.0).sin();
    base + ridges
}

/// The whole-degree tiles (lat, lon of the south-west corner) within `margin_deg` of any vertex of the line
/// (every 0.05° along each edge, so long edges are not skipped).
pub fn tiles_along(line: &geo::LineString<f64>, margin_deg: f64) -> Vec<(i32, i32)> {
    let mut set = std::collections::BTreeSet::new();
    for w in line.0.windows(2) {
        let steps = ((w[1].x - w[0].x).abs().max((w[1].y - w[0].y).abs()) / 0.05).ceil().max(1.0) as usize;
        for i in 0..=steps {
            let t = i as f64 / steps as f64;
            let (x, y) = (w[0].x + t * (w[1].x - w[0].x), w[0].y + t * (w[1].y - w[0].y));
            for lat in ((y - margin_deg).floor() as i32)..=((y + margin_deg).floor() as i32) {
                for lon in ((x - margin_deg).floor() as i32)..=((x + margin_deg).floor() as i32) {
                    set.insert((lat, lon));
                }
            }
        }
    }
    set.into_iter().collect()
}

/// Writes [`relief_m`] tiles for every tile in `tiles` into `dir`, on up to `threads` threads.
///
/// # Errors
/// The first file that cannot be written.
pub fn write_relief(dir: &Path, tiles: &[(i32, i32)], size: usize, threads: usize) -> std::io::Result<Vec<PathBuf>> {
    let threads = threads.clamp(1, tiles.len().max(1));
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    tiles
                        .iter()
                        .skip(t)
                        .step_by(threads)
                        .map(|&(lat, lon)| write_hgt_tile(dir, lat, lon, size, |lo, la| Some(relief_m(lo, la))))
                        .collect::<std::io::Result<Vec<_>>>()
                })
            })
            .collect();
        let mut out = Vec::new();
        for h in handles {
            out.extend(h.join().map_err(|_| std::io::Error::other("a tile writer thread failed"))??);
        }
        out.sort();
        Ok(out)
    })
}
