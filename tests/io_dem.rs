#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Elevation files: DTED cells converted by GDAL from generated tiles, corrupt DTED, folders mixing formats.

use borderplan::io::dem::{self, DemError, synth};
use borderplan::model::terrain::Elevation;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A 3″ tile at 37–38° N, 71–72° E from the synthetic relief, with a small void.
fn relief_tile(dir: &Path) -> PathBuf {
    synth::write_hgt_tile(dir, 37, 71, 1201, |lon, lat| {
        let void = (lon - 71.5).abs() < 0.004 && (lat - 37.5).abs() < 0.004;
        (!void).then(|| synth::relief_m(lon, lat))
    })
    .unwrap()
}

/// Converts with GDAL; `None` (and a line on stderr) when gdal_translate is not installed.
fn gdal_to_dted(src: &Path, out: &Path) -> Option<()> {
    let run = Command::new("gdal_translate").args(["-q", "-of", "DTED"]).arg(src).arg(out).output();
    match run {
        Ok(o) if o.status.success() => Some(()),
        Ok(o) => panic!("gdal_translate failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(_) => {
            eprintln!("SKIPPED: gdal_translate is not installed (apt-get install gdal-bin); DTED not compared");
            None
        }
    }
}

/// A deterministic spread of points over the cell (SplitMix-like, no crate).
fn points(n: usize) -> Vec<(f64, f64)> {
    let mut z: u64 = 0x1234_5678;
    let mut next = || {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut x = z;
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((x ^ (x >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n).map(|_| (71.0 + next(), 37.0 + next())).collect()
}

#[test]
fn a_dted_cell_converted_by_gdal_samples_the_same_elevations_as_its_source_tile() {
    let dir = tempfile::tempdir().unwrap();
    let hgt = relief_tile(dir.path());
    let dt1 = dir.path().join("e071").join("n37.dt1");
    std::fs::create_dir_all(dt1.parent().unwrap()).unwrap();
    if gdal_to_dted(&hgt, &dt1).is_none() {
        return;
    }
    let source = dem::open(&hgt).unwrap();
    let dted = dem::open(&dt1).unwrap();
    assert_eq!(dted.file_count(), 1);
    let b = dted.bounds().unwrap();
    for (got, want) in b.iter().zip([71.0, 37.0, 72.0, 38.0]) {
        assert!((got - want).abs() < 1e-9, "bounds {b:?}");
    }
    assert!((dted.resolution_m() - source.resolution_m()).abs() < 1e-6);
    let mut compared = 0;
    let mut voids = 0;
    for (lon, lat) in points(5000).into_iter().chain([(71.0, 37.0), (72.0, 38.0), (71.5, 37.5), (71.25, 38.0)]) {
        let (want, got) = (source.elevation_m(lon, lat), dted.elevation_m(lon, lat));
        match (want, got) {
            (Some(w), Some(g)) => {
                assert!((w - g).abs() < 1e-6, "at {lon}, {lat}: {g} m from DTED, {w} m from the source");
                compared += 1;
            }
            (None, None) => voids += 1,
            _ => panic!("at {lon}, {lat}: DTED {got:?}, source {want:?} (a void must stay a void)"),
        }
    }
    assert!(compared > 4900, "{compared} points compared");
    assert!(voids >= 1, "the void at the centre is a void in DTED too");
    assert_eq!(dted.elevation_m(70.99, 37.5), None, "outside the cell");

    // The folder (DTED in a sub-folder, beside the .hgt it came from and a GeoTIFF elsewhere) opens too.
    let tif = dir.path().join("west.tif");
    let out = Command::new("gdal_translate")
        .args(["-q", "-of", "GTiff", "-a_ullr", "70", "38", "71", "37", "-a_srs", "EPSG:4326"])
        .arg(&hgt)
        .arg(&tif)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::rename(&hgt, dir.path().join("aside.bin")).unwrap();
    let mixed = dem::open(dir.path()).unwrap();
    assert_eq!(mixed.file_count(), 2);
    assert_eq!(mixed.elevation_m(71.3, 37.3), dted.elevation_m(71.3, 37.3));
    assert!(mixed.elevation_m(70.3, 37.3).is_some(), "the GeoTIFF west of the cell");
}

/// A minimal well-formed DTED cell: `cols` × `rows` posts over 37–38° N, 71–72° E, every post `value`.
fn dted_bytes(cols: usize, rows: usize, value: i16) -> Vec<u8> {
    let mut uhl = b"UHL1".to_vec();
    uhl.extend_from_slice(b"0710000E0370000N");
    let tenths = |n: usize| format!("{:04}", 36_000 / (n - 1));
    uhl.extend_from_slice(tenths(cols).as_bytes());
    uhl.extend_from_slice(tenths(rows).as_bytes());
    uhl.extend_from_slice(b"NA  U  ");
    uhl.extend_from_slice(&[b' '; 12]);
    uhl.extend_from_slice(format!("{cols:04}{rows:04}0").as_bytes());
    uhl.resize(80, b' ');
    let mut out = uhl;
    out.extend_from_slice(b"DSI");
    out.resize(80 + 648, b' ');
    out.extend_from_slice(b"ACC");
    out.resize(3428, b' ');
    let magnitude = value.unsigned_abs() & 0x7FFF;
    let word = if value < 0 { magnitude | 0x8000 } else { magnitude };
    for c in 0..cols {
        out.push(0xAA);
        out.extend_from_slice(&(c as u32).to_be_bytes()[1..]);
        out.extend_from_slice(&(c as u16).to_be_bytes());
        out.extend_from_slice(&0u16.to_be_bytes());
        for _ in 0..rows {
            out.extend_from_slice(&word.to_be_bytes());
        }
        out.extend_from_slice(&[0; 4]);
    }
    out
}

fn dted_error(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("n37.dt1");
    std::fs::write(&path, bytes).unwrap();
    let err = match dem::open(dir.path()) {
        Ok(_) => panic!("a corrupt cell opened"),
        Err(e) => e,
    };
    assert!(matches!(err, DemError::Dted { .. } | DemError::Read { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("n37.dt1"), "the message names the file: {text}");
    text
}

#[test]
fn a_hand_made_dted_cell_reads_signed_magnitude_heights_and_voids() {
    let dir = tempfile::tempdir().unwrap();
    let below = dir.path().join("below.dt0");
    std::fs::write(&below, dted_bytes(121, 121, -12)).unwrap();
    assert_eq!(
        dem::open(&below).unwrap().elevation_m(71.5, 37.5),
        Some(-12.0),
        "signed magnitude, not two's complement"
    );
    let void = dir.path().join("void.dt0");
    std::fs::write(&void, dted_bytes(121, 121, -32767)).unwrap();
    assert_eq!(dem::open(&void).unwrap().elevation_m(71.5, 37.5), None, "−32767 is a void, never 0 m or −32767 m");
    let high = dir.path().join("high.dt0");
    std::fs::write(&high, dted_bytes(121, 121, 4321)).unwrap();
    assert_eq!(dem::open(&high).unwrap().elevation_m(71.0, 38.0), Some(4321.0));
}

#[test]
fn corrupt_dted_cells_give_errors_naming_the_file_and_what_is_wrong() {
    let good = dted_bytes(121, 121, 100);
    let truncated = dted_error(&good[..good.len() - 100]);
    assert!(truncated.contains("truncated"), "{truncated}");
    let mut not_uhl = good.clone();
    not_uhl[..4].copy_from_slice(b"XXXX");
    assert!(dted_error(&not_uhl).contains("UHL1"));
    let mut bad_origin = good.clone();
    bad_origin[11] = b'Q';
    assert!(dted_error(&bad_origin).contains("does not end in N, S, E or W"));
    let mut no_dsi = good.clone();
    no_dsi[80..83].copy_from_slice(b"ZZZ");
    assert!(dted_error(&no_dsi).contains("DSI"));
    let mut no_sentinel = good.clone();
    no_sentinel[3428] = 0;
    assert!(dted_error(&no_sentinel).contains("sentinel"));
    let mut bad_count = good.clone();
    bad_count[47..51].copy_from_slice(b"12x4");
    assert!(dted_error(&bad_count).contains("number of longitude lines"));
    assert!(dted_error(b"tiny").contains("less than"));
}

/// A striped f32 GeoTIFF of `w` × `h` pixels of 0.001° from (71° E, 38° N), `rows` rows a strip;
/// value = 2000 + row + column / 1000.
fn striped_geotiff(path: &Path, w: u32, h: u32, rows: u32) {
    use tiff::encoder::{TiffEncoder, colortype};
    use tiff::tags::Tag;
    let values: Vec<f32> = (0..w * h).map(|i| 2000.0 + (i / w) as f32 + (i % w) as f32 / 1000.0).collect();
    let file = std::fs::File::create(path).unwrap();
    let mut enc = TiffEncoder::new(file).unwrap();
    let mut img = enc.new_image::<colortype::Gray32Float>(w, h).unwrap();
    img.rows_per_strip(rows).unwrap();
    img.encoder().write_tag(Tag::ModelPixelScaleTag, &[0.001, 0.001, 0.0][..]).unwrap();
    img.encoder().write_tag(Tag::ModelTiepointTag, &[0.0, 0.0, 0.0, 71.0, 38.0, 0.0][..]).unwrap();
    img.encoder().write_tag(Tag::Unknown(34735), &[1u16, 1, 0, 2, 1024, 0, 1, 2, 2048, 0, 1, 4326][..]).unwrap();
    img.write_data(&values).unwrap();
}

/// Lon/lat of the centre of pixel (row, column) of [`striped_geotiff`].
fn centre(row: u32, col: u32) -> (f64, f64) {
    (71.0 + (f64::from(col) + 0.5) * 0.001, 38.0 - (f64::from(row) + 0.5) * 0.001)
}

#[test]
fn opening_a_geotiff_decodes_no_strip_and_sampling_decodes_only_the_strips_it_touches() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.tif");
    striped_geotiff(&path, 1000, 400, 10);
    let d = dem::open(&path).unwrap();
    assert_eq!(d.decoded_tiff_chunks(), 0, "opening reads the header only");
    let (lon, lat) = centre(125, 300);
    assert!((d.elevation_m(lon, lat).unwrap() - 2125.3).abs() < 1e-3);
    assert_eq!(d.decoded_tiff_chunks(), 1, "one strip of the 40");
    let (lon, lat) = centre(127, 900);
    assert!((d.elevation_m(lon, lat).unwrap() - 2127.9).abs() < 1e-3);
    assert_eq!(d.decoded_tiff_chunks(), 1, "the same strip again, from the cache");
    // Between rows 129 and 130: the strips of rows 120–129 and 130–139.
    let (lon, lat) = centre(129, 10);
    assert!((d.elevation_m(lon, lat - 0.0005).unwrap() - 2129.51).abs() < 1e-3);
    assert_eq!(d.decoded_tiff_chunks(), 2);
    for row in (0..400).step_by(7) {
        let (lon, lat) = centre(row, 500);
        assert!((d.elevation_m(lon, lat).unwrap() - (2000.5 + f64::from(row))).abs() < 1e-3);
    }
    assert_eq!(d.decoded_tiff_chunks(), 40, "every strip once");
}

#[test]
fn a_tiled_geotiff_decodes_tiles_on_demand_and_samples_like_the_striped_one() {
    let dir = tempfile::tempdir().unwrap();
    let striped = dir.path().join("striped.tif");
    striped_geotiff(&striped, 1000, 400, 10);
    let tiled = dir.path().join("tiled.tif");
    let run = Command::new("gdal_translate")
        .args(["-q", "-co", "TILED=YES", "-co", "BLOCKXSIZE=64", "-co", "BLOCKYSIZE=64", "-co", "COMPRESS=DEFLATE"])
        .arg(&striped)
        .arg(&tiled)
        .output();
    match run {
        Ok(o) => assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr)),
        Err(_) => {
            eprintln!("SKIPPED: gdal_translate is not installed (apt-get install gdal-bin); tiled GeoTIFF not tested");
            return;
        }
    }
    let (a, b) = (dem::open(&striped).unwrap(), dem::open(&tiled).unwrap());
    assert_eq!(b.decoded_tiff_chunks(), 0);
    let (lon, lat) = centre(100, 100);
    assert_eq!(b.elevation_m(lon + 0.0002, lat), a.elevation_m(lon + 0.0002, lat));
    assert_eq!(b.decoded_tiff_chunks(), 1, "one 64 × 64 tile of the 112");
    for (lon, lat) in points(2000).into_iter().map(|(x, y)| (x, y + 0.6)) {
        assert_eq!(b.elevation_m(lon, lat), a.elevation_m(lon, lat), "at {lon}, {lat}");
    }
    assert!(b.decoded_tiff_chunks() <= 112, "each tile at most once: {}", b.decoded_tiff_chunks());
}
