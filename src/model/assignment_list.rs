//! The plan's assignments in plan order, indexed by id and by target so that loading, edits and lookups stay
//! linear in the plan's size (a 50,000-row plan must not scan the list for every row).

use super::plan::{Assignment, Target};
use std::collections::HashMap;
use std::ops::Deref;

/// Assignments in plan order with an id index and a target index. Reads go through `Deref<Target =
/// [Assignment]>`; every change goes through a method that keeps the indexes right.
#[derive(Debug, Clone, Default)]
pub struct Assignments {
    list: Vec<Assignment>,
    /// Position of each id in `list` (the first one, should an id occur twice).
    by_id: HashMap<String, usize>,
    /// Positions of each target's assignments in `list`, ascending.
    by_target: HashMap<Target, Vec<usize>>,
}

impl PartialEq for Assignments {
    fn eq(&self, other: &Self) -> bool {
        self.list == other.list
    }
}

impl Deref for Assignments {
    type Target = [Assignment];
    fn deref(&self) -> &[Assignment] {
        &self.list
    }
}

impl From<Vec<Assignment>> for Assignments {
    fn from(list: Vec<Assignment>) -> Self {
        let mut out = Self { list, by_id: HashMap::new(), by_target: HashMap::new() };
        out.reindex();
        out
    }
}

impl FromIterator<Assignment> for Assignments {
    fn from_iter<I: IntoIterator<Item = Assignment>>(iter: I) -> Self {
        Self::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl<'a> IntoIterator for &'a Assignments {
    type Item = &'a Assignment;
    type IntoIter = std::slice::Iter<'a, Assignment>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl Assignments {
    pub fn new() -> Self {
        Self::default()
    }

    fn reindex(&mut self) {
        self.by_id.clear();
        self.by_target.clear();
        for i in 0..self.list.len() {
            self.index_one(i);
        }
    }

    fn index_one(&mut self, i: usize) {
        let a = &self.list[i];
        self.by_id.entry(a.id.clone()).or_insert(i);
        self.by_target.entry(a.target.clone()).or_default().push(i);
    }

    /// The assignments as a plain list (plan order).
    pub fn as_slice(&self) -> &[Assignment] {
        &self.list
    }

    pub fn into_vec(self) -> Vec<Assignment> {
        self.list
    }

    /// Position of the assignment with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn by_id(&self, id: &str) -> Option<&Assignment> {
        self.position(id).map(|i| &self.list[i])
    }

    pub fn contains_id(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// The first id that occurs more than once, if any.
    pub fn first_duplicate_id(&self) -> Option<&str> {
        self.list.iter().enumerate().find(|(i, a)| self.by_id.get(&a.id) != Some(i)).map(|(_, a)| a.id.as_str())
    }

    /// Positions of a target's assignments, ascending.
    pub fn positions_for(&self, t: &Target) -> &[usize] {
        self.by_target.get(t).map(Vec::as_slice).unwrap_or(&[])
    }

    /// A target's assignments in plan order.
    pub fn for_target<'a>(&'a self, t: &Target) -> impl Iterator<Item = &'a Assignment> + 'a {
        let list = &self.list;
        self.positions_for(t).iter().map(move |&i| &list[i])
    }

    /// Targets that have at least one assignment, with their assignments' positions (ascending).
    pub fn targets(&self) -> impl Iterator<Item = (&Target, &[usize])> {
        self.by_target.iter().map(|(t, v)| (t, v.as_slice()))
    }

    pub fn push(&mut self, a: Assignment) {
        self.list.push(a);
        self.index_one(self.list.len() - 1);
    }

    pub fn extend(&mut self, items: impl IntoIterator<Item = Assignment>) {
        for a in items {
            self.push(a);
        }
    }

    /// Inserts at `at` (shifting later rows); reindexes unless it is an append.
    pub fn insert(&mut self, at: usize, a: Assignment) {
        if at >= self.list.len() {
            self.push(a);
        } else {
            self.list.insert(at, a);
            self.reindex();
        }
    }

    /// Re-inserts rows at their former positions (ascending), as removed by [`Assignments::remove_where`].
    pub fn restore(&mut self, rows: Vec<(usize, Assignment)>) {
        if rows.is_empty() {
            return;
        }
        let mut old = std::mem::take(&mut self.list).into_iter();
        let mut out = Vec::with_capacity(old.len() + rows.len());
        for (at, a) in rows {
            while out.len() < at {
                match old.next() {
                    Some(b) => out.push(b),
                    None => break,
                }
            }
            out.push(a);
        }
        out.extend(old);
        self.list = out;
        self.reindex();
    }

    /// Removes the rows `remove` accepts and returns them with their former positions (ascending).
    pub fn remove_where(&mut self, mut remove: impl FnMut(&Assignment) -> bool) -> Vec<(usize, Assignment)> {
        let mut removed = Vec::new();
        let old = std::mem::take(&mut self.list);
        let mut kept = Vec::with_capacity(old.len());
        for (i, a) in old.into_iter().enumerate() {
            if remove(&a) { removed.push((i, a)) } else { kept.push(a) }
        }
        self.list = kept;
        if !removed.is_empty() {
            self.reindex();
        }
        removed
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&Assignment) -> bool) {
        self.remove_where(|a| !keep(a));
    }

    pub fn truncate(&mut self, len: usize) {
        if len < self.list.len() {
            self.list.truncate(len);
            self.reindex();
        }
    }

    pub fn clear(&mut self) {
        self.list.clear();
        self.by_id.clear();
        self.by_target.clear();
    }

    /// Replaces the row at `i`; returns the old one. The id index follows a changed id, the target index a
    /// changed target.
    pub fn replace(&mut self, i: usize, a: Assignment) -> Option<Assignment> {
        let slot = self.list.get_mut(i)?;
        let old = std::mem::replace(slot, a);
        let new = &self.list[i];
        if old.id != new.id {
            if self.by_id.get(&old.id) == Some(&i) {
                self.by_id.remove(&old.id);
            }
            self.by_id.entry(new.id.clone()).or_insert(i);
        }
        if old.target != new.target {
            if let Some(v) = self.by_target.get_mut(&old.target) {
                v.retain(|&k| k != i);
                if v.is_empty() {
                    self.by_target.remove(&old.target);
                }
            }
            let v = self.by_target.entry(new.target.clone()).or_default();
            let at = v.partition_point(|&k| k < i);
            v.insert(at, i);
        }
        Some(old)
    }

    /// Changes rows in place through `f`, then rebuilds the indexes (linear): for edits that touch many rows.
    pub fn modify<R>(&mut self, f: impl FnOnce(&mut Vec<Assignment>) -> R) -> R {
        let r = f(&mut self.list);
        self.reindex();
        r
    }

    /// Changes one row in place; the indexes follow.
    pub fn modify_one<R>(&mut self, i: usize, f: impl FnOnce(&mut Assignment) -> R) -> Option<R> {
        let mut a = self.list.get(i)?.clone();
        let r = f(&mut a);
        self.replace(i, a);
        Some(r)
    }

    /// Heap bytes held by the rows and indexes, roughly (strings, note, extra members): for memory budgets.
    pub fn estimated_bytes(&self) -> usize {
        self.list.iter().map(assignment_bytes).sum::<usize>()
            + self.by_id.capacity() * (std::mem::size_of::<(String, usize)>() + 8)
            + self.by_id.keys().map(String::capacity).sum::<usize>()
            + self.by_target.capacity() * (std::mem::size_of::<(Target, Vec<usize>)>() + 8)
            + self.by_target.values().map(|v| v.capacity() * 8).sum::<usize>()
    }
}

/// Bytes an assignment holds, inline and on the heap, roughly.
pub fn assignment_bytes(a: &Assignment) -> usize {
    std::mem::size_of::<Assignment>()
        + a.id.capacity()
        + a.target.id().len()
        + a.equipment_id.capacity()
        + a.supplier.capacity()
        + a.note.capacity()
        + a.extra.iter().map(|(k, v)| k.len() + v.to_string().len() + 32).sum::<usize>()
}
