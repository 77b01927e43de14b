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
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::framework::{
    Framework, FrameworkId, Grade, GradeId, LevelId, Relation, RoleId, Route, RouteId, Step, Trigger, WORKER_ROLE,
};
use crate::money::Pence;
use crate::pay;
use crate::workforce::{
    ChangeReason, InvalidValue, LineManagement, MAX_NOTE_CHARS, Name, NewTimelineEntry, Note, Timeline, WorkerId,
};

// ---------------------------------------------------------------------------------------
// Who, when, why

/// A person acting in a role: who did something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The person.
    pub person: WorkerId,
    /// Their name, as messages and the history show it.
    pub name: String,
    /// The role they act in: a framework role id, or `worker` for the applicant.
    pub role: RoleId,
}

impl Actor {
    /// `person`, called `name`, acting as `role`.
    pub fn new(person: WorkerId, name: impl Into<String>, role: impl Into<RoleId>) -> Actor {
        Actor { person, name: name.into(), role: role.into() }
    }

    /// Whether this actor acts as the applicant (`worker`).
    pub fn is_worker_role(&self) -> bool {
        self.role.as_str() == WORKER_ROLE
    }
}

/// Who did something, when and why. Every transition takes one and records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audit {
    /// Who.
    pub by: Actor,
    /// When (passed in: the core never reads the clock).
    pub at: DateTime<Utc>,
    /// Why, in the actor's words. Required.
    pub why: String,
}

impl Audit {
    /// `by` did something at `at` because `why`.
    pub fn new(by: Actor, at: DateTime<Utc>, why: impl Into<String>) -> Audit {
        Audit { by, at, why: why.into() }
    }

    /// The calendar date of `at`.
    pub fn date(&self) -> NaiveDate {
        self.at.date_naive()
    }
}

// ---------------------------------------------------------------------------------------
// Errors

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
        /// The rule: `own-application`, `wrong-role`, `not-applicant`, `same-decision-maker`.
        rule: &'static str,
        /// Why, in plain English.
        message: String,
    },
    /// An assessor assignment broke one of the framework's rules.
    #[error("{message}")]
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

/// Check a reason was given.
pub(crate) fn require_why(audit: &Audit, action: &'static str) -> Result<(), ProgressionError> {
    if audit.why.trim().is_empty() { Err(ProgressionError::ReasonRequired { action }) } else { Ok(()) }
}

/// Check free text is present and not absurdly long.
pub(crate) fn require_text(field: &'static str, text: &str) -> Result<(), ProgressionError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ProgressionError::invalid(field, "must not be empty"));
    }
    if t.chars().count() > MAX_NOTE_CHARS {
        return Err(ProgressionError::invalid(field, format!("is longer than {MAX_NOTE_CHARS} characters")));
    }
    Ok(())
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

// ---------------------------------------------------------------------------------------
// Ids and evidence

/// An application's id, assigned by storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApplicationId(i64);

impl ApplicationId {
    /// The id with this number.
    pub const fn new(id: i64) -> ApplicationId {
        ApplicationId(id)
    }

    /// The number.
    pub const fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for ApplicationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

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
    fn code(self) -> &'static str {
        match self {
            Opener::Worker => "worker",
            Opener::Manager => "manager",
            Opener::AsyePass => "asye-pass",
        }
    }
}

// ---------------------------------------------------------------------------------------
// Steps and their forms

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
    fn new(definition: &Step, applicant: &Actor) -> StepState {
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

    fn is_panel_stage(&self) -> bool {
        is_panel_kind(&self.definition.kind)
    }

    fn assigned_status(&self) -> StepStatus {
        // Worker places are filled at opening; the step counts as assigned once someone other
        // than the applicant is on it, or when the applicant is all it needs.
        let others = self.slots.iter().any(|s| s.role.as_str() != WORKER_ROLE && s.holder.is_some());
        let only_worker = !self.slots.is_empty() && self.slots.iter().all(|s| s.role.as_str() == WORKER_ROLE);
        if others || only_worker { StepStatus::Assigned } else { StepStatus::Pending }
    }

    fn reset(&mut self) {
        self.completion = None;
        self.status = self.assigned_status();
    }
}

fn is_panel_kind(kind: &str) -> bool {
    matches!(kind, "panel" | "interview" | "moderation")
}

/// The shape of form a step takes, from its `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormType {
    /// A written report: Part 1/2/3 forms, assessments, reviews.
    Report,
    /// A practice observation.
    PracticeObservation,
    /// An audit of case files.
    CaseFileAudit,
    /// A (reflective) interview.
    Interview,
    /// A recommendation to the decision-maker.
    Recommendation,
    /// A step that decides the application (a panel, moderation or sign-off): completed by
    /// recording the decision, not by a form.
    Decision,
}

impl FormType {
    /// The form a step of this definition takes.
    pub fn of(step: &Step) -> FormType {
        if step.decides {
            return FormType::Decision;
        }
        match step.kind.as_str() {
            "case-file-audit" => FormType::CaseFileAudit,
            "practice-observation" => FormType::PracticeObservation,
            "interview" => FormType::Interview,
            "recommendation" => FormType::Recommendation,
            _ => FormType::Report,
        }
    }
}

/// Whose report a report step is: the Part 1 / Part 2 / Part 3 pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    /// The worker's own report (Part 1).
    WorkerReport,
    /// The line manager's report (Part 2).
    LineManagerReport,
    /// An assessor's report (Part 3, or an independent assessor's form).
    AssessorReport,
}

impl ReportKind {
    /// Whose report the step asks for, from who leads it: the worker; their own manager;
    /// anyone else.
    pub fn of(step: &Step) -> ReportKind {
        let lead = step.assessors.iter().find(|a| a.lead).or_else(|| step.assessors.first());
        match lead {
            Some(a) if a.role.as_str() == WORKER_ROLE => ReportKind::WorkerReport,
            Some(a) if a.relation == Relation::Own => ReportKind::LineManagerReport,
            _ => ReportKind::AssessorReport,
        }
    }
}

/// A heading and its text in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSection {
    /// The heading, e.g. a PCF domain or a question on the form.
    pub heading: String,
    /// What the author wrote.
    pub text: String,
}

/// A written report: the worker's report (Part 1), the line manager's report (Part 2), an
/// assessor's report (Part 3), an assessment or a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The form's name as the framework prints it ("Part 1"); must match the step's.
    #[serde(default)]
    pub form: Option<String>,
    /// The report's conclusion in a paragraph.
    pub summary: String,
    /// The report's sections.
    #[serde(default)]
    pub sections: Vec<ReportSection>,
    /// PCF domains the report evidences.
    #[serde(default)]
    pub pcf_domains: Vec<String>,
    /// KSS statements the report evidences.
    #[serde(default)]
    pub kss_statements: Vec<String>,
}

/// A practice observation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeObservation {
    /// When the practice was observed.
    pub observed_on: NaiveDate,
    /// Where and what (a home visit, a child protection conference), without names.
    pub setting: String,
    /// What the observer saw and concluded.
    pub summary: String,
    /// PCF domains evidenced.
    #[serde(default)]
    pub pcf_domains: Vec<String>,
}

/// How an audited case file came out on one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditOutcome {
    /// The file shows the standard.
    Met,
    /// Partly.
    PartlyMet,
    /// The file does not show the standard.
    NotMet,
}

/// One check of one audited file, e.g. "timeliness": met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFinding {
    /// The check, as the step lists it.
    pub check: String,
    /// The outcome.
    pub outcome: AuditOutcome,
    /// The auditor's comment.
    #[serde(default)]
    pub comment: Option<String>,
}

/// One audited case file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditedFile {
    /// The case reference (a case number, never a child's name).
    pub case_reference: String,
    /// One finding per check the step lists.
    pub findings: Vec<AuditFinding>,
    /// Anything else the auditor noted.
    #[serde(default)]
    pub notes: Option<String>,
}

/// A case-file audit: exactly the step's number of files, each with a finding per check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFileAudit {
    /// The audited files.
    pub files: Vec<AuditedFile>,
}

/// The checks every audited file needs: the step's `checks`, or complexity and timeliness
/// when the step lists none.
pub fn audit_checks(step: &Step) -> Vec<String> {
    if step.checks.is_empty() { vec!["complexity".to_owned(), "timeliness".to_owned()] } else { step.checks.clone() }
}

/// A question and what was said, in an interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterviewAnswer {
    /// The question asked.
    pub question: String,
    /// The panel's notes on the answer.
    pub notes: String,
}

/// A (reflective) interview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interview {
    /// When it was held.
    pub held_on: NaiveDate,
    /// Who sat on it: every assigned interviewer must be here.
    pub present: Vec<WorkerId>,
    /// Questions and the notes on the answers.
    #[serde(default)]
    pub answers: Vec<InterviewAnswer>,
    /// The interviewers' conclusion.
    pub summary: String,
}

/// What a recommendation recommends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recommends {
    /// Progress (or pass).
    Progress,
    /// Do not progress yet (or fail).
    DoNotProgress,
}

/// A recommendation to the decision-maker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecommendationForm {
    /// What is recommended.
    pub recommends: Recommends,
    /// Why.
    pub rationale: String,
}

/// A decision recorded on the step that decides the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// The decision.
    pub outcome: DecisionOutcome,
    /// The panel that made it, if a panel did.
    #[serde(default)]
    pub panel: Option<PanelRef>,
}

/// A step's completed form, typed by the kind of step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum StepRecord {
    /// A written report (Part 1/2/3, assessment, review).
    Report(Report),
    /// A practice observation.
    PracticeObservation(PracticeObservation),
    /// A case-file audit.
    CaseFileAudit(CaseFileAudit),
    /// An interview.
    Interview(Interview),
    /// A recommendation.
    Recommendation(RecommendationForm),
    /// The decision, on a deciding step.
    Decision(DecisionRecord),
}

impl StepRecord {
    fn form_type(&self) -> FormType {
        match self {
            StepRecord::Report(_) => FormType::Report,
            StepRecord::PracticeObservation(_) => FormType::PracticeObservation,
            StepRecord::CaseFileAudit(_) => FormType::CaseFileAudit,
            StepRecord::Interview(_) => FormType::Interview,
            StepRecord::Recommendation(_) => FormType::Recommendation,
            StepRecord::Decision(_) => FormType::Decision,
        }
    }

    /// Every way this record fails the step's definition, in plain English; empty when it
    /// fits. `participants` are the people assigned to the step; `today` the completion date.
    pub fn problems(&self, step: &Step, participants: &[&Actor], today: NaiveDate) -> Vec<String> {
        let mut p = Vec::new();
        let expected = FormType::of(step);
        if self.form_type() != expected {
            let wanted = match expected {
                FormType::Report => "a report",
                FormType::PracticeObservation => "a practice observation",
                FormType::CaseFileAudit => "a case-file audit",
                FormType::Interview => "an interview record",
                FormType::Recommendation => "a recommendation",
                FormType::Decision => "the decision (record it as the application's decision)",
            };
            p.push(format!("this step takes {wanted}"));
            return p;
        }
        let blank = |s: &str| s.trim().is_empty();
        match self {
            StepRecord::Report(r) => {
                if let (Some(want), Some(got)) = (&step.form, &r.form)
                    && !want.trim().eq_ignore_ascii_case(got.trim())
                {
                    p.push(format!("this step's form is {want}, but the record is {got}"));
                }
                if blank(&r.summary) {
                    p.push("the report needs a summary".into());
                }
                for (i, s) in r.sections.iter().enumerate() {
                    if blank(&s.heading) || blank(&s.text) {
                        p.push(format!("section {} needs a heading and text", i + 1));
                    }
                }
            }
            StepRecord::PracticeObservation(o) => {
                if o.observed_on > today {
                    p.push(format!("the observation is dated {}, after today ({today})", o.observed_on));
                }
                if blank(&o.setting) {
                    p.push("say where the practice was observed (the setting)".into());
                }
                if blank(&o.summary) {
                    p.push("the observation needs a summary".into());
                }
            }
            StepRecord::CaseFileAudit(a) => check_audit(step, a, &mut p),
            StepRecord::Interview(i) => {
                if i.held_on > today {
                    p.push(format!("the interview is dated {}, after today ({today})", i.held_on));
                }
                for who in participants.iter().filter(|a| !a.is_worker_role()) {
                    if !i.present.contains(&who.person) {
                        p.push(format!("{} is assigned to the interview but is not recorded as present", who.name));
                    }
                }
                if blank(&i.summary) {
                    p.push("the interview needs a summary of the panel's conclusion".into());
                }
                for (n, a) in i.answers.iter().enumerate() {
                    if blank(&a.question) || blank(&a.notes) {
                        p.push(format!("answer {} needs the question and the notes", n + 1));
                    }
                }
            }
            StepRecord::Recommendation(r) => {
                if blank(&r.rationale) {
                    p.push("the recommendation needs a rationale".into());
                }
            }
            StepRecord::Decision(_) => {}
        }
        p
    }
}

fn check_audit(step: &Step, a: &CaseFileAudit, p: &mut Vec<String>) {
    let wanted = step.case_files.unwrap_or(1) as usize;
    let got = a.files.len();
    let exact = step.case_files.is_some();
    if (exact && got != wanted) || got == 0 {
        p.push(format!(
            "the audit needs {wanted} audited case file{}; {got} {} recorded",
            if wanted == 1 { "" } else { "s" },
            if got == 1 { "was" } else { "were" }
        ));
    }
    let checks = audit_checks(step);
    let mut seen: Vec<String> = Vec::new();
    for (i, file) in a.files.iter().enumerate() {
        let label = if file.case_reference.trim().is_empty() {
            p.push(format!("file {} needs its case reference", i + 1));
            format!("file {}", i + 1)
        } else {
            format!("case {}", file.case_reference.trim())
        };
        let key = file.case_reference.trim().to_lowercase();
        if !key.is_empty() {
            if seen.contains(&key) {
                p.push(format!("{label} is audited twice; audit {wanted} different files"));
            }
            seen.push(key);
        }
        for check in &checks {
            let n = file.findings.iter().filter(|f| f.check.trim().eq_ignore_ascii_case(check.trim())).count();
            match n {
                0 => p.push(format!("{label} has no outcome on \"{check}\"")),
                1 => {}
                _ => p.push(format!("{label} has {n} outcomes on \"{check}\"; give one")),
            }
        }
        for f in &file.findings {
            if !checks.iter().any(|c| c.trim().eq_ignore_ascii_case(f.check.trim())) {
                p.push(format!(
                    "{label} has an outcome on \"{}\", which this audit does not check (it checks: {})",
                    f.check,
                    checks.join("; ")
                ));
            }
        }
    }
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

// ---------------------------------------------------------------------------------------
// Decisions, appeals, panels

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
    pub panel: Option<i64>,
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
    pub record_change: RecordChange,
}

// ---------------------------------------------------------------------------------------
// Pay change and record change

/// A worker's position on the ladder: the level, and the grade and pay point where the
/// framework has them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentPosition {
    /// The level.
    pub level: LevelId,
    /// The grade.
    #[serde(default)]
    pub grade: Option<GradeId>,
    /// The pay point, as the framework prints it ("39", "top").
    #[serde(default)]
    pub point: Option<String>,
}

impl CurrentPosition {
    /// The position in force on `on`, from the worker's timeline.
    pub fn from_timeline(timeline: &Timeline, on: NaiveDate) -> Option<CurrentPosition> {
        timeline.on(on).map(|e| CurrentPosition {
            level: e.entry.level.clone(),
            grade: e.entry.grade.clone(),
            point: e.entry.point.as_ref().map(|p| p.as_str().to_owned()),
        })
    }
}

/// A grade and point with what it pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayPosition {
    /// The grade's id.
    pub grade: GradeId,
    /// The grade's printed name ("Grade 11").
    pub grade_name: String,
    /// The point's printed name ("39").
    pub point: String,
    /// The NJC SCP, where the point is one.
    pub scp: Option<u32>,
    /// Basic annual pay in pence, when published.
    #[serde(with = "pence_json")]
    pub basic_pence: Option<Pence>,
    /// Basic plus allowances in pence, when the basic is published.
    #[serde(with = "pence_json")]
    pub total_pence: Option<Pence>,
    /// The pay table the figure comes from.
    pub pay_year: Option<String>,
}

/// Money in stored applications is whole pence, both ways. (`Pence`'s own `Deserialize`
/// reads a bare number as pounds, the way framework files write salaries, so it would not
/// read back what it wrote.)
mod pence_json {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::money::Pence;

    pub fn serialize<S: Serializer>(v: &Option<Pence>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(p) => s.serialize_some(&p.get()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Pence>, D::Error> {
        Ok(Option::<i64>::deserialize(d)?.map(Pence))
    }
}

fn pay_position(f: &Framework, grade: &Grade, index: usize, on: NaiveDate, notes: &mut Vec<String>) -> PayPosition {
    let s = pay::salary_at(f, grade, index, on);
    for n in &s.notes {
        if !notes.contains(n) {
            notes.push(n.clone());
        }
    }
    PayPosition {
        grade: grade.id.clone(),
        grade_name: grade.name.clone(),
        point: s.point,
        scp: s.scp,
        basic_pence: s.basic_annual_pence,
        total_pence: s.total_annual_pence,
        pay_year: s.pay_year,
    }
}

/// The pay change a progression or appointment brings, shown before sign-off: old salary,
/// new salary, how the new point was chosen and the next increment date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayChangePreview {
    /// The framework.
    pub framework: FrameworkId,
    /// The day the change takes effect.
    pub effective_from: NaiveDate,
    /// The level before, if any (none for an external appointment).
    pub from_level: Option<LevelId>,
    /// The level after.
    pub to_level: LevelId,
    /// Grade, point and pay before.
    pub old: Option<PayPosition>,
    /// Grade, point and pay after.
    pub new: Option<PayPosition>,
    /// New basic pay minus old, when both are known.
    #[serde(with = "pence_json")]
    pub basic_change_pence: Option<Pence>,
    /// How the new point was chosen.
    pub placement: String,
    /// Whether a person must still choose the point (e.g. "assessed at interview").
    pub needs_decision: bool,
    /// Pay protected at the old figure, where the new grade tops out below it.
    #[serde(with = "pence_json")]
    pub protected_pence: Option<Pence>,
    /// The next increment on the new grade.
    pub next_increment: Option<NaiveDate>,
    /// Whether the increment rule is an assumption, not the framework's words.
    pub increment_assumed: bool,
    /// Things to know: unknown figures, anomalies, assumptions.
    pub notes: Vec<String>,
}

/// The change to a worker's level/grade/point record that an effective progression or
/// appointment makes: append it to the worker's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordChange {
    /// The first day of the new level/grade/point.
    pub starts_on: NaiveDate,
    /// The framework.
    pub framework: FrameworkId,
    /// The new level.
    pub level: LevelId,
    /// The new grade, where the framework has grades.
    pub grade: Option<GradeId>,
    /// The new pay point.
    pub point: Option<Name>,
    /// Why: progression, ASYE completed, appointed.
    pub reason: ChangeReason,
    /// A note for the history ("Career Progression Panel, 2025-06-12").
    pub note: Option<Note>,
}

impl RecordChange {
    /// The timeline entry to append to the worker's history.
    pub fn to_timeline_entry(&self) -> NewTimelineEntry {
        NewTimelineEntry {
            starts_on: self.starts_on,
            framework: self.framework.clone(),
            level: self.level.clone(),
            grade: self.grade.clone(),
            point: self.point.clone(),
            reason: self.reason,
            note: self.note.clone(),
        }
    }

    pub(crate) fn from_preview(
        p: &PayChangePreview,
        reason: ChangeReason,
        note: &str,
    ) -> Result<RecordChange, ProgressionError> {
        let point = match &p.new {
            Some(n) => Some(Name::parse(&n.point).map_err(invalid_value)?),
            None => None,
        };
        let note = if note.trim().is_empty() { None } else { Some(Note::parse(note).map_err(invalid_value)?) };
        Ok(RecordChange {
            starts_on: p.effective_from,
            framework: p.framework.clone(),
            level: p.to_level.clone(),
            grade: p.new.as_ref().map(|n| n.grade.clone()),
            point,
            reason,
            note,
        })
    }
}

fn invalid_value(e: InvalidValue) -> ProgressionError {
    ProgressionError::invalid(e.field, format!("`{}` {}", e.value, e.reason))
}

/// Where someone moving to `to_level` lands: the same grade and point if the new level is
/// paid on their current grade, otherwise the framework's promotion placement on the new
/// level's grade. `chosen_point` overrides the placement (where a person decides it).
pub(crate) fn preview_move(
    f: &Framework,
    current: Option<&CurrentPosition>,
    to_level: &LevelId,
    effective_from: NaiveDate,
    chosen_point: Option<&str>,
    appointment: bool,
) -> Result<PayChangePreview, ProgressionError> {
    let to = f
        .level(to_level)
        .ok_or_else(|| ProgressionError::unavailable(format!("{} has no level `{to_level}`", f.framework.authority)))?;
    let mut notes = Vec::new();
    let old_grade = current.and_then(|c| c.grade.as_ref()).and_then(|g| f.grade(g));
    let old_index = match (old_grade, current.and_then(|c| c.point.as_deref())) {
        (Some(g), Some(p)) => g.find_point(p).map(|(i, _)| i),
        _ => None,
    };
    if let Some(c) = current
        && c.grade.is_some()
        && old_index.is_none()
    {
        notes.push(format!(
            "The current grade and point ({} {}) are not in the framework, so current pay is not known.",
            c.grade.as_ref().map(|g| g.as_str()).unwrap_or("?"),
            c.point.as_deref().unwrap_or("?")
        ));
    }
    let old = match (old_grade, old_index) {
        (Some(g), Some(i)) => Some(pay_position(f, g, i, effective_from, &mut notes)),
        _ => None,
    };
    let same_grade = old_grade.filter(|g| to.grades.contains(&g.id));
    let new_grade = same_grade.or_else(|| to.grades.first().and_then(|g| f.grade(g)));
    if same_grade.is_none() && to.grades.len() > 1 {
        notes.push(format!("{} is paid on several grades; the first listed is used.", to.name));
    }
    let mut needs_decision = false;
    let mut protected_pence = None;
    let (placement, index) = match new_grade {
        None => {
            notes.push(format!(
                "{} publishes no grade for {}, so no pay change is shown.",
                f.framework.authority, to.name
            ));
            ("no grade published for the new level".to_owned(), None)
        }
        Some(g) => {
            if let Some(chosen) = chosen_point {
                let (i, _) =
                    pay::find_point(g, chosen).map_err(|e| ProgressionError::invalid("pay point", e.to_string()))?;
                ("point chosen at sign-off".to_owned(), Some(i))
            } else if let (Some(_), Some(i)) = (same_grade, old_index) {
                ("same grade; the pay point does not change".to_owned(), Some(i))
            } else {
                let placed = if appointment {
                    pay::place_on_appointment(f, g, effective_from)
                } else {
                    let basic = old.as_ref().and_then(|o| o.basic_pence);
                    pay::place_on_promotion(f, basic, old.as_ref().and_then(|o| o.scp), g, effective_from)
                };
                needs_decision = placed.needs_decision && g.points.len() > 1;
                protected_pence = placed.protected_pence;
                (placed.reason, Some(placed.index))
            }
        }
    };
    let new = match (new_grade, index) {
        (Some(g), Some(i)) => Some(pay_position(f, g, i, effective_from, &mut notes)),
        _ => None,
    };
    let (mut next_increment, mut increment_assumed) = (None, false);
    if let (Some(g), Some(i)) = (new_grade, index) {
        // A move to a new grade starts its increment clock; staying on the grade does not,
        // but the caller does not tell us when the point was reached, so the clock restarts
        // from the effective date in both cases and the note says so.
        match pay::next_increment(f, g, i, effective_from, effective_from) {
            pay::NextIncrement::Due { date, assumed, .. } => {
                next_increment = Some(date);
                increment_assumed = assumed;
            }
            pay::NextIncrement::AtTop => {
                notes.push(format!("{} is the top of {}: no further increments.", g.points[i].point, g.name))
            }
            pay::NextIncrement::NoRule => notes.push("The framework states no increment rule.".to_owned()),
        }
        if same_grade.is_some() && chosen_point.is_none() {
            notes.push(
                "The grade does not change; the next increment follows the worker's existing increment date."
                    .to_owned(),
            );
            next_increment = None;
        }
    }
    let basic_change_pence = match (old.as_ref().and_then(|o| o.basic_pence), new.as_ref().and_then(|n| n.basic_pence))
    {
        (Some(o), Some(n)) => n.checked_sub(o),
        _ => None,
    };
    Ok(PayChangePreview {
        framework: f.framework.id.clone(),
        effective_from,
        from_level: current.map(|c| c.level.clone()),
        to_level: to.id.clone(),
        old,
        new,
        basic_change_pence,
        placement,
        needs_decision,
        protected_pence,
        next_increment,
        increment_assumed,
        notes,
    })
}

// ---------------------------------------------------------------------------------------
// History

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
        record_change: RecordChange,
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
/// [`crate::asye::AsyeProgramme::open_progression`]); change only through its commands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    framework: FrameworkId,
    framework_version: String,
    authority: String,
    route: Route,
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
        if request.current_level != route.from {
            return Err(ProgressionError::unavailable(format!(
                "\"{}\" starts at {}; the worker is at {}",
                route.name,
                level_name(&route.from),
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
        Ok(Application::from_route(f, route, applicant, audit, request.opened_as, request.fast_track))
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
            from_level_name: level_name(&route.from),
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
    pub fn record_change(&self) -> Option<&RecordChange> {
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
                format!("{} is the applicant; nobody may {action} their own application", audit.by.name),
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
        let role_name = self.role_name(&slot.role);
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
        let authority = self.authority_short();
        let independent = slot.relation == Relation::Independent || self.route.independent_roles.contains(&slot.role);
        if slot.relation == Relation::Own && !line.is_own(&slot.role, assessor.person) {
            return Err(blocked(
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
                return Err(blocked(
                    AssignmentRule::MustBeIndependent,
                    format!("{why_not}; {route_rule} for \"{title}\""),
                ));
            }
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
        if current.level != self.route.from {
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
        let reason =
            if self.opened_as == Opener::AsyePass { ChangeReason::AsyeCompleted } else { ChangeReason::Progression };
        let note = format!("{} ({}), signed off by {}", self.route.name, self.framework, audit.by.name);
        let record_change = RecordChange::from_preview(&pay_change, reason, &note)?;
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
        let record_change = sign_off.record_change.clone();
        let mut next = self.clone();
        next.push(audit, Status::Effective, Change::MadeEffective { record_change });
        Ok(next)
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
    use crate::framework::Assessor;

    fn step(kind: &str) -> Step {
        Step {
            id: "s".into(),
            kind: kind.into(),
            title: "A step".into(),
            form: None,
            assessors: vec![Assessor { role: "team-manager".into(), relation: Relation::Own, lead: true }],
            case_files: None,
            checks: Vec::new(),
            decides: false,
            source: None,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).expect("date")
    }

    #[test]
    fn step_kinds_take_their_own_forms() {
        assert_eq!(FormType::of(&step("practice-observation")), FormType::PracticeObservation);
        assert_eq!(FormType::of(&step("review")), FormType::Report);
        assert_eq!(FormType::of(&Step { decides: true, ..step("interview") }), FormType::Decision);
        assert_eq!(ReportKind::of(&step("form")), ReportKind::LineManagerReport);
        let wrong =
            StepRecord::Recommendation(RecommendationForm { recommends: Recommends::Progress, rationale: "x".into() });
        assert_eq!(
            wrong.problems(&step("practice-observation"), &[], today()),
            vec!["this step takes a practice observation"]
        );
    }

    #[test]
    fn a_practice_observation_needs_a_past_date_a_setting_and_a_summary() {
        let s = step("practice-observation");
        let future = StepRecord::PracticeObservation(PracticeObservation {
            observed_on: NaiveDate::from_ymd_opt(2025, 6, 2).expect("date"),
            setting: " ".into(),
            summary: String::new(),
            pcf_domains: Vec::new(),
        });
        assert_eq!(future.problems(&s, &[], today()).len(), 3);
        let good = StepRecord::PracticeObservation(PracticeObservation {
            observed_on: today(),
            setting: "Home visit with a family on a child protection plan".into(),
            summary: "Warm, clear and purposeful direct work.".into(),
            pcf_domains: vec!["intervention-and-skills".into()],
        });
        assert!(good.problems(&s, &[], today()).is_empty());
    }

    #[test]
    fn an_audit_without_checks_asks_for_complexity_and_timeliness_and_distinct_files() {
        let s = Step { case_files: Some(2), ..step("case-file-audit") };
        let file = |r: &str| AuditedFile {
            case_reference: r.into(),
            findings: vec![AuditFinding {
                check: "Complexity".into(),
                outcome: AuditOutcome::PartlyMet,
                comment: None,
            }],
            notes: None,
        };
        let record = StepRecord::CaseFileAudit(CaseFileAudit { files: vec![file("C1"), file("c1")] });
        let problems = record.problems(&s, &[], today());
        assert!(problems.iter().any(|p| p.contains("audited twice")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("no outcome on \"timeliness\"")), "{problems:?}");
    }

    #[test]
    fn authorities_are_named_as_people_say_them() {
        assert_eq!(authority_short("Rotherham Metropolitan Borough Council"), "Rotherham");
        assert_eq!(authority_short("London Borough of Bexley"), "Bexley");
        assert_eq!(authority_short("West Sussex County Council"), "West Sussex");
        assert_eq!(authority_short("Medway Council"), "Medway");
    }

    #[test]
    fn status_codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(*s));
            assert_eq!(serde_json::to_value(s).ok(), Some(serde_json::Value::String(s.code().to_owned())));
        }
    }
}
