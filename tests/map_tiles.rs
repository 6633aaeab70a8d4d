#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Local raster tiles: MBTiles (TMS rows, so y flips), z/x/y folders, fallbacks, and broken files.

use borderplan::map::tiles::{LocalTiles, MbTilesReader, RasterBasemap};
use borderplan::prefs::BasemapChoice;
use rusqlite::Connection;
use std::path::Path;
use walkers::{TileId, Tiles};

fn png(color: [u8; 4]) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(256, 256, image::Rgba(color));
    let mut bytes = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
    bytes
}

/// An MBTiles file with two tiles, written with TMS row numbers.
fn make_mbtiles(path: &Path) {
    let c = Connection::open(path).unwrap();
    c.execute_batch(
        "CREATE TABLE metadata (name TEXT, value TEXT);
         CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
         INSERT INTO metadata VALUES ('format', 'png'), ('maxzoom', '3');",
    )
    .unwrap();
    // XYZ (1, 0, 0) is TMS row 1; XYZ (3, 5, 2) is TMS row 8 - 1 - 2 = 5.
    c.execute("INSERT INTO tiles VALUES (1, 0, 1, ?1)", [png([255, 0, 0, 255])]).unwrap();
    c.execute("INSERT INTO tiles VALUES (3, 5, 5, ?1)", [png([0, 0, 255, 255])]).unwrap();
}

#[test]
fn mbtiles_rows_are_flipped_from_tms_to_xyz() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.mbtiles");
    make_mbtiles(&path);
    let r = MbTilesReader::open(&path).unwrap();
    assert_eq!(r.max_zoom, Some(3));
    assert_eq!(r.format.as_deref(), Some("png"));
    assert_eq!(r.read_tile(1, 0, 0).unwrap(), Some(png([255, 0, 0, 255])));
    assert_eq!(r.read_tile(3, 5, 2).unwrap(), Some(png([0, 0, 255, 255])));
    // The unflipped rows hold nothing.
    assert_eq!(r.read_tile(1, 0, 1).unwrap(), None);
    assert_eq!(r.read_tile(3, 5, 5).unwrap(), None);
    // Out of range never panics.
    assert_eq!(r.read_tile(1, 0, 7).unwrap(), None);
}

#[test]
fn the_mbtiles_source_serves_tiles_and_falls_back_to_a_parent_tile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.mbtiles");
    make_mbtiles(&path);
    let ctx = egui::Context::default();
    let mut tiles = LocalTiles::mbtiles(&path, ctx).unwrap();
    let piece = tiles.at(TileId { x: 0, y: 0, zoom: 1 }).expect("tile present");
    assert_eq!(piece.uv, egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)));
    // (2, 1, 1) is missing: the quarter of its parent (1, 0, 0) is used.
    let child = tiles.at(TileId { x: 1, y: 1, zoom: 2 }).expect("parent used");
    assert_eq!(child.uv, egui::Rect::from_min_max(egui::pos2(0.5, 0.5), egui::pos2(1.0, 1.0)));
    // Nowhere near any tile.
    assert!(tiles.at(TileId { x: 7, y: 0, zoom: 3 }).is_none());
    assert!(tiles.last_error.is_none());
}

#[test]
fn a_damaged_tile_is_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.mbtiles");
    make_mbtiles(&path);
    Connection::open(&path).unwrap().execute("INSERT INTO tiles VALUES (2, 0, 3, x'00ff00ff')", []).unwrap();
    let mut tiles = LocalTiles::mbtiles(&path, egui::Context::default()).unwrap();
    // The damaged (2, 0, 0) falls back to its parent and the error is kept for the status bar.
    assert!(tiles.at(TileId { x: 0, y: 0, zoom: 2 }).is_some());
    assert!(tiles.last_error.as_deref().is_some_and(|e| e.contains("2/0/0")), "{:?}", tiles.last_error);
}

#[test]
fn files_that_are_not_tiles_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let not_sqlite = dir.path().join("x.mbtiles");
    std::fs::write(&not_sqlite, b"hello").unwrap();
    let ctx = egui::Context::default();
    let e = RasterBasemap::open(&BasemapChoice::MbTiles(not_sqlite.clone()), &ctx, None).err().unwrap().to_string();
    assert!(e.contains("x.mbtiles"), "{e}");
    let missing = dir.path().join("missing.mbtiles");
    let e = RasterBasemap::open(&BasemapChoice::MbTiles(missing), &ctx, None).err().unwrap().to_string();
    assert!(e.contains("does not exist"), "{e}");
    let e = RasterBasemap::open(&BasemapChoice::PmTiles(not_sqlite), &ctx, None).err().unwrap().to_string();
    assert!(e.contains("not a PMTiles file"), "{e}");
    let e = RasterBasemap::open(&BasemapChoice::Folder(dir.path().join("nope")), &ctx, None).err().unwrap().to_string();
    assert!(e.contains("not a folder"), "{e}");
}

#[test]
fn a_tile_folder_serves_xyz_png_files() {
    let dir = tempfile::tempdir().unwrap();
    let z = dir.path().join("4").join("11");
    std::fs::create_dir_all(&z).unwrap();
    std::fs::write(z.join("6.png"), png([0, 128, 0, 255])).unwrap();
    let mut tiles = LocalTiles::folder(dir.path(), egui::Context::default()).unwrap();
    assert!(tiles.at(TileId { x: 11, y: 6, zoom: 4 }).is_some());
    assert!(tiles.at(TileId { x: 10, y: 6, zoom: 4 }).is_none());
}

#[test]
fn a_basemap_without_tiles_here_says_so_and_leaves_the_vector_basemap_visible() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = egui::Context::default();
    let mut basemap = RasterBasemap::open(&BasemapChoice::Folder(dir.path().to_owned()), &ctx, None).unwrap().unwrap();
    assert!(basemap.at(TileId { x: 1, y: 1, zoom: 2 }).is_none());
    basemap.begin_frame();
    assert!(!basemap.drew_tiles());
    assert!(basemap.status().contains("vector basemap is shown"), "{}", basemap.status());
}
