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
        Some(r) => {
            let missed = match r.renewal_due {
                Some(due) if due < on && r.status == crate::workforce::RegistrationStatus::Lapsed => {
                    format!(" (its renewal was due by {due})")
                }
                _ => String::new(),
            };
            format!("{worker_name}'s registration with {regulator} is {} on {on}{missed}", r.status)
        }
        None => format!("no registration with {regulator} is recorded for {worker_name}; record its number and status"),
    };
    let message = format!(
        "cannot {action}: {reason}; registration must be current to progress, and no exception waives it (rule: \
         {REGISTRATION_CURRENT})"
    );
    Err(ProgressionError::NotEligible { rule: REGISTRATION_CURRENT, reasons: vec![reason], message })
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::eligibility::{WorkerFacts, evaluate_route};
    use crate::framework::{Framework, LevelId};
    use crate::ids::WorkerId;
    use crate::progression::audit::{Actor, Audit};
    use crate::progression::exception::ExceptionRequest;
    use crate::workforce::{AppraisalOutcome, AsyeOutcome, AsyeStatus, EmploymentType, RegistrationStatus, SweNumber};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn rotherham() -> Framework {
        crate::bundled::framework("rotherham").expect("rotherham")
    }

    /// A Band H worker who qualified on 1 July 2024 and passed the ASYE a year later.
    fn band_h() -> WorkerFacts {
        WorkerFacts {
            level: LevelId::from("level-2"),
            level_since: Some(d(2025, 7, 1)),
            qualification: Some("Degree in Social Work".into()),
            qualified_on: Some(d(2024, 7, 1)),
            registration: Some(RegistrationStatus::Registered),
            asye_status: Some(AsyeStatus::Completed),
            asye_started: Some(d(2024, 7, 1)),
            asye_outcome: Some((AsyeOutcome::Passed, Some(d(2025, 6, 30)))),
            awards: vec![],
            commitments: vec![],
            latest_appraisal: Some((d(2025, 8, 20), AppraisalOutcome::ReadyToApply)),
            ready_since: Some(d(2025, 8, 20)),
            probation: None,
            employment: Some(EmploymentType::Permanent),
            attestations: vec![],
        }
    }

    fn judged(facts: &WorkerFacts, on: NaiveDate) -> RouteEligibility {
        let f = rotherham();
        let route = f.route(&"level-2-to-level-3".into()).expect("route").clone();
        evaluate_route(&f, &route, facts, on)
    }

    fn head_of_service() -> Audit {
        let at = Utc.with_ymd_and_hms(2025, 9, 2, 11, 0, 0).single().expect("time");
        Audit::new(Actor::new(WorkerId::new(3), "Xavier Hale", "head-of-service"), at, "practice at Band I")
    }

    fn exception(criteria: &[&str], on: &RouteEligibility) -> EligibilityException {
        let request = ExceptionRequest {
            worker: WorkerId::new(1),
            worker_name: "Mia Ellis".into(),
            criteria: criteria.iter().map(|c| (*c).to_owned()).collect(),
        };
        EligibilityException::record(&rotherham(), on, &request, &head_of_service()).expect("recorded")
    }

    #[test]
    fn time_short_refuses_with_the_reason_and_the_day_it_is_met() {
        let judged = judged(&band_h(), d(2025, 9, 1));
        let roles = rotherham().exception_roles();
        let err = check_eligible("Mia Ellis", &judged, None, &roles, "open").expect_err("short");
        assert_eq!(err.code(), "not_eligible");
        let text = err.to_string();
        assert!(text.contains("you will have 2 years of post-qualifying experience on 1 July 2026"), "{text}");
        assert!(text.contains("The earliest date every one is met is 2026-07-01"), "{text}");
        assert!(text.ends_with("(rule: eligibility-binds)"), "{text}");
        // Met on the day: nothing binds.
        let later = self::judged(&band_h(), d(2026, 7, 1));
        assert!(check_eligible("Mia Ellis", &later, None, &roles, "open").is_ok());
    }

    #[test]
    fn an_exception_waives_what_it_names_and_never_registration() {
        let mut facts = band_h();
        facts.latest_appraisal = None;
        facts.ready_since = None;
        let judged = judged(&facts, d(2025, 9, 3));
        let roles = rotherham().exception_roles();
        let years = exception(&["post-qualifying-years"], &judged);
        let err = check_eligible("Mia Ellis", &judged, Some(&years), &roles, "open").expect_err("PDR still missing");
        assert!(!err.to_string().contains("Post-Qualifying"), "waived: {err}");
        assert!(err.to_string().contains("PDR"), "{err}");
        let all = exception(&[], &judged);
        assert!(check_eligible("Mia Ellis", &judged, Some(&all), &roles, "open").is_ok());
        assert!(!all.waives(CriterionKind::Registration));
        let request = ExceptionRequest { worker: WorkerId::new(1), worker_name: "Mia".into(), criteria: vec![] };
        let refused = EligibilityException::record(
            &rotherham(),
            &judged,
            &ExceptionRequest { criteria: vec!["registration".into()], ..request.clone() },
            &head_of_service(),
        );
        assert!(refused.expect_err("registration").to_string().contains("rule: registration-current"));
        let unknown = EligibilityException::record(
            &rotherham(),
            &judged,
            &ExceptionRequest { criteria: vec!["time-in-level".into()], ..request },
            &head_of_service(),
        );
        assert!(unknown.expect_err("not on the route").to_string().contains("no essential criterion `time-in-level`"));
    }

    #[test]
    fn what_needs_judgement_does_not_bind_but_an_unrecorded_date_does() {
        let mut facts = band_h();
        facts.qualification = None;
        facts.qualified_on = None;
        let judged = judged(&facts, d(2025, 9, 3));
        let binding: Vec<CriterionKind> = binding_unmet(&judged).iter().map(|c| c.kind).collect();
        assert_eq!(binding, vec![CriterionKind::PostQualifyingYears], "the qualification is for a manager to judge");
        let roles = rotherham().exception_roles();
        let err = check_eligible("Mia Ellis", &judged, None, &roles, "open").expect_err("no date");
        assert!(err.to_string().contains("Record it on the worker's record."), "{err}");
    }

    #[test]
    fn registration_must_be_current() {
        let registered =
            |status| SweRegistration { number: SweNumber::parse("SW200").expect("number"), status, renewal_due: None };
        let on = d(2025, 9, 3);
        assert!(check_registration("Mia", Some(&registered(RegistrationStatus::Registered)), on, "open").is_ok());
        for status in [RegistrationStatus::Lapsed, RegistrationStatus::Suspended, RegistrationStatus::Applied] {
            let err = check_registration("Mia", Some(&registered(status)), on, "sign off").expect_err("not current");
            assert!(err.to_string().contains("rule: registration-current"), "{err}");
        }
        let err = check_registration("Mia", None, on, "sign off").expect_err("not recorded");
        assert!(err.to_string().contains("no registration with Social Work England is recorded for Mia"), "{err}");
    }
}
