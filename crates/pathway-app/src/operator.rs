//! The CLI as a named system account, and the audit entries that are not a record's own
//! history: set-up commands, sign-ins and views.
//!
//! **The operator.** Whatever the command line records names the account it acts as: the
//! account `operator` in `pathway.toml` (or `PATHWAY_OPERATOR`) names, which must exist, be
//! enabled and hold a system role; with none configured, the built-in operator `system`
//! (a name for a single-operator install, with no account row behind it). Acting `--as`
//! a person, the history entry and the audit row say "entered by <operator> on behalf of
//! <person>"; set-up commands (authorities, units, posts, imports, framework sync) are
//! entries by the operator itself, with no person behind them.
//!
//! **Sign-ins** go into the chain of the account's authority: sign-in, sign-out, every
//! failure for a known account, and a session ended by expiry or by the account being
//! disabled, with the address the server passed and never the password. A failure naming no
//! account belongs to no authority, so it stays in `sign_in_events` (which the rate limit
//! counts) only.
//!
//! **Views**: reading a portfolio or a panel pack writes an entry naming who viewed it.

use pathway_store::{
    Accounts, AuditActor, AuditTrail, AuthorityScope, EntityKind, NewAuditEntry, SignInEvent, Store, StoreError,
    StoredAccount, Tenancy, Workforce,
};
use serde::Serialize;

use crate::accounts::normalise_username;
use crate::clock::Clock;
use crate::error::AppError;
use crate::progression::find_worker;
use crate::service::Pathway;

/// The operator when none is configured.
pub const BUILT_IN_OPERATOR: &str = "system";

/// The role an operator's own entries are recorded in.
pub const OPERATOR_ROLE: &str = "operator";

/// The account the command line acts as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    /// Its username (`system` for the built-in operator).
    pub username: String,
    /// Its account, when it is a configured one.
    pub account: Option<i64>,
}

impl Operator {
    /// The operator as the actor of its own entries.
    pub fn actor(&self) -> AuditActor {
        AuditActor { person: None, name: self.username.clone(), role: OPERATOR_ROLE.to_owned() }
    }
}

/// Who is viewing a record: the operator, and the person it views for (`--as`), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The operator account running the command.
    pub operator: Operator,
    /// The employee number of the person viewing, when the operator views for someone.
    pub person: Option<String>,
    /// The address the request came from (over HTTP); None on the command line.
    pub from: Option<String>,
}

impl Pathway {
    /// The account the command line acts as: the configured one, checked (it exists, is
    /// enabled and holds a system role), or the built-in `system`.
    pub async fn operator(&self) -> Result<Operator, AppError> {
        let Some(name) = self.config().operator.as_deref() else {
            return Ok(Operator { username: BUILT_IN_OPERATOR.to_owned(), account: None });
        };
        let field = || "operator (pathway.toml `operator`, or PATHWAY_OPERATOR)".to_owned();
        let username =
            normalise_username(name).map_err(|e| AppError::BadInput { field: field(), message: e.to_string() })?;
        let Some(credentials) = self.store().credentials(&username).await? else {
            return Err(AppError::BadInput {
                field: field(),
                message: format!(
                    "names the account `{username}`, which does not exist; create it with `pathway account create` \
                     and a system role, or leave the setting out to act as the built-in `{BUILT_IN_OPERATOR}`"
                ),
            });
        };
        let account = credentials.account;
        if account.disabled_at.is_some() {
            return Err(AppError::NotPermitted(format!(
                "the operator account `{username}` is disabled; the command line cannot act as it"
            )));
        }
        if account.system_roles.is_empty() {
            return Err(AppError::NotPermitted(format!(
                "the operator account `{username}` holds no system role; grant it one (system-admin, hr-admin, \
                 framework-admin or auditor) before the command line acts as it"
            )));
        }
        Ok(Operator { username, account: Some(account.id) })
    }

    /// Record a set-up command in the authority's audit trail, as done by `operator`
    /// (resolved before the command changed anything).
    pub(crate) async fn record_setup(
        &self,
        operator: &Operator,
        scope: &AuthorityScope,
        (kind, id): (EntityKind, i64),
        why: &str,
        what: String,
        detail: serde_json::Value,
    ) -> Result<(), AppError> {
        let entry = NewAuditEntry {
            kind,
            id,
            by: operator.actor(),
            at: self.clock().now(),
            why: why.to_owned(),
            what,
            detail: detail.to_string(),
            entered_by: None,
            entered_from: None,
        };
        self.store().record_audit(scope, &entry).await?;
        Ok(())
    }

    /// Record a sign-in event in the chain of the account's authority (see the module
    /// header). The password is never part of an event.
    pub(crate) async fn record_sign_in_audit(
        &self,
        account: &StoredAccount,
        event: &SignInEvent,
    ) -> Result<(), AppError> {
        let from = event.from.as_deref().unwrap_or("an address not given");
        let what = match event.outcome {
            "signed-in" => format!("{} signed in from {from}", account.username),
            "signed-in-oidc" => format!("{} signed in with OpenID Connect from {from}", account.username),
            "signed-out" => format!("{} signed out from {from}", account.username),
            "expired" => format!("{}'s session expired", account.username),
            "ended-disabled" => format!("{}'s session ended: the account is disabled", account.username),
            outcome => format!("failed sign-in as {} from {from} ({outcome})", account.username),
        };
        let detail = serde_json::json!({ "account": account.username, "outcome": event.outcome, "from": event.from });
        let why = format!("sign-in: {}", event.outcome);
        self.record_account_audit(account, (event.at, event.from.as_deref()), why, what, detail).await
    }

    /// Record in the chain of the account's own authority that it asked for another
    /// authority's records (`asked`, as typed) and was answered "not found".
    pub(crate) async fn record_probe_audit(
        &self,
        account: &StoredAccount,
        asked: &str,
        from: Option<&str>,
    ) -> Result<(), AppError> {
        let what = format!(
            "{} asked for records of another authority (`{asked}`) from {}: answered not found",
            account.username,
            from.unwrap_or("an address not given")
        );
        let detail = serde_json::json!({ "account": account.username, "asked_authority": asked, "from": from });
        let why = "access: other-authority-refused".to_owned();
        self.record_account_audit(account, (self.clock().now(), from), why, what, detail).await
    }

    async fn record_account_audit(
        &self,
        account: &StoredAccount,
        (at, from): (chrono::DateTime<chrono::Utc>, Option<&str>),
        why: String,
        what: String,
        detail: serde_json::Value,
    ) -> Result<(), AppError> {
        let scope = self.store().scope(&account.authority).await?;
        // An account's person is on the records; a storage failure is an error, never "no one".
        let person = match self.store().worker(&scope, account.worker).await {
            Ok(worker) => Some(worker),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let entry = NewAuditEntry {
            kind: EntityKind::Account,
            id: account.id,
            by: AuditActor {
                person: person.as_ref().map(|w| w.id),
                name: person.map_or_else(|| account.username.clone(), |w| w.details.name.to_string()),
                role: "account".to_owned(),
            },
            at,
            why,
            what,
            detail: detail.to_string(),
            entered_by: None,
            entered_from: from.map(str::to_owned),
        };
        self.store().record_audit(&scope, &entry).await?;
        Ok(())
    }
}

impl Pathway {
    /// Record a sign-in with OpenID Connect by an identity the provider vouched for but no
    /// account is linked to yet, in the chain of the authority it signed in to.
    pub(crate) async fn record_oidc_identity_audit(
        &self,
        scope: &AuthorityScope,
        identity: i64,
        event: &SignInEvent,
    ) -> Result<(), AppError> {
        let from = event.from.as_deref().unwrap_or("an address not given");
        let entry = NewAuditEntry {
            kind: EntityKind::OidcIdentity,
            id: identity,
            by: AuditActor { person: None, name: format!("OpenID identity {identity}"), role: "account".to_owned() },
            at: event.at,
            why: format!("sign-in: {}", event.outcome),
            what: format!(
                "failed sign-in with OpenID Connect from {from}: identity {identity} is not linked to an account yet"
            ),
            detail: serde_json::json!({ "identity": identity, "outcome": event.outcome, "from": event.from })
                .to_string(),
            entered_by: None,
            entered_from: event.from.clone(),
        };
        self.store().record_audit(scope, &entry).await?;
        Ok(())
    }
}

/// Record that `viewer` read a record (`kind` `id`), in words `what`.
pub(crate) async fn record_view(
    store: &Store,
    scope: &AuthorityScope,
    clock: Clock,
    viewer: &Viewer,
    (kind, id): (EntityKind, i64),
    what: &str,
) -> Result<(), AppError> {
    let (by, entered_by) = match &viewer.person {
        Some(number) => {
            let worker = find_worker(store, scope, number).await?;
            let by = AuditActor {
                person: Some(worker.id),
                name: worker.details.name.to_string(),
                role: "viewer".to_owned(),
            };
            (by, Some(viewer.operator.username.clone()))
        }
        None => (viewer.operator.actor(), None),
    };
    let entry = NewAuditEntry {
        kind,
        id,
        what: format!("{} viewed {what}", by.name),
        by,
        at: clock.now(),
        why: "viewed".to_owned(),
        detail: serde_json::json!({ "viewed": kind.code(), "id": id }).to_string(),
        entered_by,
        entered_from: viewer.from.clone(),
    };
    store.record_audit(scope, &entry).await?;
    Ok(())
}
