//! The [`Retention`] trait in SQL both databases accept, compiled once per backend like
//! `sql_tokens.rs` (see backend.rs for the contract).
//!
//! A hold and an erasure of the same worker cannot pass each other: both first write the
//! worker's row (PostgreSQL locks it until the commit; SQLite's writer holds the database),
//! and each checks the other's effect only after that write.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use pathway_core::ids::{EvidenceId, WorkerId};
use sqlx::Database;

use super::Backend;
use super::sql_progression::append_audit;
use super::sql_workforce::{acquire, col, commit, now};
use crate::api::AuthorityScope;
use crate::api::progression::NewAuditEntry;
use crate::api::retention::{
    Erased, ErasureEntry, LegalHold, Lifted, MAX_RETENTION_DAYS, NewLegalHold, NotErased, Retention, RetentionPeriods,
    UnerasedLeaver, WithdrawnEvidence,
};
use crate::backend::SqlBackend;
use crate::error::{Result, StoreError};

type Db = <Backend as SqlBackend>::Db;
type DbRow = <Db as Database>::Row;
type Conn = <Db as Database>::Connection;

/// The name an erased leaver's row keeps.
pub(super) const ERASED_NAME: &str = "Erased leaver";

const HOLD_COLUMNS: &str = "SELECT h.id, h.worker_id, w.employee_number, w.name, h.reason, h.placed_by, h.placed_at, \
     h.lifted_by, h.lifted_at, h.lifted_because FROM legal_holds h \
     JOIN workers w ON w.authority_id = h.authority_id AND w.id = h.worker_id";

fn hold_from(row: &DbRow) -> Result<LegalHold> {
    let lifted_by: Option<String> = col(row, "lifted_by")?;
    let lifted_at: Option<DateTime<Utc>> = col(row, "lifted_at")?;
    let lifted_because: Option<String> = col(row, "lifted_because")?;
    Ok(LegalHold {
        id: col(row, "id")?,
        worker: WorkerId::new(col(row, "worker_id")?),
        employee_number: col(row, "employee_number")?,
        worker_name: col(row, "name")?,
        reason: col(row, "reason")?,
        placed_by: col(row, "placed_by")?,
        placed_at: col(row, "placed_at")?,
        lifted: match (lifted_by, lifted_at) {
            (Some(by), Some(at)) => Some(Lifted { by, at, because: lifted_because.unwrap_or_default() }),
            _ => None,
        },
    })
}

async fn fetch_hold(conn: &mut Conn, scope: &AuthorityScope, id: i64) -> Result<LegalHold> {
    let sql = format!("{HOLD_COLUMNS} WHERE h.authority_id = $1 AND h.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.as_str())
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("reading legal hold {id}"), e))?
        .ok_or_else(|| scope.not_found("legal hold", id))?;
    hold_from(&row)
}

/// The hold in force on a worker, if any: its id and reason.
async fn hold_in_force(conn: &mut Conn, scope: &AuthorityScope, worker: WorkerId) -> Result<Option<(i64, String)>> {
    let row = sqlx::query(
        "SELECT id, reason FROM legal_holds WHERE authority_id = $1 AND worker_id = $2 AND lifted_at IS NULL
         ORDER BY id LIMIT 1",
    )
    .bind(scope.as_str())
    .bind(worker.get())
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(format!("reading the legal holds on worker {worker}"), e))?;
    row.map(|r| Ok((col(&r, "id")?, col(&r, "reason")?))).transpose()
}

/// Write the worker's row without changing it, so PostgreSQL locks it until the commit.
async fn lock_worker(
    conn: &mut Conn,
    scope: &AuthorityScope,
    worker: WorkerId,
) -> Result<Option<Option<DateTime<Utc>>>> {
    sqlx::query("UPDATE workers SET version = version WHERE authority_id = $1 AND id = $2")
        .bind(scope.as_str())
        .bind(worker.get())
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("locking worker {worker}"), e))?;
    sqlx::query_scalar::<Db, Option<DateTime<Utc>>>("SELECT erased_at FROM workers WHERE authority_id = $1 AND id = $2")
        .bind(scope.as_str())
        .bind(worker.get())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("reading worker {worker}"), e))
}

/// Run one statement binding the authority and one id; the number of rows it touched.
async fn run(conn: &mut Conn, sql: &'static str, scope: &AuthorityScope, id: i64) -> Result<u64> {
    let done = sqlx::query(sql).bind(scope.as_str()).bind(id).execute(&mut *conn).await.map_err(|e| {
        StoreError::from_sqlx(format!("erasing: {}", sql.split_whitespace().take(3).collect::<Vec<_>>().join(" ")), e)
    })?;
    Ok(done.rows_affected())
}

/// The files (SHA-256) that evidence rows matching `which` hold.
async fn files_of(conn: &mut Conn, sql: &'static str, scope: &AuthorityScope, id: i64) -> Result<Vec<String>> {
    sqlx::query_scalar::<Db, String>(sql)
        .bind(scope.as_str())
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("reading the files of evidence to erase", e))
}

/// Of `files`, those no evidence item of any authority still holds.
async fn unreferenced(conn: &mut Conn, files: Vec<String>) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for sha in files {
        let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM evidence_files WHERE sha256 = $1")
            .bind(&sha)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("checking whether a file is still held", e))?;
        if held == 0 {
            out.push(sha);
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn days(value: i64, what: &str) -> Result<u32> {
    u32::try_from(value)
        .map_err(|_| StoreError::database("reading retention periods", format!("{what} {value} is out of range")))
}

impl Retention for Backend {
    async fn retention_periods(&self, scope: &AuthorityScope) -> Result<RetentionPeriods> {
        let mut conn = acquire(self.pool()).await?;
        let row = sqlx::query(
            "SELECT CAST(leaver_retention_days AS BIGINT) AS leavers,
                    CAST(withdrawn_evidence_retention_days AS BIGINT) AS withdrawn
             FROM authorities WHERE id = $1",
        )
        .bind(scope.as_str())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("reading the retention periods of {}", scope.id()), e))?
        .ok_or_else(|| scope.not_found("authority", scope.id()))?;
        Ok(RetentionPeriods {
            leaver_days: days(col(&row, "leavers")?, "leaver_retention_days")?,
            withdrawn_evidence_days: days(col(&row, "withdrawn")?, "withdrawn_evidence_retention_days")?,
        })
    }

    async fn set_retention_periods(
        &self,
        scope: &AuthorityScope,
        periods: RetentionPeriods,
        entry: &NewAuditEntry,
    ) -> Result<RetentionPeriods> {
        for (value, field) in [
            (periods.leaver_days, "leaver_retention_days"),
            (periods.withdrawn_evidence_days, "withdrawn_evidence_retention_days"),
        ] {
            if value == 0 || value > MAX_RETENTION_DAYS {
                return Err(StoreError::Invalid {
                    field: Some(field),
                    message: format!("{value} days is not a retention period (1 to {MAX_RETENTION_DAYS} days)"),
                });
            }
        }
        let context = || format!("setting the retention periods of {}", scope.id());
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE authorities SET leaver_retention_days = $2, withdrawn_evidence_retention_days = $3,
                    version = version + 1, updated_at = $4 WHERE id = $1",
        )
        .bind(scope.as_str())
        .bind(i32::try_from(periods.leaver_days).unwrap_or(i32::MAX))
        .bind(i32::try_from(periods.withdrawn_evidence_days).unwrap_or(i32::MAX))
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        append_audit(&mut tx, scope, entry).await?;
        commit(tx, context).await?;
        Ok(periods)
    }

    async fn place_legal_hold(
        &self,
        scope: &AuthorityScope,
        hold: &NewLegalHold,
        entry: &(dyn Fn(i64) -> NewAuditEntry + Sync),
    ) -> Result<LegalHold> {
        let context = || format!("placing a legal hold on worker {}", hold.worker);
        let mut tx = self.begin_write().await?;
        match lock_worker(&mut tx, scope, hold.worker).await? {
            None => return Err(scope.not_found("worker", hold.worker)),
            Some(Some(_)) => {
                return Err(StoreError::Invalid {
                    field: Some("worker"),
                    message: format!(
                        "worker {} was erased under the retention rule; there is nothing left to hold",
                        hold.worker
                    ),
                });
            }
            Some(None) => {}
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO legal_holds (authority_id, worker_id, reason, placed_by, placed_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(scope.as_str())
        .bind(hold.worker.get())
        .bind(&hold.reason)
        .bind(&hold.placed_by)
        .bind(hold.at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        append_audit(&mut tx, scope, &entry(id)).await?;
        let placed = fetch_hold(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok(placed)
    }

    async fn lift_legal_hold(
        &self,
        scope: &AuthorityScope,
        id: i64,
        lifted: &Lifted,
        entry: &NewAuditEntry,
    ) -> Result<LegalHold> {
        let context = || format!("lifting legal hold {id}");
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE legal_holds SET lifted_by = $3, lifted_at = $4, lifted_because = $5
             WHERE authority_id = $1 AND id = $2 AND lifted_at IS NULL",
        )
        .bind(scope.as_str())
        .bind(id)
        .bind(&lifted.by)
        .bind(lifted.at)
        .bind(&lifted.because)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let hold = fetch_hold(&mut tx, scope, id).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Invalid {
                field: Some("hold"),
                message: format!("legal hold {id} was lifted already"),
            });
        }
        append_audit(&mut tx, scope, entry).await?;
        commit(tx, context).await?;
        Ok(hold)
    }

    async fn legal_holds(&self, scope: &AuthorityScope, all: bool) -> Result<Vec<LegalHold>> {
        let mut conn = acquire(self.pool()).await?;
        let filter = if all { "" } else { " AND h.lifted_at IS NULL" };
        let sql = format!("{HOLD_COLUMNS} WHERE h.authority_id = $1{filter} ORDER BY h.placed_at DESC, h.id DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("listing legal holds", e))?;
        rows.iter().map(hold_from).collect()
    }

    async fn withdraw_evidence(
        &self,
        scope: &AuthorityScope,
        id: EvidenceId,
        on: NaiveDate,
        because: &str,
        entry: &NewAuditEntry,
    ) -> Result<()> {
        let context = || format!("withdrawing evidence item {id}");
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE evidence_items SET withdrawn_on = $3, withdrawn_because = $4, version = version + 1, updated_at = $5
             WHERE authority_id = $1 AND id = $2 AND withdrawn_on IS NULL",
        )
        .bind(scope.as_str())
        .bind(id.get())
        .bind(on)
        .bind(because)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        if done.rows_affected() == 0 {
            let exists: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM evidence_items WHERE authority_id = $1 AND id = $2")
                    .bind(scope.as_str())
                    .bind(id.get())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| StoreError::from_sqlx(context(), e))?;
            return Err(if exists == 0 {
                scope.not_found("evidence item", id)
            } else {
                StoreError::Invalid {
                    field: Some("evidence"),
                    message: format!("evidence item {id} was withdrawn already"),
                }
            });
        }
        append_audit(&mut tx, scope, entry).await?;
        commit(tx, context).await
    }

    async fn unerased_leavers(&self, scope: &AuthorityScope, left_by: NaiveDate) -> Result<Vec<UnerasedLeaver>> {
        let mut conn = acquire(self.pool()).await?;
        let rows = sqlx::query(
            "SELECT id, left_on FROM workers WHERE authority_id = $1 AND left_on IS NOT NULL AND left_on <= $2
             AND erased_at IS NULL ORDER BY left_on, id",
        )
        .bind(scope.as_str())
        .bind(left_by)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("listing leavers past the retention period", e))?;
        rows.iter()
            .map(|r| Ok(UnerasedLeaver { worker: WorkerId::new(col(r, "id")?), left_on: col(r, "left_on")? }))
            .collect()
    }

    async fn withdrawn_evidence(
        &self,
        scope: &AuthorityScope,
        withdrawn_by: NaiveDate,
    ) -> Result<Vec<WithdrawnEvidence>> {
        let mut conn = acquire(self.pool()).await?;
        let rows = sqlx::query(
            "SELECT id, worker_id, withdrawn_on FROM evidence_items
             WHERE authority_id = $1 AND withdrawn_on IS NOT NULL AND withdrawn_on <= $2 ORDER BY withdrawn_on, id",
        )
        .bind(scope.as_str())
        .bind(withdrawn_by)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("listing withdrawn evidence past the retention period", e))?;
        rows.iter()
            .map(|r| {
                Ok(WithdrawnEvidence {
                    id: EvidenceId::new(col(r, "id")?),
                    worker: WorkerId::new(col(r, "worker_id")?),
                    withdrawn_on: col(r, "withdrawn_on")?,
                })
            })
            .collect()
    }

    async fn erase_leaver(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        at: DateTime<Utc>,
        entry: ErasureEntry<'_>,
    ) -> Result<std::result::Result<Erased, NotErased>> {
        let context = || format!("erasing the records of leaver {worker}");
        let mut tx = self.begin_write().await?;
        let marked = sqlx::query(
            "UPDATE workers SET erased_at = $3 WHERE authority_id = $1 AND id = $2
             AND erased_at IS NULL AND left_on IS NOT NULL",
        )
        .bind(scope.as_str())
        .bind(worker.get())
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        if marked.rows_affected() == 0 {
            return Ok(Err(NotErased::AlreadyErased));
        }
        if let Some((hold, reason)) = hold_in_force(&mut tx, scope, worker).await? {
            // Dropping the transaction undoes the mark.
            return Ok(Err(NotErased::Held { hold, reason }));
        }
        let id = worker.get();
        let mut erased = Erased::default();
        let files = files_of(
            &mut tx,
            "SELECT DISTINCT sha256 FROM evidence_files WHERE authority_id = $1
             AND evidence_id IN (SELECT id FROM evidence_items WHERE authority_id = $1 AND worker_id = $2)",
            scope,
            id,
        )
        .await?;
        erased.file_rows = run(
            &mut tx,
            "DELETE FROM evidence_files WHERE authority_id = $1
             AND evidence_id IN (SELECT id FROM evidence_items WHERE authority_id = $1 AND worker_id = $2)",
            scope,
            id,
        )
        .await?;
        let steps: [(&'static str, &'static str); 15] = [
            // A CPD record's evidence links go with the record (ON DELETE CASCADE).
            ("CPD records", "DELETE FROM cpd_records WHERE authority_id = $1 AND worker_id = $2"),
            ("registrations", "DELETE FROM registrations WHERE authority_id = $1 AND worker_id = $2"),
            ("evidence", "DELETE FROM evidence_items WHERE authority_id = $1 AND worker_id = $2"),
            (
                "panel hearings",
                "DELETE FROM panel_hearings WHERE authority_id = $1
                 AND application_id IN (SELECT id FROM applications WHERE authority_id = $1 AND worker_id = $2)",
            ),
            ("applications", "DELETE FROM applications WHERE authority_id = $1 AND worker_id = $2"),
            ("ASYE programmes", "DELETE FROM asye_programmes WHERE authority_id = $1 AND worker_id = $2"),
            ("eligibility exceptions", "DELETE FROM eligibility_exceptions WHERE authority_id = $1 AND worker_id = $2"),
            ("attestations", "DELETE FROM attestations WHERE authority_id = $1 AND worker_id = $2"),
            ("awards", "DELETE FROM awards WHERE authority_id = $1 AND worker_id = $2"),
            ("appraisals", "DELETE FROM appraisals WHERE authority_id = $1 AND worker_id = $2"),
            ("development goals", "DELETE FROM development_goals WHERE authority_id = $1 AND worker_id = $2"),
            (
                "history notes",
                "UPDATE timeline_entries SET note = NULL WHERE authority_id = $1 AND worker_id = $2 AND note IS NOT NULL",
            ),
            (
                "sessions",
                "DELETE FROM sessions WHERE account_id IN
                 (SELECT id FROM accounts WHERE authority_id = $1 AND worker_id = $2)",
            ),
            (
                "API tokens",
                "DELETE FROM api_tokens WHERE account_id IN
                 (SELECT id FROM accounts WHERE authority_id = $1 AND worker_id = $2)",
            ),
            (
                "stored API answers",
                "DELETE FROM idempotency_keys WHERE account_id IN
                 (SELECT id FROM accounts WHERE authority_id = $1 AND worker_id = $2)",
            ),
        ];
        for (kind, sql) in steps {
            let n = run(&mut tx, sql, scope, id).await?;
            if n > 0 {
                erased.rows.insert(kind, n);
            }
        }
        let account_steps: [(&'static str, &'static str); 4] = [
            (
                "OpenID identities",
                "DELETE FROM oidc_identities WHERE authority_id = $1 AND account_id IN
                 (SELECT id FROM accounts WHERE authority_id = $1 AND worker_id = $2)",
            ),
            (
                "sign-in events",
                "UPDATE sign_in_events SET account_id = NULL, username = 'erased', from_addr = NULL WHERE account_id IN
                 (SELECT id FROM accounts WHERE authority_id = $1 AND worker_id = $2)",
            ),
            (
                "system roles",
                "DELETE FROM account_system_roles WHERE account_id IN
                 (SELECT id FROM accounts WHERE authority_id = $1 AND worker_id = $2)",
            ),
            ("accounts", "DELETE FROM accounts WHERE authority_id = $1 AND worker_id = $2"),
        ];
        for (kind, sql) in account_steps {
            let n = run(&mut tx, sql, scope, id).await?;
            if n > 0 {
                erased.rows.insert(kind, n);
            }
        }
        sqlx::query(
            "UPDATE workers SET employee_number = $3, name = $4, qualification_title = NULL,
                    qualification_institution = NULL, qualified_on = NULL, swe_number = NULL, swe_status = NULL,
                    swe_renewal_due = NULL, asye_cohort = NULL, asye_started_on = NULL, asye_assessor_id = NULL,
                    asye_status = NULL, asye_outcome = NULL, asye_outcome_on = NULL, probation_status = NULL,
                    probation_ends_on = NULL, version = version + 1, updated_at = $5
             WHERE authority_id = $1 AND id = $2",
        )
        .bind(scope.as_str())
        .bind(id)
        .bind(format!("ERASED-{id}"))
        .bind(ERASED_NAME)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        erased.rows.insert("worker details", 1);
        erased.unreferenced_files = unreferenced(&mut tx, files).await?;
        append_audit(&mut tx, scope, &entry(&erased)).await?;
        commit(tx, context).await?;
        Ok(Ok(erased))
    }

    async fn erase_withdrawn_evidence(
        &self,
        scope: &AuthorityScope,
        id: EvidenceId,
        entry: ErasureEntry<'_>,
    ) -> Result<std::result::Result<Erased, NotErased>> {
        let context = || format!("erasing withdrawn evidence item {id}");
        let mut tx = self.begin_write().await?;
        let owner: Option<i64> = sqlx::query_scalar(
            "SELECT worker_id FROM evidence_items WHERE authority_id = $1 AND id = $2 AND withdrawn_on IS NOT NULL",
        )
        .bind(scope.as_str())
        .bind(id.get())
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let Some(owner) = owner.map(WorkerId::new) else { return Ok(Err(NotErased::AlreadyErased)) };
        lock_worker(&mut tx, scope, owner).await?;
        if let Some((hold, reason)) = hold_in_force(&mut tx, scope, owner).await? {
            return Ok(Err(NotErased::Held { hold, reason }));
        }
        let mut erased = Erased::default();
        let files = files_of(
            &mut tx,
            "SELECT DISTINCT sha256 FROM evidence_files WHERE authority_id = $1 AND evidence_id = $2",
            scope,
            id.get(),
        )
        .await?;
        erased.file_rows =
            run(&mut tx, "DELETE FROM evidence_files WHERE authority_id = $1 AND evidence_id = $2", scope, id.get())
                .await?;
        let n = run(&mut tx, "DELETE FROM evidence_items WHERE authority_id = $1 AND id = $2", scope, id.get()).await?;
        erased.rows.insert("evidence", n);
        erased.unreferenced_files = unreferenced(&mut tx, files).await?;
        append_audit(&mut tx, scope, &entry(&erased)).await?;
        commit(tx, context).await?;
        Ok(Ok(erased))
    }

    async fn held_files(&self) -> Result<BTreeSet<String>> {
        let mut conn = acquire(self.pool()).await?;
        let files = sqlx::query_scalar::<Db, String>("SELECT DISTINCT sha256 FROM evidence_files")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("listing the evidence files held", e))?;
        Ok(files.into_iter().collect())
    }
}
