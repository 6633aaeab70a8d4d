//! The plan summary as `borderplan summary` prints it: readable text or one JSON object.

use crate::io::format::round6 as r6;
use crate::model::summary::{StageSummary, Totals};
use crate::model::{Plan, Summary, summarize};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

fn totals_json(t: &Totals) -> Value {
    json!({"assignments": t.assignments, "quantity": r6(t.quantity), "cost_usd": r6(t.cost_usd)})
}

fn stage_json(s: &StageSummary) -> Value {
    json!({
        "covered_km": r6(s.covered_km),
        "coverage_pct": r6(s.coverage_pct),
        "gaps_km": s.gaps_km.iter().map(|(a, b)| json!([r6(*a), r6(*b)])).collect::<Vec<_>>(),
        "assignments": s.totals.assignments,
        "quantity": r6(s.totals.quantity),
        "cost_usd": r6(s.totals.cost_usd),
    })
}

fn totals_map(m: &BTreeMap<String, Totals>) -> Value {
    Value::Object(m.iter().map(|(k, t)| (k.clone(), totals_json(t))).collect::<Map<_, _>>())
}

/// The summary as the JSON object `borderplan summary --json` prints.
pub fn summary_json(plan: &Plan) -> Value {
    summary_json_of(plan, &summarize(plan))
}

/// As [`summary_json`], for a summary already made (with terrain-aware coverage, say).
pub fn summary_json_of(plan: &Plan, s: &Summary) -> Value {
    json!({
        "title": plan.meta.title,
        "border_length_km": r6(s.border_length_km),
        "official_length_km": r6(s.official_length_km),
        "length_note": s.length_note,
        "total": totals_json(&s.total),
        "stages": Value::Object(s.stages.iter().map(|(k, st)| (k.clone(), stage_json(st))).collect()),
        "by_supplier": totals_map(&s.by_supplier),
        "by_category": totals_map(&s.by_category),
        "by_segment": totals_map(&s.by_segment),
    })
}

fn money(x: f64) -> String {
    let n = x.round().abs() as u64;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    format!("USD {out}")
}

fn qty(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The summary as readable text.
pub fn summary_text(plan: &Plan) -> String {
    summary_text_of(plan, &summarize(plan))
}

/// As [`summary_text`], for a summary already made.
pub fn summary_text_of(plan: &Plan, s: &Summary) -> String {
    let mut t = String::new();
    let line = |t: &mut String, l: String| {
        t.push_str(&l);
        t.push('\n');
    };
    line(&mut t, plan.meta.title.clone());
    line(
        &mut t,
        format!("Border length: {:.1} km in the data, {:.0} km official", s.border_length_km, s.official_length_km),
    );
    line(&mut t, format!("  {}", s.length_note));
    line(
        &mut t,
        format!(
            "Total: {} assignments, quantity {}, cost {}",
            s.total.assignments,
            qty(s.total.quantity),
            money(s.total.cost_usd)
        ),
    );
    for (key, st) in &s.stages {
        t.push('\n');
        line(
            &mut t,
            format!(
                "Stage {key}: {} assignments, quantity {}, cost {}",
                st.totals.assignments,
                qty(st.totals.quantity),
                money(st.totals.cost_usd)
            ),
        );
        let gap_km: f64 = st.gaps_km.iter().map(|(a, b)| b - a).sum();
        line(
            &mut t,
            format!(
                "  coverage at the end of stage {key}: {:.1} km of {:.1} km ({:.1}%), {} gap(s) totalling {:.1} km",
                st.covered_km,
                s.border_length_km,
                st.coverage_pct,
                st.gaps_km.len(),
                gap_km
            ),
        );
        const SHOWN: usize = 12;
        for (a, b) in st.gaps_km.iter().take(SHOWN) {
            line(&mut t, format!("    gap km {a:.1}–{b:.1} ({:.1} km)", b - a));
        }
        if st.gaps_km.len() > SHOWN {
            line(&mut t, format!("    … and {} more (use --json for all)", st.gaps_km.len() - SHOWN));
        }
    }
    let table = |t: &mut String, title: &str, m: &BTreeMap<String, Totals>| {
        t.push('\n');
        t.push_str(title);
        t.push('\n');
        let w = m.keys().map(|k| k.chars().count()).max().unwrap_or(0);
        for (k, v) in m {
            let pad = w.saturating_sub(k.chars().count());
            t.push_str(&format!(
                "  {k}{}  {:>4} assignments  quantity {:>9}  {}\n",
                " ".repeat(pad),
                v.assignments,
                qty(v.quantity),
                money(v.cost_usd)
            ));
        }
    };
    table(&mut t, "By supplier:", &s.by_supplier);
    table(&mut t, "By category:", &s.by_category);
    table(&mut t, "By segment:", &s.by_segment);
    t
}
