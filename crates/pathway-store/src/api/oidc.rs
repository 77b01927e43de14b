//! OpenID Connect sign-in, stored: each authority's provider, the sign-ins under way between
//! the redirect and the callback, and the identities a provider has vouched for with the
//! account an administrator linked each to.
//!
//! Storage only: what a token must say, how long a sign-in may take and who may be linked
//! are decided in `pathway-app`'s `oidc` module.

use std::future::Future;

use chrono::{DateTime, Utc};
use pathway_core::workforce::AuthorityId;
use serde::Serialize;

use crate::api::AuthorityScope;
use crate::error::Result;

/// An authority's OpenID provider. `Debug` never shows the client secret.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcProvider {
    /// The issuer URL (discovery is at `<issuer>/.well-known/openid-configuration`).
    pub issuer: String,
    /// The client id registered with the provider.
    pub client_id: String,
    /// The client secret registered with the provider.
    pub client_secret: String,
    /// Where the provider sends people back: `<server>/auth/oidc/<authority>/callback`.
    pub redirect_url: String,
    /// Microsoft Entra ID's tenant id, when the provider is Entra.
    pub tenant_id: Option<String>,
}

impl std::fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcProvider")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("redirect_url", &self.redirect_url)
            .field("tenant_id", &self.tenant_id)
            .finish()
    }
}

/// A sign-in between the redirect to the provider and the callback. `Debug` hides the
/// nonce and the PKCE verifier.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingOidcSignIn {
    /// SHA-256 of the `state` sent to the provider, hex.
    pub state_hash: String,
    /// The authority whose provider it went to.
    pub authority: AuthorityId,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// When it started.
    pub created_at: DateTime<Utc>,
    /// When it may no longer be completed.
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for PendingOidcSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingOidcSignIn")
            .field("authority", &self.authority)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// An identity a provider vouched for, to record at its first sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOidcIdentity {
    /// `tid:<tid>/oid:<oid>` (Entra) or `iss:<issuer>/sub:<sub>`.
    pub identity_key: String,
    /// The email claim, if the provider gave one.
    pub email: Option<String>,
    /// The name claim, if the provider gave one.
    pub name: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// An identity as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredOidcIdentity {
    /// Its id (what an administrator approves).
    pub id: i64,
    /// The authority.
    pub authority: AuthorityId,
    /// `tid:<tid>/oid:<oid>` (Entra) or `iss:<issuer>/sub:<sub>`.
    pub identity_key: String,
    /// The email claim at the first sign-in.
    pub email: Option<String>,
    /// The name claim at the first sign-in.
    pub name: Option<String>,
    /// The account it is linked to, once approved.
    pub account: Option<i64>,
    /// The first sign-in.
    pub first_seen_at: DateTime<Utc>,
    /// When an administrator approved the link.
    pub approved_at: Option<DateTime<Utc>>,
}

/// OpenID Connect providers, sign-ins under way and identities.
pub trait OpenIdConnect {
    /// Set (or replace) the authority's provider.
    fn set_oidc_provider(
        &self,
        scope: &AuthorityScope,
        provider: &OidcProvider,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The authority's provider, if one is set.
    fn oidc_provider(&self, scope: &AuthorityScope) -> impl Future<Output = Result<Option<OidcProvider>>> + Send;

    /// Record a sign-in under way; sign-ins that expired before it started are removed.
    fn begin_oidc_sign_in(&self, pending: &PendingOidcSignIn) -> impl Future<Output = Result<()>> + Send;

    /// Take (remove and return) the sign-in under way with this state hash: a second call
    /// with the same hash finds nothing.
    fn take_oidc_sign_in(&self, state_hash: &str) -> impl Future<Output = Result<Option<PendingOidcSignIn>>> + Send;

    /// The identity with this key in the authority, recording it (not linked) if it is new.
    fn oidc_identity(
        &self,
        scope: &AuthorityScope,
        identity: &NewOidcIdentity,
    ) -> impl Future<Output = Result<StoredOidcIdentity>> + Send;

    /// The authority's identities, oldest first; only those not yet linked when `pending`.
    fn oidc_identities(
        &self,
        scope: &AuthorityScope,
        pending: bool,
    ) -> impl Future<Output = Result<Vec<StoredOidcIdentity>>> + Send;

    /// Link the identity to an account of the same authority.
    fn link_oidc_identity(
        &self,
        scope: &AuthorityScope,
        identity: i64,
        account: i64,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<StoredOidcIdentity>> + Send;
}
