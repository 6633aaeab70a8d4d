//! A shared plan in PostgreSQL/PostGIS, through the `postgres` client crate, with TLS over rustls when the URL
//! asks for it (libpq's `sslmode` and `sslrootcert`, see [`tls`]).
//!
//! Everything lives in the schema `borderplan`:
//! - `schema_version` (one row) and the migrations in [`MIGRATIONS`];
//! - `plans` (name, current version, pushed time) and `plan_versions` (every pushed version's plan file text:
//!   the lossless copy that `pull` returns, and the bases of three-way merges);
//! - for QGIS and other GIS tools, kept equal to the current version by each push (only the rows that changed
//!   since the previous version are inserted, updated or deleted, see [`gis`]): `segments` (LineString, 4326), `outposts` (Point,
//!   4326), `assignments` (with their target's geometry) and `gaps` (stage-3 coverage gaps, LineString), each row
//!   with `plan` and the `version` it was written in.
//!
//! A push names the version it is based on. When that is still the current version the plan becomes the next
//! version; when someone pushed since, the pushed plan is merged three-way with the current one (base = the
//! version it was pulled at): changes that do not overlap combine, overlapping ones refuse the push with the
//! conflicts listed. One transaction per push, with the plan's row locked, so a killed push leaves the previous
//! version and concurrent pushes queue.

use super::plan_file;
use crate::model::merge::{Conflict, merge};
use crate::model::{Plan, Resolutions};
use postgres::{Client, Transaction};
use serde::{Deserialize, Serialize};

mod gis;
mod pull;
pub mod tls;

pub use pull::{PullMode, PulledFile, pull_to_file};

/// The plan header member a pulled plan keeps its origin in.
pub const ORIGIN_MEMBER: &str = "database";

/// Schema migrations, in order; `schema_version` holds how many have run.
pub const MIGRATIONS: &[&str] = &[
    // 1: the plan store and the GIS tables.
    "CREATE TABLE borderplan.plans (
        name text PRIMARY KEY,
        version bigint NOT NULL,
        pushed_at timestamptz NOT NULL DEFAULT now());
     CREATE TABLE borderplan.plan_versions (
        plan text NOT NULL REFERENCES borderplan.plans(name) ON DELETE CASCADE,
        version bigint NOT NULL,
        document text NOT NULL,
        pushed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (plan, version));
     CREATE TABLE borderplan.segments (
        fid bigserial PRIMARY KEY, plan text NOT NULL, id text NOT NULL, name text NOT NULL, from_km double precision NOT NULL,
        to_km double precision NOT NULL, length_km double precision NOT NULL, tajik_region text NOT NULL,
        afghan_province text NOT NULL, version bigint NOT NULL, geom geometry(LineString, 4326) NOT NULL,
        UNIQUE (plan, id));
     CREATE TABLE borderplan.outposts (
        fid bigserial PRIMARY KEY, plan text NOT NULL, id text NOT NULL, name text NOT NULL, km double precision NOT NULL,
        segment_id text NOT NULL, sample boolean NOT NULL, version bigint NOT NULL,
        geom geometry(Point, 4326) NOT NULL, UNIQUE (plan, id));
     CREATE TABLE borderplan.assignments (
        fid bigserial PRIMARY KEY, plan text NOT NULL, id text NOT NULL, target_kind text NOT NULL, target_id text NOT NULL,
        equipment_id text NOT NULL, quantity double precision NOT NULL, stage integer NOT NULL,
        supplier text NOT NULL, quarter text NOT NULL, status text NOT NULL, note text NOT NULL,
        version bigint NOT NULL, geom geometry(Geometry, 4326), UNIQUE (plan, id));
     CREATE TABLE borderplan.gaps (
        fid bigserial PRIMARY KEY, plan text NOT NULL, stage integer NOT NULL, from_km double precision NOT NULL,
        to_km double precision NOT NULL, length_km double precision NOT NULL, version bigint NOT NULL,
        geom geometry(LineString, 4326) NOT NULL, UNIQUE (plan, stage, from_km));
     CREATE INDEX ON borderplan.segments USING gist (geom);
     CREATE INDEX ON borderplan.outposts USING gist (geom);
     CREATE INDEX ON borderplan.assignments USING gist (geom);",
];

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    /// The server's message, with the table, column, constraint, detail and hint it gave (see [`sql_message`]).
    #[error("{}", sql_message(.0))]
    Sql(#[from] postgres::Error),
    #[error("the database has no borderplan schema yet: run `borderplan db init --db URL` first")]
    NotInitialised,
    #[error("the database schema is version {found}, newer than this borderplan knows ({known}): update borderplan")]
    NewerSchema { found: i64, known: i64 },
    #[error("there is no plan named “{0}” in the database")]
    NoSuchPlan(String),
    #[error("the stored plan “{name}” version {version} cannot be read: {message}")]
    Damaged { name: String, version: i64, message: String },
    #[error("the plan cannot be written: {0}")]
    Plan(String),
    #[error("the push conflicts with version {current} of “{name}”: {}", conflict_lines(.conflicts))]
    Conflicts { name: String, current: i64, conflicts: Vec<Conflict> },
    /// A push to a database whose plan of that name is not the one the plan was pulled from.
    #[error(
        "push refused, nothing was written: “{name}” in {target} (version {current}) has its own history, and \
         this plan was pulled from {pulled_from} version {version}, so its changes cannot be merged with it. Pull \
         “{name}” from {target} and redo the changes there, or push under another --name"
    )]
    OtherHistory { name: String, target: String, current: i64, pulled_from: String, version: i64 },
    /// A pull onto a file that holds changes never pushed.
    #[error(
        "{} holds {} not pushed since version {version} of “{name}” ({}): not overwritten. Push them with \
         `borderplan db push`, merge version {current} into them with --merge, or replace them with --force",
        path.display(),
        crate::io::format::count(*changes, "change", "changes"),
        first.join("; ")
    )]
    UnpushedEdits {
        path: std::path::PathBuf,
        name: String,
        version: i64,
        current: i64,
        changes: usize,
        first: Vec<String>,
    },
    /// A pull onto a plan file that is not a pulled copy of the plan being pulled.
    #[error("{} {reason}: not overwritten. Pull to another file, or replace it with --force", path.display())]
    NotThisPlan { path: std::path::PathBuf, reason: String },
}

impl DbError {
    /// True when the database refused what was asked (a conflict, another history, unpushed edits in the file):
    /// nothing was written, and the command line exits 1 rather than 2.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Self::Conflicts { .. } | Self::OtherHistory { .. } | Self::UnpushedEdits { .. } | Self::NotThisPlan { .. }
        )
    }
}

/// What the server said, and where: its message, then the schema and table, column, data type, constraint and
/// position it named, its detail and hint, and the SQLSTATE code (`permission denied for table plans (table
/// borderplan.plans; SQLSTATE 42501)`). An error that is not the server's (a lost connection) is the client's
/// message with its causes.
pub fn sql_message(e: &postgres::Error) -> String {
    let Some(db) = e.as_db_error() else { return describe(e) };
    let mut at = Vec::new();
    match (db.schema(), db.table()) {
        (Some(schema), Some(table)) => at.push(format!("table {schema}.{table}")),
        (None, Some(table)) => at.push(format!("table {table}")),
        (Some(schema), None) => at.push(format!("schema {schema}")),
        (None, None) => {}
    }
    let named = [("column", db.column()), ("type", db.datatype()), ("constraint", db.constraint())];
    at.extend(named.iter().filter_map(|(what, v)| v.map(|v| format!("{what} {v}"))));
    if let Some(w) = db.where_() {
        at.push(w.replace('\n', "; "));
    }
    at.push(format!("SQLSTATE {}", db.code().code()));
    let mut text = format!("the database server said: {} ({})", db.message(), at.join("; "));
    if let Some(d) = db.detail() {
        text.push_str(&format!(". {d}"));
    }
    if let Some(h) = db.hint() {
        text.push_str(&format!(". Hint: {h}"));
    }
    text
}

fn conflict_lines(c: &[Conflict]) -> String {
    c.iter().map(Conflict::line).collect::<Vec<_>>().join("; ")
}

/// Where a pulled plan came from: kept in the plan header so that the next push names its base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// The connection URL without a password (passwords belong in `PGPASSWORD` or `~/.pgpass`).
    #[serde(default)]
    pub database: String,
    pub name: String,
    pub version: i64,
    /// SHA-256 of that version's stored document: a database whose version of the same number holds another
    /// document has another history (see [`same_history`]). Absent in plans pulled by older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_sha256: Option<String>,
}

/// The URL with any password taken out (`postgresql://user:secret@host/db` → `postgresql://user@host/db`;
/// `password=…` dropped from a key-value string).
pub fn without_password(url: &str) -> String {
    if let Some(rest) = url.strip_prefix("postgresql://").or_else(|| url.strip_prefix("postgres://")) {
        let scheme = &url[..url.len() - rest.len()];
        if let Some(at) = rest.find('@') {
            let (user, host) = rest.split_at(at);
            let user = user.split(':').next().unwrap_or_default();
            return format!("{scheme}{user}{host}");
        }
        return url.to_owned();
    }
    url.split_whitespace().filter(|kv| !kv.starts_with("password=")).collect::<Vec<_>>().join(" ")
}

impl Origin {
    /// The origin recorded in a plan, if any.
    pub fn of(plan: &Plan) -> Option<Self> {
        plan.extra.get(ORIGIN_MEMBER).and_then(|v| serde_json::from_value(v.clone()).ok())
    }
}

/// The plan without its origin member (what is stored and merged).
fn without_origin(plan: &Plan) -> Plan {
    let mut p = plan.clone();
    p.extra.shift_remove(ORIGIN_MEMBER);
    p
}

/// The plan with its origin set.
pub fn with_origin(mut plan: Plan, origin: &Origin) -> Plan {
    plan.extra.insert(ORIGIN_MEMBER.into(), serde_json::to_value(origin).unwrap_or_default());
    plan
}

/// Where a URL points, for messages: `host:port/dbname` (the socket folder for a unix socket), no password.
pub fn target_of(url: &str) -> String {
    let rest = tls::split_tls_params(url).map(|p| p.rest).unwrap_or_else(|_| url.to_owned());
    let Ok(config) = rest.parse::<postgres::Config>() else { return without_password(url) };
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let dbname = config.get_dbname().or(config.get_user()).unwrap_or_default();
    format!("{host}:{port}/{dbname}")
}

/// Connects as the URL asks: TLS per `sslmode` (default `prefer`), a connect timeout of
/// [`tls::DEFAULT_CONNECT_TIMEOUT_S`] unless the URL sets `connect_timeout`.
pub fn connect(url: &str) -> Result<Client, DbError> {
    tls::connect(url)
}

/// The client's error with its cause (the top-level message alone is often just "error connecting to server").
fn describe(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// Creates the PostGIS extension, the schema and runs the migrations not yet run. Returns the schema version.
pub fn init(client: &mut Client) -> Result<i64, DbError> {
    let mut tx = client.transaction()?;
    // Concurrent inits wait for each other.
    tx.execute("SELECT pg_advisory_xact_lock(7193015)", &[])?;
    tx.batch_execute(
        "CREATE EXTENSION IF NOT EXISTS postgis;
         CREATE SCHEMA IF NOT EXISTS borderplan;
         CREATE TABLE IF NOT EXISTS borderplan.schema_version (version bigint NOT NULL);",
    )?;
    let current: Option<i64> = tx.query_opt("SELECT version FROM borderplan.schema_version", &[])?.map(|r| r.get(0));
    let current = match current {
        Some(v) => v,
        None => {
            tx.execute("INSERT INTO borderplan.schema_version (version) VALUES (0)", &[])?;
            0
        }
    };
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(DbError::NewerSchema { found: current, known });
    }
    for sql in &MIGRATIONS[current as usize..] {
        tx.batch_execute(sql)?;
    }
    tx.execute("UPDATE borderplan.schema_version SET version = $1", &[&known])?;
    tx.commit()?;
    Ok(known)
}

fn check_schema(tx: &mut Transaction<'_>) -> Result<(), DbError> {
    let exists: bool = tx.query_one("SELECT to_regclass('borderplan.schema_version') IS NOT NULL", &[])?.get(0);
    if !exists {
        return Err(DbError::NotInitialised);
    }
    let v: Option<i64> = tx.query_opt("SELECT version FROM borderplan.schema_version", &[])?.map(|r| r.get(0));
    let known = MIGRATIONS.len() as i64;
    match v {
        Some(v) if v == known => Ok(()),
        Some(v) if v > known => Err(DbError::NewerSchema { found: v, known }),
        _ => Err(DbError::NotInitialised),
    }
}

/// One stored plan: name, current version, when it was pushed.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanEntry {
    pub name: String,
    pub version: i64,
    pub pushed_at: String,
}

pub fn list(client: &mut Client) -> Result<Vec<PlanEntry>, DbError> {
    let mut tx = client.transaction()?;
    check_schema(&mut tx)?;
    let rows = tx.query(
        "SELECT name, version, to_char(pushed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
         FROM borderplan.plans ORDER BY name",
        &[],
    )?;
    Ok(rows.iter().map(|r| PlanEntry { name: r.get(0), version: r.get(1), pushed_at: r.get(2) }).collect())
}

/// The stored document of a version, if there is one.
fn version_text(tx: &mut Transaction<'_>, name: &str, version: i64) -> Result<Option<String>, DbError> {
    Ok(tx
        .query_opt(
            "SELECT document FROM borderplan.plan_versions WHERE plan = $1 AND version = $2",
            &[&name, &version],
        )?
        .map(|row| row.get(0)))
}

fn parse_version(name: &str, version: i64, text: &str) -> Result<Plan, DbError> {
    plan_file::load_str(text).map_err(|e| DbError::Damaged { name: name.to_owned(), version, message: e.to_string() })
}

fn load_version(tx: &mut Transaction<'_>, name: &str, version: i64) -> Result<Plan, DbError> {
    let text =
        version_text(tx, name, version)?.ok_or_else(|| DbError::NoSuchPlan(format!("{name} (version {version})")))?;
    parse_version(name, version, &text)
}

/// The origin of version `version` of `name` in the database at `url`, whose stored document is `text`.
fn origin_of_version(url: &str, name: &str, version: i64, text: &str) -> Origin {
    Origin {
        database: without_password(url),
        name: name.to_owned(),
        version,
        document_sha256: Some(super::disk::sha256_hex(text.as_bytes())),
    }
}

/// True when the database at `url`, whose version `origin.version` of the plan is `stored` (`None`: it has no such
/// version), is the history `origin` was pulled from: the stored document is the one pulled (by its hash), or,
/// for an origin recorded without a hash, the URL points at the same host, port and database.
pub fn same_history(origin: &Origin, url: &str, stored: Option<&str>) -> bool {
    let Some(stored) = stored else { return false };
    match &origin.document_sha256 {
        Some(hash) => *hash == super::disk::sha256_hex(stored.as_bytes()),
        None => target_of(&origin.database) == target_of(url),
    }
}

/// The current version of a plan, with its origin recorded.
pub fn pull(client: &mut Client, url: &str, name: &str) -> Result<Plan, DbError> {
    let mut tx = client.transaction()?;
    check_schema(&mut tx)?;
    let version = current_version(&mut tx, name)?.ok_or_else(|| DbError::NoSuchPlan(name.to_owned()))?;
    let text = version_text(&mut tx, name, version)?
        .ok_or_else(|| DbError::NoSuchPlan(format!("{name} (version {version})")))?;
    let plan = parse_version(name, version, &text)?;
    Ok(with_origin(plan, &origin_of_version(url, name, version, &text)))
}

fn current_version(tx: &mut Transaction<'_>, name: &str) -> Result<Option<i64>, DbError> {
    Ok(tx.query_opt("SELECT version FROM borderplan.plans WHERE name = $1", &[&name])?.map(|r| r.get(0)))
}

/// One stored version of a plan, with its origin recorded as that version (the base and the newer side of a
/// refused push, for the merge the planner decides in the window).
pub fn pull_version(client: &mut Client, url: &str, name: &str, version: i64) -> Result<Plan, DbError> {
    let mut tx = client.transaction()?;
    check_schema(&mut tx)?;
    let text = version_text(&mut tx, name, version)?
        .ok_or_else(|| DbError::NoSuchPlan(format!("{name} (version {version})")))?;
    let plan = parse_version(name, version, &text)?;
    Ok(with_origin(plan, &origin_of_version(url, name, version, &text)))
}

/// What a push did.
#[derive(Debug, Clone, PartialEq)]
pub struct Pushed {
    pub version: i64,
    /// The pushed plan was merged with a newer version (non-overlapping changes).
    pub merged: bool,
    /// The plan as stored now, with its origin (a merge's result when `merged`).
    pub plan: Plan,
    /// GIS table rows inserted, updated or deleted (only what changed since the previous version).
    pub rows_written: usize,
}

/// Pushes `plan` as `name`. The base is the plan's origin when it came from `name`, else none (a new plan; a
/// push without a base onto an existing plan is refused as a conflict of the whole plan).
pub fn push(client: &mut Client, url: &str, plan: &Plan, name: &str) -> Result<Pushed, DbError> {
    let origin = Origin::of(plan).filter(|o| o.name == name);
    let base_version = origin.as_ref().map(|o| o.version);
    let ours = without_origin(plan);
    let mut tx = client.transaction()?;
    check_schema(&mut tx)?;
    // Locks the plan's row: concurrent pushes of the same plan wait here, one at a time.
    let current: Option<i64> =
        tx.query_opt("SELECT version FROM borderplan.plans WHERE name = $1 FOR UPDATE", &[&name])?.map(|r| r.get(0));
    // A plan pulled from another database's plan of this name: its base is not this database's version of the
    // same number, so it is refused rather than taken as the next version (which would revert their edits).
    if let (Some(cur), Some(o)) = (current, &origin) {
        let stored = version_text(&mut tx, name, o.version)?;
        if !same_history(o, url, stored.as_deref()) {
            return Err(DbError::OtherHistory {
                name: name.to_owned(),
                target: target_of(url),
                current: cur,
                pulled_from: target_of(&o.database),
                version: o.version,
            });
        }
    }
    let (to_store, merged, version, current_plan) = match (current, base_version) {
        (None, _) => {
            tx.execute("INSERT INTO borderplan.plans (name, version) VALUES ($1, 1)", &[&name])?;
            (ours, false, 1, None)
        }
        (Some(cur), Some(base)) if base == cur => {
            let current_plan = load_version(&mut tx, name, cur)?;
            (ours, false, cur + 1, Some(current_plan))
        }
        (Some(cur), Some(base)) => {
            let base_plan = load_version(&mut tx, name, base)?;
            let theirs = load_version(&mut tx, name, cur)?;
            let m =
                merge(&base_plan, &ours, &theirs, &Resolutions::default()).map_err(|e| DbError::Plan(e.to_string()))?;
            if !m.conflicts.is_empty() {
                return Err(DbError::Conflicts { name: name.to_owned(), current: cur, conflicts: m.conflicts });
            }
            (m.plan, true, cur + 1, Some(theirs))
        }
        (Some(cur), None) => {
            return Err(DbError::Conflicts {
                name: name.to_owned(),
                current: cur,
                conflicts: vec![Conflict {
                    item: format!("plan {name}"),
                    field: Some("version".into()),
                    ours: Some(serde_json::json!("a plan not pulled from the database")),
                    theirs: Some(serde_json::json!(format!("version {cur}"))),
                }],
            });
        }
    };
    let text = plan_file::to_string(&to_store).map_err(|e| DbError::Plan(e.to_string()))?;
    tx.execute("UPDATE borderplan.plans SET version = $2, pushed_at = now() WHERE name = $1", &[&name, &version])?;
    tx.execute(
        "INSERT INTO borderplan.plan_versions (plan, version, document) VALUES ($1, $2, $3)",
        &[&name, &version, &text],
    )?;
    let rows_written = gis::write_changes(&mut tx, current_plan.as_ref(), &to_store, name, version)?;
    tx.commit()?;
    let origin = origin_of_version(url, name, version, &text);
    Ok(Pushed { version, merged, plan: with_origin(to_store, &origin), rows_written })
}
