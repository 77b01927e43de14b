//! Bulk imports: new teams and many workers with their histories, in one transaction.
//!
//! Compiled inside `sql_workforce` for each backend (see the `#[path]` there), so it reuses
//! the same helpers as single writes and behaves identically on both databases.
//!
//! Workers are written in chunks with multi-row `INSERT`s: one statement per table per chunk
//! instead of one per row, which is what makes a 100,000-worker import take seconds rather
//! than minutes. If a chunk fails, the import is rolled back and written again up to that
//! chunk, which is replayed worker by worker with the single-write helpers (and rolled back
//! too), so the error names the worker at fault exactly as a row-by-row import would.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use pathway_core::ids::{OrgUnitId, WorkerId};
use pathway_core::workforce::{
    AsyeRecord, NewAppraisal, NewAward, NewGoal, NewOrgUnit, NewTimelineEntry, NewWorkerRecord, UnitKind, Version,
    WorkerDetails,
};
use sqlx::QueryBuilder;
use sqlx::query_builder::Separated;

use super::{
    Backend, Conn, Db, WORKER_VERSION, check_placement, col, commit, ensure_reference, fetch_units, insert_appraisal,
    insert_award, insert_goal, insert_unit, insert_worker, now,
};
use crate::api::{AuthorityScope, BulkImport, ImportOutcome, ImportedWorker};
use crate::backend::SqlBackend;
use crate::error::{Result, StoreError};

/// Workers per chunk: 500 workers of 24 parameters stay well under both databases' limits on
/// bound parameters in one statement (SQLite 32,766; PostgreSQL 65,535).
const CHUNK: usize = 500;
/// Most parameters put in one statement.
const MAX_PARAMETERS: usize = 30_000;

impl BulkImport for Backend {
    async fn import_workers(
        &self,
        scope: &AuthorityScope,
        teams: &[NewOrgUnit],
        workers: &[ImportedWorker],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<ImportOutcome> {
        import(self, scope, teams, workers, progress).await
    }
}

/// A worker arriving in bulk: from an import (perhaps into a team it creates) or a plain
/// batch of records (`Workforce::create_worker_records`, used by the demo).
pub(super) trait Arriving: Sync {
    fn record(&self) -> &NewWorkerRecord;
    /// The new team (an index into the import's teams) they work in, overriding the unit.
    fn new_team(&self) -> Option<usize>;
}

impl Arriving for ImportedWorker {
    fn record(&self) -> &NewWorkerRecord {
        &self.record
    }
    fn new_team(&self) -> Option<usize> {
        self.new_team
    }
}

impl Arriving for NewWorkerRecord {
    fn record(&self) -> &NewWorkerRecord {
        self
    }
    fn new_team(&self) -> Option<usize> {
        None
    }
}

/// Create `teams` and `workers` in one transaction, or nothing; an error names the worker at
/// fault by position.
pub(super) async fn import<W: Arriving>(
    backend: &Backend,
    scope: &AuthorityScope,
    teams: &[NewOrgUnit],
    workers: &[W],
    progress: &(dyn Fn(usize) + Sync),
) -> Result<ImportOutcome> {
    let now = now();
    // Returning early anywhere drops the transaction, which rolls back everything written so
    // far: teams and workers alike.
    let mut tx = backend.begin_write().await?;
    match write(&mut tx, scope, teams, workers, now, progress, None).await {
        Ok(outcome) => {
            commit(tx, || format!("importing {} teams and {} workers", teams.len(), workers.len())).await?;
            Ok(outcome)
        }
        Err(Failure::Row(e)) => Err(e),
        Err(Failure::Chunk(n, chunk_error)) => {
            // Find the worker at fault: roll back, then write the same import again up to
            // that chunk and the chunk one worker at a time, and roll that back too. Only a
            // failed import pays for this.
            tx.rollback().await.map_err(|e| StoreError::from_sqlx("rolling back an import", e))?;
            let mut tx = backend.begin_write().await?;
            let diagnosis = write(&mut tx, scope, teams, workers, now, &|_| {}, Some(n)).await;
            tx.rollback().await.map_err(|e| StoreError::from_sqlx("rolling back an import", e))?;
            Err(match diagnosis {
                Err(Failure::Row(e)) => e,
                // Every worker went in on their own: no one worker is at fault (a timeout, a
                // deadlock), so the chunk's own error stands, naming no row.
                _ => chunk_error,
            })
        }
    }
}

/// Why a write failed: a worker (already named by position) or a whole chunk (by number).
enum Failure {
    Row(StoreError),
    Chunk(usize, StoreError),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::Row(e)
    }
}

/// Write the teams and workers in `tx`. With `diagnose = Some(n)`, chunk `n` is written one
/// worker at a time (to name the one at fault) and nothing after it is written.
///
/// Savepoints would let a failed chunk be retried in the same transaction, but on PostgreSQL
/// more than 64 subtransactions that write make every later statement slower (the subxid
/// cache overflows), which made a 100,000-row import five times slower; hence the replay.
async fn write<W: Arriving>(
    conn: &mut Conn,
    scope: &AuthorityScope,
    teams: &[NewOrgUnit],
    workers: &[W],
    now: DateTime<Utc>,
    progress: &(dyn Fn(usize) + Sync),
    diagnose: Option<usize>,
) -> Result<ImportOutcome, Failure> {
    let units = fetch_units(conn, scope).await?;
    let mut team_ids = Vec::with_capacity(teams.len());
    for team in teams {
        if team.kind != UnitKind::Team {
            return Err(Failure::Row(StoreError::Invalid {
                field: Some("kind"),
                message: format!("an import creates teams only, not a {} ({})", team.kind, team.name),
            }));
        }
        check_placement(&units, None, team, scope)?;
        team_ids.push(insert_unit(conn, scope, team, now).await?);
    }
    // A closed unit takes no new workers.
    let known_units: HashSet<OrgUnitId> =
        units.iter().filter(|u| u.closed_on.is_none()).map(|u| u.id).chain(team_ids.iter().copied()).collect();

    let total = workers.len();
    let mut ids = Vec::with_capacity(total);
    for (n, chunk) in workers.chunks(CHUNK).enumerate() {
        let first = n * CHUNK;
        let mut details = Vec::with_capacity(chunk.len());
        for (i, imported) in chunk.iter().enumerate() {
            let in_batch = |e: StoreError| e.in_batch(first + i, total);
            let d = worker_details(imported, &team_ids, teams.len()).map_err(in_batch)?;
            check_details(conn, scope, &d, &known_units, &imported.record().goals).await.map_err(in_batch)?;
            details.push(d);
        }
        if diagnose == Some(n) {
            replay_one_by_one(conn, scope, chunk, &details, now, first, total).await?;
            break;
        }
        match insert_chunk(conn, scope, chunk, &details, now, (n == 0).then_some(total)).await {
            Ok(chunk_ids) => ids.extend(chunk_ids),
            Err(e) => return Err(Failure::Chunk(n, e)),
        }
        progress(first + chunk.len());
    }
    Ok(ImportOutcome { teams: team_ids, workers: ids })
}

/// The worker's details, placed in their new team if they have one.
fn worker_details<'a, W: Arriving>(
    imported: &'a W,
    team_ids: &[OrgUnitId],
    teams: usize,
) -> Result<Cow<'a, WorkerDetails>> {
    let details = &imported.record().worker.details;
    match imported.new_team() {
        None => Ok(Cow::Borrowed(details)),
        Some(team) => {
            let unit = team_ids
                .get(team)
                .copied()
                .ok_or_else(|| StoreError::invalid(format!("new team {} of {teams} does not exist", team + 1)))?;
            let mut details = details.clone();
            details.unit = Some(unit);
            Ok(Cow::Owned(details))
        }
    }
}

/// What `insert_worker` checks, without a query per worker for the unit (the authority's
/// units are known).
async fn check_details(
    conn: &mut Conn,
    scope: &AuthorityScope,
    d: &WorkerDetails,
    units: &HashSet<OrgUnitId>,
    goals: &[NewGoal],
) -> Result<()> {
    d.check()?;
    if let Some(unit) = d.unit
        && !units.contains(&unit)
    {
        return Err(StoreError::invalid(format!(
            "unit {unit} does not exist in authority {}, or has closed",
            scope.id()
        )));
    }
    if let Some(assessor) = d.asye.as_ref().and_then(AsyeRecord::assessor) {
        ensure_reference(conn, WORKER_VERSION, scope, "ASYE assessor (worker)", assessor.get()).await?;
    }
    for goal in goals {
        goal.check()?;
    }
    Ok(())
}

/// Write one chunk: its workers in one statement, then each kind of history in as few as the
/// parameter limit allows.
async fn insert_chunk<W: Arriving>(
    conn: &mut Conn,
    scope: &AuthorityScope,
    chunk: &[W],
    details: &[Cow<'_, WorkerDetails>],
    now: DateTime<Utc>,
    first_chunk_of: Option<usize>,
) -> Result<Vec<WorkerId>> {
    let mut q = QueryBuilder::<Db>::new(concat!(
        "INSERT INTO workers (authority_id, ",
        worker_detail_columns!(),
        ", version, created_at, updated_at) "
    ));
    q.push_values(details, |mut row, d| {
        row.push_bind(scope.as_str());
        push_details(&mut row, d);
        row.push_bind(Version::FIRST.get()).push_bind(now).push_bind(now);
    });
    q.push(" RETURNING id, employee_number");
    let rows = q
        .build()
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("creating {} workers", details.len()), e))?;
    // Employee numbers are unique in the authority, so they say which id is whose whatever
    // order the database returns the rows in.
    let mut by_number: HashMap<String, i64> = HashMap::with_capacity(rows.len());
    for row in &rows {
        by_number.insert(col(row, "employee_number")?, col(row, "id")?);
    }
    let ids: Vec<WorkerId> = details
        .iter()
        .map(|d| {
            by_number.get(d.employee_number.as_str()).map(|id| WorkerId::new(*id)).ok_or_else(|| {
                StoreError::invalid(format!("worker {} was not returned by the database", d.employee_number))
            })
        })
        .collect::<Result<_>>()?;

    if let Some(incoming) = first_chunk_of {
        Backend::refresh_worker_statistics(conn, incoming).await?;
    }

    let owned = |f: fn(&NewWorkerRecord) -> usize| chunk.iter().map(|w| f(w.record())).sum::<usize>();
    let mut timeline: Vec<(WorkerId, &NewTimelineEntry)> = Vec::with_capacity(owned(|r| r.worker.timeline.len()));
    let mut awards: Vec<(WorkerId, &NewAward)> = Vec::with_capacity(owned(|r| r.awards.len()));
    let mut appraisals: Vec<(WorkerId, &NewAppraisal)> = Vec::with_capacity(owned(|r| r.appraisals.len()));
    let mut goals: Vec<(WorkerId, &NewGoal)> = Vec::with_capacity(owned(|r| r.goals.len()));
    for (id, w) in ids.iter().zip(chunk) {
        let w = w.record();
        timeline.extend(w.worker.timeline.iter().map(|e| (*id, e)));
        awards.extend(w.awards.iter().map(|a| (*id, a)));
        appraisals.extend(w.appraisals.iter().map(|a| (*id, a)));
        goals.extend(w.goals.iter().map(|g| (*id, g)));
    }
    insert_rows(
        conn,
        concat!(
            "INSERT INTO timeline_entries (authority_id, worker_id, ",
            history_columns!(timeline_entries),
            ", version, created_at, updated_at) "
        ),
        12,
        &timeline,
        |row, (worker, record)| {
            bind_history!(row.push_bind(scope.as_str()).push_bind(worker.get()), push_bind, timeline_entries, record)
                .push_bind(Version::FIRST.get())
                .push_bind(now)
                .push_bind(now);
        },
    )
    .await?;
    insert_rows(
        conn,
        concat!(
            "INSERT INTO awards (authority_id, worker_id, ",
            history_columns!(awards),
            ", version, created_at, updated_at) "
        ),
        9,
        &awards,
        |row, (worker, record)| {
            bind_history!(row.push_bind(scope.as_str()).push_bind(worker.get()), push_bind, awards, record)
                .push_bind(Version::FIRST.get())
                .push_bind(now)
                .push_bind(now);
        },
    )
    .await?;
    insert_rows(
        conn,
        concat!(
            "INSERT INTO appraisals (authority_id, worker_id, ",
            history_columns!(appraisals),
            ", version, created_at, updated_at) "
        ),
        11,
        &appraisals,
        |row, (worker, record)| {
            bind_history!(row.push_bind(scope.as_str()).push_bind(worker.get()), push_bind, appraisals, record)
                .push_bind(Version::FIRST.get())
                .push_bind(now)
                .push_bind(now);
        },
    )
    .await?;
    insert_rows(
        conn,
        concat!(
            "INSERT INTO development_goals (authority_id, worker_id, ",
            history_columns!(development_goals),
            ", version, created_at, updated_at) "
        ),
        10,
        &goals,
        |row, (worker, record)| {
            bind_history!(row.push_bind(scope.as_str()).push_bind(worker.get()), push_bind, development_goals, record)
                .push_bind(Version::FIRST.get())
                .push_bind(now)
                .push_bind(now);
        },
    )
    .await?;
    Ok(ids)
}

/// The 20 detail columns (`worker_detail_columns!`), as `bind_details` binds them.
fn push_details(row: &mut Separated<'_, Db, &'static str>, d: &WorkerDetails) {
    bind_worker_details!(row, push_bind, d);
}

/// Insert `rows` with `head` (an `INSERT INTO t (...) ` of `parameters` columns) in as few
/// multi-row statements as the parameter limit allows.
async fn insert_rows<T>(
    conn: &mut Conn,
    head: &str,
    parameters: usize,
    rows: &[T],
    mut push: impl FnMut(&mut Separated<'_, Db, &'static str>, &T),
) -> Result<()> {
    for part in rows.chunks((MAX_PARAMETERS / parameters).max(1)) {
        let mut q = QueryBuilder::<Db>::new(head);
        q.push_values(part, |mut row, item| push(&mut row, item));
        q.build()
            .execute(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("importing {} rows", part.len()), e))?;
    }
    Ok(())
}

/// Write a chunk's workers one at a time with the single-write helpers, to find the one at
/// fault; its error (or none) is returned.
async fn replay_one_by_one<W: Arriving>(
    conn: &mut Conn,
    scope: &AuthorityScope,
    chunk: &[W],
    details: &[Cow<'_, WorkerDetails>],
    now: DateTime<Utc>,
    first: usize,
    total: usize,
) -> Result<()> {
    for (i, (imported, d)) in chunk.iter().zip(details).enumerate() {
        let in_batch = |e: StoreError| e.in_batch(first + i, total);
        let record = imported.record();
        let mut worker = record.worker.clone();
        worker.details = d.as_ref().clone();
        let id = insert_worker(conn, scope, &worker, now).await.map_err(in_batch)?;
        for award in &record.awards {
            insert_award(conn, scope, id, award, now).await.map_err(in_batch)?;
        }
        for appraisal in &record.appraisals {
            insert_appraisal(conn, scope, id, appraisal, now).await.map_err(in_batch)?;
        }
        for goal in &record.goals {
            insert_goal(conn, scope, id, goal, now).await.map_err(in_batch)?;
        }
    }
    Ok(())
}
