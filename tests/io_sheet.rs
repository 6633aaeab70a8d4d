//! The map sheet (PNG and PDF): size, scale bar, PDF structure, and refusals of bad arguments.

use borderplan::io::bundled::{base_data, example_plan};
use borderplan::io::export::sheet::{self, Paper, SheetFormat, SheetOptions};
use geo::{Distance, Geodesic, Point};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_borderplan");

fn example_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/example-plan.geojson")
}

#[test]
fn the_png_has_the_requested_pixel_size() {
    let plan = example_plan().expect("example plan");
    let mut options = SheetOptions::paper(Paper::A4, 96.0);
    (options.width_px, options.height_px) = (1203, 811);
    let bytes = sheet::render(&plan, None, &options, SheetFormat::Png).expect("png");
    let img = image::load_from_memory(&bytes).expect("decodes");
    assert_eq!((img.width(), img.height()), (1203, 811));
    // The paper preset at 100 DPI: 297 × 210 mm.
    let a4 = SheetOptions::paper(Paper::A4, 100.0);
    assert_eq!(
        (a4.width_px, a4.height_px),
        ((297.0_f64 / 25.4 * 100.0).round() as u32, (210.0_f64 / 25.4 * 100.0).round() as u32)
    );
}

#[test]
fn the_cli_writes_a_png_of_the_given_size_and_refuses_a_bad_bbox_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("sheet.png");
    let run = Command::new(BIN)
        .args(["export"])
        .arg(example_path())
        .args(["-o"])
        .arg(&out)
        .args(["--size", "900x640", "--bbox", "70.9,37.3,71.7,37.9"])
        .output()
        .expect("runs");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let img = image::open(&out).expect("png written");
    assert_eq!((img.width(), img.height()), (900, 640));

    for (bbox, says) in
        [("71,37,70,38", "west < east"), ("1,2,3", "--bbox"), ("10,10,11,11", "does not meet the border")]
    {
        let bad = dir.path().join("bad.png");
        let run = Command::new(BIN)
            .arg("export")
            .arg(example_path())
            .arg("-o")
            .arg(&bad)
            .arg(format!("--bbox={bbox}"))
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{bbox}: {err}");
        assert!(err.contains(says), "{bbox}: {err}");
        assert!(!bad.exists(), "nothing is written for {bbox}");
    }
    let run = Command::new(BIN)
        .arg("export")
        .arg(example_path())
        .args(["-o", "x.png", "--size", "12x"])
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("bad --size “12x”"));
}

#[test]
fn the_scale_bar_is_as_long_as_its_geodesic_length_at_the_sheets_scale() {
    let plan = example_plan().expect("example plan");
    for bbox in [None, Some([70.9, 37.3, 71.7, 37.9])] {
        let mut options = SheetOptions::paper(Paper::A4, 150.0);
        options.bbox = bbox;
        let layout = sheet::layout(&plan, &options).expect("layout");
        let bar = layout.scale_bar;
        // The bar's ends, measured on the map's projection at the bar's latitude.
        let (cx, _) = layout.proj.xy(71.0, bar.lat);
        let (lon0, lat0) = layout.proj.lon_lat(f64::from(cx), f64::from(layout.proj.xy(71.0, bar.lat).1));
        let (lon1, lat1) =
            layout.proj.lon_lat(f64::from(cx + bar.width_pt), f64::from(layout.proj.xy(71.0, bar.lat).1));
        let measured = Geodesic.distance(Point::new(lon0, lat0), Point::new(lon1, lat1));
        assert!((measured / bar.length_m - 1.0).abs() < 0.005, "{measured} m drawn for {} m", bar.length_m);
        // A round length: 1, 2 or 5 × 10ⁿ m.
        let mantissa = bar.length_m / 10f64.powf(bar.length_m.log10().floor());
        assert!([1.0, 2.0, 5.0].iter().any(|m| (mantissa - m).abs() < 1e-9), "{}", bar.length_m);
        // And it fits in the side panel.
        assert!(bar.width_pt <= layout.panel[2] && bar.width_pt > layout.panel[2] * 0.3);
    }
    // Zoomed in, the bar is shorter on the ground.
    let whole = sheet::layout(&plan, &SheetOptions::paper(Paper::A4, 150.0)).expect("layout").scale_bar.length_m;
    let mut zoomed = SheetOptions::paper(Paper::A4, 150.0);
    zoomed.bbox = Some([70.9, 37.3, 71.7, 37.9]);
    assert!(sheet::layout(&plan, &zoomed).expect("layout").scale_bar.length_m < whole / 4.0);
}

#[test]
fn the_pdf_is_one_page_of_the_sheets_size_and_parses() {
    let plan = example_plan().expect("example plan");
    let base = base_data().ok();
    let options = SheetOptions::paper(Paper::A3, 150.0);
    let bytes = sheet::render(&plan, base.as_ref(), &options, SheetFormat::Pdf).expect("pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&bytes);
    let (w_pt, h_pt) = options.size_pt();
    // A3 landscape: 420 × 297 mm is 1190.6 × 841.9 pt (the pixel size rounds it by under a pixel).
    assert!((w_pt - 1190.55).abs() < 0.5 && (h_pt - 841.89).abs() < 0.5, "{w_pt} × {h_pt}");
    assert!(text.contains(&format!("/MediaBox [0 0 {}", (w_pt * 10.0).trunc() / 10.0)), "the page is the sheet's size");
    assert!(text.contains("/FlateDecode"));
    assert!(text.trim_end().ends_with("%%EOF"));
    // poppler reads it when installed (scripts/test.sh installs poppler-utils).
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("sheet.pdf");
    std::fs::write(&path, &bytes).expect("write");
    if let Ok(info) = Command::new("pdfinfo").arg(&path).output() {
        let out = String::from_utf8_lossy(&info.stdout);
        assert!(info.status.success(), "{}", String::from_utf8_lossy(&info.stderr));
        let pages = out.lines().find(|l| l.starts_with("Pages:")).unwrap_or_default();
        assert_eq!(pages.split_whitespace().nth(1), Some("1"), "{out}");
        let size = out.lines().find(|l| l.starts_with("Page size:")).unwrap_or_default();
        let nums: Vec<f32> = size.split_whitespace().filter_map(|t| t.parse().ok()).collect();
        assert!(nums.len() >= 2 && (nums[0] - w_pt).abs() < 0.1 && (nums[1] - h_pt).abs() < 0.1, "{size}");
        assert!(String::from_utf8_lossy(&info.stderr).trim().is_empty(), "{}", String::from_utf8_lossy(&info.stderr));
    }
}

#[test]
fn the_png_and_the_pdf_are_the_same_picture() {
    // Rendered with poppler when it is installed: the share of pixels that differ clearly stays small.
    let plan = example_plan().expect("example plan");
    let options = SheetOptions::paper(Paper::A4, 72.0);
    let png = sheet::render(&plan, None, &options, SheetFormat::Png).expect("png");
    let pdf = sheet::render(&plan, None, &options, SheetFormat::Pdf).expect("pdf");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("s.pdf"), &pdf).expect("write");
    let Ok(run) = Command::new("pdftoppm")
        .args(["-png", "-r", "72", "-singlefile"])
        .arg(dir.path().join("s.pdf"))
        .arg(dir.path().join("p"))
        .output()
    else {
        return;
    };
    assert!(run.status.success());
    let a = image::load_from_memory(&png).expect("png").to_rgb8();
    let b = image::open(dir.path().join("p.png")).expect("poppler png").to_rgb8();
    assert_eq!(a.dimensions(), b.dimensions());
    let differ = a
        .pixels()
        .zip(b.pixels())
        .filter(|(p, q)| p.0.iter().zip(q.0.iter()).any(|(x, y)| x.abs_diff(*y) > 60))
        .count();
    let share = differ as f64 / f64::from(a.width() * a.height());
    assert!(share < 0.02, "{:.2} % of the pixels differ", share * 100.0);
}
