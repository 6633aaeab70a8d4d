//! The session's message log: every message the status bar showed since the window opened (imports, saves,
//! exports, database results, errors), with its time, so that one message never hides another (View › Messages,
//! or a click on the status bar's message).

use std::collections::VecDeque;

/// Messages kept; the oldest go first beyond this (a day of work is a few hundred).
pub const LOG_CAPACITY: usize = 5_000;

/// One message of the log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// Wall-clock time, `HH:MM:SS` (local time where the system says it, else UTC with " UTC").
    pub time: String,
    pub text: String,
    pub error: bool,
}

/// The messages since the window opened, oldest first.
#[derive(Debug, Clone)]
pub struct MessageLog {
    entries: VecDeque<LogEntry>,
    /// The local offset, read once (the system may not tell it later, once threads run).
    offset: Option<time::UtcOffset>,
    /// Messages dropped off the front (beyond [`LOG_CAPACITY`]).
    pub dropped: usize,
}

impl Default for MessageLog {
    fn default() -> Self {
        Self { entries: VecDeque::new(), offset: time::UtcOffset::current_local_offset().ok(), dropped: 0 }
    }
}

impl MessageLog {
    /// Adds a message stamped with the time now.
    pub fn push(&mut self, text: &str, error: bool) {
        let now = time::OffsetDateTime::now_utc();
        let time = match self.offset {
            Some(o) => {
                let t = now.to_offset(o);
                format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
            }
            None => format!("{:02}:{:02}:{:02} UTC", now.hour(), now.minute(), now.second()),
        };
        self.entries.push_back(LogEntry { time, text: text.to_owned(), error });
        while self.entries.len() > LOG_CAPACITY {
            self.entries.pop_front();
            self.dropped += 1;
        }
    }

    /// The messages, oldest first.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &LogEntry> + ExactSizeIterator {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many of the messages are errors.
    pub fn errors(&self) -> usize {
        self.entries.iter().filter(|e| e.error).count()
    }

    /// The whole log as text, one message a line (for the clipboard).
    pub fn text(&self) -> String {
        self.entries
            .iter()
            .map(|e| format!("{} {}{}", e.time, if e.error { "ERROR " } else { "" }, e.text))
            .collect::<Vec<_>>()
            .join("\n")
    }
}
