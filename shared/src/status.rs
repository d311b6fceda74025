//! The ticket lifecycle. Every legal move is one row of `TRANSITIONS`; nothing else moves a ticket.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Received, waiting for dispatch.
    Submitted,
    /// Sent to a lead department (and co-handlers), not yet signed for.
    Dispatched,
    /// The lead department signed for it (签收).
    Accepted,
    InProgress,
    /// The lead department answered the citizen (答复).
    Replied,
    Closed,
    /// The citizen was not satisfied; back to the same lead.
    Reopened,
    /// A duplicate of another ticket, which carries the work.
    Merged,
    /// Judged unreasonable (无理诉求) — excluded from assessment once confirmed.
    RejectedUnreasonable,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::Submitted,
        Status::Dispatched,
        Status::Accepted,
        Status::InProgress,
        Status::Replied,
        Status::Closed,
        Status::Reopened,
        Status::Merged,
        Status::RejectedUnreasonable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Dispatched => "dispatched",
            Status::Accepted => "accepted",
            Status::InProgress => "in_progress",
            Status::Replied => "replied",
            Status::Closed => "closed",
            Status::Reopened => "reopened",
            Status::Merged => "merged",
            Status::RejectedUnreasonable => "rejected_unreasonable",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// No action leads out of a final state.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Merged | Status::RejectedUnreasonable)
    }

    /// Work is owed on the ticket.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Replied | Status::Closed) && !self.is_final()
    }
}

/// What someone does to a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Dispatch,
    /// A dispute was upheld: the ticket goes to another lead.
    Redispatch,
    Accept,
    StartWork,
    Reply,
    Close,
    Reopen,
    MergeInto,
    RejectUnreasonable,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::Dispatch,
        Action::Redispatch,
        Action::Accept,
        Action::StartWork,
        Action::Reply,
        Action::Close,
        Action::Reopen,
        Action::MergeInto,
        Action::RejectUnreasonable,
    ];
}

use Status::*;

/// (from, action, to). The table is the specification; tests walk it.
pub const TRANSITIONS: &[(Status, Action, Status)] = &[
    (Submitted, Action::Dispatch, Dispatched),
    (Submitted, Action::MergeInto, Merged),
    (Submitted, Action::RejectUnreasonable, RejectedUnreasonable),
    (Dispatched, Action::Redispatch, Dispatched),
    (Dispatched, Action::Accept, Accepted),
    (Dispatched, Action::MergeInto, Merged),
    (Dispatched, Action::RejectUnreasonable, RejectedUnreasonable),
    (Accepted, Action::Redispatch, Dispatched),
    (Accepted, Action::StartWork, InProgress),
    (Accepted, Action::Reply, Replied),
    (Accepted, Action::MergeInto, Merged),
    (Accepted, Action::RejectUnreasonable, RejectedUnreasonable),
    (InProgress, Action::Reply, Replied),
    (InProgress, Action::MergeInto, Merged),
    (InProgress, Action::RejectUnreasonable, RejectedUnreasonable),
    (Replied, Action::Close, Closed),
    (Replied, Action::Reopen, Reopened),
    (Closed, Action::Reopen, Reopened),
    (Reopened, Action::Accept, Accepted),
    (Reopened, Action::MergeInto, Merged),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IllegalTransition {
    pub from: Status,
    pub action: Action,
}

impl std::fmt::Display for IllegalTransition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot {:?} a ticket that is {}", self.action, self.from.as_str())
    }
}

pub fn transition(from: Status, action: Action) -> Result<Status, IllegalTransition> {
    TRANSITIONS
        .iter()
        .find(|(f, a, _)| *f == from && *a == action)
        .map(|(_, _, to)| *to)
        .ok_or(IllegalTransition { from, action })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeSet, VecDeque};

    #[test]
    fn status_names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.as_str()));
        }
    }

    #[test]
    fn table_is_a_function() {
        let keys: BTreeSet<_> = TRANSITIONS.iter().map(|(f, a, _)| (*f, format!("{a:?}"))).collect();
        assert_eq!(keys.len(), TRANSITIONS.len(), "one outcome per (state, action)");
    }

    #[test]
    fn every_state_is_reachable_from_submitted() {
        let mut seen = BTreeSet::from([Submitted]);
        let mut queue = VecDeque::from([Submitted]);
        while let Some(s) = queue.pop_front() {
            for a in Action::ALL {
                if let Ok(t) = transition(s, a) {
                    if seen.insert(t) {
                        queue.push_back(t);
                    }
                }
            }
        }
        assert_eq!(seen.len(), Status::ALL.len());
    }

    #[test]
    fn final_states_have_no_way_out_and_others_do() {
        for s in Status::ALL {
            let moves = Action::ALL.iter().filter(|a| transition(s, **a).is_ok()).count();
            assert_eq!(moves == 0, s.is_final(), "{s:?}");
        }
    }

    #[test]
    fn the_happy_path_and_a_wrong_step() {
        let mut s = Submitted;
        for a in [Action::Dispatch, Action::Accept, Action::StartWork, Action::Reply, Action::Close] {
            s = transition(s, a).unwrap();
        }
        assert_eq!(s, Closed);
        assert_eq!(
            transition(Submitted, Action::Close),
            Err(IllegalTransition { from: Submitted, action: Action::Close })
        );
    }

    proptest! {
        /// Whatever anyone tries, in any order: a ticket is only closed after a reply,
        /// replies only come after acceptance, and final states stay final.
        #[test]
        fn random_walks_keep_the_invariants(actions in proptest::collection::vec(0usize..Action::ALL.len(), 0..60)) {
            let mut s = Submitted;
            let mut accepted_since_dispatch = false;
            let mut replied = false;
            for i in actions {
                let a = Action::ALL[i];
                match transition(s, a) {
                    Ok(next) => {
                        prop_assert!(!s.is_final());
                        match next {
                            Accepted => accepted_since_dispatch = true,
                            Dispatched => accepted_since_dispatch = false,
                            Replied => { prop_assert!(accepted_since_dispatch); replied = true; }
                            Closed => prop_assert_eq!(s, Replied),
                            Reopened => prop_assert!(replied),
                            _ => {}
                        }
                        s = next;
                    }
                    Err(e) => prop_assert_eq!(e.from, s),
                }
            }
        }
    }
}
