//! Assignment ids that do not collide across planners.
//!
//! Two planners working on copies of the same plan used to both create `A-0129` (the next number after the
//! highest in their copy). New ids are `A-TTTTTT-RRRRR`: six Crockford base-32 characters of the seconds since
//! 2025-01-01 (so ids sort by creation time, and last until 2059) and five of a random start (25 bits) that each
//! id of one batch counts up from. Two ids collide only if they are made in the same second *and* the random
//! parts meet (about 3 in a million for two batches of 50 in the same second); within one plan a clash with an
//! existing id is skipped. Ids already in a plan (`A-0001`, …) are kept as they are. The eastern part of a split
//! segment gets an id of the same kind (`SEG-…`), so splits made by two planners merge too.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// Crockford's base-32 alphabet (no I, L, O, U): readable, and in ASCII order.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 2025-01-01T00:00:00Z in Unix seconds.
const EPOCH_UNIX_S: u64 = 1_735_689_600;
const RANDOM_BITS: u32 = 25;

fn base32(mut value: u64, digits: usize) -> String {
    let mut out = vec![b'0'; digits];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(value & 31) as usize];
        value >>= 5;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A random 64-bit number from the standard library's per-process random hash keys, the clock and a counter
/// (no random-number crate needed; ids need uniqueness, not secrecy).
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    h.write_u128(nanos);
    h.write_u32(std::process::id());
    h.finish()
}

fn seconds_since_epoch() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs().saturating_sub(EPOCH_UNIX_S))
        .unwrap_or(0)
}

/// `n` new assignment ids, none of them in `taken` and all different.
pub fn new_assignment_ids(n: usize, taken: impl Fn(&str) -> bool) -> Vec<String> {
    new_ids("A-", n, taken)
}

/// `n` new ids `PREFIX` + time + random (as for assignments; segments made by a split use `SEG-`).
pub fn new_ids(prefix: &str, n: usize, taken: impl Fn(&str) -> bool) -> Vec<String> {
    let time = base32(seconds_since_epoch() & ((1 << 30) - 1), 6);
    let mask = (1u64 << RANDOM_BITS) - 1;
    let mut next = random_u64() & mask;
    let mut out = Vec::with_capacity(n);
    let mut made = HashSet::with_capacity(n);
    while out.len() < n {
        let id = format!("{prefix}{time}-{}", base32(next, 5));
        next = (next + 1) & mask;
        if !taken(&id) && made.insert(id.clone()) {
            out.push(id);
        }
    }
    out
}

/// True for the ids [`new_assignment_ids`] makes (`A-` six characters `-` five characters).
pub fn is_new_style_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("A-") else { return false };
    let b = rest.as_bytes();
    b.len() == 12 && b[6] == b'-' && b.iter().enumerate().all(|(i, c)| i == 6 || ALPHABET.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_of_ids_is_all_different_and_skips_taken_ones() {
        let first = new_assignment_ids(1, |_| false);
        let taken = first[0].clone();
        let ids = new_assignment_ids(500, |id| id == taken);
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 500);
        assert!(!ids.contains(&taken));
        assert!(ids.iter().all(|id| is_new_style_id(id)), "{:?}", &ids[..3]);
    }

    #[test]
    fn base32_keeps_the_order_of_numbers() {
        let a = base32(31, 6);
        let b = base32(32, 6);
        assert_eq!((a.as_str(), b.as_str()), ("00000Z", "000010"));
        assert!(a < b);
    }
}
