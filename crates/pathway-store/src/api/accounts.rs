//! Accounts, sessions and sign-in events: who is signed in, stored so that any number of
//! servers on one database agree (nothing lives in a server's memory).
//!
//! Storage only: what a password or a TOTP code is, when a session has expired and how many
//! failures lock an account are decided in `pathway-app`'s `accounts` module, which hands
//! this trait the results (hashes, time steps, thresholds) to store in one transaction.

use std::future::Future;

use chrono::{DateTime, Utc};
use pathway_core::ids::WorkerId;
use pathway_core::workforce::AuthorityId;
use serde::Serialize;

use crate::api::AuthorityScope;
use crate::error::Result;

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The person it belongs to (a worker of the scope's authority).
    pub worker: WorkerId,
    /// Lower case; unique across every authority.
    pub username: String,
    /// System roles granted explicitly (`system-admin`, `hr-admin`, `framework-admin`, `auditor`).
    pub system_roles: Vec<String>,
}

/// An account as stored, without its secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredAccount {
    /// Its id.
    pub id: i64,
    /// The authority the person works for.
    pub authority: AuthorityId,
    /// The person.
    pub worker: WorkerId,
    /// What they sign in with.
    pub username: String,
    /// System roles granted explicitly, sorted.
    pub system_roles: Vec<String>,
    /// Whether a password has been set (local sign-in is possible).
    pub has_password: bool,
    /// Whether a TOTP second factor is enrolled.
    pub totp_enrolled: bool,
    /// Consecutive failed sign-ins since the last success or unlock.
    pub failed_sign_ins: i64,
    /// When the account was locked by failed sign-ins, until an administrator unlocks it.
    pub locked_at: Option<DateTime<Utc>>,
    /// When an administrator disabled it.
    pub disabled_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// An account with what checking a sign-in needs.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The account.
    pub account: StoredAccount,
    /// The Argon2id PHC string, if a password is set.
    pub password_hash: Option<String>,
    /// The TOTP secret as hex, if enrolled.
    pub totp_secret: Option<String>,
    /// The last TOTP time step a code was accepted for.
    pub totp_last_step: Option<i64>,
}

/// A session to start.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the session id, hex.
    pub id_hash: String,
    /// The synchroniser token state-changing requests must send back.
    pub csrf_token: String,
    /// When it starts.
    pub at: DateTime<Utc>,
}

/// A session as stored, with its account.
#[derive(Debug, Clone)]
pub struct StoredSession {
    /// SHA-256 of the session id, hex.
    pub id_hash: String,
    /// Who is signed in.
    pub account: StoredAccount,
    /// The synchroniser token.
    pub csrf_token: String,
    /// When it started (for the absolute timeout).
    pub created_at: DateTime<Utc>,
    /// When it was last used (for the idle timeout).
    pub last_seen_at: DateTime<Utc>,
}

/// What happened at a sign-in, for `sign_in_events`.
#[derive(Debug, Clone)]
pub struct SignInEvent {
    /// The account, when the username named one.
    pub account: Option<i64>,
    /// The username as given, lower case.
    pub username: String,
    /// `signed-in`, `signed-out`, `wrong-password`, `unknown-user`, `wrong-code`, ...
    pub outcome: &'static str,
    /// The client's address, where known.
    pub from: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// Accounts, sessions and sign-in events.
pub trait Accounts {
    /// A cheap real query: does the database answer?
    fn ping(&self) -> impl Future<Output = Result<()>> + Send;

    /// Create an account for a worker of the scope's authority.
    fn create_account(
        &self,
        scope: &AuthorityScope,
        new: &NewAccount,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<StoredAccount>> + Send;

    /// Every account of the authority, by username.
    fn accounts(&self, scope: &AuthorityScope) -> impl Future<Output = Result<Vec<StoredAccount>>> + Send;

    /// The account with this username in the authority.
    fn account(&self, scope: &AuthorityScope, username: &str) -> impl Future<Output = Result<StoredAccount>> + Send;

    /// The account with this username, in whichever authority, with its secrets: the one
    /// read that is not scoped, because a person signs in before anyone knows their authority.
    fn credentials(&self, username: &str) -> impl Future<Output = Result<Option<Credentials>>> + Send;

    /// Replace the password hash.
    fn set_password_hash(
        &self,
        scope: &AuthorityScope,
        username: &str,
        hash: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<StoredAccount>> + Send;

    /// Enrol (or replace) the TOTP secret; codes accepted before are forgotten.
    fn set_totp_secret(
        &self,
        scope: &AuthorityScope,
        username: &str,
        secret_hex: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<StoredAccount>> + Send;

    /// Disable (`Some(when)`) or enable (`None`) the account. Disabling ends its sessions in
    /// the same transaction.
    fn set_disabled(
        &self,
        scope: &AuthorityScope,
        username: &str,
        disabled_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<StoredAccount>> + Send;

    /// Clear the failure count and the lock.
    fn unlock(
        &self,
        scope: &AuthorityScope,
        username: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<StoredAccount>> + Send;

    /// Count a failed sign-in against the account and record the event; lock the account
    /// when the count reaches `lock_after`. Returns whether the account is now locked.
    fn record_failed_sign_in(
        &self,
        account: i64,
        lock_after: i64,
        event: &SignInEvent,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// A successful sign-in, in one transaction: the TOTP time step used is taken (refused,
    /// with nothing written, if that step or a later one was used before: returns false),
    /// failures are cleared, the session starts and the event is recorded.
    fn record_sign_in(
        &self,
        account: i64,
        totp_step: Option<i64>,
        session: &NewSession,
        event: &SignInEvent,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Record an event that changes nothing else (an unknown username, a refusal).
    fn record_sign_in_event(&self, event: &SignInEvent) -> impl Future<Output = Result<()>> + Send;

    /// Sign-in attempts that did not succeed since `since`: for this username, and from this
    /// address (0 when no address is given).
    fn failed_sign_ins_since(
        &self,
        username: &str,
        from: Option<&str>,
        since: DateTime<Utc>,
    ) -> impl Future<Output = Result<(i64, i64)>> + Send;

    /// The session with this id hash, with its account.
    fn session(&self, id_hash: &str) -> impl Future<Output = Result<Option<StoredSession>>> + Send;

    /// Mark the session used now.
    fn touch_session(&self, id_hash: &str, at: DateTime<Utc>) -> impl Future<Output = Result<()>> + Send;

    /// End the session (signing out, or found expired); the event, if given, is recorded
    /// with it. Returns whether there was such a session.
    fn end_session(&self, id_hash: &str, event: Option<&SignInEvent>) -> impl Future<Output = Result<bool>> + Send;
}
