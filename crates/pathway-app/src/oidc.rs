//! Signing in with OpenID Connect: the authorization code flow with PKCE (S256), per
//! authority, with the `openidconnect` crate doing discovery, the code exchange and the ID
//! token's checks (signature against the provider's JWKS, `iss`, `aud`, `exp`, `nonce`).
//!
//! - An administrator sets each authority's provider ([`Pathway::set_oidc_provider`]): the
//!   issuer, client id, client secret (a [`Secret`]: never printed; stored in the database,
//!   which must be protected as a whole), redirect URL and, for Microsoft Entra ID, the
//!   tenant id.
//! - [`Pathway::oidc_start`] makes the provider's address, with a random `state`, `nonce`
//!   and PKCE verifier kept in the database (any server may receive the callback) for
//!   [`PENDING_MINUTES`] by the [`Clock`](crate::clock::Clock); the `state` also goes in a
//!   cookie, so a callback is completed only in the browser that started it.
//! - [`Pathway::oidc_callback`] takes the pending sign-in (once: a replay finds nothing),
//!   redeems the code and checks the ID token. The person is matched by `oid` + `tid` when
//!   the provider is Entra (tenant id set; a token from another tenant is refused), by
//!   `iss` + `sub` otherwise.
//! - An identity seen for the first time is held until an administrator links it to an
//!   account ([`Pathway::oidc_approve`]); until then the answer is "waiting for approval"
//!   and no session starts. Linked identities start a session exactly as local sign-in
//!   does ([`Pathway::start_session`]); a disabled account's are refused.

use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IdToken, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use pathway_core::text::hex;
use pathway_core::workforce::AuthorityId;
use pathway_store::{
    Accounts, AuthorityScope, NewOidcIdentity, OidcProvider, OpenIdConnect, PendingOidcSignIn, SignInEvent, StoreError,
    StoredOidcIdentity, Tenancy,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::AppError;
use crate::accounts::{SignedIn, normalise_username};
use crate::config::Secret;
use crate::service::Pathway;

/// How long a sign-in may take between the redirect to the provider and the callback.
pub const PENDING_MINUTES: i64 = 10;

/// An authority's provider as an administrator sets it.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// The issuer URL, e.g. `https://login.microsoftonline.com/<tenant>/v2.0`.
    pub issuer: String,
    /// The client (application) id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
    /// `https://<server>/auth/oidc/<authority>/callback`, as registered with the provider.
    pub redirect_url: String,
    /// Microsoft Entra ID's tenant id (`tid`): match people by `oid` + `tid`.
    pub tenant_id: Option<String>,
}

/// An authority's provider as shown: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OidcProviderView {
    /// The authority.
    pub authority: String,
    /// The issuer URL.
    pub issuer: String,
    /// The client id.
    pub client_id: String,
    /// Always `"(set)"`: the secret is never shown.
    pub client_secret: &'static str,
    /// The redirect URL.
    pub redirect_url: String,
    /// The Entra tenant id, if set.
    pub tenant_id: Option<String>,
    /// How people are matched: `oid+tid` or `iss+sub`.
    pub matched_by: &'static str,
}

/// An identity a provider vouched for, as an administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OidcIdentityView {
    /// What `oidc approve --identity` takes.
    pub id: i64,
    /// `tid:<tid>/oid:<oid>` or `iss:<issuer>/sub:<sub>`.
    pub identity: String,
    /// The email claim at the first sign-in, if any.
    pub email: Option<String>,
    /// The name claim at the first sign-in, if any.
    pub name: Option<String>,
    /// The linked account's username, once approved.
    pub username: Option<String>,
    /// The first sign-in.
    pub first_seen_at: DateTime<Utc>,
}

/// The provider's answer at the callback, as it arrived.
#[derive(Debug, Clone, Default)]
pub struct OidcCallback {
    /// `code`.
    pub code: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `error`, when the provider refused.
    pub error: Option<String>,
    /// The `state` the browser's cookie holds.
    pub browser_state: Option<String>,
    /// The client's address.
    pub from: Option<String>,
}

/// Why an OpenID Connect sign-in did not start a session.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcRefused {
    /// The state is unknown, used already, another authority's, or not this browser's.
    #[error("this sign-in is not known here, was completed already, or was started in another browser; sign in again")]
    UnknownState,
    /// The sign-in took too long.
    #[error("this sign-in took longer than {PENDING_MINUTES} minutes; sign in again")]
    Expired,
    /// The provider refused, or redeeming the code failed.
    #[error("the identity provider did not sign you in: {0}")]
    Provider(String),
    /// The ID token failed a check.
    #[error("the identity provider's ID token was refused: {0}")]
    BadToken(String),
    /// The identity is not yet linked to an account.
    #[error(
        "you are signed in with your organisation, but not yet linked to a Pathway account; an administrator must \
         approve the link (request {0}) before you can sign in"
    )]
    AwaitingApproval(i64),
    /// The linked account (this id) is disabled.
    #[error("this account is disabled; ask an administrator")]
    Disabled(i64),
}

impl OidcRefused {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            OidcRefused::UnknownState => "oidc_unknown_state",
            OidcRefused::Expired => "oidc_expired",
            OidcRefused::Provider(_) => "oidc_provider_refused",
            OidcRefused::BadToken(_) => "oidc_bad_token",
            OidcRefused::AwaitingApproval(_) => "oidc_awaiting_approval",
            OidcRefused::Disabled(_) => "oidc_account_disabled",
        }
    }

    fn outcome(&self) -> &'static str {
        match self {
            OidcRefused::UnknownState => "oidc-unknown-state",
            OidcRefused::Expired => "oidc-expired",
            OidcRefused::Provider(_) => "oidc-provider-refused",
            OidcRefused::BadToken(_) => "oidc-bad-token",
            OidcRefused::AwaitingApproval(_) => "oidc-awaiting-approval",
            OidcRefused::Disabled(_) => "disabled",
        }
    }
}

/// The claims Entra ID adds that matter here: the object id and the tenant id.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EntraClaims {
    #[serde(default)]
    oid: Option<String>,
    #[serde(default)]
    tid: Option<String>,
}

impl AdditionalClaims for EntraClaims {}

/// A client made from the provider's discovery document: an authorization endpoint for sure,
/// a token endpoint if the document names one.
type DiscoveredClient =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

type EntraIdToken = IdToken<EntraClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

fn bad(field: &str, message: impl Into<String>) -> AppError {
    AppError::BadInput { field: field.to_owned(), message: message.into() }
}

/// An `https` URL, or `http` on a loopback host (development and tests).
fn check_url(field: &str, text: &str) -> Result<String, AppError> {
    let text = text.trim();
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"];
    let ok = text.starts_with("https://")
        || loopback
            .iter()
            .any(|l| text.strip_prefix(l).is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/'])));
    if !ok || text.contains(char::is_whitespace) {
        return Err(bad(field, format!("`{text}` is not an https:// URL (http:// is accepted on loopback only)")));
    }
    Ok(text.to_owned())
}

fn state_hash(state: &str) -> String {
    hex(&Sha256::digest(state.as_bytes()))
}

/// Equal by content, in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

fn provider_view(authority: &str, provider: &OidcProvider) -> OidcProviderView {
    OidcProviderView {
        authority: authority.to_owned(),
        issuer: provider.issuer.clone(),
        client_id: provider.client_id.clone(),
        client_secret: "(set)",
        redirect_url: provider.redirect_url.clone(),
        tenant_id: provider.tenant_id.clone(),
        matched_by: if provider.tenant_id.is_some() { "oid+tid" } else { "iss+sub" },
    }
}

fn http_client() -> Result<openidconnect::reqwest::Client, AppError> {
    // No redirects followed: a provider's endpoints answer directly (the crate's advice, against SSRF).
    openidconnect::reqwest::ClientBuilder::new()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(15))
        .build()
        .map_err(|e| bad("oidc", format!("making an HTTP client failed: {e}")))
}

impl Pathway {
    async fn provider(&self, scope: &AuthorityScope) -> Result<OidcProvider, AppError> {
        self.store().oidc_provider(scope).await?.ok_or_else(|| {
            bad(
                "--authority",
                format!(
                    "authority {} has no OpenID provider; an administrator sets one with `pathway oidc set`",
                    scope.id().as_str()
                ),
            )
        })
    }

    /// Set (or replace) an authority's OpenID provider.
    pub async fn set_oidc_provider(
        &self,
        authority: &str,
        settings: &OidcSettings,
    ) -> Result<OidcProviderView, AppError> {
        let scope = self.scope(authority).await?;
        let issuer = check_url("--issuer", &settings.issuer)?;
        let redirect_url = check_url("--redirect-url", &settings.redirect_url)?;
        let client_id = settings.client_id.trim().to_owned();
        if client_id.is_empty() {
            return Err(bad("--client-id", "the client id is empty"));
        }
        let client_secret = settings.client_secret.expose().trim().to_owned();
        if client_secret.is_empty() {
            return Err(bad("--client-secret-file", "the client secret is empty"));
        }
        let tenant_id = settings.tenant_id.as_deref().map(str::trim).map(str::to_owned);
        if tenant_id.as_deref().is_some_and(str::is_empty) {
            return Err(bad("--tenant-id", "the tenant id is empty; leave it out for a provider that is not Entra ID"));
        }
        let provider = OidcProvider { issuer, client_id, client_secret, redirect_url, tenant_id };
        self.store().set_oidc_provider(&scope, &provider, self.clock().now()).await?;
        Ok(provider_view(scope.id().as_str(), &provider))
    }

    /// An authority's OpenID provider, without its secret.
    pub async fn oidc_provider(&self, authority: &str) -> Result<OidcProviderView, AppError> {
        let scope = self.scope(authority).await?;
        let provider = self.provider(&scope).await?;
        Ok(provider_view(scope.id().as_str(), &provider))
    }

    async fn oidc_client(
        &self,
        provider: &OidcProvider,
        http: &openidconnect::reqwest::Client,
    ) -> Result<DiscoveredClient, AppError> {
        let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(|e| bad("issuer", e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, http)
            .await
            .map_err(|e| bad("issuer", format!("the OpenID provider at {} could not be read: {e}", provider.issuer)))?;
        let redirect =
            RedirectUrl::new(provider.redirect_url.clone()).map_err(|e| bad("redirect_url", e.to_string()))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(provider.client_id.clone()),
            Some(ClientSecret::new(provider.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// The authority a browser sign-in names, when it has a provider. An authority that does
    /// not exist and one without a provider are both not found, and neither answer lists the
    /// authorities there are (as `scope` does for an operator): an anonymous visitor learns
    /// nothing about who else uses this server.
    async fn sign_in_scope(&self, authority: &str) -> Result<AuthorityScope, AppError> {
        let not_found = || {
            AppError::Store(StoreError::NotFound {
                what: "OpenID provider",
                key: "for sign-in".to_owned(),
                authority: authority.to_owned(),
            })
        };
        let id = AuthorityId::parse(authority).map_err(|_| not_found())?;
        let scope = match self.store().scope(&id).await {
            Ok(scope) => scope,
            Err(StoreError::NotFound { .. }) => return Err(not_found()),
            Err(e) => return Err(e.into()),
        };
        match self.store().oidc_provider(&scope).await? {
            Some(_) => Ok(scope),
            None => Err(not_found()),
        }
    }

    /// Start signing in with the authority's provider: the address to send the browser to,
    /// and the `state` for the browser's cookie.
    pub async fn oidc_start(&self, authority: &str) -> Result<(String, String), AppError> {
        let scope = self.sign_in_scope(authority).await?;
        let provider = self.provider(&scope).await?;
        let http = http_client()?;
        let client = self.oidc_client(&provider, &http).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("email".to_owned()))
            .add_scope(Scope::new("profile".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        let now = self.clock().now();
        let pending = PendingOidcSignIn {
            state_hash: state_hash(state.secret()),
            authority: scope.id().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            created_at: now,
            expires_at: now + Duration::minutes(PENDING_MINUTES),
        };
        self.store().begin_oidc_sign_in(&pending).await?;
        Ok((url.to_string(), state.secret().clone()))
    }

    /// Complete a sign-in at the callback: a session, or why not. Every outcome is recorded
    /// in `sign_in_events`.
    pub async fn oidc_callback(
        &self,
        authority: &str,
        callback: &OidcCallback,
    ) -> Result<Result<SignedIn, OidcRefused>, AppError> {
        let scope = self.sign_in_scope(authority).await?;
        let outcome = self.oidc_check(&scope, callback).await?;
        let now = self.clock().now();
        let username = format!("oidc:{}", scope.id().as_str());
        match outcome {
            Err(refused) => {
                let account = match refused {
                    OidcRefused::Disabled(id) => self.store().accounts(&scope).await?.into_iter().find(|a| a.id == id),
                    _ => None,
                };
                let event = SignInEvent {
                    account: account.as_ref().map(|a| a.id),
                    username: account.as_ref().map_or(username, |a| a.username.clone()),
                    outcome: refused.outcome(),
                    from: callback.from.clone(),
                    at: now,
                };
                self.store().record_sign_in_event(&event).await?;
                // Into the authority's audit chain when the provider vouched for who it was:
                // a known account, or an identity awaiting approval. A callback with a bad
                // state or token proves no one, and anyone can send one, so like a failure
                // naming no account it stays in `sign_in_events` only.
                match (&refused, &account) {
                    (_, Some(account)) => self.record_sign_in_audit(account, &event).await?,
                    (OidcRefused::AwaitingApproval(identity), None) => {
                        self.record_oidc_identity_audit(&scope, *identity, &event).await?;
                    }
                    _ => {}
                }
                Ok(Err(refused))
            }
            Ok(account) => {
                let event = SignInEvent {
                    account: Some(account.id),
                    username: account.username.clone(),
                    outcome: "signed-in-oidc",
                    from: callback.from.clone(),
                    at: now,
                };
                match self.start_session(&account, None, &event).await? {
                    Some(signed_in) => Ok(Ok(signed_in)),
                    None => Ok(Err(OidcRefused::UnknownState)),
                }
            }
        }
    }

    async fn oidc_check(
        &self,
        scope: &AuthorityScope,
        callback: &OidcCallback,
    ) -> Result<Result<pathway_store::StoredAccount, OidcRefused>, AppError> {
        let Some(state) = callback.state.as_deref() else { return Ok(Err(OidcRefused::UnknownState)) };
        // Taken before anything else, so a second callback with this state finds nothing.
        let Some(pending) = self.store().take_oidc_sign_in(&state_hash(state)).await? else {
            return Ok(Err(OidcRefused::UnknownState));
        };
        let browser_ok = callback.browser_state.as_deref().is_some_and(|b| same(b, state));
        if pending.authority != *scope.id() || !browser_ok {
            return Ok(Err(OidcRefused::UnknownState));
        }
        let now = self.clock().now();
        if now > pending.expires_at {
            return Ok(Err(OidcRefused::Expired));
        }
        if let Some(error) = &callback.error {
            return Ok(Err(OidcRefused::Provider(error.chars().take(100).collect())));
        }
        let Some(code) = callback.code.clone() else {
            return Ok(Err(OidcRefused::Provider("the callback has no code".to_owned())));
        };
        let provider = self.provider(scope).await?;
        let http = http_client()?;
        let client = self.oidc_client(&provider, &http).await?;
        let exchange = match client.exchange_code(AuthorizationCode::new(code)) {
            Ok(request) => request.set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone())),
            Err(e) => return Ok(Err(OidcRefused::Provider(e.to_string()))),
        };
        let tokens = match exchange.request_async(&http).await {
            Ok(tokens) => tokens,
            Err(e) => return Ok(Err(OidcRefused::Provider(format!("redeeming the code failed: {e}")))),
        };
        let Some(id_token) = tokens.id_token() else {
            return Ok(Err(OidcRefused::BadToken("the provider sent no ID token".to_owned())));
        };
        let id_token = match EntraIdToken::from_str(&id_token.to_string()) {
            Ok(token) => token,
            Err(e) => return Ok(Err(OidcRefused::BadToken(format!("it cannot be read: {e}")))),
        };
        let verifier = client.id_token_verifier().set_time_fn(move || now);
        let claims = match id_token.claims(&verifier, &Nonce::new(pending.nonce.clone())) {
            Ok(claims) => claims,
            Err(e) => return Ok(Err(OidcRefused::BadToken(e.to_string()))),
        };
        let extra = claims.additional_claims();
        let identity_key = match &provider.tenant_id {
            Some(tenant) => {
                let (Some(oid), Some(tid)) = (&extra.oid, &extra.tid) else {
                    return Ok(Err(OidcRefused::BadToken("it has no `oid` and `tid` (Entra ID's claims)".to_owned())));
                };
                if !same(tid, tenant) {
                    return Ok(Err(OidcRefused::BadToken(format!("it is from tenant {tid}, not {tenant}"))));
                }
                format!("tid:{tid}/oid:{oid}")
            }
            None => format!("iss:{}/sub:{}", claims.issuer().as_str(), claims.subject().as_str()),
        };
        let new = NewOidcIdentity {
            identity_key,
            email: claims.email().map(|e| e.as_str().to_owned()),
            name: claims.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned()),
            at: now,
        };
        let identity = self.store().oidc_identity(scope, &new).await?;
        let Some(account_id) = identity.account else { return Ok(Err(OidcRefused::AwaitingApproval(identity.id))) };
        let accounts = self.store().accounts(scope).await?;
        let Some(account) = accounts.into_iter().find(|a| a.id == account_id) else {
            return Ok(Err(OidcRefused::AwaitingApproval(identity.id)));
        };
        if account.disabled_at.is_some() {
            return Ok(Err(OidcRefused::Disabled(account.id)));
        }
        Ok(Ok(account))
    }

    async fn identity_views(
        &self,
        scope: &AuthorityScope,
        identities: Vec<StoredOidcIdentity>,
    ) -> Result<Vec<OidcIdentityView>, AppError> {
        let accounts = self.store().accounts(scope).await?;
        Ok(identities
            .into_iter()
            .map(|i| OidcIdentityView {
                id: i.id,
                identity: i.identity_key,
                email: i.email,
                name: i.name,
                username: i.account.and_then(|id| accounts.iter().find(|a| a.id == id)).map(|a| a.username.clone()),
                first_seen_at: i.first_seen_at,
            })
            .collect())
    }

    /// Identities that signed in with the authority's provider and await an administrator's
    /// approval (or, with `all`, every identity and its account).
    pub async fn oidc_identities(&self, authority: &str, all: bool) -> Result<Vec<OidcIdentityView>, AppError> {
        let scope = self.scope(authority).await?;
        let identities = self.store().oidc_identities(&scope, !all).await?;
        self.identity_views(&scope, identities).await
    }

    /// Approve an identity: link it to an existing account of the same authority. From its
    /// next sign-in it starts a session as that account.
    pub async fn oidc_approve(
        &self,
        authority: &str,
        identity: i64,
        username: &str,
    ) -> Result<OidcIdentityView, AppError> {
        let scope = self.scope(authority).await?;
        let username = normalise_username(username)?;
        let account = self.store().account(&scope, &username).await?;
        let linked = self.store().link_oidc_identity(&scope, identity, account.id, self.clock().now()).await?;
        let mut views = self.identity_views(&scope, vec![linked]).await?;
        views.pop().ok_or_else(|| bad("--identity", "the approved identity could not be read back"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_urls_are_https_or_loopback_http() {
        assert!(check_url("--issuer", "https://login.microsoftonline.com/abc/v2.0").is_ok());
        assert!(check_url("--issuer", "http://127.0.0.1:4000").is_ok());
        assert!(check_url("--issuer", "http://localhost/").is_ok());
        assert!(check_url("--issuer", "http://localhost.evil.example").is_err());
        assert!(check_url("--issuer", "http://idp.example.org").unwrap_err().to_string().contains("https://"));
    }

    #[test]
    fn a_provider_view_never_holds_the_secret() {
        let provider = OidcProvider {
            issuer: "https://idp.example.org".into(),
            client_id: "pathway".into(),
            client_secret: "s3cr3t-value".into(),
            redirect_url: "https://pathway.example.org/auth/oidc/bexley/callback".into(),
            tenant_id: None,
        };
        let shown = format!("{:?} {:?}", provider, provider_view("bexley", &provider));
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert_eq!(provider_view("bexley", &provider).matched_by, "iss+sub");
    }
}
