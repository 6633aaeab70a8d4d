//! The TAK data package: a zip whose MANIFEST/manifest.xml lists every other entry, with KML per stage and per
//! outpost that parse as KML.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use borderplan::io::bundled::example_plan;
use borderplan::io::export::{ExportFormat, export_to_file};
use borderplan::io::formats::{ImportOptions, import_any};
use borderplan::model::Target;
use std::collections::BTreeSet;
use std::io::Read;

#[test]
fn the_tak_package_manifest_lists_every_file_in_the_zip_and_each_kml_reads() {
    let plan = example_plan().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan-tak.zip");
    export_to_file(&plan, ExportFormat::TakPackage, &path).unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let names: BTreeSet<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    let mut manifest = String::new();
    zip.by_name("MANIFEST/manifest.xml").unwrap().read_to_string(&mut manifest).unwrap();
    let listed: BTreeSet<String> =
        manifest.split("zipEntry=\"").skip(1).map(|rest| rest.split('"').next().unwrap().to_owned()).collect();
    let others: BTreeSet<String> = names.iter().filter(|n| *n != "MANIFEST/manifest.xml").cloned().collect();
    assert_eq!(listed, others, "the manifest lists every entry and nothing else");
    assert!(manifest.contains("<Parameter name=\"uid\""));
    let outposts_with_work =
        plan.outposts.iter().filter(|o| plan.assignments_for(&Target::Outpost(o.id.clone())).next().is_some()).count();
    assert_eq!(others.iter().filter(|n| n.starts_with("outposts/")).count(), outposts_with_work);
    assert!(others.contains("stages/stage-2.kml") && others.contains("stages/stage-3.kml"), "{others:?}");
    // Each KML reads back with one placemark per assignment of its stage.
    for stage in [2u8, 3] {
        let mut kml = Vec::new();
        zip.by_name(&format!("stages/stage-{stage}.kml")).unwrap().read_to_end(&mut kml).unwrap();
        let file = dir.path().join(format!("stage-{stage}.kml"));
        std::fs::write(&file, kml).unwrap();
        let layers = import_any(&file, &ImportOptions::default()).unwrap();
        let assignments = plan.assignments.iter().filter(|a| a.stage.number() == stage).count();
        let expected = if stage == 3 {
            assignments + borderplan::model::stage_coverage(&plan, borderplan::model::Stage::Three).gaps.len()
        } else {
            assignments
        };
        assert_eq!(layers[0].stats.features, expected, "stage {stage}");
    }
}
