//! The progression storage traits ([`Portfolios`], [`Progression`], [`AuditTrail`])
//! implemented once, in SQL both databases accept.
//!
//! Compiled once per backend like `sql_workforce.rs` (see backend.rs for the contract), and
//! kept apart from it so the workforce and progression halves can change independently;
//! the row helpers both need live in `sql_workforce.rs`.
//!
//! Each record is one JSON `document` (the core's own serde form) plus indexed columns
//! written from the same value. Every write runs in one transaction that also appends the
//! change to `audit_events`, chained to the authority's previous entry by hash.

use chrono::{DateTime, Utc};
use pathway_core::anonymise::{AnonymisationStatus, Clearance};
use pathway_core::audit_chain::{GENESIS, link_hash, to_micros};
use pathway_core::ids::{ApplicationId, AsyeProgrammeId, EvidenceId, ExceptionId, PanelId, WorkerId};
use pathway_core::portfolio::{EvidenceItem, EvidenceParts};
use pathway_core::progression::application::Application;
use pathway_core::progression::asye::{AsyeEvent, AsyeProgramme};
use pathway_core::progression::audit::{Actor, Audit, Backdated};
use pathway_core::progression::exception::EligibilityException;
use pathway_core::progression::history::{Change, Event};
use pathway_core::progression::panel::{Panel, PanelEvent};
use pathway_core::progression::steps::StepOutcome;
use pathway_core::workforce::{AsyeRecord, NewTimelineEntry, RecordMeta, TimelineEntry, Version};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Database;

use super::Backend;
use super::sql_workforce::{acquire, col, commit, ensure_worker, fetch_row, insert_timeline_entry, meta, now};
use crate::api::AuthorityScope;
use crate::api::progression::{
    AuditActor, AuditEvent, AuditQuery, AuditTrail, ChainHead, ChainedAuditEvent, EntityKind, NewAuditEntry,
    Portfolios, Progression, StoredApplication, StoredAsye, StoredEvidence, StoredException, StoredPanel,
};
use crate::backend::SqlBackend;
use crate::error::{Result, StoreError};

type Db = <Backend as SqlBackend>::Db;
type DbRow = <Db as Database>::Row;
type Conn = <Db as Database>::Connection;

// ---------------------------------------------------------------------------------------
// Row helpers

fn to_json<T: Serialize>(value: &T, what: &str) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::invalid(format!("{what} cannot be stored: {e}")))
}

fn from_json<T: DeserializeOwned>(row: &DbRow, what: &str) -> Result<T> {
    let text: String = col(row, "document")?;
    serde_json::from_str(&text)
        .map_err(|e| StoreError::database(format!("reading {what}, whose stored document Pathway cannot read"), e))
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The version and history length stored for a record, if it exists in the scope.
async fn stored_state(
    conn: &mut Conn,
    sql: &'static str,
    scope: &AuthorityScope,
    id: i64,
    what: &'static str,
) -> Result<Option<(Version, i64)>> {
    let row = sqlx::query(sql)
        .bind(scope.as_str())
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("reading {what} {id}"), e))?;
    match row {
        Some(row) => Ok(Some((Version::new(col(&row, "version")?), col(&row, "events")?))),
        None => Ok(None),
    }
}

/// Check a version-checked update may go ahead: the record exists, is at `expected`, and
/// its history is not shorter than the one stored. Returns the stored history length.
async fn check_update(
    conn: &mut Conn,
    sql: &'static str,
    scope: &AuthorityScope,
    what: &'static str,
    id: i64,
    expected: Version,
    events: usize,
) -> Result<i64> {
    let Some((actual, stored_events)) = stored_state(conn, sql, scope, id, what).await? else {
        return Err(scope.not_found(what, id));
    };
    if actual != expected {
        return Err(StoreError::Conflict { what, key: id.to_string(), expected, actual });
    }
    if count(events) < stored_events {
        return Err(StoreError::invalid(format!(
            "{what} {id} has {stored_events} entries in its history, but the version to save has {events}; \
             history is only ever added to"
        )));
    }
    Ok(stored_events)
}

/// After an update guarded by `version = expected` touched no row, someone else got there
/// between the check and the write.
async fn raced(
    conn: &mut Conn,
    sql: &'static str,
    scope: &AuthorityScope,
    what: &'static str,
    id: i64,
    expected: Version,
) -> StoreError {
    match stored_state(conn, sql, scope, id, what).await {
        Ok(Some((actual, _))) => StoreError::Conflict { what, key: id.to_string(), expected, actual },
        Ok(None) => scope.not_found(what, id),
        Err(e) => e,
    }
}

/// Move a record's version on from `expected` (`bump`: `UPDATE table SET version = $3 WHERE
/// authority_id = $1 AND id = $2 AND version = $4`), for records whose document is rewritten
/// after; a record someone else moved on first is a conflict. Returns the new version.
async fn bump_version(
    conn: &mut Conn,
    bump: &'static str,
    state: &'static str,
    scope: &AuthorityScope,
    what: &'static str,
    id: i64,
    expected: Version,
) -> Result<Version> {
    let version = Version::new(expected.get() + 1);
    let bumped = sqlx::query(bump)
        .bind(scope.as_str())
        .bind(id)
        .bind(version.get())
        .bind(expected.get())
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("saving {what} {id}"), e))?;
    if bumped.rows_affected() == 0 {
        return Err(raced(conn, state, scope, what, id, expected).await);
    }
    Ok(version)
}

// ---------------------------------------------------------------------------------------
// The audit trail

/// One audit row to write.
struct NewAuditEvent<'a> {
    kind: EntityKind,
    id: i64,
    version: Version,
    seq: i64,
    by: AuditActor,
    at: DateTime<Utc>,
    why: &'a str,
    backdated: Option<&'a Backdated>,
    what: String,
    detail: String,
    entered_by: Option<&'a str>,
    entered_from: Option<&'a str>,
}

/// Append one entry to the authority's audit chain: take the next place from the chain head
/// (the UPDATE locks the head's row until the transaction ends, so on PostgreSQL a second
/// writer waits here and then reads the head this one left; SQLite's write transactions are
/// serialised already), hash the entry after the head's hash, write it, move the head on.
async fn insert_audit(
    conn: &mut Conn,
    scope: &AuthorityScope,
    e: &NewAuditEvent<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    // Both databases keep times to the microsecond; the hash covers the times as stored.
    let event = AuditEvent {
        entity_kind: e.kind,
        entity_id: e.id,
        entity_version: e.version,
        seq: e.seq,
        by: e.by.clone(),
        at: to_micros(e.at),
        why: e.why.to_owned(),
        what: e.what.clone(),
        detail: e.detail.clone(),
        recorded_at: to_micros(now),
        backdated: e.backdated.map(|b| Backdated { entered_at: to_micros(b.entered_at), reason: b.reason.clone() }),
        entered_by: e.entered_by.map(str::to_owned),
        entered_from: e.entered_from.map(str::to_owned),
    };
    let (chain_seq, prev_hash) = take_chain_place(conn, scope.as_str()).await?;
    write_audit_row(conn, scope, &event, chain_seq, &prev_hash).await
}

/// Write `event` at `chain_seq` after `prev_hash`, and move the chain head on to it.
async fn write_audit_row(
    conn: &mut Conn,
    scope: &AuthorityScope,
    event: &AuditEvent,
    chain_seq: i64,
    prev_hash: &str,
) -> Result<()> {
    let context = || {
        format!(
            "recording \"{}\" by {} in the audit trail of {} {}",
            event.what, event.by.name, event.entity_kind, event.entity_id
        )
    };
    let hash = link_hash(prev_hash, &event.chain_row(scope.as_str()));
    sqlx::query(
        "INSERT INTO audit_events (authority_id, entity_kind, entity_id, entity_version, seq, actor_id, actor_name,
             actor_role, occurred_at, why, what, detail, recorded_at, entered_at, backdated_because,
             chain_seq, prev_hash, hash, entered_by, entered_from)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
    )
    .bind(scope.as_str())
    .bind(event.entity_kind.code())
    .bind(event.entity_id)
    .bind(event.entity_version.get())
    .bind(event.seq)
    .bind(event.by.person.map(WorkerId::get))
    .bind(event.by.name.as_str())
    .bind(event.by.role.as_str())
    .bind(event.at)
    .bind(event.why.as_str())
    .bind(event.what.as_str())
    .bind(event.detail.as_str())
    .bind(event.recorded_at)
    .bind(event.backdated.as_ref().map(|b| b.entered_at))
    .bind(event.backdated.as_ref().map(|b| b.reason.as_str()))
    .bind(chain_seq)
    .bind(prev_hash)
    .bind(hash.as_str())
    .bind(event.entered_by.as_deref())
    .bind(event.entered_from.as_deref())
    .execute(&mut *conn)
    .await
    .map_err(|err| StoreError::from_sqlx(context(), err))?;
    set_chain_head(conn, scope.as_str(), &hash).await
}

/// Take the next place in an authority's chain: its number and the hash before it. Locks
/// the chain head until the transaction ends.
/// Append `entry` to the authority's audit chain inside the caller's transaction, so a
/// change and its entry commit together.
pub(super) async fn append_audit(conn: &mut Conn, scope: &AuthorityScope, entry: &NewAuditEntry) -> Result<AuditEvent> {
    let what = || format!("recording \"{}\" in the audit trail of {} {}", entry.what, entry.kind, entry.id);
    let now = now();
    // The chain place first: on PostgreSQL it locks the authority's head, so two
    // writers cannot both take the same next number in the entity's own trail.
    let (chain_seq, prev_hash) = take_chain_place(&mut *conn, scope.as_str()).await?;
    let seq: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_events
             WHERE authority_id = $1 AND entity_kind = $2 AND entity_id = $3",
    )
    .bind(scope.as_str())
    .bind(entry.kind.code())
    .bind(entry.id)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(what(), e))?;
    let event = AuditEvent {
        entity_kind: entry.kind,
        entity_id: entry.id,
        entity_version: Version::new(0),
        seq,
        by: entry.by.clone(),
        at: to_micros(entry.at),
        why: entry.why.clone(),
        what: entry.what.clone(),
        detail: entry.detail.clone(),
        recorded_at: to_micros(now),
        backdated: None,
        entered_by: entry.entered_by.clone(),
        entered_from: entry.entered_from.clone(),
    };
    write_audit_row(&mut *conn, scope, &event, chain_seq, &prev_hash).await?;
    Ok(event)
}

async fn take_chain_place(conn: &mut Conn, authority: &str) -> Result<(i64, String)> {
    sqlx::query(
        "INSERT INTO audit_chain_heads (authority_id, chain_seq, hash) VALUES ($1, 0, $2)
         ON CONFLICT (authority_id) DO NOTHING",
    )
    .bind(authority)
    .bind(GENESIS)
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx("starting the audit chain", e))?;
    let row = sqlx::query(
        "UPDATE audit_chain_heads SET chain_seq = chain_seq + 1 WHERE authority_id = $1 RETURNING chain_seq, hash",
    )
    .bind(authority)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx("taking the next place in the audit chain", e))?;
    Ok((col(&row, "chain_seq")?, col(&row, "hash")?))
}

async fn set_chain_head(conn: &mut Conn, authority: &str, hash: &str) -> Result<()> {
    sqlx::query("UPDATE audit_chain_heads SET hash = $2 WHERE authority_id = $1")
        .bind(authority)
        .bind(hash)
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("moving the audit chain's head on", e))?;
    Ok(())
}

/// A history entry of an application, a panel or an ASYE programme, as the audit trail
/// records it.
trait AuditedEntry: Serialize {
    /// What it is called in an error: "an application history entry".
    const NAME: &'static str;
    fn by(&self) -> &Actor;
    fn at(&self) -> DateTime<Utc>;
    fn why(&self) -> &str;
    /// When and why it was entered late, if it was.
    fn backdated(&self) -> Option<&Backdated>;
    /// What happened, in a sentence for people reading the trail.
    fn what(&self) -> String;
    /// The account that entered it on the actor's behalf, if someone else did.
    fn entered_by(&self) -> Option<&str>;
    /// The address it was entered from, for an entry made over HTTP.
    fn entered_from(&self) -> Option<&str>;
}

/// The three history entries carry the same fields; only their name and how `what` reads
/// differ.
macro_rules! audited_entry {
    ($entry:ty, $name:literal, $what:expr) => {
        impl AuditedEntry for $entry {
            const NAME: &'static str = $name;
            fn by(&self) -> &Actor {
                &self.by
            }
            fn at(&self) -> DateTime<Utc> {
                self.at
            }
            fn why(&self) -> &str {
                &self.why
            }
            fn backdated(&self) -> Option<&Backdated> {
                self.backdated.as_ref()
            }
            fn what(&self) -> String {
                $what(self)
            }
            fn entered_by(&self) -> Option<&str> {
                self.entered_by.as_deref()
            }
            fn entered_from(&self) -> Option<&str> {
                self.entered_from.as_deref()
            }
        }
    };
}

audited_entry!(Event, "an application history entry", describe);
audited_entry!(PanelEvent, "a panel history entry", |e: &PanelEvent| e.what.clone());
audited_entry!(AsyeEvent, "an ASYE history entry", |e: &AsyeEvent| e.what.clone());

/// Write the history entries of one record (`kind`, id, version) from position `from` on to
/// the audit trail, numbered by their place in the history.
async fn audit_history<E: AuditedEntry>(
    conn: &mut Conn,
    scope: &AuthorityScope,
    (kind, id, version): (EntityKind, i64, Version),
    history: &[E],
    from: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    for (i, e) in history.iter().enumerate().skip(usize::try_from(from).unwrap_or(usize::MAX)) {
        let event = NewAuditEvent {
            kind,
            id,
            version,
            seq: count(i + 1),
            by: AuditActor::from(e.by()),
            at: e.at(),
            why: e.why(),
            backdated: e.backdated(),
            what: e.what(),
            detail: to_json(e, E::NAME)?,
            entered_by: e.entered_by(),
            entered_from: e.entered_from(),
        };
        insert_audit(conn, scope, &event, now).await?;
    }
    Ok(())
}

/// Write an application's history entries from `from` on to the audit trail.
async fn audit_application(
    conn: &mut Conn,
    scope: &AuthorityScope,
    id: ApplicationId,
    version: Version,
    app: &Application,
    from: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    audit_history(conn, scope, (EntityKind::Application, id.get(), version), app.history(), from, now).await
}

/// An application history entry in a sentence, for people reading the audit trail.
fn describe(e: &Event) -> String {
    let outcome = |o: &StepOutcome| match o {
        StepOutcome::Met => "met",
        StepOutcome::MetWithNotes => "met with notes",
        StepOutcome::NotMet => "not met",
    };
    let what = match &e.change {
        Change::Opened { route, fast_track, .. } => {
            format!("opened an application for route {route}{}", if *fast_track { " (fast track)" } else { "" })
        }
        Change::Submitted { fast_track, evidence } => match (*fast_track, evidence.ready) {
            (true, false) => "submitted under fast track before the evidence was complete".to_owned(),
            _ => "submitted the application".to_owned(),
        },
        Change::AssessmentStarted => "began assessment".to_owned(),
        Change::Assigned { step, assessor, replaced } => {
            let replacing = replaced.as_ref().map(|r| format!(", replacing {}", r.name)).unwrap_or_default();
            format!("assigned {} as {} to step {step}{replacing}", assessor.name, assessor.role)
        }
        Change::StepStarted { step } => format!("started step {step}"),
        Change::StepCompleted { step, outcome: o, .. } => format!("completed step {step}: {}", outcome(o)),
        Change::ReferredToPanel { panel: Some(p) } => format!("referred to the {} of {}", p.role, p.held_on),
        Change::ReferredToPanel { panel: None } => "referred to the panel or interview".to_owned(),
        Change::Decided { outcome: o, panel, on_appeal } => {
            let by = panel.as_ref().map(|p| format!(" by the {} of {}", p.role, p.held_on)).unwrap_or_default();
            let appeal = if *on_appeal { " on appeal" } else { "" };
            format!("decided{appeal}: {}{by}", o.code())
        }
        Change::SignedOff { effective_from, .. } => format!("signed off, effective from {effective_from}"),
        Change::MadeEffective { record_change } => {
            format!("made effective: {} from {}", record_change.level, record_change.starts_on)
        }
        Change::Withdrawn => "withdrew the application".to_owned(),
        Change::Deferred { until: Some(d) } => format!("deferred until {d}"),
        Change::Deferred { until: None } => "deferred".to_owned(),
        Change::Resumed => "resumed".to_owned(),
        Change::AppealLodged { .. } => "appealed against the decision".to_owned(),
        Change::Reopened => "reopened for resubmission".to_owned(),
        Change::UnderException { action, exception } => format!("{action} under {}", exception.describe()),
    };
    if e.from == e.to { what } else { format!("{what} ({} → {})", e.from.code(), e.to.code()) }
}

fn audit_event_from(row: &DbRow) -> Result<AuditEvent> {
    let kind: String = col(row, "entity_kind")?;
    let role: String = col(row, "actor_role")?;
    Ok(AuditEvent {
        entity_kind: EntityKind::from_code(&kind)
            .ok_or_else(|| StoreError::database("reading the audit trail", format!("unknown entity kind `{kind}`")))?,
        entity_id: col(row, "entity_id")?,
        entity_version: Version::new(col(row, "entity_version")?),
        seq: col(row, "seq")?,
        by: AuditActor {
            person: col::<Option<i64>>(row, "actor_id")?.map(WorkerId::new),
            name: col(row, "actor_name")?,
            role,
        },
        at: col(row, "occurred_at")?,
        why: col(row, "why")?,
        what: col(row, "what")?,
        detail: col(row, "detail")?,
        recorded_at: col(row, "recorded_at")?,
        backdated: match col::<Option<String>>(row, "backdated_because")? {
            Some(reason) => Some(Backdated { entered_at: col(row, "entered_at")?, reason }),
            None => None,
        },
        entered_by: col(row, "entered_by")?,
        entered_from: col(row, "entered_from")?,
    })
}

const AUDIT_COLUMNS: &str = "SELECT entity_kind, entity_id, entity_version, seq, actor_id, actor_name, actor_role,
        occurred_at, why, what, detail, recorded_at, entered_at, backdated_because, entered_by, entered_from FROM audit_events";

impl AuditTrail for Backend {
    async fn audit_trail(&self, scope: &AuthorityScope, kind: EntityKind, id: i64) -> Result<Vec<AuditEvent>> {
        let mut conn = acquire(self.pool()).await?;
        let sql =
            format!("{AUDIT_COLUMNS} WHERE authority_id = $1 AND entity_kind = $2 AND entity_id = $3 ORDER BY seq, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .bind(kind.code())
            .bind(id)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("reading the audit trail of {kind} {id}"), e))?;
        rows.iter().map(audit_event_from).collect()
    }

    async fn audit_by_actor(&self, scope: &AuthorityScope, actor: WorkerId) -> Result<Vec<AuditEvent>> {
        let mut conn = acquire(self.pool()).await?;
        let sql = format!("{AUDIT_COLUMNS} WHERE authority_id = $1 AND actor_id = $2 ORDER BY occurred_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .bind(actor.get())
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("reading the audit trail of worker {actor}"), e))?;
        rows.iter().map(audit_event_from).collect()
    }

    async fn record_audit(&self, scope: &AuthorityScope, entry: &NewAuditEntry) -> Result<AuditEvent> {
        let what = || format!("recording \"{}\" in the audit trail of {} {}", entry.what, entry.kind, entry.id);
        let mut tx = self.begin_write().await?;
        let event = append_audit(&mut tx, scope, entry).await?;
        commit(tx, what).await?;
        Ok(event)
    }

    async fn audit_chain_head(&self, scope: &AuthorityScope) -> Result<Option<ChainHead>> {
        let mut conn = acquire(self.pool()).await?;
        let row = sqlx::query("SELECT chain_seq, hash FROM audit_chain_heads WHERE authority_id = $1")
            .bind(scope.as_str())
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("reading the audit chain's head", e))?;
        match row {
            Some(row) => Ok(Some(ChainHead { chain_seq: col(&row, "chain_seq")?, hash: col(&row, "hash")? })),
            None => Ok(None),
        }
    }

    async fn audit_chain_entries(
        &self,
        scope: &AuthorityScope,
        after: i64,
        until: i64,
        limit: i64,
    ) -> Result<Vec<ChainedAuditEvent>> {
        let mut conn = acquire(self.pool()).await?;
        let sql = format!(
            "{CHAINED_COLUMNS} WHERE authority_id = $1 AND chain_seq > $2 AND chain_seq <= $3
             ORDER BY chain_seq LIMIT $4"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .bind(after)
            .bind(until)
            .bind(limit)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("reading the audit chain", e))?;
        rows.iter().map(chained_event_from).collect()
    }

    async fn audit_unchained(&self, scope: &AuthorityScope, limit: i64) -> Result<Vec<ChainedAuditEvent>> {
        let mut conn = acquire(self.pool()).await?;
        let sql = format!("{CHAINED_COLUMNS} WHERE authority_id = $1 AND chain_seq IS NULL ORDER BY id LIMIT $2");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .bind(limit)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("reading the audit trail's unchained entries", e))?;
        rows.iter().map(chained_event_from).collect()
    }

    async fn audit_search(&self, scope: &AuthorityScope, query: &AuditQuery) -> Result<Vec<ChainedAuditEvent>> {
        let mut conn = acquire(self.pool()).await?;
        // Every filter is bound; one left out is a NULL that lets every row through.
        let sql = format!(
            "{CHAINED_COLUMNS} WHERE authority_id = $1
               AND ($2 IS NULL OR actor_id = $2
                    OR (entity_kind = 'evidence' AND entity_id IN
                          (SELECT id FROM evidence_items WHERE authority_id = $1 AND worker_id = $2))
                    OR (entity_kind = 'application' AND entity_id IN
                          (SELECT id FROM applications WHERE authority_id = $1 AND worker_id = $2))
                    OR (entity_kind = 'asye-programme' AND entity_id IN
                          (SELECT id FROM asye_programmes WHERE authority_id = $1 AND worker_id = $2))
                    OR (entity_kind = 'eligibility-exception' AND entity_id IN
                          (SELECT id FROM eligibility_exceptions WHERE authority_id = $1 AND worker_id = $2)))
               AND ($3 IS NULL OR (entity_kind = $3 AND entity_id = $4))
               AND ($5 IS NULL OR occurred_at >= $5)
               AND ($6 IS NULL OR occurred_at < $6)
             ORDER BY id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .bind(query.person.map(|p| p.get()))
            .bind(query.record.map(|(kind, _)| kind.code()))
            .bind(query.record.map(|(_, id)| id))
            .bind(query.from)
            .bind(query.before)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx("searching the audit trail", e))?;
        rows.iter().map(chained_event_from).collect()
    }
}

const CHAINED_COLUMNS: &str = "SELECT id, authority_id, chain_seq, prev_hash, hash, entity_kind, entity_id,
        entity_version, seq, actor_id, actor_name, actor_role, occurred_at, why, what, detail, recorded_at,
        entered_at, backdated_because, entered_by, entered_from FROM audit_events";

fn chained_event_from(row: &DbRow) -> Result<ChainedAuditEvent> {
    Ok(ChainedAuditEvent {
        authority: col(row, "authority_id")?,
        row_id: col(row, "id")?,
        chain_seq: col(row, "chain_seq")?,
        prev_hash: col(row, "prev_hash")?,
        hash: col(row, "hash")?,
        event: audit_event_from(row)?,
    })
}

impl Backend {
    /// Chain the audit entries that have no place in a chain yet (those written before
    /// migration 9), per authority in the order they were written, after whatever the
    /// chain holds. One transaction; a second run finds nothing to do. Returns how many
    /// entries it chained.
    pub(crate) async fn seal_audit_chain(&self) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let authorities: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT authority_id FROM audit_events WHERE chain_seq IS NULL ORDER BY authority_id",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx("finding audit entries to chain", e))?;
        let mut sealed = 0;
        for authority in authorities {
            let sql = format!("{CHAINED_COLUMNS} WHERE authority_id = $1 AND chain_seq IS NULL ORDER BY id");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(authority.as_str())
                .fetch_all(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(format!("reading {authority}'s audit entries to chain"), e))?;
            for row in &rows {
                let entry = chained_event_from(row)?;
                let (chain_seq, prev_hash) = take_chain_place(&mut tx, &authority).await?;
                let hash = link_hash(&prev_hash, &entry.chain_row());
                sqlx::query("UPDATE audit_events SET chain_seq = $2, prev_hash = $3, hash = $4 WHERE id = $1")
                    .bind(entry.row_id)
                    .bind(chain_seq)
                    .bind(prev_hash.as_str())
                    .bind(hash.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| {
                        StoreError::from_sqlx(format!("chaining {authority}'s audit entry {}", entry.row_id), e)
                    })?;
                set_chain_head(&mut tx, &authority, &hash).await?;
                sealed += 1;
            }
        }
        commit(tx, || "chaining the audit trail".to_owned()).await?;
        Ok(sealed)
    }
}

// ---------------------------------------------------------------------------------------
// Eligibility exceptions

const EXCEPTION_COLUMNS: &str = "SELECT id, document, created_at FROM eligibility_exceptions";

fn exception_from(row: &DbRow) -> Result<StoredException> {
    let id = ExceptionId::new(col(row, "id")?);
    Ok(StoredException {
        id,
        exception: from_json(row, &format!("exception {id}"))?,
        stored_at: col(row, "created_at")?,
    })
}

/// Store an exception and its one audit row in the open transaction.
async fn insert_exception(
    conn: &mut Conn,
    scope: &AuthorityScope,
    exception: &EligibilityException,
    now: DateTime<Utc>,
) -> Result<ExceptionId> {
    let recorded = &exception.recorded;
    let context = || format!("storing an exception for worker {} on route {}", exception.worker, exception.route);
    ensure_worker(conn, scope, exception.worker).await?;
    ensure_worker(conn, scope, recorded.by.person).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO eligibility_exceptions (authority_id, worker_id, route_id, recorded_by_id, recorded_at, document,
             created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(scope.as_str())
    .bind(exception.worker.get())
    .bind(exception.route.as_str())
    .bind(recorded.by.person.get())
    .bind(recorded.at)
    .bind(to_json(exception, "the exception")?)
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(context(), e))?;
    let id = ExceptionId::new(id);
    let event = NewAuditEvent {
        kind: EntityKind::EligibilityException,
        id: id.get(),
        version: Version::FIRST,
        seq: 1,
        by: AuditActor::from(&recorded.by),
        at: recorded.at,
        why: recorded.why.trim(),
        backdated: recorded.backdated.as_ref(),
        what: format!(
            "recorded exception {id} for {} on route {}, waiving {}",
            exception.worker_name,
            exception.route,
            exception.waived_words()
        ),
        detail: to_json(exception, "the exception")?,
        entered_by: recorded.entered_by.as_deref(),
        entered_from: recorded.entered_from.as_deref(),
    };
    insert_audit(conn, scope, &event, now).await?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------
// Evidence

const EVIDENCE_COLUMNS: &str =
    "SELECT id, worker_id, document, clearances, version, created_at, updated_at FROM evidence_items";
const EVIDENCE_STATE: &str =
    "SELECT version, CAST(0 AS BIGINT) AS events FROM evidence_items WHERE authority_id = $1 AND id = $2";
const EVIDENCE_BUMP: &str =
    "UPDATE evidence_items SET version = $3 WHERE authority_id = $1 AND id = $2 AND version = $4";

fn anonymisation_code(status: AnonymisationStatus) -> &'static str {
    match status {
        AnonymisationStatus::NotChecked => "not-checked",
        AnonymisationStatus::FlagsOutstanding { .. } => "flags-outstanding",
        AnonymisationStatus::Cleared { .. } => "cleared",
    }
}

fn evidence_from(row: &DbRow) -> Result<StoredEvidence> {
    let id = EvidenceId::new(col(row, "id")?);
    let mut parts: EvidenceParts = from_json(row, &format!("evidence item {id}"))?;
    // The columns are the truth for identity: the document is written after the id exists,
    // but a copy restored from elsewhere could disagree.
    parts.id = id;
    parts.owner = WorkerId::new(col(row, "worker_id")?);
    let item = EvidenceItem::new(parts)
        .map_err(|e| StoreError::database(format!("reading evidence item {id}, which no longer checks"), e))?;
    let clearances: String = col(row, "clearances")?;
    let clearances: Vec<Clearance> = serde_json::from_str(&clearances)
        .map_err(|e| StoreError::database(format!("reading the anonymisation clearances of evidence item {id}"), e))?;
    Ok(StoredEvidence { item, clearances, meta: meta(row)? })
}

async fn fetch_evidence(conn: &mut Conn, scope: &AuthorityScope, id: EvidenceId) -> Result<StoredEvidence> {
    evidence_from(&fetch_row(conn, EVIDENCE_COLUMNS, scope, "evidence item", id.get()).await?)
}

/// Write an item's document, indexed columns and file rows (the row already exists).
async fn write_evidence(
    conn: &mut Conn,
    scope: &AuthorityScope,
    id: EvidenceId,
    item: &EvidenceItem,
    clearances: &[Clearance],
    version: Version,
    now: DateTime<Utc>,
) -> Result<()> {
    let context = || format!("storing evidence item {id} ({})", item.title());
    let mut parts = item.clone().into_parts();
    parts.id = id;
    let document = to_json(&parts, &format!("evidence item {id}"))?;
    let clearances = to_json(&clearances, "the anonymisation clearances")?;
    sqlx::query(
        "UPDATE evidence_items SET kind = $3, dated_on = $4, title = $5, anonymisation = $6, document = $7,
             clearances = $8, version = $9, updated_at = $10
         WHERE authority_id = $1 AND id = $2",
    )
    .bind(scope.as_str())
    .bind(id.get())
    .bind(item.kind().code())
    .bind(item.date())
    .bind(item.title())
    .bind(anonymisation_code(item.anonymisation()))
    .bind(document)
    .bind(clearances)
    .bind(version.get())
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(context(), e))?;
    sqlx::query("DELETE FROM evidence_files WHERE authority_id = $1 AND evidence_id = $2")
        .bind(scope.as_str())
        .bind(id.get())
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
    for (i, f) in item.files().iter().enumerate() {
        sqlx::query(
            "INSERT INTO evidence_files (authority_id, evidence_id, file_index, sha256, media_type, size_bytes,
                 original_name)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(scope.as_str())
        .bind(id.get())
        .bind(count(i))
        .bind(f.sha256().as_str())
        .bind(f.media_type().mime())
        .bind(i64::try_from(f.size()).unwrap_or(i64::MAX))
        .bind(f.original_name())
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("recording file {} of evidence item {id}", f.original_name()), e))?;
    }
    Ok(())
}

fn evidence_audit<'a>(
    id: EvidenceId,
    version: Version,
    audit: &'a Audit,
    what: String,
    item: &EvidenceItem,
) -> Result<NewAuditEvent<'a>> {
    let detail = serde_json::json!({
        "kind": item.kind().code(),
        "title": item.title(),
        "date": item.date(),
        "anonymisation": item.anonymisation(),
        "files": item.files().iter().map(|f| f.sha256().as_str()).collect::<Vec<_>>(),
    });
    Ok(NewAuditEvent {
        kind: EntityKind::Evidence,
        id: id.get(),
        version,
        seq: version.get(),
        by: AuditActor::from(&audit.by),
        at: audit.at,
        why: &audit.why,
        backdated: audit.backdated.as_ref(),
        what,
        detail: to_json(&detail, "an evidence change")?,
        entered_by: audit.entered_by.as_deref(),
        entered_from: audit.entered_from.as_deref(),
    })
}

impl Portfolios for Backend {
    async fn add_evidence(&self, scope: &AuthorityScope, item: &EvidenceItem, audit: &Audit) -> Result<StoredEvidence> {
        let context = || format!("adding \"{}\" to the portfolio of worker {}", item.title(), item.owner());
        let mut tx = self.begin_write().await?;
        ensure_worker(&mut tx, scope, item.owner()).await?;
        let now = now();
        // The row first, for its id; the document (which carries the id) is written next.
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO evidence_items (authority_id, worker_id, kind, dated_on, title, anonymisation, document,
                 clearances, version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, '{}', '[]', $7, $8, $8) RETURNING id",
        )
        .bind(scope.as_str())
        .bind(item.owner().get())
        .bind(item.kind().code())
        .bind(item.date())
        .bind(item.title())
        .bind(anonymisation_code(item.anonymisation()))
        .bind(Version::FIRST.get())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let id = EvidenceId::new(id);
        write_evidence(&mut tx, scope, id, item, &[], Version::FIRST, now).await?;
        let what = format!("added {} \"{}\"", item.kind().name(), item.title());
        insert_audit(&mut tx, scope, &evidence_audit(id, Version::FIRST, audit, what, item)?, now).await?;
        let stored = fetch_evidence(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok(stored)
    }

    async fn update_evidence(
        &self,
        scope: &AuthorityScope,
        item: &EvidenceItem,
        clearances: &[Clearance],
        expected: Version,
        audit: &Audit,
        what: &str,
    ) -> Result<StoredEvidence> {
        let id = item.id();
        let context = || format!("changing evidence item {id}");
        let mut tx = self.begin_write().await?;
        check_update(&mut tx, EVIDENCE_STATE, scope, "evidence item", id.get(), expected, 0).await?;
        let owner: i64 = sqlx::query_scalar("SELECT worker_id FROM evidence_items WHERE authority_id = $1 AND id = $2")
            .bind(scope.as_str())
            .bind(id.get())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(context(), e))?;
        if owner != item.owner().get() {
            return Err(StoreError::Invalid {
                field: Some("owner"),
                message: format!("evidence item {id} is in the portfolio of worker {owner}; it cannot be moved"),
            });
        }
        let now = now();
        let version =
            bump_version(&mut tx, EVIDENCE_BUMP, EVIDENCE_STATE, scope, "evidence item", id.get(), expected).await?;
        write_evidence(&mut tx, scope, id, item, clearances, version, now).await?;
        insert_audit(&mut tx, scope, &evidence_audit(id, version, audit, what.to_owned(), item)?, now).await?;
        let stored = fetch_evidence(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok(stored)
    }

    async fn evidence(&self, scope: &AuthorityScope, id: EvidenceId) -> Result<StoredEvidence> {
        let mut conn = acquire(self.pool()).await?;
        fetch_evidence(&mut conn, scope, id).await
    }

    async fn portfolio(&self, scope: &AuthorityScope, worker: WorkerId) -> Result<Vec<StoredEvidence>> {
        let mut tx = self.begin_read().await?;
        ensure_worker(&mut tx, scope, worker).await?;
        let sql = format!("{EVIDENCE_COLUMNS} WHERE authority_id = $1 AND worker_id = $2 ORDER BY dated_on, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .bind(worker.get())
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("reading the portfolio of worker {worker}"), e))?;
        commit(tx, || format!("reading the portfolio of worker {worker}")).await?;
        rows.iter().map(evidence_from).collect()
    }
}

// ---------------------------------------------------------------------------------------
// Applications

const APPLICATION_COLUMNS: &str = "SELECT id, document, version, created_at, updated_at FROM applications";
const APPLICATION_STATE: &str = "SELECT version, events FROM applications WHERE authority_id = $1 AND id = $2";

fn application_from(row: &DbRow) -> Result<StoredApplication> {
    let id = ApplicationId::new(col(row, "id")?);
    Ok(StoredApplication { id, application: from_json(row, &format!("application {id}"))?, meta: meta(row)? })
}

async fn fetch_application(conn: &mut Conn, scope: &AuthorityScope, id: ApplicationId) -> Result<StoredApplication> {
    application_from(&fetch_row(conn, APPLICATION_COLUMNS, scope, "application", id.get()).await?)
}

async fn insert_application(
    conn: &mut Conn,
    scope: &AuthorityScope,
    app: &Application,
    now: DateTime<Utc>,
) -> Result<ApplicationId> {
    let s = app.summary();
    let context = || format!("storing an application by worker {} for route {}", s.worker, s.route);
    ensure_worker(conn, scope, s.worker).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO applications (authority_id, worker_id, framework_id, route_id, status, fast_track, opened_at,
             last_event_at, decision, effective_from, events, document, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(scope.as_str())
    .bind(s.worker.get())
    .bind(s.framework.as_str())
    .bind(s.route.as_str())
    .bind(s.status)
    .bind(i64::from(s.fast_track))
    .bind(s.opened_at)
    .bind(s.updated_at)
    .bind(s.decision)
    .bind(s.effective_from)
    .bind(count(app.history().len()))
    .bind(to_json(app, "the application")?)
    .bind(Version::FIRST.get())
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(context(), e))?;
    let id = ApplicationId::new(id);
    audit_application(conn, scope, id, Version::FIRST, app, 0, now).await?;
    Ok(id)
}

/// Save the next state of an application in the open transaction; its new version.
async fn update_application(
    conn: &mut Conn,
    scope: &AuthorityScope,
    id: ApplicationId,
    app: &Application,
    expected: Version,
    now: DateTime<Utc>,
) -> Result<Version> {
    let context = || format!("saving application {id}");
    let stored_events =
        check_update(conn, APPLICATION_STATE, scope, "application", id.get(), expected, app.history().len()).await?;
    let current = fetch_application(conn, scope, id).await?;
    let (was, now_is) = (current.application.summary(), app.summary());
    if (was.worker, &was.framework, &was.route) != (now_is.worker, &now_is.framework, &now_is.route) {
        return Err(StoreError::invalid(format!(
            "application {id} is worker {}'s application for route {}; it cannot become another's",
            was.worker, was.route
        )));
    }
    let version = Version::new(expected.get() + 1);
    let done = sqlx::query(
        "UPDATE applications SET status = $3, fast_track = $4, last_event_at = $5, decision = $6,
             effective_from = $7, events = $8, document = $9, version = $10, updated_at = $11
         WHERE authority_id = $1 AND id = $2 AND version = $12",
    )
    .bind(scope.as_str())
    .bind(id.get())
    .bind(now_is.status)
    .bind(i64::from(now_is.fast_track))
    .bind(now_is.updated_at)
    .bind(now_is.decision)
    .bind(now_is.effective_from)
    .bind(count(app.history().len()))
    .bind(to_json(app, "the application")?)
    .bind(version.get())
    .bind(now)
    .bind(expected.get())
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(context(), e))?;
    if done.rows_affected() == 0 {
        return Err(raced(conn, APPLICATION_STATE, scope, "application", id.get(), expected).await);
    }
    audit_application(conn, scope, id, version, app, stored_events, now).await?;
    Ok(version)
}

// ---------------------------------------------------------------------------------------
// Panels

const PANEL_COLUMNS: &str = "SELECT id, document, version, created_at, updated_at FROM panels";
const PANEL_STATE: &str = "SELECT version, events FROM panels WHERE authority_id = $1 AND id = $2";
const PANEL_BUMP: &str = "UPDATE panels SET version = $3 WHERE authority_id = $1 AND id = $2 AND version = $4";

fn panel_from(row: &DbRow) -> Result<StoredPanel> {
    let id = PanelId::new(col(row, "id")?);
    let panel: Panel = from_json(row, &format!("panel {id}"))?;
    Ok(StoredPanel { id, panel: panel.with_id(id), meta: meta(row)? })
}

async fn fetch_panel(conn: &mut Conn, scope: &AuthorityScope, id: PanelId) -> Result<StoredPanel> {
    panel_from(&fetch_row(conn, PANEL_COLUMNS, scope, "panel", id.get()).await?)
}

/// Write a panel's document, columns and hearings, then its new history entries.
async fn write_panel(
    conn: &mut Conn,
    scope: &AuthorityScope,
    id: PanelId,
    panel: &Panel,
    version: Version,
    from_event: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let context = || format!("storing panel {id}");
    let panel = panel.clone().with_id(id);
    sqlx::query(
        "UPDATE panels SET framework_id = $3, role_id = $4, held_on = $5, events = $6, document = $7, version = $8,
             updated_at = $9
         WHERE authority_id = $1 AND id = $2",
    )
    .bind(scope.as_str())
    .bind(id.get())
    .bind(panel.framework().as_str())
    .bind(panel.role().as_str())
    .bind(panel.held_on())
    .bind(count(panel.history().len()))
    .bind(to_json(&panel, "the panel")?)
    .bind(version.get())
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(context(), e))?;
    sqlx::query("DELETE FROM panel_hearings WHERE authority_id = $1 AND panel_id = $2")
        .bind(scope.as_str())
        .bind(id.get())
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
    for h in panel.hearings() {
        sqlx::query("INSERT INTO panel_hearings (authority_id, panel_id, application_id) VALUES ($1, $2, $3)")
            .bind(scope.as_str())
            .bind(id.get())
            .bind(h.application.get())
            .execute(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("listing application {} on panel {id}", h.application), e))?;
    }
    audit_history(conn, scope, (EntityKind::Panel, id.get(), version), panel.history(), from_event, now).await
}

// ---------------------------------------------------------------------------------------
// ASYE programmes

const ASYE_COLUMNS: &str = "SELECT id, document, version, created_at, updated_at FROM asye_programmes";
const ASYE_STATE: &str = "SELECT version, events FROM asye_programmes WHERE authority_id = $1 AND id = $2";
const ASYE_BUMP: &str = "UPDATE asye_programmes SET version = $3 WHERE authority_id = $1 AND id = $2 AND version = $4";

fn asye_from(row: &DbRow) -> Result<StoredAsye> {
    let id = AsyeProgrammeId::new(col(row, "id")?);
    Ok(StoredAsye { id, programme: from_json(row, &format!("ASYE programme {id}"))?, meta: meta(row)? })
}

async fn fetch_asye(conn: &mut Conn, scope: &AuthorityScope, id: AsyeProgrammeId) -> Result<StoredAsye> {
    asye_from(&fetch_row(conn, ASYE_COLUMNS, scope, "ASYE programme", id.get()).await?)
}

/// Write a programme's document and columns, its new history entries, and the worker's ASYE
/// record as the programme now has it.
async fn write_asye(
    conn: &mut Conn,
    scope: &AuthorityScope,
    id: AsyeProgrammeId,
    programme: &AsyeProgramme,
    version: Version,
    from_event: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let worker = programme.worker().person;
    let context = || format!("storing ASYE programme {id} of worker {worker}");
    sqlx::query(
        "UPDATE asye_programmes SET framework_id = $3, cohort = $4, started_on = $5, status = $6, events = $7,
             document = $8, version = $9, updated_at = $10
         WHERE authority_id = $1 AND id = $2",
    )
    .bind(scope.as_str())
    .bind(id.get())
    .bind(programme.framework().as_str())
    .bind(programme.cohort().to_string())
    .bind(programme.started_on())
    .bind(programme.status().code())
    .bind(count(programme.history().len()))
    .bind(to_json(programme, "the ASYE programme")?)
    .bind(version.get())
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(context(), e))?;
    let record: AsyeRecord = programme
        .asye_record()
        .map_err(|e| StoreError::invalid(format!("ASYE programme {id} does not make a valid ASYE record: {e}")))?;
    // The programme is where the worker's ASYE record comes from once one exists, so the
    // worker's row changes with it (and its version moves, so a stale edit of the worker
    // cannot undo the outcome).
    let done = sqlx::query(
        "UPDATE workers SET asye_cohort = $3, asye_started_on = $4, asye_assessor_id = $5, asye_status = $6,
             asye_outcome = $7, asye_outcome_on = $8, version = version + 1, updated_at = $9
         WHERE authority_id = $1 AND id = $2",
    )
    .bind(scope.as_str())
    .bind(worker.get())
    .bind(record.cohort().map(|c| c.to_string()))
    .bind(record.started_on())
    .bind(record.assessor().map(WorkerId::get))
    .bind(record.status().code())
    .bind(record.outcome().map(|o| o.code()))
    .bind(record.outcome_on())
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(format!("recording the ASYE of worker {worker}"), e))?;
    if done.rows_affected() == 0 {
        return Err(scope.not_found("worker", worker));
    }
    audit_history(conn, scope, (EntityKind::AsyeProgramme, id.get(), version), programme.history(), from_event, now)
        .await
}

impl Progression for Backend {
    async fn create_exception(
        &self,
        scope: &AuthorityScope,
        exception: &EligibilityException,
    ) -> Result<StoredException> {
        let mut tx = self.begin_write().await?;
        let id = insert_exception(&mut tx, scope, exception, now()).await?;
        let stored = exception_from(&fetch_row(&mut tx, EXCEPTION_COLUMNS, scope, "exception", id.get()).await?)?;
        commit(tx, || format!("storing exception {id}")).await?;
        Ok(stored)
    }

    async fn exceptions(&self, scope: &AuthorityScope, worker: Option<WorkerId>) -> Result<Vec<StoredException>> {
        let mut conn = acquire(self.pool()).await?;
        let sql = format!("{EXCEPTION_COLUMNS} WHERE authority_id = $1 AND ($2 IS NULL OR worker_id = $2) ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .bind(worker.map(WorkerId::get))
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("listing the eligibility exceptions of {}", scope.id()), e))?;
        rows.iter().map(exception_from).collect()
    }

    async fn create_application(&self, scope: &AuthorityScope, application: &Application) -> Result<StoredApplication> {
        let mut tx = self.begin_write().await?;
        let id = insert_application(&mut tx, scope, application, now()).await?;
        let stored = fetch_application(&mut tx, scope, id).await?;
        commit(tx, || format!("storing application {id}")).await?;
        Ok(stored)
    }

    async fn application(&self, scope: &AuthorityScope, id: ApplicationId) -> Result<StoredApplication> {
        let mut conn = acquire(self.pool()).await?;
        fetch_application(&mut conn, scope, id).await
    }

    async fn applications(&self, scope: &AuthorityScope, worker: Option<WorkerId>) -> Result<Vec<StoredApplication>> {
        let mut conn = acquire(self.pool()).await?;
        let sql =
            format!("{APPLICATION_COLUMNS} WHERE authority_id = $1 AND ($2 IS NULL OR worker_id = $2) ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .bind(worker.map(WorkerId::get))
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("listing the applications of {}", scope.id()), e))?;
        rows.iter().map(application_from).collect()
    }

    async fn save_application(
        &self,
        scope: &AuthorityScope,
        id: ApplicationId,
        application: &Application,
        expected: Version,
    ) -> Result<StoredApplication> {
        let mut tx = self.begin_write().await?;
        update_application(&mut tx, scope, id, application, expected, now()).await?;
        let stored = fetch_application(&mut tx, scope, id).await?;
        commit(tx, || format!("saving application {id}")).await?;
        Ok(stored)
    }

    async fn save_application_with_timeline(
        &self,
        scope: &AuthorityScope,
        id: ApplicationId,
        application: &Application,
        expected: Version,
        entry: &NewTimelineEntry,
    ) -> Result<(StoredApplication, TimelineEntry)> {
        let worker = application.worker();
        let mut tx = self.begin_write().await?;
        let now = now();
        update_application(&mut tx, scope, id, application, expected, now).await?;
        let added_id = insert_timeline_entry(&mut tx, scope, worker, entry, now).await?;
        let added = TimelineEntry {
            id: added_id,
            worker,
            entry: entry.clone(),
            meta: RecordMeta { version: Version::FIRST, created_at: now, updated_at: now },
        };
        let stored = fetch_application(&mut tx, scope, id).await?;
        commit(tx, || format!("saving application {id} and the timeline of worker {worker}")).await?;
        Ok((stored, added))
    }

    async fn create_panel(&self, scope: &AuthorityScope, panel: &Panel) -> Result<StoredPanel> {
        let context = || format!("storing the {} of {}", panel.name(), panel.held_on());
        let mut tx = self.begin_write().await?;
        let now = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO panels (authority_id, framework_id, role_id, held_on, events, document, version, created_at,
                 updated_at)
             VALUES ($1, $2, $3, $4, 0, '{}', $5, $6, $6) RETURNING id",
        )
        .bind(scope.as_str())
        .bind(panel.framework().as_str())
        .bind(panel.role().as_str())
        .bind(panel.held_on())
        .bind(Version::FIRST.get())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let id = PanelId::new(id);
        write_panel(&mut tx, scope, id, panel, Version::FIRST, 0, now).await?;
        let stored = fetch_panel(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok(stored)
    }

    async fn panel(&self, scope: &AuthorityScope, id: PanelId) -> Result<StoredPanel> {
        let mut conn = acquire(self.pool()).await?;
        fetch_panel(&mut conn, scope, id).await
    }

    async fn panels(&self, scope: &AuthorityScope) -> Result<Vec<StoredPanel>> {
        let mut conn = acquire(self.pool()).await?;
        let sql = format!("{PANEL_COLUMNS} WHERE authority_id = $1 ORDER BY held_on, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("listing the panels of {}", scope.id()), e))?;
        rows.iter().map(panel_from).collect()
    }

    async fn save_panel(
        &self,
        scope: &AuthorityScope,
        id: PanelId,
        panel: &Panel,
        expected: Version,
    ) -> Result<StoredPanel> {
        let context = || format!("saving panel {id}");
        let mut tx = self.begin_write().await?;
        let from =
            check_update(&mut tx, PANEL_STATE, scope, "panel", id.get(), expected, panel.history().len()).await?;
        let version = bump_version(&mut tx, PANEL_BUMP, PANEL_STATE, scope, "panel", id.get(), expected).await?;
        write_panel(&mut tx, scope, id, panel, version, from, now()).await?;
        let stored = fetch_panel(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok(stored)
    }

    async fn create_asye(&self, scope: &AuthorityScope, programme: &AsyeProgramme) -> Result<StoredAsye> {
        let worker = programme.worker().person;
        let context = || format!("storing the ASYE programme of worker {worker}");
        let mut tx = self.begin_write().await?;
        ensure_worker(&mut tx, scope, worker).await?;
        let now = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO asye_programmes (authority_id, worker_id, framework_id, cohort, started_on, status, events,
                 document, version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 0, '{}', $7, $8, $8) RETURNING id",
        )
        .bind(scope.as_str())
        .bind(worker.get())
        .bind(programme.framework().as_str())
        .bind(programme.cohort().to_string())
        .bind(programme.started_on())
        .bind(programme.status().code())
        .bind(Version::FIRST.get())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let id = AsyeProgrammeId::new(id);
        write_asye(&mut tx, scope, id, programme, Version::FIRST, 0, now).await?;
        let stored = fetch_asye(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok(stored)
    }

    async fn asye(&self, scope: &AuthorityScope, id: AsyeProgrammeId) -> Result<StoredAsye> {
        let mut conn = acquire(self.pool()).await?;
        fetch_asye(&mut conn, scope, id).await
    }

    async fn asye_programmes(&self, scope: &AuthorityScope, worker: Option<WorkerId>) -> Result<Vec<StoredAsye>> {
        let mut conn = acquire(self.pool()).await?;
        let sql = format!("{ASYE_COLUMNS} WHERE authority_id = $1 AND ($2 IS NULL OR worker_id = $2) ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scope.as_str())
            .bind(worker.map(WorkerId::get))
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("listing the ASYE programmes of {}", scope.id()), e))?;
        rows.iter().map(asye_from).collect()
    }

    async fn save_asye(
        &self,
        scope: &AuthorityScope,
        id: AsyeProgrammeId,
        programme: &AsyeProgramme,
        expected: Version,
        opened: Option<&Application>,
    ) -> Result<(StoredAsye, Option<StoredApplication>)> {
        let context = || format!("saving ASYE programme {id}");
        let mut tx = self.begin_write().await?;
        let from =
            check_update(&mut tx, ASYE_STATE, scope, "ASYE programme", id.get(), expected, programme.history().len())
                .await?;
        let version = bump_version(&mut tx, ASYE_BUMP, ASYE_STATE, scope, "ASYE programme", id.get(), expected).await?;
        let now = now();
        write_asye(&mut tx, scope, id, programme, version, from, now).await?;
        let opened = match opened {
            Some(app) => {
                let app_id = insert_application(&mut tx, scope, app, now).await?;
                Some(fetch_application(&mut tx, scope, app_id).await?)
            }
            None => None,
        };
        let stored = fetch_asye(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok((stored, opened))
    }
}
