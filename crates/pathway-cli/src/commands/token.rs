//! `pathway token`: API tokens for integrations (an HR or payroll system calling the JSON
//! API). A token acts as an account, so it never grants more than that person's posts; it
//! is shown once when created, stored only as its SHA-256, and stops at its expiry or when
//! revoked.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Subcommand;
use pathway_app::tokens::{NewToken, TokenView};

use super::db::{block_on, open};
use super::parse_date;
use crate::{out, output};

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for an account; it is printed once and cannot be shown again.
    Create {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The account it acts as (its username).
        #[arg(long)]
        account: String,
        /// What it may do: read, or write (which includes read). Repeat for more.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// The last day it works (YYYY-MM-DD), at most 366 days away.
        #[arg(long, value_parser = parse_date)]
        expires: NaiveDate,
        /// What it is for, to tell it apart in `token list`.
        #[arg(long, default_value = "integration")]
        name: String,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every token of an authority's accounts (never the tokens themselves).
    List {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token: it stops working at once.
    Revoke {
        /// The authority.
        #[arg(long)]
        authority: String,
        /// The token's id, from `token list`.
        #[arg(long)]
        id: i64,
    },
}

pub fn run(command: TokenCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let pathway = open().await?;
        let result = async {
            match command {
                TokenCommand::Create { authority, account, scopes, expires, name, json } => {
                    let new = NewToken { authority, username: account, name, scopes, expires };
                    let created = pathway.create_api_token(&new).await?;
                    if json {
                        return output::json(&created);
                    }
                    out!("Give this token to the integration now; it is not shown again:");
                    out!("{}", created.token);
                    show(&[created.view])
                }
                TokenCommand::List { authority, json } => {
                    let tokens = pathway.api_token_list(&authority).await?;
                    if json {
                        return output::json(&tokens);
                    }
                    if tokens.is_empty() {
                        out!("{authority} has no API tokens.");
                        return Ok(());
                    }
                    show(&tokens)
                }
                TokenCommand::Revoke { authority, id } => {
                    let token = pathway.revoke_api_token(&authority, id).await?;
                    out!("Revoked:");
                    show(&[token])
                }
            }
        }
        .await;
        pathway.close().await;
        result?;
        Ok(ExitCode::SUCCESS)
    })
}

fn show(tokens: &[TokenView]) -> anyhow::Result<()> {
    for t in tokens {
        out!(
            "{} {}… for {} ({}): {}; {}, expires {}",
            t.id,
            t.prefix,
            t.username,
            t.name,
            t.scopes.join(" "),
            t.status,
            t.expires_at.format("%Y-%m-%d %H:%M UTC")
        );
    }
    Ok(())
}
