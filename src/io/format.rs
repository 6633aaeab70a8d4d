//! Number, coordinate and count formatting: the one place the plan file, the exports and the command line take
//! their rounding and wording from (RFC 7946 recommends ≤ 6 decimals for coordinates).

use geo::LineString;
use serde_json::{Value, json};

/// Rounds to 6 decimals (≈ 0.1 m); never writes `-0`.
pub fn round6(x: f64) -> f64 {
    let r = (x * 1e6).round() / 1e6;
    if r == 0.0 { 0.0 } else { r }
}

/// Rounds to 3 decimals; never writes `-0`.
pub fn round3(x: f64) -> f64 {
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

/// Formats with at most `decimals` decimals and no trailing zeros ("2", "20.3", "69.123457").
pub fn fmt_trim(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s };
    if s == "-0" { "0".to_owned() } else { s }
}

/// A coordinate with at most 6 decimals.
pub fn fmt6(x: f64) -> String {
    fmt_trim(x, 6)
}

/// A quantity as people write it ("2", "20.3").
pub fn fmt_qty(x: f64) -> String {
    fmt_trim(x, 3)
}

/// Groups thousands: 1234567.8 → "1,234,568" (whole units).
pub fn fmt_thousands(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let n = x.round().abs() as u64;
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if x.round() < 0.0 { format!("-{out}") } else { out }
}

/// "1 error", "2 errors": a count with its noun in the right number.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_trimmed_and_grouped() {
        assert_eq!(fmt_trim(2.0, 3), "2");
        assert_eq!(fmt_trim(20.30, 3), "20.3");
        assert_eq!(fmt6(69.123_456_789), "69.123457");
        assert_eq!(fmt6(-0.000_000_1), "0");
        assert_eq!(fmt_thousands(1_234_567.8), "1,234,568");
        assert_eq!(fmt_thousands(999.0), "999");
        assert_eq!(fmt_thousands(-1000.0), "-1,000");
    }

    #[test]
    fn rounding_never_writes_minus_zero() {
        assert_eq!(round6(-0.000_000_1).to_string(), "0");
        assert_eq!(round3(-0.0001).to_string(), "0");
        assert_eq!(round6(69.123_456_789), 69.123457);
    }

    #[test]
    fn counts_take_the_singular_only_for_one() {
        assert_eq!(count(1, "error", "errors"), "1 error");
        assert_eq!(count(0, "error", "errors"), "0 errors");
        assert_eq!(count(2, "feature", "features"), "2 features");
    }
}
