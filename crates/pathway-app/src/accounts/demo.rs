//! Demo accounts, one per kind of user, made through the same account use cases an
//! administrator uses, for `pathway serve --demo`. The people are the demo workforce's
//! (synthetic); who is a manager comes from the posts they hold, as it would for anyone.

use serde::Serialize;

use crate::AppError;
use crate::service::Pathway;

/// One demo account's sign-in details.
#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    /// What the account is for ("team manager").
    pub kind: &'static str,
    /// The username.
    pub username: String,
    /// A fresh password, printed once.
    pub password: String,
    /// The authority.
    pub authority: String,
    /// The person's employee number.
    pub employee_number: String,
}

/// Which post (by role) or system role makes each kind of demo user.
const KINDS: &[(&str, &str, Kind)] = &[
    ("worker", "demo-worker", Kind::NoPost),
    ("team manager", "demo-team-manager", Kind::Role(&["team-manager", "practice-manager"])),
    ("service manager", "demo-service-manager", Kind::Role(&["locality-manager", "service-manager", "group-manager"])),
    ("head of service", "demo-head-of-service", Kind::Role(&["head-of-service"])),
    ("panel member (a seat is given when a panel is convened)", "demo-panel-member", Kind::AnyPost),
    ("HR administrator", "demo-hr-admin", Kind::System("hr-admin")),
    ("system administrator", "demo-system-admin", Kind::System("system-admin")),
];

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Someone holding no post over anyone.
    NoPost,
    /// The holder of a post with one of these roles.
    Role(&'static [&'static str]),
    /// Another post holder not used yet.
    AnyPost,
    /// Someone with no post, granted this system role.
    System(&'static str),
}

impl Pathway {
    /// Make (or, when they exist, re-enable and unlock) the demo accounts in the first
    /// authority, each with a new random password.
    pub async fn demo_accounts(&self) -> Result<Vec<DemoAccount>, AppError> {
        let authorities = self.authority_list().await?;
        let Some(authority) = authorities.first().map(|a| a.id.clone()) else {
            return Err(AppError::BadInput { field: "demo".into(), message: "no authorities are loaded".into() });
        };
        let posts = self.post_list(&authority, None).await?;
        let holders: Vec<String> =
            posts.iter().filter_map(|p| p.holder.as_ref().map(|h| h.employee_number.clone())).collect();
        let existing = self.account_list(&authority).await?;
        let mut used: Vec<String> = Vec::new();
        let mut workers = self.store_workers(&authority).await?.into_iter();
        let mut made = Vec::new();
        for (kind_name, username, kind) in KINDS {
            let chosen = match kind {
                Kind::Role(roles) => posts
                    .iter()
                    .filter(|p| roles.contains(&p.role.as_str()))
                    .filter_map(|p| p.holder.as_ref().map(|h| h.employee_number.clone()))
                    .find(|n| !used.contains(n)),
                Kind::AnyPost => holders.iter().find(|n| !used.contains(n)).cloned(),
                Kind::NoPost | Kind::System(_) => workers.find(|n| !holders.contains(n) && !used.contains(n)),
            };
            let Some(number) = chosen else { continue };
            used.push(number.clone());
            let roles = match kind {
                Kind::System(role) => vec![(*role).to_owned()],
                _ => Vec::new(),
            };
            let account = match existing.iter().find(|a| a.username == *username) {
                Some(account) => account.clone(),
                None => self.create_account(&authority, &number, username, &roles).await?,
            };
            let password = crate::accounts::random_password()?;
            self.set_password(&authority, username, &password).await?;
            self.unlock_account(&authority, username).await?;
            self.set_account_enabled(&authority, username, true).await?;
            made.push(DemoAccount {
                kind: kind_name,
                username: (*username).to_owned(),
                password,
                authority: authority.clone(),
                employee_number: account.employee_number,
            });
        }
        Ok(made)
    }

    async fn store_workers(&self, authority: &str) -> Result<Vec<String>, AppError> {
        use pathway_store::Workforce;
        let scope = self.scope(authority).await?;
        Ok(self.store().workers(&scope).await?.into_iter().map(|w| w.details.employee_number.to_string()).collect())
    }
}
