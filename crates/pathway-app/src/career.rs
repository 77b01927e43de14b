//! Registration with Social Work England, CPD, and the appraisal cycle, as use cases.
//!
//! - **Registration** is HR's to record, from the register: on the command line by the
//!   operator (the built-in one, or an account holding `system-admin` or `hr-admin`),
//!   through the API by a caller holding one of those roles. Every record is kept; the one
//!   in force on a day is the worker's registration that day, and eligibility and every
//!   progression step read it (a renewal date gone by counts as lapsed: the core's
//!   `career::standing_on`). `registration_lapsing` lists who is not registered today or
//!   must renew within a number of days.
//! - **CPD** is the worker's own record for Social Work England: recorded by the worker
//!   (through the API), HR, or the operator for them; linked only to the worker's own
//!   evidence; summarised per registration year against SWE's minimum.
//! - **Appraisal due dates** follow the framework's `[appraisal] every_months`, or
//!   [`DEFAULT_APPRAISAL_MONTHS`] when the framework does not say.
//!
//! Every change writes its audit entry in the same transaction.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use pathway_core::career::{
    CpdRecord, CpdSummary, DEFAULT_APPRAISAL_MONTHS, NewCpdRecord, NewRegistration, PeerReflection, RegistrationRecord,
    RegistrationYear, cpd_summary, next_appraisal_due,
};
use pathway_core::framework::FrameworkId;
use pathway_core::ids::{CpdRecordId, EvidenceId, RegistrationId, WorkerId};
use pathway_core::workforce::{
    AppraisalOutcome, Name, Note, PersonName, RegistrationStatus, SweNumber, Worker, WorkerRecord,
};
use pathway_store::{Accounts, AuditActor, AuthorityScope, Careers, EntityKind, NewAuditEntry, Workforce};
use serde::Serialize;
use serde_json::json;

use crate::AppError;
use crate::frameworks::Applies;
use crate::operator::Operator;
use crate::progression::find_worker;
use crate::service::Pathway;

/// System roles that record registration (HR's record, from the register).
pub const REGISTRATION_ROLES: &[&str] = &["system-admin", "hr-admin"];

/// Who records a change, for its audit entry: a person in a role, or the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorder {
    /// Who, in which role.
    pub actor: AuditActor,
    /// The account that typed it in on the actor's behalf, if another did.
    pub entered_by: Option<String>,
    /// The address it came from, when entered over HTTP.
    pub entered_from: Option<String>,
}

impl Recorder {
    /// The command line's operator acting for itself.
    pub fn operator(operator: &Operator) -> Recorder {
        Recorder { actor: operator.actor(), entered_by: None, entered_from: None }
    }

    fn entry(&self, kind: EntityKind, id: i64, at: DateTime<Utc>, what: String, detail: String) -> NewAuditEntry {
        NewAuditEntry {
            kind,
            id,
            by: self.actor.clone(),
            at,
            why: String::new(),
            what,
            detail,
            entered_by: self.entered_by.clone(),
            entered_from: self.entered_from.clone(),
        }
    }
}

fn text(t: &Option<String>) -> Option<&str> {
    t.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

fn who(worker: &Worker) -> String {
    format!("{} ({})", worker.details.name, worker.details.employee_number)
}

fn not_ahead(on: NaiveDate, today: NaiveDate, field: &str, what: &str) -> Result<(), AppError> {
    if on > today {
        return Err(AppError::BadInput {
            field: field.into(),
            message: format!(
                "{what} dated {on} is after today ({today}); record it once it has happened (rule: no-future-dates)"
            ),
        });
    }
    Ok(())
}

/// Whether a worker is on the books on `today`.
fn employed(worker: &Worker, today: NaiveDate) -> bool {
    worker.details.started_on <= today && worker.details.left_on.is_none_or(|left| left >= today)
}

// ---------------------------------------------------------------------------------------
// Registration

/// A registration record, as a front end gathers it.
#[derive(Debug, Clone)]
pub struct RecordRegistration {
    /// The worker: their employee number.
    pub worker: String,
    /// The registration number, `SW` and digits.
    pub number: String,
    /// `registered`, `registered-with-conditions`, `suspended`, `removed`, `lapsed`, `applied`.
    pub status: String,
    /// The conditions of practice, for `registered-with-conditions`.
    pub conditions: Option<String>,
    /// When it must next be renewed.
    pub renewal_due: Option<NaiveDate>,
    /// The first day the register said this (default: today, by the clock).
    pub effective_on: Option<NaiveDate>,
    /// Where it was checked, a reference.
    pub note: Option<String>,
}

/// A registration record, with the worker named.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegistrationLine {
    /// Its id.
    #[schema(value_type = i64, minimum = 1)]
    pub id: RegistrationId,
    /// The worker's employee number.
    pub worker: String,
    /// The worker's name.
    pub worker_name: String,
    /// The registration number.
    pub number: String,
    /// Standing on the register from `effective_on`.
    #[schema(value_type = String)]
    pub status: RegistrationStatus,
    /// The conditions of practice, if any.
    pub conditions: Option<String>,
    /// When it must next be renewed.
    pub renewal_due: Option<NaiveDate>,
    /// The first day this record describes.
    pub effective_on: NaiveDate,
    /// The note, if any.
    pub note: Option<String>,
    /// Who recorded it.
    pub recorded_by: String,
}

fn registration_line(r: &RegistrationRecord, worker: &Worker) -> RegistrationLine {
    let reg = &r.registration;
    RegistrationLine {
        id: r.id,
        worker: worker.details.employee_number.to_string(),
        worker_name: worker.details.name.to_string(),
        number: reg.number.to_string(),
        status: reg.status,
        conditions: reg.conditions.as_ref().map(|c| c.to_string()),
        renewal_due: reg.renewal_due,
        effective_on: reg.effective_on,
        note: reg.note.as_ref().map(|n| n.to_string()),
        recorded_by: r.recorded_by.clone(),
    }
}

/// Someone whose registration needs attention: not current today, or due for renewal soon.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LapsingLine {
    /// The worker's employee number.
    pub worker: String,
    /// The worker's name.
    pub worker_name: String,
    /// The registration number, where recorded.
    pub number: Option<String>,
    /// Standing today (`lapsed` once a renewal date has gone by), where recorded.
    #[schema(value_type = Option<String>)]
    pub status: Option<RegistrationStatus>,
    /// The renewal date.
    pub renewal_due: Option<NaiveDate>,
    /// Days from today to the renewal date; negative once it has passed.
    pub days_left: Option<i64>,
    /// Whether they may practise today.
    pub current: bool,
    /// Why they are listed.
    pub reason: String,
}

/// Registrations lapsing within a number of days, as things stand on `as_of`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LapsingReport {
    /// The authority.
    pub authority: String,
    /// The day asked about.
    pub as_of: NaiveDate,
    /// The last day counted as "within".
    pub until: NaiveDate,
    /// Not registered today first, then by renewal date.
    pub workers: Vec<LapsingLine>,
}

impl Pathway {
    /// The operator, when it may do `what`: the built-in operator (a single-person
    /// install), or an account holding one of `roles`.
    pub(crate) async fn operator_holding(&self, roles: &[&str], what: &str) -> Result<Operator, AppError> {
        let operator = self.operator().await?;
        if operator.account.is_none() {
            return Ok(operator);
        }
        let held = match self.store().credentials(&operator.username).await? {
            Some(c) => c.account.system_roles,
            None => Vec::new(),
        };
        if held.iter().any(|r| roles.contains(&r.as_str())) {
            return Ok(operator);
        }
        Err(AppError::NotPermitted(format!(
            "{what} is for an account holding the system role {}; the operator `{}` holds {}",
            roles.join(" or "),
            operator.username,
            if held.is_empty() { "none".to_owned() } else { held.join(", ") }
        )))
    }

    /// Record a worker's registration as the command line's operator (HR's record: see the
    /// module header).
    pub async fn record_registration(
        &self,
        authority: &str,
        input: &RecordRegistration,
    ) -> Result<RegistrationLine, AppError> {
        let operator = self.operator_holding(REGISTRATION_ROLES, "recording registration").await?;
        self.record_registration_by(&Recorder::operator(&operator), authority, input).await
    }

    /// Record a worker's registration, by `recorder` (already entitled). Checked whole
    /// before anything is stored: the number, the status, conditions only with conditions,
    /// a renewal date not before the record, nothing dated after today.
    pub async fn record_registration_by(
        &self,
        recorder: &Recorder,
        authority: &str,
        input: &RecordRegistration,
    ) -> Result<RegistrationLine, AppError> {
        let today = self.clock().today();
        let effective_on = input.effective_on.unwrap_or(today);
        not_ahead(effective_on, today, "effective_on", "a registration record")?;
        let scope = self.scope(authority).await?;
        let worker = find_worker(self.store(), &scope, &input.worker).await?;
        let registration = NewRegistration {
            number: SweNumber::parse(&input.number)?,
            status: input.status.parse()?,
            conditions: text(&input.conditions).map(Note::parse).transpose()?,
            renewal_due: input.renewal_due,
            effective_on,
            note: text(&input.note).map(Note::parse).transpose()?,
        };
        registration.check()?;
        let at = self.clock().now();
        let detail = serde_json::to_string(&registration).unwrap_or_default();
        let what = |id: i64| {
            format!(
                "recorded registration {id} of {}: {} {} from {}",
                who(&worker),
                registration.number,
                registration.status,
                registration.effective_on
            )
        };
        let entry = |id: i64| recorder.entry(EntityKind::Registration, id, at, what(id), detail.clone());
        let stored =
            self.store().add_registration(&scope, worker.id, &registration, &recorder.actor.name, &entry).await?;
        Ok(registration_line(&stored, &worker))
    }

    /// The registration records of one worker (employee number) or of the authority.
    pub async fn registrations(
        &self,
        authority: &str,
        worker: Option<&str>,
    ) -> Result<Vec<RegistrationLine>, AppError> {
        let scope = self.scope(authority).await?;
        let people = people(self, &scope).await?;
        let only = match worker {
            Some(number) => Some(find_worker(self.store(), &scope, number).await?.id),
            None => None,
        };
        let records = self.store().registrations(&scope, only).await?;
        Ok(records.iter().filter_map(|r| people.get(&r.worker).map(|w| registration_line(r, w))).collect())
    }

    /// Who is not registered today, or must renew within `within_days`: among everyone on
    /// the books, or only `visible` (the workers the asker may see).
    pub async fn registration_lapsing(
        &self,
        authority: &str,
        within_days: u32,
        visible: Option<&HashSet<WorkerId>>,
    ) -> Result<LapsingReport, AppError> {
        let scope = self.scope(authority).await?;
        let today = self.clock().today();
        let until = today + chrono::Days::new(u64::from(within_days));
        let mut workers = Vec::new();
        for record in self.store().worker_records(&scope).await? {
            let worker = &record.worker;
            if !employed(worker, today) || visible.is_some_and(|v| !v.contains(&worker.id)) {
                continue;
            }
            if let Some(line) = lapsing_line(&record, today, until) {
                workers.push(line);
            }
        }
        workers.sort_by(|a, b| (a.current, a.renewal_due, &a.worker).cmp(&(b.current, b.renewal_due, &b.worker)));
        Ok(LapsingReport { authority: authority.to_owned(), as_of: today, until, workers })
    }
}

fn lapsing_line(record: &WorkerRecord, today: NaiveDate, until: NaiveDate) -> Option<LapsingLine> {
    let worker = &record.worker;
    let base = |reason: String| LapsingLine {
        worker: worker.details.employee_number.to_string(),
        worker_name: worker.details.name.to_string(),
        number: None,
        status: None,
        renewal_due: None,
        days_left: None,
        current: false,
        reason,
    };
    let Some(standing) = record.registration_on(today) else {
        return Some(base("No registration with Social Work England is recorded.".into()));
    };
    let reg = &standing.registration;
    let days_left = reg.renewal_due.map(|due| (due - today).num_days());
    let reason = match (standing.current(), standing.renewal_missed, reg.renewal_due) {
        (false, Some(missed), _) => format!("Lapsed: renewal was due by {missed} and no renewal is recorded."),
        (false, None, _) => format!("Registration is {}: they may not practise as a social worker.", reg.status),
        (true, _, Some(due)) if due <= until => format!(
            "Renewal due by {due}, in {} day{}; Social Work England's renewal window runs 1 September to 30 November.",
            (due - today).num_days(),
            if (due - today).num_days() == 1 { "" } else { "s" }
        ),
        (true, _, _) => return None,
    };
    Some(LapsingLine {
        number: Some(reg.number.to_string()),
        status: Some(reg.status),
        renewal_due: reg.renewal_due,
        days_left,
        current: standing.current(),
        ..base(reason)
    })
}

async fn people(pathway: &Pathway, scope: &AuthorityScope) -> Result<HashMap<WorkerId, Worker>, AppError> {
    Ok(pathway.store().workers(scope).await?.into_iter().map(|w| (w.id, w)).collect())
}

// ---------------------------------------------------------------------------------------
// CPD

/// A CPD record, as a front end gathers it.
#[derive(Debug, Clone)]
pub struct RecordCpd {
    /// The worker: their employee number.
    pub worker: String,
    /// The day of the learning.
    pub on: NaiveDate,
    /// What it was.
    pub title: String,
    /// The activity in the worker's words.
    pub description: Option<String>,
    /// What they learned and how it changed their practice.
    pub reflection: String,
    /// The peer they reflected with, when a worker of the authority: employee number.
    pub peer: Option<String>,
    /// The peer's name, when from outside the authority.
    pub peer_name: Option<String>,
    /// Evidence items of the same worker it draws on.
    pub evidence: Vec<EvidenceId>,
}

/// A CPD record, with the people named.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CpdLine {
    /// Its id.
    #[schema(value_type = i64, minimum = 1)]
    pub id: CpdRecordId,
    /// The worker's employee number.
    pub worker: String,
    /// The worker's name.
    pub worker_name: String,
    /// The day of the learning.
    pub on: NaiveDate,
    /// The registration year it counts in, "2025-26".
    pub registration_year: String,
    /// What it was.
    pub title: String,
    /// The activity.
    pub description: Option<String>,
    /// The reflection.
    pub reflection: String,
    /// Whether it was reflected on with a peer.
    pub peer_discussed: bool,
    /// The peer's name.
    pub peer_name: Option<String>,
    /// The peer's employee number, when they work for the authority.
    pub peer: Option<String>,
    /// Linked evidence items of the worker's portfolio.
    #[schema(value_type = Vec<i64>)]
    pub evidence: Vec<EvidenceId>,
    /// Who recorded it.
    pub recorded_by: String,
}

/// A worker's CPD summary for one registration year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CpdSummaryView {
    /// The worker's employee number.
    pub worker: String,
    /// The worker's name.
    pub worker_name: String,
    /// The day it was worked out on.
    pub as_of: NaiveDate,
    /// The summary: counts, SWE's minimum and whether it is met, the renewal window.
    #[schema(value_type = Object)]
    pub summary: CpdSummary,
}

fn cpd_line(c: &CpdRecord, worker: &Worker, people: &HashMap<WorkerId, Worker>) -> CpdLine {
    let r = &c.record;
    CpdLine {
        id: c.id,
        worker: worker.details.employee_number.to_string(),
        worker_name: worker.details.name.to_string(),
        on: r.on,
        registration_year: RegistrationYear::containing(r.on).label(),
        title: r.title.to_string(),
        description: r.description.as_ref().map(|d| d.to_string()),
        reflection: r.reflection.to_string(),
        peer_discussed: r.peer.is_some(),
        peer_name: r.peer.as_ref().map(|p| p.name.to_string()),
        peer: r
            .peer
            .as_ref()
            .and_then(|p| p.worker)
            .and_then(|id| people.get(&id))
            .map(|w| w.details.employee_number.to_string()),
        evidence: r.evidence.clone(),
        recorded_by: c.recorded_by.clone(),
    }
}

impl Pathway {
    /// Record a piece of CPD for a worker as the command line's operator.
    pub async fn record_cpd(&self, authority: &str, input: &RecordCpd) -> Result<CpdLine, AppError> {
        let operator = self.operator().await?;
        self.record_cpd_by(&Recorder::operator(&operator), authority, input).await
    }

    /// Record a piece of CPD, by `recorder` (already entitled). The peer is someone else
    /// (an employee number of the authority, or a name from outside, not both); linked
    /// evidence must be the worker's own; nothing dated after today.
    pub async fn record_cpd_by(
        &self,
        recorder: &Recorder,
        authority: &str,
        input: &RecordCpd,
    ) -> Result<CpdLine, AppError> {
        not_ahead(input.on, self.clock().today(), "on", "a CPD record")?;
        let scope = self.scope(authority).await?;
        let worker = find_worker(self.store(), &scope, &input.worker).await?;
        let peer = match (text(&input.peer), text(&input.peer_name)) {
            (Some(_), Some(_)) => {
                return Err(AppError::BadInput {
                    field: "peer".into(),
                    message: "name the peer once: their employee number if they work here, or their name if not".into(),
                });
            }
            (Some(number), None) => {
                let peer = find_worker(self.store(), &scope, number).await?;
                if peer.id == worker.id {
                    return Err(AppError::BadInput {
                        field: "peer".into(),
                        message: format!("{} cannot be their own peer for reflection", who(&worker)),
                    });
                }
                Some(PeerReflection { name: peer.details.name.clone(), worker: Some(peer.id) })
            }
            (None, Some(name)) => Some(PeerReflection { name: PersonName::parse(name)?, worker: None }),
            (None, None) => None,
        };
        let record = NewCpdRecord {
            on: input.on,
            title: Name::parse(&input.title)?,
            description: text(&input.description).map(Note::parse).transpose()?,
            reflection: Note::parse(&input.reflection).map_err(|_| AppError::BadInput {
                field: "reflection".into(),
                message: "a CPD record needs the worker's reflection: what they learned and how it changed their \
                          practice (Social Work England reads this)"
                    .into(),
            })?,
            peer,
            evidence: input.evidence.clone(),
        };
        let at = self.clock().now();
        let detail = json!({ "worker": worker.id.get(), "record": record }).to_string();
        let what = |id: i64| format!("recorded CPD {id} of {}: {} on {}", who(&worker), record.title, record.on);
        let entry = |id: i64| recorder.entry(EntityKind::CpdRecord, id, at, what(id), detail.clone());
        let stored = self.store().add_cpd(&scope, worker.id, &record, &recorder.actor.name, &entry).await?;
        Ok(cpd_line(&stored, &worker, &people(self, &scope).await?))
    }

    /// The CPD records of one worker (employee number) or of the authority.
    pub async fn cpd_records(&self, authority: &str, worker: Option<&str>) -> Result<Vec<CpdLine>, AppError> {
        let scope = self.scope(authority).await?;
        let people = people(self, &scope).await?;
        let only = match worker {
            Some(number) => Some(find_worker(self.store(), &scope, number).await?.id),
            None => None,
        };
        let records = self.store().cpd_records(&scope, only).await?;
        Ok(records.iter().filter_map(|c| people.get(&c.worker).map(|w| cpd_line(c, w, &people))).collect())
    }

    /// A worker's CPD in the registration year ending 30 November of `year_ending` (by
    /// default, the year today falls in), against Social Work England's minimum.
    pub async fn cpd_summary(
        &self,
        authority: &str,
        worker: &str,
        year_ending: Option<i32>,
    ) -> Result<CpdSummaryView, AppError> {
        let today = self.clock().today();
        let year = match year_ending {
            Some(y) => RegistrationYear::ending(y)?,
            None => RegistrationYear::containing(today),
        };
        let scope = self.scope(authority).await?;
        let person = find_worker(self.store(), &scope, worker).await?;
        let records = self.store().cpd_records(&scope, Some(person.id)).await?;
        Ok(CpdSummaryView {
            worker: person.details.employee_number.to_string(),
            worker_name: person.details.name.to_string(),
            as_of: today,
            summary: cpd_summary(&records, year, today),
        })
    }
}

// ---------------------------------------------------------------------------------------
// Appraisal cycle

/// When a worker's next appraisal is due.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AppraisalDueLine {
    /// The worker's employee number.
    pub worker: String,
    /// The worker's name.
    pub worker_name: String,
    /// Their last appraisal, if any.
    pub last_held: Option<NaiveDate>,
    /// What it concluded.
    #[schema(value_type = Option<String>)]
    pub last_outcome: Option<AppraisalOutcome>,
    /// Months between appraisals.
    pub every_months: u32,
    /// Where the cycle comes from: the framework, or Pathway's default.
    pub cycle: String,
    /// When the next is due.
    pub due_on: NaiveDate,
    /// Days from today; negative when overdue.
    pub days_left: i64,
    /// Whether it is overdue.
    pub overdue: bool,
}

/// Appraisals due within a number of days.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AppraisalDueReport {
    /// The authority.
    pub authority: String,
    /// The day asked about.
    pub as_of: NaiveDate,
    /// The last day counted as "within".
    pub until: NaiveDate,
    /// Earliest due first.
    pub workers: Vec<AppraisalDueLine>,
}

impl Pathway {
    /// Whose appraisal is due by `within_days` from today (overdue ones included), among
    /// everyone on the books, or only `visible`.
    pub async fn appraisals_due(
        &self,
        authority: &str,
        within_days: u32,
        visible: Option<&HashSet<WorkerId>>,
    ) -> Result<AppraisalDueReport, AppError> {
        let scope = self.scope(authority).await?;
        let today = self.clock().today();
        let until = today + chrono::Days::new(u64::from(within_days));
        let mut cycles: HashMap<Option<FrameworkId>, (u32, String)> = HashMap::new();
        let mut workers = Vec::new();
        for record in self.store().worker_records(&scope).await? {
            let worker = &record.worker;
            if !employed(worker, today) || visible.is_some_and(|v| !v.contains(&worker.id)) {
                continue;
            }
            let key = record.timeline.on(today).map(|e| e.entry.framework.clone());
            let (every, cycle) = match cycles.get(&key) {
                Some(c) => c.clone(),
                None => {
                    let applies = if key.is_some() { Applies::Worker(&record) } else { Applies::Authority };
                    let framework = self.framework_in_force(&scope, applies, today).await?;
                    let found = match framework.appraisal.as_ref().and_then(|a| a.every_months.map(|m| (a, m))) {
                        Some((a, months)) => {
                            (months, format!("{} ({}): every {months} months", framework.framework.authority, a.name))
                        }
                        None => (
                            DEFAULT_APPRAISAL_MONTHS,
                            format!(
                                "Pathway's default of every {DEFAULT_APPRAISAL_MONTHS} months: {}'s framework does \
                                 not say how often",
                                framework.framework.authority
                            ),
                        ),
                    };
                    cycles.insert(key, found.clone());
                    found
                }
            };
            let last = record.latest_appraisal(today);
            let due_on = next_appraisal_due(last.map(|a| a.appraisal.held_on), worker.details.started_on, every);
            if due_on > until {
                continue;
            }
            let days_left = (due_on - today).num_days();
            workers.push(AppraisalDueLine {
                worker: worker.details.employee_number.to_string(),
                worker_name: worker.details.name.to_string(),
                last_held: last.map(|a| a.appraisal.held_on),
                last_outcome: last.map(|a| a.appraisal.outcome),
                every_months: every,
                cycle,
                due_on,
                days_left,
                overdue: days_left < 0,
            });
        }
        workers.sort_by(|a, b| (a.due_on, &a.worker).cmp(&(b.due_on, &b.worker)));
        Ok(AppraisalDueReport { authority: authority.to_owned(), as_of: today, until, workers })
    }
}

// ---------------------------------------------------------------------------------------
// Through the API: the caller's person, under the rules above

/// A registration record as the API takes it.
#[derive(Debug, Clone)]
pub struct RegistrationInput {
    /// The registration number.
    pub number: String,
    /// Standing on the register.
    pub status: String,
    /// The conditions of practice, for `registered-with-conditions`.
    pub conditions: Option<String>,
    /// When it must next be renewed.
    pub renewal_due: Option<NaiveDate>,
    /// The first day the register said this (default today).
    pub effective_on: Option<NaiveDate>,
    /// A note.
    pub note: Option<String>,
}

/// A CPD record as the API takes it.
#[derive(Debug, Clone)]
pub struct CpdInput {
    /// The day of the learning.
    pub on: NaiveDate,
    /// What it was.
    pub title: String,
    /// The activity.
    pub description: Option<String>,
    /// The reflection.
    pub reflection: String,
    /// A peer of the authority: employee number.
    pub peer: Option<String>,
    /// A peer from outside: name.
    pub peer_name: Option<String>,
    /// Linked evidence items of the worker's own portfolio.
    pub evidence: Vec<EvidenceId>,
}

fn held_role<'a>(viewer: &'a crate::viewer::Viewer, roles: &[&str]) -> Option<&'a str> {
    viewer.account.system_roles.iter().map(String::as_str).find(|r| roles.contains(r))
}

fn writing(viewer: &crate::viewer::Viewer) -> Result<(), AppError> {
    if viewer.may_write {
        Ok(())
    } else {
        Err(AppError::NotPermitted("this API token may read only; it cannot change anything".into()))
    }
}

impl Pathway {
    /// The caller's person acting in `role`, entered through their account.
    async fn caller_recorder(
        &self,
        viewer: &crate::viewer::Viewer,
        scope: &AuthorityScope,
        role: &str,
    ) -> Result<Recorder, AppError> {
        let me = self.store().worker(scope, viewer.account.worker).await?;
        Ok(Recorder {
            actor: AuditActor { person: Some(me.id), name: me.details.name.to_string(), role: role.to_owned() },
            entered_by: Some(viewer.account.username.clone()),
            entered_from: viewer.from.clone(),
        })
    }

    /// The workers the caller may see, or `None` when they see the whole authority: from
    /// one read of the organisation ([`Pathway::sights`]), not a chain read per worker.
    async fn visible_set(
        &self,
        viewer: &crate::viewer::Viewer,
        scope: &AuthorityScope,
    ) -> Result<Option<HashSet<WorkerId>>, AppError> {
        Ok(self.sights(viewer, scope).await?.visible())
    }

    /// The registration records of a worker the caller may see.
    pub async fn viewer_registrations(
        &self,
        viewer: &crate::viewer::Viewer,
        authority: &str,
        employee_number: &str,
    ) -> Result<Vec<RegistrationLine>, AppError> {
        let (_, worker, _) = self.visible_worker(viewer, authority, employee_number).await?;
        self.registrations(authority, Some(worker.details.employee_number.as_str())).await
    }

    /// Record a worker's registration, as `hr-admin` or `system-admin`.
    pub async fn viewer_record_registration(
        &self,
        viewer: &crate::viewer::Viewer,
        authority: &str,
        employee_number: &str,
        input: &RegistrationInput,
    ) -> Result<RegistrationLine, AppError> {
        let (scope, worker, _) = self.visible_worker(viewer, authority, employee_number).await?;
        let Some(role) = held_role(viewer, REGISTRATION_ROLES) else {
            return Err(AppError::NotPermitted(format!(
                "recording registration is for the system roles {}; {} holds {}",
                REGISTRATION_ROLES.join(" or "),
                viewer.account.username,
                if viewer.account.system_roles.is_empty() {
                    "none".to_owned()
                } else {
                    viewer.account.system_roles.join(", ")
                }
            )));
        };
        writing(viewer)?;
        let recorder = self.caller_recorder(viewer, &scope, role).await?;
        let record = RecordRegistration {
            worker: worker.details.employee_number.to_string(),
            number: input.number.clone(),
            status: input.status.clone(),
            conditions: input.conditions.clone(),
            renewal_due: input.renewal_due,
            effective_on: input.effective_on,
            note: input.note.clone(),
        };
        self.record_registration_by(&recorder, authority, &record).await
    }

    /// Registrations lapsing within `within_days`, over the workers the caller may see.
    pub async fn viewer_registration_lapsing(
        &self,
        viewer: &crate::viewer::Viewer,
        authority: &str,
        within_days: u32,
    ) -> Result<LapsingReport, AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        let visible = self.visible_set(viewer, &scope).await?;
        self.registration_lapsing(authority, within_days, visible.as_ref()).await
    }

    /// The CPD records of a worker the caller may see.
    pub async fn viewer_cpd(
        &self,
        viewer: &crate::viewer::Viewer,
        authority: &str,
        employee_number: &str,
    ) -> Result<Vec<CpdLine>, AppError> {
        let (_, worker, _) = self.visible_worker(viewer, authority, employee_number).await?;
        self.cpd_records(authority, Some(worker.details.employee_number.as_str())).await
    }

    /// Record a piece of CPD: the worker's own, or for them by `hr-admin` or `system-admin`.
    pub async fn viewer_record_cpd(
        &self,
        viewer: &crate::viewer::Viewer,
        authority: &str,
        employee_number: &str,
        input: &CpdInput,
    ) -> Result<CpdLine, AppError> {
        let (scope, worker, sight) = self.visible_worker(viewer, authority, employee_number).await?;
        let role = match (sight, held_role(viewer, REGISTRATION_ROLES)) {
            (crate::viewer::Sight::Own, _) => "worker",
            (_, Some(role)) => role,
            _ => {
                return Err(AppError::NotPermitted(format!(
                    "CPD is recorded by the social worker themselves, or by hr-admin or system-admin for them; {} is \
                     neither for {}",
                    viewer.account.username,
                    who(&worker)
                )));
            }
        };
        writing(viewer)?;
        let recorder = self.caller_recorder(viewer, &scope, role).await?;
        let record = RecordCpd {
            worker: worker.details.employee_number.to_string(),
            on: input.on,
            title: input.title.clone(),
            description: input.description.clone(),
            reflection: input.reflection.clone(),
            peer: input.peer.clone(),
            peer_name: input.peer_name.clone(),
            evidence: input.evidence.clone(),
        };
        self.record_cpd_by(&recorder, authority, &record).await
    }

    /// The CPD summary of a worker the caller may see.
    pub async fn viewer_cpd_summary(
        &self,
        viewer: &crate::viewer::Viewer,
        authority: &str,
        employee_number: &str,
        year_ending: Option<i32>,
    ) -> Result<CpdSummaryView, AppError> {
        let (_, worker, _) = self.visible_worker(viewer, authority, employee_number).await?;
        self.cpd_summary(authority, worker.details.employee_number.as_str(), year_ending).await
    }

    /// Appraisals due within `within_days`, over the workers the caller may see.
    pub async fn viewer_appraisals_due(
        &self,
        viewer: &crate::viewer::Viewer,
        authority: &str,
        within_days: u32,
    ) -> Result<AppraisalDueReport, AppError> {
        let scope = self.viewer_scope(viewer, authority).await?;
        let visible = self.visible_set(viewer, &scope).await?;
        self.appraisals_due(authority, within_days, visible.as_ref()).await
    }
}
