//! [`Store`]: whichever database was configured, behind the storage traits.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use pathway_core::framework::FrameworkId;
use pathway_core::ids::{GoalId, OrgUnitId, PostId, WorkerId};
use pathway_core::workforce::{
    AppraisalRecord, Attestation, Authority, AuthorityId, Award, DevelopmentGoal, EmployeeNumber, LineManagement, Name,
    NewAppraisal, NewAttestation, NewAuthority, NewAward, NewGoal, NewOrgUnit, NewPost, NewTimelineEntry, NewWorker,
    NewWorkerRecord, OrgUnit, Post, TimelineEntry, Version, Worker, WorkerDetails, WorkerRecord,
};

use crate::api::accounts::{Accounts, Credentials, NewAccount, NewSession, SignInEvent, StoredAccount, StoredSession};
use crate::api::oidc::{NewOidcIdentity, OidcProvider, OpenIdConnect, PendingOidcSignIn, StoredOidcIdentity};
use crate::api::retention::{
    Erased, ErasureEntry, LegalHold, Lifted, NewLegalHold, NotErased, Retention, RetentionPeriods, UnerasedLeaver,
    WithdrawnEvidence,
};
use crate::api::tokens::{ApiTokens, IdempotentAnswer, NewApiToken, StoredApiToken};
use crate::api::{
    AuthorityScope, BackendKind, BulkImport, CrossAuthorityReports, FrameworkFile, FrameworkSource, FrameworkVersions,
    Headcount, ImportOutcome, ImportedWorker, Organisation, Schema, StoredFramework, SyncOutcome, Tenancy, Workforce,
};
use crate::api::{ImportedPost, ImportedUnit, OrganisationOutcome};
use crate::error::{Result, StoreError};
use crate::postgres::PostgresStore;
use crate::sqlite::SqliteStore;

/// The database file used when nothing else is configured.
pub const DEFAULT_SQLITE_FILE: &str = "pathway.db";

/// A connected store. Cheap to clone: clones share one connection pool.
#[derive(Debug, Clone)]
pub enum Store {
    /// Embedded SQLite.
    Sqlite(SqliteStore),
    /// PostgreSQL.
    Postgres(PostgresStore),
}

/// Where the data lives, read from a setting once: the one reader of database settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An embedded SQLite database in this file (created if missing).
    Sqlite(PathBuf),
    /// A PostgreSQL server at this `postgres://` URL (which may hold a password).
    Postgres(String),
}

impl Target {
    /// Read a `postgres://` (or `postgresql://`) URL, a `sqlite:` URL, or a file path for
    /// SQLite.
    pub fn parse(target: &str) -> Result<Target> {
        let target = target.trim();
        if target.starts_with("postgres://") || target.starts_with("postgresql://") {
            return Ok(Target::Postgres(target.to_owned()));
        }
        let path = if let Some(rest) = target.strip_prefix("sqlite://") {
            rest
        } else if let Some(rest) = target.strip_prefix("sqlite:") {
            rest
        } else if let Some((scheme, _)) = target.split_once("://") {
            return Err(StoreError::Invalid {
                field: Some("database"),
                message: format!(
                    "`{scheme}://` databases are not supported; give a file path (SQLite) or a postgres:// URL"
                ),
            });
        } else {
            target
        };
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() {
            return Err(StoreError::Invalid {
                field: Some("database"),
                message: format!("no database file given; the default is {DEFAULT_SQLITE_FILE}"),
            });
        }
        Ok(Target::Sqlite(PathBuf::from(path)))
    }

    /// Connect (SQLite: open or create the file). Does not migrate; call [`Store::migrate`].
    pub async fn open(&self) -> Result<Store> {
        match self {
            Target::Sqlite(path) => SqliteStore::open(path).await.map(Store::Sqlite),
            Target::Postgres(url) => PostgresStore::connect(url, None).await.map(Store::Postgres),
        }
    }
}

/// Open the store `target` names (see [`Target::parse`]). Does not migrate; call
/// [`Store::migrate`] (the CLI does on start-up and in `pathway db migrate`).
pub async fn open(target: &str) -> Result<Store> {
    Target::parse(target)?.open().await
}

/// Run the same call on whichever backend this is: every storage trait method of [`Store`]
/// (here and in `store_progression.rs`) is this one line, so a new backend is one arm here.
macro_rules! dispatch {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            Store::Sqlite($s) => $call,
            Store::Postgres($s) => $call,
        }
    };
}
pub(crate) use dispatch;

impl Store {
    /// Which database this is.
    pub fn kind(&self) -> BackendKind {
        match self {
            Store::Sqlite(_) => BackendKind::Sqlite,
            Store::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// Apply any migrations not yet applied, then chain any audit entries written before the
    /// audit trail was hash-chained (SQL cannot hash on SQLite, so that step is Rust's).
    pub async fn migrate(&self) -> Result<()> {
        dispatch!(self, s => s.migrate().await)
    }

    /// Describe the migrated schema (tables, columns, keys, indexes).
    pub async fn schema(&self) -> Result<Schema> {
        dispatch!(self, s => s.schema().await)
    }

    /// Close every connection.
    pub async fn close(&self) {
        dispatch!(self, s => s.close().await)
    }

    /// Back up to a new file while the store stays in use (SQLite). For PostgreSQL, use
    /// `pg_dump`, which this refuses with directions.
    pub async fn backup(&self, to: &Path) -> Result<()> {
        match self {
            Store::Sqlite(s) => s.backup(to).await,
            Store::Postgres(_) => Err(StoreError::invalid(
                "backups of PostgreSQL are taken with its own tools: pg_dump --format=custom --file=FILE DATABASE_URL, \
                 restored with pg_restore --clean --dbname=DATABASE_URL FILE",
            )),
        }
    }
}

impl Tenancy for Store {
    async fn create_authority(&self, new: &NewAuthority) -> Result<Authority> {
        dispatch!(self, s => s.create_authority(new).await)
    }
    async fn authorities(&self) -> Result<Vec<Authority>> {
        dispatch!(self, s => s.authorities().await)
    }
    async fn scope(&self, id: &AuthorityId) -> Result<AuthorityScope> {
        dispatch!(self, s => s.scope(id).await)
    }
    async fn authority(&self, scope: &AuthorityScope) -> Result<Authority> {
        dispatch!(self, s => s.authority(scope).await)
    }
    async fn update_authority(
        &self,
        scope: &AuthorityScope,
        expected: Version,
        name: &Name,
        backdating_days: u16,
    ) -> Result<Authority> {
        dispatch!(self, s => s.update_authority(scope, expected, name, backdating_days).await)
    }
}

impl Organisation for Store {
    async fn create_unit(&self, scope: &AuthorityScope, new: &NewOrgUnit) -> Result<OrgUnit> {
        dispatch!(self, s => s.create_unit(scope, new).await)
    }
    async fn update_unit(
        &self,
        scope: &AuthorityScope,
        id: OrgUnitId,
        expected: Version,
        changes: &NewOrgUnit,
    ) -> Result<OrgUnit> {
        dispatch!(self, s => s.update_unit(scope, id, expected, changes).await)
    }
    async fn units(&self, scope: &AuthorityScope) -> Result<Vec<OrgUnit>> {
        dispatch!(self, s => s.units(scope).await)
    }
    async fn import_organisation(
        &self,
        scope: &AuthorityScope,
        units: &[ImportedUnit],
        posts: &[ImportedPost],
    ) -> Result<OrganisationOutcome> {
        dispatch!(self, s => s.import_organisation(scope, units, posts).await)
    }

    async fn close_unit(
        &self,
        scope: &AuthorityScope,
        id: OrgUnitId,
        expected: Version,
        on: NaiveDate,
    ) -> Result<OrgUnit> {
        dispatch!(self, s => s.close_unit(scope, id, expected, on).await)
    }

    async fn create_post(&self, scope: &AuthorityScope, new: &NewPost) -> Result<Post> {
        dispatch!(self, s => s.create_post(scope, new).await)
    }
    async fn assign_post(
        &self,
        scope: &AuthorityScope,
        id: PostId,
        expected: Version,
        holder: Option<WorkerId>,
        on: NaiveDate,
    ) -> Result<Post> {
        dispatch!(self, s => s.assign_post(scope, id, expected, holder, on).await)
    }
    async fn posts(&self, scope: &AuthorityScope) -> Result<Vec<Post>> {
        dispatch!(self, s => s.posts(scope).await)
    }
    async fn posts_held_by(&self, scope: &AuthorityScope, worker: WorkerId) -> Result<Vec<Post>> {
        dispatch!(self, s => s.posts_held_by(scope, worker).await)
    }
    async fn line_management(&self, scope: &AuthorityScope, worker: WorkerId, on: NaiveDate) -> Result<LineManagement> {
        dispatch!(self, s => s.line_management(scope, worker, on).await)
    }
    async fn line_managements(&self, scope: &AuthorityScope, on: NaiveDate) -> Result<Vec<(WorkerId, LineManagement)>> {
        dispatch!(self, s => s.line_managements(scope, on).await)
    }
}

impl Workforce for Store {
    async fn create_worker(&self, scope: &AuthorityScope, new: &NewWorker) -> Result<Worker> {
        dispatch!(self, s => s.create_worker(scope, new).await)
    }
    async fn create_workers(&self, scope: &AuthorityScope, new: &[NewWorker]) -> Result<Vec<WorkerId>> {
        dispatch!(self, s => s.create_workers(scope, new).await)
    }
    async fn create_worker_records(&self, scope: &AuthorityScope, new: &[NewWorkerRecord]) -> Result<Vec<WorkerId>> {
        dispatch!(self, s => s.create_worker_records(scope, new).await)
    }
    async fn worker_records(&self, scope: &AuthorityScope) -> Result<Vec<WorkerRecord>> {
        dispatch!(self, s => s.worker_records(scope).await)
    }
    async fn worker(&self, scope: &AuthorityScope, id: WorkerId) -> Result<Worker> {
        dispatch!(self, s => s.worker(scope, id).await)
    }
    async fn worker_by_employee_number(&self, scope: &AuthorityScope, number: &EmployeeNumber) -> Result<Worker> {
        dispatch!(self, s => s.worker_by_employee_number(scope, number).await)
    }
    async fn workers(&self, scope: &AuthorityScope) -> Result<Vec<Worker>> {
        dispatch!(self, s => s.workers(scope).await)
    }
    async fn update_worker(
        &self,
        scope: &AuthorityScope,
        id: WorkerId,
        expected: Version,
        details: &WorkerDetails,
    ) -> Result<Worker> {
        dispatch!(self, s => s.update_worker(scope, id, expected, details).await)
    }
    async fn worker_record(&self, scope: &AuthorityScope, id: WorkerId) -> Result<WorkerRecord> {
        dispatch!(self, s => s.worker_record(scope, id).await)
    }
    async fn add_timeline_entry(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        entry: &NewTimelineEntry,
    ) -> Result<TimelineEntry> {
        dispatch!(self, s => s.add_timeline_entry(scope, worker, entry).await)
    }
    async fn add_award(&self, scope: &AuthorityScope, worker: WorkerId, award: &NewAward) -> Result<Award> {
        dispatch!(self, s => s.add_award(scope, worker, award).await)
    }
    async fn add_attestation(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        attestation: &NewAttestation,
    ) -> Result<Attestation> {
        dispatch!(self, s => s.add_attestation(scope, worker, attestation).await)
    }
    async fn add_appraisal(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        appraisal: &NewAppraisal,
    ) -> Result<AppraisalRecord> {
        dispatch!(self, s => s.add_appraisal(scope, worker, appraisal).await)
    }
    async fn add_goal(&self, scope: &AuthorityScope, worker: WorkerId, goal: &NewGoal) -> Result<DevelopmentGoal> {
        dispatch!(self, s => s.add_goal(scope, worker, goal).await)
    }
    async fn update_goal(
        &self,
        scope: &AuthorityScope,
        id: GoalId,
        expected: Version,
        goal: &NewGoal,
    ) -> Result<DevelopmentGoal> {
        dispatch!(self, s => s.update_goal(scope, id, expected, goal).await)
    }
}

impl BulkImport for Store {
    async fn import_workers(
        &self,
        scope: &AuthorityScope,
        teams: &[NewOrgUnit],
        workers: &[ImportedWorker],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<ImportOutcome> {
        dispatch!(self, s => s.import_workers(scope, teams, workers, progress).await)
    }
}

impl FrameworkVersions for Store {
    async fn sync_frameworks(&self, scope: &AuthorityScope, files: &[FrameworkFile]) -> Result<Vec<SyncOutcome>> {
        dispatch!(self, s => s.sync_frameworks(scope, files).await)
    }
    async fn frameworks(&self, scope: &AuthorityScope) -> Result<Vec<StoredFramework>> {
        dispatch!(self, s => s.frameworks(scope).await)
    }
    async fn framework_in_force(
        &self,
        scope: &AuthorityScope,
        framework: &FrameworkId,
        on: NaiveDate,
    ) -> Result<FrameworkSource> {
        dispatch!(self, s => s.framework_in_force(scope, framework, on).await)
    }
    async fn framework_version_in_force(
        &self,
        scope: &AuthorityScope,
        framework: &FrameworkId,
        on: NaiveDate,
    ) -> Result<StoredFramework> {
        dispatch!(self, s => s.framework_version_in_force(scope, framework, on).await)
    }
}

impl CrossAuthorityReports for Store {
    async fn cross_authority_headcounts(&self) -> Result<Vec<Headcount>> {
        dispatch!(self, s => s.cross_authority_headcounts().await)
    }
}

impl Accounts for Store {
    async fn ping(&self) -> Result<()> {
        dispatch!(self, s => s.ping().await)
    }
    async fn create_account(
        &self,
        scope: &AuthorityScope,
        new: &NewAccount,
        at: DateTime<Utc>,
    ) -> Result<StoredAccount> {
        dispatch!(self, s => s.create_account(scope, new, at).await)
    }
    async fn accounts(&self, scope: &AuthorityScope) -> Result<Vec<StoredAccount>> {
        dispatch!(self, s => s.accounts(scope).await)
    }
    async fn account(&self, scope: &AuthorityScope, username: &str) -> Result<StoredAccount> {
        dispatch!(self, s => s.account(scope, username).await)
    }
    async fn credentials(&self, username: &str) -> Result<Option<Credentials>> {
        dispatch!(self, s => s.credentials(username).await)
    }
    async fn set_password_hash(
        &self,
        scope: &AuthorityScope,
        username: &str,
        hash: &str,
        at: DateTime<Utc>,
    ) -> Result<StoredAccount> {
        dispatch!(self, s => s.set_password_hash(scope, username, hash, at).await)
    }
    async fn set_totp_secret(
        &self,
        scope: &AuthorityScope,
        username: &str,
        secret_hex: &str,
        at: DateTime<Utc>,
    ) -> Result<StoredAccount> {
        dispatch!(self, s => s.set_totp_secret(scope, username, secret_hex, at).await)
    }
    async fn set_disabled(
        &self,
        scope: &AuthorityScope,
        username: &str,
        disabled_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<StoredAccount> {
        dispatch!(self, s => s.set_disabled(scope, username, disabled_at, at).await)
    }
    async fn unlock(&self, scope: &AuthorityScope, username: &str, at: DateTime<Utc>) -> Result<StoredAccount> {
        dispatch!(self, s => s.unlock(scope, username, at).await)
    }
    async fn record_failed_sign_in(&self, account: i64, lock_after: i64, event: &SignInEvent) -> Result<bool> {
        dispatch!(self, s => s.record_failed_sign_in(account, lock_after, event).await)
    }
    async fn record_sign_in(
        &self,
        account: i64,
        totp_step: Option<i64>,
        session: &NewSession,
        event: &SignInEvent,
    ) -> Result<bool> {
        dispatch!(self, s => s.record_sign_in(account, totp_step, session, event).await)
    }
    async fn record_sign_in_event(&self, event: &SignInEvent) -> Result<()> {
        dispatch!(self, s => s.record_sign_in_event(event).await)
    }
    async fn failed_sign_ins_since(
        &self,
        username: &str,
        from: Option<&str>,
        since: DateTime<Utc>,
    ) -> Result<(i64, i64)> {
        dispatch!(self, s => s.failed_sign_ins_since(username, from, since).await)
    }
    async fn session(&self, id_hash: &str) -> Result<Option<StoredSession>> {
        dispatch!(self, s => s.session(id_hash).await)
    }
    async fn touch_session(&self, id_hash: &str, at: DateTime<Utc>) -> Result<()> {
        dispatch!(self, s => s.touch_session(id_hash, at).await)
    }
    async fn end_session(&self, id_hash: &str, event: Option<&SignInEvent>) -> Result<bool> {
        dispatch!(self, s => s.end_session(id_hash, event).await)
    }
}

impl ApiTokens for Store {
    async fn create_api_token(
        &self,
        scope: &AuthorityScope,
        new: &NewApiToken,
        at: DateTime<Utc>,
    ) -> Result<StoredApiToken> {
        dispatch!(self, s => s.create_api_token(scope, new, at).await)
    }
    async fn api_tokens(&self, scope: &AuthorityScope) -> Result<Vec<StoredApiToken>> {
        dispatch!(self, s => s.api_tokens(scope).await)
    }
    async fn revoke_api_token(&self, scope: &AuthorityScope, id: i64, at: DateTime<Utc>) -> Result<StoredApiToken> {
        dispatch!(self, s => s.revoke_api_token(scope, id, at).await)
    }
    async fn api_token(&self, token_hash: &str) -> Result<Option<(StoredApiToken, StoredAccount)>> {
        dispatch!(self, s => s.api_token(token_hash).await)
    }
    async fn touch_api_token(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        dispatch!(self, s => s.touch_api_token(id, at).await)
    }
    async fn idempotent_answer(&self, account: i64, key: &str) -> Result<Option<IdempotentAnswer>> {
        dispatch!(self, s => s.idempotent_answer(account, key).await)
    }
    async fn save_idempotent_answer(
        &self,
        account: i64,
        key: &str,
        answer: &IdempotentAnswer,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        dispatch!(self, s => s.save_idempotent_answer(account, key, answer, at).await)
    }
}

impl OpenIdConnect for Store {
    async fn set_oidc_provider(
        &self,
        scope: &AuthorityScope,
        provider: &OidcProvider,
        at: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self, s => s.set_oidc_provider(scope, provider, at).await)
    }
    async fn oidc_provider(&self, scope: &AuthorityScope) -> Result<Option<OidcProvider>> {
        dispatch!(self, s => s.oidc_provider(scope).await)
    }
    async fn begin_oidc_sign_in(&self, pending: &PendingOidcSignIn) -> Result<()> {
        dispatch!(self, s => s.begin_oidc_sign_in(pending).await)
    }
    async fn take_oidc_sign_in(&self, state_hash: &str) -> Result<Option<PendingOidcSignIn>> {
        dispatch!(self, s => s.take_oidc_sign_in(state_hash).await)
    }
    async fn oidc_identity(&self, scope: &AuthorityScope, identity: &NewOidcIdentity) -> Result<StoredOidcIdentity> {
        dispatch!(self, s => s.oidc_identity(scope, identity).await)
    }
    async fn oidc_identities(&self, scope: &AuthorityScope, pending: bool) -> Result<Vec<StoredOidcIdentity>> {
        dispatch!(self, s => s.oidc_identities(scope, pending).await)
    }
    async fn link_oidc_identity(
        &self,
        scope: &AuthorityScope,
        identity: i64,
        account: i64,
        at: DateTime<Utc>,
    ) -> Result<StoredOidcIdentity> {
        dispatch!(self, s => s.link_oidc_identity(scope, identity, account, at).await)
    }
}

impl Retention for Store {
    async fn retention_periods(&self, scope: &AuthorityScope) -> Result<RetentionPeriods> {
        dispatch!(self, s => s.retention_periods(scope).await)
    }
    async fn set_retention_periods(
        &self,
        scope: &AuthorityScope,
        periods: RetentionPeriods,
        entry: &crate::api::NewAuditEntry,
    ) -> Result<RetentionPeriods> {
        dispatch!(self, s => s.set_retention_periods(scope, periods, entry).await)
    }
    async fn place_legal_hold(
        &self,
        scope: &AuthorityScope,
        hold: &NewLegalHold,
        entry: &(dyn Fn(i64) -> crate::api::NewAuditEntry + Sync),
    ) -> Result<LegalHold> {
        dispatch!(self, s => s.place_legal_hold(scope, hold, entry).await)
    }
    async fn lift_legal_hold(
        &self,
        scope: &AuthorityScope,
        id: i64,
        lifted: &Lifted,
        entry: &crate::api::NewAuditEntry,
    ) -> Result<LegalHold> {
        dispatch!(self, s => s.lift_legal_hold(scope, id, lifted, entry).await)
    }
    async fn legal_holds(&self, scope: &AuthorityScope, all: bool) -> Result<Vec<LegalHold>> {
        dispatch!(self, s => s.legal_holds(scope, all).await)
    }
    async fn withdraw_evidence(
        &self,
        scope: &AuthorityScope,
        id: pathway_core::ids::EvidenceId,
        on: NaiveDate,
        because: &str,
        entry: &crate::api::NewAuditEntry,
    ) -> Result<()> {
        dispatch!(self, s => s.withdraw_evidence(scope, id, on, because, entry).await)
    }
    async fn unerased_leavers(&self, scope: &AuthorityScope, left_by: NaiveDate) -> Result<Vec<UnerasedLeaver>> {
        dispatch!(self, s => s.unerased_leavers(scope, left_by).await)
    }
    async fn withdrawn_evidence(
        &self,
        scope: &AuthorityScope,
        withdrawn_by: NaiveDate,
    ) -> Result<Vec<WithdrawnEvidence>> {
        dispatch!(self, s => s.withdrawn_evidence(scope, withdrawn_by).await)
    }
    async fn erase_leaver(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        at: DateTime<Utc>,
        entry: ErasureEntry<'_>,
    ) -> Result<std::result::Result<Erased, NotErased>> {
        dispatch!(self, s => s.erase_leaver(scope, worker, at, entry).await)
    }
    async fn erase_withdrawn_evidence(
        &self,
        scope: &AuthorityScope,
        id: pathway_core::ids::EvidenceId,
        entry: ErasureEntry<'_>,
    ) -> Result<std::result::Result<Erased, NotErased>> {
        dispatch!(self, s => s.erase_withdrawn_evidence(scope, id, entry).await)
    }
    async fn held_files(&self) -> Result<std::collections::BTreeSet<String>> {
        dispatch!(self, s => s.held_files().await)
    }
}

impl crate::api::career::Careers for Store {
    async fn add_registration(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        registration: &pathway_core::career::NewRegistration,
        recorded_by: &str,
        entry: crate::api::career::EntryFor<'_>,
    ) -> Result<pathway_core::career::RegistrationRecord> {
        dispatch!(self, s => s.add_registration(scope, worker, registration, recorded_by, entry).await)
    }
    async fn registrations(
        &self,
        scope: &AuthorityScope,
        worker: Option<WorkerId>,
    ) -> Result<Vec<pathway_core::career::RegistrationRecord>> {
        dispatch!(self, s => s.registrations(scope, worker).await)
    }
    async fn add_cpd(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        record: &pathway_core::career::NewCpdRecord,
        recorded_by: &str,
        entry: crate::api::career::EntryFor<'_>,
    ) -> Result<pathway_core::career::CpdRecord> {
        dispatch!(self, s => s.add_cpd(scope, worker, record, recorded_by, entry).await)
    }
    async fn cpd_records(
        &self,
        scope: &AuthorityScope,
        worker: Option<WorkerId>,
    ) -> Result<Vec<pathway_core::career::CpdRecord>> {
        dispatch!(self, s => s.cpd_records(scope, worker).await)
    }
    async fn add_audited_appraisal(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
        appraisal: &NewAppraisal,
        entry: crate::api::career::EntryFor<'_>,
    ) -> Result<AppraisalRecord> {
        dispatch!(self, s => s.add_audited_appraisal(scope, worker, appraisal, entry).await)
    }
}
