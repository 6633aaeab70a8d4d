//! Sharing one block between two threads: the rest of the block is cut at guessed feature starts into chunks
//! (about [`CHUNKS_PER_BLOCK`] of them), which the caller's thread and a [`Helper`] thread take in turn, so
//! neither waits long for the other whatever the features cost. Each chunk is parsed into a [`Builder`] of its
//! own. The guesses are checked in file order afterwards: a chunk's work is kept only when the work before it
//! arrived exactly at its start; from the first guess that was wrong (a look-alike inside a feature) the rest of
//! the block is read again on the caller's thread.
//!
//! The helper lives for the whole import and waits for the next block spinning for a moment before it sleeps:
//! a thread started per block can take a millisecond or two to run on a virtual machine's idle CPU, as long as
//! parsing a block takes. With one CPU there is no helper (`two_cpus` in the parent module).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError};
use std::time::{Duration, Instant};

use crate::io::room::prefault;

use super::{Builder, Expect, ImportOptions, Run, Stop, run};

/// How many chunks a full block is cut into.
pub(super) const CHUNKS_PER_BLOCK: usize = 16;

/// How long a thread waiting for the other spins before it sleeps. Short: where the two threads share a CPU
/// (a busy host, the window's own drawing), every moment spent spinning is taken from the thread it waits for.
/// Spinning 3 ms instead of 0.1 ms made the points file 1.45× slower with both threads held on one CPU and
/// 1.17× slower with another process busy; on two idle CPUs they took about the same time (bench/README.md).
const SPIN: Duration = Duration::from_micros(100);

/// Chunks parsed by one thread: (chunk number, outcome).
type Parts = Vec<(usize, Run)>;

/// One block's chunks, for the helper.
struct Job {
    buf: Arc<Vec<u8>>,
    pos: usize,
    starts: Arc<Vec<usize>>,
    last: bool,
    next: Arc<AtomicUsize>,
    /// The reserved memory the caller will fill with this block's features, `(address, bytes)`: mapped by the
    /// helper before it takes chunks ([`prefault`]).
    ahead: Ahead,
}

/// Parts of the layer's reserved arrays, `(address, bytes)`.
pub(super) type Ahead = [(usize, usize); 4];

/// The helper thread of one import: takes chunks of each block the caller's thread shares.
pub(super) struct Helper {
    jobs: SyncSender<Job>,
    parts: Receiver<Parts>,
    /// A job of mapping pages only was sent and its (empty) answer not taken yet.
    mapping: bool,
}

impl Helper {
    /// Starts the helper in `scope`; it ends when the returned handle is dropped.
    pub(super) fn start<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        opts: &'scope ImportOptions<'scope>,
    ) -> Self {
        let (jobs, job_rx) = std::sync::mpsc::sync_channel::<Job>(1);
        let (parts_tx, parts) = std::sync::mpsc::sync_channel::<Parts>(1);
        scope.spawn(move || {
            while let Some(job) = spin_recv(&job_rx) {
                // The pages this block's features will be joined into are mapped first, while the caller parses
                // the block's first chunk: the caller then joins without a page fault.
                for (addr, bytes) in job.ahead {
                    prefault(addr, bytes);
                }
                let done = take_chunks(&job.buf, job.pos, &job.starts, job.last, &job.next, opts);
                drop(job);
                if parts_tx.send(done).is_err() {
                    return;
                }
            }
        });
        Self { jobs, parts, mapping: false }
    }

    /// Has the helper map the pages of `ahead` while the caller goes on (a job without chunks: the growing
    /// buffer of a feature cut by block ends, whose next block is read into fresh pages). Waits for the last
    /// such job first.
    pub(super) fn map_ahead(&mut self, ahead: Ahead) {
        self.wait_mapped();
        let job = Job {
            buf: Arc::new(Vec::new()),
            pos: 0,
            starts: Arc::new(Vec::new()),
            last: false,
            next: Arc::new(AtomicUsize::new(1)),
            ahead,
        };
        self.mapping = self.jobs.send(job).is_ok();
    }

    /// Waits for the helper to finish mapping pages, if it was asked to ([`Helper::map_ahead`]).
    pub(super) fn wait_mapped(&mut self) {
        if std::mem::take(&mut self.mapping) {
            // Its answer holds no chunks; a helper that is gone has nothing more to map.
            let _ = spin_recv(&self.parts);
        }
    }
}

/// The next message, spinning for [`SPIN`] before sleeping; `None` once the sender is gone.
fn spin_recv<T>(rx: &Receiver<T>) -> Option<T> {
    let started = Instant::now();
    for turn in 0_u32.. {
        match rx.try_recv() {
            Ok(message) => return Some(message),
            Err(TryRecvError::Disconnected) => return None,
            // The clock is read every 64 turns only.
            Err(TryRecvError::Empty) if turn % 64 != 0 || started.elapsed() < SPIN => std::hint::spin_loop(),
            Err(TryRecvError::Empty) => break,
        }
    }
    rx.recv().ok()
}

/// Parses the chunks not yet taken (chunk `k` starts at `starts[k - 1]` and ends at the first element starting
/// at or beyond `starts[k]`).
fn take_chunks(
    buf: &[u8],
    pos: usize,
    starts: &[usize],
    last: bool,
    next: &AtomicUsize,
    opts: &ImportOptions<'_>,
) -> Parts {
    let mut done = Vec::new();
    loop {
        let k = next.fetch_add(1, Ordering::Relaxed);
        if k > starts.len() {
            return done;
        }
        let start = starts.get(k.wrapping_sub(1)).copied().unwrap_or(pos);
        let limit = starts.get(k).copied().unwrap_or(usize::MAX);
        done.push((k, run(buf, start, Expect::Element, limit, last, Builder::default(), 0, opts)));
    }
}

/// Feature starts guessed in `buf` after `pos`, about `chunk_bytes` apart: just after each occurrence of the
/// learned `pattern` (its first `separator` bytes are the separator between two features). Strictly increasing.
pub(super) fn guess_starts(buf: &[u8], pos: usize, pattern: &[u8], separator: usize, chunk_bytes: usize) -> Vec<usize> {
    let mut starts = Vec::new();
    let finder = memchr::memmem::Finder::new(pattern);
    let mut from = pos;
    while let Some(target) = from.checked_add(chunk_bytes.max(1))
        && target < buf.len()
    {
        let Some(found) = buf.get(target..).and_then(|rest| finder.find(rest)) else { break };
        let start = target + found + separator;
        if start >= buf.len() {
            break;
        }
        starts.push(start);
        from = start;
    }
    starts
}

/// Parses the elements of `buf` from `pos` (where `expect` holds) in chunks cut at `starts`, on the caller's
/// thread and one helper, and joins the chunks whose start was a real feature start. The outcome is the one
/// [`run`] from `pos` to the end would give. `out` and `first_index` are as for [`run`].
#[allow(clippy::too_many_arguments)]
pub(super) fn run_chunks(
    buf: &Arc<Vec<u8>>,
    pos: usize,
    expect: Expect,
    starts: Vec<usize>,
    last: bool,
    out: Builder,
    first_index: usize,
    opts: &ImportOptions<'_>,
    helper: &mut Helper,
    ahead: Ahead,
) -> Run {
    helper.wait_mapped();
    let starts = Arc::new(starts);
    let next = Arc::new(AtomicUsize::new(1));
    let job = Job { buf: Arc::clone(buf), pos, starts: Arc::clone(&starts), last, next: Arc::clone(&next), ahead };
    let shared = helper.jobs.send(job).is_ok();
    let first = run(buf, pos, expect, starts.first().copied().unwrap_or(usize::MAX), last, out, first_index, opts);
    let mut parts = take_chunks(buf, pos, &starts, last, &next, opts);
    // Chunks the helper took and did not deliver (it cannot fail, but if it did) are read again below.
    if shared {
        parts.extend(spin_recv(&helper.parts).unwrap_or_default());
    }
    parts.sort_unstable_by_key(|(k, _)| *k);
    let mut joined = first;
    let mut parts = parts.into_iter();
    for (k, &start) in starts.iter().enumerate() {
        if joined.stop != Stop::Reached {
            // The array ended, or the data ran out, before this guess: the later chunks are not features.
            return joined;
        }
        let part = parts.find(|(j, _)| *j == k + 1).map(|(_, part)| part);
        match part {
            Some(part) if joined.pos == start => {
                joined.out.append(part.out, first_index + joined.elements);
                joined.elements += part.elements;
                joined.pos = part.pos;
                joined.expect = part.expect;
                joined.stop = part.stop;
            }
            _ => {
                // Not a feature start after all: the caller's thread reads on by itself from where it is.
                let again = run(
                    buf,
                    joined.pos,
                    joined.expect,
                    usize::MAX,
                    last,
                    joined.out,
                    first_index + joined.elements,
                    opts,
                );
                return Run { elements: joined.elements + again.elements, first_two: joined.first_two, ..again };
            }
        }
    }
    joined
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn point_feature(x: u32, extra: &str) -> String {
        format!(
            r#"{{"type":"Feature"{extra},"properties":{{"x":{x}}},"geometry":{{"type":"Point","coordinates":[{x},2]}}}}"#
        )
    }

    #[test]
    fn chunks_cut_at_true_and_false_guesses_give_what_one_run_gives() {
        // Every fourth feature carries look-alikes of feature starts in a foreign member.
        let children = format!(r#","children":[{},{}]"#, point_feature(7, ""), point_feature(8, ""));
        let text_of = |offset: u32| {
            let features: Vec<String> =
                (0..40).map(|i| point_feature(offset + i, if i % 4 == 1 { &children } else { "" })).collect();
            Arc::new(format!("{}]", features.join(",")).into_bytes())
        };
        // Two blocks of different features, read one after the other by the same helper.
        let bufs = [text_of(0), text_of(1000)];
        let opts = ImportOptions::default();
        let wholes =
            bufs.clone().map(|buf| run(&buf, 0, Expect::FirstOrEnd, usize::MAX, true, Builder::default(), 0, &opts));
        for whole in &wholes {
            assert_eq!((whole.stop, whole.elements), (Stop::ArrayEnd, 40));
        }
        let pattern = br#",{"type":"Feature""#;
        for chunk_bytes in [1, 40, 97, 300, 1000, 5000] {
            let starts = bufs.clone().map(|buf| guess_starts(&buf, 0, pattern, 1, chunk_bytes));
            assert!(starts.iter().all(|s| s.windows(2).all(|w| w[0] < w[1])), "strictly increasing");
            let joined = std::thread::scope(|scope| {
                let mut helper = Helper::start(scope, &opts);
                // A job of mapping pages only, still unanswered: its empty answer is not taken for the first
                // block's chunks, and the first block's chunks not for the second's.
                let spare: Vec<u8> = Vec::with_capacity(1 << 16);
                helper.map_ahead([(spare.as_ptr() as usize, 1 << 16), (0, 0), (0, 0), (0, 0)]);
                [0, 1].map(|b| {
                    run_chunks(
                        &bufs[b],
                        0,
                        Expect::FirstOrEnd,
                        starts[b].clone(),
                        true,
                        Builder::default(),
                        0,
                        &opts,
                        &mut helper,
                        Ahead::default(),
                    )
                })
            });
            let xs =
                |run: &Run| -> Vec<String> { run.out.features.iter().map(|f| format!("{:?}", f.geometry)).collect() };
            for (joined, whole) in joined.iter().zip(&wholes) {
                assert_eq!((joined.stop, joined.pos, joined.elements), (whole.stop, whole.pos, 40), "{chunk_bytes}");
                assert_eq!(xs(joined), xs(whole), "chunks of {chunk_bytes} bytes");
                assert_eq!(joined.out.properties, whole.out.properties);
            }
        }
    }
}
