//! Number and coordinate formatting shared by the plan file and the exports (RFC 7946 recommends ≤ 6 decimals).

use geo::LineString;
use serde_json::{Value, json};

/// Rounds to 6 decimals (≈ 0.1 m); never writes `-0`.
pub(crate) fn round6(x: f64) -> f64 {
    let r = (x * 1e6).round() / 1e6;
    if r == 0.0 { 0.0 } else { r }
}

/// Rounds to 3 decimals; never writes `-0`.
pub(crate) fn round3(x: f64) -> f64 {
    let r = (x * 1e3).round() / 1e3;
    if r == 0.0 { 0.0 } else { r }
}

/// A LineString's coordinates as a GeoJSON array, 6 decimals.
pub(crate) fn line_coords(l: &LineString<f64>) -> Value {
    Value::Array(l.0.iter().map(|c| json!([round6(c.x), round6(c.y)])).collect())
}

/// A LineString's coordinates as a GeoJSON array, exactly (shortest round-trip form of each f64; no `-0`). For
/// the plan's border line: every chainage is measured along it, and rounding 4 000+ vertices to 6 decimals would
/// change its length by up to a metre (more for densely digitised lines), so a reloaded plan would no longer fit.
pub(crate) fn line_coords_exact(l: &LineString<f64>) -> Value {
    let z = |x: f64| if x == 0.0 { 0.0 } else { x };
    Value::Array(l.0.iter().map(|c| json!([z(c.x), z(c.y)])).collect())
}
