//! Accounts and local sign-in: who is signed in. An account belongs to one person (a worker)
//! in one authority; it says who is signed in, never what they may do — rights come from the
//! person's posts on the day, apart from the system roles granted to an account explicitly.
//!
//! - Passwords: Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), stored as a PHC
//!   string; between 12 and 256 characters.
//! - Second factor: TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step either
//!   side accepted); a code's step is stored when used, so no code is accepted twice.
//! - Failures: [`ServerSettings::lock_after_failures`] in a row lock the account until an
//!   administrator unlocks it; more than [`RATE_LIMIT_FAILURES`] failures for one username or
//!   from one address in [`RATE_LIMIT_WINDOW_MINUTES`] minutes are refused before any check.
//!   An unknown username, a wrong password, a wrong code and a locked or disabled account
//!   all get the same answer after the same work (a password hash is always verified).
//! - Sessions: a random 256-bit id, new at every sign-in, stored only as its SHA-256; idle
//!   and absolute timeouts from [`ServerSettings`]; a disabled account's sessions end.
//!
//! Everything is in the database (no process memory), so any number of servers share it.
//! Sign-ins, sign-outs and failures go to `sign_in_events` until the hash-chained audit
//! trail takes them. OpenID Connect and API tokens will sign in through the same
//! [`Pathway::start_session`] seam.

mod demo;

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use pathway_core::text::hex;
use pathway_core::workforce::EmployeeNumber;
use pathway_store::{
    Accounts, AuthorityScope, Credentials, EntityKind, NewAccount, NewSession, SignInEvent, StoredAccount,
    StoredSession, Tenancy, Workforce,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::AppError;
use crate::config::ServerSettings;
use crate::service::Pathway;

pub use demo::DemoAccount;

/// The system roles an account may be granted explicitly.
pub const SYSTEM_ROLES: &[&str] = &["system-admin", "hr-admin", "framework-admin", "auditor"];
/// Failures (for one username, or from one address) within the window that refuse further
/// attempts until the window has passed.
pub const RATE_LIMIT_FAILURES: i64 = 20;
/// The rate limit's window.
pub const RATE_LIMIT_WINDOW_MINUTES: i64 = 15;
/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted (hashing is deliberately slow; a huge input is refused).
pub const MAX_PASSWORD_CHARS: usize = 256;
const TOTP_STEP_SECONDS: i64 = 30;
const TOTP_DIGITS: u32 = 6;

/// An account as a front end shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountView {
    /// What they sign in with.
    pub username: String,
    /// The authority.
    pub authority: String,
    /// The person's employee number.
    pub employee_number: String,
    /// System roles granted explicitly.
    pub system_roles: Vec<String>,
    /// Not disabled by an administrator.
    pub enabled: bool,
    /// Locked by failed sign-ins.
    pub locked: bool,
    /// A password is set.
    pub has_password: bool,
    /// A TOTP second factor is enrolled.
    pub totp_enrolled: bool,
}

/// A TOTP enrolment: the URI for an authenticator app, shown once.
#[derive(Debug, Clone, Serialize)]
pub struct TotpEnrolment {
    /// The account.
    pub account: AccountView,
    /// `otpauth://totp/...`, holding the secret.
    pub uri: String,
}

/// A sign-in attempt as it arrived.
#[derive(Debug, Clone, Default)]
pub struct SignInAttempt {
    /// The username typed.
    pub username: String,
    /// The password typed.
    pub password: String,
    /// The TOTP code typed, if any.
    pub totp: Option<String>,
    /// The client's address, for the rate limit and the record.
    pub from: Option<String>,
}

/// Why a sign-in was refused. One answer for everything an attacker could learn from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInRefused {
    /// Unknown username, wrong password, wrong or reused code, locked or disabled account.
    #[error(
        "the username, password or code is not right, or the account is locked or disabled (an account locks after \
         {0} failed sign-ins in a row, until an administrator unlocks it)"
    )]
    Failed(u32),
    /// The password was right; the account needs a TOTP code too.
    #[error("this account needs the 6-digit code from its authenticator app")]
    TotpRequired,
    /// Too many failures for this username or from this address.
    #[error("too many failed sign-ins; try again in {0} minutes")]
    TooManyAttempts(i64),
}

impl SignInRefused {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SignInRefused::Failed(_) => "sign_in_failed",
            SignInRefused::TotpRequired => "totp_required",
            SignInRefused::TooManyAttempts(_) => "too_many_attempts",
        }
    }
}

/// A session that has just started: the id goes in the cookie and is never stored (nor
/// printed: `Debug` hides it and the token).
#[derive(Clone)]
pub struct SignedIn {
    /// The session id (64 hex characters) for the cookie.
    pub session_id: String,
    /// The synchroniser token state-changing requests send back.
    pub csrf_token: String,
    /// Who signed in.
    pub account: StoredAccount,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn").field("account", &self.account.id).finish_non_exhaustive()
    }
}

/// A live session, checked: not expired, account enabled. `Debug` hides the token.
#[derive(Clone)]
pub struct Session {
    /// Who is signed in.
    pub account: StoredAccount,
    /// The synchroniser token.
    pub csrf_token: String,
    id_hash: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("account", &self.account.id).finish_non_exhaustive()
    }
}

/// Who is signed in, for `GET /api/v1/me`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Me {
    /// The account's username.
    pub username: String,
    /// The person.
    pub person: Person,
    /// Their authority.
    pub authority: AuthorityRef,
    /// The posts they hold today.
    pub posts: Vec<HeldPost>,
    /// System roles granted explicitly.
    pub system_roles: Vec<String>,
}

/// The person an account belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Person {
    /// Employee number.
    pub employee_number: String,
    /// Full name.
    pub name: String,
}

/// An authority, by id and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorityRef {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A post held today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HeldPost {
    /// The post's id.
    pub id: i64,
    /// The role id.
    pub role: String,
    /// The role's name in the framework.
    pub role_name: String,
    /// The unit's name.
    pub unit: String,
    /// Held since.
    pub since: chrono::NaiveDate,
}

pub(crate) fn bad(field: &str, message: impl Into<String>) -> AppError {
    AppError::BadInput { field: field.to_owned(), message: message.into() }
}

/// A username as stored: lower case, 3 to 64 of `a-z 0-9 . _ -`, starting with a letter or digit.
pub fn normalise_username(text: &str) -> Result<String, AppError> {
    let name = text.trim().to_ascii_lowercase();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-');
    if !(3..=64).contains(&name.len())
        || !name.chars().all(allowed)
        || !name.starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        return Err(bad(
            "username",
            format!("`{text}` is not a username: use 3 to 64 letters, digits, dots, dashes or underscores"),
        ));
    }
    Ok(name)
}

pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], AppError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| bad("random", format!("the system's random source failed: {e}")))?;
    Ok(bytes)
}

/// A random password of 20 letters and digits (about 119 bits), for demo accounts.
pub(crate) fn random_password() -> Result<String, AppError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    // 256 is a multiple of nothing here, so bytes past the last whole multiple are redrawn.
    let limit = 256 - (256 % ALPHABET.len());
    let mut out = String::with_capacity(20);
    while out.len() < 20 {
        for byte in random_bytes::<32>()? {
            if usize::from(byte) < limit && out.len() < 20 {
                out.push(char::from(ALPHABET[usize::from(byte) % ALPHABET.len()]));
            }
        }
    }
    Ok(out)
}

/// SHA-256 of a session id, hex: what the database holds.
fn id_hash(session_id: &str) -> String {
    hex(&Sha256::digest(session_id.as_bytes()))
}

fn argon2() -> Argon2<'static> {
    // OWASP's first recommendation for Argon2id: m = 19 MiB, t = 2, p = 1 (argon2's defaults,
    // written out so a library upgrade cannot weaken them).
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_password(password: &str) -> Result<String, AppError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(bad("password", format!("a password needs at least {MIN_PASSWORD_CHARS} characters")));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(bad("password", format!("a password has at most {MAX_PASSWORD_CHARS} characters")));
    }
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| bad("password", format!("making a salt failed: {e}")))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| bad("password", format!("hashing failed: {e}")))
}

/// Whether `password` matches the PHC string. A hash that cannot be read does not match.
fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
}

/// A hash of no one's password, verified when there is no real one, so an unknown username
/// costs the same time as a wrong password. Made once per process (not state: any value does).
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that matches nothing").unwrap_or_default())
}

/// RFC 4648 base32 without padding, for the otpauth URI.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in bytes {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// The TOTP code for a secret at a time step (RFC 6238 with HMAC-SHA1, 6 digits).
pub fn totp_code(secret: &[u8], step: i64) -> String {
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret) else { return String::new() };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let word = u32::from_be_bytes([digest[offset], digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    format!("{:06}", (word & 0x7fff_ffff) % 10u32.pow(TOTP_DIGITS))
}

/// The TOTP time step a moment falls in.
pub fn totp_step(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(TOTP_STEP_SECONDS)
}

/// The secret in an otpauth URI (for tests and tools that show the code).
pub fn totp_secret_from_uri(uri: &str) -> Option<Vec<u8>> {
    let secret = uri.split(['?', '&']).find_map(|part| part.strip_prefix("secret="))?;
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in secret.chars() {
        let value = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            '2'..='7' => c as u32 - '2' as u32 + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The step of the code that matches, one step either side of now, if any.
fn matching_step(secret: &[u8], code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code = code.trim();
    if code.len() != TOTP_DIGITS as usize || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let step = totp_step(now);
    [step + 1, step, step - 1].into_iter().find(|s| totp_code(secret, *s) == code)
}

fn view(account: &StoredAccount, employee_number: String) -> AccountView {
    AccountView {
        username: account.username.clone(),
        authority: account.authority.to_string(),
        employee_number,
        system_roles: account.system_roles.clone(),
        enabled: account.disabled_at.is_none(),
        locked: account.locked_at.is_some(),
        has_password: account.has_password,
        totp_enrolled: account.totp_enrolled,
    }
}

impl Pathway {
    fn server_settings(&self) -> &ServerSettings {
        &self.config().server
    }

    async fn account_view(&self, scope: &AuthorityScope, account: &StoredAccount) -> Result<AccountView, AppError> {
        let worker = self.store().worker(scope, account.worker).await?;
        Ok(view(account, worker.details.employee_number.to_string()))
    }

    /// Create an account for the worker with this employee number, with the system roles
    /// given (granted explicitly; rights otherwise come from posts). No password yet.
    pub async fn create_account(
        &self,
        authority: &str,
        employee_number: &str,
        username: &str,
        system_roles: &[String],
    ) -> Result<AccountView, AppError> {
        let scope = self.scope(authority).await?;
        let number: EmployeeNumber = employee_number.parse()?;
        let worker = self.store().worker_by_employee_number(&scope, &number).await?;
        let username = normalise_username(username)?;
        let mut roles = Vec::new();
        for role in system_roles {
            let role = role.trim().to_ascii_lowercase();
            if !SYSTEM_ROLES.contains(&role.as_str()) {
                return Err(bad(
                    "--system-role",
                    format!("`{role}` is not a system role; the system roles are {}", SYSTEM_ROLES.join(", ")),
                ));
            }
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        let new = NewAccount { worker: worker.id, username, system_roles: roles };
        let account = self.store().create_account(&scope, &new, self.clock().now()).await?;
        Ok(view(&account, worker.details.employee_number.to_string()))
    }

    /// Every account of an authority.
    pub async fn account_list(&self, authority: &str) -> Result<Vec<AccountView>, AppError> {
        let scope = self.scope(authority).await?;
        let workers = self.store().workers(&scope).await?;
        let accounts = self.store().accounts(&scope).await?;
        Ok(accounts
            .iter()
            .map(|a| {
                let number = workers
                    .iter()
                    .find(|w| w.id == a.worker)
                    .map(|w| w.details.employee_number.to_string())
                    .unwrap_or_default();
                view(a, number)
            })
            .collect())
    }

    /// Enable or disable an account. Disabling ends its sessions at once.
    pub async fn set_account_enabled(
        &self,
        authority: &str,
        username: &str,
        enabled: bool,
    ) -> Result<AccountView, AppError> {
        // The operator is checked before anything changes, so a refusal leaves nothing half done.
        let operator = self.operator().await?;
        let scope = self.scope(authority).await?;
        let username = normalise_username(username)?;
        let now = self.clock().now();
        let disabled_at = if enabled { None } else { Some(now) };
        let account = self.store().set_disabled(&scope, &username, disabled_at, now).await?;
        let what = if enabled {
            format!("enabled account {username}")
        } else {
            format!("disabled account {username}; its sessions ended")
        };
        let detail = serde_json::json!({ "account": username, "enabled": enabled });
        self.record_setup(&operator, &scope, (EntityKind::Account, account.id), "account enable/disable", what, detail)
            .await?;
        self.account_view(&scope, &account).await
    }

    /// Set an account's password (between 12 and 256 characters), hashed with Argon2id.
    pub async fn set_password(&self, authority: &str, username: &str, password: &str) -> Result<AccountView, AppError> {
        let scope = self.scope(authority).await?;
        let username = normalise_username(username)?;
        let hash = hash_password(password)?;
        let account = self.store().set_password_hash(&scope, &username, &hash, self.clock().now()).await?;
        self.account_view(&scope, &account).await
    }

    /// Clear an account's lock and its count of failed sign-ins.
    pub async fn unlock_account(&self, authority: &str, username: &str) -> Result<AccountView, AppError> {
        let scope = self.scope(authority).await?;
        let username = normalise_username(username)?;
        let account = self.store().unlock(&scope, &username, self.clock().now()).await?;
        self.account_view(&scope, &account).await
    }

    /// Enrol (or re-enrol) an account for TOTP: a new secret, returned once as an otpauth
    /// URI for an authenticator app. From now on sign-in needs a code.
    pub async fn enrol_totp(&self, authority: &str, username: &str) -> Result<TotpEnrolment, AppError> {
        let scope = self.scope(authority).await?;
        let username = normalise_username(username)?;
        let secret = random_bytes::<20>()?;
        let account = self.store().set_totp_secret(&scope, &username, &hex(&secret), self.clock().now()).await?;
        let uri = format!(
            "otpauth://totp/Pathway:{username}?secret={}&issuer=Pathway&algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_STEP_SECONDS}",
            base32(&secret)
        );
        Ok(TotpEnrolment { account: self.account_view(&scope, &account).await?, uri })
    }

    /// Sign in with a username, password and (when enrolled) a TOTP code. On success a new
    /// session starts; every outcome is recorded in `sign_in_events`.
    pub async fn sign_in(&self, attempt: &SignInAttempt) -> Result<Result<SignedIn, SignInRefused>, AppError> {
        let now = self.clock().now();
        let settings = self.server_settings();
        let failed = SignInRefused::Failed(settings.lock_after_failures);
        // A username that could not be stored cannot be anyone's: it fails like any other.
        let username = normalise_username(&attempt.username)
            .unwrap_or_else(|_| attempt.username.chars().take(64).collect::<String>().to_lowercase());
        let event = |account: Option<i64>, outcome: &'static str| SignInEvent {
            account,
            username: username.clone(),
            outcome,
            from: attempt.from.clone(),
            at: now,
        };
        let since = now - chrono::Duration::minutes(RATE_LIMIT_WINDOW_MINUTES);
        let (by_user, by_addr) = self.store().failed_sign_ins_since(&username, attempt.from.as_deref(), since).await?;
        if by_user >= RATE_LIMIT_FAILURES || by_addr >= RATE_LIMIT_FAILURES {
            self.store().record_sign_in_event(&event(None, "rate-limited")).await?;
            return Ok(Err(SignInRefused::TooManyAttempts(RATE_LIMIT_WINDOW_MINUTES)));
        }
        let credentials = self.store().credentials(&username).await?;
        let Some(Credentials { account, password_hash, totp_secret, totp_last_step: _ }) = credentials else {
            verify_password(&attempt.password, decoy_hash());
            self.store().record_sign_in_event(&event(None, "unknown-user")).await?;
            return Ok(Err(failed));
        };
        let password_ok = verify_password(&attempt.password, password_hash.as_deref().unwrap_or(decoy_hash()))
            && password_hash.is_some();
        let lock_after = i64::from(settings.lock_after_failures);
        if account.disabled_at.is_some() || account.locked_at.is_some() {
            let outcome = if account.disabled_at.is_some() { "disabled" } else { "locked" };
            let e = event(Some(account.id), outcome);
            self.store().record_sign_in_event(&e).await?;
            self.record_sign_in_audit(&account, &e).await?;
            return Ok(Err(failed));
        }
        if !password_ok {
            let e = event(Some(account.id), "wrong-password");
            self.store().record_failed_sign_in(account.id, lock_after, &e).await?;
            self.record_sign_in_audit(&account, &e).await?;
            return Ok(Err(failed));
        }
        let mut step = None;
        if let Some(secret) = totp_secret {
            let Some(code) = attempt.totp.as_deref().filter(|c| !c.trim().is_empty()) else {
                return Ok(Err(SignInRefused::TotpRequired));
            };
            let secret = unhex(&secret).ok_or_else(|| bad("totp", "the stored TOTP secret cannot be read"))?;
            match matching_step(&secret, code, now) {
                Some(s) => step = Some(s),
                None => {
                    let e = event(Some(account.id), "wrong-code");
                    self.store().record_failed_sign_in(account.id, lock_after, &e).await?;
                    self.record_sign_in_audit(&account, &e).await?;
                    return Ok(Err(failed));
                }
            }
        }
        match self.start_session(&account, step, &event(Some(account.id), "signed-in")).await? {
            Some(signed_in) => Ok(Ok(signed_in)),
            None => {
                // The code was right but already used: a replay, counted as a failure.
                let e = event(Some(account.id), "reused-code");
                self.store().record_failed_sign_in(account.id, lock_after, &e).await?;
                self.record_sign_in_audit(&account, &e).await?;
                Ok(Err(failed))
            }
        }
    }

    /// Start a session for an account whose sign-in has been checked (locally today; by
    /// OpenID Connect next). `None` when the TOTP step was used before.
    pub(crate) async fn start_session(
        &self,
        account: &StoredAccount,
        totp_step: Option<i64>,
        event: &SignInEvent,
    ) -> Result<Option<SignedIn>, AppError> {
        let session_id = hex(&random_bytes::<32>()?);
        let csrf_token = hex(&random_bytes::<32>()?);
        let new = NewSession { id_hash: id_hash(&session_id), csrf_token: csrf_token.clone(), at: self.clock().now() };
        if !self.store().record_sign_in(account.id, totp_step, &new, event).await? {
            return Ok(None);
        }
        self.record_sign_in_audit(account, event).await?;
        Ok(Some(SignedIn { session_id, csrf_token, account: account.clone() }))
    }

    /// The live session with this id, if there is one: expired sessions (idle or absolute
    /// timeout) and those of disabled accounts are ended and answer `None`. A live one is
    /// marked used now.
    pub async fn session(&self, session_id: &str) -> Result<Option<Session>, AppError> {
        if session_id.len() != 64 || !session_id.chars().all(|c| c.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let hash = id_hash(session_id);
        let Some(stored) = self.store().session(&hash).await? else { return Ok(None) };
        let now = self.clock().now();
        if !self.session_is_live(&stored, now) {
            let event = SignInEvent {
                account: Some(stored.account.id),
                username: stored.account.username.clone(),
                outcome: if stored.account.disabled_at.is_some() { "ended-disabled" } else { "expired" },
                from: None,
                at: now,
            };
            if self.store().end_session(&hash, Some(&event)).await? {
                self.record_sign_in_audit(&stored.account, &event).await?;
            }
            return Ok(None);
        }
        self.store().touch_session(&hash, now).await?;
        Ok(Some(Session { account: stored.account, csrf_token: stored.csrf_token, id_hash: hash }))
    }

    fn session_is_live(&self, stored: &StoredSession, now: DateTime<Utc>) -> bool {
        let settings = self.server_settings();
        stored.account.disabled_at.is_none()
            && now - stored.last_seen_at <= settings.session_idle
            && now - stored.created_at <= settings.session_absolute
    }

    /// End a session (sign out).
    pub async fn sign_out(&self, session: &Session, from: Option<String>) -> Result<(), AppError> {
        let event = SignInEvent {
            account: Some(session.account.id),
            username: session.account.username.clone(),
            outcome: "signed-out",
            from,
            at: self.clock().now(),
        };
        if self.store().end_session(&session.id_hash, Some(&event)).await? {
            self.record_sign_in_audit(&session.account, &event).await?;
        }
        Ok(())
    }

    /// Who is signed in: the person, their authority, the posts they hold today and their
    /// system roles.
    pub async fn me(&self, account: &StoredAccount) -> Result<Me, AppError> {
        let scope = self.store().scope(&account.authority).await?;
        let authority = self.store().authority(&scope).await?;
        let worker = self.store().worker(&scope, account.worker).await?;
        let number = worker.details.employee_number.to_string();
        let posts = self
            .post_list(account.authority.as_str(), None)
            .await?
            .into_iter()
            .filter_map(|p| {
                let holder = p.holder.filter(|h| h.employee_number == number)?;
                Some(HeldPost {
                    id: p.id,
                    role: p.role,
                    role_name: p.role_name,
                    unit: p.unit_name,
                    since: holder.since,
                })
            })
            .collect();
        Ok(Me {
            username: account.username.clone(),
            person: Person { employee_number: number, name: worker.details.name.to_string() },
            authority: AuthorityRef { id: authority.id.to_string(), name: authority.name.to_string() },
            posts,
            system_roles: account.system_roles.clone(),
        })
    }

    /// Whether the database answers a real query (for `/healthz`).
    pub async fn database_answers(&self) -> Result<(), AppError> {
        Ok(self.store().ping().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_matches_the_rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890": the last 6 digits.
        let secret = b"12345678901234567890";
        for (time, code) in
            [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")]
        {
            let at = DateTime::from_timestamp(time, 0).unwrap();
            assert_eq!(totp_code(secret, totp_step(at)), code, "at {time}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let secret = b"12345678901234567890";
        let now = DateTime::from_timestamp(1_234_567_890, 0).unwrap();
        let step = totp_step(now);
        assert_eq!(matching_step(secret, &totp_code(secret, step - 1), now), Some(step - 1));
        assert_eq!(matching_step(secret, &totp_code(secret, step + 1), now), Some(step + 1));
        assert_eq!(matching_step(secret, &totp_code(secret, step - 2), now), None);
        assert_eq!(matching_step(secret, "12345", now), None);
    }

    #[test]
    fn the_secret_goes_through_the_uri_and_back() {
        let secret = [7u8, 200, 3, 99, 1, 0, 255, 42, 13, 77, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        let uri = format!("otpauth://totp/Pathway:x?secret={}&issuer=Pathway", base32(&secret));
        assert_eq!(totp_secret_from_uri(&uri).unwrap(), secret);
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
    }

    #[test]
    fn a_password_is_hashed_with_argon2id_and_checked() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("anything", "not a hash"));
        assert!(hash_password("short").unwrap_err().to_string().contains("at least 12"));
    }

    #[test]
    fn a_session_id_and_its_token_are_never_printed() {
        let account = StoredAccount {
            id: 7,
            authority: "bexley".parse().unwrap(),
            worker: pathway_core::ids::WorkerId::new(1),
            username: "dan".into(),
            system_roles: vec![],
            has_password: true,
            totp_enrolled: false,
            failed_sign_ins: 0,
            locked_at: None,
            disabled_at: None,
            created_at: Utc::now(),
        };
        let signed_in = SignedIn { session_id: "a".repeat(64), csrf_token: "b".repeat(64), account: account.clone() };
        let session = Session { account, csrf_token: "b".repeat(64), id_hash: "c".repeat(64) };
        for printed in [format!("{signed_in:?}"), format!("{session:?}")] {
            assert!(!printed.contains("aaaa") && !printed.contains("bbbb") && !printed.contains("cccc"), "{printed}");
            assert!(printed.contains("account: 7"), "{printed}");
        }
    }

    #[test]
    fn usernames_are_lower_case_and_plain() {
        assert_eq!(normalise_username(" Dan.Hussain ").unwrap(), "dan.hussain");
        assert!(normalise_username("a").is_err());
        assert!(normalise_username("dan hussain").is_err());
        assert!(normalise_username("-dan").is_err());
    }
}
