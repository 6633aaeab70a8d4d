#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: a panic is a test failure
//! Big layers are rasterised with only the detail that changes pixels: the work follows the picture's pixels,
//! not the layer's vertices, and the picture at the zooms a planner works at is the one every vertex gives.

use borderplan::io::geojson_import::{ImportOptions, import_bytes};
use borderplan::map::fill::mercator;
use borderplan::map::raster_layer::{Detail, Look, ProjectedLayer, RasterStats, View, rasterize_with};
use borderplan::synth::{huge_line_geojson, huge_polygons_geojson};
use egui::ColorImage;

fn projected(bytes: &[u8]) -> ProjectedLayer {
    projected_with_first_vertex(bytes).0
}

/// The layer projected, and its first vertex (longitude, latitude).
fn projected_with_first_vertex(bytes: &[u8]) -> (ProjectedLayer, [f64; 2]) {
    let layer = import_bytes("big", bytes, &ImportOptions::default()).unwrap();
    assert_eq!(layer.stats.skipped, 0, "{:?}", layer.stats.reasons);
    let first = geo::CoordsIter::coords_iter(&layer.features[0].geometry).next().unwrap();
    (ProjectedLayer::build(&layer.features), [first.x, first.y])
}

fn view(lon: f64, lat: f64, zoom: f64) -> View {
    let world_px = 256.0 * 2f64.powf(zoom);
    let n = mercator(lon, lat);
    View { world_px, center: [n[0] * world_px, n[1] * world_px], size: [1400, 900] }
}

fn look(width_px: f32) -> Look {
    Look { color: [0x4e, 0x79, 0xa7], opacity: 1.0, width_px }
}

fn painted(img: &ColorImage) -> usize {
    img.pixels.iter().filter(|p| p.a() > 0).count()
}

/// Pixels that differ between the two pictures, as a fraction of the pixels painted in either.
fn difference(a: &ColorImage, b: &ColorImage) -> f64 {
    let differ = a.pixels.iter().zip(&b.pixels).filter(|(p, q)| p != q).count();
    let either = a.pixels.iter().zip(&b.pixels).filter(|(p, q)| p.a() > 0 || q.a() > 0).count();
    differ as f64 / either.max(1) as f64
}

fn both(p: &ProjectedLayer, v: View, l: Look) -> (ColorImage, RasterStats, ColorImage, RasterStats) {
    let (full, full_stats) = rasterize_with(p, v, l, Detail::Full);
    let (simple, simple_stats) = rasterize_with(p, v, l, Detail::Pixels);
    (full, full_stats, simple, simple_stats)
}

#[test]
fn a_2m_vertex_line_at_whole_border_zoom_draws_no_more_segments_than_it_paints_pixels() {
    let p = projected(&huge_line_geojson(2_000_000));
    // The whole border (67.3–75.1° E) in a 1400-px-wide map: zoom 7.
    let v = view(71.2, 37.8, 7.0);
    let (full, full_stats, simple, stats) = both(&p, v, look(1.0));
    let pixels = painted(&simple);
    eprintln!(
        "2M-vertex line at zoom 7: {} vertices in view, {} segments drawn (every vertex: {}), {pixels} pixels \
         painted, {:.4} % of them differ",
        stats.vertices_in_view,
        stats.segments_drawn,
        full_stats.segments_drawn,
        difference(&full, &simple) * 100.0
    );
    assert_eq!(stats.vertices_in_view, 2_000_000);
    assert!(full_stats.segments_drawn >= 1_999_000, "{full_stats:?}");
    // Every segment drawn paints at least one new pixel: the work is bounded by the picture, not the line.
    assert!(stats.segments_drawn <= pixels, "{} segments for {pixels} pixels", stats.segments_drawn);
    assert!(pixels < 1400 * 900);
    assert!(stats.segments_drawn * 10 < full_stats.segments_drawn, "{stats:?}");
    // Thin lines skip only segments that would repaint: the picture is the same.
    assert_eq!(difference(&full, &simple), 0.0);
}

#[test]
fn twice_the_vertices_in_the_same_pixels_draws_about_the_same_number_of_segments() {
    // The same wander with twice the vertices (half the step) covers about the same pixels at zoom 7.
    let small = projected(&huge_line_geojson(500_000));
    let big = projected(&huge_line_geojson(1_000_000));
    let v = view(71.2, 37.8, 7.0);
    let (a_img, a) = rasterize_with(&small, v, look(1.0), Detail::Pixels);
    let (b_img, b) = rasterize_with(&big, v, look(1.0), Detail::Pixels);
    eprintln!(
        "500k vertices: {} segments, {} pixels; 1M: {} segments, {} pixels",
        a.segments_drawn,
        painted(&a_img),
        b.segments_drawn,
        painted(&b_img)
    );
    assert!(a.segments_drawn <= painted(&a_img) && b.segments_drawn <= painted(&b_img));
}

#[test]
fn at_zoom_10_to_13_the_simplified_picture_matches_the_picture_of_every_vertex() {
    let (line, line_start) = projected_with_first_vertex(&huge_line_geojson(2_000_000));
    let (polygons, edge) = projected_with_first_vertex(&huge_polygons_geojson(4, 400_000));
    for zoom in [10.0, 11.0, 12.0, 13.0] {
        for (what, p, width_px) in [("line", &line, 1.0), ("line 2 px", &line, 2.0), ("polygons", &polygons, 1.0)] {
            // Centred on the line's start and on a polygon's edge.
            let [lon, lat] = if what == "polygons" { edge } else { line_start };
            let v = view(lon, lat, zoom);
            let (full, full_stats, simple, stats) = both(p, v, look(width_px));
            let d = difference(&full, &simple);
            eprintln!(
                "{what} at zoom {zoom}: {} painted, {:.4} % differ; segments {} of {}, ring vertices {} of {}",
                painted(&full),
                d * 100.0,
                stats.segments_drawn,
                full_stats.segments_drawn,
                stats.ring_vertices_filled,
                full_stats.ring_vertices_filled
            );
            assert!(painted(&full) > 1000, "{what} at zoom {zoom}: the view shows the layer");
            assert!(d < 0.01, "{what} at zoom {zoom}: {:.3} % of the painted pixels differ", d * 100.0);
        }
    }
}

#[test]
fn polygons_smaller_than_a_pixel_do_not_vanish_when_simplified() {
    // 2000 rings of 50 vertices, each about 0.002° across: under a pixel at zoom 7, a few pixels at zoom 10.
    let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[");
    for i in 0..2000 {
        let (lon, lat) = (68.0 + (i % 50) as f64 * 0.12, 37.0 + (i / 50) as f64 * 0.04);
        if i > 0 {
            text.push(',');
        }
        text.push_str("{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[");
        for k in 0..=50 {
            let a = (k % 50) as f64 / 50.0 * std::f64::consts::TAU;
            if k > 0 {
                text.push(',');
            }
            text.push_str(&format!("[{:.6},{:.6}]", lon + 0.001 * a.cos(), lat + 0.001 * a.sin()));
        }
        text.push_str("]]}}");
    }
    text.push_str("]}");
    let p = projected(text.as_bytes());
    for zoom in [7.0, 10.0] {
        let v = view(70.9, 37.8, zoom);
        let (full, _, simple, _) = both(&p, v, look(1.0));
        assert!(painted(&full) > 0);
        assert_eq!(painted(&simple), painted(&full), "zoom {zoom}");
        assert!(difference(&full, &simple) < 0.01, "zoom {zoom}");
    }
}
