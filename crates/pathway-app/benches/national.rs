//! The core figures `bench/run.sh` reports, on the deterministic national dataset.
//!
//! `national memory`: eligibility for one worker and for the whole nation (one thread, and
//! both halves of the nation on two threads), pay for one worker, the coverage of one
//! portfolio against its route, and validating the four bundled frameworks — all in memory.
//!
//! `national storage LABEL DATABASE_URL`: eligibility for the whole nation from storage, as
//! `pathway eligibility --authority` works it out (load the authority's records, judge every
//! route with its reasons): each authority in turn, three times, the best pass reported in
//! total and per authority. The database must hold the national demo (`pathway demo --scale
//! national`); nothing is written to it beyond what opening it does (migrations already run).
//!
//! Every figure is printed for a reader and once more as a tab-separated `RESULT` line
//! (`RESULT area name value unit note`) that `bench/run.sh` puts in its table. Timings only:
//! nothing here asserts a speed.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use pathway_app::config::Config;
use pathway_app::demo::{Scale, generate};
use pathway_app::service::Pathway;
use pathway_core::anonymise::AnonymisationStatus;
use pathway_core::bundled;
use pathway_core::eligibility::{WorkerFacts, evaluate};
use pathway_core::framework::{Framework, RouteId, load};
use pathway_core::ids::{EvidenceId, WorkerId};
use pathway_core::pay::{self, Located};
use pathway_core::portfolio::{
    Authorisation, Contributor, EvidenceDetail, EvidenceItem, EvidenceParts, FeedbackSource, coverage,
};
use pathway_core::workforce::PersonName;
use pathway_store::Tenancy;

type Failure = Box<dyn std::error::Error>;

/// One figure, for the reader and for the script.
fn report(area: &str, name: &str, value: f64, unit: &str, note: &str) {
    println!("{area}: {name}: {value:.3} {unit} {note}");
    println!("RESULT\t{area}\t{name}\t{value:.3}\t{unit}\t{note}");
}

/// The mean time of one call of `work`, over enough calls to fill about half a second,
/// best of three such rounds.
fn per_call(mut work: impl FnMut()) -> Duration {
    let started = Instant::now();
    let mut calls: u32 = 0;
    while started.elapsed() < Duration::from_millis(50) {
        work();
        calls += 1;
    }
    let calls = (calls * 10).max(1);
    (0..3)
        .map(|_| {
            let round = Instant::now();
            for _ in 0..calls {
                work();
            }
            round.elapsed() / calls
        })
        .min()
        .unwrap_or_default()
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, Failure> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("{y}-{m}-{d} is not a date").into())
}

/// A Bexley Level 2 worker's portfolio for the Level 3 panel: a development log, two
/// reflective summaries, an observation, the manager's report signed off twice, and two
/// pieces of feedback from children.
fn bexley_portfolio() -> Result<Vec<EvidenceItem>, Failure> {
    let person = |name: &str| PersonName::parse(name);
    let piece = |id: i64, detail: EvidenceDetail, title: &str| -> Result<EvidenceParts, Failure> {
        Ok(EvidenceParts {
            id: EvidenceId::new(id),
            owner: WorkerId::new(7),
            detail,
            date: date(2025, 2, 10)?,
            title: title.into(),
            text: Some("Young person C (14) and their carer: I used a genogram and a three houses session.".into()),
            files: Vec::new(),
            pages: None,
            authorisations: Vec::new(),
            pcf: Vec::new(),
            kss: Vec::new(),
            pcf_level: None,
            anonymisation: AnonymisationStatus::Cleared { on: date(2025, 2, 11)? },
        })
    };
    let manager =
        Contributor { role: "team-manager".into(), name: person("Ruth Adeyemi")?, worker: None, entered_by: None };
    let parts = vec![
        piece(1, EvidenceDetail::Other, "How I met my appraisal goals this year")?,
        EvidenceParts {
            pcf: vec!["pcf.6".into()],
            kss: vec!["cfp.7".into()],
            ..piece(2, EvidenceDetail::ReflectiveSummary, "Planning with a family under a child protection plan")?
        },
        EvidenceParts {
            pcf: vec!["knowledge".into(), "pcf.7".into()],
            kss: vec!["cfp.3".into()],
            ..piece(3, EvidenceDetail::ReflectiveSummary, "Direct work with a young person out of school")?
        },
        piece(4, EvidenceDetail::PracticeObservation { observer: manager.clone() }, "Observed: a home visit")?,
        EvidenceParts {
            pages: Some(1),
            authorisations: vec![
                Authorisation {
                    role: "service-manager".into(),
                    by: person("Owen Price")?,
                    on: date(2025, 3, 3)?,
                    worker: None,
                },
                Authorisation {
                    role: "head-of-service".into(),
                    by: person("Lena Ward")?,
                    on: date(2025, 3, 10)?,
                    worker: None,
                },
            ],
            ..piece(5, EvidenceDetail::ManagerReport { written_by: Some(manager) }, "Manager's report for Level 3")?
        },
        piece(
            6,
            EvidenceDetail::Feedback { from: FeedbackSource::ChildOrYoungPerson },
            "What C said about our sessions",
        )?,
        piece(7, EvidenceDetail::Feedback { from: FeedbackSource::ChildOrYoungPerson }, "What D said after court")?,
    ];
    parts.into_iter().map(|p| EvidenceItem::new(p).map_err(|e| e.to_string().into())).collect()
}

fn memory() -> Result<(), Failure> {
    let today = chrono::Local::now().date_naive();
    let started = Instant::now();
    let authorities = generate(Scale::National, today, 2026)?;
    let frameworks: BTreeMap<String, Framework> = bundled::FILES
        .iter()
        .filter_map(|file| bundled::framework(file.id).map(|framework| (file.id.to_owned(), framework)))
        .collect();
    let mut population: Vec<(&Framework, WorkerFacts)> = Vec::new();
    for authority in &authorities {
        let framework = frameworks
            .get(authority.framework.as_str())
            .ok_or_else(|| format!("no bundled framework `{}`", authority.framework))?;
        population.extend(authority.workers.iter().filter_map(|w| w.facts(today).map(|facts| (framework, facts))));
    }
    let note = format!("{} workers on a ladder in {} authorities", population.len(), authorities.len());
    report("memory", "generate the national dataset", millis(started.elapsed()), "ms", &note);

    // One worker: the first with a route out of their level.
    let (framework, facts) = population
        .iter()
        .find(|(framework, facts)| !evaluate(framework, facts, today).is_empty())
        .ok_or("no worker in the dataset has a route to judge")?;
    let one = per_call(|| {
        black_box(evaluate(framework, black_box(facts), today));
    });
    report("memory", "eligibility, one worker", micros(one), "µs", "every route out of their level, with reasons");

    let judge = |people: &[(&Framework, WorkerFacts)]| {
        people.iter().map(|(framework, facts)| evaluate(framework, facts, today).len()).sum::<usize>()
    };
    let mut best = Duration::MAX;
    let mut routes = 0;
    for _ in 0..5 {
        let pass = Instant::now();
        routes = black_box(judge(&population));
        best = best.min(pass.elapsed());
    }
    let note = format!("{} worker-routes, one thread, best of 5", routes);
    report("memory", "eligibility, the nation", millis(best), "ms", &note);

    let (first, second) = population.split_at(population.len() / 2);
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let pass = Instant::now();
        let judged = std::thread::scope(|threads| {
            let other = threads.spawn(|| judge(second));
            judge(first) + other.join().unwrap_or(0)
        });
        black_box(judged);
        best = best.min(pass.elapsed());
    }
    report("memory", "eligibility, the nation on two threads", millis(best), "ms", "both cores, best of 5");

    // Pay: a worker's salary today from their grade and point, as the worker detail shows it.
    let bexley = frameworks.get("bexley").ok_or("no bundled bexley framework")?;
    let grade = bexley.grades.iter().rev().find(|g| !g.points.is_empty()).ok_or("bexley has no grade with points")?;
    let point = grade.points.last().ok_or("bexley's grade has no points")?;
    let pay_one = per_call(|| {
        let salary = match pay::locate(bexley, grade, point.point.as_str()) {
            Ok(Located::At(index)) => Some(pay::salary_at(bexley, grade, index, today)),
            _ => None,
        };
        black_box(salary);
    });
    report("memory", "pay, one worker", micros(pay_one), "µs", "grade and point to salary with allowances");

    let portfolio = bexley_portfolio()?;
    let route = bexley.route(&RouteId::from("level-2-to-level-3")).ok_or("bexley has no Level 2 to 3 route")?;
    let checked = per_call(|| {
        black_box(coverage(bexley, route, black_box(&portfolio), today));
    });
    report("memory", "portfolio coverage, one route", micros(checked), "µs", "7 items against Bexley's Level 2 → 3");

    let validated = per_call(|| {
        for file in bundled::FILES {
            black_box(load(black_box(file.text)));
        }
    });
    report(
        "memory",
        "validate the four bundled frameworks",
        millis(validated),
        "ms",
        "parse, shape and meaning checks",
    );
    Ok(())
}

async fn storage(label: &str, url: &str) -> Result<(), Failure> {
    let config = Config::load(&|key| (key == "PATHWAY_DATABASE_URL").then(|| url.to_owned()))?;
    let opened = Instant::now();
    let pathway = Pathway::open(config).await?;
    let opened = opened.elapsed();
    let today = chrono::Local::now().date_naive();
    let authorities = pathway.store().authorities().await?;
    if authorities.is_empty() {
        return Err(format!("{label}: the database holds no authorities; load `pathway demo --scale national`").into());
    }
    report(&format!("storage {label}"), "open and check migrations", millis(opened), "ms", "");
    let mut passes: Vec<(Duration, Vec<Duration>, usize, usize)> = Vec::new();
    for _ in 0..3 {
        let pass = Instant::now();
        let mut each = Vec::with_capacity(authorities.len());
        let (mut workers, mut routes) = (0, 0);
        for authority in &authorities {
            let one = Instant::now();
            let judged = pathway.workforce_eligibility(authority.id.as_str(), today, 6).await?;
            each.push(one.elapsed());
            workers += judged.workers;
            routes += judged.worker_routes;
        }
        passes.push((pass.elapsed(), each, workers, routes));
    }
    pathway.close().await;
    let (total, mut each, workers, routes) =
        passes.into_iter().min_by_key(|(total, ..)| *total).ok_or("no pass was timed")?;
    each.sort();
    let area = format!("storage {label}");
    let note = format!("{} authorities, {workers} workers, {routes} worker-routes; best of 3", authorities.len());
    report(&area, "eligibility, the nation from storage", millis(total), "ms", &note);
    let median = each.get(each.len() / 2).copied().unwrap_or_default();
    let largest = each.last().copied().unwrap_or_default();
    report(&area, "eligibility, one authority from storage (median)", millis(median), "ms", "load and judge");
    report(&area, "eligibility, one authority from storage (slowest)", millis(largest), "ms", "load and judge");
    Ok(())
}

fn main() -> std::process::ExitCode {
    // `cargo bench` adds `--bench`; what is left names the work.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let outcome = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] | ["memory"] => memory(),
        ["storage", label, url] => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(Failure::from)
            .and_then(|runtime| runtime.block_on(storage(label, url))),
        _ => Err("usage: national [memory | storage LABEL DATABASE_URL]".into()),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("national bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
