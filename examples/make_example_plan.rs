//! Generates `data/example-plan.geojson` from the bundled data: `cargo run --example make_example_plan`.
//!
//! A deterministic, realistic-looking plan: stage-2 equipment at ten outposts (2026–27), stage-3 radar coverage
//! of most of the border (2027–29) with deliberate gaps in the Wakhan and upper Pamir so coverage gaps show.

use borderplan::io::{bundled, plan_file};
use borderplan::model::{Assignment, Quarter, Stage, Status, Target};
use serde_json::Map;

fn main() -> anyhow::Result<()> {
    let regions = bundled::regions()?;
    let mut plan = bundled::new_plan(&regions)?;
    plan.meta.title = "Example rollout plan — stages 2 and 3".into();
    plan.meta.author = "borderplan example generator".into();
    plan.meta.created = "2026-11-22T00:00:00Z".into();
    plan.meta.modified = "2026-11-22T00:00:00Z".into();
    plan.meta.extra.insert("note".into(), "Illustrative example on sample outposts; not a real deployment.".into());
    let suppliers = ["Russia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Tajikistan"];
    let mut n = 0u32;
    let mut add = |plan: &mut borderplan::model::Plan,
                   target: Target,
                   eq: &str,
                   qty: f64,
                   stage: Stage,
                   supplier: &str,
                   quarter: Quarter,
                   status: Status,
                   note: &str| {
        n += 1;
        plan.assignments.push(Assignment {
            id: format!("A-{n:04}"),
            target,
            equipment_id: eq.into(),
            quantity: qty,
            stage,
            supplier: supplier.into(),
            quarter,
            status,
            note: note.into(),
            extra: Map::new(),
        });
    };
    // Stage 2: ten selected outposts, every third one.
    let outposts: Vec<_> = plan.outposts.iter().map(|o| o.id.clone()).collect();
    for (k, id) in outposts.iter().step_by(3).take(10).enumerate() {
        let t = Target::Outpost(id.clone());
        let q = Quarter::from_index(Quarter::new(2026, 2).index() + (k as i32 % 7));
        let supplier = suppliers[k % suppliers.len()];
        let status = if q <= Quarter::new(2026, 3) { Status::Delivered } else { Status::Contracted };
        add(&mut plan, t.clone(), "thermal-tower", 2.0, Stage::Two, supplier, q, status, "Priority crossing point");
        add(&mut plan, t.clone(), "radio-vhf-uhf", 12.0, Stage::Two, "Tajikistan", q, status, "");
        add(
            &mut plan,
            t.clone(),
            "night-vision-goggles",
            20.0,
            Stage::Two,
            suppliers[(k + 1) % suppliers.len()],
            q,
            status,
            "",
        );
        if k % 2 == 0 {
            let later = q.next().min(Stage::Two.window().1);
            add(&mut plan, t.clone(), "patrol-4x4", 2.0, Stage::Two, "Russia", later, Status::Planned, "");
        }
        if k % 3 == 1 {
            add(
                &mut plan,
                t,
                "river-boat",
                1.0,
                Stage::Two,
                "Kazakhstan",
                q.next().min(Stage::Two.window().1),
                Status::Planned,
                "Panj river patrol",
            );
        }
    }
    // Stage 3: radar along most segments, fence and lighting in the Khatlon lowlands.
    // Gaps (km of the bundled border): the Wakhan east of Ishkashim, and the upper Pamir east of Zorkul.
    let segments: Vec<_> = plan.segments.segments().to_vec();
    let length_km = plan.border.length_km();
    for (k, s) in segments.iter().enumerate() {
        let t = Target::Segment(s.id.clone());
        let mid = s.mid_km();
        let gap = (905.0..975.0).contains(&mid) || (1220.0..1300.0).contains(&mid);
        // West to east from 2027 Q3 to 2029 Q4 (the end of the stage-3 window).
        let q = Quarter::from_index(Quarter::new(2027, 3).index() + (mid / length_km * 9.99) as i32);
        if !gap {
            let radars = (s.length_km() / 24.0).ceil().max(1.0);
            add(&mut plan, t.clone(), "ground-radar", radars, Stage::Three, suppliers[k % 4], q, Status::Planned, "");
        }
        if s.tajik_region == "Khatlon" {
            add(
                &mut plan,
                t.clone(),
                "border-fence",
                (s.length_km() * 10.0).round() / 10.0,
                Stage::Three,
                "Belarus",
                q,
                Status::Planned,
                "",
            );
            add(
                &mut plan,
                t,
                "perimeter-lighting",
                (s.length_km() * 0.5 * 10.0).round() / 10.0,
                Stage::Three,
                "Kazakhstan",
                q.next(),
                Status::Planned,
                "Crossing points and villages",
            );
        } else if k % 4 == 0 {
            add(&mut plan, t, "relay-mast", 1.0, Stage::Three, "Russia", q, Status::Planned, "Mountain relay");
        }
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/example-plan.geojson");
    plan_file::save(&plan, &path)?;
    println!(
        "wrote {} ({} segments, {} outposts, {} assignments)",
        path.display(),
        plan.segments.len(),
        plan.outposts.len(),
        plan.assignments.len()
    );
    Ok(())
}
