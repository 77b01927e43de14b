//! Storage for progression: evidence portfolios, applications, panels and ASYE programmes,
//! and the audit trail written with every change to them.
//!
//! The core's values are stored whole (as JSON) beside indexed copies of what queries filter
//! on. Every write is one transaction that also appends to `audit_events`: for records that
//! keep their own history (applications, panels, ASYE programmes) one row per new history
//! entry; for evidence items one row per change, from the [`Audit`] the caller passes.
//! Updates name the version they read and fail with [`crate::StoreError::Conflict`] (nothing
//! written) if it has moved on.
//!
//! Each authority's audit entries form a hash chain (`pathway_core::audit_chain`): storage
//! gives every entry its place, the hash before it and its own hash as it writes it, and
//! [`AuditTrail`] reads the chain back for verification.

use std::fmt;
use std::future::Future;

use chrono::{DateTime, Utc};
use pathway_core::anonymise::Clearance;
use pathway_core::audit_chain::{ChainRow, Link};
use pathway_core::ids::{ApplicationId, AsyeProgrammeId, EvidenceId, ExceptionId, PanelId, WorkerId};
use pathway_core::portfolio::EvidenceItem;
use pathway_core::progression::application::Application;
use pathway_core::progression::asye::AsyeProgramme;
use pathway_core::progression::audit::{Actor, Audit, Backdated};
use pathway_core::progression::exception::EligibilityException;
use pathway_core::progression::panel::Panel;
use pathway_core::workforce::{NewTimelineEntry, RecordMeta, TimelineEntry, Version};
use serde::Serialize;

use super::AuthorityScope;
use crate::error::Result;

/// An evidence item as stored, with the author's anonymisation clearances.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredEvidence {
    /// The item (its id assigned by storage).
    pub item: EvidenceItem,
    /// Flags the author cleared, with their reasons.
    pub clearances: Vec<Clearance>,
    /// Created, updated, version.
    pub meta: RecordMeta,
}

/// An application as stored.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredApplication {
    /// Its id.
    #[schema(value_type = i64, minimum = 1)]
    pub id: ApplicationId,
    /// The application, with its steps and history.
    #[schema(value_type = Object)]
    pub application: Application,
    /// Created, updated, version.
    #[schema(schema_with = record_meta_schema)]
    pub meta: RecordMeta,
}

/// The OpenAPI schema of a [`RecordMeta`], as serde writes it.
pub fn record_meta_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
    let date_time = || {
        ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
    };
    ObjectBuilder::new()
        .property(
            "version",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .description(Some("the version an update must name (the ETag)")),
        )
        .required("version")
        .property("created_at", date_time())
        .required("created_at")
        .property("updated_at", date_time())
        .required("updated_at")
        .description(Some("Created, updated, version."))
        .build()
}

/// A panel as stored (the panel carries its id).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredPanel {
    /// Its id.
    #[schema(value_type = i64, minimum = 1)]
    pub id: PanelId,
    /// The panel, with its members, hearings and history.
    #[schema(value_type = Object)]
    pub panel: Panel,
    /// Created, updated, version.
    #[schema(schema_with = record_meta_schema)]
    pub meta: RecordMeta,
}

/// An ASYE programme as stored.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredAsye {
    /// Its id.
    #[schema(value_type = i64, minimum = 1)]
    pub id: AsyeProgrammeId,
    /// The programme, with its reviews and history.
    #[schema(value_type = Object)]
    pub programme: AsyeProgramme,
    /// Created, updated, version.
    #[schema(schema_with = record_meta_schema)]
    pub meta: RecordMeta,
}

/// An exception to a route's eligibility criteria, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredException {
    /// Its number.
    #[schema(value_type = i64, minimum = 1)]
    pub id: ExceptionId,
    /// The exception, with who recorded it, when and why.
    #[schema(value_type = Object)]
    pub exception: EligibilityException,
    /// When storage wrote it.
    pub stored_at: DateTime<Utc>,
}

/// What an audit event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntityKind {
    /// An evidence item.
    Evidence,
    /// An application.
    Application,
    /// A panel.
    Panel,
    /// An ASYE programme.
    AsyeProgramme,
    /// An exception to a route's eligibility criteria.
    EligibilityException,
    /// An authority's own settings (`authority create`/`set`); entity id 0.
    Authority,
    /// A unit of the organisation.
    Unit,
    /// A post.
    Post,
    /// A bulk import (organisation or workers); entity id 0.
    Import,
    /// The framework in force (`framework sync`); entity id 0.
    Framework,
    /// An account: sign-ins, sign-outs, failures, session ends.
    Account,
    /// A worker's portfolio, viewed (entity id: the worker).
    Portfolio,
    /// A panel's pack, viewed (entity id: the panel).
    PanelPack,
    /// A legal hold on a worker's records (entity id: the hold).
    LegalHold,
    /// A leaver's records erased under the retention rule (entity id: the worker).
    Erasure,
    /// An identity from an OpenID provider, not yet linked to an account (entity id: the
    /// identity).
    OidcIdentity,
    /// Everything held about a person, exported for subject access (entity id: the worker).
    SubjectExport,
    /// A record of a worker's registration with Social Work England.
    Registration,
    /// A CPD record.
    CpdRecord,
    /// An appraisal (PDR).
    Appraisal,
}

impl EntityKind {
    /// The stable code stored in `audit_events.entity_kind`.
    pub const fn code(self) -> &'static str {
        match self {
            EntityKind::Evidence => "evidence",
            EntityKind::Application => "application",
            EntityKind::Panel => "panel",
            EntityKind::AsyeProgramme => "asye-programme",
            EntityKind::EligibilityException => "eligibility-exception",
            EntityKind::Authority => "authority",
            EntityKind::Unit => "unit",
            EntityKind::Post => "post",
            EntityKind::Import => "import",
            EntityKind::Framework => "framework",
            EntityKind::Account => "account",
            EntityKind::Portfolio => "portfolio",
            EntityKind::PanelPack => "panel-pack",
            EntityKind::LegalHold => "legal-hold",
            EntityKind::Erasure => "erasure",
            EntityKind::OidcIdentity => "oidc-identity",
            EntityKind::SubjectExport => "subject-export",
            EntityKind::Registration => "registration",
            EntityKind::CpdRecord => "cpd-record",
            EntityKind::Appraisal => "appraisal",
        }
    }

    /// The kind with this code.
    pub fn from_code(code: &str) -> Option<EntityKind> {
        [
            EntityKind::Evidence,
            EntityKind::Application,
            EntityKind::Panel,
            EntityKind::AsyeProgramme,
            EntityKind::EligibilityException,
            EntityKind::Authority,
            EntityKind::Unit,
            EntityKind::Post,
            EntityKind::Import,
            EntityKind::Framework,
            EntityKind::Account,
            EntityKind::Portfolio,
            EntityKind::PanelPack,
            EntityKind::LegalHold,
            EntityKind::Erasure,
            EntityKind::OidcIdentity,
            EntityKind::SubjectExport,
            EntityKind::Registration,
            EntityKind::CpdRecord,
            EntityKind::Appraisal,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One entry in the audit trail: who did what to which record, when and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    /// What kind of record.
    pub entity_kind: EntityKind,
    /// Which one.
    pub entity_id: i64,
    /// The record's version after the change.
    pub entity_version: Version,
    /// Position in the record's trail, from 1.
    pub seq: i64,
    /// Who, in which role.
    pub by: AuditActor,
    /// When they did it.
    pub at: DateTime<Utc>,
    /// Why, in their words.
    pub why: String,
    /// What happened, in a sentence.
    pub what: String,
    /// The change as the record's history holds it (JSON).
    pub detail: String,
    /// When storage wrote it.
    pub recorded_at: DateTime<Utc>,
    /// When it was entered and why, if it was entered after it took effect (`at`).
    pub backdated: Option<Backdated>,
    /// The account that typed it in on the actor's behalf (the CLI's operator acting
    /// `--as` someone); None when the actor entered it themselves.
    pub entered_by: Option<String>,
    /// The address the change came from, for one made over HTTP; None from the command
    /// line on the server, and for entries written before migration 15.
    pub entered_from: Option<String>,
}

/// Who an audit entry names: a person acting in a role, or an account with no person
/// behind the entry (the CLI's operator running a set-up command).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditActor {
    /// The person, when there is one.
    pub person: Option<WorkerId>,
    /// Their name, or the account's.
    pub name: String,
    /// The role they acted in (`operator` for the operator account, `account` for a
    /// sign-in).
    pub role: String,
}

impl From<&Actor> for AuditActor {
    fn from(actor: &Actor) -> AuditActor {
        AuditActor { person: Some(actor.person), name: actor.name.clone(), role: actor.role.as_str().to_owned() }
    }
}

/// An audit entry about something other than a stored record's history: a set-up command,
/// a sign-in, a view. Storage numbers it after the entity's last entry and chains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub kind: EntityKind,
    pub id: i64,
    pub by: AuditActor,
    pub at: DateTime<Utc>,
    pub why: String,
    pub what: String,
    /// Details as JSON (never a password).
    pub detail: String,
    pub entered_by: Option<String>,
    /// The address it came from, where the entry is about a request over HTTP.
    pub entered_from: Option<String>,
}

impl AuditEvent {
    /// The fields the audit chain's hash covers, for an entry of `authority`.
    pub fn chain_row<'a>(&'a self, authority: &'a str) -> ChainRow<'a> {
        ChainRow {
            authority,
            entity_kind: self.entity_kind.code(),
            entity_id: self.entity_id,
            entity_version: self.entity_version.get(),
            seq: self.seq,
            actor_id: self.by.person.map(WorkerId::get),
            actor_name: &self.by.name,
            actor_role: &self.by.role,
            occurred_at: self.at,
            entered_at: self.backdated.as_ref().map(|b| b.entered_at),
            backdated_because: self.backdated.as_ref().map(|b| b.reason.as_str()),
            why: &self.why,
            what: &self.what,
            detail: &self.detail,
            recorded_at: self.recorded_at,
            entered_by: self.entered_by.as_deref(),
            entered_from: self.entered_from.as_deref(),
        }
    }
}

/// An audit entry with its place in its authority's hash chain (`pathway_core::audit_chain`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainedAuditEvent {
    /// The authority whose chain it is in.
    pub authority: String,
    /// The row's id in `audit_events`: the order entries were written in.
    pub row_id: i64,
    /// Its place in the chain, from 1; None if it was never chained.
    pub chain_seq: Option<i64>,
    /// The hash of the entry before it.
    pub prev_hash: Option<String>,
    /// Its own hash.
    pub hash: Option<String>,
    /// The entry.
    #[serde(flatten)]
    pub event: AuditEvent,
}

impl ChainedAuditEvent {
    /// Its place in the chain, as stored.
    pub fn link(&self) -> Link<'_> {
        Link { chain_seq: self.chain_seq, prev_hash: self.prev_hash.as_deref(), hash: self.hash.as_deref() }
    }

    /// The fields its hash covers.
    pub fn chain_row(&self) -> ChainRow<'_> {
        self.event.chain_row(&self.authority)
    }
}

/// The end of an authority's audit chain, as the chain head records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainHead {
    /// How many entries the chain has.
    pub chain_seq: i64,
    /// The last entry's hash.
    pub hash: String,
}

/// Which audit entries to list; every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Entries by this worker (acting in any role) or about their records (evidence,
    /// applications, ASYE programmes).
    pub person: Option<WorkerId>,
    /// Entries about this one record.
    pub record: Option<(EntityKind, i64)>,
    /// Entries that took effect at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Entries that took effect before this time.
    pub before: Option<DateTime<Utc>>,
}

/// Evidence portfolios.
pub trait Portfolios {
    /// Store a new evidence item in its owner's portfolio. Storage assigns its id (the
    /// item's own id is ignored); `audit` is recorded in the audit trail.
    fn add_evidence(
        &self,
        scope: &AuthorityScope,
        item: &EvidenceItem,
        audit: &Audit,
    ) -> impl Future<Output = Result<StoredEvidence>> + Send;

    /// Replace an item and its clearances, if it is still at version `expected`; `what` says
    /// what changed, for the audit trail.
    fn update_evidence(
        &self,
        scope: &AuthorityScope,
        item: &EvidenceItem,
        clearances: &[Clearance],
        expected: Version,
        audit: &Audit,
        what: &str,
    ) -> impl Future<Output = Result<StoredEvidence>> + Send;

    /// One item.
    fn evidence(&self, scope: &AuthorityScope, id: EvidenceId) -> impl Future<Output = Result<StoredEvidence>> + Send;

    /// A worker's portfolio, oldest first.
    fn portfolio(
        &self,
        scope: &AuthorityScope,
        worker: WorkerId,
    ) -> impl Future<Output = Result<Vec<StoredEvidence>>> + Send;
}

/// Applications, panels and ASYE programmes.
pub trait Progression {
    /// Store a newly opened application; its history so far goes to the audit trail.
    fn create_application(
        &self,
        scope: &AuthorityScope,
        application: &Application,
    ) -> impl Future<Output = Result<StoredApplication>> + Send;

    /// One application.
    fn application(
        &self,
        scope: &AuthorityScope,
        id: ApplicationId,
    ) -> impl Future<Output = Result<StoredApplication>> + Send;

    /// The authority's applications (one worker's, if `worker` is given), by id.
    fn applications(
        &self,
        scope: &AuthorityScope,
        worker: Option<WorkerId>,
    ) -> impl Future<Output = Result<Vec<StoredApplication>>> + Send;

    /// Replace an application with its next state, if it is still at version `expected`;
    /// otherwise [`crate::StoreError::Conflict`] and nothing changes. The history may only
    /// grow: its new entries go to the audit trail.
    fn save_application(
        &self,
        scope: &AuthorityScope,
        id: ApplicationId,
        application: &Application,
        expected: Version,
    ) -> impl Future<Output = Result<StoredApplication>> + Send;

    /// [`Progression::save_application`] and append `entry` to the worker's timeline, in one
    /// transaction: the application becomes effective and the worker's record changes, or
    /// neither happens.
    fn save_application_with_timeline(
        &self,
        scope: &AuthorityScope,
        id: ApplicationId,
        application: &Application,
        expected: Version,
        entry: &NewTimelineEntry,
    ) -> impl Future<Output = Result<(StoredApplication, TimelineEntry)>> + Send;

    /// Store a newly convened panel.
    fn create_panel(&self, scope: &AuthorityScope, panel: &Panel) -> impl Future<Output = Result<StoredPanel>> + Send;

    /// One panel.
    fn panel(&self, scope: &AuthorityScope, id: PanelId) -> impl Future<Output = Result<StoredPanel>> + Send;

    /// The authority's panels, by date.
    fn panels(&self, scope: &AuthorityScope) -> impl Future<Output = Result<Vec<StoredPanel>>> + Send;

    /// Replace a panel, if it is still at version `expected`. Every application it lists
    /// must be this authority's.
    fn save_panel(
        &self,
        scope: &AuthorityScope,
        id: PanelId,
        panel: &Panel,
        expected: Version,
    ) -> impl Future<Output = Result<StoredPanel>> + Send;

    /// Store a newly started ASYE programme and set the worker's ASYE record from it.
    fn create_asye(
        &self,
        scope: &AuthorityScope,
        programme: &AsyeProgramme,
    ) -> impl Future<Output = Result<StoredAsye>> + Send;

    /// One ASYE programme.
    fn asye(&self, scope: &AuthorityScope, id: AsyeProgrammeId) -> impl Future<Output = Result<StoredAsye>> + Send;

    /// The authority's ASYE programmes (one worker's, if `worker` is given), by id.
    fn asye_programmes(
        &self,
        scope: &AuthorityScope,
        worker: Option<WorkerId>,
    ) -> impl Future<Output = Result<Vec<StoredAsye>>> + Send;

    /// Replace a programme, if it is still at version `expected`, and set the worker's ASYE
    /// record from it; with `opened`, also store the application a pass opened. One
    /// transaction.
    fn save_asye(
        &self,
        scope: &AuthorityScope,
        id: AsyeProgrammeId,
        programme: &AsyeProgramme,
        expected: Version,
        opened: Option<&Application>,
    ) -> impl Future<Output = Result<(StoredAsye, Option<StoredApplication>)>> + Send;

    /// Store an exception to a route's eligibility criteria; its recording goes to the audit
    /// trail in the same transaction.
    fn create_exception(
        &self,
        scope: &AuthorityScope,
        exception: &EligibilityException,
    ) -> impl Future<Output = Result<StoredException>> + Send;

    /// The authority's exceptions (one worker's, if `worker` is given), oldest first.
    fn exceptions(
        &self,
        scope: &AuthorityScope,
        worker: Option<WorkerId>,
    ) -> impl Future<Output = Result<Vec<StoredException>>> + Send;
}

/// The audit trail, and its hash chain.
pub trait AuditTrail {
    /// Every audit event for one record, oldest first.
    fn audit_trail(
        &self,
        scope: &AuthorityScope,
        kind: EntityKind,
        id: i64,
    ) -> impl Future<Output = Result<Vec<AuditEvent>>> + Send;

    /// Every audit event of an actor (a worker acting in any role), oldest first.
    fn audit_by_actor(
        &self,
        scope: &AuthorityScope,
        actor: WorkerId,
    ) -> impl Future<Output = Result<Vec<AuditEvent>>> + Send;

    /// Append one entry that is not a record's history (a set-up command, a sign-in, a
    /// view) to the authority's chain, in its own transaction.
    fn record_audit(
        &self,
        scope: &AuthorityScope,
        entry: &NewAuditEntry,
    ) -> impl Future<Output = Result<AuditEvent>> + Send;

    /// The end of the authority's audit chain; None if nothing was ever chained.
    fn audit_chain_head(&self, scope: &AuthorityScope) -> impl Future<Output = Result<Option<ChainHead>>> + Send;

    /// Up to `limit` entries of the authority's chain with `chain_seq` above `after` and at
    /// most `until`, in chain order.
    fn audit_chain_entries(
        &self,
        scope: &AuthorityScope,
        after: i64,
        until: i64,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<ChainedAuditEvent>>> + Send;

    /// Up to `limit` of the authority's entries with no place in the chain, in the order
    /// written. After sealing there are none, unless someone removed an entry's place.
    fn audit_unchained(
        &self,
        scope: &AuthorityScope,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<ChainedAuditEvent>>> + Send;

    /// The authority's entries matching `query`, in the order written.
    fn audit_search(
        &self,
        scope: &AuthorityScope,
        query: &AuditQuery,
    ) -> impl Future<Output = Result<Vec<ChainedAuditEvent>>> + Send;
}
