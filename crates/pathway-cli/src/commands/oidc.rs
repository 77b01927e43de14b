//! `pathway oidc`: an authority's OpenID Connect provider (Microsoft Entra ID or any other),
//! and the identities waiting for an administrator to link them to accounts.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use pathway_app::config::Secret;
use pathway_app::oidc::{OidcIdentityView, OidcProviderView, OidcSettings};

use super::db::{block_on, open};
use crate::{out, output};

#[derive(Debug, Subcommand)]
pub enum OidcCommand {
    /// Set (or replace) an authority's OpenID provider. The client secret is read from a
    /// file (never from the command line) and never printed.
    Set {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The issuer URL, e.g. https://login.microsoftonline.com/TENANT/v2.0 (https, or
        /// http on loopback only).
        #[arg(long)]
        issuer: String,
        /// The client (application) id registered with the provider.
        #[arg(long)]
        client_id: String,
        /// A file whose first line is the client secret ("-" for standard input).
        #[arg(long)]
        client_secret_file: PathBuf,
        /// Where the provider sends people back, as registered with it:
        /// https://SERVER/auth/oidc/AUTHORITY/callback.
        #[arg(long)]
        redirect_url: String,
        /// Microsoft Entra ID's tenant id: people are then matched by oid + tid, and tokens
        /// from other tenants refused. Leave out for other providers (matched by iss + sub).
        #[arg(long)]
        tenant_id: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show an authority's provider (never its secret).
    Show {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// People who signed in with the provider and wait to be linked to an account.
    Pending {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// Every identity, linked or not.
        #[arg(long)]
        all: bool,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Approve a waiting identity: link it to an existing account of the authority.
    Approve {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The identity's number, from `oidc pending`.
        #[arg(long)]
        identity: i64,
        /// The account to link it to.
        #[arg(long)]
        username: String,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: OidcCommand) -> anyhow::Result<ExitCode> {
    // Read before opening anything, so a missing secret fails before any work.
    let secret = match &command {
        OidcCommand::Set { client_secret_file, .. } => Some(read_secret(client_secret_file)?),
        _ => None,
    };
    block_on(async move {
        let pathway = open().await?;
        let result = async {
            match command {
                OidcCommand::Set {
                    authority,
                    issuer,
                    client_id,
                    client_secret_file: _,
                    redirect_url,
                    tenant_id,
                    json,
                } => {
                    let settings = OidcSettings {
                        issuer,
                        client_id,
                        client_secret: secret.unwrap_or_else(|| Secret::new(String::new())),
                        redirect_url,
                        tenant_id,
                    };
                    show_provider(&pathway.set_oidc_provider(&authority, &settings).await?, json)
                }
                OidcCommand::Show { authority, json } => show_provider(&pathway.oidc_provider(&authority).await?, json),
                OidcCommand::Pending { authority, all, json } => {
                    let identities = pathway.oidc_identities(&authority, all).await?;
                    if json {
                        return output::json(&identities);
                    }
                    if identities.is_empty() {
                        out!("No one is waiting for approval in {authority}.");
                    }
                    identities.iter().for_each(show_identity);
                    Ok(())
                }
                OidcCommand::Approve { authority, identity, username, json } => {
                    let linked = pathway.oidc_approve(&authority, identity, &username).await?;
                    if json {
                        return output::json(&linked);
                    }
                    out!("Approved:");
                    show_identity(&linked);
                    Ok(())
                }
            }
        }
        .await;
        pathway.close().await;
        result?;
        Ok(ExitCode::SUCCESS)
    })
}

/// The secret: the first line of the file (or standard input for "-").
fn read_secret(path: &Path) -> anyhow::Result<Secret> {
    let mut text = String::new();
    if path == Path::new("-") {
        std::io::stdin().take(64 * 1024).read_to_string(&mut text)?;
    } else {
        std::fs::File::open(path)
            .map_err(|e| anyhow::anyhow!("--client-secret-file: cannot read {}: {e}", path.display()))?
            .take(64 * 1024)
            .read_to_string(&mut text)?;
    }
    let secret = text.lines().next().unwrap_or_default().trim().to_owned();
    if secret.is_empty() {
        anyhow::bail!("--client-secret-file: {} has no client secret on its first line", path.display());
    }
    Ok(Secret::new(secret))
}

fn show_provider(provider: &OidcProviderView, json: bool) -> anyhow::Result<()> {
    if json {
        return output::json(provider);
    }
    out!("OpenID provider for {}:", provider.authority);
    out!("  issuer:        {}", provider.issuer);
    out!("  client id:     {}", provider.client_id);
    out!("  client secret: {}", provider.client_secret);
    out!("  redirect URL:  {}", provider.redirect_url);
    if let Some(tenant) = &provider.tenant_id {
        out!("  Entra tenant:  {tenant}");
    }
    out!("  people matched by {}", provider.matched_by);
    Ok(())
}

fn show_identity(i: &OidcIdentityView) {
    let about = [i.name.as_deref(), i.email.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ");
    let linked = match &i.username {
        Some(username) => format!("linked to {username}"),
        None => "waiting for approval".to_owned(),
    };
    out!(
        "{:>4}  {}  ({about}) first seen {}: {linked}",
        i.id,
        i.identity,
        i.first_seen_at.format("%Y-%m-%d %H:%M UTC")
    );
}
