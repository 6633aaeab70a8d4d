#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers may panic: a panic is a test failure
//! Bad input everywhere: the GeoJSON importer, the plan loader and `borderplan inspect` / `validate` answer
//! every broken file with a clear error that names the file (and the line and column where JSON is broken), and
//! never panic. Includes a deterministic mutation fuzzer ("poor man's fuzzing") over the fixtures and the
//! example plan, which runs in CI on stable Rust; the cargo-fuzz targets in `fuzz/` go further on nightly.

use borderplan::synth::SplitMix64 as Rng;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use borderplan::io::geojson_import::{ImportError, ImportOptions, import_bytes, import_file};
use borderplan::io::plan_file::{self, PlanFileError};

const BIN: &str = env!("CARGO_BIN_EXE_borderplan");

fn manifest(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn example_plan_bytes() -> Vec<u8> {
    std::fs::read(manifest("data/example-plan.geojson")).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn run_cli(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(BIN).args(args).env("RUST_LOG", "off").output().unwrap()
}

/// What the three readers say about one file.
struct Verdicts {
    import: Result<usize, String>,
    plan: Result<usize, String>,
    inspect: Output,
    validate: Output,
}

/// Runs the importer, the plan loader and the two CLI commands on `path`. The library calls run on a thread
/// with a small stack, so a missing depth limit fails loudly instead of passing by luck.
fn verdicts(path: &Path) -> Verdicts {
    let p = path.to_owned();
    let (import, plan) = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || {
            let import =
                import_file(&p, &ImportOptions::default()).map(|l| l.features.len()).map_err(|e| e.to_string());
            let plan = plan_file::load(&p).map(|p| p.assignments.len()).map_err(|e| e.to_string());
            (import, plan)
        })
        .unwrap()
        .join()
        .expect("the readers never panic or overflow the stack");
    let inspect = run_cli(&["inspect".as_ref(), path.as_os_str()]);
    let validate = run_cli(&["validate".as_ref(), path.as_os_str()]);
    Verdicts { import, plan, inspect, validate }
}

/// Every reader refuses the file with a message naming it (and `also` when given), and the CLI exits with its
/// documented code (inspect 1, validate 2) without a panic.
fn assert_refused_everywhere(path: &Path, also: &[&str]) -> Verdicts {
    assert_refused(path, also, also)
}

/// As [`assert_refused_everywhere`], with different words expected from the importer and the plan loader.
fn assert_refused(path: &Path, import_words: &[&str], plan_words: &[&str]) -> Verdicts {
    let v = verdicts(path);
    let shown = path.display().to_string();
    let import = v.import.clone().expect_err("the importer refuses the file");
    let plan = v.plan.clone().expect_err("the plan loader refuses the file");
    for (who, message, words) in [("importer", &import, import_words), ("plan loader", &plan, plan_words)] {
        assert!(message.contains(&shown), "the {who} names the file: {message}");
        for word in words {
            assert!(message.contains(word), "the {who} says {word:?}: {message}");
        }
    }
    for (command, output, code) in [("inspect", &v.inspect, 1), ("validate", &v.validate, 2)] {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "borderplan {command} exit code; stderr: {stderr}");
        assert!(stderr.contains(&shown), "borderplan {command} names the file: {stderr}");
        assert!(!stderr.contains("panicked"), "borderplan {command} panicked: {stderr}");
        assert!(output.stdout.is_empty() || command == "validate", "borderplan {command} prints nothing on stdout");
    }
    v
}

// ---------------------------------------------------------------------------------------------------------------
// Hand-made bad inputs

#[test]
fn a_hundred_thousand_open_brackets_are_refused_everywhere_without_overflowing_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "deep.geojson", "[".repeat(100_000).as_bytes());
    // The importer stops at the first byte (a top-level array is not GeoJSON); the plan loader at the depth limit.
    let v = assert_refused(&path, &["top-level value is an array"], &["line 1, column 128"]);
    let plan = v.plan.unwrap_err();
    assert!(plan.contains("recursion limit"), "{plan}");
}

#[test]
fn deep_nesting_in_a_segments_properties_is_refused_everywhere_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = String::from_utf8(example_plan_bytes()).unwrap();
    let depth = 100_000;
    let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let text = text.replacen(
        "\"name\": \"Khatlon / Balkh 1\",",
        &format!("\"name\": \"Khatlon / Balkh 1\", \"x_deep\": {deep},"),
        1,
    );
    let line = text.lines().position(|l| l.contains("x_deep")).unwrap() + 1;
    let path = write(dir.path(), "deep-plan.geojson", text.as_bytes());
    let v = assert_refused_everywhere(&path, &[&format!("line {line}")]);
    let import = v.import.unwrap_err();
    assert!(import.contains("nested more than 128 levels"), "{import}");
}

#[test]
fn deep_nesting_in_a_foreign_member_is_skipped_by_the_importer_and_refused_by_the_plan_loader() {
    // The importer never looks inside foreign members (serde's IgnoredAny skips them without recursing too
    // deep), so the layer loads; the plan loader reads the whole tree and stops at the depth limit.
    let dir = tempfile::tempdir().unwrap();
    let text = String::from_utf8(example_plan_bytes()).unwrap();
    let depth = 100_000;
    let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let text = text.replacen("\"features\": [", &format!("\"x_deep\": {deep},\n  \"features\": ["), 1);
    let line = text.lines().position(|l| l.contains("x_deep")).unwrap() + 1;
    let path = write(dir.path(), "deep-foreign.geojson", text.as_bytes());
    let v = verdicts(&path);
    assert!(v.import.is_ok(), "{:?}", v.import);
    let plan = v.plan.unwrap_err();
    assert!(plan.contains(&format!("line {line}")) && plan.contains("deep-foreign.geojson"), "{plan}");
    assert_eq!(v.validate.status.code(), Some(2));
}

#[test]
fn feature_count_hints_of_a_billion_do_not_preallocate_and_the_one_real_feature_loads() {
    // WFS-style count members claim a billion features; nothing may trust them. The file is tiny, so a reader
    // that preallocated from the hint would take seconds and gigabytes; this one takes milliseconds.
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{"type":"FeatureCollection","numberMatched":1000000000,"numberReturned":1000000000,
        "totalFeatures":1000000000,"features":[
        {"type":"Feature","properties":{"name":"Khorog"},"geometry":{"type":"Point","coordinates":[71.55,37.49]}}]}"#;
    let path = write(dir.path(), "claims.geojson", text.as_bytes());
    let started = Instant::now();
    let v = verdicts(&path);
    assert_eq!(v.import, Ok(1));
    assert!(v.plan.as_ref().unwrap_err().contains("no “borderplan” member"), "{:?}", v.plan);
    assert_eq!(v.inspect.status.code(), Some(0));
    let inspected: serde_json::Value = serde_json::from_slice(&v.inspect.stdout).unwrap();
    assert_eq!(inspected["features"], 1);
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
}

#[test]
fn a_plan_claiming_a_huge_format_version_or_huge_numbers_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let text = String::from_utf8(example_plan_bytes()).unwrap();
    let newer = text.replacen("\"format_version\": 1", "\"format_version\": 18446744073709551615", 1);
    assert_ne!(newer, text, "the example plan has a format_version of 1");
    let path = write(dir.path(), "newer.geojson", newer.as_bytes());
    match plan_file::load(&path) {
        Err(PlanFileError::NewerVersion { found, .. }) => assert_eq!(found, u64::MAX),
        other => panic!("expected NewerVersion, got {other:?}"),
    }
    // A number beyond the f64 range is damaged JSON for the plan loader (it never needs such numbers).
    let huge = text.replacen("\"from_km\": 0.0", "\"from_km\": 1e400", 1);
    assert_ne!(huge, text, "the example plan has a segment from km 0");
    let path = write(dir.path(), "huge.geojson", huge.as_bytes());
    let err = plan_file::load(&path).expect_err("1e400 is refused").to_string();
    assert!(err.contains("huge.geojson") && err.contains("line"), "{err}");
}

#[test]
fn invalid_utf8_in_a_property_is_refused_everywhere_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = example_plan_bytes();
    let pattern = b"\"name\": \"Khatlon / Balkh 1\"";
    let name_at = bytes.windows(pattern.len()).position(|w| w == pattern).unwrap();
    let line = bytes[..name_at].iter().filter(|b| **b == b'\n').count() + 1;
    // Inside the segment name: `"name": "Kh\xFFatlon…`.
    bytes.insert(name_at + 11, 0xFF);
    let path = write(dir.path(), "latin1.geojson", &bytes);
    assert_refused_everywhere(&path, &[&format!("line {line}")]);
}

#[test]
fn invalid_utf8_in_a_foreign_member_is_skipped_by_the_importer_and_refused_by_the_plan_loader() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = example_plan_bytes();
    let title_at = bytes.windows(8).position(|w| w == b"\"title\":").unwrap();
    let line = bytes[..title_at].iter().filter(|b| **b == b'\n').count() + 1;
    bytes.insert(title_at + 10, 0xFF);
    let path = write(dir.path(), "latin1-title.geojson", &bytes);
    let v = verdicts(&path);
    assert!(v.import.is_ok(), "the importer ignores the borderplan header: {:?}", v.import);
    let plan = v.plan.unwrap_err();
    assert!(plan.contains(&format!("line {line}")) && plan.contains("latin1-title.geojson"), "{plan}");
}

#[test]
fn nan_and_infinity_literals_are_refused_everywhere_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = String::from_utf8(example_plan_bytes()).unwrap();
    for literal in ["NaN", "Infinity", "-Infinity"] {
        let broken = text.replacen("\"from_km\": 0.0", &format!("\"from_km\": {literal}"), 1);
        let line = broken.lines().position(|l| l.contains(literal)).unwrap() + 1;
        let path = write(dir.path(), &format!("{literal}.geojson"), broken.as_bytes());
        assert_refused_everywhere(&path, &[&format!("line {line}")]);
    }
}

#[test]
fn duplicate_keys_never_panic_and_a_duplicated_geometry_member_skips_only_that_feature() {
    let dir = tempfile::tempdir().unwrap();
    // Importer: duplicate geometry members make that feature invalid; the other feature loads.
    let text = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[70,37],"coordinates":[71,38]}},
        {"type":"Feature","properties":{"a":1,"a":2},"geometry":{"type":"Point","coordinates":[70.5,37.5]}}]}"#;
    let path = write(dir.path(), "dup.geojson", text.as_bytes());
    let layer = import_file(&path, &ImportOptions::default()).unwrap();
    assert_eq!(layer.stats.features, 1);
    assert_eq!(layer.stats.skipped, 1);
    assert!(layer.stats.reasons[0].contains("feature 0"), "the reason names the feature: {:?}", layer.stats.reasons);
    // Plan loader: a duplicated meta member is either refused with a message naming the member or read with one
    // value; never a panic.
    let plan_text = String::from_utf8(example_plan_bytes()).unwrap();
    let dup = plan_text.replacen("\"title\":", "\"title\": \"Other\",\n      \"title\":", 1);
    let path = write(dir.path(), "dup-plan.geojson", dup.as_bytes());
    match plan_file::load(&path) {
        Ok(plan) => assert!(!plan.meta.title.is_empty()),
        Err(e) => {
            let e = e.to_string();
            assert!(e.contains("title") && e.contains("dup-plan.geojson"), "{e}");
        }
    }
    let out = run_cli(&["inspect".as_ref(), path.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "the plan is GeoJSON: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_directory_is_refused_everywhere_as_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("folder.geojson");
    std::fs::create_dir(&sub).unwrap();
    let v = assert_refused_everywhere(&sub, &["directory"]);
    assert!(String::from_utf8_lossy(&v.inspect.stderr).contains("directory"));
    assert!(String::from_utf8_lossy(&v.validate.stderr).contains("directory"));
    assert!(matches!(import_file(&sub, &ImportOptions::default()), Err(ImportError::IsDirectory { .. })));
}

#[test]
fn a_device_is_refused_everywhere_as_not_a_regular_file() {
    // Reading /dev/zero to the end would never finish (nor would its memory stop growing).
    let zero = Path::new("/dev/zero");
    if !zero.exists() {
        return;
    }
    assert_refused_everywhere(zero, &["not a regular file"]);
    assert!(matches!(import_file(zero, &ImportOptions::default()), Err(ImportError::NotAFile { .. })));
}

#[test]
fn a_missing_file_is_refused_everywhere_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    assert_refused_everywhere(&dir.path().join("nowhere.geojson"), &[]);
}

#[test]
fn an_unreadable_file_is_refused_with_permission_denied_or_loads_when_running_as_root() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "locked.geojson", &example_plan_bytes());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root (and any process with CAP_DAC_OVERRIDE, as in CI containers) ignores file permissions: the file
    // still reads there, and then every reader must simply load it. Detect that by trying to read it ourselves.
    let privileged = std::fs::read(&path).is_ok();
    if privileged {
        let v = verdicts(&path);
        assert!(v.import.is_ok(), "{:?}", v.import);
        assert!(v.plan.is_ok(), "{:?}", v.plan);
        assert_eq!(v.inspect.status.code(), Some(0));
        assert_eq!(v.validate.status.code().map(|c| c <= 1), Some(true));
    } else {
        let v = assert_refused_everywhere(&path, &[]);
        let import = v.import.unwrap_err().to_lowercase();
        assert!(import.contains("permission denied"), "{import}");
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn a_truncated_plan_is_refused_everywhere_as_damaged_at_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = example_plan_bytes();
    let cut = &bytes[..bytes.len() * 2 / 3];
    let lines = cut.iter().filter(|b| **b == b'\n').count() + 1;
    let path = write(dir.path(), "cut.geojson", cut);
    assert_refused_everywhere(&path, &[&format!("line {lines}")]);
}

// ---------------------------------------------------------------------------------------------------------------
// Mutation fuzzing

/// Bytes that make JSON interesting when inserted.
const TOKENS: &[&[u8]] = &[
    b"[",
    b"]",
    b"{",
    b"}",
    b"\"",
    b",",
    b":",
    b"-",
    b".",
    b"e",
    b"0",
    b"9",
    b"null",
    b"true",
    b"1e400",
    b"-0",
    b"NaN",
    b"\\u0000",
    b"\\ud800",
    b"\xFF",
    b"\xC3",
    b"\x00",
    b"\"type\":\"Point\"",
    b"\"coordinates\":[",
    b"\"type\":\"Feature\"",
    b"\"features\":[",
    b"\"geometry\":null",
    b"\"assignments\":[",
    b"\"kind\":\"segment\"",
    b"\"kind\":\"outpost\"",
    b"\"kind\":\"border\"",
    b"1e308",
    b"180.0000001",
    b"-90.5",
    b"4294967296",
    b"18446744073709551616",
];

/// Applies one to four random mutations; returns a description for the failure message.
fn mutate(rng: &mut Rng, input: &[u8]) -> (Vec<u8>, String) {
    let mut bytes = input.to_vec();
    let mut what = Vec::new();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(8) {
            0 if !bytes.is_empty() => {
                let i = at.min(bytes.len() - 1);
                let bit = rng.below(8);
                bytes[i] ^= 1 << bit;
                what.push(format!("flip bit {bit} at {i}"));
            }
            1 => {
                bytes.truncate(at);
                what.push(format!("truncate to {at}"));
            }
            2 => {
                let b = (rng.next_u64() & 0xFF) as u8;
                bytes.insert(at, b);
                what.push(format!("insert byte {b:#04x} at {at}"));
            }
            3 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                bytes.splice(at..at, token.iter().copied());
                what.push(format!("insert {:?} at {at}", String::from_utf8_lossy(token)));
            }
            4 if !bytes.is_empty() => {
                let start = rng.below(bytes.len());
                let len = 1 + rng.below((bytes.len() - start).min(256));
                let copy = bytes[start..start + len].to_vec();
                let to = rng.below(bytes.len() + 1);
                bytes.splice(to..to, copy);
                what.push(format!("duplicate {start}..{} at {to}", start + len));
            }
            5 if !bytes.is_empty() => {
                let start = rng.below(bytes.len());
                let len = 1 + rng.below((bytes.len() - start).min(64));
                bytes.drain(start..start + len);
                what.push(format!("delete {start}..{}", start + len));
            }
            6 => {
                // Change a digit: the JSON usually stays valid, so the semantic checks get exercised.
                let digits: Vec<usize> = (0..bytes.len()).filter(|i| bytes[*i].is_ascii_digit()).collect();
                if !digits.is_empty() {
                    let i = digits[rng.below(digits.len())];
                    let d = b'0' + rng.below(10) as u8;
                    bytes[i] = d;
                    what.push(format!("digit {} at {i}", d as char));
                }
            }
            _ => {
                // Swap two equal-length ranges far apart (moves whole members around).
                if bytes.len() > 32 {
                    let len = 1 + rng.below(16);
                    let a = rng.below(bytes.len() - len);
                    let b = rng.below(bytes.len() - len);
                    if a + len <= b || b + len <= a {
                        for k in 0..len {
                            bytes.swap(a + k, b + k);
                        }
                        what.push(format!("swap {a}/{b} len {len}"));
                    }
                }
            }
        }
    }
    (bytes, what.join(", "))
}

/// Runs both loaders on `cases` mutations of each input; returns the number of cases and a count of how many
/// inputs each loader accepted. Panics (with the seed, the mutation and a saved copy of the input) on the first
/// panic inside a loader.
fn fuzz(label: &str, inputs: &[(String, Vec<u8>)], cases: usize, seed: u64) -> (usize, usize, usize) {
    let mut rng = Rng(seed);
    let (mut imported, mut planned) = (0, 0);
    for case in 0..cases {
        let (name, original) = &inputs[case % inputs.len()];
        let (bytes, what) = mutate(&mut rng, original);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            // The same checks as the cargo-fuzz targets in fuzz/fuzz_targets/.
            let import = import_bytes("fuzz", &bytes, &ImportOptions::default());
            match &import {
                Ok(layer) => {
                    let stats = &layer.stats;
                    assert_eq!(stats.features, layer.features.len());
                    assert_eq!(stats.by_type.values().sum::<usize>(), stats.features);
                    assert!(layer.indexed_len() <= layer.features.len());
                    if let Some([w, s, e, n]) = stats.bbox {
                        let _ = layer.hit_test((w + e) / 2.0, (s + n) / 2.0, 0.01);
                        let _ = layer.features_in_rect(w, s, e, n);
                    }
                }
                Err(e) => assert!(!e.to_string().is_empty()),
            }
            let plan = plan_file::load_bytes(&bytes);
            match &plan {
                // A plan that loads saves to a file that loads again.
                Ok(plan) => {
                    let text = plan_file::to_string(plan).expect("a loaded plan serialises");
                    let again = plan_file::load_str(&text);
                    assert!(again.is_ok(), "the saved plan does not load: {:?}", again.err());
                }
                Err(e) => assert!(!e.to_string().is_empty()),
            }
            (import.is_ok(), plan.is_ok())
        }));
        match outcome {
            Ok((i, p)) => {
                imported += usize::from(i);
                planned += usize::from(p);
            }
            Err(_) => {
                let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("hardening-{label}-{case}.bin"));
                let _ = std::fs::write(&saved, &bytes);
                panic!(
                    "case {case} (seed {seed}) of {name} panicked after: {what}; input saved to {}",
                    saved.display()
                );
            }
        }
    }
    (cases, imported, planned)
}

fn fixture_inputs() -> Vec<(String, Vec<u8>)> {
    let dir = manifest("tests/fixtures/geojson/valid");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    names.into_iter().map(|p| (p.display().to_string(), std::fs::read(&p).unwrap())).collect()
}

#[test]
fn a_hundred_thousand_mutations_of_the_geojson_fixtures_never_panic_either_loader() {
    let started = Instant::now();
    let (cases, imported, _) = fuzz("fixtures", &fixture_inputs(), 100_000, 0x00B0_4DE4);
    // The mutations must not all be trivially broken: many still import.
    assert!(imported > cases / 20, "only {imported} of {cases} mutated fixtures imported");
    eprintln!("{cases} fixture mutations, {imported} imported, in {:?}", started.elapsed());
}

#[test]
fn eight_thousand_mutations_of_the_example_plan_never_panic_either_loader() {
    let started = Instant::now();
    let inputs = vec![("data/example-plan.geojson".to_owned(), example_plan_bytes())];
    let (cases, imported, planned) = fuzz("plan", &inputs, 8_000, 0x0005_AFE5);
    assert!(planned > cases / 50, "only {planned} of {cases} mutated plans loaded");
    eprintln!("{cases} plan mutations, {imported} imported, {planned} loaded as plans, in {:?}", started.elapsed());
}
