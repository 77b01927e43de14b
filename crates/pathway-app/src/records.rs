//! What is recorded about a worker for criteria to read. Attestations: a line manager's
//! endorsement, an intent to progress raised in supervision, an assessment that the worker
//! meets a named standard set, an accreditation from outside (NAAS); who may record each is
//! decided from records (the posts people hold over the worker), never from what is claimed.
//! Awards: a qualification or course completed, with its FHEQ level and credits. Appraisals
//! (PDR): what the appraisal concluded about progression, the objectives and development plan
//! agreed, held by the worker's line manager on the day; every appraisal is kept, with its
//! entry in the audit trail.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use pathway_core::ids::{AppraisalId, AttestationId, AwardId, WorkerId};
use pathway_core::workforce::{
    AcademicLevel, AppraisalOutcome, AttestationKind, AwardKind, InvalidValue, Name, NewAppraisal, NewAttestation,
    NewAward, Note, Worker, WorkerRecord,
};
use pathway_store::{AuditActor, AuthorityScope, Careers, EntityKind, NewAuditEntry, Organisation, Store, Workforce};
use serde::Serialize;

use crate::AppError;
use crate::progression::find_worker;
use crate::service::Pathway;

/// An attestation to record, as a front end gathers it.
#[derive(Debug, Clone)]
pub struct RecordAttestation {
    /// The worker it is about: their employee number.
    pub worker: String,
    /// What it records.
    pub kind: AttestationKind,
    /// The standard set (`kss.ps`, `pcf.advanced`), the accreditation's name (NAAS), or for
    /// an endorsement or supervision what was endorsed or raised.
    pub what: Option<String>,
    /// The day it happened.
    pub on: NaiveDate,
    /// Who records it: their employee number.
    pub recorded_by: String,
    /// Anything else worth keeping.
    pub note: Option<String>,
}

/// A recorded attestation, with the people named.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttestationLine {
    /// Its id.
    #[schema(value_type = i64, minimum = 1)]
    pub id: AttestationId,
    /// The worker's employee number.
    pub worker: String,
    /// The worker's name.
    pub worker_name: String,
    /// What it records.
    #[schema(value_type = String)]
    pub kind: AttestationKind,
    /// What it is about, where named.
    pub what: Option<String>,
    /// The day it happened.
    pub on: NaiveDate,
    /// Who recorded it: employee number.
    pub recorded_by: String,
    /// Who recorded it: name.
    pub recorded_by_name: String,
    /// The note, if any.
    pub note: Option<String>,
}

/// Refuse a record dated after today: it is recorded once it has happened.
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

impl Pathway {
    /// Record an attestation about a worker of `authority`: see [`record_attestation`].
    pub async fn record_attestation(
        &self,
        authority: &str,
        input: &RecordAttestation,
    ) -> Result<AttestationLine, AppError> {
        not_ahead(input.on, self.clock().today(), "on", "an attestation")?;
        let scope = self.scope(authority).await?;
        record_attestation(self.store(), &scope, input).await
    }

    /// The attestations recorded in `authority`: see [`attestations`].
    pub async fn attestations(&self, authority: &str, worker: Option<&str>) -> Result<Vec<AttestationLine>, AppError> {
        let scope = self.scope(authority).await?;
        attestations(self.store(), &scope, worker).await
    }
}

/// Record an attestation about a worker. An endorsement must come from someone who holds a
/// post over the worker (their line manager or further up); an intent raised in supervision
/// from the worker or someone over them; nobody assesses or endorses themselves. Refused with
/// the reason otherwise, and nothing is stored.
pub async fn record_attestation(
    store: &Store,
    scope: &AuthorityScope,
    input: &RecordAttestation,
) -> Result<AttestationLine, AppError> {
    let worker = find_worker(store, scope, &input.worker).await?;
    let by = find_worker(store, scope, &input.recorded_by).await?;
    let text = |t: &Option<String>| t.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    let attestation = NewAttestation {
        kind: input.kind,
        what: text(&input.what).as_deref().map(Name::parse).transpose()?,
        on: input.on,
        recorded_by: by.id,
        note: text(&input.note).as_deref().map(Note::parse).transpose()?,
    };
    attestation.check()?;
    standing(store, scope, input.kind, &worker, &by, input.on).await?;
    let stored = store.add_attestation(scope, worker.id, &attestation).await?;
    Ok(line(&stored.attestation, stored.id, &worker, &by))
}

/// Whether `by` may record an attestation of `kind` about `worker`, from the posts held over
/// the worker on the day it is dated.
async fn standing(
    store: &Store,
    scope: &AuthorityScope,
    kind: AttestationKind,
    worker: &Worker,
    by: &Worker,
    on: NaiveDate,
) -> Result<(), AppError> {
    let who = |w: &Worker| format!("{} ({})", w.details.name, w.details.employee_number);
    let chain = store.line_management(scope, worker.id, on).await?;
    let over = chain.contains(by.id);
    match kind {
        AttestationKind::Endorsement | AttestationKind::Assessment if by.id == worker.id => {
            Err(AppError::NotPermitted(format!("{} cannot record their own {kind}.", who(worker))))
        }
        AttestationKind::Endorsement if !over => {
            let manager = match chain.line_manager() {
                Some(id) => format!("their line manager is {}", who(&store.worker(scope, id).await?)),
                None => "no line manager is recorded for them".into(),
            };
            Err(AppError::NotPermitted(format!(
                "an endorsement of {} must be recorded by someone who holds a post over them; {} does not ({manager}).",
                who(worker),
                who(by)
            )))
        }
        AttestationKind::SupervisionIntent if by.id != worker.id && !over => Err(AppError::NotPermitted(format!(
            "an intent raised in supervision is recorded by {} or someone who holds a post over them; {} does not.",
            who(worker),
            who(by)
        ))),
        _ => Ok(()),
    }
}

/// The attestations recorded in an authority, or about one worker (employee number), by
/// worker and then earliest first.
pub async fn attestations(
    store: &Store,
    scope: &AuthorityScope,
    worker: Option<&str>,
) -> Result<Vec<AttestationLine>, AppError> {
    let (records, people) = records_and_people(store, scope, worker).await?;
    let mut lines = Vec::new();
    for record in &records {
        for a in &record.attestations {
            // The recorder is a worker of the same authority (the database sees to it).
            let by = people.get(&a.attestation.recorded_by).unwrap_or(&record.worker);
            lines.push(line(&a.attestation, a.id, &record.worker, by));
        }
    }
    Ok(lines)
}

/// The records of one worker (by employee number) or of everyone in the authority, with every
/// worker of the authority by id so recorders can be named.
async fn records_and_people(
    store: &Store,
    scope: &AuthorityScope,
    worker: Option<&str>,
) -> Result<(Vec<WorkerRecord>, HashMap<WorkerId, Worker>), AppError> {
    let records = match worker {
        Some(number) => {
            let w = find_worker(store, scope, number).await?;
            vec![store.worker_record(scope, w.id).await?]
        }
        None => store.worker_records(scope).await?,
    };
    let people = store.workers(scope).await?.into_iter().map(|p| (p.id, p)).collect();
    Ok((records, people))
}

fn line(a: &NewAttestation, id: AttestationId, worker: &Worker, by: &Worker) -> AttestationLine {
    AttestationLine {
        id,
        worker: worker.details.employee_number.to_string(),
        worker_name: worker.details.name.to_string(),
        kind: a.kind,
        what: a.what.as_ref().map(|w| w.to_string()),
        on: a.on,
        recorded_by: by.details.employee_number.to_string(),
        recorded_by_name: by.details.name.to_string(),
        note: a.note.as_ref().map(|n| n.to_string()),
    }
}

/// An award or course to record, as a front end gathers it (codes as people type them).
#[derive(Debug, Clone)]
pub struct RecordAward {
    /// The worker: their employee number.
    pub worker: String,
    /// Its kind: `postgraduate-certificate`, `peps-stage-1`, `course`...
    pub kind: String,
    /// Its title as awarded.
    pub title: String,
    /// Who provided it.
    pub provider: Option<String>,
    /// When it was completed.
    pub completed_on: NaiveDate,
    /// The FHEQ level it was awarded at: `7`, `level 7` or `masters`.
    pub academic_level: Option<String>,
    /// The academic credits it carries.
    pub credits: Option<u32>,
}

/// A recorded award, with the worker named.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AwardLine {
    /// Its id.
    #[schema(value_type = i64, minimum = 1)]
    pub id: AwardId,
    /// The worker's employee number.
    pub worker: String,
    /// The worker's name.
    pub worker_name: String,
    /// The award as recorded.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub award: NewAward,
}

impl Pathway {
    /// Record an award for a worker of `authority`: see [`record_award`].
    pub async fn record_award(&self, authority: &str, input: &RecordAward) -> Result<AwardLine, AppError> {
        not_ahead(input.completed_on, self.clock().today(), "completed_on", "an award")?;
        let scope = self.scope(authority).await?;
        record_award(self.store(), &scope, input).await
    }
}

/// Record an award or course a worker has completed, with its FHEQ level and credits where
/// known: criteria match awards by these, never by part of the title.
pub async fn record_award(store: &Store, scope: &AuthorityScope, input: &RecordAward) -> Result<AwardLine, AppError> {
    let worker = find_worker(store, scope, &input.worker).await?;
    let kind: AwardKind = input.kind.parse()?;
    let academic_level = input.academic_level.as_deref().map(str::parse::<AcademicLevel>).transpose()?;
    if input.credits == Some(0) {
        return Err(InvalidValue::new("credits", "0", "must be above 0, or left out when not known").into());
    }
    let award = NewAward {
        kind,
        title: Name::parse(&input.title)?,
        provider: input.provider.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(Name::parse).transpose()?,
        completed_on: input.completed_on,
        academic_level,
        credits: input.credits,
    };
    let stored = store.add_award(scope, worker.id, &award).await?;
    Ok(AwardLine {
        id: stored.id,
        worker: worker.details.employee_number.to_string(),
        worker_name: worker.details.name.to_string(),
        award: stored.award,
    })
}

/// An appraisal (PDR) to record, as a front end gathers it.
#[derive(Debug, Clone)]
pub struct RecordAppraisal {
    /// The worker appraised: their employee number.
    pub worker: String,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// What it concluded, as people write it: `ready-to-apply-for-progression`,
    /// "Ready to apply for progression", `meeting-expectations`...
    pub outcome: String,
    /// Who held it: their employee number.
    pub by: String,
    /// A summary.
    pub summary: Option<String>,
    /// The objectives agreed for the next cycle.
    pub objectives: Option<String>,
    /// The development plan agreed.
    pub development_plan: Option<String>,
}

/// When an appraisal is entered and by which account (when another account typed it in
/// for the appraiser), for its audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entered {
    /// When it was entered.
    pub at: DateTime<Utc>,
    /// The account that typed it in, if not the appraiser's own.
    pub by: Option<String>,
    /// The address it came from, when entered over HTTP.
    pub from: Option<String>,
}

/// A recorded appraisal, with the people named.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AppraisalLine {
    /// Its id.
    #[schema(value_type = i64, minimum = 1)]
    pub id: AppraisalId,
    /// The worker's employee number.
    pub worker: String,
    /// The worker's name.
    pub worker_name: String,
    /// The day it was held.
    pub held_on: NaiveDate,
    /// What it concluded about progression.
    #[schema(value_type = String)]
    pub outcome: AppraisalOutcome,
    /// Who held it: employee number, where recorded (an import may not say).
    pub by: Option<String>,
    /// Who held it: name, where recorded.
    pub by_name: Option<String>,
    /// The summary, if any.
    pub summary: Option<String>,
    /// The objectives agreed, if recorded.
    pub objectives: Option<String>,
    /// The development plan agreed, if recorded.
    pub development_plan: Option<String>,
}

impl Pathway {
    /// Record an appraisal of a worker of `authority`, entered by the command line's
    /// operator: see [`record_appraisal`].
    pub async fn record_appraisal(&self, authority: &str, input: &RecordAppraisal) -> Result<AppraisalLine, AppError> {
        let operator = self.operator().await?;
        self.record_appraisal_entered(authority, input, (Some(operator.username), None)).await
    }

    /// Record an appraisal, entered by the account `entered_by` (None: the appraiser's own)
    /// from the address `from` (None: the command line).
    pub async fn record_appraisal_entered(
        &self,
        authority: &str,
        input: &RecordAppraisal,
        (entered_by, from): (Option<String>, Option<String>),
    ) -> Result<AppraisalLine, AppError> {
        not_ahead(input.held_on, self.clock().today(), "held_on", "an appraisal")?;
        let scope = self.scope(authority).await?;
        record_appraisal(self.store(), &scope, input, &Entered { at: self.clock().now(), by: entered_by, from }).await
    }

    /// The appraisals recorded in `authority`: see [`appraisals`].
    pub async fn appraisals(&self, authority: &str, worker: Option<&str>) -> Result<Vec<AppraisalLine>, AppError> {
        let scope = self.scope(authority).await?;
        appraisals(self.store(), &scope, worker).await
    }
}

/// The role an appraiser acts in, in the audit trail.
pub const APPRAISER_ROLE: &str = "line-manager";

/// Record an appraisal (PDR), with its audit entry. It is held by the worker's line manager
/// on the day (the nearest holder of a post over them); nobody appraises themselves. Refused
/// with the reason otherwise, and nothing is stored. The full history is kept: each
/// appraisal is a record of its own.
pub async fn record_appraisal(
    store: &Store,
    scope: &AuthorityScope,
    input: &RecordAppraisal,
    entered: &Entered,
) -> Result<AppraisalLine, AppError> {
    let worker = find_worker(store, scope, &input.worker).await?;
    let by = find_worker(store, scope, &input.by).await?;
    let outcome: AppraisalOutcome = input.outcome.parse()?;
    let note = |t: &Option<String>| t.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(Note::parse).transpose();
    let summary = note(&input.summary)?;
    let objectives = note(&input.objectives)?;
    let development_plan = note(&input.development_plan)?;
    let who = |w: &Worker| format!("{} ({})", w.details.name, w.details.employee_number);
    if by.id == worker.id {
        return Err(AppError::NotPermitted(format!("{} cannot record their own appraisal.", who(&worker))));
    }
    let chain = store.line_management(scope, worker.id, input.held_on).await?;
    if chain.line_manager() != Some(by.id) {
        let manager = match chain.line_manager() {
            Some(id) => format!("their line manager then was {}", who(&store.worker(scope, id).await?)),
            None => "no line manager is recorded for them then".into(),
        };
        return Err(AppError::NotPermitted(format!(
            "an appraisal of {} on {} is held by their line manager that day; {} was not ({manager}).",
            who(&worker),
            input.held_on,
            who(&by)
        )));
    }
    let appraisal =
        NewAppraisal { held_on: input.held_on, reviewer: Some(by.id), outcome, summary, objectives, development_plan };
    let detail = serde_json::json!({ "worker": worker.id.get(), "appraisal": appraisal }).to_string();
    let entry = |id: i64| NewAuditEntry {
        kind: EntityKind::Appraisal,
        id,
        by: AuditActor { person: Some(by.id), name: by.details.name.to_string(), role: APPRAISER_ROLE.to_owned() },
        at: entered.at,
        why: String::new(),
        what: format!("recorded appraisal {id} of {} held on {}: {outcome}", who(&worker), input.held_on),
        detail: detail.clone(),
        entered_by: entered.by.clone(),
        entered_from: entered.from.clone(),
    };
    let stored = store.add_audited_appraisal(scope, worker.id, &appraisal, &entry).await?;
    Ok(appraisal_line(&stored.appraisal, stored.id, &worker, Some(&by)))
}

/// The appraisals recorded in an authority, or about one worker (employee number), by worker
/// and then earliest first.
pub async fn appraisals(
    store: &Store,
    scope: &AuthorityScope,
    worker: Option<&str>,
) -> Result<Vec<AppraisalLine>, AppError> {
    let (records, people) = records_and_people(store, scope, worker).await?;
    let mut lines = Vec::new();
    for record in &records {
        for a in &record.appraisals {
            let by = a.appraisal.reviewer.and_then(|r| people.get(&r));
            lines.push(appraisal_line(&a.appraisal, a.id, &record.worker, by));
        }
    }
    Ok(lines)
}

fn appraisal_line(a: &NewAppraisal, id: AppraisalId, worker: &Worker, by: Option<&Worker>) -> AppraisalLine {
    AppraisalLine {
        id,
        worker: worker.details.employee_number.to_string(),
        worker_name: worker.details.name.to_string(),
        held_on: a.held_on,
        outcome: a.outcome,
        by: by.map(|b| b.details.employee_number.to_string()),
        by_name: by.map(|b| b.details.name.to_string()),
        summary: a.summary.as_ref().map(|n| n.to_string()),
        objectives: a.objectives.as_ref().map(|n| n.to_string()),
        development_plan: a.development_plan.as_ref().map(|n| n.to_string()),
    }
}
