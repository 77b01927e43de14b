//! API tokens for integrations, and the stored answers of requests sent with an
//! `Idempotency-Key`. Storage only: how a token is made, which scopes exist and when one
//! has expired are decided in `pathway-app`'s `tokens` module.

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::api::AuthorityScope;
use crate::api::accounts::StoredAccount;
use crate::error::Result;

/// A token to store: its hash, never the token.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    /// The account it acts as (an account of the scope's authority).
    pub account: i64,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// The token's first characters, to tell tokens apart in a list.
    pub prefix: String,
    /// What it is for, in the administrator's words.
    pub name: String,
    /// Its scopes, sorted (`read`, `write`).
    pub scopes: Vec<String>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A token as stored, without its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredApiToken {
    /// Its id.
    pub id: i64,
    /// The account it acts as.
    pub account: i64,
    /// That account's username.
    pub username: String,
    /// The token's first characters.
    pub prefix: String,
    /// What it is for.
    pub name: String,
    /// Its scopes, sorted.
    pub scopes: Vec<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last accepted.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The answer given to a request sent with an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentAnswer {
    /// SHA-256 of the request (method, path and body), hex.
    pub request_hash: String,
    /// The HTTP status answered.
    pub status: i64,
    /// The body answered (JSON).
    pub response: String,
}

/// API tokens and idempotent answers.
pub trait ApiTokens {
    /// Store a new token for an account of the scope's authority.
    fn create_api_token(
        &self,
        scope: &AuthorityScope,
        new: &NewApiToken,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<StoredApiToken>> + Send;

    /// Every token of the authority's accounts, newest first.
    fn api_tokens(&self, scope: &AuthorityScope) -> impl Future<Output = Result<Vec<StoredApiToken>>> + Send;

    /// Revoke the token with this id (an account of the scope's authority's). Revoking one
    /// already revoked keeps the first time.
    fn revoke_api_token(
        &self,
        scope: &AuthorityScope,
        id: i64,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<StoredApiToken>> + Send;

    /// The token with this hash and its account, in whichever authority: the one unscoped
    /// read, because a request names its token before anyone knows its authority.
    fn api_token(
        &self,
        token_hash: &str,
    ) -> impl Future<Output = Result<Option<(StoredApiToken, StoredAccount)>>> + Send;

    /// Mark the token used now.
    fn touch_api_token(&self, id: i64, at: DateTime<Utc>) -> impl Future<Output = Result<()>> + Send;

    /// The answer stored for this account's key, if any.
    fn idempotent_answer(
        &self,
        account: i64,
        key: &str,
    ) -> impl Future<Output = Result<Option<IdempotentAnswer>>> + Send;

    /// Store the answer for this account's key; false (and nothing written) when the key
    /// already has one.
    fn save_idempotent_answer(
        &self,
        account: i64,
        key: &str,
        answer: &IdempotentAnswer,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool>> + Send;
}
