//! The command line: `borderplan [FILE…]` opens the window; subcommands run headless.
//!
//! Every subcommand reads files, prints to stdout and reports problems on stderr with the file named. Nothing
//! here panics on bad input: unreadable files are messages and exit codes.

use crate::io::atomic::WriteKind;
use crate::io::export::sheet::SheetFormat;
use crate::io::export::{ExportFormat, export_to_file_with, export_to_string_with};
use crate::io::format::count;
use crate::io::formats::{Format, ImportOptions, import_chosen, inspect_json};
use crate::io::plan_file;
use crate::model::rules::{Finding, check};
use crate::model::{Plan, Severity};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub mod db;
mod find;
mod merge;
mod sheet;
mod summary;
mod terrain;
pub use summary::{summary_json, summary_json_of, summary_text, summary_text_of};
pub use terrain::{TerrainRun, terrain_json};

const AFTER_HELP: &str = "\
Without a subcommand, borderplan opens the window with the given FILEs (plan files or GeoJSON layers).

Examples:
  borderplan                                        open the window
  borderplan data/example-plan.geojson              open a plan in the window
  borderplan inspect layer.geojson                  what is in a layer file (one JSON object)
  borderplan inspect sites.gpkg --table posts       one table of a GeoPackage (--table again for more)
  borderplan validate plan.geojson                  check the programme rules
  borderplan summary plan.geojson --json            totals and coverage per stage as JSON
  borderplan summary plan.geojson --dem srtm/       coverage by line of sight over SRTM tiles
  borderplan export plan.geojson -o report.html     self-contained HTML report
  borderplan export plan.geojson -f kml -o -        KML on stdout
  borderplan export plan.geojson -o sheet.pdf --paper a3   map sheet (PDF; .png for an image)
  borderplan export plan.geojson -o km400.png --bbox 70.9,37.4,71.6,37.9 --dpi 200   a zoomed map sheet
  borderplan rebase old-plan.geojson -o plan.geojson  move a plan made on an older border onto the current one
  borderplan merge base.geojson mine.geojson theirs.geojson -o merged.geojson   three-way merge
  borderplan diff old.geojson new.geojson           what changed, one line each
  borderplan find Хорог                             places, outposts, km and coordinates (--json for JSON)
  borderplan find 42SVF0483048834                   a position in MGRS, UTM, DMS, decimal or Gauss–Krüger

Exit codes:
  0  success (validate: no error-level findings)
  1  validate: the plan has error-level findings; inspect: the file cannot be read as GeoJSON;
     export or rebase: the output cannot be written; merge: conflicts or rule errors
     neither side had (listed, nothing written)
  2  the plan or the elevation data cannot be read, or the command line is wrong";

#[derive(Debug, Parser)]
#[command(
    name = "borderplan",
    version,
    about = "Plan the equipment rollout along the Tajikistan–Afghanistan border",
    long_about = "Plan the equipment rollout along the Tajikistan–Afghanistan border.\n\n\
                  Run without a subcommand to open the desktop window; the subcommands below work headless \
                  (scripts, CI, servers) and use the same readers, rules and exports as the window.",
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// GeoJSON layers or plan files to open in the window.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// Export formats on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// RFC 7946 GeoJSON: segments, outposts and stage-3 coverage gaps, styled by stage.
    Geojson,
    /// CSV, one row per assignment, with lon/lat and WKT columns.
    Csv,
    /// Self-contained HTML report with an inline map (prints on A4 landscape).
    Html,
    /// KML 2.2 for Google Earth, with time spans for the time slider.
    Kml,
    /// GeoPackage for QGIS: segments, outposts, assignments (with their target's geometry) and gaps tables.
    Gpkg,
    /// TAK data package (zip) for ATAK / WinTAK: KML per stage and per outpost, MANIFEST/manifest.xml.
    Takpkg,
    /// Map sheet as a PNG image: title, legend, scale bar, north arrow, graticule, attribution.
    Png,
    /// The same map sheet as a vector PDF page.
    Pdf,
}

impl FormatArg {
    /// The plan export this format names, or the map sheet's format.
    fn kind(self) -> Result<ExportFormat, SheetFormat> {
        match self {
            FormatArg::Geojson => Ok(ExportFormat::GeoJson),
            FormatArg::Csv => Ok(ExportFormat::Csv),
            FormatArg::Html => Ok(ExportFormat::Html),
            FormatArg::Kml => Ok(ExportFormat::Kml),
            FormatArg::Gpkg => Ok(ExportFormat::GeoPackage),
            FormatArg::Takpkg => Ok(ExportFormat::TakPackage),
            FormatArg::Png => Err(SheetFormat::Png),
            FormatArg::Pdf => Err(SheetFormat::Pdf),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Read a layer file (GeoJSON, CSV, GeoPackage, Shapefile, KML/KMZ, GPX, FlatGeobuf) and print what is in it
    /// as one JSON object.
    ///
    /// Prints {"features", "by_type", "bbox", "skipped", "null_geometries", "reasons", "properties", "warnings"}.
    /// Features that cannot be used are counted in "skipped" with reasons; the command still succeeds (exit 0).
    /// Exit 1 when the file cannot be read or is not GeoJSON.
    Inspect {
        /// The file to read.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Read only this feature table of a GeoPackage (repeat for several; default: every table).
        #[arg(long, value_name = "NAME")]
        table: Vec<String>,
    },
    /// Check a plan against the programme rules.
    ///
    /// Prints one finding per line (severity, rule, km range, message) and a count line. Exit 1 when any finding
    /// is an error, 0 when there are only warnings or none, 2 when the plan cannot be read.
    Validate {
        /// The plan file (.geojson written by borderplan).
        #[arg(value_name = "PLAN")]
        plan: PathBuf,
        /// Elevation data (an SRTM .hgt tile, a GeoTIFF, or a folder of them): coverage by line of sight.
        #[arg(long, value_name = "PATH")]
        dem: Option<PathBuf>,
        /// Print the findings as a JSON array instead.
        #[arg(long)]
        json: bool,
    },
    /// Print totals and surveillance coverage per stage, supplier, category and segment.
    ///
    /// With --json prints one object: {"title", "border_length_km", "official_length_km", "length_note", "total", "stages": {"2": {...}, "3": {...}},
    /// "by_supplier", "by_category", "by_segment"}; each stage has covered_km, coverage_pct, gaps_km
    /// ([[from, to], ...]), assignments, quantity and cost_usd. With --dem the coverage is by line of sight over
    /// the elevation data and a "terrain" object is added: {"dem", "resolution_m", "border_share", "unknown_km",
    /// "model", "refraction_k", "target_height_m", "sample_spacing_m"}.
    Summary {
        /// The plan file.
        #[arg(value_name = "PLAN")]
        plan: PathBuf,
        /// Elevation data (an SRTM .hgt tile, a GeoTIFF, or a folder of them): coverage by line of sight.
        #[arg(long, value_name = "PATH")]
        dem: Option<PathBuf>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Export a plan as GeoJSON, CSV, an HTML report, KML, a GeoPackage, a TAK data package, or a map sheet
    /// (PNG or PDF).
    ///
    /// The format comes from --format or else from OUT's extension (.geojson/.json, .csv, .html/.htm, .kml, .gpkg,
    /// .zip, .png, .pdf). The file is written atomically: an existing OUT stays intact if anything fails. OUT "-"
    /// writes to stdout (then --format is required). The map sheet is A4 landscape at 150 DPI unless --paper,
    /// --size or --dpi say otherwise, and shows the whole border unless --bbox gives an area.
    Export {
        /// The plan file.
        #[arg(value_name = "PLAN")]
        plan: PathBuf,
        /// Output format; defaults from OUT's extension.
        #[arg(short, long, value_enum)]
        format: Option<FormatArg>,
        /// The file to write, or "-" for stdout.
        #[arg(short, long = "output", value_name = "OUT")]
        output: PathBuf,
        /// Elevation data (an .hgt tile, a DTED cell, a GeoTIFF, or a folder of them): coverage and gaps by line
        /// of sight over the terrain; the export names the DEM and the model.
        #[arg(long, value_name = "PATH")]
        dem: Option<PathBuf>,
        /// Map sheet: paper preset, landscape (a4 or a3).
        #[arg(long, value_name = "PAPER", conflicts_with = "size")]
        paper: Option<String>,
        /// Map sheet: size in pixels, WIDTHxHEIGHT (e.g. 1754x1240).
        #[arg(long, value_name = "WxH")]
        size: Option<String>,
        /// Map sheet: dots per inch (default 150); with --paper it sets the pixel size, with --size the text size.
        #[arg(long, value_name = "N")]
        dpi: Option<f64>,
        /// Map sheet: the area to show, west,south,east,north in degrees (e.g. 70.5,37.0,71.5,37.6).
        #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true)]
        bbox: Option<String>,
        /// Replace OUT even when it is a borderplan plan file (an export is otherwise refused there, exit 1).
        #[arg(long)]
        force: bool,
    },
    /// Move a plan made on another border line onto the border bundled with this version, by position.
    ///
    /// Segment ends are mapped to the nearest point of the current line (not by km number), outposts are
    /// re-measured from their positions, assignments stay on their segments and outposts. Prints what moved, one
    /// line each, and writes the rebased plan to OUT atomically. A plan already on the current line is written
    /// unchanged.
    Rebase {
        /// The plan file.
        #[arg(value_name = "PLAN")]
        plan: PathBuf,
        /// The rebased plan to write.
        #[arg(short, long = "output", value_name = "OUT")]
        output: PathBuf,
        /// Replace OUT even when it is a plan file (the input itself, say); refused otherwise (exit 1).
        #[arg(long)]
        force: bool,
    },
    /// Write synthetic SRTM tiles (mountain relief) covering the bundled border, for trials and benchmarks.
    ///
    /// 3″ tiles (1201 × 1201, 2.9 MB each) by default, 1″ tiles (3601 × 3601, 26 MB each) with --fine. The
    /// heights are made up (valleys of 1,200 m in the west, 4,000 m in the east, ridges up to 1,500 m above them), not a real DEM.
    SynthDem {
        /// The folder to write the .hgt tiles into (created if missing).
        #[arg(value_name = "OUT_DIR")]
        output: PathBuf,
        /// 1″ tiles instead of 3″.
        #[arg(long)]
        fine: bool,
    },
    /// Three-way merge: OURS and THEIRS were both edited from BASE; write the combination to OUT.
    ///
    /// Field by field and by id over assignments, segments, outposts, the catalog and the plan details: what
    /// only one side changed is taken from it. A field both changed differently is a conflict: they are listed on
    /// stdout, one per line, and nothing is written (exit 1) unless --ours or --theirs picks a side for all of
    /// them. A merged plan with error-level rule findings that neither side had is not written either (exit 1)
    /// unless --allow-rule-errors. Exit 0 when merged and written (atomically), 2 when a plan cannot be read.
    Merge {
        /// The plan both sides started from.
        #[arg(value_name = "BASE")]
        base: PathBuf,
        /// Our edited copy.
        #[arg(value_name = "OURS")]
        ours: PathBuf,
        /// Their edited copy.
        #[arg(value_name = "THEIRS")]
        theirs: PathBuf,
        /// The merged plan to write.
        #[arg(short, long = "output", value_name = "OUT")]
        output: PathBuf,
        /// Decide every conflict for OURS.
        #[arg(long = "ours", conflicts_with = "theirs_wins")]
        ours_wins: bool,
        /// Decide every conflict for THEIRS.
        #[arg(long = "theirs")]
        theirs_wins: bool,
        /// Replace OUT even when it is a plan file (OURS, say); refused otherwise (exit 1, nothing written).
        #[arg(long)]
        force: bool,
        /// Write the merged plan even when it breaks rules that neither side broke (they are listed on stderr).
        #[arg(long)]
        allow_rule_errors: bool,
    },
    /// Find places, outposts, segments, border km and coordinates, best first.
    ///
    /// QUERY is a name in any spelling planners use (Khorugh, Khorog, Хорог; Panj, Pyanj, Pyandzh, Пяндж), an
    /// outpost or segment name or id, "km 420", or a position: decimal latitude/longitude ("37.49 71.55",
    /// "37.49N 71.55E"), degrees-minutes-seconds ("37°29'25\"N 71°33'12\"E"), MGRS ("42SVF0483048834"), UTM
    /// ("42S 548830 4148834") or Pulkovo 1942 Gauss–Krüger (7-digit X, 8-digit Y with the zone prefix). Prints one
    /// hit per line, or with --json an array of {"kind", "name", "lon", "lat", "km"} (km: chainage of the nearest
    /// border point). Exit 0 when something was found, 1 when nothing was, 2 when the plan cannot be read.
    Find {
        /// What to look for (several words are joined with spaces).
        #[arg(value_name = "QUERY", required = true, num_args = 1.., allow_negative_numbers = true)]
        query: Vec<String>,
        /// Search this plan's outposts and segments instead of the bundled example plan's.
        #[arg(long, value_name = "PLAN")]
        plan: Option<PathBuf>,
        /// At most this many hits.
        #[arg(long, value_name = "N", default_value_t = 10)]
        limit: usize,
        /// Print a JSON array instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Print what changed from plan A to plan B, one line per change ("assignment A-0003 quantity: 2 → 3").
    Diff {
        /// The plan before.
        #[arg(value_name = "A")]
        a: PathBuf,
        /// The plan after.
        #[arg(value_name = "B")]
        b: PathBuf,
    },
    /// A shared plan in PostgreSQL/PostGIS: init, push, pull, list.
    ///
    /// Exit 0 success; 1 a push was refused because its changes overlap a newer version (conflicts on stdout,
    /// one per line) or a file cannot be written; 2 the database or the plan cannot be read.
    Db {
        #[command(subcommand)]
        command: db::DbCommand,
    },
    /// Write a synthetic programme-scale plan for trials and benchmarks.
    ///
    /// The example plan's assignments are copied across its segments and outposts until there are COUNT of them
    /// (deterministic: the same COUNT gives the same file). Written atomically to OUT.
    Synth {
        /// How many assignments (e.g. 1000, 10000, 50000).
        #[arg(value_name = "COUNT")]
        count: usize,
        /// The plan file to write.
        #[arg(short, long = "output", value_name = "OUT")]
        output: PathBuf,
        /// Replace OUT even when it is a plan file; refused otherwise (exit 1).
        #[arg(long)]
        force: bool,
    },
}

fn synth(count: usize, output: &Path, force: bool) -> u8 {
    let kind = output_kind(force);
    if let Err(code) = check_output(output, kind) {
        return code;
    }
    let plan = match crate::synth::plan_with_assignments(count) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("borderplan: {e}");
            return 2;
        }
    };
    match crate::io::plan_file::write_output(&plan, output, kind) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{}", with_path(output, &e.to_string()));
            1
        }
    }
}

/// Runs a subcommand and returns its exit code.
pub fn run(command: CliCommand) -> ExitCode {
    let code = match command {
        CliCommand::Inspect { file, table } => inspect(&file, (!table.is_empty()).then_some(table.as_slice())),
        CliCommand::Validate { plan, dem, json } => validate(&plan, dem.as_deref(), json),
        CliCommand::Summary { plan, dem, json } => summary(&plan, dem.as_deref(), json),
        CliCommand::SynthDem { output, fine } => terrain::synth_dem(&output, fine),
        CliCommand::Export { plan, format, output, dem, paper, size, dpi, bbox, force } => {
            let write_kind = output_kind(force);
            let sheet_args = sheet::SheetArgs { paper, size, dpi, bbox };
            let kind = format.map(FormatArg::kind);
            match kind.or_else(|| SheetFormat::from_path(&output).map(Err)) {
                Some(Err(sheet_format)) => sheet::export(&plan, sheet_format, &output, &sheet_args, write_kind),
                other if sheet_args.any() => {
                    let named = other.and_then(Result::ok).map_or("this format".to_owned(), |f| f.label().to_owned());
                    eprintln!(
                        "borderplan: --paper, --size, --dpi and --bbox are for the map sheet (png, pdf), not {named}"
                    );
                    2
                }
                other => export(&plan, other.and_then(Result::ok), &output, dem.as_deref(), write_kind),
            }
        }
        CliCommand::Rebase { plan, output, force } => rebase(&plan, &output, output_kind(force)),
        CliCommand::Synth { count, output, force } => synth(count, &output, force),
        CliCommand::Merge { base, ours, theirs, output, ours_wins, theirs_wins, force, allow_rule_errors } => {
            let pick = match (ours_wins, theirs_wins) {
                (true, _) => Some(crate::model::Pick::Ours),
                (_, true) => Some(crate::model::Pick::Theirs),
                _ => None,
            };
            merge::merge(&base, &ours, &theirs, &output, pick, output_kind(force), allow_rule_errors)
        }
        CliCommand::Diff { a, b } => merge::diff(&a, &b),
        CliCommand::Find { query, plan, limit, json } => find::run(&query, plan.as_deref(), json, limit),
        CliCommand::Db { command } => db::run(command),
    };
    ExitCode::from(code)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic or a message.
fn emit(text: &str) -> Result<(), u8> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("borderplan: cannot write to stdout: {e}");
            Err(1)
        }
    }
}

/// A message that names the file exactly once.
fn with_path(path: &Path, message: &str) -> String {
    let shown = path.display().to_string();
    if message.contains(&shown) { message.to_owned() } else { format!("{shown}: {message}") }
}

/// The write kind of an output file: `--force` lets it replace a plan file.
fn output_kind(force: bool) -> WriteKind {
    if force { WriteKind::OutputOverPlan } else { WriteKind::Output }
}

/// The write policy, before any work: an output onto a plan file is refused (exit 1, nothing written) unless
/// `--force` made `kind` [`WriteKind::OutputOverPlan`]; "-" (stdout) always passes.
fn check_output(output: &Path, kind: WriteKind) -> Result<(), u8> {
    if output.as_os_str() == "-" {
        return Ok(());
    }
    match crate::io::atomic::check_write(output, kind) {
        Ok(_) => Ok(()),
        Err(e @ crate::io::error::FileError::WouldReplacePlan { .. }) => {
            eprintln!("borderplan: {e}; --force replaces it");
            Err(1)
        }
        Err(e) => {
            eprintln!("borderplan: {e}");
            Err(1)
        }
    }
}

fn load_plan(path: &Path) -> Result<Plan, u8> {
    plan_file::load(path).map_err(|e| {
        eprintln!("borderplan: cannot open the plan {}", with_path(path, &e.to_string()));
        2
    })
}

fn rebase(path: &Path, output: &Path, kind: WriteKind) -> u8 {
    if let Err(code) = check_output(output, kind) {
        return code;
    }
    let mut plan = match load_plan(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let current = match crate::io::bundled::border() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("borderplan: the bundled border cannot be read: {e}");
            return 2;
        }
    };
    let mut text = String::new();
    if crate::model::same_line(&plan.border, &current) {
        text.push_str(&format!(
            "{} is already on the current border ({:.1} km); nothing moved\n",
            path.display(),
            current.length_km()
        ));
    } else {
        let (edit, report) = match crate::model::rebase_edit(&plan, current.line()) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("borderplan: cannot rebase {}: {e}", path.display());
                return 2;
            }
        };
        if let Err(e) = plan.apply(edit) {
            eprintln!("borderplan: cannot rebase {}: {e}", path.display());
            return 2;
        }
        for line in report.lines() {
            text.push_str(&line);
            text.push('\n');
        }
    }
    if let Err(e) = plan_file::write_output(&plan, output, kind) {
        eprintln!("borderplan: cannot write {}", with_path(output, &e.to_string()));
        return 1;
    }
    emit(&text).err().unwrap_or(0)
}

fn inspect(path: &Path, tables: Option<&[String]>) -> u8 {
    let format = Format::detect(path);
    match import_chosen(path, &ImportOptions { progress: None, cancel: None }, tables) {
        Ok(layers) => {
            let value = match layers.as_slice() {
                [layer] => {
                    let mut v = inspect_json(layer);
                    if let Some(map) = v.as_object_mut() {
                        map.insert("format".to_owned(), format.label().into());
                    }
                    v
                }
                _ => serde_json::json!({
                    "format": format.label(),
                    "layers": layers.iter().map(inspect_json).collect::<Vec<_>>(),
                }),
            };
            match serde_json::to_string_pretty(&value) {
                Ok(text) => emit(&(text + "\n")).err().unwrap_or(0),
                Err(e) => {
                    eprintln!("borderplan: cannot print the result for {}: {e}", path.display());
                    1
                }
            }
        }
        Err(e) if e.is_unreadable() => {
            eprintln!("borderplan: {}", with_path(path, &e.to_string()));
            1
        }
        Err(crate::io::formats::FormatError::GeoJson(e)) => {
            let reason = e.to_string().replace(&format!(" (in {})", path.display()), "");
            eprintln!("borderplan: cannot read {} as GeoJSON: {reason}", path.display());
            1
        }
        Err(e) => {
            eprintln!("borderplan: {}", with_path(path, &e.to_string()));
            1
        }
    }
}

fn km_range(f: &Finding) -> String {
    match f.km {
        Some((a, b)) if (b - a).abs() < 1e-9 => format!("km {a:.1}"),
        Some((a, b)) => format!("km {a:.1}–{b:.1}"),
        None => "-".to_owned(),
    }
}

fn validate(path: &Path, dem: Option<&Path>, as_json: bool) -> u8 {
    let plan = match load_plan(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let findings = match dem {
        None => check(&plan),
        Some(dem) => match terrain::run(&plan, dem) {
            Ok(run) => run.findings(&plan),
            Err(code) => return code,
        },
    };
    print_findings(path, &findings, as_json)
}

fn print_findings(path: &Path, findings: &[Finding], as_json: bool) -> u8 {
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.iter().filter(|f| f.severity == Severity::Warning).count();
    let infos = findings.len() - errors - warnings;
    let text = if as_json {
        match serde_json::to_string_pretty(findings) {
            Ok(t) => t + "\n",
            Err(e) => {
                eprintln!("borderplan: cannot print the findings: {e}");
                return 1;
            }
        }
    } else {
        let mut t = String::new();
        for f in findings {
            t.push_str(&format!("{}  {}  {}  {}\n", f.severity, f.rule.code(), km_range(f), f.message));
        }
        if findings.is_empty() {
            t.push_str(&format!("{}: no findings\n", path.display()));
        } else {
            t.push_str(&format!(
                "{}: {}, {}, {infos} info\n",
                path.display(),
                count(errors, "error", "errors"),
                count(warnings, "warning", "warnings")
            ));
        }
        t
    };
    if let Err(code) = emit(&text) {
        return code;
    }
    u8::from(errors > 0)
}

fn summary(path: &Path, dem: Option<&Path>, as_json: bool) -> u8 {
    let plan = match load_plan(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Some(dem) = dem {
        return match terrain::run(&plan, dem) {
            Ok(run) => terrain::print_summary(&plan, &run, as_json),
            Err(code) => code,
        };
    }
    let text = if as_json {
        match serde_json::to_string_pretty(&summary_json(&plan)) {
            Ok(t) => t + "\n",
            Err(e) => {
                eprintln!("borderplan: cannot print the summary: {e}");
                return 1;
            }
        }
    } else {
        summary_text(&plan)
    };
    emit(&text).err().unwrap_or(0)
}

fn export(path: &Path, format: Option<ExportFormat>, output: &Path, dem: Option<&Path>, kind: WriteKind) -> u8 {
    let to_stdout = output.as_os_str() == "-";
    let Some(format) = format.or_else(|| ExportFormat::from_path(output)) else {
        eprintln!(
            "borderplan: cannot tell the export format from {}; give --format geojson, csv, html, kml, \
             gpkg, takpkg, png or pdf (or use the extension .geojson, .csv, .html, .kml, .gpkg, .zip, .png or .pdf)",
            if to_stdout { "stdout (-)".to_owned() } else { output.display().to_string() }
        );
        return 2;
    };
    if let Err(code) = check_output(output, kind) {
        return code;
    }
    let plan = match load_plan(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let basis = match dem {
        None => None,
        Some(dem) => match terrain::run(&plan, dem) {
            Ok(run) => Some(terrain::export_basis(&plan, &run)),
            Err(code) => return code,
        },
    };
    if let Some(b) = &basis {
        eprintln!("{}", b.label);
    }
    if to_stdout {
        return match export_to_string_with(&plan, format, basis.as_ref()) {
            Ok(text) => emit(&text).err().unwrap_or(0),
            Err(e) => {
                eprintln!("borderplan: cannot export {}: {e}", path.display());
                1
            }
        };
    }
    match export_to_file_with(&plan, format, output, basis.as_ref(), kind) {
        Ok(()) => {
            let size = std::fs::metadata(output).map(|m| m.len()).unwrap_or(0);
            eprintln!("Exported {} to {} ({}, {size} bytes)", path.display(), output.display(), format.label());
            0
        }
        Err(e) => {
            eprintln!("borderplan: cannot export to {}", with_path(output, &e.to_string()));
            1
        }
    }
}
