//! The reserved room of a growing array (a `Vec` or `String`), as plain numbers: for asking the kernel to map
//! the pages a reader is about to fill (`geojson_import`'s block reader).

/// The reserved room of one array: where its used part ends, and how many bytes are used and free after it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Room {
    /// Address of the first free byte.
    pub end_addr: usize,
    /// Bytes in use.
    pub used_bytes: usize,
    /// Bytes reserved and not in use.
    pub spare_bytes: usize,
}

impl Room {
    /// The room of `v`.
    pub fn of<T>(v: &[T], capacity: usize) -> Self {
        let used_bytes = size_of_val(v);
        Self {
            end_addr: v.as_ptr() as usize + used_bytes,
            used_bytes,
            spare_bytes: capacity.saturating_sub(v.len()) * size_of::<T>(),
        }
    }

    /// The part of the free room the next input is likely to fill, `(address, bytes)`, for an input of
    /// `next_input` bytes: `before` is the room before the last input, of `last_input` bytes, was added, and the
    /// next is expected to add as much per byte. What lies beyond the room is left out.
    #[must_use]
    pub fn ahead(self, before: Self, last_input: usize, next_input: usize) -> (usize, usize) {
        let grown = self.used_bytes.saturating_sub(before.used_bytes);
        let likely = (grown as f64 * next_input as f64 / last_input.max(1) as f64) as usize;
        (self.end_addr, likely.min(self.spare_bytes))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn the_room_ahead_grows_with_the_input_as_the_last_input_made_it_grow_within_the_spare_room() {
        let mut v: Vec<u64> = Vec::with_capacity(1000);
        v.extend(0..100);
        let before = Room::of(&v, v.capacity());
        v.extend(0..200);
        let now = Room::of(&v, v.capacity());
        assert_eq!(now.used_bytes, 300 * 8);
        assert_eq!(now.spare_bytes, (v.capacity() - 300) * 8);
        let end = v.as_ptr() as usize + 300 * 8;
        assert_eq!(now.ahead(before, 1000, 1000), (end, 200 * 8));
        assert_eq!(now.ahead(before, 1000, 250), (end, 50 * 8), "a shorter input adds less");
        assert_eq!(now.ahead(before, 0, 0), (end, 0));
        v.extend(0..600);
        let later = Room::of(&v, v.capacity());
        assert_eq!(later.ahead(now, 1000, 1000).1, later.spare_bytes, "no more than the spare room");
    }
}
