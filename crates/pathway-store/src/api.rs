//! The storage traits every backend implements, and the values they exchange.
//!
//! Tenancy is in the signatures: every method that reads or writes an authority's records
//! takes an [`AuthorityScope`], which only [`Tenancy::scope`] makes (after checking the
//! authority exists), and every query filters by it. The one way to read across authorities
//! is [`CrossAuthorityReports`], named so that its use stands out in review.

use std::collections::BTreeMap;
use std::future::Future;

use chrono::NaiveDate;
use pathway_core::framework::{Framework, FrameworkId, RoleId, load};
use pathway_core::ids::{GoalId, OrgUnitId, PostId, WorkerId};
use pathway_core::text::hex;
use pathway_core::workforce::{
    AppraisalRecord, Attestation, Authority, AuthorityId, Award, DevelopmentGoal, EmployeeNumber, LineManagement, Name,
    NewAppraisal, NewAttestation, NewAuthority, NewAward, NewGoal, NewOrgUnit, NewPost, NewTimelineEntry, NewWorker,
    NewWorkerRecord, OrgUnit, Post, RecordMeta, TimelineEntry, UnitKind, Version, Worker, WorkerDetails, WorkerRecord,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};

/// Permission to touch one authority's records. Made only by [`Tenancy::scope`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityScope {
    id: AuthorityId,
}

impl AuthorityScope {
    pub(crate) fn new(id: AuthorityId) -> AuthorityScope {
        AuthorityScope { id }
    }

    /// The authority.
    pub fn id(&self) -> &AuthorityId {
        &self.id
    }

    pub(crate) fn as_str(&self) -> &str {
        self.id.as_str()
    }

    /// `what` asked for as `key` is not among this authority's records.
    pub fn not_found(&self, what: &'static str, key: impl ToString) -> StoreError {
        StoreError::NotFound { what, key: key.to_string(), authority: self.id.to_string() }
    }
}

/// Authorities: the tenants of a deployment.
pub trait Tenancy {
    /// Create an authority.
    fn create_authority(&self, new: &NewAuthority) -> impl Future<Output = Result<Authority>> + Send;

    /// The authorities in this deployment (the tenant directory; no records), by id.
    fn authorities(&self) -> impl Future<Output = Result<Vec<Authority>>> + Send;

    /// A scope for `id`, or `not_found` if there is no such authority.
    fn scope(&self, id: &AuthorityId) -> impl Future<Output = Result<AuthorityScope>> + Send;

    /// The scoped authority itself.
    fn authority(&self, scope: &AuthorityScope) -> impl Future<Output = Result<Authority>> + Send;

    /// Change the authority's name and backdating window (days, at most
    /// `MAX_BACKDATING_DAYS`), if it is still at version `expected`.
    fn update_authority(
        &self,
        scope: &AuthorityScope,
        expected: Version,
        name: &Name,
        backdating_days: u16,
    ) -> impl Future<Output = Result<Authority>> + Send;
}

/// Organisation structure: services, localities and teams, and the posts on them.
pub trait Organisation {
    /// Create a unit. Its parent must be in the same authority and may hold units of its kind.
    fn create_unit(&self, scope: &AuthorityScope, new: &NewOrgUnit) -> impl Future<Output = Result<OrgUnit>> + Send;

    /// Change a unit's kind, name or parent, if it is still at version `expected`. Refuses
    /// moves that would put a unit inside itself.
    fn update_unit(
        &self,
        scope: &AuthorityScope,
        id: OrgUnitId,
        expected: Version,
        changes: &NewOrgUnit,
    ) -> impl Future<Output = Result<OrgUnit>> + Send;

    /// Close a unit on a day: refused while it contains open units, posts held after that
    /// day or workers in post. Its history is kept; a closed unit takes no new posts,
    /// workers or units.
    fn close_unit(
        &self,
        scope: &AuthorityScope,
        id: OrgUnitId,
        expected: Version,
        on: NaiveDate,
    ) -> impl Future<Output = Result<OrgUnit>> + Send;

    /// Every unit of the authority, by id.
    fn units(&self, scope: &AuthorityScope) -> impl Future<Output = Result<Vec<OrgUnit>>> + Send;

    /// Create a post on a unit.
    fn create_post(&self, scope: &AuthorityScope, new: &NewPost) -> impl Future<Output = Result<Post>> + Send;

    /// Give a post to a worker from `on` (ending the holding before it that day), or vacate
    /// it from `on` (`None`), if it is still at version `expected`. Holdings are dated and
    /// kept: a holding before `on` is never rewritten.
    fn assign_post(
        &self,
        scope: &AuthorityScope,
        id: PostId,
        expected: Version,
        holder: Option<WorkerId>,
        on: NaiveDate,
    ) -> impl Future<Output = Result<Post>> + Send;

    /// Create units and posts from an organisation file in one transaction: each unit is
    /// checked against the structure so far (new units may sit under earlier new units),
    /// then the posts with their holders, then which post each reports to. Any refusal
    /// writes nothing; the error names the unit or post (by position) it concerns.
    fn import_organisation(
        &self,
        scope: &AuthorityScope,
        units: &[ImportedUnit],
        posts: &[ImportedPost],
    ) -> impl Future<Output = Result<OrganisationOutcome>> + Send;

    /// Every post of the authority, by id.
    fn posts(&self, scope: &AuthorityScope) -> impl Future<Output = Result<Vec<Post>>> + Send;

    /// The posts `worker` has held on any day, by id, each with all its holdings (so who
    /// held it on any day can be read): what a check of the roles someone acts in needs,
    /// without reading every post of the authority.
    fn posts_held_by(&self, scope: &AuthorityScope, worker: WorkerId)
    -> impl Future<Output = Result<Vec<Post>>> + Send;

    /// The people above a worker on `on` (who held each post that day): team manager,
    /// locality manager, head of service...
    fn line_management(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        on: NaiveDate,
    ) -> impl Future<Output = Result<LineManagement>> + Send;

    /// Every worker's line management on `on` (as [`Organisation::line_management`] gives
    /// each), from one read of the organisation: for a list of whom someone manages, which
    /// would otherwise read the organisation once per worker.
    fn line_managements(
        &self,
        scope: &AuthorityScope,
        on: NaiveDate,
    ) -> impl Future<Output = Result<Vec<(WorkerId, LineManagement)>>> + Send;
}

/// Workers and their history.
pub trait Workforce {
    /// Create a worker with the history they arrive with, in one transaction.
    fn create_worker(&self, scope: &AuthorityScope, new: &NewWorker) -> impl Future<Output = Result<Worker>> + Send;

    /// Create many workers in one transaction: all of them, or (on the first failure, reported
    /// as [`StoreError::Batch`] with its position) none.
    fn create_workers(
        &self,
        scope: &AuthorityScope,
        new: &[NewWorker],
    ) -> impl Future<Output = Result<Vec<WorkerId>>> + Send;

    /// Create many workers with their awards, appraisals and goals in one transaction: all
    /// of them or none (the failure names the failing record's position). For imports and
    /// demo data.
    fn create_worker_records(
        &self,
        scope: &AuthorityScope,
        new: &[NewWorkerRecord],
    ) -> impl Future<Output = Result<Vec<WorkerId>>> + Send;

    /// Every worker of the authority with their whole record, read as one snapshot in a
    /// fixed number of queries (for workforce-wide reports).
    fn worker_records(&self, scope: &AuthorityScope) -> impl Future<Output = Result<Vec<WorkerRecord>>> + Send;

    /// One worker.
    fn worker(&self, scope: &AuthorityScope, id: WorkerId) -> impl Future<Output = Result<Worker>> + Send;

    /// The worker with this employee number.
    fn worker_by_employee_number(
        &self,
        scope: &AuthorityScope,
        number: &EmployeeNumber,
    ) -> impl Future<Output = Result<Worker>> + Send;

    /// Every worker of the authority, by employee number.
    fn workers(&self, scope: &AuthorityScope) -> impl Future<Output = Result<Vec<Worker>>> + Send;

    /// Replace a worker's details, if the worker is still at version `expected`; otherwise
    /// [`StoreError::Conflict`] and nothing changes.
    fn update_worker(
        &self,
        scope: &AuthorityScope,
        id: WorkerId,
        expected: Version,
        details: &WorkerDetails,
    ) -> impl Future<Output = Result<Worker>> + Send;

    /// Everything held about a worker, read consistently.
    fn worker_record(&self, scope: &AuthorityScope, id: WorkerId) -> impl Future<Output = Result<WorkerRecord>> + Send;

    /// Add a level/grade/point change to a worker's timeline. Earlier entries are kept.
    fn add_timeline_entry(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        entry: &NewTimelineEntry,
    ) -> impl Future<Output = Result<TimelineEntry>> + Send;

    /// Record a post-qualifying award or course.
    fn add_award(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        award: &NewAward,
    ) -> impl Future<Output = Result<Award>> + Send;

    /// Record an endorsement, an intent raised in supervision, an assessment against a
    /// standard set or an accreditation. Storage checks its shape and that the worker who
    /// recorded it is in the authority; whether they had the standing to is the caller's rule.
    fn add_attestation(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        attestation: &NewAttestation,
    ) -> impl Future<Output = Result<Attestation>> + Send;

    /// Record an appraisal (PDR).
    fn add_appraisal(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        appraisal: &NewAppraisal,
    ) -> impl Future<Output = Result<AppraisalRecord>> + Send;

    /// Add a development plan goal.
    fn add_goal(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        goal: &NewGoal,
    ) -> impl Future<Output = Result<DevelopmentGoal>> + Send;

    /// Change a development plan goal, if it is still at version `expected`.
    fn update_goal(
        &self,
        scope: &AuthorityScope,
        id: GoalId,
        expected: Version,
        goal: &NewGoal,
    ) -> impl Future<Output = Result<DevelopmentGoal>> + Send;
}

/// Workers arriving in bulk from a file, written in one transaction.
pub trait BulkImport {
    /// Create `teams`, then every worker with their history, awards, appraisals and goals, in
    /// ONE transaction: all of it or (on the first failure, reported as [`StoreError::Batch`]
    /// with the worker's position) none. A worker with `new_team` set is placed in that team
    /// of `teams`. `progress` is told how many workers are written so far, from inside the
    /// transaction, so a long import can show a progress bar.
    fn import_workers(
        &self,
        scope: &AuthorityScope,
        teams: &[NewOrgUnit],
        workers: &[ImportedWorker],
        progress: &(dyn Fn(usize) + Sync),
    ) -> impl Future<Output = Result<ImportOutcome>> + Send;
}

/// A unit named in an organisation file: one already stored, or the `n`th new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UnitRef {
    /// A stored unit.
    Existing(OrgUnitId),
    /// The unit at this position in the import's new units.
    New(usize),
}

/// A post named in an organisation file: one already stored, or the `n`th new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PostRef {
    /// A stored post.
    Existing(PostId),
    /// The post at this position in the import's new posts.
    New(usize),
}

/// A unit an organisation import creates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedUnit {
    /// Service, locality or team.
    pub kind: UnitKind,
    /// Its name.
    pub name: Name,
    /// The unit it sits in.
    pub parent: Option<UnitRef>,
}

/// A post an organisation import creates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedPost {
    /// The unit it is responsible for.
    pub unit: UnitRef,
    /// The framework role.
    pub role: RoleId,
    /// The post it reports to.
    pub reports_to: Option<PostRef>,
    /// Who holds it from which day.
    pub holder: Option<(WorkerId, NaiveDate)>,
}

/// What an organisation import created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganisationOutcome {
    /// The new units, in the order given.
    pub units: Vec<OrgUnitId>,
    /// The new posts, in the order given.
    pub posts: Vec<PostId>,
}

/// A worker to import, and the new team (by position in the import's teams) they join.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedWorker {
    /// The worker with everything they arrive with.
    pub record: NewWorkerRecord,
    /// The new team they work in, overriding the record's unit.
    pub new_team: Option<usize>,
}

/// What an import created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    /// The new teams, in the order given.
    pub teams: Vec<OrgUnitId>,
    /// The new workers, in the order given.
    pub workers: Vec<WorkerId>,
}

/// The framework versions each authority uses, synced from the framework files.
pub trait FrameworkVersions {
    /// Store each file's framework version for the authority, in one transaction. A version
    /// already stored with the same text is left alone; one whose file text changed is
    /// replaced (the file is the source of truth) and reported as updated.
    fn sync_frameworks(
        &self,
        scope: &AuthorityScope,
        files: &[FrameworkFile],
    ) -> impl Future<Output = Result<Vec<SyncOutcome>>> + Send;

    /// The framework versions the authority uses, by framework then effective date.
    fn frameworks(&self, scope: &AuthorityScope) -> impl Future<Output = Result<Vec<StoredFramework>>> + Send;

    /// The version of `framework` in force on `on`, with its file text (load it with
    /// [`pathway_core::framework::load`]).
    fn framework_in_force(
        &self,
        scope: &AuthorityScope,
        framework: &FrameworkId,
        on: NaiveDate,
    ) -> impl Future<Output = Result<FrameworkSource>> + Send;

    /// The same version as [`FrameworkVersions::framework_in_force`] names, without its file
    /// text: enough to find it among frameworks already parsed (by `sha256`), which saves
    /// reading the whole file on every request.
    fn framework_version_in_force(
        &self,
        scope: &AuthorityScope,
        framework: &FrameworkId,
        on: NaiveDate,
    ) -> impl Future<Output = Result<StoredFramework>> + Send;
}

/// Reports that deliberately read across authorities, for a regional or national shared
/// service. Only aggregate figures; never another authority's records.
pub trait CrossAuthorityReports {
    /// How many workers each authority has.
    fn cross_authority_headcounts(&self) -> impl Future<Output = Result<Vec<Headcount>>> + Send;
}

/// A framework file ready to sync: its text, which loaded without errors, and its hash.
#[derive(Debug, Clone)]
pub struct FrameworkFile {
    framework: Framework,
    text: String,
    sha256: String,
}

impl FrameworkFile {
    /// Load `text` (the contents of `file_name`). Refused with every error the loader found
    /// if the file does not load cleanly.
    pub fn parse(file_name: &str, text: impl Into<String>) -> Result<FrameworkFile> {
        let text = text.into();
        let loaded = load(&text);
        match loaded.framework {
            Some(framework) if !loaded.has_errors() => {
                let sha256 = hex(&Sha256::digest(text.as_bytes()));
                Ok(FrameworkFile { framework, text, sha256 })
            }
            _ => {
                let problems: Vec<String> =
                    loaded.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.render(file_name)).collect();
                Err(StoreError::invalid(format!(
                    "{file_name} cannot be synced until its errors are fixed:\n{}",
                    problems.join("\n")
                )))
            }
        }
    }

    /// The loaded framework.
    pub fn framework(&self) -> &Framework {
        &self.framework
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The SHA-256 of the text, lowercase hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

/// What a sync did with one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncChange {
    /// A version not stored before.
    Added,
    /// Stored already with the same text.
    Unchanged,
    /// Stored already, but the file's text has changed since.
    Updated,
}

/// One file's result in a sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncOutcome {
    /// The framework.
    pub framework: FrameworkId,
    /// Its version.
    pub framework_version: String,
    /// What happened.
    pub change: SyncChange,
}

/// A framework version an authority uses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredFramework {
    /// The framework.
    pub framework: FrameworkId,
    /// The framework's own version string.
    pub framework_version: String,
    /// Its title.
    pub title: String,
    /// The first day it applies.
    pub effective_from: NaiveDate,
    /// The day it stops applying, if superseded.
    pub effective_to: Option<NaiveDate>,
    /// SHA-256 of the file text.
    pub sha256: String,
    /// Created, updated, version.
    pub meta: RecordMeta,
}

/// A stored framework version with its file text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameworkSource {
    /// What is stored about it.
    pub stored: StoredFramework,
    /// The framework file's text, as synced.
    pub text: String,
}

/// One authority's headcount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Headcount {
    /// The authority.
    pub authority: AuthorityId,
    /// Workers ever recorded.
    pub workers: i64,
    /// Workers with no leaving date.
    pub in_post: i64,
}

/// Which database a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendKind {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// A migrated schema, described the same way for both databases so they can be compared.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Schema {
    /// Tables by name (the migrations bookkeeping table is left out).
    pub tables: BTreeMap<String, Table>,
}

/// One table.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Table {
    /// Columns in declaration order.
    pub columns: Vec<Column>,
    /// Primary key columns in key order.
    pub primary_key: Vec<String>,
    /// Foreign keys, sorted.
    pub foreign_keys: Vec<ForeignKey>,
    /// Indexes other than the primary key's, sorted.
    pub indexes: Vec<Index>,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// `integer` or `text` (dates and timestamps are text in SQLite; both count as text).
    pub kind: String,
    /// Whether NULL is allowed.
    pub nullable: bool,
}

/// One foreign key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ForeignKey {
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub references: String,
    /// The referenced columns.
    pub referenced_columns: Vec<String>,
}

/// One index, described the same way for both databases.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Index {
    /// The name `CREATE INDEX` gave it; `None` for an index a `UNIQUE` constraint made,
    /// whose name SQLite does not keep (it calls them `sqlite_autoindex_...`).
    pub name: Option<String>,
    /// Key columns in order; `(expression)` for a key that is an expression.
    pub columns: Vec<String>,
    /// Whether it rejects a second row with the same key.
    pub unique: bool,
    /// A partial index's `WHERE` predicate, in one spelling for both databases: lower case,
    /// every operation in parentheses, casts dropped, PostgreSQL's `<> ALL (ARRAY[...])`
    /// read back as `NOT IN (...)`.
    pub predicate: Option<String>,
}

pub mod accounts;
pub mod career;
pub mod progression;
pub mod tokens;
pub use progression::{
    AuditActor, AuditEvent, AuditQuery, AuditTrail, ChainHead, ChainedAuditEvent, EntityKind, NewAuditEntry,
    Portfolios, Progression, StoredApplication, StoredAsye, StoredEvidence, StoredException, StoredPanel,
};
pub mod oidc;
pub mod retention;
