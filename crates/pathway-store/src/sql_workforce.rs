//! The workforce storage traits ([`Tenancy`], [`Organisation`], [`Workforce`],
//! [`FrameworkVersions`], [`CrossAuthorityReports`]; [`BulkImport`](crate::api::BulkImport)
//! in `bulk.rs`, a child module) implemented once, in SQL both databases accept, with the
//! row helpers `sql_progression.rs` shares.
//!
//! Compiled once per backend, as `sqlite::sql_workforce` and `postgres::sql_workforce`,
//! against the parent's `Backend` and what it supplies through [`SqlBackend`]: see
//! backend.rs for the contract and why it is done this way.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use pathway_core::framework::{FrameworkId, GradeId, LevelId};
use pathway_core::ids::{AppraisalId, AttestationId, AwardId, GoalId, OrgUnitId, PostId, TimelineEntryId, WorkerId};
use pathway_core::workforce::{
    AcademicLevel, AppraisalRecord, AsyeParts, AsyeRecord, Attestation, Authority, AuthorityId, Award, DevelopmentGoal,
    EmployeeNumber, InvalidValue, LineManagement, MAX_BACKDATING_DAYS, Name, NewAppraisal, NewAttestation,
    NewAuthority, NewAward, NewGoal, NewOrgUnit, NewPost, NewTimelineEntry, NewWorker, NewWorkerRecord, OrgUnit, Post,
    PostHolding, Probation, Qualification, RecordMeta, SweRegistration, Timeline, TimelineEntry, Version, Worker,
    WorkerDetails, WorkerRecord, parse_role, unit_name_key,
};
use sqlx::{Database, Row};

use super::Backend;
use super::sql_career::{REGISTRATIONS_OF, REGISTRATIONS_OF_AUTHORITY, registration_from};
use crate::api::{
    AuthorityScope, CrossAuthorityReports, FrameworkFile, FrameworkSource, FrameworkVersions, Headcount, ImportedPost,
    ImportedUnit, Organisation, OrganisationOutcome, PostRef, StoredFramework, SyncChange, SyncOutcome, Tenancy,
    UnitRef, Workforce,
};
use crate::backend::SqlBackend;
use crate::error::{Result, StoreError};
use pathway_core::career::RegistrationRecord;

/// The driver the parent backend compiles this file against.
type Db = <Backend as SqlBackend>::Db;
type DbRow = <Db as Database>::Row;
type Conn = <Db as Database>::Connection;
type Query<'q> = sqlx::query::Query<'q, Db, <Db as Database>::Arguments>;

/// Now, to the microsecond: PostgreSQL keeps microseconds, so a value read back from either
/// database equals the one written.
pub(super) fn now() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

pub(super) fn col<'r, T>(row: &'r DbRow, name: &str) -> Result<T>
where
    T: sqlx::Decode<'r, Db> + sqlx::Type<Db>,
{
    row.try_get(name).map_err(|e| StoreError::database(format!("reading column `{name}`"), e))
}

fn unreadable(column: &str, e: InvalidValue) -> StoreError {
    StoreError::database(format!("reading column `{column}`, which holds a value Pathway does not accept"), e)
}

pub(super) fn parsed<T: FromStr<Err = InvalidValue>>(row: &DbRow, name: &str) -> Result<T> {
    let text: String = col(row, name)?;
    text.parse().map_err(|e| unreadable(name, e))
}

pub(super) fn parsed_opt<T: FromStr<Err = InvalidValue>>(row: &DbRow, name: &str) -> Result<Option<T>> {
    let text: Option<String> = col(row, name)?;
    text.map(|t| t.parse().map_err(|e| unreadable(name, e))).transpose()
}

pub(super) fn meta(row: &DbRow) -> Result<RecordMeta> {
    Ok(RecordMeta {
        version: Version::new(col(row, "version")?),
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
    })
}

/// Whether a record exists in the scope. `sql` selects `version` by `authority_id = $1 AND id = $2`.
async fn version_of(conn: &mut Conn, sql: &'static str, scope: &AuthorityScope, id: i64) -> Result<Option<Version>> {
    sqlx::query_scalar::<Db, i64>(sql)
        .bind(scope.as_str())
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map(|v| v.map(Version::new))
        .map_err(|e| StoreError::from_sqlx("looking up a record", e))
}

/// After a version-checked update touched no row: was the record missing, or changed?
async fn missing_or_conflict(
    conn: &mut Conn,
    sql: &'static str,
    scope: &AuthorityScope,
    what: &'static str,
    id: i64,
    expected: Version,
) -> StoreError {
    match version_of(conn, sql, scope, id).await {
        Ok(Some(actual)) => StoreError::Conflict { what, key: id.to_string(), expected, actual },
        Ok(None) => scope.not_found(what, id),
        Err(e) => e,
    }
}

const UNIT_VERSION: &str = "SELECT version FROM org_units WHERE authority_id = $1 AND id = $2";
pub(super) const WORKER_VERSION: &str = "SELECT version FROM workers WHERE authority_id = $1 AND id = $2";
const POST_VERSION: &str = "SELECT version FROM posts WHERE authority_id = $1 AND id = $2";
const GOAL_VERSION: &str = "SELECT version FROM development_goals WHERE authority_id = $1 AND id = $2";

/// A reference from the record being written to another record, which must be in the scope.
pub(super) async fn ensure_reference(
    conn: &mut Conn,
    sql: &'static str,
    scope: &AuthorityScope,
    what: &str,
    id: i64,
) -> Result<()> {
    match version_of(conn, sql, scope, id).await? {
        Some(_) => Ok(()),
        None => Err(StoreError::invalid(format!("{what} {id} does not exist in authority {}", scope.id()))),
    }
}

pub(super) async fn ensure_worker(conn: &mut Conn, scope: &AuthorityScope, id: WorkerId) -> Result<()> {
    match version_of(conn, WORKER_VERSION, scope, id.get()).await? {
        Some(_) => Ok(()),
        None => Err(scope.not_found("worker", id)),
    }
}

// ---------------------------------------------------------------------------------------
// Authorities

fn authority_from(row: &DbRow) -> Result<Authority> {
    let days: i32 = col(row, "backdating_days")?;
    let backdating_days = u16::try_from(days)
        .map_err(|_| StoreError::database("reading an authority", format!("backdating_days {days} is out of range")))?;
    Ok(Authority { id: parsed(row, "id")?, name: parsed(row, "name")?, backdating_days, meta: meta(row)? })
}

impl Tenancy for Backend {
    async fn create_authority(&self, new: &NewAuthority) -> Result<Authority> {
        let context = || format!("creating authority {}", new.id);
        let mut tx = self.begin_write().await?;
        let now = now();
        sqlx::query("INSERT INTO authorities (id, name, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
            .bind(new.id.as_str())
            .bind(new.name.as_str())
            .bind(Version::FIRST.get())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let authority = fetch_authority(&mut tx, &AuthorityScope::new(new.id.clone())).await?;
        tx.commit().await.map_err(|e| StoreError::from_sqlx(context(), e))?;
        Ok(authority)
    }

    async fn authorities(&self) -> Result<Vec<Authority>> {
        let mut conn = acquire(self.pool()).await?;
        let rows = sqlx::query(
            "SELECT id, name, backdating_days, version, created_at, updated_at FROM authorities ORDER BY id",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("listing authorities", e))?;
        rows.iter().map(authority_from).collect()
    }

    async fn scope(&self, id: &AuthorityId) -> Result<AuthorityScope> {
        let mut conn = acquire(self.pool()).await?;
        let found = sqlx::query_scalar::<Db, String>("SELECT id FROM authorities WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("looking up authority {id}"), e))?;
        match found {
            Some(_) => Ok(AuthorityScope::new(id.clone())),
            None => Err(StoreError::NotFound { what: "authority", key: id.to_string(), authority: id.to_string() }),
        }
    }

    async fn authority(&self, scope: &AuthorityScope) -> Result<Authority> {
        let mut conn = acquire(self.pool()).await?;
        fetch_authority(&mut conn, scope).await
    }

    async fn update_authority(
        &self,
        scope: &AuthorityScope,
        expected: Version,
        name: &Name,
        backdating_days: u16,
    ) -> Result<Authority> {
        let context = || format!("changing authority {}", scope.id());
        if backdating_days > MAX_BACKDATING_DAYS {
            return Err(StoreError::Invalid {
                field: Some("backdating_days"),
                message: format!("{backdating_days} days is more than the longest window, {MAX_BACKDATING_DAYS} days"),
            });
        }
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE authorities SET name = $2, backdating_days = $5, version = version + 1, updated_at = $3
             WHERE id = $1 AND version = $4",
        )
        .bind(scope.as_str())
        .bind(name.as_str())
        .bind(now())
        .bind(expected.get())
        .bind(i32::from(backdating_days))
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        if done.rows_affected() == 0 {
            let current = fetch_authority(&mut tx, scope).await?;
            return Err(StoreError::Conflict {
                what: "authority",
                key: scope.id().to_string(),
                expected,
                actual: current.meta.version,
            });
        }
        let authority = fetch_authority(&mut tx, scope).await?;
        tx.commit().await.map_err(|e| StoreError::from_sqlx(context(), e))?;
        Ok(authority)
    }
}

async fn fetch_authority(conn: &mut Conn, scope: &AuthorityScope) -> Result<Authority> {
    let row =
        sqlx::query("SELECT id, name, backdating_days, version, created_at, updated_at FROM authorities WHERE id = $1")
            .bind(scope.as_str())
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| StoreError::from_sqlx(format!("reading authority {}", scope.id()), e))?;
    match row {
        Some(row) => authority_from(&row),
        None => Err(scope.not_found("authority", scope.id())),
    }
}

pub(super) async fn acquire(pool: &sqlx::Pool<Db>) -> Result<sqlx::pool::PoolConnection<Db>> {
    pool.acquire().await.map_err(|e| StoreError::from_sqlx("connecting to the database", e))
}

pub(super) async fn commit(tx: sqlx::Transaction<'static, Db>, context: impl FnOnce() -> String) -> Result<()> {
    tx.commit().await.map_err(|e| StoreError::from_sqlx(context(), e))
}

// ---------------------------------------------------------------------------------------
// Organisation

fn unit_from(row: &DbRow) -> Result<OrgUnit> {
    Ok(OrgUnit {
        id: OrgUnitId::new(col(row, "id")?),
        authority: parsed(row, "authority_id")?,
        kind: parsed(row, "kind")?,
        name: parsed(row, "name")?,
        parent: col::<Option<i64>>(row, "parent_id")?.map(OrgUnitId::new),
        closed_on: col(row, "closed_on")?,
        meta: meta(row)?,
    })
}

/// A post without its holdings (`with_holdings` adds them).
fn post_from(row: &DbRow) -> Result<Post> {
    let role: String = col(row, "role")?;
    Ok(Post {
        id: PostId::new(col(row, "id")?),
        authority: parsed(row, "authority_id")?,
        unit: OrgUnitId::new(col(row, "unit_id")?),
        role: parse_role(&role).map_err(|e| unreadable("role", e))?,
        reports_to: col::<Option<i64>>(row, "reports_to_id")?.map(PostId::new),
        holdings: Vec::new(),
        meta: meta(row)?,
    })
}

/// The row of record `id` selected by `columns` (`SELECT ... FROM table`) in the scope.
pub(super) async fn fetch_row(
    conn: &mut Conn,
    columns: &'static str,
    scope: &AuthorityScope,
    what: &'static str,
    id: i64,
) -> Result<DbRow> {
    let sql = format!("{columns} WHERE authority_id = $1 AND id = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(scope.as_str())
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("reading {what} {id}"), e))?
        .ok_or_else(|| scope.not_found(what, id))
}

const UNIT_COLUMNS: &str =
    "SELECT id, authority_id, kind, name, parent_id, closed_on, version, created_at, updated_at FROM org_units";
const POST_COLUMNS: &str =
    "SELECT id, authority_id, unit_id, role, reports_to_id, version, created_at, updated_at FROM posts";

async fn fetch_units(conn: &mut Conn, scope: &AuthorityScope) -> Result<Vec<OrgUnit>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{UNIT_COLUMNS} WHERE authority_id = $1 ORDER BY id")))
        .bind(scope.as_str())
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("listing units of {}", scope.id()), e))?;
    rows.iter().map(unit_from).collect()
}

async fn fetch_unit(conn: &mut Conn, scope: &AuthorityScope, id: OrgUnitId) -> Result<OrgUnit> {
    unit_from(&fetch_row(conn, UNIT_COLUMNS, scope, "unit", id.get()).await?)
}

/// Attach each post's holdings, earliest first.
async fn with_holdings(conn: &mut Conn, scope: &AuthorityScope, posts: Vec<Post>) -> Result<Vec<Post>> {
    let rows = sqlx::query(
        "SELECT post_id, worker_id, held_from, held_to FROM post_holdings
         WHERE authority_id = $1 ORDER BY post_id, held_from, id",
    )
    .bind(scope.as_str())
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(format!("listing who held the posts of {}", scope.id()), e))?;
    attach_holdings(posts, &rows)
}

/// Attach holding rows (`post_id, worker_id, held_from, held_to`, in order) to their posts;
/// rows of posts not among `posts` are passed over.
fn attach_holdings(mut posts: Vec<Post>, rows: &[DbRow]) -> Result<Vec<Post>> {
    let at: HashMap<PostId, usize> = posts.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    for row in rows {
        let post = PostId::new(col(row, "post_id")?);
        let holding = PostHolding {
            worker: WorkerId::new(col(row, "worker_id")?),
            held_from: col(row, "held_from")?,
            held_to: col(row, "held_to")?,
        };
        if let Some(p) = at.get(&post).and_then(|&i| posts.get_mut(i)) {
            p.holdings.push(holding);
        }
    }
    Ok(posts)
}

/// Rows read for a whole authority, grouped by the worker each belongs to, in the order read.
pub(super) fn by_worker<T>(
    rows: &[DbRow],
    from: fn(&DbRow) -> Result<T>,
    worker: fn(&T) -> WorkerId,
) -> Result<HashMap<WorkerId, Vec<T>>> {
    let mut grouped: HashMap<WorkerId, Vec<T>> = HashMap::new();
    for row in rows {
        let item = from(row)?;
        grouped.entry(worker(&item)).or_default().push(item);
    }
    Ok(grouped)
}

async fn fetch_posts(conn: &mut Conn, scope: &AuthorityScope) -> Result<Vec<Post>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{POST_COLUMNS} WHERE authority_id = $1 ORDER BY id")))
        .bind(scope.as_str())
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("listing posts of {}", scope.id()), e))?;
    let posts = rows.iter().map(post_from).collect::<Result<Vec<_>>>()?;
    with_holdings(conn, scope, posts).await
}

async fn fetch_post(conn: &mut Conn, scope: &AuthorityScope, id: PostId) -> Result<Post> {
    let post = post_from(&fetch_row(conn, POST_COLUMNS, scope, "post", id.get()).await?)?;
    let mut posts = with_holdings(conn, scope, vec![post]).await?;
    posts.pop().ok_or_else(|| scope.not_found("post", id))
}

/// A unit by id among `units`, refused when it is missing or closed.
fn open_unit<'a>(units: &'a [OrgUnit], id: OrgUnitId, scope: &AuthorityScope, why: &str) -> Result<&'a OrgUnit> {
    let unit = units
        .iter()
        .find(|u| u.id == id)
        .ok_or_else(|| StoreError::invalid(format!("unit {id} does not exist in authority {}", scope.id())))?;
    match unit.closed_on {
        Some(closed) => Err(StoreError::Invalid {
            field: Some("unit"),
            message: format!("{} (unit {id}) closed on {closed}; a closed unit takes no {why}", unit.name),
        }),
        None => Ok(unit),
    }
}

/// Check `unit` (new, or `existing` being changed) may sit where it asks to, given the
/// authority's other units.
fn check_placement(
    units: &[OrgUnit],
    existing: Option<OrgUnitId>,
    unit: &NewOrgUnit,
    scope: &AuthorityScope,
) -> Result<()> {
    if let Some(parent_id) = unit.parent {
        let parent = open_unit(units, parent_id, scope, "new units")?;
        if !unit.kind.may_sit_under(parent.kind) {
            return Err(StoreError::Invalid {
                field: Some("parent"),
                message: format!("a {} cannot sit under a {} ({})", unit.kind, parent.kind, parent.name),
            });
        }
        if let Some(id) = existing {
            // Walk up from the new parent; meeting the unit itself means a loop.
            let mut current = Some(parent_id);
            let mut steps = 0;
            while let Some(at) = current {
                if at == id {
                    return Err(StoreError::Invalid {
                        field: Some("parent"),
                        message: format!("unit {id} cannot move under {parent_id}, which is inside it"),
                    });
                }
                steps += 1;
                if steps > units.len() {
                    break;
                }
                current = units.iter().find(|u| u.id == at).and_then(|u| u.parent);
            }
        }
    }
    if let Some(id) = existing
        && let Some(child) = units.iter().find(|u| u.parent == Some(id) && !u.kind.may_sit_under(unit.kind))
    {
        return Err(StoreError::Invalid {
            field: Some("kind"),
            message: format!("unit {id} cannot become a {}: it contains {} ({})", unit.kind, child.name, child.kind),
        });
    }
    let key = unit_name_key(&unit.name);
    if let Some(twin) = units.iter().find(|u| {
        Some(u.id) != existing
            && u.closed_on.is_none()
            && u.parent == unit.parent
            && u.kind == unit.kind
            && unit_name_key(&u.name) == key
    }) {
        return Err(StoreError::Duplicate {
            message: format!(
                "{} {} already exists there (unit {}); open units of one kind under one parent need different names",
                unit.kind, twin.name, twin.id
            ),
        });
    }
    Ok(())
}

/// Insert a unit already checked against its authority's structure (`check_placement`).
/// Should another transaction have created the same unit meanwhile, the unique index on open
/// unit names refuses this one with a message saying so.
pub(super) async fn insert_unit(
    conn: &mut Conn,
    scope: &AuthorityScope,
    new: &NewOrgUnit,
    now: DateTime<Utc>,
) -> Result<OrgUnitId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO org_units (authority_id, kind, name, name_key, parent_id, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(scope.as_str())
    .bind(new.kind.code())
    .bind(new.name.as_str())
    .bind(unit_name_key(&new.name))
    .bind(new.parent.map(OrgUnitId::get))
    .bind(Version::FIRST.get())
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(format!("creating {} {}", new.kind, new.name), e))?;
    Ok(OrgUnitId::new(id))
}

/// Check a new holding of `post` may start on `from`: every holding on record ends by then,
/// except an open one that began earlier (which the new holding ends).
fn check_new_holding(post: &Post, from: NaiveDate) -> Result<()> {
    let later = post
        .holdings
        .iter()
        .find(|h| h.held_from >= from || h.held_to.is_some_and(|t| t > from))
        .filter(|h| !(h.held_to.is_none() && h.held_from < from));
    match later {
        None => Ok(()),
        Some(h) => Err(StoreError::Clash {
            field: Some("from"),
            message: format!(
                "post {} was held by worker {} from {}{}; a new holder can start only after the last recorded holding",
                post.id,
                h.worker,
                h.held_from,
                h.held_to.map(|t| format!(" until {t}")).unwrap_or_default()
            ),
        }),
    }
}

async fn insert_holding(
    conn: &mut Conn,
    scope: &AuthorityScope,
    post: PostId,
    worker: WorkerId,
    from: NaiveDate,
) -> Result<()> {
    ensure_reference(conn, WORKER_VERSION, scope, "worker", worker.get()).await?;
    sqlx::query(
        "INSERT INTO post_holdings (authority_id, post_id, worker_id, held_from, held_to, created_at)
         VALUES ($1, $2, $3, $4, NULL, $5)",
    )
    .bind(scope.as_str())
    .bind(post.get())
    .bind(worker.get())
    .bind(from)
    .bind(now())
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(format!("recording worker {worker} in post {post} from {from}"), e))?;
    Ok(())
}

/// Count a version-checked change to a post (so two people changing its holder at once
/// cannot both win).
async fn bump_post(conn: &mut Conn, scope: &AuthorityScope, id: PostId, expected: Version) -> Result<()> {
    let done = sqlx::query(
        "UPDATE posts SET version = version + 1, updated_at = $3 WHERE authority_id = $1 AND id = $2 AND version = $4",
    )
    .bind(scope.as_str())
    .bind(id.get())
    .bind(now())
    .bind(expected.get())
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(format!("changing post {id}"), e))?;
    if done.rows_affected() == 0 {
        return Err(missing_or_conflict(conn, POST_VERSION, scope, "post", id.get(), expected).await);
    }
    Ok(())
}

impl Organisation for Backend {
    async fn create_unit(&self, scope: &AuthorityScope, new: &NewOrgUnit) -> Result<OrgUnit> {
        let context = || format!("creating {} {}", new.kind, new.name);
        let mut tx = self.begin_write().await?;
        let units = fetch_units(&mut tx, scope).await?;
        check_placement(&units, None, new, scope)?;
        let id = insert_unit(&mut tx, scope, new, now()).await?;
        let unit = fetch_unit(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok(unit)
    }

    async fn update_unit(
        &self,
        scope: &AuthorityScope,
        id: OrgUnitId,
        expected: Version,
        changes: &NewOrgUnit,
    ) -> Result<OrgUnit> {
        let context = || format!("changing unit {id}");
        let mut tx = self.begin_write().await?;
        let units = fetch_units(&mut tx, scope).await?;
        open_unit(&units, id, scope, "changes").map_err(|e| match units.iter().any(|u| u.id == id) {
            true => e,
            false => scope.not_found("unit", id),
        })?;
        check_placement(&units, Some(id), changes, scope)?;
        let done = sqlx::query(
            "UPDATE org_units SET kind = $3, name = $4, name_key = $8, parent_id = $5, version = version + 1,
                 updated_at = $6
             WHERE authority_id = $1 AND id = $2 AND version = $7",
        )
        .bind(scope.as_str())
        .bind(id.get())
        .bind(changes.kind.code())
        .bind(changes.name.as_str())
        .bind(changes.parent.map(OrgUnitId::get))
        .bind(now())
        .bind(expected.get())
        .bind(unit_name_key(&changes.name))
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        if done.rows_affected() == 0 {
            return Err(missing_or_conflict(&mut tx, UNIT_VERSION, scope, "unit", id.get(), expected).await);
        }
        let unit = fetch_unit(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok(unit)
    }

    async fn close_unit(
        &self,
        scope: &AuthorityScope,
        id: OrgUnitId,
        expected: Version,
        on: NaiveDate,
    ) -> Result<OrgUnit> {
        let context = || format!("closing unit {id} on {on}");
        let mut tx = self.begin_write().await?;
        let units = fetch_units(&mut tx, scope).await?;
        let unit = units.iter().find(|u| u.id == id).ok_or_else(|| scope.not_found("unit", id))?;
        if let Some(closed) = unit.closed_on {
            return Err(StoreError::invalid(format!("{} (unit {id}) already closed on {closed}", unit.name)));
        }
        if let Some(child) = units.iter().find(|u| u.parent == Some(id) && u.closed_on.is_none()) {
            return Err(StoreError::Invalid {
                field: Some("unit"),
                message: format!(
                    "{} (unit {id}) still contains {} (unit {}), which is open; close or move it first",
                    unit.name, child.name, child.id
                ),
            });
        }
        let posts = fetch_posts(&mut tx, scope).await?;
        if let Some(held) =
            posts.iter().find(|p| p.unit == id && p.holdings.iter().any(|h| h.held_to.is_none_or(|t| t > on)))
        {
            return Err(StoreError::Invalid {
                field: Some("unit"),
                message: format!(
                    "{} (unit {id}) has a {} post (post {}) held after {on}; vacate it first",
                    unit.name, held.role, held.id
                ),
            });
        }
        let staff: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM workers WHERE authority_id = $1 AND unit_id = $2 AND left_on IS NULL",
        )
        .bind(scope.as_str())
        .bind(id.get())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        if staff > 0 {
            return Err(StoreError::Invalid {
                field: Some("unit"),
                message: format!("{} (unit {id}) still has {staff} worker(s) in post; move them first", unit.name),
            });
        }
        let done = sqlx::query(
            "UPDATE org_units SET closed_on = $3, version = version + 1, updated_at = $4
             WHERE authority_id = $1 AND id = $2 AND version = $5",
        )
        .bind(scope.as_str())
        .bind(id.get())
        .bind(on)
        .bind(now())
        .bind(expected.get())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        if done.rows_affected() == 0 {
            return Err(missing_or_conflict(&mut tx, UNIT_VERSION, scope, "unit", id.get(), expected).await);
        }
        let unit = fetch_unit(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok(unit)
    }

    async fn units(&self, scope: &AuthorityScope) -> Result<Vec<OrgUnit>> {
        let mut conn = acquire(self.pool()).await?;
        fetch_units(&mut conn, scope).await
    }

    async fn create_post(&self, scope: &AuthorityScope, new: &NewPost) -> Result<Post> {
        let context = || format!("creating a {} post on unit {}", new.role, new.unit);
        let role = parse_role(new.role.as_str())?;
        let mut tx = self.begin_write().await?;
        let units = fetch_units(&mut tx, scope).await?;
        open_unit(&units, new.unit, scope, "new posts")?;
        if let Some(reports_to) = new.reports_to {
            ensure_reference(&mut tx, POST_VERSION, scope, "post", reports_to.get()).await?;
        }
        let now = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO posts (authority_id, unit_id, role, reports_to_id, version, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(scope.as_str())
        .bind(new.unit.get())
        .bind(role.as_str())
        .bind(new.reports_to.map(PostId::get))
        .bind(Version::FIRST.get())
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let id = PostId::new(id);
        if let Some((worker, from)) = new.holder {
            insert_holding(&mut tx, scope, id, worker, from).await?;
        }
        let post = fetch_post(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok(post)
    }

    async fn assign_post(
        &self,
        scope: &AuthorityScope,
        id: PostId,
        expected: Version,
        holder: Option<WorkerId>,
        on: NaiveDate,
    ) -> Result<Post> {
        let context = || format!("assigning post {id} on {on}");
        let mut tx = self.begin_write().await?;
        let post = fetch_post(&mut tx, scope, id).await?;
        match holder {
            Some(worker) => {
                if post.holder_on(on) == Some(worker) {
                    // Asking for what is already so: a conflict with the record, not a malformed request.
                    return Err(StoreError::Duplicate {
                        message: format!("worker {worker} already holds post {id} on {on}"),
                    });
                }
                check_new_holding(&post, on)?;
            }
            None => {
                if post.holder_on(on).is_none() {
                    return Err(StoreError::Duplicate { message: format!("post {id} is already vacant on {on}") });
                }
                if post.holdings.iter().any(|h| h.held_from >= on) {
                    return Err(StoreError::Clash {
                        field: Some("on"),
                        message: format!(
                            "post {id} has a holding starting on or after {on}; vacate it from a later day"
                        ),
                    });
                }
            }
        }
        bump_post(&mut tx, scope, id, expected).await?;
        // End the open holding (if any) on `on`, then start the new one.
        sqlx::query(
            "UPDATE post_holdings SET held_to = $3
             WHERE authority_id = $1 AND post_id = $2 AND held_to IS NULL AND held_from < $3",
        )
        .bind(scope.as_str())
        .bind(id.get())
        .bind(on)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        if let Some(worker) = holder {
            insert_holding(&mut tx, scope, id, worker, on).await?;
        }
        let post = fetch_post(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok(post)
    }

    async fn import_organisation(
        &self,
        scope: &AuthorityScope,
        units: &[ImportedUnit],
        posts: &[ImportedPost],
    ) -> Result<OrganisationOutcome> {
        let context = || format!("importing the organisation of {}", scope.id());
        let mut tx = self.begin_write().await?;
        let mut known = fetch_units(&mut tx, scope).await?;
        let now = now();
        let mut unit_ids = Vec::with_capacity(units.len());
        // Errors name their position in the units followed by the posts.
        let total = units.len() + posts.len();
        for (i, u) in units.iter().enumerate() {
            let parent = match u.parent {
                None => None,
                Some(UnitRef::Existing(id)) => Some(id),
                Some(UnitRef::New(n)) => Some(*unit_ids.get(n).ok_or_else(|| {
                    StoreError::invalid(format!("new unit {n} is not before unit {i} in the import"))
                })?),
            };
            let new = NewOrgUnit { kind: u.kind, name: u.name.clone(), parent };
            check_placement(&known, None, &new, scope).map_err(|e| e.in_batch(i, total))?;
            let id = insert_unit(&mut tx, scope, &new, now).await.map_err(|e| e.in_batch(i, total))?;
            known.push(fetch_unit(&mut tx, scope, id).await?);
            unit_ids.push(id);
        }
        let unit_of = |r: UnitRef| match r {
            UnitRef::Existing(id) => Some(id),
            UnitRef::New(n) => unit_ids.get(n).copied(),
        };
        let mut post_ids: Vec<PostId> = Vec::with_capacity(posts.len());
        for (i, p) in posts.iter().enumerate() {
            let at = |e: StoreError| e.in_batch(units.len() + i, total);
            let unit =
                unit_of(p.unit).ok_or_else(|| at(StoreError::invalid("the post's new unit is not in the import")))?;
            open_unit(&known, unit, scope, "new posts").map_err(at)?;
            let role = parse_role(p.role.as_str()).map_err(|e| at(e.into()))?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO posts (authority_id, unit_id, role, version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(scope.as_str())
            .bind(unit.get())
            .bind(role.as_str())
            .bind(Version::FIRST.get())
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| at(StoreError::from_sqlx(format!("creating a {role} post on unit {unit}"), e)))?;
            let id = PostId::new(id);
            if let Some((worker, from)) = p.holder {
                insert_holding(&mut tx, scope, id, worker, from).await.map_err(at)?;
            }
            post_ids.push(id);
        }
        for (i, p) in posts.iter().enumerate() {
            let at = |e: StoreError| e.in_batch(units.len() + i, total);
            let reports_to = match p.reports_to {
                None => continue,
                Some(PostRef::Existing(id)) => {
                    ensure_reference(&mut tx, POST_VERSION, scope, "post", id.get()).await.map_err(at)?;
                    id
                }
                Some(PostRef::New(n)) => *post_ids
                    .get(n)
                    .ok_or_else(|| at(StoreError::invalid(format!("new post {n} is not in the import"))))?,
            };
            let Some(id) = post_ids.get(i) else { continue };
            if reports_to == *id {
                return Err(at(StoreError::invalid("a post cannot report to itself")));
            }
            sqlx::query("UPDATE posts SET reports_to_id = $3 WHERE authority_id = $1 AND id = $2")
                .bind(scope.as_str())
                .bind(id.get())
                .bind(reports_to.get())
                .execute(&mut *tx)
                .await
                .map_err(|e| at(StoreError::from_sqlx(context(), e)))?;
        }
        // No reporting line may loop back to where it started.
        let stored = fetch_posts(&mut tx, scope).await?;
        for (i, id) in post_ids.iter().enumerate() {
            let mut current = stored.iter().find(|p| p.id == *id).and_then(|p| p.reports_to);
            let mut steps = 0;
            while let Some(next) = current {
                if next == *id {
                    return Err(StoreError::invalid(format!(
                        "post {id} reports, through the posts it reports to, back to itself; a reporting line cannot loop"
                    ))
                    .in_batch(units.len() + i, total));
                }
                steps += 1;
                if steps > stored.len() {
                    break;
                }
                current = stored.iter().find(|p| p.id == next).and_then(|p| p.reports_to);
            }
        }
        commit(tx, context).await?;
        Ok(OrganisationOutcome { units: unit_ids, posts: post_ids })
    }

    async fn posts(&self, scope: &AuthorityScope) -> Result<Vec<Post>> {
        let mut conn = acquire(self.pool()).await?;
        fetch_posts(&mut conn, scope).await
    }

    async fn posts_held_by(&self, scope: &AuthorityScope, worker: WorkerId) -> Result<Vec<Post>> {
        let mut conn = acquire(self.pool()).await?;
        let held = "id IN (SELECT post_id FROM post_holdings WHERE authority_id = $1 AND worker_id = $2)";
        let context = || format!("listing the posts worker {worker} held in {}", scope.id());
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(format!("{POST_COLUMNS} WHERE authority_id = $1 AND {held} ORDER BY id")))
                .bind(scope.as_str())
                .bind(worker.get())
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let posts = rows.iter().map(post_from).collect::<Result<Vec<_>>>()?;
        let holdings = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT post_id, worker_id, held_from, held_to FROM post_holdings
             WHERE authority_id = $1 AND post_id IN (SELECT id FROM posts WHERE authority_id = $1 AND {held})
             ORDER BY post_id, held_from, id"
        )))
        .bind(scope.as_str())
        .bind(worker.get())
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        attach_holdings(posts, &holdings)
    }

    async fn line_managements(&self, scope: &AuthorityScope, on: NaiveDate) -> Result<Vec<(WorkerId, LineManagement)>> {
        let context = || format!("reading the line management of {}", scope.id());
        let mut tx = self.begin_read().await?;
        let workers = sqlx::query("SELECT id, unit_id, left_on FROM workers WHERE authority_id = $1 ORDER BY id")
            .bind(scope.as_str())
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let units = fetch_units(&mut tx, scope).await?;
        let posts = fetch_posts(&mut tx, scope).await?;
        commit(tx, context).await?;
        let mut people = Vec::with_capacity(workers.len());
        let mut gone = std::collections::HashSet::new();
        for row in &workers {
            let id = WorkerId::new(col(row, "id")?);
            let unit: Option<i64> = col(row, "unit_id")?;
            let left: Option<NaiveDate> = col(row, "left_on")?;
            if left.is_some_and(|left| left <= on) {
                gone.insert(id);
            }
            people.push((id, unit.map(OrgUnitId::new)));
        }
        // As `line_management`: a leaver holds nothing over anyone from their leaving date.
        Ok(people
            .into_iter()
            .map(|(id, unit)| {
                let mut chain = LineManagement::of(id, unit, &units, &posts, on);
                chain.chain.retain(|link| !gone.contains(&link.holder));
                (id, chain)
            })
            .collect())
    }

    async fn line_management(&self, scope: &AuthorityScope, worker: WorkerId, on: NaiveDate) -> Result<LineManagement> {
        // Only what the chain can name is read: the units from the worker's up to the top,
        // the posts on them, the posts the worker has held and the posts those report to —
        // not every unit and post of the authority, which made each role check cost the
        // size of the organisation.
        let context = || format!("reading line management of worker {worker}");
        let mut tx = self.begin_read().await?;
        let w = fetch_worker(&mut tx, scope, worker).await?;
        let unit = w.details.unit.map(OrgUnitId::get);
        let units = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{UNITS_ABOVE} {UNIT_COLUMNS} WHERE authority_id = $1 AND id IN (SELECT id FROM above) ORDER BY id"
        )))
        .bind(scope.as_str())
        .bind(unit)
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?
        .iter()
        .map(unit_from)
        .collect::<Result<Vec<_>>>()?;
        let posts =
            sqlx::query(sqlx::AssertSqlSafe(format!("{UNITS_ABOVE} {POST_COLUMNS} WHERE {CHAIN_POSTS} ORDER BY id")))
                .bind(scope.as_str())
                .bind(unit)
                .bind(worker.get())
                .fetch_all(&mut *tx)
                .await
                .map_err(|e| StoreError::from_sqlx(context(), e))?
                .iter()
                .map(post_from)
                .collect::<Result<Vec<_>>>()?;
        let holdings = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{UNITS_ABOVE} SELECT post_id, worker_id, held_from, held_to FROM post_holdings
             WHERE authority_id = $1 AND post_id IN (SELECT id FROM posts WHERE {CHAIN_POSTS})
             ORDER BY post_id, held_from, id"
        )))
        .bind(scope.as_str())
        .bind(unit)
        .bind(worker.get())
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        let posts = attach_holdings(posts, &holdings)?;
        let leavers = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{UNITS_ABOVE} SELECT id, left_on FROM workers WHERE authority_id = $1 AND left_on IS NOT NULL
             AND id IN (SELECT worker_id FROM post_holdings WHERE authority_id = $1
                        AND post_id IN (SELECT id FROM posts WHERE {CHAIN_POSTS}))"
        )))
        .bind(scope.as_str())
        .bind(unit)
        .bind(worker.get())
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("reading the leavers of {}", scope.id()), e))?;
        let mut gone = Vec::new();
        for row in &leavers {
            let left: Option<NaiveDate> = col(row, "left_on")?;
            if left.is_some_and(|left| left <= on) {
                gone.push(WorkerId::new(col(row, "id")?));
            }
        }
        commit(tx, context).await?;
        // Someone who has left holds nothing over anyone from their leaving date, even when
        // their post has not yet been vacated.
        let mut chain = LineManagement::of(worker, w.details.unit, &units, &posts, on);
        chain.chain.retain(|link| !gone.contains(&link.holder));
        Ok(chain)
    }
}

/// `above`: the unit bound as `$2` and every unit over it, in the authority bound as `$1`
/// (`UNION`, not `UNION ALL`, so a loop in the parents, which writes refuse, still ends).
const UNITS_ABOVE: &str = "WITH RECURSIVE above(id) AS (
        SELECT id FROM org_units WHERE authority_id = $1 AND id = $2
        UNION
        SELECT u.parent_id FROM org_units u JOIN above a ON u.id = a.id
        WHERE u.authority_id = $1 AND u.parent_id IS NOT NULL)";

/// The posts a line-management chain can name, for the worker bound as `$3`: those on the
/// units `above`, those the worker has held, and those they report to.
const CHAIN_POSTS: &str = "authority_id = $1 AND (
        unit_id IN (SELECT id FROM above)
        OR id IN (SELECT post_id FROM post_holdings WHERE authority_id = $1 AND worker_id = $3)
        OR id IN (SELECT p.reports_to_id FROM posts p JOIN post_holdings h ON h.post_id = p.id
                  WHERE h.authority_id = $1 AND h.worker_id = $3))";

// ---------------------------------------------------------------------------------------
// Workers

/// The 20 detail columns, in the order `bind_worker_details!` binds them.
macro_rules! worker_detail_columns {
    () => {
        "employee_number, name, employment, started_on, left_on, unit_id,
         qualification_title, qualification_institution, qualified_on,
         swe_number, swe_status, swe_renewal_due,
         asye_cohort, asye_started_on, asye_assessor_id, asye_status, asye_outcome, asye_outcome_on,
         probation_status, probation_ends_on"
    };
}

/// The worker columns `worker_from` reads.
macro_rules! worker_columns {
    () => {
        concat!("id, authority_id, ", worker_detail_columns!(), ", version, created_at, updated_at")
    };
}

fn worker_from(row: &DbRow) -> Result<Worker> {
    let id = WorkerId::new(col(row, "id")?);
    let qualification = match parsed_opt::<Name>(row, "qualification_title")? {
        None => None,
        Some(title) => Some(Qualification {
            title,
            institution: parsed(row, "qualification_institution")?,
            awarded_on: col(row, "qualified_on")?,
        }),
    };
    let registration = match parsed_opt(row, "swe_number")? {
        None => None,
        Some(number) => Some(SweRegistration {
            number,
            status: parsed(row, "swe_status")?,
            renewal_due: col(row, "swe_renewal_due")?,
        }),
    };
    let asye = match parsed_opt(row, "asye_status")? {
        None => None,
        Some(status) => Some(
            AsyeRecord::new(AsyeParts {
                cohort: parsed_opt(row, "asye_cohort")?,
                started_on: col(row, "asye_started_on")?,
                assessor: col::<Option<i64>>(row, "asye_assessor_id")?.map(WorkerId::new),
                status: Some(status),
                outcome: parsed_opt(row, "asye_outcome")?,
                outcome_on: col(row, "asye_outcome_on")?,
            })
            .map_err(|e| unreadable("asye_status", e))?,
        ),
    };
    let probation = match parsed_opt(row, "probation_status")? {
        None => None,
        Some(status) => Some(Probation { status, ends_on: col(row, "probation_ends_on")? }),
    };
    Ok(Worker {
        id,
        authority: parsed(row, "authority_id")?,
        details: WorkerDetails {
            employee_number: parsed(row, "employee_number")?,
            name: parsed(row, "name")?,
            employment: parsed(row, "employment")?,
            started_on: col(row, "started_on")?,
            left_on: col(row, "left_on")?,
            unit: col::<Option<i64>>(row, "unit_id")?.map(OrgUnitId::new),
            qualification,
            registration,
            asye,
            probation,
        },
        meta: meta(row)?,
    })
}

/// Bind the 20 detail columns (`worker_detail_columns!`), with `$bind`
/// (`bind` on a query, `push_bind` on a row of a multi-row insert): one list for both, so a
/// new column cannot be bound in one and forgotten in the other.
macro_rules! bind_worker_details {
    ($target:expr, $bind:ident, $details:expr) => {{
        let d: &WorkerDetails = $details;
        let qualification = d.qualification.as_ref();
        let registration = d.registration.as_ref();
        let asye = d.asye.as_ref();
        $target
            .$bind(d.employee_number.as_str())
            .$bind(d.name.as_str())
            .$bind(d.employment.code())
            .$bind(d.started_on)
            .$bind(d.left_on)
            .$bind(d.unit.map(OrgUnitId::get))
            .$bind(qualification.map(|q| q.title.as_str()))
            .$bind(qualification.map(|q| q.institution.as_str()))
            .$bind(qualification.map(|q| q.awarded_on))
            .$bind(registration.map(|r| r.number.as_str()))
            .$bind(registration.map(|r| r.status.code()))
            .$bind(registration.and_then(|r| r.renewal_due))
            .$bind(asye.and_then(|a| a.cohort()).map(|c| c.to_string()))
            .$bind(asye.and_then(AsyeRecord::started_on))
            .$bind(asye.and_then(AsyeRecord::assessor).map(WorkerId::get))
            .$bind(asye.map(|a| a.status().code()))
            .$bind(asye.and_then(AsyeRecord::outcome).map(|o| o.code()))
            .$bind(asye.and_then(AsyeRecord::outcome_on))
            .$bind(d.probation.map(|p| p.status.code()))
            .$bind(d.probation.and_then(|p| p.ends_on))
    }};
}

/// The columns each kind of worker history holds, between `(authority_id, worker_id` and
/// `version, created_at, updated_at)`, in the order `bind_history!` binds them.
macro_rules! history_columns {
    (timeline_entries) => {
        "starts_on, framework_id, level_id, grade_id, pay_point, reason, note"
    };
    (awards) => {
        "kind, title, provider, completed_on, academic_level, credits"
    };
    (appraisals) => {
        "held_on, reviewer_id, outcome, summary, objectives, development_plan"
    };
    (development_goals) => {
        "goal, set_on, due_on, status, closed_on"
    };
}

/// Bind one history record's `history_columns!` with `$bind` (`bind` on a query, `push_bind`
/// on a row of a multi-row insert): one list for single and bulk writes.
macro_rules! bind_history {
    ($target:expr, $bind:ident, timeline_entries, $record:expr) => {{
        let e: &NewTimelineEntry = $record;
        $target
            .$bind(e.starts_on)
            .$bind(e.framework.as_str())
            .$bind(e.level.as_str())
            .$bind(e.grade.as_ref().map(|g| g.as_str()))
            .$bind(e.point.as_ref().map(|p| p.as_str()))
            .$bind(e.reason.code())
            .$bind(e.note.as_ref().map(|n| n.as_str()))
    }};
    ($target:expr, $bind:ident, awards, $record:expr) => {{
        let a: &NewAward = $record;
        $target
            .$bind(a.kind.code())
            .$bind(a.title.as_str())
            .$bind(a.provider.as_ref().map(|p| p.as_str()))
            .$bind(a.completed_on)
            .$bind(a.academic_level.map(|l| i64::from(l.get())))
            .$bind(a.credits.map(i64::from))
    }};
    ($target:expr, $bind:ident, appraisals, $record:expr) => {{
        let a: &NewAppraisal = $record;
        $target
            .$bind(a.held_on)
            .$bind(a.reviewer.map(WorkerId::get))
            .$bind(a.outcome.code())
            .$bind(a.summary.as_ref().map(|s| s.as_str()))
            .$bind(a.objectives.as_ref().map(|s| s.as_str()))
            .$bind(a.development_plan.as_ref().map(|s| s.as_str()))
    }};
    ($target:expr, $bind:ident, development_goals, $record:expr) => {{
        let g: &NewGoal = $record;
        $target.$bind(g.goal.as_str()).$bind(g.set_on).$bind(g.due_on).$bind(g.status.code()).$bind(g.closed_on)
    }};
}

/// Bind the 20 detail columns to a query.
fn bind_details<'q>(q: Query<'q>, d: &WorkerDetails) -> Query<'q> {
    bind_worker_details!(q, bind, d)
}

/// Check the worker's details and that what they refer to is in the scope.
async fn check_worker_details(conn: &mut Conn, scope: &AuthorityScope, d: &WorkerDetails) -> Result<()> {
    d.check()?;
    if let Some(unit) = d.unit {
        ensure_reference(conn, UNIT_VERSION, scope, "unit", unit.get()).await?;
    }
    if let Some(assessor) = d.asye.as_ref().and_then(AsyeRecord::assessor) {
        ensure_reference(conn, WORKER_VERSION, scope, "ASYE assessor (worker)", assessor.get()).await?;
    }
    Ok(())
}

async fn insert_worker(
    conn: &mut Conn,
    scope: &AuthorityScope,
    new: &NewWorker,
    now: DateTime<Utc>,
) -> Result<WorkerId> {
    let number = &new.details.employee_number;
    check_worker_details(conn, scope, &new.details).await?;
    if let Some(unit) = new.details.unit {
        let units = fetch_units(conn, scope).await?;
        open_unit(&units, unit, scope, "new workers")?;
    }
    let q = sqlx::query(concat!(
        "INSERT INTO workers (authority_id, ",
        worker_detail_columns!(),
        ", version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
             $22, $23, $23)
         RETURNING id"
    ))
    .bind(scope.as_str());
    let row = bind_details(q, &new.details)
        .bind(Version::FIRST.get())
        .bind(now)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("creating worker {number}"), e))?;
    let id = WorkerId::new(col(&row, "id")?);
    for entry in &new.timeline {
        insert_timeline_entry(conn, scope, id, entry, now).await?;
    }
    Ok(id)
}

async fn insert_award(
    conn: &mut Conn,
    scope: &AuthorityScope,
    worker: WorkerId,
    award: &NewAward,
    now: DateTime<Utc>,
) -> Result<i64> {
    let q = sqlx::query_scalar(concat!(
        "INSERT INTO awards (authority_id, worker_id, ",
        history_columns!(awards),
        ", version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id"
    ));
    bind_history!(q.bind(scope.as_str()).bind(worker.get()), bind, awards, award)
        .bind(Version::FIRST.get())
        .bind(now)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("recording {} for worker {worker}", award.title), e))
}

pub(super) async fn insert_appraisal(
    conn: &mut Conn,
    scope: &AuthorityScope,
    worker: WorkerId,
    appraisal: &NewAppraisal,
    now: DateTime<Utc>,
) -> Result<i64> {
    let q = sqlx::query_scalar(concat!(
        "INSERT INTO appraisals (authority_id, worker_id, ",
        history_columns!(appraisals),
        ", version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id"
    ));
    bind_history!(q.bind(scope.as_str()).bind(worker.get()), bind, appraisals, appraisal)
        .bind(Version::FIRST.get())
        .bind(now)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| {
            StoreError::from_sqlx(format!("recording the appraisal of {} for worker {worker}", appraisal.held_on), e)
        })
}

async fn insert_goal(
    conn: &mut Conn,
    scope: &AuthorityScope,
    worker: WorkerId,
    goal: &NewGoal,
    now: DateTime<Utc>,
) -> Result<i64> {
    goal.check()?;
    let q = sqlx::query_scalar(concat!(
        "INSERT INTO development_goals (authority_id, worker_id, ",
        history_columns!(development_goals),
        ", version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id"
    ));
    bind_history!(q.bind(scope.as_str()).bind(worker.get()), bind, development_goals, goal)
        .bind(Version::FIRST.get())
        .bind(now)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("adding a development goal for worker {worker}"), e))
}

async fn fetch_worker(conn: &mut Conn, scope: &AuthorityScope, id: WorkerId) -> Result<Worker> {
    let columns = concat!("SELECT ", worker_columns!(), " FROM workers");
    worker_from(&fetch_row(conn, columns, scope, "worker", id.get()).await?)
}

fn timeline_entry_from(row: &DbRow) -> Result<TimelineEntry> {
    Ok(TimelineEntry {
        id: TimelineEntryId::new(col(row, "id")?),
        worker: WorkerId::new(col(row, "worker_id")?),
        entry: NewTimelineEntry {
            starts_on: col(row, "starts_on")?,
            framework: FrameworkId(col(row, "framework_id")?),
            level: LevelId(col(row, "level_id")?),
            grade: col::<Option<String>>(row, "grade_id")?.map(GradeId),
            point: parsed_opt(row, "pay_point")?,
            reason: parsed(row, "reason")?,
            note: parsed_opt(row, "note")?,
        },
        meta: meta(row)?,
    })
}

pub(super) async fn insert_timeline_entry(
    conn: &mut Conn,
    scope: &AuthorityScope,
    worker: WorkerId,
    e: &NewTimelineEntry,
    now: DateTime<Utc>,
) -> Result<TimelineEntryId> {
    let q = sqlx::query_scalar(concat!(
        "INSERT INTO timeline_entries (authority_id, worker_id, ",
        history_columns!(timeline_entries),
        ", version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id"
    ));
    let id: i64 = bind_history!(q.bind(scope.as_str()).bind(worker.get()), bind, timeline_entries, e)
        .bind(Version::FIRST.get())
        .bind(now)
        .fetch_one(&mut *conn)
        .await
        .map_err(|err| {
            StoreError::from_sqlx(
                format!("adding {} from {} to the timeline of worker {worker}", e.level, e.starts_on),
                err,
            )
        })?;
    Ok(TimelineEntryId::new(id))
}

async fn fetch_timeline(conn: &mut Conn, scope: &AuthorityScope, worker: WorkerId) -> Result<Vec<TimelineEntry>> {
    let rows = sqlx::query(
        "SELECT id, worker_id, starts_on, framework_id, level_id, grade_id, pay_point, reason, note,
                version, created_at, updated_at
         FROM timeline_entries WHERE authority_id = $1 AND worker_id = $2 ORDER BY starts_on, id",
    )
    .bind(scope.as_str())
    .bind(worker.get())
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(format!("reading the timeline of worker {worker}"), e))?;
    rows.iter().map(timeline_entry_from).collect()
}

fn award_from(row: &DbRow) -> Result<Award> {
    Ok(Award {
        id: AwardId::new(col(row, "id")?),
        worker: WorkerId::new(col(row, "worker_id")?),
        award: NewAward {
            kind: parsed(row, "kind")?,
            title: parsed(row, "title")?,
            provider: parsed_opt(row, "provider")?,
            completed_on: col(row, "completed_on")?,
            academic_level: academic_level(row)?,
            credits: col::<Option<i64>>(row, "credits")?.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        },
        meta: meta(row)?,
    })
}

fn academic_level(row: &DbRow) -> Result<Option<AcademicLevel>> {
    let Some(n) = col::<Option<i64>>(row, "academic_level")? else {
        return Ok(None);
    };
    u32::try_from(n)
        .map_err(|_| InvalidValue::new("academic level", n.to_string(), "is not an FHEQ level"))
        .and_then(AcademicLevel::new)
        .map(Some)
        .map_err(|e| unreadable("academic_level", e))
}

fn attestation_from(row: &DbRow) -> Result<Attestation> {
    Ok(Attestation {
        id: AttestationId::new(col(row, "id")?),
        worker: WorkerId::new(col(row, "worker_id")?),
        attestation: NewAttestation {
            kind: parsed(row, "kind")?,
            what: parsed_opt(row, "what")?,
            on: col(row, "attested_on")?,
            recorded_by: WorkerId::new(col(row, "recorded_by_id")?),
            note: parsed_opt(row, "note")?,
        },
        meta: meta(row)?,
    })
}

async fn insert_attestation(
    conn: &mut Conn,
    scope: &AuthorityScope,
    worker: WorkerId,
    attestation: &NewAttestation,
    now: DateTime<Utc>,
) -> Result<i64> {
    attestation.check()?;
    ensure_reference(conn, WORKER_VERSION, scope, "recorded by (worker)", attestation.recorded_by.get()).await?;
    sqlx::query_scalar(
        "INSERT INTO attestations (authority_id, worker_id, kind, what, attested_on, recorded_by_id, note,
             version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(scope.as_str())
    .bind(worker.get())
    .bind(attestation.kind.code())
    .bind(attestation.what.as_ref().map(|w| w.as_str()))
    .bind(attestation.on)
    .bind(attestation.recorded_by.get())
    .bind(attestation.note.as_ref().map(|n| n.as_str()))
    .bind(Version::FIRST.get())
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(format!("recording the {} of worker {worker}", attestation.kind), e))
}

pub(super) fn appraisal_from(row: &DbRow) -> Result<AppraisalRecord> {
    Ok(AppraisalRecord {
        id: AppraisalId::new(col(row, "id")?),
        worker: WorkerId::new(col(row, "worker_id")?),
        appraisal: NewAppraisal {
            held_on: col(row, "held_on")?,
            reviewer: col::<Option<i64>>(row, "reviewer_id")?.map(WorkerId::new),
            outcome: parsed(row, "outcome")?,
            summary: parsed_opt(row, "summary")?,
            objectives: parsed_opt(row, "objectives")?,
            development_plan: parsed_opt(row, "development_plan")?,
        },
        meta: meta(row)?,
    })
}

fn goal_from(row: &DbRow) -> Result<DevelopmentGoal> {
    Ok(DevelopmentGoal {
        id: GoalId::new(col(row, "id")?),
        worker: WorkerId::new(col(row, "worker_id")?),
        goal: NewGoal {
            goal: parsed(row, "goal")?,
            set_on: col(row, "set_on")?,
            due_on: col(row, "due_on")?,
            status: parsed(row, "status")?,
            closed_on: col(row, "closed_on")?,
        },
        meta: meta(row)?,
    })
}

pub(super) async fn fetch_rows(
    conn: &mut Conn,
    sql: &'static str,
    scope: &AuthorityScope,
    id: i64,
    what: &str,
) -> Result<Vec<DbRow>> {
    sqlx::query(sql)
        .bind(scope.as_str())
        .bind(id)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("reading {what}"), e))
}

const AWARDS_OF: &str =
    "SELECT id, worker_id, kind, title, provider, completed_on, academic_level, credits, version, created_at,
            updated_at
     FROM awards WHERE authority_id = $1 AND worker_id = $2 ORDER BY completed_on, id";
const AWARD_BY_ID: &str =
    "SELECT id, worker_id, kind, title, provider, completed_on, academic_level, credits, version, created_at,
            updated_at
     FROM awards WHERE authority_id = $1 AND id = $2";
const ATTESTATIONS_OF: &str =
    "SELECT id, worker_id, kind, what, attested_on, recorded_by_id, note, version, created_at, updated_at
     FROM attestations WHERE authority_id = $1 AND worker_id = $2 ORDER BY attested_on, id";
const ATTESTATION_BY_ID: &str =
    "SELECT id, worker_id, kind, what, attested_on, recorded_by_id, note, version, created_at, updated_at
     FROM attestations WHERE authority_id = $1 AND id = $2";
const APPRAISALS_OF: &str =
    "SELECT id, worker_id, held_on, reviewer_id, outcome, summary, objectives, development_plan, version, created_at, updated_at
     FROM appraisals WHERE authority_id = $1 AND worker_id = $2 ORDER BY held_on, id";
pub(super) const APPRAISAL_BY_ID: &str =
    "SELECT id, worker_id, held_on, reviewer_id, outcome, summary, objectives, development_plan, version, created_at, updated_at
     FROM appraisals WHERE authority_id = $1 AND id = $2";
const GOALS_OF: &str = "SELECT id, worker_id, goal, set_on, due_on, status, closed_on, version, created_at, updated_at
     FROM development_goals WHERE authority_id = $1 AND worker_id = $2 ORDER BY set_on, id";
const GOAL_BY_ID: &str =
    "SELECT id, worker_id, goal, set_on, due_on, status, closed_on, version, created_at, updated_at
     FROM development_goals WHERE authority_id = $1 AND id = $2";
const TIMELINE_ENTRY_BY_ID: &str = "SELECT id, worker_id, starts_on, framework_id, level_id, grade_id, pay_point,
            reason, note, version, created_at, updated_at
     FROM timeline_entries WHERE authority_id = $1 AND id = $2";

/// The one row `sql` selects by `authority_id = $1 AND id = $2`, decoded by `from`.
pub(super) async fn fetch_by_id<T>(
    conn: &mut Conn,
    sql: &'static str,
    scope: &AuthorityScope,
    what: &'static str,
    id: i64,
    from: fn(&DbRow) -> Result<T>,
) -> Result<T> {
    let rows = fetch_rows(conn, sql, scope, id, what).await?;
    match rows.first() {
        Some(row) => from(row),
        None => Err(scope.not_found(what, id)),
    }
}

impl Workforce for Backend {
    async fn create_worker(&self, scope: &AuthorityScope, new: &NewWorker) -> Result<Worker> {
        let mut tx = self.begin_write().await?;
        let id = insert_worker(&mut tx, scope, new, now()).await?;
        let worker = fetch_worker(&mut tx, scope, id).await?;
        commit(tx, || format!("creating worker {}", new.details.employee_number)).await?;
        Ok(worker)
    }

    async fn create_workers(&self, scope: &AuthorityScope, new: &[NewWorker]) -> Result<Vec<WorkerId>> {
        let mut tx = self.begin_write().await?;
        let now = now();
        let mut ids = Vec::with_capacity(new.len());
        for (index, worker) in new.iter().enumerate() {
            // Returning early drops the transaction, which rolls every earlier row back.
            let id = insert_worker(&mut tx, scope, worker, now).await.map_err(|e| e.in_batch(index, new.len()))?;
            ids.push(id);
        }
        commit(tx, || format!("creating {} workers", new.len())).await?;
        Ok(ids)
    }

    async fn create_worker_records(&self, scope: &AuthorityScope, new: &[NewWorkerRecord]) -> Result<Vec<WorkerId>> {
        // The bulk writer: multi-row inserts in one transaction, the worker at fault named.
        Ok(bulk::import(self, scope, &[], new, &|_| {}).await?.workers)
    }

    async fn worker(&self, scope: &AuthorityScope, id: WorkerId) -> Result<Worker> {
        let mut conn = acquire(self.pool()).await?;
        fetch_worker(&mut conn, scope, id).await
    }

    async fn worker_by_employee_number(&self, scope: &AuthorityScope, number: &EmployeeNumber) -> Result<Worker> {
        let mut conn = acquire(self.pool()).await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            worker_columns!(),
            " FROM workers WHERE authority_id = $1 AND employee_number = $2"
        ))
        .bind(scope.as_str())
        .bind(number.as_str())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("reading worker {number}"), e))?;
        match row {
            Some(row) => worker_from(&row),
            None => Err(scope.not_found("worker", format!("with employee number {number}"))),
        }
    }

    async fn workers(&self, scope: &AuthorityScope) -> Result<Vec<Worker>> {
        let mut conn = acquire(self.pool()).await?;
        let rows = sqlx::query(concat!(
            "SELECT ",
            worker_columns!(),
            " FROM workers WHERE authority_id = $1 ORDER BY employee_number"
        ))
        .bind(scope.as_str())
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("listing workers of {}", scope.id()), e))?;
        rows.iter().map(worker_from).collect()
    }

    async fn update_worker(
        &self,
        scope: &AuthorityScope,
        id: WorkerId,
        expected: Version,
        details: &WorkerDetails,
    ) -> Result<Worker> {
        let context = || format!("changing worker {id}");
        let mut tx = self.begin_write().await?;
        check_worker_details(&mut tx, scope, details).await?;
        let q = sqlx::query(
            "UPDATE workers SET employee_number = $3, name = $4, employment = $5, started_on = $6, left_on = $7,
                 unit_id = $8, qualification_title = $9, qualification_institution = $10, qualified_on = $11,
                 swe_number = $12, swe_status = $13, swe_renewal_due = $14,
                 asye_cohort = $15, asye_started_on = $16, asye_assessor_id = $17, asye_status = $18,
                 asye_outcome = $19, asye_outcome_on = $20, probation_status = $21, probation_ends_on = $22,
                 version = version + 1, updated_at = $23
             WHERE authority_id = $1 AND id = $2 AND version = $24",
        )
        .bind(scope.as_str())
        .bind(id.get());
        let done = bind_details(q, details)
            .bind(now())
            .bind(expected.get())
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(context(), e))?;
        if done.rows_affected() == 0 {
            return Err(missing_or_conflict(&mut tx, WORKER_VERSION, scope, "worker", id.get(), expected).await);
        }
        let worker = fetch_worker(&mut tx, scope, id).await?;
        commit(tx, context).await?;
        Ok(worker)
    }

    async fn worker_record(&self, scope: &AuthorityScope, id: WorkerId) -> Result<WorkerRecord> {
        let mut tx = self.begin_read().await?;
        let worker = fetch_worker(&mut tx, scope, id).await?;
        let timeline = Timeline::new(fetch_timeline(&mut tx, scope, id).await?);
        let awards = fetch_rows(&mut tx, AWARDS_OF, scope, id.get(), "awards")
            .await?
            .iter()
            .map(award_from)
            .collect::<Result<Vec<_>>>()?;
        let appraisals = fetch_rows(&mut tx, APPRAISALS_OF, scope, id.get(), "appraisals")
            .await?
            .iter()
            .map(appraisal_from)
            .collect::<Result<Vec<_>>>()?;
        let goals = fetch_rows(&mut tx, GOALS_OF, scope, id.get(), "development goals")
            .await?
            .iter()
            .map(goal_from)
            .collect::<Result<Vec<_>>>()?;
        let attestations = fetch_rows(&mut tx, ATTESTATIONS_OF, scope, id.get(), "attestations")
            .await?
            .iter()
            .map(attestation_from)
            .collect::<Result<Vec<_>>>()?;
        let registrations = fetch_rows(&mut tx, REGISTRATIONS_OF, scope, id.get(), "registrations")
            .await?
            .iter()
            .map(registration_from)
            .collect::<Result<Vec<_>>>()?;
        commit(tx, || format!("reading worker {id}")).await?;
        Ok(WorkerRecord { worker, timeline, awards, appraisals, goals, attestations, registrations })
    }

    async fn worker_records(&self, scope: &AuthorityScope) -> Result<Vec<WorkerRecord>> {
        let mut tx = self.begin_read().await?;
        let read = async |conn: &mut Conn, sql: &'static str, what: &str| -> Result<Vec<DbRow>> {
            sqlx::query(sql)
                .bind(scope.as_str())
                .fetch_all(&mut *conn)
                .await
                .map_err(|e| StoreError::from_sqlx(format!("reading the {what} of {}", scope.id()), e))
        };
        let workers = read(
            &mut tx,
            concat!("SELECT ", worker_columns!(), " FROM workers WHERE authority_id = $1 ORDER BY employee_number"),
            "workers",
        )
        .await?
        .iter()
        .map(worker_from)
        .collect::<Result<Vec<_>>>()?;
        let mut timelines = by_worker(
            &read(
                &mut tx,
                "SELECT id, worker_id, starts_on, framework_id, level_id, grade_id, pay_point, reason, note,
                        version, created_at, updated_at
                 FROM timeline_entries WHERE authority_id = $1 ORDER BY worker_id, starts_on, id",
                "timelines",
            )
            .await?,
            timeline_entry_from,
            |e: &TimelineEntry| e.worker,
        )?;
        let mut awards = by_worker(
            &read(
                &mut tx,
                "SELECT id, worker_id, kind, title, provider, completed_on, academic_level, credits, version, created_at,
                updated_at
                 FROM awards WHERE authority_id = $1 ORDER BY worker_id, completed_on, id",
                "awards",
            )
            .await?,
            award_from,
            |a: &Award| a.worker,
        )?;
        let mut appraisals = by_worker(
            &read(
                &mut tx,
                "SELECT id, worker_id, held_on, reviewer_id, outcome, summary, objectives, development_plan, version, created_at, updated_at
                 FROM appraisals WHERE authority_id = $1 ORDER BY worker_id, held_on, id",
                "appraisals",
            )
            .await?,
            appraisal_from,
            |a: &AppraisalRecord| a.worker,
        )?;
        let mut goals = by_worker(
            &read(
                &mut tx,
                "SELECT id, worker_id, goal, set_on, due_on, status, closed_on, version, created_at, updated_at
                 FROM development_goals WHERE authority_id = $1 ORDER BY worker_id, set_on, id",
                "development goals",
            )
            .await?,
            goal_from,
            |g: &DevelopmentGoal| g.worker,
        )?;
        let mut attestations = by_worker(
            &read(
                &mut tx,
                "SELECT id, worker_id, kind, what, attested_on, recorded_by_id, note, version, created_at, updated_at
                 FROM attestations WHERE authority_id = $1 ORDER BY worker_id, attested_on, id",
                "attestations",
            )
            .await?,
            attestation_from,
            |a: &Attestation| a.worker,
        )?;
        let mut registrations = by_worker(
            &read(&mut tx, REGISTRATIONS_OF_AUTHORITY, "registrations").await?,
            registration_from,
            |r: &RegistrationRecord| r.worker,
        )?;
        commit(tx, || format!("reading the workforce of {}", scope.id())).await?;
        Ok(workers
            .into_iter()
            .map(|worker| {
                let id = worker.id;
                WorkerRecord {
                    worker,
                    timeline: Timeline::new(timelines.remove(&id).unwrap_or_default()),
                    awards: awards.remove(&id).unwrap_or_default(),
                    appraisals: appraisals.remove(&id).unwrap_or_default(),
                    goals: goals.remove(&id).unwrap_or_default(),
                    attestations: attestations.remove(&id).unwrap_or_default(),
                    registrations: registrations.remove(&id).unwrap_or_default(),
                }
            })
            .collect())
    }

    async fn add_timeline_entry(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        entry: &NewTimelineEntry,
    ) -> Result<TimelineEntry> {
        let mut tx = self.begin_write().await?;
        ensure_worker(&mut tx, scope, worker).await?;
        let id = insert_timeline_entry(&mut tx, scope, worker, entry, now()).await?;
        let stored =
            fetch_by_id(&mut tx, TIMELINE_ENTRY_BY_ID, scope, "timeline entry", id.get(), timeline_entry_from).await?;
        commit(tx, || format!("adding to the timeline of worker {worker}")).await?;
        Ok(stored)
    }

    async fn add_award(&self, scope: &AuthorityScope, worker: WorkerId, award: &NewAward) -> Result<Award> {
        let context = || format!("recording {} for worker {worker}", award.title);
        let mut tx = self.begin_write().await?;
        ensure_worker(&mut tx, scope, worker).await?;
        let id = insert_award(&mut tx, scope, worker, award, now()).await?;
        let stored = fetch_by_id(&mut tx, AWARD_BY_ID, scope, "award", id, award_from).await?;
        commit(tx, context).await?;
        Ok(stored)
    }

    async fn add_attestation(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        attestation: &NewAttestation,
    ) -> Result<Attestation> {
        let context = || format!("recording the {} of worker {worker}", attestation.kind);
        let mut tx = self.begin_write().await?;
        ensure_worker(&mut tx, scope, worker).await?;
        let id = insert_attestation(&mut tx, scope, worker, attestation, now()).await?;
        let stored = fetch_by_id(&mut tx, ATTESTATION_BY_ID, scope, "attestation", id, attestation_from).await?;
        commit(tx, context).await?;
        Ok(stored)
    }

    async fn add_appraisal(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        appraisal: &NewAppraisal,
    ) -> Result<AppraisalRecord> {
        let context = || format!("recording the appraisal of {} for worker {worker}", appraisal.held_on);
        let mut tx = self.begin_write().await?;
        ensure_worker(&mut tx, scope, worker).await?;
        if let Some(reviewer) = appraisal.reviewer {
            ensure_reference(&mut tx, WORKER_VERSION, scope, "reviewer (worker)", reviewer.get()).await?;
        }
        let id = insert_appraisal(&mut tx, scope, worker, appraisal, now()).await?;
        let stored = fetch_by_id(&mut tx, APPRAISAL_BY_ID, scope, "appraisal", id, appraisal_from).await?;
        commit(tx, context).await?;
        Ok(stored)
    }

    async fn add_goal(&self, scope: &AuthorityScope, worker: WorkerId, goal: &NewGoal) -> Result<DevelopmentGoal> {
        let context = || format!("adding a development goal for worker {worker}");
        goal.check()?;
        let mut tx = self.begin_write().await?;
        ensure_worker(&mut tx, scope, worker).await?;
        let id = insert_goal(&mut tx, scope, worker, goal, now()).await?;
        let stored = fetch_by_id(&mut tx, GOAL_BY_ID, scope, "development goal", id, goal_from).await?;
        commit(tx, context).await?;
        Ok(stored)
    }

    async fn update_goal(
        &self,
        scope: &AuthorityScope,
        id: GoalId,
        expected: Version,
        goal: &NewGoal,
    ) -> Result<DevelopmentGoal> {
        let context = || format!("changing development goal {id}");
        goal.check()?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE development_goals SET goal = $3, set_on = $4, due_on = $5, status = $6, closed_on = $7,
                 version = version + 1, updated_at = $8
             WHERE authority_id = $1 AND id = $2 AND version = $9",
        )
        .bind(scope.as_str())
        .bind(id.get())
        .bind(goal.goal.as_str())
        .bind(goal.set_on)
        .bind(goal.due_on)
        .bind(goal.status.code())
        .bind(goal.closed_on)
        .bind(now())
        .bind(expected.get())
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(context(), e))?;
        if done.rows_affected() == 0 {
            return Err(missing_or_conflict(&mut tx, GOAL_VERSION, scope, "development goal", id.get(), expected).await);
        }
        let stored = fetch_by_id(&mut tx, GOAL_BY_ID, scope, "development goal", id.get(), goal_from).await?;
        commit(tx, context).await?;
        Ok(stored)
    }
}

// ---------------------------------------------------------------------------------------
// Frameworks

fn stored_framework_from(row: &DbRow) -> Result<StoredFramework> {
    Ok(StoredFramework {
        framework: FrameworkId(col(row, "framework_id")?),
        framework_version: col(row, "framework_version")?,
        title: col(row, "title")?,
        effective_from: col(row, "effective_from")?,
        effective_to: col(row, "effective_to")?,
        sha256: col(row, "sha256")?,
        meta: meta(row)?,
    })
}

impl FrameworkVersions for Backend {
    async fn sync_frameworks(&self, scope: &AuthorityScope, files: &[FrameworkFile]) -> Result<Vec<SyncOutcome>> {
        let mut tx = self.begin_write().await?;
        let now = now();
        let mut outcomes = Vec::with_capacity(files.len());
        for file in files {
            let about = &file.framework().framework;
            let context = || format!("syncing framework {} version {}", about.id, about.version);
            let stored: Option<String> = sqlx::query_scalar(
                "SELECT sha256 FROM framework_versions
                 WHERE authority_id = $1 AND framework_id = $2 AND framework_version = $3",
            )
            .bind(scope.as_str())
            .bind(about.id.as_str())
            .bind(about.version.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(|e| StoreError::from_sqlx(context(), e))?;
            let change = match stored {
                Some(sha) if sha == file.sha256() => SyncChange::Unchanged,
                Some(_) => {
                    sqlx::query(
                        "UPDATE framework_versions SET title = $4, effective_from = $5, effective_to = $6, sha256 = $7,
                             source_text = $8, version = version + 1, updated_at = $9
                         WHERE authority_id = $1 AND framework_id = $2 AND framework_version = $3",
                    )
                    .bind(scope.as_str())
                    .bind(about.id.as_str())
                    .bind(about.version.as_str())
                    .bind(about.title.as_str())
                    .bind(about.effective_from)
                    .bind(about.effective_to)
                    .bind(file.sha256())
                    .bind(file.text())
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| StoreError::from_sqlx(context(), e))?;
                    SyncChange::Updated
                }
                None => {
                    sqlx::query(
                        "INSERT INTO framework_versions (authority_id, framework_id, framework_version, title,
                             effective_from, effective_to, sha256, source_text, version, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
                    )
                    .bind(scope.as_str())
                    .bind(about.id.as_str())
                    .bind(about.version.as_str())
                    .bind(about.title.as_str())
                    .bind(about.effective_from)
                    .bind(about.effective_to)
                    .bind(file.sha256())
                    .bind(file.text())
                    .bind(Version::FIRST.get())
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| StoreError::from_sqlx(context(), e))?;
                    SyncChange::Added
                }
            };
            outcomes.push(SyncOutcome {
                framework: about.id.clone(),
                framework_version: about.version.clone(),
                change,
            });
        }
        commit(tx, || format!("syncing frameworks for {}", scope.id())).await?;
        Ok(outcomes)
    }

    async fn frameworks(&self, scope: &AuthorityScope) -> Result<Vec<StoredFramework>> {
        let mut conn = acquire(self.pool()).await?;
        let rows = sqlx::query(
            "SELECT framework_id, framework_version, title, effective_from, effective_to, sha256,
                    version, created_at, updated_at
             FROM framework_versions WHERE authority_id = $1 ORDER BY framework_id, effective_from, framework_version",
        )
        .bind(scope.as_str())
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx(format!("listing frameworks of {}", scope.id()), e))?;
        rows.iter().map(stored_framework_from).collect()
    }

    async fn framework_in_force(
        &self,
        scope: &AuthorityScope,
        framework: &FrameworkId,
        on: NaiveDate,
    ) -> Result<FrameworkSource> {
        let row = version_in_force(self, scope, framework, on, ", source_text").await?;
        Ok(FrameworkSource { stored: stored_framework_from(&row)?, text: col(&row, "source_text")? })
    }

    async fn framework_version_in_force(
        &self,
        scope: &AuthorityScope,
        framework: &FrameworkId,
        on: NaiveDate,
    ) -> Result<StoredFramework> {
        stored_framework_from(&version_in_force(self, scope, framework, on, "").await?)
    }
}

/// The row of the version of `framework` in force on `on`, with the `extra` columns.
async fn version_in_force(
    backend: &Backend,
    scope: &AuthorityScope,
    framework: &FrameworkId,
    on: NaiveDate,
    extra: &str,
) -> Result<DbRow> {
    let mut conn = acquire(backend.pool()).await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT framework_id, framework_version, title, effective_from, effective_to, sha256{extra},
                version, created_at, updated_at
         FROM framework_versions
         WHERE authority_id = $1 AND framework_id = $2 AND effective_from <= $3
           AND (effective_to IS NULL OR effective_to > $3)
         ORDER BY effective_from DESC, updated_at DESC LIMIT 1"
    )))
    .bind(scope.as_str())
    .bind(framework.as_str())
    .bind(on)
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| StoreError::from_sqlx(format!("reading framework {framework}"), e))?;
    row.ok_or_else(|| scope.not_found("framework", format!("{framework} in force on {on}")))
}

// ---------------------------------------------------------------------------------------
// Cross-authority reports

impl CrossAuthorityReports for Backend {
    async fn cross_authority_headcounts(&self) -> Result<Vec<Headcount>> {
        let mut conn = acquire(self.pool()).await?;
        let rows = sqlx::query(
            "SELECT a.id AS authority_id, COUNT(w.id) AS workers,
                    COALESCE(SUM(CASE WHEN w.id IS NOT NULL AND w.left_on IS NULL THEN 1 ELSE 0 END), 0) AS in_post
             FROM authorities a LEFT JOIN workers w ON w.authority_id = a.id
             GROUP BY a.id ORDER BY a.id",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::from_sqlx("counting workers across authorities", e))?;
        rows.iter()
            .map(|row| {
                Ok(Headcount {
                    authority: parsed(row, "authority_id")?,
                    workers: col(row, "workers")?,
                    in_post: col(row, "in_post")?,
                })
            })
            .collect()
    }
}

// Bulk imports, in their own file; a child module so it can use the helpers above (declared
// last, so the macros above are in scope there).
#[path = "bulk.rs"]
mod bulk;
