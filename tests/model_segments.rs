#![allow(clippy::expect_used, clippy::unwrap_used)]
//! Segments: the default segmentation of the bundled border and the invariants of split / merge.

use approx::assert_abs_diff_eq;
use borderplan::io::bundled;
use borderplan::model::segments::{KM_EPS, MIN_SEGMENT_KM};
use borderplan::model::{SegmentError, Segmentation};
use proptest::prelude::*;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The bundled border's length and its default segmentation (computed once: it samples the regions).
static DEFAULT: LazyLock<(f64, Segmentation)> = LazyLock::new(|| {
    let border = bundled::border().expect("bundled border");
    let regions = bundled::regions().expect("bundled regions");
    let seg = Segmentation::default_for(&border, &regions, bundled::DEFAULT_MAX_SEGMENT_KM);
    (border.length_km(), seg)
});

const TAJIK_BORDER_REGIONS: [&str; 2] = ["Khatlon", "Gorno-Badakhshan"];
/// West to east along the Panj.
const AFGHAN_BORDER_PROVINCES: [&str; 4] = ["Balkh", "Kunduz", "Takhar", "Badakhshan"];

fn assert_is_exact_partition(s: &Segmentation, length_km: f64) {
    s.check_partition(length_km).unwrap_or_else(|e| panic!("{e}"));
    let ids: HashSet<&str> = s.segments().iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids.len(), s.len(), "segment ids must be unique");
    let total: f64 = s.segments().iter().map(|x| x.length_km()).sum();
    assert_abs_diff_eq!(total, length_km, epsilon = 1e-6);
    assert_eq!(s.segments()[0].from_km, 0.0);
    assert_abs_diff_eq!(s.segments()[s.len() - 1].to_km, length_km, epsilon = 1e-9);
}

#[derive(Debug, Clone)]
enum Op {
    /// Split at a fraction of the border length.
    Split(f64),
    /// Split close to the boundary after segment `index % len`, at `offset` km from it (often too close).
    SplitNearBoundary(usize, f64),
    /// Merge segment `index % len` with its eastern neighbour.
    Merge(usize),
    /// Merge a segment id that does not exist.
    MergeUnknown,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0.0..1.0f64).prop_map(Op::Split),
        2 => (any::<usize>(), -0.3..0.3f64).prop_map(|(i, o)| Op::SplitNearBoundary(i, o)),
        3 => any::<usize>().prop_map(Op::Merge),
        1 => Just(Op::MergeUnknown),
    ]
}

/// Applies one operation, checking what it did (or that a failure changed nothing).
fn apply(s: &mut Segmentation, op: &Op, length_km: f64) {
    let before = s.clone();
    match op {
        Op::Split(f) => split_and_check(s, f * length_km, length_km, &before),
        Op::SplitNearBoundary(i, off) => {
            let km = s.segments()[i % s.len()].to_km + off;
            split_and_check(s, km, length_km, &before);
        }
        Op::Merge(i) => {
            let idx = i % s.len();
            let id = s.segments()[idx].id.clone();
            match s.merge_with_next(&id) {
                Ok(removed) => {
                    assert_eq!(removed, before.segments()[idx + 1].id);
                    assert_eq!(s.len(), before.len() - 1);
                    assert_eq!(s.segments()[idx].id, id);
                    assert_eq!(s.segments()[idx].from_km, before.segments()[idx].from_km);
                    assert_eq!(s.segments()[idx].to_km, before.segments()[idx + 1].to_km);
                    assert!(s.get(&removed).is_none());
                }
                Err(e) => {
                    assert_eq!(e, SegmentError::NoNeighbour(id));
                    assert_eq!(idx, before.len() - 1, "only the last segment has no eastern neighbour");
                    assert_eq!(*s, before);
                }
            }
        }
        Op::MergeUnknown => {
            assert_eq!(s.merge_with_next("NO-SUCH-SEGMENT"), Err(SegmentError::Unknown("NO-SUCH-SEGMENT".into())));
            assert_eq!(*s, before);
        }
    }
}

fn split_and_check(s: &mut Segmentation, km: f64, length_km: f64, before: &Segmentation) {
    match s.split_at(km, length_km) {
        Ok((west, east)) => {
            assert_eq!(s.len(), before.len() + 1);
            assert!(before.get(&west).is_some(), "the western part keeps its id");
            assert!(before.get(&east).is_none(), "the eastern part gets a fresh id");
            let w = s.get(&west).expect("west part");
            let e = s.get(&east).expect("east part");
            assert_eq!(w.to_km, km);
            assert_eq!(e.from_km, km);
            assert!(w.length_km() >= MIN_SEGMENT_KM && e.length_km() >= MIN_SEGMENT_KM);
            let old = before.get(&west).expect("old segment");
            assert_eq!((w.from_km, e.to_km), (old.from_km, old.to_km));
            assert_eq!((&e.tajik_region, &e.afghan_province), (&old.tajik_region, &old.afghan_province));
        }
        Err(SegmentError::OutOfRange { .. }) => {
            assert!(km <= 0.0 || km >= length_km, "km {km} is inside the border but was refused as out of range");
            assert_eq!(*s, *before);
        }
        Err(SegmentError::TooClose { .. }) => {
            let seg = before.segments().iter().find(|x| x.contains_km(km)).expect("a segment contains km");
            assert!(km - seg.from_km < MIN_SEGMENT_KM || seg.to_km - km < MIN_SEGMENT_KM);
            assert_eq!(*s, *before);
        }
        Err(other) => panic!("unexpected split error at km {km}: {other}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn any_sequence_of_splits_and_merges_on_the_default_segmentation_keeps_an_exact_partition(
        ops in prop::collection::vec(op(), 0..=30)
    ) {
        let (length, default) = &*DEFAULT;
        let mut s = default.clone();
        for op in &ops {
            apply(&mut s, op, *length);
            assert_is_exact_partition(&s, *length);
        }
    }

    #[test]
    fn any_sequence_of_splits_and_merges_on_a_single_segment_keeps_an_exact_partition(
        ops in prop::collection::vec(op(), 0..=30)
    ) {
        let length = DEFAULT.0;
        let mut s = Segmentation::single(length);
        assert_is_exact_partition(&s, length);
        for op in &ops {
            apply(&mut s, op, length);
            assert_is_exact_partition(&s, length);
        }
    }
}

#[test]
fn the_default_segmentation_is_an_exact_partition_of_the_bundled_border() {
    let (length, s) = &*DEFAULT;
    assert_is_exact_partition(s, *length);
    assert!(s.len() > 1);
}

#[test]
fn every_default_segment_is_at_most_25_km_long() {
    let (_, s) = &*DEFAULT;
    for seg in s.segments() {
        assert!(
            seg.length_km() <= bundled::DEFAULT_MAX_SEGMENT_KM + KM_EPS,
            "{} is {:.3} km long",
            seg.id,
            seg.length_km()
        );
        assert!(seg.length_km() >= MIN_SEGMENT_KM, "{} is only {:.3} km long", seg.id, seg.length_km());
    }
}

#[test]
fn the_default_segments_name_only_the_six_border_provinces() {
    let (_, s) = &*DEFAULT;
    for seg in s.segments() {
        assert!(
            TAJIK_BORDER_REGIONS.contains(&seg.tajik_region.as_str()),
            "{}: Tajik region {:?}",
            seg.id,
            seg.tajik_region
        );
        assert!(
            AFGHAN_BORDER_PROVINCES.contains(&seg.afghan_province.as_str()),
            "{}: Afghan province {:?}",
            seg.id,
            seg.afghan_province
        );
        assert!(
            seg.name.starts_with(&format!("{} / {}", seg.tajik_region, seg.afghan_province)),
            "{}: name {:?}",
            seg.id,
            seg.name
        );
    }
    let tajik: HashSet<&str> = s.segments().iter().map(|x| x.tajik_region.as_str()).collect();
    assert_eq!(tajik, HashSet::from(TAJIK_BORDER_REGIONS));
}

#[test]
fn the_default_segmentation_has_a_boundary_wherever_the_afghan_province_changes() {
    let (_, s) = &*DEFAULT;
    // Provinces in the order the segments meet them, west to east, without repeats.
    let mut order: Vec<&str> = Vec::new();
    for seg in s.segments() {
        if order.last() != Some(&seg.afghan_province.as_str()) {
            order.push(&seg.afghan_province);
        }
    }
    assert_eq!(order, AFGHAN_BORDER_PROVINCES, "each Afghan border province is met once, in west-to-east order");
    let changes: Vec<f64> =
        s.segments().windows(2).filter(|w| w[0].afghan_province != w[1].afghan_province).map(|w| w[0].to_km).collect();
    assert_eq!(changes.len(), 3);
    // No segment straddles a change: the segments on either side of it carry different provinces.
    for km in changes {
        let west = s.segments().iter().find(|x| (x.to_km - km).abs() < KM_EPS).expect("segment ending at the change");
        let east =
            s.segments().iter().find(|x| (x.from_km - km).abs() < KM_EPS).expect("segment starting at the change");
        assert_ne!(west.afghan_province, east.afghan_province);
    }
}

#[test]
fn splits_out_of_range_or_too_close_leave_the_segmentation_unchanged() {
    let (length, default) = &*DEFAULT;
    let mut s = default.clone();
    for km in [-1.0, 0.0, *length, length + 1.0, f64::NAN, f64::INFINITY] {
        let e = s.split_at(km, *length).expect_err("out of range");
        assert!(matches!(e, SegmentError::OutOfRange { .. }), "km {km}: {e}");
        assert_eq!(s, *default);
    }
    let boundary = s.segments()[0].to_km;
    for km in [boundary - MIN_SEGMENT_KM / 2.0, boundary + MIN_SEGMENT_KM / 2.0, 0.05, length - 0.05] {
        assert_eq!(s.split_at(km, *length), Err(SegmentError::TooClose { km, min: MIN_SEGMENT_KM }), "km {km}");
        assert_eq!(s, *default);
    }
}

#[test]
fn a_split_then_a_merge_restores_the_segment_bounds() {
    let (length, default) = &*DEFAULT;
    let mut s = default.clone();
    let (west, east) = s.split_at(10.0, *length).expect("split");
    assert_eq!(west, "SEG-001");
    // A collision-free id (two planners splitting their copies do not both make SEG-058).
    assert!(east.starts_with("SEG-") && default.get(&east).is_none(), "{east}");
    assert_eq!(s.get(&east).map(|seg| seg.from_km), Some(10.0));
    assert_eq!(s.segments()[1].name, "Khatlon / Balkh 1 (east of km 10.0)");
    let removed = s.merge_with_next(&west).expect("merge");
    assert_eq!(removed, east);
    assert_eq!(s, *default);
}
