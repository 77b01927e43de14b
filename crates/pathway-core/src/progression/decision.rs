//! Decisions on applications: approved, not yet approved (with a resubmission date) or
//! rejected, who made them (a person, or a panel through its chair), and appeals against them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::audit::{Actor, require_text};
use super::error::ProgressionError;
use crate::framework::RoleId;
use crate::ids::PanelId;

/// A decision on an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum DecisionOutcome {
    /// Approved: goes on to sign-off.
    Approved {
        /// Feedback for the worker, if any.
        #[serde(default)]
        feedback: Option<String>,
    },
    /// Not yet: the worker may resubmit from a date, with feedback on what to do.
    NotYetApproved {
        /// What the worker should do before resubmitting.
        feedback: String,
        /// The first day the worker may resubmit.
        resubmit_from: NaiveDate,
    },
    /// Rejected.
    Rejected {
        /// Why.
        feedback: String,
    },
}

impl DecisionOutcome {
    /// The stable code: `approved`, `not-yet-approved`, `rejected`.
    pub fn code(&self) -> &'static str {
        match self {
            DecisionOutcome::Approved { .. } => "approved",
            DecisionOutcome::NotYetApproved { .. } => "not-yet-approved",
            DecisionOutcome::Rejected { .. } => "rejected",
        }
    }

    /// Whether it is an approval.
    pub fn is_approved(&self) -> bool {
        matches!(self, DecisionOutcome::Approved { .. })
    }

    pub(crate) fn check(&self, decided_on: NaiveDate) -> Result<(), ProgressionError> {
        match self {
            DecisionOutcome::Approved { .. } => Ok(()),
            DecisionOutcome::NotYetApproved { feedback, resubmit_from } => {
                require_text("feedback", feedback)?;
                if *resubmit_from <= decided_on {
                    return Err(ProgressionError::invalid(
                        "resubmission date",
                        format!("{resubmit_from} must be after the decision ({decided_on})"),
                    ));
                }
                Ok(())
            }
            DecisionOutcome::Rejected { feedback } => require_text("feedback", feedback),
        }
    }
}

/// A reference to the panel that heard an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelRef {
    /// The panel's id, once stored.
    #[serde(default)]
    pub panel: Option<PanelId>,
    /// The role the panel decides as (`career-progression-panel`).
    pub role: RoleId,
    /// When it sat.
    pub held_on: NaiveDate,
}

/// A decision, with who made it, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The outcome.
    pub outcome: DecisionOutcome,
    /// Who decided (for a panel: its chair, acting as the panel).
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub why: String,
    /// The panel, if a panel decided.
    #[serde(default)]
    pub panel: Option<PanelRef>,
    /// Whether this decision was made on appeal.
    #[serde(default)]
    pub on_appeal: bool,
}

/// An appeal against a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appeal {
    /// The worker.
    pub lodged_by: Actor,
    /// When.
    pub lodged_at: DateTime<Utc>,
    /// The grounds.
    pub grounds: String,
    /// The decision appealed against.
    pub against: Decision,
    /// The decision on appeal, once made.
    #[serde(default)]
    pub decided: Option<Decision>,
}
