#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Elevation data and line-of-sight coverage on terrain generated in the test: SRTM tiles and GeoTIFFs written
//! to a temp folder, a straight border along 0.5° N, sensors on it or beside it.

use approx::assert_abs_diff_eq;
use borderplan::io::dem::{self, DemError, synth::write_hgt_tile};
use borderplan::model::terrain::{Elevation, TerrainEngine, TerrainParams, los::distance_m};
use borderplan::model::{
    Assignment, Border, Catalog, Category, Edit, EquipmentType, Outpost, Plan, Quarter, Segmentation, Stage, Status,
    Target, stage_coverage,
};
use geo::{LineString, Point};
use serde_json::Map;
use std::path::Path;
use std::sync::Arc;

const LAT: f64 = 0.5;

fn camera(id: &str, range_km: f64, mast_m: f64) -> EquipmentType {
    let mut t = EquipmentType::new(id, id, Category::Surveillance, "set");
    t.detection_range_km = Some(range_km);
    t.mast_height_m = Some(mast_m);
    t
}

/// A border along 0.5° N from `lon0` to `lon1`, one segment, an outpost at `outpost`.
fn plan(lon0: f64, lon1: f64, outpost: Point<f64>, types: Vec<EquipmentType>) -> Plan {
    let border = Border::new(LineString::from(vec![(lon0, LAT), (lon1, LAT)])).unwrap();
    let length = border.length_km();
    Plan::new(border, Segmentation::single(length), vec![Outpost::new("OP-1", "Post", outpost)], Catalog { types })
}

fn assign(plan: &mut Plan, id: &str, target: Target, equipment: &str, quantity: f64) {
    let a = Assignment {
        id: id.into(),
        target,
        equipment_id: equipment.into(),
        quantity,
        stage: Stage::Three,
        supplier: "Russia".into(),
        quarter: Quarter::new(2028, 1),
        status: Status::Planned,
        note: String::new(),
        extra: Map::new(),
    };
    plan.apply(Edit::AddAssignments(vec![a])).unwrap();
}

fn segment(plan: &Plan) -> Target {
    Target::Segment(plan.segments.segments()[0].id.clone())
}

fn engine(dir: &Path) -> TerrainEngine {
    TerrainEngine::new(Arc::new(dem::open(dir).unwrap()))
}

/// km along the test border of a longitude on it.
fn km_at(plan: &Plan, lon: f64) -> f64 {
    plan.border.chainage_km(Point::new(lon, LAT))
}

#[test]
fn a_tile_is_sampled_bilinearly_between_its_posts() {
    let dir = tempfile::tempdir().unwrap();
    // Height rises 1 m per 3″ post eastwards and 1,000 m per degree northwards.
    write_hgt_tile(dir.path(), 0, 0, 1201, |lon, lat| Some(100.0 + lon * 1200.0 + lat * 1000.0)).unwrap();
    let d = dem::open(dir.path()).unwrap();
    assert_abs_diff_eq!(d.resolution_m(), 111_195.0 / 1200.0, epsilon = 0.01);
    // Half-way between posts in both directions: the mean of the four (not the nearest post).
    let lon = 10.5 / 1200.0;
    let lat = 0.5 + 0.5 / 1200.0;
    assert_abs_diff_eq!(d.elevation_m(lon, lat).unwrap(), 100.0 + 10.5 + lat * 1000.0, epsilon = 0.51);
    assert_eq!(d.elevation_m(1.5, 0.5), None, "outside the tile is unknown");
    assert_eq!(d.elevation_m(0.5, -0.5), None);
}

#[test]
fn voids_are_unknown_and_never_zero_metres() {
    let dir = tempfile::tempdir().unwrap();
    write_hgt_tile(dir.path(), 0, 0, 1201, |lon, _| if (0.4..0.45).contains(&lon) { None } else { Some(1500.0) })
        .unwrap();
    let d = dem::open(dir.path()).unwrap();
    assert_eq!(d.elevation_m(0.42, 0.5), None);
    assert_abs_diff_eq!(d.elevation_m(0.3, 0.5).unwrap(), 1500.0, epsilon = 1e-9);

    // A camera on the line looking over the void: the void's stretch is unknown, not covered, not "seen at 0 m".
    let mut p = plan(0.2, 0.8, Point::new(0.5, LAT), vec![camera("cam", 20.0, 20.0)]);
    assign(&mut p, "A-1", Target::Outpost("OP-1".into()), "cam", 1.0);
    let f = engine(dir.path()).figures(&p);
    let c = f.stage_coverage(Stage::Three);
    let void = (km_at(&p, 0.4), km_at(&p, 0.45));
    assert!(c.unknown_km > 0.9 * (void.1 - void.0), "unknown {} km, void {:?}", c.unknown_km, void);
    for &(a, b) in &c.coverage.covered {
        assert!(b <= void.0 + 0.2 || a >= void.1 - 0.2, "covered {a}…{b} overlaps the void {void:?}");
    }
    assert!(f.border_share < 1.0 && f.border_share > 0.85, "share {}", f.border_share);
}

#[test]
fn a_flat_dem_covers_at_least_what_the_range_model_covers() {
    let dir = tempfile::tempdir().unwrap();
    write_hgt_tile(dir.path(), 0, 0, 1201, |_, _| Some(800.0)).unwrap();
    let mut p = plan(0.05, 0.95, Point::new(0.7, LAT), vec![camera("cam", 5.0, 15.0), camera("radar", 12.0, 10.0)]);
    let seg = segment(&p);
    assign(&mut p, "A-1", seg, "cam", 4.0);
    assign(&mut p, "A-2", Target::Outpost("OP-1".into()), "radar", 1.0);
    let range = stage_coverage(&p, Stage::Three);
    let terrain = engine(dir.path()).figures(&p).stage_coverage(Stage::Three);
    // Rounding: each covered stretch may lose half a 100 m cell at either end.
    let cells = 0.1 * range.covered.len() as f64;
    assert!(
        terrain.coverage.covered_km >= range.covered_km - cells,
        "terrain {} km < range model {} km",
        terrain.coverage.covered_km,
        range.covered_km
    );
    assert_eq!(terrain.unknown_km, 0.0);
}

#[test]
fn a_ridge_between_a_sensor_and_the_border_hides_exactly_the_stretch_behind_it() {
    let dir = tempfile::tempdir().unwrap();
    // Flat at 1,000 m; a wall 800 m high from 0.473° to 0.477° N between 0.51° and 0.53° E.
    let wall = |lon: f64, lat: f64| (0.51..=0.53).contains(&lon) && (0.473..=0.477).contains(&lat);
    write_hgt_tile(dir.path(), 0, 0, 1201, |lon, lat| Some(if wall(lon, lat) { 1800.0 } else { 1000.0 })).unwrap();
    // The outpost stands 0.05° (5.5 km) south of the line at 0.5° E. The wall's shadow on the line: from the
    // projection of its north-west corner to that of its south-east corner, each widened by one 3″ post (the
    // bilinear slope at the wall's foot blocks a sight line too).
    let post = 1.0 / 1200.0;
    let shadow_w = 0.5 + (0.51 - post - 0.5) * 0.05 / (0.027 + post);
    let shadow_e = 0.5 + (0.53 + post - 0.5) * 0.05 / (0.023 - post);
    let mut p = plan(0.1, 0.9, Point::new(0.5, 0.45), vec![camera("radar", 12.0, 10.0)]);
    assign(&mut p, "A-1", Target::Outpost("OP-1".into()), "radar", 1.0);
    let f = engine(dir.path()).figures(&p);
    let c = f.stage_coverage(Stage::Three).coverage;
    // Within range (12 km from the post: the line ±10.7 km either side of it) one gap, behind the wall.
    assert_eq!(c.covered.len(), 2, "covered {:?}", c.covered);
    assert_abs_diff_eq!(c.covered[0].1, km_at(&p, shadow_w), epsilon = 0.25);
    assert_abs_diff_eq!(c.covered[1].0, km_at(&p, shadow_e), epsilon = 0.25);
    let reach_km =
        (12.0_f64.powi(2) - (distance_m(Point::new(0.5, 0.45), Point::new(0.5, LAT)) / 1000.0).powi(2)).sqrt();
    assert_abs_diff_eq!(c.covered[0].0, km_at(&p, 0.5) - reach_km, epsilon = 0.15);
    assert_abs_diff_eq!(c.covered[1].1, km_at(&p, 0.5) + reach_km, epsilon = 0.15);
    // Without the wall the same plan sees the whole stretch within range.
    let flat = tempfile::tempdir().unwrap();
    write_hgt_tile(flat.path(), 0, 0, 1201, |_, _| Some(1000.0)).unwrap();
    let c = engine(flat.path()).figures(&p).stage_coverage(Stage::Three).coverage;
    assert_eq!(c.covered.len(), 1, "covered {:?}", c.covered);
}

#[test]
fn earth_curvature_hides_a_target_beyond_the_radio_horizon_of_a_low_mast() {
    let dir = tempfile::tempdir().unwrap();
    write_hgt_tile(dir.path(), 0, 0, 1201, |_, _| Some(300.0)).unwrap();
    let mut p = plan(0.1, 0.9, Point::new(0.5, LAT), vec![camera("cam", 25.0, 5.0)]);
    assign(&mut p, "A-1", Target::Outpost("OP-1".into()), "cam", 1.0);
    let horizon_km = |k: f64| {
        let re = 6_371_008.8 / (1.0 - k);
        ((2.0 * re * 5.0).sqrt() + (2.0 * re * 2.0).sqrt()) / 1000.0
    };
    for k in [0.13, 0.0] {
        let mut p = p.clone();
        TerrainParams { refraction_k: k, ..TerrainParams::default() }.store_in(&mut p);
        let c = engine(dir.path()).figures(&p).stage_coverage(Stage::Three).coverage;
        // Seen: the horizon distance either side (≈ 14.0 km with k = 0.13, 13.0 km without), not the 25 km range.
        assert_eq!(c.covered.len(), 1, "{:?}", c.covered);
        assert_abs_diff_eq!(c.covered_km, 2.0 * horizon_km(k), epsilon = 0.4);
    }
    assert!(horizon_km(0.13) - horizon_km(0.0) > 0.8, "refraction should matter by more than the tolerance");
    // A 60 m mast sees the whole range.
    p.apply(Edit::UpsertEquipment(Box::new(camera("cam", 25.0, 60.0)))).unwrap();
    let c = engine(dir.path()).figures(&p).stage_coverage(Stage::Three).coverage;
    assert_abs_diff_eq!(c.covered_km, 50.0, epsilon = 0.3);
}

#[test]
fn a_border_beyond_the_tiles_is_counted_unknown() {
    let dir = tempfile::tempdir().unwrap();
    write_hgt_tile(dir.path(), 0, 0, 1201, |_, _| Some(500.0)).unwrap();
    // The line runs on to 1.5° E; the tile N00E001 is missing.
    let mut p = plan(0.5, 1.5, Point::new(0.99, LAT), vec![camera("cam", 20.0, 20.0)]);
    assign(&mut p, "A-1", Target::Outpost("OP-1".into()), "cam", 1.0);
    let f = engine(dir.path()).figures(&p);
    assert_abs_diff_eq!(f.border_share, 0.5, epsilon = 0.01);
    let c = f.stage_coverage(Stage::Three);
    // The sensor stands on the edge of the data: its own ground is known, what lies east is not.
    let east = p.border.length_km() - km_at(&p, 1.0);
    assert_abs_diff_eq!(c.unknown_km, east, epsilon = 0.2);
    assert!(c.coverage.covered.iter().all(|&(_, b)| b <= km_at(&p, 1.0) + 0.1), "{:?}", c.coverage.covered);
}

#[test]
fn one_edited_assignment_retraces_only_its_own_sensors() {
    let dir = tempfile::tempdir().unwrap();
    write_hgt_tile(dir.path(), 0, 0, 1201, |lon, lat| Some(1000.0 + 300.0 * (lon * 80.0).sin() * (lat * 60.0).cos()))
        .unwrap();
    let mut p = plan(0.1, 0.9, Point::new(0.3, 0.48), vec![camera("cam", 5.0, 15.0), camera("radar", 12.0, 10.0)]);
    let seg = segment(&p);
    assign(&mut p, "A-1", seg.clone(), "cam", 6.0);
    assign(&mut p, "A-2", Target::Outpost("OP-1".into()), "radar", 1.0);
    let mut e = engine(dir.path());
    let before = e.figures(&p);
    assert_eq!(e.last_computed, 7);
    // Editing the radar's mast height: one sensor traced again, the six cameras come from the cache.
    let mut a = p.assignment("A-2").unwrap().clone();
    a.extra.insert("mast_height_m".into(), serde_json::json!(40.0));
    p.apply(Edit::UpdateAssignment(a)).unwrap();
    let after = e.figures(&p);
    assert_eq!(e.last_computed, 1);
    let seen = |f: &borderplan::model::terrain::TerrainFigures| f.seen_by_assignment(1).unwrap().0;
    assert!(seen(&after) >= seen(&before), "a higher mast sees no less: {} < {}", seen(&after), seen(&before));
    // The cached result equals a fresh computation.
    let fresh = engine(dir.path()).figures(&p);
    assert_eq!(fresh.stage_coverage(Stage::Three), after.stage_coverage(Stage::Three));
}

#[test]
fn ground_sensor_strings_keep_the_range_model_over_terrain() {
    let dir = tempfile::tempdir().unwrap();
    write_hgt_tile(dir.path(), 0, 0, 1201, |lon, _| Some(1000.0 + 2000.0 * (lon * 300.0).sin().abs())).unwrap();
    let mut ugs = camera("ugs", 1.0, 0.0);
    ugs.line_of_sight = Some(false);
    let mut p = plan(0.1, 0.9, Point::new(0.5, LAT), vec![ugs]);
    assign(&mut p, "A-1", Target::Outpost("OP-1".into()), "ugs", 1.0);
    let c = engine(dir.path()).figures(&p).stage_coverage(Stage::Three).coverage;
    assert_eq!(c, stage_coverage(&p, Stage::Three));
}

#[test]
fn a_sector_limits_what_a_mast_sees_to_its_azimuths() {
    let dir = tempfile::tempdir().unwrap();
    write_hgt_tile(dir.path(), 0, 0, 1201, |_, _| Some(1000.0)).unwrap();
    let mut cam = camera("cam", 10.0, 20.0);
    cam.sector_deg = Some([0.0, 180.0]); // north through east to south: the line east of the post
    let mut p = plan(0.1, 0.9, Point::new(0.5, 0.49), vec![cam]);
    assign(&mut p, "A-1", Target::Outpost("OP-1".into()), "cam", 1.0);
    let c = engine(dir.path()).figures(&p).stage_coverage(Stage::Three).coverage;
    assert_eq!(c.covered.len(), 1);
    let post_km = km_at(&p, 0.5);
    assert_abs_diff_eq!(c.covered[0].0, post_km, epsilon = 0.15);
    let reach_m = (10_000.0_f64.powi(2) - distance_m(Point::new(0.5, 0.49), Point::new(0.5, LAT)).powi(2)).sqrt();
    assert_abs_diff_eq!(c.covered[0].1, post_km + reach_m / 1000.0, epsilon = 0.15);
}

#[test]
fn corrupt_tiles_give_errors_that_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let truncated = dir.path().join("N37E071.hgt");
    std::fs::write(&truncated, vec![0u8; 1201 * 1201 * 2 - 100]).unwrap();
    let e = dem::open(dir.path()).unwrap_err();
    assert!(matches!(e, DemError::HgtSize { .. }), "{e}");
    assert!(e.to_string().contains("N37E071.hgt") && e.to_string().contains("truncated"), "{e}");

    let named = tempfile::tempdir().unwrap();
    let bad = named.path().join("elevation.hgt");
    std::fs::write(&bad, vec![0u8; 1201 * 1201 * 2]).unwrap();
    let e = dem::open(named.path()).unwrap_err();
    assert!(matches!(e, DemError::HgtName { .. }) && e.to_string().contains("elevation.hgt"), "{e}");

    let tif = tempfile::tempdir().unwrap();
    let junk = tif.path().join("dem.tif");
    std::fs::write(&junk, b"this is not a tiff").unwrap();
    let e = dem::open(&junk).unwrap_err();
    assert!(matches!(e, DemError::Tiff { .. }) && e.to_string().contains("dem.tif"), "{e}");

    let empty = tempfile::tempdir().unwrap();
    let e = dem::open(empty.path()).unwrap_err();
    assert!(matches!(e, DemError::Empty { .. }), "{e}");
    let e = dem::open(&empty.path().join("N37E071.dt1")).unwrap_err();
    assert!(e.to_string().contains("N37E071.dt1"), "{e}");
}

fn write_geotiff_f32(path: &Path, w: u32, h: u32, origin: (f64, f64), step: f64, values: &[f32]) {
    use tiff::encoder::{TiffEncoder, colortype};
    use tiff::tags::Tag;
    let file = std::fs::File::create(path).unwrap();
    let mut enc = TiffEncoder::new(file).unwrap();
    let mut img = enc.new_image::<colortype::Gray32Float>(w, h).unwrap();
    img.encoder().write_tag(Tag::ModelPixelScaleTag, &[step, step, 0.0][..]).unwrap();
    img.encoder().write_tag(Tag::ModelTiepointTag, &[0.0, 0.0, 0.0, origin.0, origin.1, 0.0][..]).unwrap();
    // GeoKeyDirectory: version 1.1.0, 2 keys: ModelType = geographic, GeographicType = 4326.
    img.encoder().write_tag(Tag::Unknown(34735), &[1u16, 1, 0, 2, 1024, 0, 1, 2, 2048, 0, 1, 4326][..]).unwrap();
    img.encoder().write_tag(Tag::GdalNodata, "-9999").unwrap();
    img.write_data(values).unwrap();
}

#[test]
fn a_geotiff_in_lon_lat_is_placed_by_its_tiepoint_and_pixel_scale() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dem.tif");
    // 100 × 100 pixels of 0.01° from (10° E, 40° N): value = 1000 + column, with one no-data pixel.
    let mut values: Vec<f32> = (0..100 * 100).map(|i| 1000.0 + (i % 100) as f32).collect();
    values[50 * 100 + 50] = -9999.0;
    write_geotiff_f32(&path, 100, 100, (10.0, 40.0), 0.01, &values);
    let d = dem::open(&path).unwrap();
    // Pixel centres at 10.005 + 0.01·c: half-way between columns 20 and 21 is 10.21° E.
    assert_abs_diff_eq!(d.elevation_m(10.21, 39.7).unwrap(), 1020.5, epsilon = 1e-3);
    assert_eq!(d.elevation_m(10.505, 39.495), None, "the no-data pixel is unknown");
    assert_eq!(d.elevation_m(9.9, 39.7), None);
    assert_abs_diff_eq!(d.resolution_m(), 1111.95, epsilon = 0.1);
}
