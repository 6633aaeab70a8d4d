//! Huge lists of positions (`[[x,y],[x,y],…]` over 1 MiB): cut in two and parsed on two threads straight into
//! the coordinate tree.

use super::super::coords::{CoordTree, Filled};
use super::Cursor;

/// From this many bytes a list of positions is cut in two and parsed on two threads.
const PARALLEL_LIST_BYTES: usize = 1 << 20;

/// How many lists of positions were cut in two (each costs a thread start), for the test that keeps this to the
/// huge lists only.
static LIST_SPLITS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many lists of positions this process has cut in two for parsing on two threads so far.
#[must_use]
pub fn list_splits_started() -> u64 {
    LIST_SPLITS.load(std::sync::atomic::Ordering::Relaxed)
}

/// A huge list of positions written compactly (`[[x,y],[x,y],…]`, the cursor at its second `[`, a number next):
/// cut in two at a `],[` ([`cut_list`]), its positions counted (one `]` each), room made for them at the end of
/// `tree`, and each half parsed on its own thread straight into its part of the room, then kept exactly as
/// pushing the positions one by one would have (`CoordTree::keep_filled`). The number of positions, with the
/// cursor after the list; `None` (the cursor and `tree` untouched) when the list is small, not compact, or holds
/// anything but positions of numbers.
pub(super) fn parallel_positions(c: &mut Cursor<'_>, tree: &mut CoordTree, depth: usize) -> Option<u32> {
    let start = c.pos;
    if c.bytes.len().saturating_sub(start) < PARALLEL_LIST_BYTES
        || c.bytes.get(start.checked_sub(1)?..=start) != Some(b"[[".as_slice())
        || !matches!(c.bytes.get(start + 1), Some(b'-' | b'0'..=b'9'))
    {
        return None;
    }
    // The list itself must be long, not the buffer behind it: a ring of a feature of many small rings (a country
    // of islands) ends within its first bytes, and is parsed here on this thread. The search costs what the
    // list's own bytes cost, so every ring of a feature is looked at once.
    if memchr::memmem::find(c.bytes.get(start..start + PARALLEL_LIST_BYTES)?, b"]]").is_some() {
        return None;
    }
    LIST_SPLITS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let Cut { split, end, rooms } = cut_list(c.bytes, start)?;
    let text = c.text;
    let (base, room) = tree.open_positions(rooms[0] + rooms[1]);
    let (first_room, second_room) = room.split_at_mut(rooms[0]);
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| fill_positions(text, split, end, second_room));
        let first = fill_positions(text, start, split - 1, first_room);
        (first, second.join().ok().flatten())
    });
    match (first, second) {
        (Some(first), Some(second)) if first.parsed == rooms[0] && second.parsed == rooms[1] => {
            tree.keep_filled(base, depth + 1, [first, second], rooms);
            c.pos = end + 1;
            Some(u32::try_from(rooms[0] + rooms[1]).unwrap_or(u32::MAX))
        }
        _ => {
            tree.drop_opened(base);
            None
        }
    }
}

/// Where a compact list of positions from `start` is cut in two, where it ends, and the positions in each part.
struct Cut {
    /// The `[` of the second part's first position (the first part ends before the `,` before it).
    split: usize,
    /// The list's closing `]`.
    end: usize,
    rooms: [usize; 2],
}

/// [`Cut`] of the compact list of positions from `start` in `bytes` (compact positions hold no `]]`: the first
/// one closes the list); `None` when it is under [`PARALLEL_LIST_BYTES`]. Most often a huge list is most of what
/// follows it (the feature the buffer was read for): then it is cut at the first `],[` after the middle of what
/// follows, and the two threads each look for the list's end and count the positions in their part. Where the
/// caller's part holds the end, the list is shorter: it is cut at its own middle, on the caller's thread.
fn cut_list(bytes: &[u8], start: usize) -> Option<Cut> {
    let positions_in = |from: usize, to: usize| Some(memchr::memchr_iter(b']', bytes.get(from..to)?).count());
    let split_after =
        |middle: usize, end: usize| Some(middle + memchr::memmem::find(bytes.get(middle..end)?, b"],[")? + 2);
    let guess = start + (bytes.len() - start) / 2;
    // The list's end, once the caller's part was found to hold it.
    let mut end_found = None;
    if let Some(split) = split_after(guess, bytes.len()) {
        let (first, second) = std::thread::scope(|scope| {
            let second = scope.spawn(|| {
                let end = split + memchr::memmem::find(bytes.get(split..)?, b"]]")? + 1;
                Some((end, positions_in(split, end)?))
            });
            // The caller's part: its positions, or (`Err`) the list's end in it.
            let first = match memchr::memmem::find(bytes.get(start..split - 1)?, b"]]") {
                Some(at) => Err(start + at + 1),
                None => Ok(positions_in(start, split - 1)?),
            };
            Some((first, second.join().ok().flatten()))
        })?;
        match (first, second) {
            (Ok(first), Some((end, second))) if end - start >= PARALLEL_LIST_BYTES => {
                return Some(Cut { split, end, rooms: [first, second] });
            }
            (Ok(_), _) => return None,
            (Err(end), _) => end_found = Some(end),
        }
    }
    let end = match end_found {
        Some(end) => end,
        None => start + memchr::memmem::find(bytes.get(start..)?, b"]]")? + 1,
    };
    if end - start < PARALLEL_LIST_BYTES {
        return None;
    }
    let split = split_after(start + (end - start) / 2, end)?;
    Some(Cut { split, end, rooms: [positions_in(start, split - 1)?, positions_in(split, end)?] })
}

/// The positions `[x,y(,z…)]` separated by commas in `text[from..to]`, checked and put into `room` in order;
/// `None` for anything else.
fn fill_positions(
    text: &str,
    from: usize,
    to: usize,
    room: &mut [std::mem::MaybeUninit<geo::Coord<f64>>],
) -> Option<Filled> {
    let text = text.get(..to)?;
    let mut c = Cursor { text, bytes: text.as_bytes(), pos: from };
    let mut filled = Filled::default();
    loop {
        c.skip_ws();
        if c.next()? != b'[' {
            return None;
        }
        let mut numbers = [0.0_f64; 3];
        let mut n_numbers = 0_usize;
        loop {
            c.skip_ws();
            let value = c.number().ok()?;
            if let Some(slot) = numbers.get_mut(n_numbers) {
                *slot = value;
            }
            n_numbers += 1;
            c.skip_ws();
            match c.next()? {
                b',' => {}
                b']' => break,
                _ => return None,
            }
        }
        filled.put(room, numbers, n_numbers);
        c.skip_ws();
        match c.next() {
            None => return Some(filled),
            Some(b',') => {}
            Some(_) => return None,
        }
    }
}
