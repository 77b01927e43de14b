//! An exception to a route's eligibility criteria: a reasoned decision, by someone the
//! framework entitles (a head of service unless it names others), that lets one worker open
//! and submit an application for one route although essential criteria are unmet. It waives
//! the criteria it names, or every unmet essential one; never registration, which is its own
//! rule (`registration-current`). The applicant never records one for themselves.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::audit::{Actor, Audit, require_why};
use super::error::{ProgressionError, authority_short};
use crate::eligibility::RouteEligibility;
use crate::framework::{CriterionKind, Framework, RouteId};
use crate::ids::{ExceptionId, WorkerId};

/// The rule an exception is recorded under, named in refusals.
pub const EXCEPTION_RULE: &str = "eligibility-exception";

/// What to record: for whom, on which route, which criteria (empty: every unmet essential one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionRequest {
    /// The worker it is for.
    pub worker: WorkerId,
    /// Their name, for the record.
    pub worker_name: String,
    /// The criteria to waive, by kind as the framework file writes them (`post-qualifying-years`).
    pub criteria: Vec<String>,
}

/// An exception as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityException {
    /// The worker it is for.
    pub worker: WorkerId,
    /// Their name when it was recorded.
    pub worker_name: String,
    /// The route it lets them apply for.
    pub route: RouteId,
    /// The route's name when it was recorded.
    pub route_name: String,
    /// The kinds of criterion it waives; empty waives every unmet essential criterion.
    pub criteria: Vec<CriterionKind>,
    /// The essential criteria unmet when it was recorded, in the eligibility report's words.
    pub unmet_when_recorded: Vec<String>,
    /// Who recorded it, when and why.
    pub recorded: Audit,
}

impl EligibilityException {
    /// Record an exception for the route `judged` was worked out for (on the day of `audit`),
    /// by the person `audit` names, acting in a role the framework entitles.
    pub fn record(
        framework: &Framework,
        judged: &RouteEligibility,
        request: &ExceptionRequest,
        audit: &Audit,
    ) -> Result<EligibilityException, ProgressionError> {
        require_why(audit, "recording an exception")?;
        if audit.by.is_worker_role() || audit.by.person == request.worker {
            return Err(ProgressionError::not_permitted(
                EXCEPTION_RULE,
                format!(
                    "{} is the worker; nobody records an exception to their own eligibility (rule: {EXCEPTION_RULE})",
                    audit.by.name
                ),
            ));
        }
        let entitled = framework.exception_roles();
        if !entitled.contains(&audit.by.role) {
            let roles: Vec<&str> = entitled.iter().map(|r| r.as_str()).collect();
            return Err(ProgressionError::not_permitted(
                EXCEPTION_RULE,
                format!(
                    "{} is acting as {}; exceptions to {}'s eligibility criteria are recorded by someone holding a post \
                     as {} (rule: {EXCEPTION_RULE})",
                    audit.by.name,
                    audit.by.role,
                    authority_short(&framework.framework.authority),
                    roles.join(" or ")
                ),
            ));
        }
        let essential: Vec<CriterionKind> = judged.criteria.iter().filter(|c| c.essential).map(|c| c.kind).collect();
        let mut criteria = Vec::with_capacity(request.criteria.len());
        for named in &request.criteria {
            let kind = CriterionKind::parse(named).ok_or_else(|| {
                ProgressionError::invalid("criterion", format!("`{}` is not a kind of criterion", named.trim()))
            })?;
            if kind == CriterionKind::Registration {
                return Err(ProgressionError::not_permitted(
                    "registration-current",
                    "an exception cannot waive registration: registration must be current to progress (rule: \
                     registration-current)",
                ));
            }
            if !essential.contains(&kind) {
                let listed: Vec<&str> = essential.iter().map(|k| k.as_str()).collect();
                return Err(ProgressionError::invalid(
                    "criterion",
                    format!(
                        "\"{}\" has no essential criterion `{kind}`; its essential criteria are: {}",
                        judged.route_name,
                        if listed.is_empty() { "none".to_owned() } else { listed.join(", ") }
                    ),
                ));
            }
            if !criteria.contains(&kind) {
                criteria.push(kind);
            }
        }
        let unmet_when_recorded =
            super::binds::binding_unmet(judged).iter().map(|c| format!("{}: {}", c.text, c.explanation)).collect();
        Ok(EligibilityException {
            worker: request.worker,
            worker_name: request.worker_name.trim().to_owned(),
            route: judged.route.clone(),
            route_name: judged.route_name.clone(),
            criteria,
            unmet_when_recorded,
            recorded: audit.clone(),
        })
    }

    /// Whether it waives a criterion of this kind. Registration is never waived.
    pub fn waives(&self, kind: CriterionKind) -> bool {
        kind != CriterionKind::Registration && (self.criteria.is_empty() || self.criteria.contains(&kind))
    }

    /// What it waives, in words: "post-qualifying-years" or "every unmet essential criterion".
    pub fn waived_words(&self) -> String {
        if self.criteria.is_empty() {
            "every unmet essential criterion".to_owned()
        } else {
            self.criteria.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
        }
    }

    /// The day it was recorded.
    pub fn recorded_on(&self) -> NaiveDate {
        self.recorded.date()
    }

    /// A reference to it, numbered `id`, for an application's history.
    pub fn reference(&self, id: ExceptionId) -> ExceptionRef {
        ExceptionRef {
            id,
            by: self.recorded.by.clone(),
            at: self.recorded.at,
            why: self.recorded.why.trim().to_owned(),
            waives: self.waived_words(),
        }
    }
}

/// An exception as an application's history names it: which one, by whom, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionRef {
    /// Its number.
    pub id: ExceptionId,
    /// Who recorded it, in which role.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, in their words.
    pub why: String,
    /// What it waives, in words.
    pub waives: String,
}

impl ExceptionRef {
    /// "exception 3, recorded by Jo Marsh (head-of-service) on 2025-05-30: <why> (waives …)".
    pub fn describe(&self) -> String {
        format!(
            "exception {}, recorded by {} ({}) on {}: {} (waives {})",
            self.id,
            self.by.name,
            self.by.role,
            self.at.date_naive(),
            self.why,
            self.waives
        )
    }
}
