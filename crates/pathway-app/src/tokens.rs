//! API tokens for integrations: created by an administrator for an account, shown once,
//! stored as their SHA-256, scoped (`read`, `write`), expiring by the configured clock and
//! revocable. A token acts as its account: rights still come from that person's posts, so a
//! token never grants more than its account; a `read` token also cannot change anything.
//!
//! A token is `pwt_` followed by 64 hex digits (256 random bits): the prefix lets secret
//! scanners and people recognise one.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use pathway_core::text::hex;
use pathway_store::{Accounts, ApiTokens, NewApiToken, StoredAccount, StoredApiToken};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::AppError;
use crate::accounts::{bad, normalise_username, random_bytes};
use crate::service::Pathway;

/// What every token starts with.
pub const TOKEN_PREFIX: &str = "pwt_";

/// The longest a token may live: a year and a day.
pub const LONGEST_DAYS: i64 = 366;

/// How stale a token's "last used" may be before a request writes it again.
const LAST_USED_GRAIN: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenScope {
    /// Read what its account may read.
    Read,
    /// Also change what its account may change.
    Write,
}

impl TokenScope {
    /// Its name, as stored and typed.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    /// Read a scope's name.
    pub fn parse(text: &str) -> Result<TokenScope, AppError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "read" => Ok(TokenScope::Read),
            "write" => Ok(TokenScope::Write),
            other => Err(bad("--scope", format!("`{other}` is not a token scope; the scopes are read and write"))),
        }
    }
}

/// A token in a list: never the token itself.
#[derive(Debug, Clone, Serialize)]
pub struct TokenView {
    /// Its id (to revoke it).
    pub id: i64,
    /// The account it acts as.
    pub username: String,
    /// What it is for.
    pub name: String,
    /// Its first characters.
    pub prefix: String,
    /// What it may do.
    pub scopes: Vec<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last accepted.
    pub last_used_at: Option<DateTime<Utc>>,
    /// `active`, `expired` or `revoked`, by the clock now.
    pub status: &'static str,
}

/// A token just created: the only time the token is shown.
#[derive(Clone, Serialize)]
pub struct CreatedToken {
    /// The token, to give to the integration now.
    pub token: String,
    /// The token as listed.
    #[serde(flatten)]
    pub view: TokenView,
}

impl std::fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedToken").field("view", &self.view).finish_non_exhaustive()
    }
}

/// What to create.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// The authority.
    pub authority: String,
    /// The account it acts as.
    pub username: String,
    /// What it is for.
    pub name: String,
    /// What it may do (`write` implies `read`).
    pub scopes: Vec<String>,
    /// The last day it works (it stops at the end of that day, UTC).
    pub expires: NaiveDate,
}

/// A request's caller, identified by a live token.
#[derive(Debug, Clone)]
pub struct TokenCaller {
    /// The account it acts as.
    pub account: StoredAccount,
    /// Whether it may change things.
    pub may_write: bool,
    /// The token's id.
    pub token: i64,
}

/// SHA-256 of a token, hex: what is stored and looked up.
fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn status(token: &StoredApiToken, now: DateTime<Utc>) -> &'static str {
    if token.revoked_at.is_some() {
        "revoked"
    } else if now >= token.expires_at {
        "expired"
    } else {
        "active"
    }
}

fn view(token: StoredApiToken, now: DateTime<Utc>) -> TokenView {
    let status = status(&token, now);
    TokenView {
        id: token.id,
        username: token.username,
        name: token.name,
        prefix: token.prefix,
        scopes: token.scopes,
        created_at: token.created_at,
        expires_at: token.expires_at,
        revoked_at: token.revoked_at,
        last_used_at: token.last_used_at,
        status,
    }
}

impl Pathway {
    /// Create a token for an account of `authority`; the token is in the answer, once.
    pub async fn create_api_token(&self, new: &NewToken) -> Result<CreatedToken, AppError> {
        let scope = self.scope(&new.authority).await?;
        let username = normalise_username(&new.username)?;
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(bad("--name", "say what the token is for in 1 to 100 characters"));
        }
        let mut scopes = Vec::new();
        for text in &new.scopes {
            let scope = TokenScope::parse(text)?;
            scopes.push(scope);
            if scope == TokenScope::Write {
                scopes.push(TokenScope::Read);
            }
        }
        if scopes.is_empty() {
            return Err(bad("--scope", "give at least one scope: read, or write (which includes read)"));
        }
        scopes.sort();
        scopes.dedup();
        let now = self.clock().now();
        let today = self.clock().today();
        if new.expires < today {
            return Err(bad(
                "--expires",
                format!("{} is before today ({today}); a token must expire later", new.expires),
            ));
        }
        if (new.expires - today).num_days() > LONGEST_DAYS {
            return Err(bad(
                "--expires",
                format!("a token lives at most {LONGEST_DAYS} days; {} is further away than that", new.expires),
            ));
        }
        let expires_at = new.expires.succ_opt().unwrap_or(new.expires).and_time(NaiveTime::MIN).and_utc();
        let account = self.store().account(&scope, &username).await?;
        if account.disabled_at.is_some() {
            return Err(AppError::NotPermitted(format!("{username} is disabled; enable it before giving it a token")));
        }
        let token = format!("{TOKEN_PREFIX}{}", hex(&random_bytes::<32>()?));
        let stored = NewApiToken {
            account: account.id,
            token_hash: token_hash(&token),
            prefix: token.chars().take(TOKEN_PREFIX.len() + 6).collect(),
            name: name.to_owned(),
            scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            expires_at,
        };
        let created = self.store().create_api_token(&scope, &stored, now).await?;
        Ok(CreatedToken { token, view: view(created, now) })
    }

    /// Every token of `authority`'s accounts, newest first.
    pub async fn api_token_list(&self, authority: &str) -> Result<Vec<TokenView>, AppError> {
        let scope = self.scope(authority).await?;
        let now = self.clock().now();
        Ok(self.store().api_tokens(&scope).await?.into_iter().map(|t| view(t, now)).collect())
    }

    /// Revoke a token: it stops working at once.
    pub async fn revoke_api_token(&self, authority: &str, id: i64) -> Result<TokenView, AppError> {
        let scope = self.scope(authority).await?;
        let now = self.clock().now();
        Ok(view(self.store().revoke_api_token(&scope, id, now).await?, now))
    }

    /// Who a bearer token speaks for, if it is live: known, not revoked, not expired by the
    /// clock, its account enabled. Anything else is `None`, whatever the reason, so the
    /// answer says nothing about which tokens exist.
    pub async fn token_caller(&self, token: &str) -> Result<Option<TokenCaller>, AppError> {
        let well_formed = token.strip_prefix(TOKEN_PREFIX).is_some_and(|rest| {
            rest.len() == 64 && rest.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        });
        if !well_formed {
            return Ok(None);
        }
        let Some((stored, account)) = self.store().api_token(&token_hash(token)).await? else { return Ok(None) };
        let now = self.clock().now();
        if status(&stored, now) != "active" || account.disabled_at.is_some() {
            return Ok(None);
        }
        // "Last used" is kept to the minute: writing it on every request made each read a
        // write, which serialised an integration's reads behind the database's write lock.
        if stored.last_used_at.is_none_or(|last| now - last >= LAST_USED_GRAIN) {
            self.store().touch_api_token(stored.id, now).await?;
        }
        let may_write = stored.scopes.iter().any(|s| s == TokenScope::Write.as_str());
        Ok(Some(TokenCaller { account, may_write, token: stored.id }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_read_by_name_and_nothing_else() {
        assert_eq!(TokenScope::parse(" Read ").ok(), Some(TokenScope::Read));
        assert_eq!(TokenScope::parse("write").ok(), Some(TokenScope::Write));
        let refused = TokenScope::parse("admin").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(refused.contains("`admin` is not a token scope"), "{refused}");
    }

    #[test]
    fn a_token_is_stored_only_as_its_hash() {
        let hashed = token_hash("pwt_00");
        assert_eq!(hashed.len(), 64);
        assert_ne!(hashed, "pwt_00");
    }
}
