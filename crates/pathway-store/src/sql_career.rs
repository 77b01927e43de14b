//! The [`Careers`] trait in SQL both databases accept, compiled once per backend like
//! `sql_retention.rs` (see backend.rs for the contract). Every write takes the worker's row
//! first (as a hold or an erasure does), so a record cannot slip in beside an erasure of
//! the same worker; its audit entry goes into the authority's chain in the same transaction.

use std::collections::HashMap;

use pathway_core::career::{CpdRecord, NewCpdRecord, NewRegistration, PeerReflection, RegistrationRecord};
use pathway_core::ids::{CpdRecordId, EvidenceId, RegistrationId, WorkerId};
use pathway_core::workforce::{AppraisalRecord, NewAppraisal};
use sqlx::Database;

use super::Backend;
use super::sql_progression::append_audit;
use super::sql_workforce::{
    APPRAISAL_BY_ID, WORKER_VERSION, col, commit, ensure_reference, ensure_worker, fetch_by_id, fetch_rows, now,
    parsed, parsed_opt,
};
use super::sql_workforce::{appraisal_from, insert_appraisal};
use crate::api::AuthorityScope;
use crate::api::career::{Careers, EntryFor};
use crate::backend::SqlBackend;
use crate::error::{Result, StoreError};

type Db = <Backend as SqlBackend>::Db;
type DbRow = <Db as Database>::Row;
type Conn = <Db as Database>::Connection;

const REGISTRATION_COLUMNS: &str =
    "SELECT id, worker_id, swe_number, status, conditions, renewal_due, effective_on, note, recorded_by
     FROM registrations";
/// One worker's registration records, earliest in force first.
pub(super) const REGISTRATIONS_OF: &str =
    "SELECT id, worker_id, swe_number, status, conditions, renewal_due, effective_on, note, recorded_by
     FROM registrations WHERE authority_id = $1 AND worker_id = $2 ORDER BY effective_on, id";
/// Every registration record of an authority, by worker.
pub(super) const REGISTRATIONS_OF_AUTHORITY: &str =
    "SELECT id, worker_id, swe_number, status, conditions, renewal_due, effective_on, note, recorded_by
     FROM registrations WHERE authority_id = $1 ORDER BY worker_id, effective_on, id";

/// A registration record from its row.
pub(super) fn registration_from(row: &DbRow) -> Result<RegistrationRecord> {
    Ok(RegistrationRecord {
        id: RegistrationId::new(col(row, "id")?),
        worker: WorkerId::new(col(row, "worker_id")?),
        registration: NewRegistration {
            number: parsed(row, "swe_number")?,
            status: parsed(row, "status")?,
            conditions: parsed_opt(row, "conditions")?,
            renewal_due: col(row, "renewal_due")?,
            effective_on: col(row, "effective_on")?,
            note: parsed_opt(row, "note")?,
        },
        recorded_by: col(row, "recorded_by")?,
    })
}

const CPD_COLUMNS: &str = "SELECT id, worker_id, done_on, title, description, reflection, peer_name, peer_worker_id, \
     recorded_by FROM cpd_records";

fn cpd_from(row: &DbRow) -> Result<CpdRecord> {
    let peer_name: Option<String> = col(row, "peer_name")?;
    let peer = match peer_name {
        Some(name) => Some(PeerReflection {
            name: name.parse().map_err(|e| StoreError::database("reading column `peer_name`", e))?,
            worker: col::<Option<i64>>(row, "peer_worker_id")?.map(WorkerId::new),
        }),
        None => None,
    };
    Ok(CpdRecord {
        id: CpdRecordId::new(col(row, "id")?),
        worker: WorkerId::new(col(row, "worker_id")?),
        record: NewCpdRecord {
            on: col(row, "done_on")?,
            title: parsed(row, "title")?,
            description: parsed_opt(row, "description")?,
            reflection: parsed(row, "reflection")?,
            peer,
            evidence: Vec::new(),
        },
        recorded_by: col(row, "recorded_by")?,
    })
}

/// Take the worker's row for the rest of the transaction; refused if they are not in the
/// authority or their records were erased.
async fn take_worker(conn: &mut Conn, scope: &AuthorityScope, worker: WorkerId) -> Result<()> {
    ensure_worker(conn, scope, worker).await?;
    sqlx::query("UPDATE workers SET version = version WHERE authority_id = $1 AND id = $2")
        .bind(scope.as_str())
        .bind(worker.get())
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("locking worker {worker}"), e))?;
    let erased: Option<Option<chrono::DateTime<chrono::Utc>>> =
        sqlx::query_scalar("SELECT erased_at FROM workers WHERE authority_id = $1 AND id = $2")
            .bind(scope.as_str())
            .bind(worker.get())
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("reading worker {worker}"), e))?;
    if let Some(Some(_)) = erased {
        return Err(StoreError::Invalid {
            field: Some("worker"),
            message: format!(
                "worker {worker} was erased under the retention rule; nothing more is recorded about them"
            ),
        });
    }
    Ok(())
}

/// The evidence linked to CPD records, by record.
async fn evidence_links(
    conn: &mut Conn,
    scope: &AuthorityScope,
    worker: Option<WorkerId>,
) -> Result<HashMap<i64, Vec<EvidenceId>>> {
    let sql = match worker {
        Some(_) => {
            "SELECT l.cpd_id, l.evidence_id FROM cpd_evidence l
             JOIN cpd_records c ON c.authority_id = l.authority_id AND c.id = l.cpd_id
             WHERE l.authority_id = $1 AND c.worker_id = $2 ORDER BY l.cpd_id, l.evidence_id"
        }
        None => "SELECT cpd_id, evidence_id FROM cpd_evidence WHERE authority_id = $1 ORDER BY cpd_id, evidence_id",
    };
    let mut q = sqlx::query(sql).bind(scope.as_str());
    if let Some(w) = worker {
        q = q.bind(w.get());
    }
    let rows = q
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("reading the evidence linked to CPD records", e))?;
    let mut links: HashMap<i64, Vec<EvidenceId>> = HashMap::new();
    for row in &rows {
        links.entry(col(row, "cpd_id")?).or_default().push(EvidenceId::new(col(row, "evidence_id")?));
    }
    Ok(links)
}

async fn fetch_cpd(conn: &mut Conn, scope: &AuthorityScope, worker: Option<WorkerId>) -> Result<Vec<CpdRecord>> {
    let rows = match worker {
        Some(w) => {
            let sql = format!("{CPD_COLUMNS} WHERE authority_id = $1 AND worker_id = $2 ORDER BY done_on, id");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(scope.as_str()).bind(w.get()).fetch_all(&mut *conn).await
        }
        None => {
            let sql = format!("{CPD_COLUMNS} WHERE authority_id = $1 ORDER BY worker_id, done_on, id");
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(scope.as_str()).fetch_all(&mut *conn).await
        }
    }
    .map_err(|e| StoreError::from_sqlx("reading CPD records", e))?;
    let mut links = evidence_links(conn, scope, worker).await?;
    rows.iter()
        .map(|row| {
            let mut record = cpd_from(row)?;
            record.record.evidence = links.remove(&record.id.get()).unwrap_or_default();
            Ok(record)
        })
        .collect()
}

impl Careers for Backend {
    async fn add_registration(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        registration: &NewRegistration,
        recorded_by: &str,
        entry: EntryFor<'_>,
    ) -> Result<RegistrationRecord> {
        let context = || format!("recording the registration of worker {worker} from {}", registration.effective_on);
        let mut tx = self.begin_write().await?;
        take_worker(&mut tx, scope, worker).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO registrations (authority_id, worker_id, swe_number, status, conditions, renewal_due,
                 effective_on, note, recorded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(scope.as_str())
        .bind(worker.get())
        .bind(registration.number.as_str())
        .bind(registration.status.code())
        .bind(registration.conditions.as_ref().map(|c| c.as_str()))
        .bind(registration.renewal_due)
        .bind(registration.effective_on)
        .bind(registration.note.as_ref().map(|n| n.as_str()))
        .bind(recorded_by)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        append_audit(&mut tx, scope, &entry(id)).await?;
        let sql = format!("{REGISTRATION_COLUMNS} WHERE authority_id = $1 AND id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let stored = registration_from(&row)?;
        commit(tx, context).await?;
        Ok(stored)
    }

    async fn registrations(&self, scope: &AuthorityScope, worker: Option<WorkerId>) -> Result<Vec<RegistrationRecord>> {
        let mut tx = self.begin_read().await?;
        let rows = match worker {
            Some(w) => {
                ensure_worker(&mut tx, scope, w).await?;
                fetch_rows(&mut tx, REGISTRATIONS_OF, scope, w.get(), "registrations").await?
            }
            None => sqlx::query(REGISTRATIONS_OF_AUTHORITY)
                .bind(scope.as_str())
                .fetch_all(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx("reading registrations", e))?,
        };
        let records = rows.iter().map(registration_from).collect::<Result<Vec<_>>>()?;
        commit(tx, || "reading registrations".to_owned()).await?;
        Ok(records)
    }

    async fn add_cpd(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        record: &NewCpdRecord,
        recorded_by: &str,
        entry: EntryFor<'_>,
    ) -> Result<CpdRecord> {
        let context = || format!("recording CPD \"{}\" of worker {worker}", record.title);
        let mut tx = self.begin_write().await?;
        take_worker(&mut tx, scope, worker).await?;
        if let Some(peer) = record.peer.as_ref().and_then(|p| p.worker) {
            ensure_reference(&mut tx, WORKER_VERSION, scope, "peer (worker)", peer.get()).await?;
        }
        for item in &record.evidence {
            let owner: Option<i64> =
                sqlx::query_scalar("SELECT worker_id FROM evidence_items WHERE authority_id = $1 AND id = $2")
                    .bind(scope.as_str())
                    .bind(item.get())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(|e| StoreError::from_sqlx(context(), e))?;
            if owner != Some(worker.get()) {
                return Err(StoreError::Invalid {
                    field: Some("evidence"),
                    message: format!(
                        "evidence item {item} is not in the portfolio of worker {worker}; CPD links to the worker's own evidence"
                    ),
                });
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO cpd_records (authority_id, worker_id, done_on, title, description, reflection, peer_name,
                 peer_worker_id, recorded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(scope.as_str())
        .bind(worker.get())
        .bind(record.on)
        .bind(record.title.as_str())
        .bind(record.description.as_ref().map(|d| d.as_str()))
        .bind(record.reflection.as_str())
        .bind(record.peer.as_ref().map(|p| p.name.as_str()))
        .bind(record.peer.as_ref().and_then(|p| p.worker).map(WorkerId::get))
        .bind(recorded_by)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let mut linked: Vec<EvidenceId> = record.evidence.clone();
        linked.sort();
        linked.dedup();
        for item in &linked {
            sqlx::query("INSERT INTO cpd_evidence (authority_id, cpd_id, evidence_id) VALUES ($1, $2, $3)")
                .bind(scope.as_str())
                .bind(id)
                .bind(item.get())
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(context(), e))?;
        }
        append_audit(&mut tx, scope, &entry(id)).await?;
        let sql = format!("{CPD_COLUMNS} WHERE authority_id = $1 AND id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let mut stored = cpd_from(&row)?;
        stored.record.evidence = linked;
        commit(tx, context).await?;
        Ok(stored)
    }

    async fn cpd_records(&self, scope: &AuthorityScope, worker: Option<WorkerId>) -> Result<Vec<CpdRecord>> {
        let mut tx = self.begin_read().await?;
        if let Some(w) = worker {
            ensure_worker(&mut tx, scope, w).await?;
        }
        let records = fetch_cpd(&mut tx, scope, worker).await?;
        commit(tx, || "reading CPD records".to_owned()).await?;
        Ok(records)
    }

    async fn add_audited_appraisal(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        appraisal: &NewAppraisal,
        entry: EntryFor<'_>,
    ) -> Result<AppraisalRecord> {
        let context = || format!("recording the appraisal of {} for worker {worker}", appraisal.held_on);
        let mut tx = self.begin_write().await?;
        take_worker(&mut tx, scope, worker).await?;
        if let Some(reviewer) = appraisal.reviewer {
            ensure_reference(&mut tx, WORKER_VERSION, scope, "reviewer (worker)", reviewer.get()).await?;
        }
        let id = insert_appraisal(&mut tx, scope, worker, appraisal, now()).await?;
        append_audit(&mut tx, scope, &entry(id)).await?;
        let stored = fetch_by_id(&mut tx, APPRAISAL_BY_ID, scope, "appraisal", id, appraisal_from).await?;
        commit(tx, context).await?;
        Ok(stored)
    }
}
