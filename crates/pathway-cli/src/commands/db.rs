//! `pathway db ...`, `pathway demo`, `pathway framework sync` and `pathway config`: the
//! commands that work on the database.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use pathway_app::config::{Config, EXAMPLE};
use pathway_app::demo::Scale;
use pathway_app::service::{self, Pathway};

use super::{parse_date, today};
use crate::output;

/// Run async work on a small runtime: the CLI does one thing at a time.
pub fn block_on<T>(work: impl std::future::Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(work)
}

/// Open the configured database (creating and migrating it if needed).
pub async fn open() -> anyhow::Result<Pathway> {
    let config = Config::from_env()?;
    // A clock fixed by configuration is said out loud on every command.
    if let Some(warning) = config.clock.warning() {
        eprintln!("warning: {warning}");
    }
    Ok(Pathway::open(config).await?)
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create the database if needed and apply any pending migrations.
    Migrate,
    /// Copy the SQLite database to FILE while it stays in use (PostgreSQL: use pg_dump).
    Backup {
        /// Where to write the copy.
        file: PathBuf,
    },
    /// Replace the SQLite database's contents with a backup (refused while anything else has it open).
    Restore {
        /// The backup to restore.
        file: PathBuf,
    },
}

pub fn run_db(command: DbCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        match command {
            DbCommand::Migrate => {
                let p = open().await?;
                crate::out!(
                    "{} is up to date (schema version {}).",
                    p.config().database_description(),
                    p.schema_version()
                );
                p.close().await;
            }
            DbCommand::Backup { file } => {
                let p = open().await?;
                p.backup(&file).await?;
                crate::out!("Backed up {} to {}.", p.config().database_description(), file.display());
                p.close().await;
            }
            DbCommand::Restore { file } => {
                let config = Config::from_env()?;
                let restored = service::restore(&config, &file).await?;
                crate::out!("Restored {} from {}.", restored.database.display(), file.display());
                crate::out!("{restored:?}");
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DemoScale {
    /// The four seed authorities with a few hundred workers.
    Seeds,
    /// About 100,000 workers across 150 authorities, for benchmarks.
    National,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How much data to load.
    #[arg(long, value_enum, default_value = "seeds")]
    scale: DemoScale,
    /// Seed for the generator; the same seed gives the same people.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Build the workforce as on this date (default: today); the same date and seed give the
    /// same records.
    #[arg(long, value_parser = parse_date)]
    on: Option<chrono::NaiveDate>,
    /// Print a summary as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run_demo(a: DemoArgs) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        let scale = match a.scale {
            DemoScale::Seeds => Scale::Seeds,
            DemoScale::National => Scale::National,
        };
        let started = std::time::Instant::now();
        let progress = |done: usize, total: usize| eprintln!("  loaded {done} of {total} workers");
        let summary = p.load_demo(scale, a.on.unwrap_or_else(today), a.seed, &progress).await?;
        if a.json {
            output::json(&summary)?;
        } else if summary.already_loaded {
            crate::out!("The demo data is already loaded in {}; nothing to do.", p.config().database_description());
        } else {
            crate::out!(
                "Loaded {} authorities, {} organisation units and {} workers into {} in {:.1?}.",
                summary.authorities,
                summary.units,
                summary.workers,
                p.config().database_description(),
                started.elapsed()
            );
            let example = match a.scale {
                DemoScale::Seeds => "rotherham",
                DemoScale::National => "demo-001",
            };
            crate::out!("Try: pathway eligibility --authority {example} --within 6m");
        }
        p.close().await;
        Ok(ExitCode::SUCCESS)
    })
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The authority whose frameworks to sync.
    #[arg(long)]
    authority: String,
    /// Framework files; with none, the bundled framework with the authority's id.
    files: Vec<PathBuf>,
    /// Print the outcome as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run_sync(a: SyncArgs) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        let outcomes = p.sync_framework_files(&a.authority, &a.files).await?;
        if a.json {
            output::json(&outcomes)?;
        } else {
            for o in &outcomes {
                crate::out!("{} version {}: {:?}", o.framework, o.framework_version, o.change);
            }
        }
        p.close().await;
        Ok(ExitCode::SUCCESS)
    })
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a commented example pathway.toml.
    Example,
    /// Show the settings in use and where they came from (secrets hidden).
    Show,
}

pub fn run_config(c: ConfigCommand) -> anyhow::Result<ExitCode> {
    match c {
        ConfigCommand::Example => crate::out_nonl!("{EXAMPLE}"),
        ConfigCommand::Show => {
            let c = Config::from_env()?;
            crate::out!("database: {}", c.database_description());
            crate::out!("data_dir: {}", c.data_dir.display());
            crate::out!("max_upload_bytes: {}", c.max_upload_bytes);
            let server = &c.server;
            crate::out!(
                "server: sessions end after {} min unused or {} h after sign-in; {} failed sign-ins lock an account; \
                 run-due every {} min{}",
                server.session_idle.num_minutes(),
                server.session_absolute.num_hours(),
                server.lock_after_failures,
                server.run_due_every.as_secs() / 60,
                if server.insecure_loopback_cookies {
                    "; cookies without Secure (loopback development only)"
                } else {
                    ""
                }
            );
            crate::out!("from: {}", c.sources.join(" → "));
        }
    }
    Ok(ExitCode::SUCCESS)
}
