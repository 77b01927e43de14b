//! Progression applications: a worker's application for a route, generated from the route's
//! definition in the framework (never hard-coded per council), taken through its assessment
//! steps, a panel or interview, a decision, sign-off and the record change that follows.
//!
//! The state machine:
//!
//! ```text
//! draft → submitted → in assessment → at panel/interview → decided → signed off → effective
//!                                   ↘ (routes with no panel or interview step) ↗
//! decided (not yet approved) → reopened as a draft on or after the resubmission date
//! decided (not approved)     → under appeal → decided again
//! submitted / in assessment / at panel → deferred → resumed where it was
//! anything before a decision → withdrawn
//! ```
//!
//! Pure and all-or-nothing: every command takes the application by reference and returns a
//! new one, or an error that says why and leaves the original untouched. Every transition
//! appends an [`Event`] saying who (person and role), when and why. The core never reads the
//! clock: `when` comes in with the [`Audit`].
//!
//! Applications serialise to JSON as a whole (`serde`); [`Application::summary`] gives the
//! values storage indexes.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::audit::{Actor, Audit, require_text, require_why};
use super::decision::{Appeal, Decision, DecisionOutcome, PanelRef};
use super::error::{AssignmentRule, ProgressionError, authority_short};
use super::exception::ExceptionRef;
use super::forms::{DecisionRecord, StepRecord};
use super::history::{Change, Event};
use super::pay_preview::{CurrentPosition, PayChangePreview, preview_move};
pub use super::status::{EvidenceVerdict, Opener, Status};
use super::steps::{Completion, Slot, StepCompletion, StepOutcome, StepState, StepStatus};
use crate::framework::{Framework, FrameworkId, LevelId, Relation, RoleId, Route, RouteId, Trigger, WORKER_ROLE};
use crate::ids::WorkerId;
use crate::workforce::{ChangeReason, LineManagement, NewTimelineEntry};

/// A deferral: paused, to resume where it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deferral {
    /// The status it resumes to.
    pub resume_to: Status,
    /// Until when, if a date was set.
    #[serde(default)]
    pub until: Option<NaiveDate>,
}

/// A sign-off: who, when, from what date, and the pay change they saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    /// Who signed off.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
    /// The day the new level, grade and pay point take effect.
    pub effective_from: NaiveDate,
    /// The pay change shown before sign-off.
    pub pay_change: PayChangePreview,
    /// The record change to append to the worker's timeline.
    pub record_change: NewTimelineEntry,
}

// ---------------------------------------------------------------------------------------
// The application

/// How to open an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenRequest {
    /// The route.
    pub route: RouteId,
    /// The worker applying.
    pub worker: WorkerId,
    /// The worker's name.
    pub worker_name: String,
    /// The level the worker holds now; must be the route's `from`.
    pub current_level: LevelId,
    /// Whether the worker opens it or their manager does.
    pub opened_as: Opener,
    /// Whether it is a fast-track application (only where the framework allows).
    #[serde(default)]
    pub fast_track: bool,
}

/// What the storage layer indexes about an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationSummary {
    /// The framework.
    pub framework: FrameworkId,
    /// The route.
    pub route: RouteId,
    /// The worker.
    pub worker: WorkerId,
    /// The status code.
    pub status: &'static str,
    /// Whether fast track.
    pub fast_track: bool,
    /// When opened.
    pub opened_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// The current decision's outcome code.
    pub decision: Option<&'static str>,
    /// The effective date, once signed off.
    pub effective_from: Option<NaiveDate>,
}

/// A worker's application for a route. Build with [`Application::open`] (or
/// [`super::asye::AsyeProgramme::open_progression`]); change only through its commands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    framework: FrameworkId,
    framework_version: String,
    authority: String,
    route: Route,
    /// The level the worker left by this route: the route's own starting level, or, for a
    /// route open from any level, the level the worker held when applying.
    #[serde(default)]
    from_level: Option<LevelId>,
    from_level_name: String,
    to_level_name: String,
    role_names: BTreeMap<RoleId, String>,
    worker: WorkerId,
    applicant: Actor,
    opened_by: Actor,
    opened_as: Opener,
    opened_at: DateTime<Utc>,
    fast_track: bool,
    status: Status,
    steps: Vec<StepState>,
    decision: Option<Decision>,
    previous_decisions: Vec<Decision>,
    appeals: Vec<Appeal>,
    deferral: Option<Deferral>,
    sign_off: Option<SignOff>,
    history: Vec<Event>,
}

impl Application {
    /// Open an application for a route from the route's definition: the worker (or a
    /// manager in their line-management chain, where the route's `opened_by` allows it)
    /// opens it as a draft carrying the route's steps in order.
    pub fn open(
        f: &Framework,
        request: &OpenRequest,
        line: &LineManagement,
        audit: &Audit,
    ) -> Result<Application, ProgressionError> {
        require_why(audit, "opening an application")?;
        let route = f.route(&request.route).ok_or_else(|| {
            ProgressionError::unavailable(format!(
                "{} has no route `{}`; its routes are: {}",
                f.framework.authority,
                request.route,
                f.routes.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ")
            ))
        })?;
        let level_name = |id: &LevelId| f.level(id).map(|l| l.name.clone()).unwrap_or_else(|| id.to_string());
        if !route.leaves(&request.current_level) {
            let starts = match route.from.level() {
                Some(from) => format!("starts at {}", level_name(from)),
                None => format!("leads to {}", level_name(&route.to)),
            };
            return Err(ProgressionError::unavailable(format!(
                "\"{}\" {starts}; the worker is at {}",
                route.name,
                level_name(&request.current_level)
            )));
        }
        if route.trigger == Trigger::AsyePass {
            return Err(ProgressionError::unavailable(format!(
                "\"{}\" is not applied for: it opens when the worker passes the ASYE",
                route.name
            )));
        }
        let allowed: Vec<&str> = if route.opened_by.is_empty() {
            vec!["worker"]
        } else {
            route.opened_by.iter().map(String::as_str).collect()
        };
        match request.opened_as {
            Opener::AsyePass => {
                return Err(ProgressionError::unavailable(
                    "applications opened on an ASYE pass come from the ASYE programme",
                ));
            }
            o if !allowed.contains(&o.code()) => {
                return Err(ProgressionError::not_permitted(
                    "wrong-opener",
                    format!("\"{}\" is opened by the {}, not the {}", route.name, allowed.join(" or "), o.code()),
                ));
            }
            Opener::Worker if audit.by.person != request.worker => {
                return Err(ProgressionError::not_permitted(
                    "not-applicant",
                    format!("{} is not the worker; only the worker opens their own application", audit.by.name),
                ));
            }
            Opener::Manager if audit.by.person == request.worker || !line.contains(audit.by.person) => {
                return Err(ProgressionError::not_permitted(
                    "not-manager",
                    format!("{} is not in the worker's line-management chain", audit.by.name),
                ));
            }
            _ => {}
        }
        if request.fast_track {
            fast_track_allowed(f, route)?;
        }
        require_text("worker's name", &request.worker_name)?;
        let applicant = Actor::new(request.worker, request.worker_name.trim(), WORKER_ROLE);
        let mut app = Application::from_route(f, route, applicant, audit, request.opened_as, request.fast_track);
        app.from_level = Some(request.current_level.clone());
        app.from_level_name = level_name(&request.current_level);
        Ok(app)
    }

    /// A new draft for `route`, with the Opened event. Checks are the caller's.
    pub(crate) fn from_route(
        f: &Framework,
        route: &Route,
        applicant: Actor,
        audit: &Audit,
        opened_as: Opener,
        fast_track: bool,
    ) -> Application {
        let mut role_names = BTreeMap::new();
        let roles = route
            .steps
            .iter()
            .flat_map(|s| s.assessors.iter().map(|a| &a.role))
            .chain(route.decided_by.iter())
            .chain(route.signed_off_by.iter())
            .chain(route.independent_roles.iter());
        for r in roles {
            let name = if r.as_str() == WORKER_ROLE {
                "worker".to_owned()
            } else {
                f.role(r).map(|x| x.name.clone()).unwrap_or_else(|| r.to_string())
            };
            role_names.insert(r.clone(), name);
        }
        let level_name = |id: &LevelId| f.level(id).map(|l| l.name.clone()).unwrap_or_else(|| id.to_string());
        let steps = route.steps.iter().map(|s| StepState::new(s, &applicant)).collect();
        let mut app = Application {
            framework: f.framework.id.clone(),
            framework_version: f.framework.version.clone(),
            authority: f.framework.authority.clone(),
            route: route.clone(),
            from_level: route.from.level().cloned(),
            from_level_name: route.from.level().map(level_name).unwrap_or_else(|| "any level".to_owned()),
            to_level_name: level_name(&route.to),
            role_names,
            worker: applicant.person,
            applicant,
            opened_by: audit.by.clone(),
            opened_as,
            opened_at: audit.at,
            fast_track,
            status: Status::Draft,
            steps,
            decision: None,
            previous_decisions: Vec::new(),
            appeals: Vec::new(),
            deferral: None,
            sign_off: None,
            history: Vec::new(),
        };
        app.push(audit, Status::Draft, Change::Opened { route: route.id.clone(), opened_as, fast_track });
        app
    }

    // ----- reading -----

    /// The framework's id.
    pub fn framework(&self) -> &FrameworkId {
        &self.framework
    }

    /// The framework version the application was opened under.
    pub fn framework_version(&self) -> &str {
        &self.framework_version
    }

    /// The route, as it was defined when the application was opened.
    pub fn route(&self) -> &Route {
        &self.route
    }

    /// The worker applying.
    pub fn worker(&self) -> WorkerId {
        self.worker
    }

    /// The worker, as an actor in the `worker` role.
    pub fn applicant(&self) -> &Actor {
        &self.applicant
    }

    /// Who opened it.
    pub fn opened_by(&self) -> &Actor {
        &self.opened_by
    }

    /// Whether the worker or a manager opened it, or an ASYE pass.
    pub fn opened_as(&self) -> Opener {
        self.opened_as
    }

    /// When it was opened.
    pub fn opened_at(&self) -> DateTime<Utc> {
        self.opened_at
    }

    /// Whether it is fast track.
    pub fn fast_track(&self) -> bool {
        self.fast_track
    }

    /// Where it is.
    pub fn status(&self) -> Status {
        self.status
    }

    /// Its steps, in the route's order.
    pub fn steps(&self) -> &[StepState] {
        &self.steps
    }

    /// The step with this id.
    pub fn step(&self, id: &str) -> Option<&StepState> {
        self.steps.iter().find(|s| s.id() == id)
    }

    /// The decision in force.
    pub fn decision(&self) -> Option<&Decision> {
        self.decision.as_ref()
    }

    /// Decisions replaced by an appeal or a resubmission, oldest first.
    pub fn previous_decisions(&self) -> &[Decision] {
        &self.previous_decisions
    }

    /// Appeals, oldest first.
    pub fn appeals(&self) -> &[Appeal] {
        &self.appeals
    }

    /// The deferral, while deferred.
    pub fn deferral(&self) -> Option<&Deferral> {
        self.deferral.as_ref()
    }

    /// The sign-off, once signed off.
    pub fn sign_off_record(&self) -> Option<&SignOff> {
        self.sign_off.as_ref()
    }

    /// The record change to append to the worker's timeline, once signed off.
    pub fn record_change(&self) -> Option<&NewTimelineEntry> {
        self.sign_off.as_ref().map(|s| &s.record_change)
    }

    /// Every transition, oldest first.
    pub fn history(&self) -> &[Event] {
        &self.history
    }

    /// What storage indexes.
    pub fn summary(&self) -> ApplicationSummary {
        ApplicationSummary {
            framework: self.framework.clone(),
            route: self.route.id.clone(),
            worker: self.worker,
            status: self.status.code(),
            fast_track: self.fast_track,
            opened_at: self.opened_at,
            updated_at: self.history.last().map(|e| e.at).unwrap_or(self.opened_at),
            decision: self.decision.as_ref().map(|d| d.outcome.code()),
            effective_from: self.sign_off.as_ref().map(|s| s.effective_from),
        }
    }

    /// The roles that may decide: the route's `decided_by`, and the lead of any step that
    /// decides. Empty when the framework names nobody.
    pub fn decision_roles(&self) -> Vec<RoleId> {
        let mut roles: Vec<RoleId> = self.route.decided_by.iter().cloned().collect();
        for s in self.steps.iter().filter(|s| s.definition.decides) {
            let leads: Vec<&RoleId> = s.definition.assessors.iter().filter(|a| a.lead).map(|a| &a.role).collect();
            let from = if leads.is_empty() {
                s.definition.assessors.iter().map(|a| &a.role).filter(|r| r.as_str() != WORKER_ROLE).collect()
            } else {
                leads
            };
            for r in from {
                if !roles.contains(r) {
                    roles.push(r.clone());
                }
            }
        }
        roles
    }

    /// Whether the route has a panel, interview or moderation stage.
    pub fn has_panel_stage(&self) -> bool {
        self.steps.iter().any(StepState::is_panel_stage)
    }

    fn role_name(&self, role: &RoleId) -> String {
        self.role_names.get(role).cloned().unwrap_or_else(|| role.to_string())
    }

    fn authority_short(&self) -> String {
        authority_short(&self.authority)
    }

    // ----- internals -----

    fn push(&mut self, audit: &Audit, to: Status, change: Change) {
        let seq = u32::try_from(self.history.len()).unwrap_or(u32::MAX).saturating_add(1);
        self.history.push(Event {
            seq,
            at: audit.at,
            by: audit.by.clone(),
            why: audit.why.trim().to_owned(),
            from: self.status,
            to,
            change,
            backdated: audit.backdated.clone(),
            entered_by: audit.entered_by.clone(),
            entered_from: audit.entered_from.clone(),
        });
        self.status = to;
    }

    fn refuse(&self, action: &'static str, message: impl Into<String>) -> ProgressionError {
        ProgressionError::InvalidTransition { action, state: self.status.code().to_owned(), message: message.into() }
    }

    fn expect_status(&self, action: &'static str, allowed: &[Status]) -> Result<(), ProgressionError> {
        if allowed.contains(&self.status) {
            return Ok(());
        }
        let wanted: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
        Err(self.refuse(
            action,
            format!("cannot {action} an application that is {}; it must be {}", self.status, wanted.join(" or ")),
        ))
    }

    fn not_the_applicant(&self, audit: &Audit, action: &'static str) -> Result<(), ProgressionError> {
        if audit.by.person == self.worker {
            return Err(ProgressionError::not_permitted(
                "own-application",
                format!(
                    "{} is the applicant; nobody may {action} their own application (rule: own-application)",
                    audit.by.name
                ),
            ));
        }
        Ok(())
    }

    fn applicant_or_opener(&self, audit: &Audit, action: &'static str) -> Result<(), ProgressionError> {
        if audit.by.person == self.worker || audit.by.person == self.opened_by.person {
            return Ok(());
        }
        Err(ProgressionError::not_permitted(
            "not-applicant",
            format!("only the worker or the person who opened the application may {action} it"),
        ))
    }

    fn check_framework(&self, f: &Framework) -> Result<(), ProgressionError> {
        if f.framework.id != self.framework {
            return Err(ProgressionError::invalid(
                "framework",
                format!("this application is under {}, not {}", self.framework, f.framework.id),
            ));
        }
        Ok(())
    }

    fn step_index(&self, id: &str) -> Result<usize, ProgressionError> {
        self.steps.iter().position(|s| s.id() == id).ok_or_else(|| ProgressionError::UnknownStep {
            step: id.to_owned(),
            known: self.steps.iter().map(|s| s.id()).collect::<Vec<_>>().join(", "),
        })
    }

    /// Steps before the first panel/interview/moderation step: these must be done before
    /// the application goes to the panel.
    fn pre_panel_steps(&self) -> &[StepState] {
        let end = self.steps.iter().position(StepState::is_panel_stage).unwrap_or(self.steps.len());
        &self.steps[..end]
    }

    fn outstanding<'s>(steps: impl Iterator<Item = &'s StepState>) -> Vec<String> {
        steps.filter(|s| s.status != StepStatus::Completed).map(|s| s.definition.title.clone()).collect()
    }

    // ----- commands -----

    /// Submit the draft. Refused until the evidence is complete (`evidence.ready`), unless
    /// the application is fast track, which the framework must allow for the route.
    pub fn submit(&self, evidence: &EvidenceVerdict, audit: &Audit) -> Result<Application, ProgressionError> {
        require_why(audit, "submitting")?;
        self.expect_status("submit", &[Status::Draft])?;
        self.applicant_or_opener(audit, "submit")?;
        if !evidence.ready && !self.fast_track {
            let missing = if evidence.missing.is_empty() {
                vec!["the coverage check says the portfolio is not ready".to_owned()]
            } else {
                evidence.missing.clone()
            };
            return Err(ProgressionError::EvidenceIncomplete { missing });
        }
        let mut next = self.clone();
        next.push(
            audit,
            Status::Submitted,
            Change::Submitted { evidence: evidence.clone(), fast_track: self.fast_track },
        );
        Ok(next)
    }

    /// Begin assessment of a submitted application.
    pub fn begin_assessment(&self, audit: &Audit) -> Result<Application, ProgressionError> {
        require_why(audit, "beginning assessment")?;
        self.expect_status("begin assessment of", &[Status::Submitted])?;
        self.not_the_applicant(audit, "begin assessment of")?;
        let mut next = self.clone();
        next.push(audit, Status::InAssessment, Change::AssessmentStarted);
        Ok(next)
    }

    /// Why `assessor` may not take `slot` of step `s`, given the worker's line management
    /// `line` (on the day that matters): a place marked `own` needs the worker's own holder
    /// of the role; a place marked `independent` (or a role in the route's
    /// `independent_roles`) needs someone outside the worker's chain. `None` when they may.
    fn relation_problem(
        &self,
        s: &StepState,
        slot: &Slot,
        assessor: &Actor,
        line: &LineManagement,
    ) -> Option<(AssignmentRule, String)> {
        let title = &s.definition.title;
        let role_name = self.role_name(&slot.role);
        let authority = self.authority_short();
        let independent = slot.relation == Relation::Independent || self.route.independent_roles.contains(&slot.role);
        if slot.relation == Relation::Own && !line.is_own(&slot.role, assessor.person) {
            return Some((
                AssignmentRule::MustBeOwn,
                format!(
                    "{} is not the worker's own {role_name}; {authority}'s \"{title}\" needs the worker's own {role_name}",
                    assessor.name
                ),
            ));
        }
        if independent && !assessor.is_worker_role() {
            let why_not = if line.is_own(&slot.role, assessor.person) {
                Some(format!("{} is the worker's own {role_name}", assessor.name))
            } else {
                line.chain.iter().find(|l| l.holder == assessor.person).map(|l| {
                    format!(
                        "{} is in the worker's line-management chain (their {})",
                        assessor.name,
                        self.role_name(&l.role)
                    )
                })
            };
            if let Some(why_not) = why_not {
                let route_rule = if self.route.independent_roles.contains(&slot.role) {
                    format!("{authority}'s route to {} needs an independent {role_name}", self.to_level_name)
                } else {
                    format!("{authority}'s \"{title}\" needs an independent {role_name}")
                };
                return Some((AssignmentRule::MustBeIndependent, format!("{why_not}; {route_rule} for \"{title}\"")));
            }
        }
        None
    }

    /// Check the people assigned to `step` against the worker's line management on the day
    /// the step took place (`line`, read for that day): someone independent when assigned
    /// may have become the worker's own head of service by the day of the interview.
    pub fn check_assessors(&self, step: &str, line: &LineManagement) -> Result<(), ProgressionError> {
        let s = &self.steps[self.step_index(step)?];
        for slot in &s.slots {
            if let Some(holder) = &slot.holder
                && let Some((rule, message)) = self.relation_problem(s, slot, holder, line)
            {
                return Err(ProgressionError::AssignmentBlocked {
                    rule,
                    message: format!("on the day of the step, {message}"),
                });
            }
        }
        Ok(())
    }

    /// Assign `assessor` (a person in a role) to a step, enforcing the framework's rules:
    /// the role must be one the step lists; nobody assesses their own application; a place
    /// marked `own` needs the worker's own holder of the role; a place marked `independent`
    /// (or a role in the route's `independent_roles`) needs someone outside the worker's
    /// line-management chain. `line` is the worker's line-management chain.
    pub fn assign(
        &self,
        step: &str,
        assessor: &Actor,
        line: &LineManagement,
        audit: &Audit,
    ) -> Result<Application, ProgressionError> {
        require_why(audit, "assigning an assessor")?;
        let i = self.step_index(step)?;
        let s = &self.steps[i];
        let blocked = |rule: AssignmentRule, message: String| ProgressionError::AssignmentBlocked { rule, message };
        let title = &s.definition.title;
        if !matches!(self.status, Status::Draft | Status::Submitted | Status::InAssessment | Status::AtPanel) {
            return Err(blocked(
                AssignmentRule::StepClosed,
                format!("assessors cannot be assigned to an application that is {}", self.status),
            ));
        }
        if s.status == StepStatus::Completed {
            return Err(blocked(AssignmentRule::StepClosed, format!("\"{title}\" is already completed")));
        }
        let Some(slot_index) = s
            .slots
            .iter()
            .position(|p| p.role == assessor.role && p.holder.is_none())
            .or_else(|| s.slots.iter().position(|p| p.role == assessor.role))
        else {
            let roles: Vec<String> = s.slots.iter().map(|p| self.role_name(&p.role)).collect();
            return Err(blocked(
                AssignmentRule::RoleNotOnStep,
                format!(
                    "{} is acting as {}, but \"{title}\" is assessed by: {}",
                    assessor.name,
                    self.role_name(&assessor.role),
                    roles.join(", ")
                ),
            ));
        };
        let slot = &s.slots[slot_index];
        if assessor.is_worker_role() {
            if assessor.person != self.worker {
                return Err(blocked(
                    AssignmentRule::RoleNotOnStep,
                    format!("only the applicant takes the worker's part in \"{title}\""),
                ));
            }
        } else if assessor.person == self.worker {
            return Err(blocked(
                AssignmentRule::OwnApplication,
                format!("{} is the applicant; nobody assesses their own application", assessor.name),
            ));
        }
        if let Some((rule, message)) = self.relation_problem(s, slot, assessor, line) {
            return Err(blocked(rule, message));
        }
        if let Some(other) = s
            .slots
            .iter()
            .enumerate()
            .find(|(k, p)| *k != slot_index && p.holder.as_ref().is_some_and(|h| h.person == assessor.person))
        {
            return Err(blocked(
                AssignmentRule::AlreadyOnStep,
                format!(
                    "{} already takes part in \"{title}\" as {}; each place needs a different person",
                    assessor.name,
                    self.role_name(&other.1.role)
                ),
            ));
        }
        let mut next = self.clone();
        let step_state = &mut next.steps[i];
        let replaced = step_state.slots[slot_index].holder.replace(assessor.clone());
        if step_state.status == StepStatus::Pending {
            step_state.status = step_state.assigned_status();
        }
        let status = next.status;
        next.push(audit, status, Change::Assigned { step: step.to_owned(), assessor: assessor.clone(), replaced });
        Ok(next)
    }

    fn check_step_actor(&self, s: &StepState, audit: &Audit, action: &'static str) -> Result<(), ProgressionError> {
        let holders: Vec<&Slot> = s.slots.iter().filter(|p| p.holder.is_some()).collect();
        let leads: Vec<&Slot> = holders.iter().copied().filter(|p| p.lead).collect();
        let may: Vec<&Slot> = if leads.is_empty() { holders } else { leads };
        if may.iter().any(|p| p.holder.as_ref().is_some_and(|h| h.person == audit.by.person)) {
            return Ok(());
        }
        let names: Vec<String> = may
            .iter()
            .filter_map(|p| p.holder.as_ref().map(|h| format!("{} ({})", h.name, self.role_name(&p.role))))
            .collect();
        Err(ProgressionError::not_permitted(
            "not-assessor",
            if names.is_empty() {
                format!("nobody is assigned to \"{}\" yet", s.definition.title)
            } else {
                format!("only {} may {action} \"{}\"", names.join(" or "), s.definition.title)
            },
        ))
    }

    /// Mark a step as in progress. Only someone assigned to it (its lead, where it has one)
    /// may start it.
    pub fn start_step(&self, step: &str, audit: &Audit) -> Result<Application, ProgressionError> {
        require_why(audit, "starting a step")?;
        self.expect_status("start a step of", &[Status::InAssessment, Status::AtPanel])?;
        let i = self.step_index(step)?;
        let s = &self.steps[i];
        if s.status != StepStatus::Assigned {
            return Err(self.refuse(
                "start a step of",
                format!("\"{}\" is {}; only an assigned step can be started", s.definition.title, s.status.code()),
            ));
        }
        self.check_step_actor(s, audit, "start")?;
        let mut next = self.clone();
        next.steps[i].status = StepStatus::InProgress;
        let status = next.status;
        next.push(audit, status, Change::StepStarted { step: step.to_owned() });
        Ok(next)
    }

    /// Complete a step with its outcome and form. The form must fit the step's definition
    /// (an audit of 3 files where the step needs 4 is refused, and says so); every place on
    /// the step must be filled; the step's lead (or, without one, anyone assigned)
    /// completes it. Steps that decide the application are completed by [`Self::decide`].
    pub fn complete_step(
        &self,
        step: &str,
        completion: &StepCompletion,
        audit: &Audit,
    ) -> Result<Application, ProgressionError> {
        require_why(audit, "completing a step")?;
        self.expect_status("complete a step of", &[Status::InAssessment, Status::AtPanel])?;
        let i = self.step_index(step)?;
        let s = &self.steps[i];
        let title = s.definition.title.clone();
        if s.status == StepStatus::Completed {
            return Err(self.refuse("complete a step of", format!("\"{title}\" is already completed")));
        }
        if s.definition.decides {
            return Err(self.refuse(
                "complete a step of",
                format!("\"{title}\" decides the application; record the decision instead"),
            ));
        }
        if s.is_panel_stage() && self.status != Status::AtPanel {
            return Err(self.refuse(
                "complete a step of",
                format!("\"{title}\" happens at the panel or interview stage; refer the application first"),
            ));
        }
        let empty: Vec<String> =
            s.slots.iter().filter(|p| p.holder.is_none()).map(|p| self.role_name(&p.role)).collect();
        if !empty.is_empty() {
            return Err(ProgressionError::StepsOutstanding {
                steps: vec![format!("\"{title}\" still needs assessors assigned: {}", empty.join(", "))],
            });
        }
        self.check_step_actor(s, audit, "complete")?;
        let mut problems = completion.record.problems(&s.definition, &s.participants(), audit.date());
        let notes = completion.notes.as_deref().map(str::trim).filter(|n| !n.is_empty());
        if completion.outcome != StepOutcome::Met && notes.is_none() {
            problems.push("an outcome other than \"met\" needs notes saying why".to_owned());
        }
        if !problems.is_empty() {
            return Err(ProgressionError::FormInvalid { step: title, problems });
        }
        let mut next = self.clone();
        let done = Completion {
            outcome: completion.outcome,
            notes: notes.map(str::to_owned),
            record: completion.record.clone(),
            by: audit.by.clone(),
            at: audit.at,
        };
        next.steps[i].status = StepStatus::Completed;
        next.steps[i].completion = Some(done);
        let status = next.status;
        next.push(
            audit,
            status,
            Change::StepCompleted {
                step: step.to_owned(),
                outcome: completion.outcome,
                notes: notes.map(str::to_owned),
                record: Box::new(completion.record.clone()),
            },
        );
        Ok(next)
    }

    /// Send the application to its panel or interview. Every step before the route's first
    /// panel, interview or moderation step must be completed.
    pub fn refer_to_panel(&self, panel: Option<PanelRef>, audit: &Audit) -> Result<Application, ProgressionError> {
        require_why(audit, "referring to panel")?;
        self.expect_status("refer to panel", &[Status::InAssessment])?;
        self.not_the_applicant(audit, "refer to panel")?;
        if !self.has_panel_stage() {
            return Err(self.refuse(
                "refer to panel",
                format!(
                    "\"{}\" has no panel, interview or moderation step; decide it after assessment",
                    self.route.name
                ),
            ));
        }
        let outstanding = Self::outstanding(self.pre_panel_steps().iter());
        if !outstanding.is_empty() {
            return Err(ProgressionError::StepsOutstanding { steps: outstanding });
        }
        let mut next = self.clone();
        next.push(audit, Status::AtPanel, Change::ReferredToPanel { panel });
        Ok(next)
    }

    fn check_decider(&self, audit: &Audit) -> Result<(), ProgressionError> {
        self.not_the_applicant(audit, "decide")?;
        let roles = self.decision_roles();
        if !roles.is_empty() && !roles.contains(&audit.by.role) {
            let names: Vec<String> = roles.iter().map(|r| self.role_name(r)).collect();
            return Err(ProgressionError::not_permitted(
                "wrong-role",
                format!(
                    "{}'s \"{}\" is decided by the {}; {} is acting as {}",
                    self.authority_short(),
                    self.route.name,
                    names.join(" or "),
                    audit.by.name,
                    self.role_name(&audit.by.role)
                ),
            ));
        }
        // Where the deciding step's place is "own" or "independent", the rule was checked at
        // assignment, so only the assigned person may decide.
        for s in self.steps.iter().filter(|s| s.definition.decides) {
            for p in s.slots.iter().filter(|p| p.role == audit.by.role) {
                let strict = p.relation != Relation::Any || self.route.independent_roles.contains(&p.role);
                match &p.holder {
                    Some(h) if h.person != audit.by.person && strict => {
                        return Err(ProgressionError::not_permitted(
                            "not-assessor",
                            format!("\"{}\" is assigned to {}; only they may decide", s.definition.title, h.name),
                        ));
                    }
                    None if strict => {
                        return Err(ProgressionError::StepsOutstanding {
                            steps: vec![format!(
                                "assign the {} to \"{}\" before deciding",
                                self.role_name(&p.role),
                                s.definition.title
                            )],
                        });
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Separation of duties where the framework is silent: a route with assessment steps is
    /// not decided by someone in the applicant's line-management chain (`line`, on the day)
    /// alone; somebody else (not the applicant) must have taken part in an assessment step.
    pub fn check_not_decided_alone(&self, decider: &Actor, line: &LineManagement) -> Result<(), ProgressionError> {
        if !line.contains(decider.person) {
            return Ok(());
        }
        let assessed: Vec<&StepState> = self
            .steps
            .iter()
            .filter(|s| !s.definition.decides && s.slots.iter().any(|p| p.role.as_str() != WORKER_ROLE))
            .collect();
        if assessed.is_empty() {
            return Ok(());
        }
        let others = assessed.iter().flat_map(|s| s.slots.iter()).any(|p| {
            p.role.as_str() != WORKER_ROLE
                && p.holder.as_ref().is_some_and(|h| h.person != decider.person && h.person != self.worker)
        });
        if others {
            return Ok(());
        }
        Err(ProgressionError::not_permitted(
            "line-manager-alone",
            format!(
                "{} is in {}'s line management and assessed every step of \"{}\" alone; a route with assessment \
                 steps is not decided by the applicant's line manager alone (rule: line-manager-alone)",
                decider.name, self.applicant.name, self.route.name
            ),
        ))
    }

    /// Who signs off where the framework names no signer: someone in the applicant's
    /// line-management chain on the day (`line`), not a manager of another team.
    pub fn check_default_signer(&self, signer: &Actor, line: &LineManagement) -> Result<(), ProgressionError> {
        if self.route.signed_off_by.is_some() || line.contains(signer.person) {
            return Ok(());
        }
        Err(ProgressionError::not_permitted(
            "signer-not-in-line",
            format!(
                "{} is not in {}'s line management on the day; where {} names no signer for \"{}\", a manager in \
                 the applicant's own line signs off the pay change (rule: signer-not-in-line)",
                signer.name,
                self.applicant.name,
                self.authority_short(),
                self.route.name
            ),
        ))
    }

    /// Decide the application: approved, not yet approved (with feedback and a resubmission
    /// date), or rejected. Every step that does not decide must be completed; a route with a
    /// panel or interview stage must be at it; the decider must hold the route's decision
    /// role (where the framework names one) and must not be the applicant.
    pub fn decide(&self, outcome: &DecisionOutcome, audit: &Audit) -> Result<Application, ProgressionError> {
        self.decide_with(outcome, None, audit)
    }

    pub(crate) fn decide_with(
        &self,
        outcome: &DecisionOutcome,
        panel: Option<PanelRef>,
        audit: &Audit,
    ) -> Result<Application, ProgressionError> {
        require_why(audit, "deciding")?;
        let stage = if self.has_panel_stage() { Status::AtPanel } else { Status::InAssessment };
        self.expect_status("decide", &[stage])?;
        let outstanding = Self::outstanding(self.steps.iter().filter(|s| !s.definition.decides));
        if !outstanding.is_empty() {
            return Err(ProgressionError::StepsOutstanding { steps: outstanding });
        }
        self.check_decider(audit)?;
        outcome.check(audit.date())?;
        let mut next = self.clone();
        next.record_decision(outcome, panel, false, audit);
        Ok(next)
    }

    fn record_decision(&mut self, outcome: &DecisionOutcome, panel: Option<PanelRef>, on_appeal: bool, audit: &Audit) {
        let step_outcome = if outcome.is_approved() { StepOutcome::Met } else { StepOutcome::NotMet };
        let feedback = match outcome {
            DecisionOutcome::Approved { feedback } => feedback.clone(),
            DecisionOutcome::NotYetApproved { feedback, .. } | DecisionOutcome::Rejected { feedback } => {
                Some(feedback.clone())
            }
        };
        for s in self.steps.iter_mut().filter(|s| s.definition.decides) {
            s.status = StepStatus::Completed;
            s.completion = Some(Completion {
                outcome: step_outcome,
                notes: feedback.clone(),
                record: StepRecord::Decision(DecisionRecord { outcome: outcome.clone(), panel: panel.clone() }),
                by: audit.by.clone(),
                at: audit.at,
            });
        }
        let decision = Decision {
            outcome: outcome.clone(),
            by: audit.by.clone(),
            at: audit.at,
            why: audit.why.trim().to_owned(),
            panel: panel.clone(),
            on_appeal,
        };
        if let Some(old) = self.decision.replace(decision.clone())
            && !on_appeal
        {
            self.previous_decisions.push(old);
        }
        self.push(audit, Status::Decided, Change::Decided { outcome: outcome.clone(), panel, on_appeal });
    }

    /// The pay change this application would bring if signed off with `effective_from`:
    /// old salary, new salary (by the framework's promotion placement), the next increment
    /// date. `current` is the worker's position (see [`CurrentPosition::from_timeline`]);
    /// `chosen_point` overrides the placement where a person must choose it.
    pub fn pay_change_preview(
        &self,
        f: &Framework,
        current: &CurrentPosition,
        effective_from: NaiveDate,
        chosen_point: Option<&str>,
    ) -> Result<PayChangePreview, ProgressionError> {
        self.check_framework(f)?;
        let left = self.from_level.as_ref().or(self.route.from.level());
        if left.is_some_and(|from| current.level != *from) || current.level == self.route.to {
            return Err(ProgressionError::invalid(
                "current level",
                format!("the worker is at {}, but this route starts at {}", current.level, self.from_level_name),
            ));
        }
        preview_move(f, Some(current), &self.route.to, effective_from, chosen_point, false)
    }

    /// Sign off an approved application: fixes the effective date, the pay change (shown
    /// beforehand by [`Self::pay_change_preview`], recomputed here so what is signed is what
    /// was shown) and the record change to append to the worker's timeline.
    pub fn sign_off(
        &self,
        f: &Framework,
        current: &CurrentPosition,
        effective_from: NaiveDate,
        chosen_point: Option<&str>,
        audit: &Audit,
    ) -> Result<Application, ProgressionError> {
        require_why(audit, "signing off")?;
        self.expect_status("sign off", &[Status::Decided])?;
        let Some(decision) = &self.decision else {
            return Err(self.refuse("sign off", "there is no decision to sign off"));
        };
        if !decision.outcome.is_approved() {
            return Err(self.refuse(
                "sign off",
                format!("only an approval is signed off; the decision is {}", decision.outcome.code()),
            ));
        }
        self.not_the_applicant(audit, "sign off")?;
        if decision.by.person == audit.by.person && !self.route.decider_signs_off {
            return Err(ProgressionError::not_permitted(
                "signer-is-decider",
                format!(
                    "{} decided this application; a pay change is signed off by someone other than whoever decided \
                     it (rule: signer-is-decider)",
                    audit.by.name
                ),
            ));
        }
        if let Some(role) = &self.route.signed_off_by
            && *role != audit.by.role
        {
            return Err(ProgressionError::not_permitted(
                "wrong-role",
                format!(
                    "{}'s \"{}\" is signed off by the {}; {} is acting as {}",
                    self.authority_short(),
                    self.route.name,
                    self.role_name(role),
                    audit.by.name,
                    self.role_name(&audit.by.role)
                ),
            ));
        }
        let note = format!("{} ({}), signed off by {}", self.route.name, self.framework, audit.by.name);
        self.signed_off(f, current, effective_from, chosen_point, &note, audit)
    }

    /// Schedule an approved automatic move (a route opened by the ASYE pass) without anyone
    /// signing it off: the route says the move follows automatically, so the recorded pass
    /// is the authority for it. The pay change is fixed as [`Self::sign_off`] fixes it and
    /// takes effect on `effective_from`; `audit.why` ("automatic, because ...") is the note
    /// on the worker's new timeline entry. A pay point that must be chosen, or pay that would
    /// fall, still needs a person (rule: automatic-only-when-nothing-to-decide).
    pub fn schedule_automatically(
        &self,
        f: &Framework,
        current: &CurrentPosition,
        effective_from: NaiveDate,
        audit: &Audit,
    ) -> Result<Application, ProgressionError> {
        require_why(audit, "scheduling an automatic move")?;
        if self.opened_as != Opener::AsyePass {
            return Err(self.refuse(
                "schedule automatically",
                "only a route opened by the ASYE pass moves without a sign-off (rule: automatic-route)",
            ));
        }
        self.expect_status("schedule automatically", &[Status::Decided])?;
        if !self.decision.as_ref().is_some_and(|d| d.outcome.is_approved()) {
            return Err(self.refuse("schedule automatically", "only an approval is scheduled (rule: automatic-route)"));
        }
        let note = format!("{} ({}): {}", self.route.name, self.framework, audit.why);
        self.signed_off(f, current, effective_from, None, &note, audit)
    }

    /// Fix the effective date, the pay change and the record change (after the checks of
    /// whoever, or whatever, signs off).
    fn signed_off(
        &self,
        f: &Framework,
        current: &CurrentPosition,
        effective_from: NaiveDate,
        chosen_point: Option<&str>,
        note: &str,
        audit: &Audit,
    ) -> Result<Application, ProgressionError> {
        if effective_from < self.opened_at.date_naive() {
            return Err(ProgressionError::invalid(
                "effective date",
                format!("{effective_from} is before the application was opened ({})", self.opened_at.date_naive()),
            ));
        }
        let pay_change = self.pay_change_preview(f, current, effective_from, chosen_point)?;
        if pay_change.needs_decision {
            return Err(ProgressionError::unavailable(format!(
                "the pay point must be chosen before sign-off: {}",
                pay_change.placement
            )));
        }
        if let Some(hold) = pay_change.held() {
            return Err(ProgressionError::not_permitted(
                "pay-never-falls",
                format!("the pay change is not signed off: it is {hold}"),
            ));
        }
        let reason =
            if self.opened_as == Opener::AsyePass { ChangeReason::AsyeCompleted } else { ChangeReason::Progression };
        let record_change = pay_change.timeline_entry(reason, note)?;
        let mut next = self.clone();
        next.sign_off = Some(SignOff {
            by: audit.by.clone(),
            at: audit.at,
            effective_from,
            pay_change: pay_change.clone(),
            record_change,
        });
        next.push(audit, Status::SignedOff, Change::SignedOff { effective_from, pay_change: Box::new(pay_change) });
        Ok(next)
    }

    /// Mark a signed-off application effective, on or after its effective date.
    pub fn make_effective(&self, audit: &Audit) -> Result<Application, ProgressionError> {
        require_why(audit, "making effective")?;
        self.expect_status("make effective", &[Status::SignedOff])?;
        let Some(sign_off) = &self.sign_off else {
            return Err(self.refuse("make effective", "there is no sign-off"));
        };
        if audit.date() < sign_off.effective_from {
            return Err(self.refuse(
                "make effective",
                format!("the change takes effect on {}; it is only {}", sign_off.effective_from, audit.date()),
            ));
        }
        if let Some(hold) = sign_off.pay_change.held() {
            return Err(ProgressionError::not_permitted(
                "pay-never-falls",
                format!("the pay change is not made effective: it is {hold}"),
            ));
        }
        let record_change = sign_off.record_change.clone();
        let mut next = self.clone();
        next.push(audit, Status::Effective, Change::MadeEffective { record_change });
        Ok(next)
    }

    /// Note in the history that `action` ("opened", "submitted") went ahead under an
    /// exception to the eligibility criteria. The status does not change.
    pub fn under_exception(&self, exception: ExceptionRef, action: &str, audit: &Audit) -> Application {
        let mut next = self.clone();
        next.push(audit, self.status, Change::UnderException { action: action.to_owned(), exception });
        next
    }

    /// Withdraw the application before it is decided.
    pub fn withdraw(&self, audit: &Audit) -> Result<Application, ProgressionError> {
        require_why(audit, "withdrawing")?;
        self.expect_status(
            "withdraw",
            &[Status::Draft, Status::Submitted, Status::InAssessment, Status::AtPanel, Status::Deferred],
        )?;
        let mut next = self.clone();
        next.deferral = None;
        next.push(audit, Status::Withdrawn, Change::Withdrawn);
        Ok(next)
    }

    /// Pause the application, optionally until a date; [`Self::resume`] returns it to where
    /// it was.
    pub fn defer(&self, until: Option<NaiveDate>, audit: &Audit) -> Result<Application, ProgressionError> {
        require_why(audit, "deferring")?;
        self.expect_status("defer", &[Status::Submitted, Status::InAssessment, Status::AtPanel])?;
        if let Some(u) = until
            && u <= audit.date()
        {
            return Err(ProgressionError::invalid(
                "deferred until",
                format!("{u} is not after today ({})", audit.date()),
            ));
        }
        let mut next = self.clone();
        next.deferral = Some(Deferral { resume_to: self.status, until });
        next.push(audit, Status::Deferred, Change::Deferred { until });
        Ok(next)
    }

    /// Resume a deferred application where it was.
    pub fn resume(&self, audit: &Audit) -> Result<Application, ProgressionError> {
        require_why(audit, "resuming")?;
        self.expect_status("resume", &[Status::Deferred])?;
        let Some(deferral) = &self.deferral else {
            return Err(self.refuse("resume", "there is no deferral on record"));
        };
        let to = deferral.resume_to;
        let mut next = self.clone();
        next.deferral = None;
        next.push(audit, to, Change::Resumed);
        Ok(next)
    }

    /// The worker appeals against a decision that did not approve them. One appeal per
    /// decision; decisions made on appeal are final.
    pub fn appeal(&self, grounds: &str, audit: &Audit) -> Result<Application, ProgressionError> {
        require_why(audit, "appealing")?;
        self.expect_status("appeal", &[Status::Decided])?;
        require_text("grounds of appeal", grounds)?;
        let Some(decision) = &self.decision else {
            return Err(self.refuse("appeal", "there is no decision to appeal against"));
        };
        if decision.outcome.is_approved() {
            return Err(self.refuse("appeal", "the application was approved; there is nothing to appeal against"));
        }
        if decision.on_appeal {
            return Err(self.refuse("appeal", "this decision was made on appeal and is final"));
        }
        if audit.by.person != self.worker {
            return Err(ProgressionError::not_permitted(
                "not-applicant",
                format!("only the worker may appeal; {} is not the applicant", audit.by.name),
            ));
        }
        let mut next = self.clone();
        next.appeals.push(Appeal {
            lodged_by: audit.by.clone(),
            lodged_at: audit.at,
            grounds: grounds.trim().to_owned(),
            against: decision.clone(),
            decided: None,
        });
        next.push(audit, Status::UnderAppeal, Change::AppealLodged { grounds: grounds.trim().to_owned() });
        Ok(next)
    }

    /// Decide an appeal: the new decision replaces the one appealed against. Whoever made
    /// the original decision may not decide the appeal.
    pub fn decide_appeal(&self, outcome: &DecisionOutcome, audit: &Audit) -> Result<Application, ProgressionError> {
        require_why(audit, "deciding an appeal")?;
        self.expect_status("decide the appeal on", &[Status::UnderAppeal])?;
        self.not_the_applicant(audit, "decide an appeal on")?;
        let Some(original) = &self.decision else {
            return Err(self.refuse("decide the appeal on", "there is no decision under appeal"));
        };
        if original.by.person == audit.by.person {
            return Err(ProgressionError::not_permitted(
                "same-decision-maker",
                format!("{} made the decision under appeal, so cannot decide the appeal", audit.by.name),
            ));
        }
        outcome.check(audit.date())?;
        let mut next = self.clone();
        if let Some(old) = next.decision.take() {
            next.previous_decisions.push(old);
        }
        let panel = original.panel.clone();
        next.record_decision(outcome, panel, true, audit);
        if let (Some(appeal), Some(d)) = (next.appeals.last_mut(), next.decision.clone()) {
            appeal.decided = Some(d);
        }
        Ok(next)
    }

    /// Reopen a "not yet approved" application as a draft, on or after its resubmission
    /// date. Steps start again; the earlier decision and forms stay in the history.
    pub fn reopen(&self, audit: &Audit) -> Result<Application, ProgressionError> {
        require_why(audit, "reopening")?;
        self.expect_status("reopen", &[Status::Decided])?;
        self.applicant_or_opener(audit, "reopen")?;
        let resubmit_from = match self.decision.as_ref().map(|d| &d.outcome) {
            Some(DecisionOutcome::NotYetApproved { resubmit_from, .. }) => *resubmit_from,
            _ => return Err(self.refuse("reopen", "only a \"not yet approved\" application is reopened to resubmit")),
        };
        if audit.date() < resubmit_from {
            return Err(self.refuse("reopen", format!("the worker may resubmit from {resubmit_from}")));
        }
        let mut next = self.clone();
        if let Some(old) = next.decision.take() {
            next.previous_decisions.push(old);
        }
        for s in &mut next.steps {
            s.reset();
        }
        next.push(audit, Status::Draft, Change::Reopened);
        Ok(next)
    }

    /// Complete a step from another record (an ASYE recommendation or moderation) and
    /// record it in the history.
    pub(crate) fn complete_from(&mut self, step: usize, completion: Completion, audit: &Audit) {
        let id = self.steps[step].id().to_owned();
        if let Some(slot) = self.steps[step].slots.iter_mut().find(|p| p.lead && p.holder.is_none()) {
            slot.holder = Some(completion.by.clone());
        }
        self.steps[step].status = StepStatus::Completed;
        let change = Change::StepCompleted {
            step: id,
            outcome: completion.outcome,
            notes: completion.notes.clone(),
            record: Box::new(completion.record.clone()),
        };
        self.steps[step].completion = Some(completion);
        let status = self.status;
        self.push(audit, status, change);
    }

    pub(crate) fn force_status(&mut self, audit: &Audit, to: Status, change: Change) {
        self.push(audit, to, change);
    }

    pub(crate) fn decide_automatically(&mut self, outcome: &DecisionOutcome, audit: &Audit) {
        self.record_decision(outcome, None, false, audit);
    }
}

/// Check the framework allows fast track for this route: both the framework's `[fast_track]`
/// and the route's `fast_track` must say so.
pub fn fast_track_allowed(f: &Framework, route: &Route) -> Result<(), ProgressionError> {
    let authority = authority_short(&f.framework.authority);
    match &f.fast_track {
        Some(ft) if ft.allowed && route.fast_track => Ok(()),
        Some(ft) if ft.allowed => {
            Err(ProgressionError::unavailable(format!("{authority} allows fast track, but not for \"{}\"", route.name)))
        }
        _ => Err(ProgressionError::unavailable(format!("{authority}'s framework does not offer fast track"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(*s));
            assert_eq!(serde_json::to_value(s).ok(), Some(serde_json::Value::String(s.code().to_owned())));
        }
    }
}
