//! Programme stages, calendar quarters and their windows.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A calendar quarter such as 2026-Q3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: u16,
    /// 1…4
    pub q: u8,
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error("“{0}” is not a quarter: write it as YYYY-QN, for example 2026-Q3")]
pub struct QuarterParseError(pub String);

impl Quarter {
    pub const fn new(year: u16, q: u8) -> Self {
        Self { year, q }
    }
    /// Quarters counted from 0000-Q1; handy for arithmetic and for charts.
    pub fn index(self) -> i32 {
        i32::from(self.year) * 4 + i32::from(self.q) - 1
    }
    pub fn from_index(i: i32) -> Self {
        let i = i.max(0);
        Self { year: u16::try_from(i / 4).unwrap_or(u16::MAX), q: u8::try_from(i % 4 + 1).unwrap_or(1) }
    }
    pub fn next(self) -> Self {
        Self::from_index(self.index() + 1)
    }
    /// Every quarter from `self` to `last` inclusive.
    pub fn range_to(self, last: Quarter) -> impl Iterator<Item = Quarter> {
        (self.index()..=last.index()).map(Quarter::from_index)
    }
    /// First day of the quarter as an ISO date.
    pub fn start_date(self) -> String {
        format!("{:04}-{:02}-01", self.year, (self.q - 1) * 3 + 1)
    }
    /// Last day of the quarter as an ISO date.
    pub fn end_date(self) -> String {
        let (m, d) = match self.q {
            1 => (3, 31),
            2 => (6, 30),
            3 => (9, 30),
            _ => (12, 31),
        };
        format!("{:04}-{:02}-{:02}", self.year, m, d)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.q)
    }
}

impl FromStr for Quarter {
    type Err = QuarterParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || QuarterParseError(s.to_owned());
        let t = s.trim();
        let (y, q) = t.split_once(['-', ' ']).ok_or_else(err)?;
        let year: u16 = y.parse().map_err(|_| err())?;
        let q = q.trim_start_matches(['Q', 'q']);
        let q: u8 = q.parse().map_err(|_| err())?;
        if !(1..=4).contains(&q) || !(1900..=2200).contains(&year) {
            return Err(err());
        }
        Ok(Self { year, q })
    }
}

impl Serialize for Quarter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quarter {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The three programme stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Stage {
    /// 2025: assessment of what member states can supply, funding, procurement contracts.
    One,
    /// 2026–2027: delivery and deployment at selected border outposts.
    Two,
    /// 2027–2029: implementation along the entire frontier.
    Three,
}

impl TryFrom<u8> for Stage {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        match v {
            1 => Ok(Stage::One),
            2 => Ok(Stage::Two),
            3 => Ok(Stage::Three),
            _ => Err(format!("stage must be 1, 2 or 3, not {v}")),
        }
    }
}

impl From<Stage> for u8 {
    fn from(s: Stage) -> u8 {
        s.number()
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stage {}", self.number())
    }
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::One, Stage::Two, Stage::Three];
    /// The stages equipment can be assigned to.
    pub const DEPLOYMENT: [Stage; 2] = [Stage::Two, Stage::Three];

    pub fn number(self) -> u8 {
        match self {
            Stage::One => 1,
            Stage::Two => 2,
            Stage::Three => 3,
        }
    }
    /// First and last quarter of the stage's window.
    pub fn window(self) -> (Quarter, Quarter) {
        match self {
            Stage::One => (Quarter::new(2025, 1), Quarter::new(2025, 4)),
            Stage::Two => (Quarter::new(2026, 1), Quarter::new(2027, 4)),
            Stage::Three => (Quarter::new(2027, 1), Quarter::new(2029, 4)),
        }
    }
    pub fn contains(self, q: Quarter) -> bool {
        let (a, b) = self.window();
        a <= q && q <= b
    }
    pub fn years(self) -> &'static str {
        match self {
            Stage::One => "2025",
            Stage::Two => "2026–2027",
            Stage::Three => "2027–2029",
        }
    }
    pub fn description(self) -> &'static str {
        match self {
            Stage::One => "Assessment of supplies, funding and procurement contracts",
            Stage::Two => "Delivery and deployment at selected border outposts",
            Stage::Three => "Implementation along the entire frontier",
        }
    }
}

/// First and last quarter of the whole programme (2025-Q1 … 2029-Q4).
pub fn programme_window() -> (Quarter, Quarter) {
    (Stage::One.window().0, Stage::Three.window().1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_parse_and_print_the_same() {
        let q: Quarter = "2026-Q3".parse().unwrap();
        assert_eq!(q, Quarter::new(2026, 3));
        assert_eq!(q.to_string(), "2026-Q3");
        assert!("2026-Q5".parse::<Quarter>().is_err());
        assert!("soon".parse::<Quarter>().is_err());
    }

    #[test]
    fn stage_windows_overlap_only_in_2027() {
        assert!(Stage::Two.contains(Quarter::new(2027, 2)));
        assert!(Stage::Three.contains(Quarter::new(2027, 2)));
        assert!(!Stage::Two.contains(Quarter::new(2028, 1)));
        assert!(!Stage::Three.contains(Quarter::new(2026, 4)));
        assert_eq!(Quarter::new(2025, 1).range_to(Quarter::new(2029, 4)).count(), 20);
    }

    #[test]
    fn quarter_dates_cover_the_quarter() {
        assert_eq!(Quarter::new(2027, 4).start_date(), "2027-10-01");
        assert_eq!(Quarter::new(2027, 4).end_date(), "2027-12-31");
    }
}
