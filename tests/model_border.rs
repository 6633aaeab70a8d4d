#![allow(clippy::expect_used, clippy::unwrap_used)]
//! The bundled border and its geodesic linear referencing (chainage), checked against independent numbers.

use approx::assert_abs_diff_eq;
use borderplan::io::bundled;
use borderplan::model::Border;
use borderplan::synth::SplitMix64;
use geo::{Destination, Distance, Geodesic, LineString, Point};
use serde_json::Value;
use std::path::Path;

/// Independent reference: geographiclib 2.x, `Geodesic.WGS84.Inverse` summed over data/border.geojson
/// vertices (full-precision coordinates as written), see data/README.md ("Reference geodesic length of the border").
/// Computed for this test with geographiclib 2.1 in Python: 1366495.796 m.
const REFERENCE_LENGTH_M: f64 = 1_366_495.796;
const REFERENCE_VERTEX_COUNT: usize = 4298;

fn border() -> Border {
    bundled::border().expect("the bundled border loads")
}

fn reference() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join("border_reference.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("border_reference.json is JSON")
}

fn geodesic_length_m(line: &LineString<f64>) -> f64 {
    line.0.windows(2).map(|w| Geodesic.distance(Point(w[0]), Point(w[1]))).sum()
}

#[test]
fn the_bundled_border_has_the_documented_vertex_count() {
    assert_eq!(border().vertex_count(), REFERENCE_VERTEX_COUNT);
    assert_eq!(reference()["vertex_count"].as_u64(), Some(REFERENCE_VERTEX_COUNT as u64));
}

#[test]
fn vertex_zero_has_chainage_zero_and_the_last_vertex_has_the_total_length() {
    let b = border();
    let cum = b.vertex_chainage_m();
    assert_eq!(cum.len(), b.vertex_count());
    assert_eq!(cum[0], 0.0);
    assert_abs_diff_eq!(cum[cum.len() - 1], b.length_m(), epsilon = 1e-9);
    assert_abs_diff_eq!(b.length_km(), b.length_m() / 1000.0, epsilon = 1e-12);
    assert!(cum.windows(2).all(|w| w[1] > w[0]), "chainage must strictly increase along the line");
}

#[test]
fn the_length_matches_the_independent_karney_geodesic_sum() {
    let b = border();
    let rel = (b.length_m() - REFERENCE_LENGTH_M).abs() / REFERENCE_LENGTH_M;
    assert!(rel < 0.001, "length {} m differs from {REFERENCE_LENGTH_M} m by {:.4} %", b.length_m(), rel * 100.0);
    // Both are Karney's algorithm on the same vertices: they agree far better than the 0.1 % allowed.
    assert_abs_diff_eq!(b.length_m(), REFERENCE_LENGTH_M, epsilon = 1.0);
    assert_abs_diff_eq!(reference()["length_m"].as_f64().expect("length_m"), REFERENCE_LENGTH_M, epsilon = 1e-6);
}

#[test]
fn cumulative_chainage_at_vertices_100_200_300_matches_the_reference_file() {
    let b = border();
    let refs = reference();
    let at = &refs["cumulative_m_at_vertex"];
    for i in [100usize, 200, 300] {
        let expected = at[i.to_string()].as_f64().unwrap_or_else(|| panic!("reference for vertex {i}"));
        assert_abs_diff_eq!(b.vertex_chainage_m()[i], expected, epsilon = 1.0);
    }
    let last = at["last"].as_f64().expect("reference for the last vertex");
    assert_abs_diff_eq!(b.vertex_chainage_m()[b.vertex_count() - 1], last, epsilon = 1.0);
}

#[test]
fn point_at_km_and_chainage_km_round_trip_at_100_pseudo_random_chainages() {
    let b = border();
    let mut rng = SplitMix64(0x0B0D_E2F1_A2A2_2026);
    for _ in 0..100 {
        let k = rng.next_f64() * b.length_km();
        // chainage ∘ point: back to the same km.
        let p = b.point_at_km(k);
        let k2 = b.chainage_km(p);
        assert_abs_diff_eq!(k2, k, epsilon = 0.05);
        // point ∘ chainage: back to the same place.
        let p2 = b.point_at_km(k2);
        let d = Geodesic.distance(p, p2);
        assert!(d < 50.0, "km {k:.3}: point_at_km(chainage_km(p)) is {d:.1} m from p");
        // A point on the line is on the line.
        assert!(b.distance_m(p) < 1.0, "km {k:.3}: the interpolated point is {:.2} m off the line", b.distance_m(p));
    }
}

#[test]
fn the_nearest_point_of_an_off_line_point_is_the_point_at_its_chainage() {
    let b = border();
    let mut rng = SplitMix64(7);
    for _ in 0..100 {
        let k = rng.next_f64() * b.length_km();
        let bearing = rng.next_f64() * 360.0;
        let p = Geodesic.destination(b.point_at_km(k), bearing, 500.0 + rng.next_f64() * 3000.0);
        let loc = b.locate(p);
        let d = Geodesic.distance(b.point_at_km(loc.chainage_km), loc.nearest);
        assert!(d < 50.0, "km {k:.3}: nearest point and point_at_km(chainage) are {d:.1} m apart");
        assert!(loc.distance_m <= 3500.0 + 1.0, "km {k:.3}: distance {:.1} m exceeds the offset", loc.distance_m);
    }
}

#[test]
fn a_point_two_km_north_of_an_east_west_stretch_is_two_km_from_the_border() {
    let b = border();
    // Edge 3320 (km 1139.5 … 1142.4, a 2.8 km straight edge near Zorkul) runs at azimuth 92°, almost due east:
    // a point 2 km north of its middle is ≈ 2000·cos 2° ≈ 1998 m from the line.
    let k = 0.5 * (b.vertex_chainage_m()[3320] + b.vertex_chainage_m()[3321]) / 1000.0;
    let on_line = b.point_at_km(k);
    let north = Geodesic.destination(on_line, 0.0, 2000.0);
    let loc = b.locate(north);
    assert_abs_diff_eq!(loc.distance_m, 2000.0, epsilon = 50.0);
    assert_abs_diff_eq!(loc.chainage_km, k, epsilon = 0.5);
    assert_eq!(loc.edge, 3320);
}

#[test]
fn a_substring_starts_and_ends_at_the_points_of_its_bounds_and_has_their_length() {
    let b = border();
    for (from, to) in [(0.0, 25.0), (100.0, 350.5), (612.3, 613.1), (1100.0, b.length_km())] {
        let s = b.substring(from, to);
        let first = Point(s.0[0]);
        let last = Point(s.0[s.0.len() - 1]);
        assert!(Geodesic.distance(first, b.point_at_km(from)) < 1e-6, "substring {from}…{to} start");
        assert!(Geodesic.distance(last, b.point_at_km(to)) < 1e-6, "substring {from}…{to} end");
        let expected_m = (to - from) * 1000.0;
        let len = geodesic_length_m(&s);
        assert!(
            (len - expected_m).abs() <= expected_m * 0.001,
            "substring {from}…{to}: {len:.1} m vs {expected_m:.1} m"
        );
        // Reversed bounds give the same piece.
        assert_eq!(b.substring(to, from), s);
    }
}

#[test]
fn the_border_ends_at_the_uzbek_and_chinese_tripoints() {
    let b = border();
    let west = b.point_at_km(0.0);
    let east = b.point_at_km(b.length_km());
    let uzbek_tripoint = Point::new(67.78, 37.19);
    let chinese_tripoint = Point::new(74.89, 37.23);
    let dw = Geodesic.distance(west, uzbek_tripoint);
    let de = Geodesic.distance(east, chinese_tripoint);
    assert!(dw < 1000.0, "the western end is {dw:.0} m from the Uzbek tripoint");
    assert!(de < 1000.0, "the eastern end is {de:.0} m from the Chinese tripoint");
    assert_eq!(west.0, b.line().0[0]);
    assert_eq!(east.0, b.line().0[b.vertex_count() - 1]);
}

#[test]
fn chainages_outside_the_line_are_clamped_to_its_ends() {
    let b = border();
    assert_eq!(b.point_at_km(-5.0), b.point_at_km(0.0));
    assert_eq!(b.point_at_km(b.length_km() + 5.0), b.point_at_km(b.length_km()));
    let beyond_west = Geodesic.destination(b.point_at_km(0.0), 270.0, 10_000.0);
    assert_abs_diff_eq!(b.chainage_km(beyond_west), 0.0, epsilon = 1.0);
}

#[test]
fn the_length_note_says_how_much_longer_or_shorter_the_line_is_than_the_official_1344_km() {
    use borderplan::model::border::{OFFICIAL_LENGTH_KM, length_note};
    assert_eq!(OFFICIAL_LENGTH_KM, 1344.0);
    let longer = length_note(1366.5);
    assert!(longer.starts_with("The line measures 1366.5 km, 1.7 % longer than the official 1344 km: "), "{longer}");
    let shorter = length_note(1172.1);
    assert!(shorter.contains("12.8 % shorter") && shorter.contains("generalised"), "{shorter}");
}
