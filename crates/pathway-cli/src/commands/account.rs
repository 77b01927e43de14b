//! `pathway account`: accounts for people who sign in to `pathway serve`. An account belongs
//! to a worker of an authority and says who is signed in; rights come from their posts,
//! apart from system roles granted here explicitly.

use std::io::Read;
use std::process::ExitCode;

use clap::Subcommand;
use pathway_app::accounts::AccountView;

use super::db::{block_on, open};
use crate::{out, output};

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an account for a worker (no password yet: set one with `account set-password`).
    Create {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The worker's employee number.
        #[arg(long)]
        worker: String,
        /// What they sign in with: 3 to 64 letters, digits, dots, dashes or underscores.
        #[arg(long)]
        username: String,
        /// A system role granted explicitly: system-admin, hr-admin, framework-admin or
        /// auditor (repeat for more).
        #[arg(long = "system-role")]
        system_roles: Vec<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every account of an authority.
    List {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Disable an account: its sessions end at once and it cannot sign in.
    Disable(Which),
    /// Enable a disabled account.
    Enable(Which),
    /// Set the password, read from standard input (never from the command line); at least
    /// 12 characters.
    SetPassword(Which),
    /// Unlock an account locked by failed sign-ins.
    Unlock(Which),
    /// Enrol a TOTP second factor: prints the otpauth:// URI for an authenticator app,
    /// once; from then on signing in needs a code.
    TotpEnrol(Which),
}

#[derive(Debug, clap::Args)]
pub struct Which {
    /// The authority.
    #[arg(long)]
    authority: String,
    /// The account's username.
    #[arg(long)]
    username: String,
}

pub fn run(command: AccountCommand) -> anyhow::Result<ExitCode> {
    // Read before opening anything, so a missing password fails before any work.
    let password = match &command {
        AccountCommand::SetPassword(_) => Some(read_password()?),
        _ => None,
    };
    block_on(async move {
        let pathway = open().await?;
        let result = async {
            match command {
                AccountCommand::Create { authority, worker, username, system_roles, json } => {
                    let account = pathway.create_account(&authority, &worker, &username, &system_roles).await?;
                    show(&[account], json, "Created")
                }
                AccountCommand::List { authority, json } => {
                    let accounts = pathway.account_list(&authority).await?;
                    if !json && accounts.is_empty() {
                        out!("{authority} has no accounts yet.");
                        return Ok(());
                    }
                    show(&accounts, json, "")
                }
                AccountCommand::Disable(w) => {
                    show(&[pathway.set_account_enabled(&w.authority, &w.username, false).await?], false, "Disabled")
                }
                AccountCommand::Enable(w) => {
                    show(&[pathway.set_account_enabled(&w.authority, &w.username, true).await?], false, "Enabled")
                }
                AccountCommand::SetPassword(w) => {
                    let password = password.unwrap_or_default();
                    show(
                        &[pathway.set_password(&w.authority, &w.username, &password).await?],
                        false,
                        "Password set for",
                    )
                }
                AccountCommand::Unlock(w) => {
                    show(&[pathway.unlock_account(&w.authority, &w.username).await?], false, "Unlocked")
                }
                AccountCommand::TotpEnrol(w) => {
                    let enrolment = pathway.enrol_totp(&w.authority, &w.username).await?;
                    out!("Add this to the authenticator app now; it is not shown again:");
                    out!("{}", enrolment.uri);
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

/// The password on standard input: its first line, without the line ending.
fn read_password() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin().take(4096).read_to_string(&mut text)?;
    let password = text.lines().next().unwrap_or_default().to_owned();
    if password.is_empty() {
        anyhow::bail!(
            "password: give the new password on standard input (for example: pathway account set-password ... < file)"
        );
    }
    Ok(password)
}

fn show(accounts: &[AccountView], json: bool, verb: &str) -> anyhow::Result<()> {
    if json {
        return match accounts {
            [one] if !verb.is_empty() => output::json(one),
            _ => output::json(&accounts),
        };
    }
    for a in accounts {
        let mut state = vec![if a.enabled { "enabled" } else { "disabled" }];
        if a.locked {
            state.push("locked");
        }
        if !a.has_password {
            state.push("no password");
        }
        if a.totp_enrolled {
            state.push("TOTP");
        }
        let roles = if a.system_roles.is_empty() { String::new() } else { format!("; {}", a.system_roles.join(", ")) };
        let prefix = if verb.is_empty() { String::new() } else { format!("{verb} ") };
        out!("{prefix}{} ({}, {}): {}{roles}", a.username, a.authority, a.employee_number, state.join(", "));
    }
    Ok(())
}
