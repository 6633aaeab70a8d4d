//! Member states that supply equipment to the programme.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Participation {
    /// Coordinates the programme and supplies.
    Coordinator,
    /// Supplies equipment.
    Supplier,
    /// Participation suspended: may not supply.
    Suspended,
}

impl fmt::Display for Participation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Participation::Coordinator => "coordinator",
            Participation::Supplier => "supplier",
            Participation::Suspended => "suspended",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberState {
    pub name: &'static str,
    pub iso_a3: &'static str,
    pub participation: Participation,
}

pub const MEMBER_STATES: [MemberState; 6] = [
    MemberState { name: "Russia", iso_a3: "RUS", participation: Participation::Supplier },
    MemberState { name: "Belarus", iso_a3: "BLR", participation: Participation::Supplier },
    MemberState { name: "Kazakhstan", iso_a3: "KAZ", participation: Participation::Supplier },
    MemberState { name: "Kyrgyzstan", iso_a3: "KGZ", participation: Participation::Supplier },
    MemberState { name: "Tajikistan", iso_a3: "TJK", participation: Participation::Coordinator },
    MemberState { name: "Armenia", iso_a3: "ARM", participation: Participation::Suspended },
];

/// Finds a member state by name or ISO code, ignoring case and surrounding space.
pub fn lookup(name: &str) -> Option<&'static MemberState> {
    let n = name.trim();
    MEMBER_STATES.iter().find(|m| m.name.eq_ignore_ascii_case(n) || m.iso_a3.eq_ignore_ascii_case(n))
}

/// Member states that may supply equipment now (not suspended).
pub fn active_suppliers() -> impl Iterator<Item = &'static MemberState> {
    MEMBER_STATES.iter().filter(|m| m.participation != Participation::Suspended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn armenia_is_suspended_and_tajikistan_coordinates() {
        assert_eq!(lookup("armenia").map(|m| m.participation), Some(Participation::Suspended));
        assert_eq!(lookup("TJK").map(|m| m.participation), Some(Participation::Coordinator));
        assert!(lookup("Uzbekistan").is_none());
        assert_eq!(active_suppliers().count(), 5);
    }
}
