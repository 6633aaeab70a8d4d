//! Reading the formats planners have (CSV, GeoPackage, KML/KMZ, GPX, Shapefile), each from a fixture made in the
//! test with GDAL's ogr2ogr from the GeoJSON fixtures, compared with what GDAL itself reads from it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gdal;

use borderplan::io::formats::{ImportOptions, import_any};
use gdal::{assert_same_as_gdal, fixture, gdal_features, ogr2ogr, read_one};

fn path_str(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn csv_written_by_gdal_with_wkt_or_xy_columns_reads_as_gdal_reads_it() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (source, geometry, name) in [
        ("all_geometry_types.geojson", "AS_WKT", "wkt.csv"),
        ("non_ascii_names.geojson", "AS_XY", "xy.csv"),
        ("simplestyle.geojson", "AS_WKT", "styled.csv"),
        ("null_geometry.geojson", "AS_WKT", "nulls.csv"),
    ] {
        let csv = dir.path().join(name);
        ogr2ogr(&["-f", "CSV", path_str(&csv), path_str(&fixture(source)), "-lco", &format!("GEOMETRY={geometry}")]);
        let open_options: &[&str] = if geometry == "AS_XY" {
            &["-oo", "X_POSSIBLE_NAMES=X", "-oo", "Y_POSSIBLE_NAMES=Y"]
        } else {
            &["-oo", "GEOM_POSSIBLE_NAMES=WKT", "-oo", "KEEP_GEOM_COLUMNS=NO"]
        };
        let layer = read_one(&csv);
        assert_same_as_gdal(&layer, &gdal_features(&csv, open_options), &[]);
        let taken =
            if geometry == "AS_XY" { "“X” (longitude) and “Y” (latitude)" } else { "WKT column “WKT”" };
        assert!(layer.stats.notes.iter().any(|n| n.contains(taken)), "{name}: {:?}", layer.stats.notes);
    }
}

#[test]
fn a_csv_without_geometry_columns_is_a_clear_error_naming_the_file_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sites.csv");
    std::fs::write(&csv, "name,height_m\nHill,1200\n").unwrap();
    let e = import_any(&csv, &ImportOptions::default()).unwrap_err().to_string();
    assert!(e.contains("sites.csv") && e.contains("name, height_m"), "{e}");
}

#[test]
fn geopackages_written_by_gdal_read_every_table_as_gdal_reads_it() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("layers.gpkg");
    let sources =
        ["all_geometry_types.geojson", "non_ascii_names.geojson", "z_values.geojson", "null_geometry.geojson"];
    for (i, source) in sources.iter().enumerate() {
        let source_path = fixture(source);
        let mut args = vec!["-f", "GPKG", path_str(&gpkg), path_str(&source_path)];
        if i > 0 {
            args.push("-update");
        }
        args.extend(["-nln", source.trim_end_matches(".geojson")]);
        ogr2ogr(&args);
    }
    let layers = import_any(&gpkg, &ImportOptions::default()).unwrap();
    assert_eq!(layers.len(), sources.len(), "one layer per feature table");
    for (layer, source) in layers.iter().zip(sources) {
        let stem = source.trim_end_matches(".geojson");
        assert_eq!(layer.name, format!("layers — {stem}"));
        assert_same_as_gdal(layer, &gdal_features(&gpkg, &[stem]), &[]);
    }
}

#[test]
fn a_utm_geopackage_is_reprojected_to_within_a_metre_of_its_wgs84_original() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gpkg = dir.path().join("utm.gpkg");
    let source = fixture("non_ascii_names.geojson");
    ogr2ogr(&["-f", "GPKG", path_str(&gpkg), path_str(&source), "-t_srs", "EPSG:32642"]);
    let layer = read_one(&gpkg);
    let original = read_one(&source);
    assert_eq!(layer.stats.features, original.stats.features);
    assert!(layer.stats.notes.iter().any(|n| n.contains("EPSG:32642")), "{:?}", layer.stats.notes);
    for (a, b) in layer.features.iter().zip(original.features.iter()) {
        let (geo::Geometry::Point(a), geo::Geometry::Point(b)) = (&a.geometry, &b.geometry) else { panic!() };
        let metres = geo::Distance::distance(&geo::Haversine, *a, *b);
        assert!(metres < 1.0, "{metres} m");
    }
}

#[test]
fn a_geopackage_with_a_column_name_that_is_not_utf8_is_a_clear_error_naming_the_file() {
    // Found by the format_gpkg fuzz target: a column name cut inside a Cyrillic letter made rusqlite panic.
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gpkg/fuzz_column_name_not_utf8.gpkg");
    let e = import_any(&path, &ImportOptions::default()).unwrap_err().to_string();
    assert!(e.contains("fuzz_column_name_not_utf8.gpkg") && e.contains("is not valid UTF-8"), "{e}");
}

#[test]
fn an_empty_point_in_a_wkb_collection_with_z_leaves_one_z_value_per_coordinate() {
    // Found by the format_wkb_wkt fuzz target: a POINT Z and an empty point (NaN, NaN) in a GEOMETRYCOLLECTION gave
    // two z values for the one coordinate.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/wkb/fuzz_empty_point_in_collection_with_z.wkb");
    let (g, z) = borderplan::io::formats::wkb::parse(&std::fs::read(path).unwrap()).unwrap().unwrap();
    assert_eq!(geo::CoordsIter::coords_count(&g), 1, "{g:?}");
    let z = z.unwrap();
    assert!(z.len() == 1 && !z[0].is_nan(), "{z:?}");
}

#[test]
fn an_unclosed_wkb_polygon_ring_with_z_gets_a_z_value_for_its_closing_coordinate() {
    // Found by the format_wkb_wkt fuzz target: a POLYGON Z ring of two distinct coordinates is closed by
    // `Polygon::new` to three, but had only two z values.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/wkb/fuzz_unclosed_polygon_ring_with_z.wkb");
    let (g, z) = borderplan::io::formats::wkb::parse(&std::fs::read(path).unwrap()).unwrap().unwrap();
    let geo::Geometry::Polygon(p) = &g else { panic!("{g:?}") };
    assert_eq!(p.exterior().0.len(), 3, "{g:?}");
    assert_eq!(z.unwrap(), [0.0, 0.0, 0.0]);
}

#[test]
fn shapefiles_written_by_gdal_in_utf8_and_windows_1251_read_as_gdal_reads_them() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (source, encoding) in [
        ("non_ascii_names.geojson", "UTF-8"),
        ("non_ascii_names.geojson", "CP1251"),
        ("polygon_with_hole.geojson", "UTF-8"),
        ("multilinestring.geojson", "UTF-8"),
    ] {
        let shp = dir.path().join(format!("{}-{encoding}.shp", source.trim_end_matches(".geojson")));
        ogr2ogr(&[
            "-f",
            "ESRI Shapefile",
            path_str(&shp),
            path_str(&fixture(source)),
            "-lco",
            &format!("ENCODING={encoding}"),
        ]);
        let layer = read_one(&shp);
        assert_same_as_gdal(&layer, &gdal_features(&shp, &[]), &[]);
        if source == "polygon_with_hole.geojson" {
            let geo::Geometry::Polygon(p) = &layer.features[0].geometry else { panic!("{:?}", layer.features[0]) };
            assert_eq!(p.interiors().len(), 1, "the hole stays a hole");
        }
    }
}

#[test]
fn a_zipped_shapefile_reads_like_the_unzipped_one() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("towns.shp");
    ogr2ogr(&["-f", "ESRI Shapefile", path_str(&shp), path_str(&fixture("non_ascii_names.geojson"))]);
    let zip_path = dir.path().join("towns.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        let part = shp.with_extension(ext);
        if let Ok(bytes) = std::fs::read(&part) {
            let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            zip.start_file(format!("data/towns.{ext}"), options).unwrap();
            std::io::Write::write_all(&mut zip, &bytes).unwrap();
        }
    }
    zip.finish().unwrap();
    let zipped = read_one(&zip_path);
    let plain = read_one(&shp);
    assert_eq!(zipped.features, plain.features);
    assert_eq!(zipped.properties, plain.properties);
    assert_eq!(zipped.name, "towns");
}

#[test]
fn utm_pulkovo_gauss_kruger_and_web_mercator_shapefiles_land_within_a_metre_of_their_wgs84_originals() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = fixture("non_ascii_names.geojson");
    let original = read_one(&source);
    for srs in ["EPSG:32642", "EPSG:28412", "EPSG:28472", "EPSG:3857"] {
        let shp = dir.path().join(format!("{}.shp", srs.replace(':', "_")));
        ogr2ogr(&["-f", "ESRI Shapefile", path_str(&shp), path_str(&source), "-t_srs", srs]);
        let layer = read_one(&shp);
        assert_eq!(layer.stats.features, original.stats.features, "{srs}: {:?}", layer.stats);
        assert!(layer.stats.notes.iter().any(|n| n.starts_with("reprojected from")), "{srs}: {:?}", layer.stats);
        for (a, b) in layer.features.iter().zip(original.features.iter()) {
            let (geo::Geometry::Point(a), geo::Geometry::Point(b)) = (&a.geometry, &b.geometry) else { panic!() };
            let metres = geo::Distance::distance(&geo::Haversine, *a, *b);
            assert!(metres < 1.0, "{srs}: {metres} m off");
        }
    }
}

#[test]
fn a_shapefile_in_an_unknown_crs_warns_and_skips_instead_of_misplacing() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("lcc.shp");
    ogr2ogr(&[
        "-f",
        "ESRI Shapefile",
        path_str(&shp),
        path_str(&fixture("non_ascii_names.geojson")),
        "-t_srs",
        "EPSG:3035",
    ]);
    let layer = read_one(&shp);
    assert_eq!(layer.stats.features, 0);
    assert_eq!(layer.stats.skipped, 4);
    assert!(layer.stats.warnings.iter().any(|w| w.contains("cannot be reprojected")), "{:?}", layer.stats);
}

#[test]
fn broken_shapefiles_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("bad.shp");
    std::fs::write(&shp, b"not a shapefile at all").unwrap();
    let e = import_any(&shp, &ImportOptions::default()).unwrap_err().to_string();
    assert!(e.contains("bad.shp") && e.contains("Shapefile"), "{e}");
}

/// The Name/Description columns of GDAL's KML reader are `name`/`description` in borderplan (checked apart);
/// the others are LIBKML's display settings of a placemark, not data.
const KML_GDAL_ONLY: [&str; 12] = [
    "Name",
    "Description",
    "tessellate",
    "extrude",
    "visibility",
    "drawOrder",
    "icon",
    "altitudeMode",
    "begin",
    "end",
    "timestamp",
    "snippet",
];

#[test]
fn kml_and_kmz_written_by_gdal_read_as_gdal_reads_them() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for source in
        ["non_ascii_names.geojson", "all_geometry_types.geojson", "polygon_with_hole.geojson", "z_values.geojson"]
    {
        let kml = dir.path().join(source.replace(".geojson", ".kml"));
        ogr2ogr(&["-f", "KML", path_str(&kml), path_str(&fixture(source))]);
        let layer = read_one(&kml);
        let gdal = gdal_features(&kml, &[]);
        assert_same_as_gdal(&layer, &gdal, &KML_GDAL_ONLY);
        for (i, f) in gdal.iter().filter(|f| gdal::has_position(&f["geometry"])).enumerate() {
            if let Some(name) = f["properties"]["Name"].as_str().filter(|n| !n.is_empty()) {
                assert_eq!(layer.properties.map(i).get("name").and_then(|v| v.as_str()), Some(name));
            }
        }
        // The same document zipped as a KMZ.
        let kmz = kml.with_extension("kmz");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&kmz).unwrap());
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("doc.kml", options).unwrap();
        std::io::Write::write_all(&mut zip, &std::fs::read(&kml).unwrap()).unwrap();
        zip.finish().unwrap();
        let zipped = read_one(&kmz);
        assert_eq!(zipped.features, layer.features);
    }
}

#[test]
fn kml_folders_styles_and_extended_data_become_properties_and_simplestyle() {
    let dir = tempfile::tempdir().unwrap();
    let kml = dir.path().join("sites.kml");
    std::fs::write(
        &kml,
        r##"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
  <Style id="red"><LineStyle><color>ff0000ff</color><width>3</width></LineStyle><IconStyle><color>8000ff00</color></IconStyle></Style>
  <StyleMap id="redmap"><Pair><key>normal</key><styleUrl>#red</styleUrl></Pair></StyleMap>
  <Folder><name>Sites</name><Folder><name>North</name>
    <Placemark><name>Post &amp; tower</name><styleUrl>#redmap</styleUrl>
      <ExtendedData><Data name="height_m"><value>12</value></Data></ExtendedData>
      <Point><coordinates>69.5,37.5,800</coordinates></Point></Placemark>
  </Folder></Folder>
  <Placemark><name>Broken</name><Point><coordinates>east,north</coordinates></Point></Placemark>
</Document></kml>"##,
    )
    .unwrap();
    let layer = read_one(&kml);
    let p = layer.properties.map(0);
    assert_eq!(p.get("folder").and_then(|v| v.as_str()), Some("Sites / North"));
    assert_eq!(p.get("name").and_then(|v| v.as_str()), Some("Post & tower"));
    assert_eq!(p.get("height_m").and_then(|v| v.as_str()), Some("12"));
    assert_eq!(p.get("stroke").and_then(|v| v.as_str()), Some("#ff0000"));
    let style = layer.features[0].style();
    assert_eq!(
        (style.stroke, style.marker_color, style.stroke_width),
        (Some([255, 0, 0]), Some([0, 255, 0]), Some(3.0))
    );
    assert_eq!(layer.features[0].z.as_deref(), Some([800.0].as_slice()));
    assert_eq!(layer.stats.skipped, 1);
    assert!(layer.stats.reasons[0].starts_with("placemark 2 “Broken”: coordinates"), "{:?}", layer.stats.reasons);
}

#[test]
fn gpx_written_by_gdal_gives_waypoint_route_and_track_layers_as_gdal_reads_them() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gpx = dir.path().join("trip.gpx");
    ogr2ogr(&["-f", "GPX", path_str(&gpx), path_str(&fixture("non_ascii_names.geojson")), "-nln", "waypoints"]);
    let routes = dir.path().join("routes.gpx");
    ogr2ogr(&["-f", "GPX", path_str(&routes), path_str(&fixture("linestring.geojson")), "-nln", "routes"]);
    let tracks = dir.path().join("tracks.gpx");
    ogr2ogr(&[
        "-f",
        "GPX",
        path_str(&tracks),
        path_str(&fixture("multilinestring.geojson")),
        "-nln",
        "tracks",
        "-nlt",
        "MULTILINESTRING",
    ]);
    for (file, kind) in [(&gpx, "waypoints"), (&routes, "routes"), (&tracks, "tracks")] {
        let layer = read_one(file);
        assert!(layer.name.ends_with(kind), "{}", layer.name);
        assert_same_as_gdal(&layer, &gdal_features(file, &[kind]), &[]);
    }
}

#[test]
fn broken_xml_files_are_clear_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, words) in [
        ("cut.kml", "<kml><Document><Placemark>", "truncated"),
        ("wrong.gpx", "<gpx><wpt lat=\"1\" lon=\"2\"></trk></gpx>", "XML"),
        ("other.kml", "<html></html>", "not <kml>"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let e = import_any(&path, &ImportOptions::default()).unwrap_err().to_string();
        assert!(e.contains(name) && e.contains(words), "{e}");
    }
}

#[test]
fn geojson_with_a_projected_crs_member_is_reprojected_to_within_a_metre_of_its_wgs84_original() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for source in ["non_ascii_names.geojson", "polygon_with_hole.geojson", "multilinestring.geojson"] {
        let source_path = fixture(source);
        let original = read_one(&source_path);
        for srs in ["EPSG:32642", "EPSG:28413", "EPSG:3857"] {
            let out = dir.path().join(format!("{}-{}.geojson", source.trim_end_matches(".geojson"), &srs[5..]));
            // GDAL writes the legacy `crs` member (urn:ogc:def:crs:EPSG::NNNN) for projected GeoJSON.
            ogr2ogr(&["-f", "GeoJSON", path_str(&out), path_str(&source_path), "-t_srs", srs]);
            let text = std::fs::read_to_string(&out).unwrap();
            assert!(text.contains(&format!("EPSG::{}", &srs[5..])), "{srs}: GDAL wrote no crs member");
            let layer = read_one(&out);
            assert_eq!(layer.stats.features, original.stats.features, "{source} {srs}: {:?}", layer.stats);
            assert_eq!(layer.stats.skipped, 0, "{source} {srs}: {:?}", layer.stats.reasons);
            assert!(
                layer.stats.notes.iter().any(|n| n.contains(srs) && n.starts_with("reprojected from")),
                "{source} {srs}: {:?}",
                layer.stats.notes
            );
            assert_eq!(layer.properties, original.properties, "{source} {srs}");
            for (a, b) in layer.features.iter().zip(original.features.iter()) {
                use geo::CoordsIter;
                assert_eq!(a.geometry.coords_count(), b.geometry.coords_count(), "{source} {srs}");
                for (ca, cb) in a.geometry.coords_iter().zip(b.geometry.coords_iter()) {
                    let metres = geo::Distance::distance(&geo::Haversine, geo::Point(ca), geo::Point(cb));
                    assert!(metres < 1.0, "{source} {srs}: {metres} m off");
                }
            }
        }
    }
}

#[test]
fn a_crs_member_after_the_features_still_reprojects_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late_crs.geojson");
    // Dushanbe in UTM zone 42N, with the crs member written last.
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Dushanbe"},
        "geometry":{"type":"Point","coordinates":[480800.0,4266000.0]}}],
        "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32642"}}}"#,
    )
    .unwrap();
    let layer = read_one(&path);
    assert_eq!((layer.stats.features, layer.stats.skipped), (1, 0), "{:?}", layer.stats);
    let geo::Geometry::Point(p) = layer.features[0].geometry else { panic!("{:?}", layer.features[0]) };
    let (lon, lat) = borderplan::io::reproject::Crs::utm(42, true).to_wgs84(480_800.0, 4_266_000.0);
    assert!((p.x() - lon).abs() < 1e-9 && (p.y() - lat).abs() < 1e-9, "{p:?}");
    assert!((68.0..69.5).contains(&p.x()) && (38.0..39.0).contains(&p.y()), "{p:?} is not near Dushanbe");
}

#[test]
fn geojson_in_a_crs_borderplan_cannot_reproject_warns_and_skips_instead_of_misplacing() {
    if !gdal::available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("laea.geojson");
    ogr2ogr(&["-f", "GeoJSON", path_str(&out), path_str(&fixture("non_ascii_names.geojson")), "-t_srs", "EPSG:3035"]);
    let layer = read_one(&out);
    assert_eq!(layer.stats.features, 0, "{:?}", layer.stats);
    assert_eq!(layer.stats.skipped, 4, "{:?}", layer.stats);
    assert!(
        layer.stats.warnings.iter().any(|w| w.contains("EPSG:3035") && w.contains("not WGS84")),
        "{:?}",
        layer.stats.warnings
    );
}
