//! The steps of an application: who holds each assessor's place, where each step is, and how
//! it was completed. A step's definition comes from the route in the framework.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::audit::Actor;
use super::forms::{FormType, StepRecord};
use crate::framework::{Relation, RoleId, Step, WORKER_ROLE};

/// Where a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepStatus {
    /// Nobody assigned yet.
    Pending,
    /// Assessors assigned.
    Assigned,
    /// Work under way.
    InProgress,
    /// Finished with an outcome.
    Completed,
}

impl StepStatus {
    /// The stable code: `pending`, `assigned`, `in-progress`, `completed`.
    pub const fn code(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Assigned => "assigned",
            StepStatus::InProgress => "in-progress",
            StepStatus::Completed => "completed",
        }
    }
}

/// How a step came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepOutcome {
    /// The step's requirements are met.
    Met,
    /// Met, with notes the decision-maker should read (development points, caveats).
    MetWithNotes,
    /// Not met; the notes say why.
    NotMet,
}

/// One place on a step for a person in a role, from the step's `assessors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// The role.
    pub role: RoleId,
    /// Whether the person must be the worker's own, independent, or anyone.
    pub relation: Relation,
    /// Whether this person leads (completes the form, chairs the interview).
    pub lead: bool,
    /// Who is assigned.
    pub holder: Option<Actor>,
}

/// How a step was completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completion {
    /// Met, met with notes, or not met.
    pub outcome: StepOutcome,
    /// Notes on the outcome (required unless met).
    pub notes: Option<String>,
    /// The completed form.
    pub record: StepRecord,
    /// Who completed it.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// A step of the application: the route's step definition, who is assigned, and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepState {
    /// The step as the framework defines it.
    pub definition: Step,
    /// Where it is.
    pub status: StepStatus,
    /// One place per assessor the step lists.
    pub slots: Vec<Slot>,
    /// How it was completed.
    pub completion: Option<Completion>,
}

impl StepState {
    pub(super) fn new(definition: &Step, applicant: &Actor) -> StepState {
        let slots: Vec<Slot> = definition
            .assessors
            .iter()
            .map(|a| Slot {
                role: a.role.clone(),
                relation: a.relation,
                lead: a.lead,
                holder: (a.role.as_str() == WORKER_ROLE).then(|| applicant.clone()),
            })
            .collect();
        let mut step =
            StepState { definition: definition.clone(), status: StepStatus::Pending, slots, completion: None };
        step.status = step.assigned_status();
        step
    }

    /// The step's id.
    pub fn id(&self) -> &str {
        &self.definition.id
    }

    /// The people assigned, in slot order.
    pub fn participants(&self) -> Vec<&Actor> {
        self.slots.iter().filter_map(|s| s.holder.as_ref()).collect()
    }

    /// The form this step takes.
    pub fn form_type(&self) -> FormType {
        FormType::of(&self.definition)
    }

    pub(super) fn is_panel_stage(&self) -> bool {
        is_panel_kind(&self.definition.kind)
    }

    pub(super) fn assigned_status(&self) -> StepStatus {
        // Worker places are filled at opening; the step counts as assigned once someone other
        // than the applicant is on it, or when the applicant is all it needs.
        let others = self.slots.iter().any(|s| s.role.as_str() != WORKER_ROLE && s.holder.is_some());
        let only_worker = !self.slots.is_empty() && self.slots.iter().all(|s| s.role.as_str() == WORKER_ROLE);
        if others || only_worker { StepStatus::Assigned } else { StepStatus::Pending }
    }

    pub(super) fn reset(&mut self) {
        self.completion = None;
        self.status = self.assigned_status();
    }
}

fn is_panel_kind(kind: &str) -> bool {
    matches!(kind, "panel" | "interview" | "moderation")
}

/// A step's outcome and form, to complete it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepCompletion {
    /// Met, met with notes, or not met.
    pub outcome: StepOutcome,
    /// Notes (required unless met).
    #[serde(default)]
    pub notes: Option<String>,
    /// The completed form.
    pub record: StepRecord,
}
