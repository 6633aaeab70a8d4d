//! `borderplan db init|push|pull|list --db URL`: a shared plan in PostgreSQL/PostGIS (see `io::db`).

use super::{emit, load_plan, with_path};
use crate::io::db::{self, DbError, Origin, PullMode};
use crate::io::plan_file;
use clap::Subcommand;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create the PostGIS extension and the borderplan schema, or migrate it to this version's.
    Init {
        /// libpq connection string: postgresql://user@host:port/dbname or "host=/run/postgresql dbname=plans".
        #[arg(long = "db", value_name = "URL")]
        db: String,
    },
    /// Store a plan file as the next version of a shared plan.
    ///
    /// A plan pulled from the database remembers the version it was pulled at: when someone pushed since, the
    /// changes are merged three-way; when they overlap, the push is refused (exit 1) with the conflicts listed
    /// one per line. After a push the plan file records the new version (and holds the merged plan).
    Push {
        #[arg(value_name = "PLAN")]
        plan: PathBuf,
        #[arg(long = "db", value_name = "URL")]
        db: String,
        /// The shared plan's name (default: the name it was pulled as, else the file name without extension).
        #[arg(long)]
        name: Option<String>,
    },
    /// Write the current version of a shared plan to a plan file.
    ///
    /// When PLAN exists and holds a plan, it is compared with the version it was pulled from: an unchanged copy
    /// is brought to the current version; edits never pushed are not overwritten (exit 1) unless --merge merges
    /// the current version into them (three-way; overlapping changes are listed, exit 1, nothing written) or
    /// --force replaces them. A plan file that was not pulled from this plan is replaced only with --force.
    Pull {
        #[arg(long = "db", value_name = "URL")]
        db: String,
        #[arg(long)]
        name: String,
        #[arg(short, long = "output", value_name = "PLAN")]
        output: PathBuf,
        /// Merge the current version into the unpushed edits in PLAN.
        #[arg(long, conflicts_with = "force")]
        merge: bool,
        /// Replace PLAN whatever it holds (its unpushed edits are lost).
        #[arg(long)]
        force: bool,
    },
    /// List the shared plans: name, version, when pushed.
    List {
        #[arg(long = "db", value_name = "URL")]
        db: String,
    },
}

fn fail(e: &DbError) -> u8 {
    match e {
        DbError::Conflicts { conflicts, name, current } => {
            let mut text = String::new();
            for c in conflicts {
                text.push_str(&c.line());
                text.push('\n');
            }
            let _ = emit(&text);
            eprintln!(
                "borderplan: push refused: {} with version {current} of “{name}”; nothing was written. Pull, \
                 redo the change, push again",
                crate::io::format::count(conflicts.len(), "conflict", "conflicts")
            );
            1
        }
        refused if refused.is_refusal() => {
            eprintln!("borderplan: {refused}");
            1
        }
        other => {
            eprintln!("borderplan: {other}");
            2
        }
    }
}

pub fn run(command: DbCommand) -> u8 {
    match command {
        DbCommand::Init { db } => match db::connect(&db).and_then(|mut c| db::init(&mut c)) {
            Ok(v) => {
                eprintln!("The database is ready (borderplan schema version {v})");
                0
            }
            Err(e) => fail(&e),
        },
        DbCommand::Push { plan, db, name } => push(&plan, &db, name),
        DbCommand::Pull { db, name, output, merge, force } => {
            let mode = match (merge, force) {
                (true, _) => PullMode::Merge,
                (_, true) => PullMode::Force,
                _ => PullMode::Refuse,
            };
            pull(&db, &name, &output, mode)
        }
        DbCommand::List { db } => match db::connect(&db).and_then(|mut c| db::list(&mut c)) {
            Ok(list) => {
                let mut text = String::new();
                for p in list {
                    text.push_str(&format!("{}\tversion {}\t{}\n", p.name, p.version, p.pushed_at));
                }
                emit(&text).err().unwrap_or(0)
            }
            Err(e) => fail(&e),
        },
    }
}

fn pull(url: &str, name: &str, output: &Path, mode: PullMode) -> u8 {
    if output.is_dir() {
        eprintln!("borderplan: {} is a folder: give the plan file to write", output.display());
        return 2;
    }
    let pulled = match db::connect(url).and_then(|mut c| db::pull_to_file(&mut c, url, name, output, mode)) {
        Ok(p) => p,
        Err(DbError::Conflicts { conflicts, current, .. }) => {
            let lines: String = conflicts.iter().map(|c| c.line() + "\n").collect();
            let _ = emit(&lines);
            eprintln!(
                "borderplan: {} between the unpushed edits in {} and version {current} of “{name}”; nothing \
                 written (push or undo one side, or replace the file with --force)",
                crate::io::format::count(conflicts.len(), "conflict", "conflicts"),
                output.display()
            );
            return 1;
        }
        Err(e) => return fail(&e),
    };
    if pulled.up_to_date {
        eprintln!(
            "{} is already based on version {} of “{name}”, with its unpushed edits; nothing written",
            output.display(),
            pulled.version
        );
        return 0;
    }
    if let Err(e) = plan_file::write_output(&pulled.plan, output, pulled.kind) {
        eprintln!("borderplan: cannot write {}", with_path(output, &e.to_string()));
        return 1;
    }
    let how = if pulled.merged { ", merged with the unpushed edits it held" } else { "" };
    eprintln!("Pulled “{name}” version {} to {}{how}", pulled.version, output.display());
    0
}

fn push(path: &Path, url: &str, name: Option<String>) -> u8 {
    let plan = match load_plan(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let name = name
        .or_else(|| Origin::of(&plan).map(|o| o.name))
        .or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "plan".into());
    let pushed = match db::connect(url).and_then(|mut c| db::push(&mut c, url, &plan, &name)) {
        Ok(p) => p,
        Err(e) => return fail(&e),
    };
    if let Err(e) = plan_file::save(&pushed.plan, path) {
        eprintln!(
            "borderplan: pushed “{name}” version {}, but cannot record it in {}",
            pushed.version,
            with_path(path, &e.to_string())
        );
        return 1;
    }
    let how = if pushed.merged { " (merged with changes pushed since it was pulled)" } else { "" };
    eprintln!("Pushed {} as “{name}” version {}{how}", path.display(), pushed.version);
    0
}
