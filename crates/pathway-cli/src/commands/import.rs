//! `pathway import workers`, `pathway import template` and `pathway export workers`: the
//! workforce in and out as CSV or XLSX.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pathway_app::AppError;
use pathway_app::export::{self, SheetFormat};
use pathway_app::import::{ImportOptions, ImportReport};

use super::db::{block_on, open};
use crate::{out, output};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import workers from a CSV or XLSX file (columns: docs/import-format.md). A file with any
    /// bad row imports nothing unless --skip-invalid is given. Exit code 0: every row
    /// imported (or, with --dry-run, good); 1: some rows are bad; 2: the file or database
    /// could not be used.
    Workers(ImportWorkersArgs),
    /// Import an organisation's units and posts from a CSV or XLSX file (columns:
    /// docs/import-format.md): a row with a role is a post, one without is a unit. A file
    /// with any bad row imports nothing. Exit code 0: imported (or, with --dry-run, good);
    /// 1: some rows are bad; 2: the file or database could not be used.
    Organisation(ImportOrganisationArgs),
    /// Write the import template: the columns with one example row (XLSX adds a Notes sheet);
    /// with --organisation, the organisation file's columns with example rows.
    Template(TemplateArgs),
}

#[derive(Debug, Args)]
pub struct ImportOrganisationArgs {
    /// The file: .csv (UTF-8) or .xlsx (the first sheet).
    file: PathBuf,
    /// The authority to import into.
    #[arg(long)]
    authority: String,
    /// Check every row and report; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Every worker of an authority, in the import's columns, so the file can be imported again.
    Workers(ExportWorkersArgs),
    /// An authority's open units and posts (with today's holders), in the organisation
    /// import's columns, so the file can be imported again.
    Organisation(ExportWorkersArgs),
    /// Everything held about one person (subject access): their records, posts held,
    /// portfolio with its files, applications, exceptions, panel hearings, ASYE and the
    /// audit trail of those records, as JSON files in a zip.
    Subject(ExportSubjectArgs),
}

#[derive(Debug, Args)]
pub struct ExportSubjectArgs {
    /// The authority.
    #[arg(long)]
    authority: String,
    /// The person's employee number.
    #[arg(long)]
    worker: String,
    /// The zip to write (must not exist yet).
    #[arg(long)]
    out: PathBuf,
    /// Print what was written as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ImportWorkersArgs {
    /// The file: .csv (UTF-8) or .xlsx (the `Workers` sheet, or the first sheet).
    file: PathBuf,
    /// The authority to import into.
    #[arg(long)]
    authority: String,
    /// Check every row and report; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Import the good rows even when some rows are bad (those are reported and left out).
    #[arg(long)]
    skip_invalid: bool,
    /// Create the teams the file names that the authority does not have yet (under its
    /// service if it has exactly one).
    #[arg(long)]
    create_teams: bool,
    /// Show progress even when stderr is not a terminal (as plain lines).
    #[arg(long)]
    progress: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Comma-separated values (UTF-8).
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl From<FormatArg> for SheetFormat {
    fn from(f: FormatArg) -> SheetFormat {
        match f {
            FormatArg::Csv => SheetFormat::Csv,
            FormatArg::Xlsx => SheetFormat::Xlsx,
        }
    }
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// csv or xlsx (default: from --out's extension, else csv).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Where to write it (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The framework whose levels and grades the example and notes use: a bundled id or a file.
    #[arg(long, default_value = "rotherham")]
    framework: String,
    /// The organisation file's template instead of the workers file's.
    #[arg(long)]
    organisation: bool,
}

#[derive(Debug, Args)]
pub struct ExportWorkersArgs {
    /// The authority.
    #[arg(long)]
    authority: String,
    /// csv or xlsx (default: from --out's extension, else csv).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Where to write it (default: standard output).
    #[arg(long)]
    out: Option<PathBuf>,
}

pub fn run_import(command: ImportCommand) -> anyhow::Result<ExitCode> {
    match command {
        ImportCommand::Workers(a) => import_workers(a),
        ImportCommand::Organisation(a) => import_organisation(a),
        ImportCommand::Template(a) => {
            let format = choose_format(a.format, a.out.as_deref());
            let bytes = if a.organisation {
                pathway_app::import::organisation::template(format, &pathway_app::catalog::resolve(&a.framework)?)?
            } else {
                export::template_for(format, &a.framework)?
            };
            write_out(&bytes, a.out.as_deref(), format)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn run_export(command: ExportCommand) -> anyhow::Result<ExitCode> {
    match command {
        ExportCommand::Workers(a) => block_on(async move {
            let format = choose_format(a.format, a.out.as_deref());
            let p = open().await?;
            let bytes = p.export_workers(&a.authority, format).await;
            p.close().await;
            write_out(&bytes?, a.out.as_deref(), format)?;
            Ok(ExitCode::SUCCESS)
        }),
        ExportCommand::Organisation(a) => block_on(async move {
            let format = choose_format(a.format, a.out.as_deref());
            let p = open().await?;
            let bytes = p.export_organisation(&a.authority, format).await;
            p.close().await;
            write_out(&bytes?, a.out.as_deref(), format)?;
            Ok(ExitCode::SUCCESS)
        }),
        ExportCommand::Subject(a) => block_on(async move {
            let p = open().await?;
            let done = p.export_subject(&a.authority, &a.worker, &a.out).await;
            p.close().await;
            let done = done?;
            if a.json {
                output::json(&done)?;
            } else {
                out!("Wrote everything held about {} to {}:", done.worker, done.path.display());
                for (name, n) in &done.contents {
                    out!("  {name}: {n}");
                }
                out!("  files/: {} evidence file(s)", done.files);
            }
            Ok(ExitCode::SUCCESS)
        }),
    }
}

fn import_organisation(a: ImportOrganisationArgs) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        let report = p.import_organisation(&a.authority, &a.file, a.dry_run).await;
        p.close().await;
        let report = report?;
        if a.json {
            output::json(&report)?;
        } else {
            out!("{}: {} row(s) for {} (framework {})", report.file, report.rows, report.authority, report.framework);
            for problem in &report.problems {
                out!("  {problem}");
            }
            let counts = format!("{} unit(s) and {} post(s), {} held", report.units, report.posts, report.held);
            if report.written {
                out!("Imported {counts}.");
            } else if report.dry_run && report.is_clean() {
                out!("Dry run: every row is good; {counts} would be imported.");
            } else {
                out!("Nothing was imported: {} problem(s).", report.problems.len());
            }
        }
        Ok(if report.is_clean() { ExitCode::SUCCESS } else { ExitCode::from(1) })
    })
}

fn choose_format(format: Option<FormatArg>, out: Option<&Path>) -> SheetFormat {
    match (format, out.and_then(|o| o.extension()).and_then(|e| e.to_str())) {
        (Some(f), _) => f.into(),
        (None, Some(ext)) if ext.eq_ignore_ascii_case("xlsx") => SheetFormat::Xlsx,
        _ => SheetFormat::Csv,
    }
}

fn write_out(bytes: &[u8], out: Option<&Path>, format: SheetFormat) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, bytes).map_err(|e| AppError::BadInput {
                field: path.display().to_string(),
                message: format!("cannot write: {e}"),
            })?;
            eprintln!("Wrote {}.", path.display());
        }
        None if format == SheetFormat::Xlsx && std::io::stdout().is_terminal() => {
            return Err(AppError::BadInput {
                field: "--out".into(),
                message: "an XLSX workbook is not text; give --out FILE.xlsx".into(),
            }
            .into());
        }
        None => std::io::stdout().write_all(bytes)?,
    }
    Ok(())
}

/// Progress on stderr: a bar on a terminal; with --progress elsewhere (CI logs), a line at
/// every tenth.
struct Progress {
    bar: Option<ProgressBar>,
    lines: bool,
    last_tenth: Mutex<usize>,
    /// Test hook: PATHWAY_IMPORT_PAUSE_AFTER_ROWS=N stops for a long time after N workers are
    /// written, inside the import's transaction, so a test can kill the process mid-import.
    pause_after: Option<usize>,
}

impl Progress {
    fn new(forced: bool) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let bar = terminal.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
                .map(|s| s.progress_chars("=> "))
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_message("importing");
            bar
        });
        let pause_after = std::env::var("PATHWAY_IMPORT_PAUSE_AFTER_ROWS").ok().and_then(|v| v.trim().parse().ok());
        Progress { bar, lines: forced && !terminal, last_tenth: Mutex::new(0), pause_after }
    }

    fn update(&self, done: usize, total: usize) {
        if let Some(bar) = &self.bar {
            if bar.length() != Some(total as u64) {
                bar.set_length(total as u64);
            }
            bar.set_position(done as u64);
        } else if self.lines && total > 0 {
            let tenth = done * 10 / total;
            if let Ok(mut last) = self.last_tenth.lock()
                && tenth > *last
            {
                *last = tenth;
                eprintln!("imported {done} of {total} workers");
            }
        }
        if self.pause_after.is_some_and(|n| done >= n) {
            eprintln!("PATHWAY_IMPORT_PAUSE_AFTER_ROWS: pausing after {done} workers, inside the import transaction");
            std::thread::sleep(Duration::from_secs(3600));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn import_workers(a: ImportWorkersArgs) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        let options = ImportOptions { dry_run: a.dry_run, skip_invalid: a.skip_invalid, create_teams: a.create_teams };
        let progress = Progress::new(a.progress);
        let report =
            p.import_workers(&a.authority, &a.file, options, &|done, total| progress.update(done, total)).await;
        progress.finish();
        p.close().await;
        let report = report?;
        if a.json {
            output::json(&report)?;
        } else {
            print_report(&report, &options);
        }
        Ok(if report.is_clean() { ExitCode::SUCCESS } else { ExitCode::from(1) })
    })
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn print_report(r: &ImportReport, options: &ImportOptions) {
    println!("Checked {} of {} against {} for {}.", plural(r.rows, "row", "rows"), r.file, r.framework, r.authority);
    if !r.problems.is_empty() {
        println!(
            "{} {} problems:",
            plural(r.invalid_rows, "row", "rows"),
            if r.invalid_rows == 1 { "has" } else { "have" }
        );
        for problem in &r.problems {
            println!("  {}: {problem}", r.file);
        }
    }
    let teams = if r.new_teams.is_empty() {
        String::new()
    } else {
        format!(" and {} ({})", plural(r.new_teams.len(), "new team", "new teams"), r.new_teams.join(", "))
    };
    if r.dry_run {
        println!(
            "Dry run: {} would be imported{teams}; nothing was written.",
            plural(r.valid_rows, "worker", "workers")
        );
        if !r.is_clean() && !options.skip_invalid {
            println!("As it stands the import would be refused: fix the rows above or use --skip-invalid.");
        }
    } else if r.imported > 0 {
        println!("Imported {}{teams} into {}.", plural(r.imported, "worker", "workers"), r.authority);
        if !r.is_clean() {
            println!("The {} listed above were left out (--skip-invalid).", plural(r.invalid_rows, "row", "rows"));
        }
    } else if !r.is_clean() && !options.skip_invalid && r.valid_rows > 0 {
        println!(
            "Nothing was imported. Fix the rows above and run again, or use --skip-invalid to import the {} good {}.",
            r.valid_rows,
            if r.valid_rows == 1 { "row" } else { "rows" }
        );
    } else {
        println!("Nothing was imported: no row is good. Fix the rows above and run again.");
    }
}
