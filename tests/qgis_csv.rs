//! QGIS opens the CSV export with every row as a feature (its delimited-text reader, headless via PyQGIS).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use borderplan::io::bundled::example_plan;
use borderplan::io::export::{ExportFormat, export_to_file};
use std::process::Command;

/// Loads the CSV with QGIS's delimited-text provider as its dialog sets it up (points from `lon`/`lat`) and as a
/// dropped file (GDAL's reader), and prints "features point_features has_target_wkt dropped_sublayers
/// dropped_point_features".
const SCRIPT: &str = r#"
import os, sys
from qgis.core import QgsApplication, QgsVectorLayer
app = QgsApplication([], False)
app.initQgis()
path = sys.argv[1]
layer = QgsVectorLayer("file://" + path + "?type=csv&xField=lon&yField=lat&crs=EPSG:4326&detectTypes=yes", "plan", "delimitedtext")
if not layer.isValid():
    print("invalid")
    sys.exit(1)
points = sum(1 for f in layer.getFeatures() if f.hasGeometry() and not f.geometry().isEmpty())
names = [f.name() for f in layer.fields()]
dropped = QgsVectorLayer(path, "dropped", "ogr")
dropped_points = sum(1 for f in dropped.getFeatures() if f.hasGeometry() and not f.geometry().isEmpty())
print(layer.featureCount(), points, "target_wkt" in names, len(dropped.dataProvider().subLayers()), dropped_points)
sys.stdout.flush()
os._exit(0)  # QGIS 3.22 can crash while tearing down a headless application
"#;

/// The Python that Debian's python3-qgis is installed for (a pyenv `python3` on PATH does not see it).
fn python() -> &'static str {
    if std::path::Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" }
}

fn pyqgis_available() -> bool {
    let ok = Command::new(python()).args(["-c", "import qgis.core"]).output().is_ok_and(|o| o.status.success());
    if ok {
        return true;
    }
    if std::env::var("BORDERPLAN_SKIP_QGIS").is_ok_and(|v| v == "1") {
        eprintln!("notice: PyQGIS is not installed; skipping because BORDERPLAN_SKIP_QGIS=1");
        return false;
    }
    panic!("PyQGIS is not installed: `apt-get install -y python3-qgis qgis-providers`, or set BORDERPLAN_SKIP_QGIS=1");
}

#[test]
fn qgis_takes_every_row_of_the_csv_export_as_a_point_feature() {
    if !pyqgis_available() {
        return;
    }
    let plan = example_plan().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("plan.csv");
    export_to_file(&plan, ExportFormat::Csv, &csv).unwrap();
    let out =
        Command::new(python()).args(["-c", SCRIPT]).arg(&csv).env("QT_QPA_PLATFORM", "offscreen").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "PyQGIS failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    let rows = plan.assignments.len();
    let outposts = plan.assignments.iter().filter(|a| a.target.kind() == "outpost").count();
    assert!(outposts > 0 && outposts < rows, "the example mixes outpost and segment rows");
    assert_eq!(
        stdout.trim(),
        format!("{rows} {rows} True 1 {rows}"),
        "QGIS: features, point features, target_wkt kept, sublayers and points of the dropped file"
    );
}
