//! Attestations: what a person records about a worker that criteria read — a line manager's
//! endorsement, an intent to progress raised in supervision, an assessment that the worker
//! meets a named standard set, an accreditation from outside (NAAS). Who may record each is
//! decided from records (the posts people hold over the worker), never from what is claimed.

use chrono::NaiveDate;
use pathway_core::ids::AttestationId;
use pathway_core::workforce::{AttestationKind, Name, NewAttestation, Note, Worker};
use pathway_store::{Organisation, Workforce};
use serde::Serialize;

use crate::AppError;
use crate::progression::find_worker;
use crate::service::Pathway;

/// An attestation to record, as a front end gathers it.
#[derive(Debug, Clone)]
pub struct RecordAttestation {
    /// The authority.
    pub authority: String,
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
#[derive(Debug, Clone, Serialize)]
pub struct AttestationLine {
    /// Its id.
    pub id: AttestationId,
    /// The worker's employee number.
    pub worker: String,
    /// The worker's name.
    pub worker_name: String,
    /// What it records.
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

impl Pathway {
    /// Record an attestation about a worker. An endorsement must come from someone who holds
    /// a post over the worker (their line manager or further up); an intent raised in
    /// supervision from the worker or someone over them; nobody assesses or endorses
    /// themselves. Refused with the reason otherwise, and nothing is stored.
    pub async fn record_attestation(&self, input: &RecordAttestation) -> Result<AttestationLine, AppError> {
        let scope = self.scope(&input.authority).await?;
        let store = self.store();
        let worker = find_worker(store, &scope, &input.worker).await?;
        let by = find_worker(store, &scope, &input.recorded_by).await?;
        let attestation = NewAttestation {
            kind: input.kind,
            what: input.what.as_deref().map(str::trim).filter(|w| !w.is_empty()).map(Name::parse).transpose()?,
            on: input.on,
            recorded_by: by.id,
            note: input.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(Note::parse).transpose()?,
        };
        attestation.check()?;
        let chain = store.line_management(&scope, worker.id).await?;
        let over = chain.contains(by.id);
        let manager = match chain.line_manager() {
            Some(id) if id != by.id => store.worker(&scope, id).await.ok().map(|w| w.details.name.to_string()),
            _ => None,
        };
        let who = |w: &Worker| format!("{} ({})", w.details.name, w.details.employee_number);
        let refuse = |why: String| Err(AppError::NotPermitted(why));
        match input.kind {
            AttestationKind::Endorsement | AttestationKind::Assessment if by.id == worker.id => {
                return refuse(format!("{} cannot record their own {}.", who(&worker), input.kind));
            }
            AttestationKind::Endorsement if !over => {
                let manager = manager
                    .map(|m| format!("their line manager is {m}"))
                    .unwrap_or_else(|| "no line manager is recorded for them".into());
                return refuse(format!(
                    "an endorsement of {} must be recorded by someone who holds a post over them; {} does not \
                     ({manager}).",
                    who(&worker),
                    who(&by)
                ));
            }
            AttestationKind::SupervisionIntent if by.id != worker.id && !over => {
                return refuse(format!(
                    "an intent raised in supervision is recorded by {} or someone who holds a post over them; {} \
                     does not.",
                    who(&worker),
                    who(&by)
                ));
            }
            _ => {}
        }
        let stored = store.add_attestation(&scope, worker.id, &attestation).await?;
        Ok(line(&stored.attestation, stored.id, &worker, &by))
    }

    /// The attestations recorded in an authority, or about one worker (employee number),
    /// by worker and then earliest first.
    pub async fn attestations(&self, authority: &str, worker: Option<&str>) -> Result<Vec<AttestationLine>, AppError> {
        let scope = self.scope(authority).await?;
        let store = self.store();
        let records = match worker {
            Some(number) => {
                let w = find_worker(store, &scope, number).await?;
                vec![store.worker_record(&scope, w.id).await?]
            }
            None => store.worker_records(&scope).await?,
        };
        let people = store.workers(&scope).await?;
        let mut lines = Vec::new();
        for record in &records {
            for a in &record.attestations {
                let by = people.iter().find(|p| p.id == a.attestation.recorded_by);
                let (by_number, by_name) = by
                    .map(|p| (p.details.employee_number.to_string(), p.details.name.to_string()))
                    .unwrap_or_else(|| (a.attestation.recorded_by.to_string(), String::new()));
                let mut l = line(&a.attestation, a.id, &record.worker, &record.worker);
                l.recorded_by = by_number;
                l.recorded_by_name = by_name;
                lines.push(l);
            }
        }
        Ok(lines)
    }
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
