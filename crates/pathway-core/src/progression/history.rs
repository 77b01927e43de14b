//! An application's history: one entry per transition saying who, when, why and what
//! changed. Storage writes one audit row per entry.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::audit::{Actor, Backdated};
use super::decision::{DecisionOutcome, PanelRef};
use super::exception::ExceptionRef;
use super::forms::StepRecord;
use super::pay_preview::PayChangePreview;
use super::status::{EvidenceVerdict, Opener, Status};
use super::steps::StepOutcome;
use crate::framework::RouteId;
use crate::workforce::NewTimelineEntry;

/// What a transition changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// The application was opened.
    Opened {
        /// The route.
        route: RouteId,
        /// Who opened it, as the route names them.
        opened_as: Opener,
        /// Whether it is fast track.
        fast_track: bool,
    },
    /// Submitted, with the evidence verdict at the time.
    Submitted {
        /// The coverage verdict.
        evidence: EvidenceVerdict,
        /// Whether submitted under fast track.
        fast_track: bool,
    },
    /// Assessment began.
    AssessmentStarted,
    /// An assessor was assigned to a step.
    Assigned {
        /// The step id.
        step: String,
        /// The person and role assigned.
        assessor: Actor,
        /// Who held the place before, if anyone.
        replaced: Option<Actor>,
    },
    /// Work on a step began.
    StepStarted {
        /// The step id.
        step: String,
    },
    /// A step was completed.
    StepCompleted {
        /// The step id.
        step: String,
        /// Its outcome.
        outcome: StepOutcome,
        /// Notes on the outcome.
        notes: Option<String>,
        /// The completed form.
        record: Box<StepRecord>,
    },
    /// Sent to the panel or interview.
    ReferredToPanel {
        /// The panel, if one is named.
        panel: Option<PanelRef>,
    },
    /// Decided (or re-decided on appeal).
    Decided {
        /// The outcome.
        outcome: DecisionOutcome,
        /// The panel that decided, if any.
        panel: Option<PanelRef>,
        /// Whether on appeal.
        on_appeal: bool,
    },
    /// Signed off.
    SignedOff {
        /// The effective date.
        effective_from: NaiveDate,
        /// The pay change signed off.
        pay_change: Box<PayChangePreview>,
    },
    /// Took effect.
    MadeEffective {
        /// The record change made.
        record_change: NewTimelineEntry,
    },
    /// Withdrawn.
    Withdrawn,
    /// Deferred.
    Deferred {
        /// Until when.
        until: Option<NaiveDate>,
    },
    /// Resumed after deferral.
    Resumed,
    /// The worker appealed.
    AppealLodged {
        /// The grounds.
        grounds: String,
    },
    /// Reopened as a draft for resubmission after "not yet approved".
    Reopened,
    /// Opened or submitted although essential criteria were unmet, under an exception.
    UnderException {
        /// What went ahead: "opened", "submitted".
        action: String,
        /// The exception: which one, by whom, when and why.
        exception: ExceptionRef,
    },
}

/// One entry in an application's history: who, when, why, and what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the history, from 1.
    pub seq: u32,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: Actor,
    /// Why.
    pub why: String,
    /// The status before.
    pub from: Status,
    /// The status after.
    pub to: Status,
    /// What changed.
    #[serde(flatten)]
    pub change: Change,
    /// When and why it was entered late, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backdated: Option<Backdated>,
    /// The account that entered it on the actor's behalf, if someone else did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<String>,
    /// The address it was entered from, while it is being written to the audit trail
    /// (which keeps it); never stored in the record.
    #[serde(skip)]
    pub entered_from: Option<String>,
}
