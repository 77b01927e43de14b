//! What the framework makes binding before a worker progresses, checked on the day of the
//! action: the route's essential criteria when an application is opened or submitted
//! (`eligibility-binds`), and a current registration with the regulator for every step
//! that moves a worker on (`registration-current`), whatever the framework lists.
//!
//! Which unmet criteria bind: an essential criterion that is not met, or that is unknown
//! because a fact is not recorded (the refusal says what to record). Not: what needs a
//! manager's judgement (stated experience, a criterion the records cannot settle) — the
//! route's steps judge that; a vacancy, which a vacancy-led route waits for; registration,
//! which has its own rule. Portfolio evidence is judged at submission by coverage.

use chrono::NaiveDate;

use super::error::ProgressionError;
use super::exception::EligibilityException;
use crate::eligibility::{CriterionResult, CriterionStatus, RouteEligibility, RouteStatus};
use crate::framework::{CriterionKind, RoleId};
use crate::workforce::{Regulator, SweRegistration};

/// The rule: essential criteria bind at open and submit.
pub const ELIGIBILITY_BINDS: &str = "eligibility-binds";
/// The rule: registration must be current to progress.
pub const REGISTRATION_CURRENT: &str = "registration-current";

/// The essential criteria in `judged` that stand in the way of opening or submitting.
pub fn binding_unmet(judged: &RouteEligibility) -> Vec<&CriterionResult> {
    judged
        .criteria
        .iter()
        .filter(|c| c.essential && c.status != CriterionStatus::Met && !c.needs_judgement)
        .filter(|c| !matches!(c.kind, CriterionKind::Vacancy | CriterionKind::Registration))
        .collect()
}

/// Refuse `action` ("open", "submit") of an application for the route `judged` was worked
/// out for, unless every binding essential criterion is met or waived by `exception`.
/// `entitled` names who may record an exception, for the advice.
pub fn check_eligible(
    worker_name: &str,
    judged: &RouteEligibility,
    exception: Option<&EligibilityException>,
    entitled: &[RoleId],
    action: &str,
) -> Result<(), ProgressionError> {
    let unmet: Vec<&CriterionResult> =
        binding_unmet(judged).into_iter().filter(|c| !exception.is_some_and(|e| e.waives(c.kind))).collect();
    if unmet.is_empty() {
        return Ok(());
    }
    let reasons: Vec<String> = unmet
        .iter()
        .map(|c| match c.status {
            CriterionStatus::Unknown => {
                format!("{}: {} Record it on the worker's record.", c.text.trim_end_matches('.'), c.explanation)
            }
            _ => format!("{}: {}", c.text.trim_end_matches('.'), c.explanation),
        })
        .collect();
    let earliest = match (judged.status, judged.eligible_from) {
        (RouteStatus::NotYet, Some(d)) => format!(" The earliest date every one is met is {d}."),
        _ => String::new(),
    };
    let roles: Vec<&str> = entitled.iter().map(|r| r.as_str()).collect();
    let message = format!(
        "{worker_name} cannot {action} an application for \"{}\": essential criteria are not met. {}{earliest} \
         Record what is missing, or someone holding a post as {} may record an exception with a reason (rule: \
         {ELIGIBILITY_BINDS})",
        judged.route_name,
        reasons.join(" "),
        roles.join(" or ")
    );
    Err(ProgressionError::NotEligible { rule: ELIGIBILITY_BINDS, reasons, message })
}

/// Refuse `action` ("open an application", "sign off") when the worker's registration is
/// not current on `on`: lapsed, suspended, removed, applied for, or not recorded.
pub fn check_registration(
    worker_name: &str,
    registration: Option<&SweRegistration>,
    on: NaiveDate,
    action: &str,
) -> Result<(), ProgressionError> {
    let regulator = Regulator::on(on).name();
    let reason = match registration {
        Some(r) if r.status.may_practise() => return Ok(()),
        Some(r) => format!("{worker_name}'s registration with {regulator} is {} on {on}", r.status),
        None => format!("no registration with {regulator} is recorded for {worker_name}; record its number and status"),
    };
    let message = format!(
        "cannot {action}: {reason}; registration must be current to progress, and no exception waives it (rule: \
         {REGISTRATION_CURRENT})"
    );
    Err(ProgressionError::NotEligible { rule: REGISTRATION_CURRENT, reasons: vec![reason], message })
}
