//! How fast a 100,000-row worker CSV imports: read, checked against the framework, and
//! written in one transaction, through the same code as `pathway import workers`.
//!
//! Run: `cargo bench -p pathway-app --bench import`. Generates a deterministic file in a
//! temporary directory, imports it into a fresh SQLite database (and, when
//! `PATHWAY_BENCH_POSTGRES_URL` is set, into a fresh schema there, dropped afterwards), and
//! prints rows per second. Figures go in docs/performance.md.

use std::error::Error;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use pathway_app::config::Config;
use pathway_app::import::{ImportOptions, ImportReport, Sheet, import_sheet};
use pathway_app::service::Pathway;
use pathway_core::workforce::{AuthorityId, Name, NewAuthority};
use pathway_store::postgres::PostgresStore;
use pathway_store::{FrameworkFile, FrameworkVersions, Store, Tenancy};
use sqlx::{AssertSqlSafe, Connection};

const ROWS: usize = 100_000;

type Failure = Box<dyn Error>;

/// A deterministic Rotherham workforce: every level, grade and point, registrations, ASYE
/// outcomes, awards and appraisals, across 60 teams.
fn write_file(path: &Path) -> Result<(), Failure> {
    // (level, grade, points) on Rotherham's ladder.
    let ladder: [(&str, &str, &[&str]); 4] = [
        ("Level 1", "Band G", &["29"]),
        ("Level 2", "Band H", &["32", "33"]),
        ("Level 3", "Band I", &["34", "35", "36", "37"]),
        ("Level 4", "Band J", &["38", "39", "40", "41"]),
    ];
    let first = ["Aisha", "Ben", "Chloe", "Dan", "Ella", "Femi", "Grace", "Harry", "Isla", "Jack", "Kemi", "Liam"];
    let last = ["Khan", "Carter", "Davies", "Evans", "Francis", "Green", "Hall", "Irwin", "Jones", "King", "Lewis"];
    let mut text = String::with_capacity(ROWS * 330);
    text.push_str(
        "employee_number,name,employment_type,start_date,team,qualification_title,qualification_institution,\
         qualified_on,swe_number,swe_status,swe_renewal_due,asye_cohort,asye_status,asye_outcome,asye_outcome_date,\
         level,level_since,grade,pay_point,awards,last_appraisal_date,last_appraisal_outcome\n",
    );
    let mut seed: u64 = 2026;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(seed >> 33).unwrap_or(0) % n.max(1)
    };
    for i in 1..=ROWS {
        let (level, grade, points) = ladder[next(ladder.len())];
        let point = points[next(points.len())];
        let start_year = 2005 + next(20);
        let employment = ["permanent", "permanent", "permanent", "agency", "secondment"][next(5)];
        let qualified = start_year - 1;
        let awards = if next(3) == 0 { "peps-stage-1 | 2023-06-30; peps-stage-2 | 2024-07-31" } else { "" };
        let appraisal = ["ready-to-apply-for-progression", "meeting-expectations", "not-yet-ready"][next(3)];
        writeln!(
            text,
            "R{i:06},{} {},{employment},{start_year}-09-01,Team {},MA Social Work,University of Sheffield,\
             {qualified}-07-01,SW{i:07},registered,2026-11-30,{start_year}-10,completed,passed,{}-10-01,\
             {level},{}-04-01,{grade},{point},{awards},2025-04-{:02},{appraisal}",
            first[next(first.len())],
            last[next(last.len())],
            1 + next(60),
            start_year + 1,
            start_year + 1,
            1 + next(28),
        )?;
    }
    std::fs::write(path, text)?;
    Ok(())
}

fn options() -> ImportOptions {
    ImportOptions { dry_run: false, skip_invalid: false, create_teams: true }
}

fn print(db: &str, report: &ImportReport, checked_in: f64, total: f64) {
    println!(
        "{db}: imported {} workers (and {} teams) in {total:.2} s: {:.0} rows/s overall; reading and checking \
         alone (a dry run) takes {checked_in:.2} s",
        report.imported,
        report.new_teams.len(),
        report.imported as f64 / total
    );
}

async fn sqlite(file: &Path, dir: &Path) -> Result<(), Failure> {
    let db = dir.join("pathway.db");
    let url = db.display().to_string();
    let config = Config::load(&|k| (k == "PATHWAY_DATABASE_URL").then(|| url.clone()))?;
    let pathway = Pathway::open(config).await?;
    let id = AuthorityId::parse("rotherham")?;
    pathway.store().create_authority(&NewAuthority { id, name: Name::parse("Rotherham")? }).await?;
    pathway.sync_frameworks("rotherham", &[]).await?;
    // A dry run first times reading and checking alone (the same code, minus the write).
    let started = Instant::now();
    let dry = ImportOptions { dry_run: true, ..options() };
    pathway.import_workers("rotherham", file, dry, &|_, _| {}).await?;
    let checked_in = started.elapsed().as_secs_f64();
    let written = AtomicUsize::new(0);
    let started = Instant::now();
    let report =
        pathway.import_workers("rotherham", file, options(), &|done, _| written.store(done, Ordering::Relaxed)).await?;
    let total = started.elapsed().as_secs_f64();
    if written.load(Ordering::Relaxed) != report.imported {
        return Err("progress did not reach the end of the import".into());
    }
    pathway.close().await;
    print("SQLite", &report, checked_in, total);
    Ok(())
}

async fn postgres(file: &Path, url: &str) -> Result<(), Failure> {
    let schema = format!("pathway_bench_{}", std::process::id());
    let store = PostgresStore::connect(url, Some(&schema)).await?;
    let result = async {
        store.migrate().await?;
        let store = Store::Postgres(store.clone());
        let id = AuthorityId::parse("rotherham")?;
        store.create_authority(&NewAuthority { id: id.clone(), name: Name::parse("Rotherham")? }).await?;
        let scope = store.scope(&id).await?;
        let bundled = pathway_core::bundled::file("rotherham").ok_or("no bundled rotherham")?;
        let framework_file = FrameworkFile::parse(bundled.file, bundled.text)?;
        store.sync_frameworks(&scope, std::slice::from_ref(&framework_file)).await?;
        let started = Instant::now();
        let dry = ImportOptions { dry_run: true, ..options() };
        import_sheet(&store, &scope, framework_file.framework(), Sheet::open(file)?, dry, &|_, _| {}).await?;
        let checked_in = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let sheet = Sheet::open(file)?;
        let report = import_sheet(&store, &scope, framework_file.framework(), sheet, options(), &|_, _| {}).await?;
        print("PostgreSQL", &report, checked_in, started.elapsed().as_secs_f64());
        Ok::<(), Failure>(())
    }
    .await;
    store.close().await;
    let mut conn = sqlx::PgConnection::connect(url).await?;
    sqlx::query(AssertSqlSafe(format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))).execute(&mut conn).await?;
    conn.close().await?;
    result
}

async fn run() -> Result<(), Failure> {
    let dir = std::env::temp_dir().join(format!("pathway-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("workers.csv");
    let started = Instant::now();
    write_file(&file)?;
    println!(
        "generated {ROWS} rows ({:.1} MB) in {:.2?}",
        std::fs::metadata(&file)?.len() as f64 / 1e6,
        started.elapsed()
    );
    let outcome = async {
        sqlite(&file, &dir).await?;
        match std::env::var("PATHWAY_BENCH_POSTGRES_URL") {
            Ok(url) if !url.trim().is_empty() => postgres(&file, &url).await,
            _ => {
                println!("PostgreSQL: skipped (set PATHWAY_BENCH_POSTGRES_URL to measure it)");
                Ok(())
            }
        }
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

fn main() {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("no runtime: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(run()) {
        eprintln!("import benchmark failed: {e}");
        std::process::exit(1);
    }
}
