//! A static, packed R-tree over rectangles (the Flatbush layout): items sorted along a Hilbert curve through
//! their centres, grouped sixteen to a node, every level stored in one array. Built once per layer in a sort;
//! 36 bytes per item plus about 7 % for the upper levels, against about 100 for a dynamic R-tree.
//!
//! Coordinates are whatever the caller uses (here longitude/latitude in degrees); only comparisons are made.

/// Children per node.
const NODE_SIZE: usize = 16;

/// From this many items the tree is built on two threads.
pub const PARALLEL_MIN_ITEMS: usize = 1 << 15;

/// An axis-aligned rectangle: `[min_x, min_y, max_x, max_y]`.
pub type Bounds = [f64; 4];

/// A packed R-tree of rectangles, each carrying the index of the item it bounds.
#[derive(Debug, Clone, Default)]
pub struct PackedRTree {
    /// Leaf rectangles (in Hilbert order) and then each upper level's, up to the root.
    boxes: Vec<Bounds>,
    /// For a leaf: the item index. For an upper node: the position in `boxes` of its first child.
    indices: Vec<u32>,
    /// End (exclusive) in `boxes` of each level, leaves first.
    level_ends: Vec<usize>,
}

impl PackedRTree {
    /// Builds the tree over items `0..count` whose rectangle `bounds_of` gives (`None`, or a NaN, leaves the
    /// item out). Below [`PARALLEL_MIN_ITEMS`] items the rectangles are collected first; from there on
    /// `bounds_of` is called three times per item and nothing is copied in between, so the only memory needed is
    /// the tree's and sixteen bytes per item for sorting, and the work is shared by two threads.
    #[must_use]
    pub fn build_with(count: usize, bounds_of: impl Fn(usize) -> Option<Bounds> + Sync) -> Self {
        let count = count.min(u32::MAX as usize);
        if count < PARALLEL_MIN_ITEMS {
            // Few items, maybe each of millions of vertices: their rectangles are computed once, not three times.
            let bounds: Vec<Option<Bounds>> = (0..count).map(&bounds_of).collect();
            return Self::build_from(count, |i| bounds.get(i).copied().flatten());
        }
        Self::build_from(count, bounds_of)
    }

    fn build_from(count: usize, bounds_of: impl Fn(usize) -> Option<Bounds> + Sync) -> Self {
        let Some(order) = hilbert_order(count, &bounds_of) else { return Self::default() };
        let total = tree_len(order.len());
        // The sort keys give way to the item numbers before the rectangles are gathered (less memory at once).
        let mut indices: Vec<u32> = Vec::with_capacity(total);
        indices.extend(order.iter().map(|key| (key & 0xFFFF_FFFF) as u32));
        drop(order);
        let mut boxes = Vec::with_capacity(total);
        boxes.resize(indices.len(), [f64::NAN; 4]);
        let gather = |items: &[u32], boxes: &mut [Bounds]| {
            for (i, b) in items.iter().zip(boxes) {
                *b = bounds_of(*i as usize).unwrap_or([f64::NAN; 4]);
            }
        };
        if indices.len() >= PARALLEL_MIN_ITEMS {
            let half = indices.len() / 2;
            let (items_a, items_b) = indices.split_at(half);
            let (boxes_a, boxes_b) = boxes.split_at_mut(half);
            std::thread::scope(|scope| {
                scope.spawn(|| gather(items_b, boxes_b));
                gather(items_a, boxes_a);
            });
        } else {
            gather(&indices, &mut boxes);
        }
        Self::with_leaves(boxes, indices)
    }

    /// The tree over leaves already in Hilbert order (`indices`: the item of each), adding the upper levels.
    fn with_leaves(mut boxes: Vec<Bounds>, mut indices: Vec<u32>) -> Self {
        let mut level_ends = vec![boxes.len()];
        let mut start = 0;
        loop {
            let end = boxes.len();
            let mut pos = start;
            while pos < end {
                let stop = (pos + NODE_SIZE).min(end);
                let union = boxes
                    .get(pos..stop)
                    .unwrap_or_default()
                    .iter()
                    .fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |e, b| {
                        [e[0].min(b[0]), e[1].min(b[1]), e[2].max(b[2]), e[3].max(b[3])]
                    });
                boxes.push(union);
                indices.push(u32::try_from(pos).unwrap_or(u32::MAX));
                pos = stop;
            }
            start = end;
            level_ends.push(boxes.len());
            if boxes.len() - start <= 1 {
                break;
            }
        }
        Self { boxes, indices, level_ends }
    }

    /// Number of items in the tree.
    #[must_use]
    pub fn len(&self) -> usize {
        self.level_ends.first().copied().unwrap_or(0)
    }

    /// True when the tree holds no item.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Items whose rectangle intersects `query` (touching counts), in no particular order, with their rectangles.
    #[must_use]
    pub fn search(&self, query: Bounds) -> Search<'_> {
        let top = self.level_ends.len().saturating_sub(1);
        let root = self.boxes.len().saturating_sub(1);
        let (pos, end) = if self.boxes.is_empty() { (0, 0) } else { (root, root + 1) };
        Search { tree: self, query, stack: Vec::new(), pos, end, level: top }
    }
}

/// Number of boxes in a tree of `leaves` leaves (every level up to the root).
fn tree_len(leaves: usize) -> usize {
    let mut total = leaves;
    let mut n = leaves;
    while n > 1 {
        n = n.div_ceil(NODE_SIZE);
        total += n;
    }
    total.max(leaves + 1)
}

/// The items with a valid rectangle (no NaN) as sort keys `hilbert << 32 | item`, sorted along the Hilbert curve
/// through the rectangles' centres; `None` when no item has one. Large inputs are keyed and sorted in two halves
/// on two threads, then merged.
fn hilbert_order(count: usize, bounds_of: &(impl Fn(usize) -> Option<Bounds> + Sync)) -> Option<Vec<u64>> {
    let valid = |b: &Bounds| b.iter().all(|v| !v.is_nan());
    let mut extent = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    let mut leaves = 0;
    for b in (0..count).filter_map(bounds_of).filter(valid) {
        extent = [extent[0].min(b[0]), extent[1].min(b[1]), extent[2].max(b[2]), extent[3].max(b[3])];
        leaves += 1;
    }
    if leaves == 0 {
        return None;
    }
    let scale = |v: f64, lo: f64, hi: f64| {
        let span = hi - lo;
        if span > 0.0 && span.is_finite() { (((v - lo) / span) * 65535.0).clamp(0.0, 65535.0) as u32 } else { 0 }
    };
    // Keys of items without a valid rectangle sort last and are cut off.
    let key_of = |i: usize| match bounds_of(i).filter(valid) {
        Some(b) => {
            let x = scale((b[0] + b[2]) / 2.0, extent[0], extent[2]);
            let y = scale((b[1] + b[3]) / 2.0, extent[1], extent[3]);
            (u64::from(hilbert(x, y)) << 32) | i as u64
        }
        None => u64::MAX,
    };
    let mut order: Vec<u64> = vec![0; count];
    if count < PARALLEL_MIN_ITEMS {
        order.iter_mut().enumerate().for_each(|(i, key)| *key = key_of(i));
        order.sort_unstable();
    } else {
        // Two halves keyed and sorted on two threads, then merged by the run-detecting stable sort (the keys are
        // unique, so the order is the unstable sort's).
        let half = count / 2;
        let (a, b) = order.split_at_mut(half);
        let fill = |part: &mut [u64], offset: usize| {
            part.iter_mut().enumerate().for_each(|(i, key)| *key = key_of(offset + i));
            part.sort_unstable();
        };
        std::thread::scope(|scope| {
            scope.spawn(|| fill(b, half));
            fill(a, 0);
        });
        order.sort();
    }
    order.truncate(leaves);
    Some(order)
}

/// The iterator of [`PackedRTree::search`].
#[derive(Debug)]
pub struct Search<'a> {
    tree: &'a PackedRTree,
    query: Bounds,
    /// Nodes still to visit: (position of the first child, level of the children).
    stack: Vec<(usize, usize)>,
    /// The run of boxes being looked at, and its level.
    pos: usize,
    end: usize,
    level: usize,
}

impl<'a> Iterator for Search<'a> {
    type Item = (usize, &'a Bounds);

    fn next(&mut self) -> Option<Self::Item> {
        let q = self.query;
        loop {
            while self.pos < self.end {
                let p = self.pos;
                self.pos += 1;
                let Some(b) = self.tree.boxes.get(p) else { continue };
                if b[0] > q[2] || b[1] > q[3] || b[2] < q[0] || b[3] < q[1] {
                    continue;
                }
                let index = self.tree.indices.get(p).copied().unwrap_or(0) as usize;
                if self.level == 0 {
                    return Some((index, b));
                }
                self.stack.push((index, self.level - 1));
            }
            let (first, level) = self.stack.pop()?;
            let level_end = self.tree.level_ends.get(level).copied().unwrap_or(0);
            self.pos = first;
            self.end = (first + NODE_SIZE).min(level_end);
            self.level = level;
        }
    }
}

/// Position of (`x`, `y`), each in 0..65536, along a Hilbert curve of order 16.
#[must_use]
pub fn hilbert(x: u32, y: u32) -> u32 {
    // Fast Hilbert curve index without loops (public-domain method by rawrunprotected, as used by Flatbush).
    let mut a = x ^ y;
    let mut b = 0xFFFF ^ a;
    let mut c = 0xFFFF ^ (x | y);
    let mut d = x & (y ^ 0xFFFF);

    let mut aa = a | (b >> 1);
    let mut bb = (a >> 1) ^ a;
    let mut cc = ((c >> 1) ^ (b & (d >> 1))) ^ c;
    let mut dd = ((a & (c >> 1)) ^ (d >> 1)) ^ d;

    a = aa;
    b = bb;
    c = cc;
    d = dd;
    aa = (a & (a >> 2)) ^ (b & (b >> 2));
    bb = (a & (b >> 2)) ^ (b & ((a ^ b) >> 2));
    cc ^= (a & (c >> 2)) ^ (b & (d >> 2));
    dd ^= (b & (c >> 2)) ^ ((a ^ b) & (d >> 2));

    a = aa;
    b = bb;
    c = cc;
    d = dd;
    aa = (a & (a >> 4)) ^ (b & (b >> 4));
    bb = (a & (b >> 4)) ^ (b & ((a ^ b) >> 4));
    cc ^= (a & (c >> 4)) ^ (b & (d >> 4));
    dd ^= (b & (c >> 4)) ^ ((a ^ b) & (d >> 4));

    a = aa;
    b = bb;
    c = cc;
    d = dd;
    cc ^= (a & (c >> 8)) ^ (b & (d >> 8));
    dd ^= (b & (c >> 8)) ^ ((a ^ b) & (d >> 8));

    a = cc ^ (cc >> 1);
    b = dd ^ (dd >> 1);

    let mut i0 = x ^ y;
    let mut i1 = b | (0xFFFF ^ (i0 | a));

    i0 = (i0 | (i0 << 8)) & 0x00FF_00FF;
    i0 = (i0 | (i0 << 4)) & 0x0F0F_0F0F;
    i0 = (i0 | (i0 << 2)) & 0x3333_3333;
    i0 = (i0 | (i0 << 1)) & 0x5555_5555;

    i1 = (i1 | (i1 << 8)) & 0x00FF_00FF;
    i1 = (i1 | (i1 << 4)) & 0x0F0F_0F0F;
    i1 = (i1 | (i1 << 2)) & 0x3333_3333;
    i1 = (i1 | (i1 << 1)) & 0x5555_5555;

    (i1 << 1) | i0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::synth::SplitMix64;

    fn brute(items: &[(usize, Bounds)], q: Bounds) -> Vec<usize> {
        let mut v: Vec<usize> = items
            .iter()
            .filter(|(_, b)| !(b[0] > q[2] || b[1] > q[3] || b[2] < q[0] || b[3] < q[1]))
            .map(|(i, _)| *i)
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn searches_find_exactly_the_intersecting_rectangles() {
        let mut rng = SplitMix64(7);
        for count in [0, 1, 2, 15, 16, 17, 255, 256, 257, 5_000, PARALLEL_MIN_ITEMS + 1_001] {
            let items: Vec<(usize, Bounds)> = (0..count)
                .map(|i| {
                    let (x, y) = (rng.range(60.0, 80.0), rng.range(30.0, 40.0));
                    let (w, h) = if i % 3 == 0 { (0.0, 0.0) } else { (rng.range(0.0, 0.5), rng.range(0.0, 0.5)) };
                    (i, [x, y, x + w, y + h])
                })
                .collect();
            let tree = PackedRTree::build_with(items.len(), |i| items.get(i).map(|(_, b)| *b));
            assert_eq!(tree.len(), count);
            for _ in 0..50 {
                let (x, y) = (rng.range(59.0, 81.0), rng.range(29.0, 41.0));
                let q = [x, y, x + rng.range(0.0, 3.0), y + rng.range(0.0, 3.0)];
                let mut found: Vec<usize> = tree.search(q).map(|(i, _)| i).collect();
                found.sort_unstable();
                assert_eq!(found, brute(&items, q), "{count} items, query {q:?}");
            }
        }
    }

    #[test]
    fn rectangles_with_nan_are_left_out_and_identical_points_are_all_found() {
        let mut items = vec![(0, [f64::NAN, 1.0, 2.0, 3.0])];
        items.extend((1..40).map(|i| (i, [5.0, 5.0, 5.0, 5.0])));
        let tree = PackedRTree::build_with(items.len(), |i| items.get(i).map(|(_, b)| *b));
        assert_eq!(tree.len(), 39);
        assert_eq!(tree.search([5.0, 5.0, 5.0, 5.0]).count(), 39);
        assert_eq!(tree.search([0.0, 0.0, 4.9, 4.9]).count(), 0);
    }

    #[test]
    fn the_hilbert_curve_visits_neighbouring_cells_in_turn() {
        // Order-1 corner cells in the curve's order, and a bijection on a small grid.
        assert_eq!(hilbert(0, 0), 0);
        let mut seen: Vec<u32> = (0..64u32).flat_map(|x| (0..64u32).map(move |y| hilbert(x << 10, y << 10))).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 64 * 64);
    }
}
