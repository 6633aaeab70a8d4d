//! Three-way merge of plans: `base` is what both sides started from, `ours` and `theirs` are the two edited
//! copies. Merged field by field and by id over assignments, segments, outposts, the equipment catalog, the plan
//! details, the border and unknown file members: what only one side changed is taken from it, what both changed
//! the same way is taken once, and a field both sides changed differently is a [`Conflict`] that the planner
//! decides (theirs or ours, per conflict) through [`Resolutions`]; nothing is guessed. An unresolved conflict
//! keeps our value in the provisional result, so callers must not use it while conflicts remain.
//!
//! Two special cases: the plan's `modified` time takes the later of the two (every save changes it), and segment
//! boundaries that merge field by field into something that is no longer a partition of the border become one
//! conflict, "segment boundaries", whose answer takes that side's whole segmentation.

use super::border::Border;
use super::equipment::{Catalog, EquipmentType};
use super::outposts::Outpost;
use super::plan::{Assignment, Plan, PlanMeta};
use super::segments::{Segment, Segmentation};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Which side's value a conflict takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pick {
    Ours,
    Theirs,
}

/// One field both sides changed differently (or an item one side removed and the other changed).
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// What it is about: "assignment A-0003", "segment SEG-004", "outpost OP-01", "equipment radar",
    /// "plan details", "border", "segment boundaries", "file member".
    pub item: String,
    /// The field, or `None` when one side removed the item and the other changed it.
    pub field: Option<String>,
    /// Our value (`None`: removed on our side).
    pub ours: Option<Value>,
    /// Their value (`None`: removed on their side).
    pub theirs: Option<Value>,
}

impl Conflict {
    /// A stable key for [`Resolutions::each`]: the same conflict gets the same key when the merge runs again.
    pub fn key(&self) -> String {
        format!("{}|{}", self.item, self.field.as_deref().unwrap_or("(removed)"))
    }

    /// One line for people: "assignment A-0003 quantity: ours 3, theirs 5".
    pub fn line(&self) -> String {
        let side = |v: &Option<Value>| match v {
            Some(v) => show(v),
            None => "removed".to_owned(),
        };
        match &self.field {
            Some(f) => format!("{} {f}: ours {}, theirs {}", self.item, side(&self.ours), side(&self.theirs)),
            None if self.ours.is_none() => format!("{}: ours removed it, theirs changed it", self.item),
            None => format!("{}: ours changed it, theirs removed it", self.item),
        }
    }
}

/// A value as people read it: strings without quotes, long arrays summarised.
pub fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.strip_prefix(super::plan::EXACT_NUMBER_MARK).unwrap_or(s).to_owned(),
        Value::Array(a) if a.len() > 4 => format!("({} items)", a.len()),
        other => {
            let t = other.to_string();
            if t.chars().count() > 80 { format!("{}…", t.chars().take(80).collect::<String>()) } else { t }
        }
    }
}

/// The planner's answers: one side for every conflict, and/or one per conflict key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolutions {
    pub all: Option<Pick>,
    pub each: HashMap<String, Pick>,
}

impl Resolutions {
    pub fn all(side: Pick) -> Self {
        Self { all: Some(side), each: HashMap::new() }
    }
    fn side(&self, key: &str) -> Option<Pick> {
        self.each.get(key).copied().or(self.all)
    }
}

/// The merged plan and the conflicts still open (their fields hold our value until answered).
#[derive(Debug, Clone)]
pub struct Merged {
    pub plan: Plan,
    pub conflicts: Vec<Conflict>,
    /// Conflicts that an answer in [`Resolutions`] decided.
    pub resolved: usize,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MergeError {
    #[error("the merged {what} cannot be read back: {message}")]
    Rebuild { what: String, message: String },
}

type Fields = Map<String, Value>;
type Items = Vec<(String, Fields)>;

/// Collects conflicts and applies answers while the merge walks the plan.
struct Run<'a> {
    answers: &'a Resolutions,
    open: Vec<Conflict>,
    resolved: usize,
}

impl Run<'_> {
    /// Decides a conflict: `Some(side)` when answered (counted), `None` when still open (recorded).
    fn decide(&mut self, c: Conflict) -> Option<Pick> {
        match self.answers.side(&c.key()) {
            Some(side) => {
                self.resolved += 1;
                Some(side)
            }
            None => {
                self.open.push(c);
                None
            }
        }
    }

    fn fields(&mut self, item: &str, base: &Fields, ours: &Fields, theirs: &Fields) -> Fields {
        let mut keys: Vec<&String> = ours.keys().collect();
        let seen: HashSet<&String> = keys.iter().copied().collect();
        keys.extend(theirs.keys().filter(|k| !seen.contains(k)));
        let mut out = Fields::new();
        for key in keys {
            let (b, o, t) = (base.get(key), ours.get(key), theirs.get(key));
            let pick = if o == t || t == b {
                o
            } else if o == b {
                t
            } else {
                let c =
                    Conflict { item: item.to_owned(), field: Some(key.clone()), ours: o.cloned(), theirs: t.cloned() };
                match self.decide(c) {
                    Some(Pick::Theirs) => t,
                    Some(Pick::Ours) | None => o,
                }
            };
            if let Some(v) = pick {
                out.insert(key.clone(), v.clone());
            }
        }
        out
    }

    /// Merges lists of items by id: ours' order first, then what only theirs has.
    fn items(&mut self, kind: &str, base: &Items, ours: &Items, theirs: &Items) -> Items {
        let index = |items: &Items| -> HashMap<String, usize> {
            items.iter().enumerate().map(|(i, (id, _))| (id.clone(), i)).collect()
        };
        let (bi, oi, ti) = (index(base), index(ours), index(theirs));
        let empty = Fields::new();
        let mut out = Items::with_capacity(ours.len().max(theirs.len()));
        for (id, o) in ours {
            let item = format!("{kind} {id}");
            let b = bi.get(id).map(|&i| &base[i].1);
            let t = ti.get(id).map(|&i| &theirs[i].1);
            match (b, t) {
                (Some(b), Some(t)) => out.push((id.clone(), self.fields(&item, b, o, t))),
                (Some(b), None) => {
                    // Removed on their side: gone, unless we changed it.
                    if o != b {
                        let c = Conflict { item, field: None, ours: Some(Value::Object(o.clone())), theirs: None };
                        if self.decide(c) != Some(Pick::Theirs) {
                            out.push((id.clone(), o.clone()));
                        }
                    }
                }
                (None, Some(t)) => out.push((id.clone(), self.fields(&item, &empty, o, t))),
                (None, None) => out.push((id.clone(), o.clone())),
            }
        }
        for (id, t) in theirs {
            if oi.contains_key(id) {
                continue;
            }
            match bi.get(id).map(|&i| &base[i].1) {
                // Removed on our side: gone, unless they changed it.
                Some(b) => {
                    if t != b {
                        let c = Conflict {
                            item: format!("{kind} {id}"),
                            field: None,
                            ours: None,
                            theirs: Some(Value::Object(t.clone())),
                        };
                        if self.decide(c) == Some(Pick::Theirs) {
                            out.push((id.clone(), t.clone()));
                        }
                    }
                }
                None => out.push((id.clone(), t.clone())),
            }
        }
        out
    }
}

fn object(v: Value) -> Fields {
    match v {
        Value::Object(m) => m,
        _ => Fields::new(),
    }
}

fn rebuild_err(what: &str, e: impl std::fmt::Display) -> MergeError {
    MergeError::Rebuild { what: what.to_owned(), message: e.to_string() }
}

fn assignment_items(p: &Plan) -> Items {
    p.assignments
        .iter()
        .map(|a| {
            let mut f = object(serde_json::to_value(a).unwrap_or(Value::Null));
            f.shift_remove("id");
            (a.id.clone(), f)
        })
        .collect()
}

fn segment_items(s: &Segmentation) -> Items {
    s.segments()
        .iter()
        .map(|g| {
            let mut f = Fields::new();
            f.insert("name".into(), json!(g.name));
            f.insert("km".into(), json!([g.from_km, g.to_km]));
            f.insert("tajik_region".into(), json!(g.tajik_region));
            f.insert("afghan_province".into(), json!(g.afghan_province));
            for (k, v) in &g.extra {
                f.entry(k.clone()).or_insert_with(|| v.clone());
            }
            (g.id.clone(), f)
        })
        .collect()
}

fn outpost_items(list: &[Outpost]) -> Items {
    list.iter()
        .map(|o| {
            let mut f = Fields::new();
            f.insert("name".into(), json!(o.name));
            f.insert("lon_lat".into(), json!([o.position.x(), o.position.y()]));
            f.insert("sample".into(), json!(o.sample));
            for (k, v) in &o.extra {
                f.entry(k.clone()).or_insert_with(|| v.clone());
            }
            (o.id.clone(), f)
        })
        .collect()
}

fn catalog_items(c: &Catalog) -> Items {
    c.types
        .iter()
        .map(|t| {
            let mut f = object(serde_json::to_value(t).unwrap_or(Value::Null));
            f.shift_remove("id");
            (t.id.clone(), f)
        })
        .collect()
}

/// The plan details without `modified` (merged apart: the later time wins).
fn meta_fields(m: &PlanMeta) -> Fields {
    let mut f = object(serde_json::to_value(m).unwrap_or(Value::Null));
    f.shift_remove("modified");
    f
}

/// The header member that links a plan to the database version it was pulled from or pushed as
/// (`io::db::ORIGIN_MEMBER`: `{"database", "name", "version"}`). Merged apart from the other members.
const DATABASE_MEMBER: &str = "database";

/// The merged database link, never a conflict: what only one side changed is taken from it; when both changed it
/// (two copies pushed to the same database), the later version of the same plan in the same database, else ours.
fn database_link<'a>(base: Option<&'a Value>, ours: Option<&'a Value>, theirs: Option<&'a Value>) -> Option<&'a Value> {
    if ours == theirs || theirs == base {
        return ours;
    }
    if ours == base {
        return theirs;
    }
    let (Some(o), Some(t)) = (ours, theirs) else { return ours };
    let same_plan = ["database", "name"].iter().all(|k| o.get(k) == t.get(k));
    let version = |v: &Value| v.get("version").and_then(Value::as_i64).unwrap_or(i64::MIN);
    if same_plan && version(t) > version(o) { theirs } else { ours }
}

/// The unknown members (`with_link`: and the database link) as items.
fn members_items(p: &Plan, with_link: bool) -> Items {
    let mut out = Items::new();
    for (prefix, map) in [("borderplan.", &p.extra), ("", &p.collection_extra)] {
        for (k, v) in map {
            if !with_link && prefix == "borderplan." && k == DATABASE_MEMBER {
                continue;
            }
            let mut f = Fields::new();
            f.insert("value".into(), v.clone());
            out.push((format!("{prefix}{k}"), f));
        }
    }
    out
}

fn get_str(f: &Fields, key: &str) -> String {
    f.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn segment_from(id: &str, f: &Fields) -> Result<Segment, MergeError> {
    let km = f.get("km").and_then(Value::as_array);
    let at = |i: usize| km.and_then(|k| k.get(i)).and_then(Value::as_f64);
    let (Some(from_km), Some(to_km)) = (at(0), at(1)) else {
        return Err(rebuild_err(&format!("segment {id}"), "it has no km range"));
    };
    const KNOWN: [&str; 4] = ["name", "km", "tajik_region", "afghan_province"];
    Ok(Segment {
        id: id.to_owned(),
        name: get_str(f, "name"),
        from_km,
        to_km,
        tajik_region: get_str(f, "tajik_region"),
        afghan_province: get_str(f, "afghan_province"),
        extra: f.iter().filter(|(k, _)| !KNOWN.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect(),
    })
}

fn outpost_from(id: &str, f: &Fields) -> Result<Outpost, MergeError> {
    let ll = f.get("lon_lat").and_then(Value::as_array);
    let at = |i: usize| ll.and_then(|k| k.get(i)).and_then(Value::as_f64);
    let (Some(lon), Some(lat)) = (at(0), at(1)) else {
        return Err(rebuild_err(&format!("outpost {id}"), "it has no position"));
    };
    let mut o = Outpost::new(id, &get_str(f, "name"), geo::Point::new(lon, lat));
    o.sample = f.get("sample").and_then(Value::as_bool).unwrap_or(false);
    const KNOWN: [&str; 3] = ["name", "lon_lat", "sample"];
    o.extra = f.iter().filter(|(k, _)| !KNOWN.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    Ok(o)
}

fn with_id(id: &str, f: &Fields) -> Value {
    let mut m = f.clone();
    m.insert("id".into(), json!(id));
    Value::Object(m)
}

/// Merges `ours` and `theirs`, both edited from `base`, answering conflicts from `answers`.
pub fn merge(base: &Plan, ours: &Plan, theirs: &Plan, answers: &Resolutions) -> Result<Merged, MergeError> {
    let mut run = Run { answers, open: Vec::new(), resolved: 0 };
    // A split on one side is made on the base and the other side too, so that edits reach every part.
    let aligned = super::merge_lineage::align(base, ours, theirs);
    let (base, ours, theirs) = (&*aligned.base, &*aligned.ours, &*aligned.theirs);

    // The border line: one value.
    let border: Arc<Border> = {
        let (b, o, t) = (base.border.line(), ours.border.line(), theirs.border.line());
        if o == t || t == b {
            ours.border.clone()
        } else if o == b {
            theirs.border.clone()
        } else {
            let c = Conflict {
                item: "border".into(),
                field: Some("line".into()),
                ours: Some(json!(format!("a line of {} vertices", o.0.len()))),
                theirs: Some(json!(format!("a line of {} vertices", t.0.len()))),
            };
            match run.decide(c) {
                Some(Pick::Theirs) => theirs.border.clone(),
                _ => ours.border.clone(),
            }
        }
    };

    // Segments by id; boundaries that no longer partition the border are one conflict.
    let segs = run.items(
        "segment",
        &segment_items(&base.segments),
        &segment_items(&ours.segments),
        &segment_items(&theirs.segments),
    );
    let list = segs.iter().map(|(id, f)| segment_from(id, f)).collect::<Result<Vec<_>, _>>()?;
    let segments = match Segmentation::from_segments(list, border.length_km()) {
        Ok(s) => s,
        Err(e) => {
            let c = Conflict {
                item: "segment boundaries".into(),
                field: Some("partition".into()),
                ours: Some(json!(format!("{} segments", ours.segments.len()))),
                theirs: Some(json!(format!("{} segments ({e} when combined)", theirs.segments.len()))),
            };
            let side = if run.decide(c) == Some(Pick::Theirs) { &theirs.segments } else { &ours.segments };
            Segmentation::from_segments(side.segments().to_vec(), border.length_km())
                .map_err(|e| rebuild_err("segments", e))?
        }
    };

    let outposts = run
        .items(
            "outpost",
            &outpost_items(&base.outposts),
            &outpost_items(&ours.outposts),
            &outpost_items(&theirs.outposts),
        )
        .iter()
        .map(|(id, f)| outpost_from(id, f))
        .collect::<Result<Vec<_>, _>>()?;

    let types = run
        .items(
            "equipment",
            &catalog_items(&base.catalog),
            &catalog_items(&ours.catalog),
            &catalog_items(&theirs.catalog),
        )
        .iter()
        .map(|(id, f)| serde_json::from_value::<EquipmentType>(with_id(id, f)).map_err(|e| rebuild_err(id, e)))
        .collect::<Result<Vec<_>, _>>()?;

    let assignments = run
        .items("assignment", &assignment_items(base), &assignment_items(ours), &assignment_items(theirs))
        .iter()
        .map(|(id, f)| {
            serde_json::from_value::<Assignment>(with_id(id, f))
                .map_err(|e| rebuild_err(&format!("assignment {id}"), e))
        })
        .collect::<Result<Vec<_>, _>>()?;

    let meta_f =
        run.fields("plan details", &meta_fields(&base.meta), &meta_fields(&ours.meta), &meta_fields(&theirs.meta));
    let mut meta: PlanMeta =
        serde_json::from_value(Value::Object(meta_f)).map_err(|e| rebuild_err("plan details", e))?;
    meta.modified = ours.meta.modified.clone().max(theirs.meta.modified.clone());

    let members = run.items(
        "file member",
        &members_items(base, false),
        &members_items(ours, false),
        &members_items(theirs, false),
    );
    let (mut extra, mut collection_extra) = (Map::new(), Map::new());
    let link = [base, ours, theirs].map(|p| p.extra.get(DATABASE_MEMBER));
    if let Some(v) = database_link(link[0], link[1], link[2]) {
        extra.insert(DATABASE_MEMBER.to_owned(), v.clone());
    }
    for (key, f) in members {
        let v = f.get("value").cloned().unwrap_or(Value::Null);
        match key.strip_prefix("borderplan.") {
            Some(k) => extra.insert(k.to_owned(), v),
            None => collection_extra.insert(key, v),
        };
    }

    let mut plan = Plan {
        meta,
        border,
        segments,
        outposts,
        catalog: Catalog { types },
        assignments: assignments.into(),
        extra,
        collection_extra,
    };
    plan.resnap_outposts();
    super::merge_lineage::repair(&mut plan, base, ours, theirs, &mut |c| run.decide(c));
    Ok(Merged { plan, conflicts: run.open, resolved: run.resolved })
}

/// The error-level rule findings of `merged` that neither side had (by rule, assignment and target): what the
/// merge itself broke, e.g. an assignment whose target or equipment the other side removed, or quantities that
/// no longer fit their segment. Callers must not write such a plan without saying so.
pub fn new_rule_errors(merged: &Plan, ours: &Plan, theirs: &Plan) -> Vec<super::rules::Finding> {
    use super::rules::{Finding, Severity, check};
    let key = |f: &Finding| format!("{}|{:?}|{:?}", f.rule.code(), f.assignment_id, f.target);
    let errors = |p: &Plan| check(p).into_iter().filter(|f| f.severity == Severity::Error).collect::<Vec<_>>();
    let known: HashSet<String> = errors(ours).iter().chain(&errors(theirs)).map(key).collect();
    errors(merged).into_iter().filter(|f| !known.contains(&key(f))).collect()
}

fn diff_fields(item: &str, x: &Fields, y: &Fields, out: &mut Vec<String>) {
    let mut keys: Vec<&String> = x.keys().collect();
    keys.extend(y.keys().filter(|k| !x.contains_key(*k)));
    let shown = |v: Option<&Value>| v.map(show).unwrap_or_else(|| "(none)".into());
    for k in keys {
        if x.get(k) != y.get(k) {
            out.push(format!("{item} {k}: {} → {}", shown(x.get(k)), shown(y.get(k))));
        }
    }
}

fn diff_items(kind: &str, x: &Items, y: &Items, out: &mut Vec<String>) {
    let yi: HashMap<&String, &Fields> = y.iter().map(|(id, f)| (id, f)).collect();
    let xi: HashSet<&String> = x.iter().map(|(id, _)| id).collect();
    for (id, f) in x {
        match yi.get(id) {
            Some(g) => diff_fields(&format!("{kind} {id}"), f, g, out),
            None => out.push(format!("{kind} {id} removed")),
        }
    }
    for (id, _) in y.iter().filter(|(id, _)| !xi.contains(id)) {
        out.push(format!("{kind} {id} added"));
    }
}

/// What changed from `a` to `b`, one line each ("assignment A-0003 quantity: 2 → 3", "segment SEG-… added").
pub fn diff(a: &Plan, b: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    if a.border.line() != b.border.line() {
        out.push(format!(
            "border: a line of {} vertices → a line of {} vertices",
            a.border.line().0.len(),
            b.border.line().0.len()
        ));
    }
    diff_items("segment", &segment_items(&a.segments), &segment_items(&b.segments), &mut out);
    diff_items("outpost", &outpost_items(&a.outposts), &outpost_items(&b.outposts), &mut out);
    diff_items("equipment", &catalog_items(&a.catalog), &catalog_items(&b.catalog), &mut out);
    diff_items("assignment", &assignment_items(a), &assignment_items(b), &mut out);
    let meta = |m: &PlanMeta| {
        let mut f = meta_fields(m);
        f.insert("modified".into(), json!(m.modified));
        f
    };
    diff_fields("plan details", &meta(&a.meta), &meta(&b.meta), &mut out);
    diff_items("file member", &members_items(a, true), &members_items(b, true), &mut out);
    out
}
