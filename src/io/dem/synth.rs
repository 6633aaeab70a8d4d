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

/// A value in [0, 1) for a lattice point (SplitMix64 of its coordinates).
fn lattice(i: i64, j: i64) -> f64 {
    let mut z = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (j as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// Smooth value noise in [0, 1] at (x, y) lattice units.
fn value_noise(x: f64, y: f64) -> f64 {
    let (xf, yf) = (x.floor(), y.floor());
    let (i, j) = (xf as i64, yf as i64);
    let (fx, fy) = (x - xf, y - yf);
    let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
    let top = lattice(i, j) + sx * (lattice(i + 1, j) - lattice(i, j));
    let bottom = lattice(i, j + 1) + sx * (lattice(i + 1, j + 1) - lattice(i, j + 1));
    top + sy * (bottom - top)
}

/// Deterministic mountain relief for trials: valleys near 1,200 m in the west rising to 4,000 m in the east,
/// with ridged fractal ranges up to about 1,900 m above them (a stand-in for the Panj valley and the Pamir).
pub fn relief_m(lon: f64, lat: f64) -> f64 {
    let base = 1200.0 + 350.0 * (lon - 67.5).clamp(0.0, 8.0);
    let mut ridges = 0.0;
    let (mut freq, mut amp) = (5.0, 1000.0);
    for _ in 0..4 {
        let n = value_noise(lon * freq, lat * freq);
        ridges += amp * (1.0 - (2.0 * n - 1.0).abs());
        freq *= 2.1;
        amp *= 0.45;
    }
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
