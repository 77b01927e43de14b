//! Where an application stands: its status, who opened it, and the evidence verdict it was
//! submitted with. Its own file because both the application and its history speak of them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The evidence coverage check's verdict on a portfolio for a route: whether it is ready to
/// submit and, if not, what is missing. The portfolio module produces it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EvidenceVerdict {
    /// Whether every evidence rule of the route is met.
    pub ready: bool,
    /// What is still missing, in words for the worker.
    pub missing: Vec<String>,
}

impl EvidenceVerdict {
    /// A complete portfolio.
    pub fn ready() -> EvidenceVerdict {
        EvidenceVerdict { ready: true, missing: Vec::new() }
    }

    /// An incomplete portfolio missing these items.
    pub fn missing(missing: Vec<String>) -> EvidenceVerdict {
        EvidenceVerdict { ready: false, missing }
    }
}

// ---------------------------------------------------------------------------------------
// Status

/// Where an application is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Being prepared; not yet submitted.
    Draft,
    /// Submitted; assessment not yet begun.
    Submitted,
    /// Assessment steps under way.
    InAssessment,
    /// With the panel or at interview.
    AtPanel,
    /// Decided: approved, not yet approved, or rejected.
    Decided,
    /// The worker has appealed against the decision.
    UnderAppeal,
    /// An approval signed off, with its effective date and pay change.
    SignedOff,
    /// The record change has taken effect.
    Effective,
    /// Withdrawn before a decision.
    Withdrawn,
    /// Paused; resumes where it was.
    Deferred,
}

impl Status {
    /// Every status, in process order.
    pub const ALL: &'static [Status] = &[
        Status::Draft,
        Status::Submitted,
        Status::InAssessment,
        Status::AtPanel,
        Status::Decided,
        Status::UnderAppeal,
        Status::SignedOff,
        Status::Effective,
        Status::Withdrawn,
        Status::Deferred,
    ];

    /// The stable code stored in databases and used by the API.
    pub const fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::InAssessment => "in-assessment",
            Status::AtPanel => "at-panel",
            Status::Decided => "decided",
            Status::UnderAppeal => "under-appeal",
            Status::SignedOff => "signed-off",
            Status::Effective => "effective",
            Status::Withdrawn => "withdrawn",
            Status::Deferred => "deferred",
        }
    }

    /// The status with this code.
    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.iter().copied().find(|s| s.code() == code)
    }

    /// Whether nothing more can happen to the application.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Effective | Status::Withdrawn)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Draft => "a draft",
            Status::Submitted => "submitted",
            Status::InAssessment => "in assessment",
            Status::AtPanel => "at panel or interview",
            Status::Decided => "decided",
            Status::UnderAppeal => "under appeal",
            Status::SignedOff => "signed off",
            Status::Effective => "effective",
            Status::Withdrawn => "withdrawn",
            Status::Deferred => "deferred",
        })
    }
}

/// Who opened the application, as the route's `opened_by` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Opener {
    /// The worker applied.
    Worker,
    /// A manager in the worker's line-management chain opened it for them.
    Manager,
    /// Opened by Pathway when the worker passed the ASYE (a `trigger = "asye-pass"` route).
    AsyePass,
}

impl Opener {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Opener::Worker => "worker",
            Opener::Manager => "manager",
            Opener::AsyePass => "asye-pass",
        }
    }
}
