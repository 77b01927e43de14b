//! Why a progression command was refused, in one error type shared by applications, panels,
//! ASYE programmes and appointments, with stable codes for scripts and the API. Refusals
//! name an authority the way people say it ("Rotherham", not the council's full title).

use serde::{Deserialize, Serialize};

use crate::workforce::InvalidValue;

/// Which assignment rule blocked an assessor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssignmentRule {
    /// The person's role is not one the step lists.
    RoleNotOnStep,
    /// The applicant cannot assess their own application.
    OwnApplication,
    /// The step needs the worker's own holder of the role (their line manager, say).
    MustBeOwn,
    /// The step (or the route) needs someone independent of the worker.
    MustBeIndependent,
    /// The person already takes part in the step in another role.
    AlreadyOnStep,
    /// The step is finished or the application is past assessment.
    StepClosed,
}

impl AssignmentRule {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            AssignmentRule::RoleNotOnStep => "role-not-on-step",
            AssignmentRule::OwnApplication => "own-application",
            AssignmentRule::MustBeOwn => "must-be-own",
            AssignmentRule::MustBeIndependent => "must-be-independent",
            AssignmentRule::AlreadyOnStep => "already-on-step",
            AssignmentRule::StepClosed => "step-closed",
        }
    }
}

/// Why a progression command (application, panel, ASYE, appointment) was refused. Nothing
/// changed. Each variant has a stable [`code`](ProgressionError::code) and a plain-English
/// message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgressionError {
    /// The action is not possible in the current state.
    #[error("{message}")]
    InvalidTransition {
        /// What was attempted ("submit", "sign off").
        action: &'static str,
        /// The state it was attempted in ("decided").
        state: String,
        /// Why not, in plain English.
        message: String,
    },
    /// The route's evidence is not complete and the application is not fast track.
    #[error("the evidence is not complete (missing: {}); submit once the portfolio covers the route, or open the application as fast track where the framework allows it", missing.join("; "))]
    EvidenceIncomplete {
        /// What is missing, as the coverage check says it.
        missing: Vec<String>,
    },
    /// This person, in this role, may not do this.
    #[error("{message}")]
    NotPermitted {
        /// The rule: `own-application`, `wrong-role`, `not-applicant`, `same-decision-maker`,
        /// `pay-never-falls`, `eligibility-exception`, `registration-current`.
        rule: &'static str,
        /// Why, in plain English.
        message: String,
    },
    /// An assessor assignment broke one of the framework's rules (named after the message,
    /// as every refusal names its rule).
    #[error("{message} (rule: {})", rule.code())]
    AssignmentBlocked {
        /// Which rule.
        rule: AssignmentRule,
        /// Which rule and why, in plain English.
        message: String,
    },
    /// A step's form does not satisfy the step's definition.
    #[error("\"{step}\" cannot be completed: {}", problems.join("; "))]
    FormInvalid {
        /// The step's title.
        step: String,
        /// Every problem found.
        problems: Vec<String>,
    },
    /// No step with this id on the route.
    #[error("this route has no step `{step}`; its steps are: {known}")]
    UnknownStep {
        /// The id asked for.
        step: String,
        /// The route's step ids.
        known: String,
    },
    /// Steps must be completed first.
    #[error("these steps are not completed yet: {}", steps.join("; "))]
    StepsOutstanding {
        /// The titles of the outstanding steps.
        steps: Vec<String>,
    },
    /// The transition needs a reason.
    #[error("say why: {action} needs a reason for the record")]
    ReasonRequired {
        /// What was attempted.
        action: &'static str,
    },
    /// A value given is not acceptable.
    #[error("{field}: {message}")]
    Invalid {
        /// The field, in words a person would use.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The worker does not meet what the framework makes binding: a route's essential
    /// criteria (rule `eligibility-binds`), or a current registration with the regulator
    /// (rule `registration-current`).
    #[error("{message}")]
    NotEligible {
        /// The rule: `eligibility-binds` or `registration-current`.
        rule: &'static str,
        /// Every reason, in the eligibility report's own words.
        reasons: Vec<String>,
        /// The refusal as a whole, naming the rule and what to do.
        message: String,
    },
    /// The framework does not provide what was asked for (a route, fast track, an ASYE
    /// policy), or a decision it leaves to a person has not been made yet.
    #[error("{message}")]
    Unavailable {
        /// Why, in plain English.
        message: String,
    },
}

impl ProgressionError {
    /// The stable code, for APIs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            ProgressionError::InvalidTransition { .. } => "invalid_transition",
            ProgressionError::EvidenceIncomplete { .. } => "evidence_incomplete",
            ProgressionError::NotPermitted { .. } => "not_permitted",
            ProgressionError::AssignmentBlocked { .. } => "assignment_blocked",
            ProgressionError::FormInvalid { .. } => "form_invalid",
            ProgressionError::UnknownStep { .. } => "unknown_step",
            ProgressionError::StepsOutstanding { .. } => "steps_outstanding",
            ProgressionError::ReasonRequired { .. } => "reason_required",
            ProgressionError::Invalid { .. } => "invalid_value",
            ProgressionError::Unavailable { .. } => "unavailable",
            ProgressionError::NotEligible { .. } => "not_eligible",
        }
    }

    pub(crate) fn unavailable(message: impl Into<String>) -> ProgressionError {
        ProgressionError::Unavailable { message: message.into() }
    }

    pub(crate) fn not_permitted(rule: &'static str, message: impl Into<String>) -> ProgressionError {
        ProgressionError::NotPermitted { rule, message: message.into() }
    }

    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> ProgressionError {
        ProgressionError::Invalid { field, message: message.into() }
    }
}

/// A refused workforce value (a pay point, a note) as a progression refusal.
pub(crate) fn invalid_value(refused: InvalidValue) -> ProgressionError {
    ProgressionError::invalid(refused.field, format!("`{}` {}", refused.value, refused.reason))
}

/// "Rotherham" from "Rotherham Metropolitan Borough Council", "Bexley" from "London Borough
/// of Bexley": the name people use in sentences.
pub(crate) fn authority_short(authority: &str) -> String {
    let mut s = authority.trim();
    for prefix in ["London Borough of ", "Royal Borough of ", "City of "] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest;
        }
    }
    for suffix in [
        " Metropolitan Borough Council",
        " County Borough Council",
        " Borough Council",
        " County Council",
        " City Council",
        " District Council",
        " Council",
    ] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest;
            break;
        }
    }
    s.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_are_named_as_people_say_them() {
        assert_eq!(authority_short("Rotherham Metropolitan Borough Council"), "Rotherham");
        assert_eq!(authority_short("London Borough of Bexley"), "Bexley");
        assert_eq!(authority_short("West Sussex County Council"), "West Sussex");
        assert_eq!(authority_short("Medway Council"), "Medway");
    }
}
