//! Fitting a lon/lat box into the map view (walkers has no fit-to-bounds).

use walkers::{MapMemory, lon_lat};

const TILE_PX: f64 = 256.0;

fn mercator_y(lat: f64) -> f64 {
    let lat = lat.clamp(-85.0511, 85.0511).to_radians();
    (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0
}

fn inverse_mercator_y(y: f64) -> f64 {
    let n = std::f64::consts::PI * (1.0 - 2.0 * y);
    n.sinh().atan().to_degrees()
}

/// Centre (lon, lat) and zoom that show the box [west, south, east, north] in a view of `width_px` × `height_px`,
/// leaving `margin_px` free on every side.
pub fn fit_bounds(bounds: [f64; 4], width_px: f32, height_px: f32, margin_px: f32) -> ((f64, f64), f64) {
    let [w, s, e, n] = bounds;
    let dx = ((e - w) / 360.0).abs().max(1e-9);
    let (ys, yn) = (mercator_y(s), mercator_y(n));
    let dy = (ys - yn).abs().max(1e-9);
    let avail_w = f64::from((width_px - 2.0 * margin_px).max(32.0));
    let avail_h = f64::from((height_px - 2.0 * margin_px).max(32.0));
    let zoom = (avail_w / (TILE_PX * dx)).log2().min((avail_h / (TILE_PX * dy)).log2()).clamp(2.0, 19.0);
    let center = ((w + e) / 2.0, inverse_mercator_y((ys + yn) / 2.0));
    (center, zoom)
}

/// Frames `bounds` in `memory`; a point box gets `point_zoom`.
pub fn frame(memory: &mut MapMemory, bounds: [f64; 4], size: egui::Vec2, point_zoom: f64) {
    let is_point = (bounds[2] - bounds[0]).abs() < 1e-6 && (bounds[3] - bounds[1]).abs() < 1e-6;
    let ((lon, lat), zoom) = fit_bounds(bounds, size.x, size.y, 40.0);
    memory.center_at(lon_lat(lon, lat));
    let _ = memory.set_zoom(if is_point { point_zoom } else { zoom });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wider_view_allows_a_higher_zoom() {
        let b = [67.78, 36.6, 74.9, 38.5];
        let (_, z1) = fit_bounds(b, 800.0, 600.0, 20.0);
        let (_, z2) = fit_bounds(b, 1600.0, 1200.0, 20.0);
        assert!((z2 - z1 - 1.0).abs() < 0.05, "{z1} {z2}");
    }

    #[test]
    fn mercator_round_trips() {
        for lat in [-60.0, 0.0, 37.2, 80.0] {
            assert!((inverse_mercator_y(mercator_y(lat)) - lat).abs() < 1e-9);
        }
    }
}
