//! Memory reserved ahead of use. [`Room`]: the reserved room of a growing array (a `Vec` or `String`) as plain
//! numbers; [`prefault`]: asking the kernel to map pages before they are written, in one call instead of a page
//! fault per 4 KiB.
//!
//! The GeoJSON block reader reserves the layer's arrays once for the whole file, and the features of each block
//! are appended to them on the caller's thread when the block's chunks are joined. Every fresh page written
//! there cost the caller a page fault: about 8,000 for 200k points, and joining the blocks took the caller 17 ms
//! of the file's 82. Now its helper thread, at the start of each block and while the caller parses the block's
//! first chunk, maps the pages that block will fill ([`Room::ahead`]); joining takes 5.5 ms.

use std::sync::atomic::{AtomicBool, Ordering};

/// Keeps every block of 256 KiB or more that malloc hands out mapped on its own, and hands it back when freed
/// (glibc's `M_MMAP_THRESHOLD`; nothing elsewhere). glibc's malloc raises its mmap threshold each time a big
/// block is freed; from then on big vectors (import blocks, coordinate lists, layer arrays) come from the heap,
/// grow by copying instead of by `mremap`, and what is freed stays with the process. A fixed threshold gives
/// about 10 % less peak memory on a big import (bench/README.md). The app calls this first thing in `main`; the
/// benchmarks call it too, so that they measure the allocator the app runs with.
pub fn keep_big_blocks_mapped() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets one of malloc's tuning parameters, under malloc's own lock; memory already
    // handed out is not affected.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}

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

/// Set once the kernel refused `MADV_POPULATE_WRITE` (before Linux 5.14): not asked again.
static UNSUPPORTED: AtomicBool = AtomicBool::new(false);

/// Asks the kernel to map the pages of `bytes` bytes from `addr` for writing now, as writes there would, without
/// writing: the contents stay what they are. Any failure (an old kernel, an address no longer mapped) only means
/// the pages are mapped on first write, as without this call.
pub fn prefault(addr: usize, bytes: usize) {
    const PAGE: usize = 4096;
    if bytes < PAGE || UNSUPPORTED.load(Ordering::Relaxed) {
        return;
    }
    let start = addr - addr % PAGE;
    let len = addr.saturating_add(bytes).div_ceil(PAGE).saturating_mul(PAGE) - start;
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: MADV_POPULATE_WRITE only populates page tables ("as if writing to each page", without writing,
        // madvise(2)); it never changes the contents of memory, so it cannot break what another thread reads or
        // writes there. An address range that is not (or no longer) mapped makes the call fail with ENOMEM,
        // which is ignored.
        let done = unsafe { libc::madvise(start as *mut libc::c_void, len, libc::MADV_POPULATE_WRITE) };
        if done != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINVAL) {
            UNSUPPORTED.store(true, Ordering::Relaxed);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = (start, len);
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

    /// How many of the pages wholly inside `bytes` bytes from `addr` are mapped, and how many there are.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn pages_mapped(addr: usize, bytes: usize) -> (usize, usize) {
        const PAGE: usize = 4096;
        let start = addr.div_ceil(PAGE) * PAGE;
        let pages = (addr + bytes - start) / PAGE;
        let mut flags = vec![0_u8; pages];
        // SAFETY: the range is part of a live allocation of the caller's, and `flags` has a byte per page.
        let done = unsafe { libc::mincore(start as *mut libc::c_void, pages * PAGE, flags.as_mut_ptr()) };
        assert_eq!(done, 0, "mincore: {}", std::io::Error::last_os_error());
        (flags.iter().filter(|f| **f & 1 == 1).count(), pages)
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn prefaulting_maps_the_reserved_pages_and_keeps_what_memory_holds() {
        let mut v: Vec<u8> = Vec::with_capacity(8 << 20);
        v.extend((0..5000).map(|i| (i % 251) as u8));
        let room = Room::of(&v, v.capacity());
        let (untouched, pages) = pages_mapped(room.end_addr, room.spare_bytes);
        assert!(pages > 2000 && untouched < 100, "a fresh reservation is not mapped yet ({untouched} pages are)");
        // From inside a page already written, over the rest of the reservation.
        prefault(v.as_ptr() as usize + 10, room.used_bytes + room.spare_bytes - 10);
        let (mapped, _) = pages_mapped(room.end_addr, room.spare_bytes);
        if UNSUPPORTED.load(Ordering::Relaxed) {
            eprintln!("this kernel has no MADV_POPULATE_WRITE (Linux 5.14): nothing was mapped ahead");
        } else {
            assert_eq!(mapped, pages, "every page of the reservation is mapped");
        }
        assert!(v.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8));
        v.extend(std::iter::repeat_n(7, (8 << 20) - 5000));
        assert!(v.iter().skip(5000).all(|b| *b == 7));
    }

    #[test]
    fn prefaulting_addresses_not_mapped_or_too_few_bytes_does_nothing() {
        prefault(8, 1 << 20);
        prefault(usize::MAX - (1 << 20), 1 << 19);
        prefault(usize::MAX, usize::MAX);
        let v = [3_u8; 100];
        prefault(v.as_ptr() as usize, 100);
        assert!(v.iter().all(|b| *b == 3));
    }
}
