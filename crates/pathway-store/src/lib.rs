//! Pathway's storage: workforce records behind async traits, on SQLite (embedded, the
//! default: one file, `pathway.db`) or PostgreSQL (a `postgres://` URL), with identical
//! behaviour on both.
//!
//! ```no_run
//! # async fn demo() -> pathway_store::Result<()> {
//! use pathway_store::{Tenancy, Workforce};
//! let store = pathway_store::open("pathway.db").await?;
//! store.migrate().await?;
//! let bexley = store.scope(&"bexley".parse()?).await?;
//! let workers = store.workers(&bexley).await?;
//! # Ok(()) }
//! ```
//!
//! - [`api`]: the traits ([`Tenancy`], [`Organisation`], [`Workforce`],
//!   [`FrameworkVersions`], [`CrossAuthorityReports`]; for progression [`Portfolios`],
//!   [`Progression`], [`AuditTrail`]) and the values they exchange.
//! - [`Store`]: the one type callers hold, whichever database it is.
//! - `sqlite` / `postgres`: the two implementations. The trait implementations are one
//!   file per half (`sql_workforce.rs`, `sql_progression.rs`), each compiled once against
//!   each driver; what a database must supply for that is the `SqlBackend` contract
//!   (`backend.rs`). Connection set-up, migrations, schema description and backup differ
//!   per database.
//!
//! Every mutation is one transaction. Every record belongs to one authority and every query
//! is scoped by an [`AuthorityScope`]. Updates name the version they read and fail with
//! [`StoreError::Conflict`] if someone else got there first.

pub mod api;
mod backend;
pub mod error;
mod migrations;
pub mod postgres;
mod predicate;
pub mod sqlite;
mod store;
mod store_progression;
#[cfg(feature = "testing")]
pub mod testing;

pub use api::accounts::{Accounts, Credentials, NewAccount, NewSession, SignInEvent, StoredAccount, StoredSession};
pub use api::career::{Careers, EntryFor};
pub use api::oidc::{NewOidcIdentity, OidcProvider, OpenIdConnect, PendingOidcSignIn, StoredOidcIdentity};
pub use api::retention::{
    Erased, LegalHold, Lifted, MAX_RETENTION_DAYS, NewLegalHold, NotErased, Retention, RetentionPeriods,
    UnerasedLeaver, WithdrawnEvidence,
};
pub use api::tokens::{ApiTokens, IdempotentAnswer, NewApiToken, StoredApiToken};
pub use api::{
    AuditActor, AuditEvent, AuditQuery, AuditTrail, ChainHead, ChainedAuditEvent, EntityKind, NewAuditEntry,
    Portfolios, Progression, StoredApplication, StoredAsye, StoredEvidence, StoredException, StoredPanel,
};
pub use api::{
    AuthorityScope, BackendKind, BulkImport, CrossAuthorityReports, FrameworkFile, FrameworkSource, FrameworkVersions,
    Headcount, ImportOutcome, ImportedPost, ImportedUnit, ImportedWorker, Organisation, OrganisationOutcome, PostRef,
    Schema, StoredFramework, SyncChange, SyncOutcome, Tenancy, UnitRef, Workforce,
};
pub use error::{Result, StoreError};
pub use migrations::latest_version;
pub use store::{DEFAULT_SQLITE_FILE, Store, Target, open};
