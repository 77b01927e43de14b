//! How long eligibility takes for a national workforce (~100,000 workers, ~150 authorities).
//!
//! Run: `cargo bench -p pathway-app --bench eligibility`. Prints the time to evaluate every
//! route for every worker, best of five runs, and the status counts as a check that real
//! work was done. Figures go in docs/performance.md.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::NaiveDate;
use pathway_app::demo::{Scale, generate};
use pathway_core::bundled;
use pathway_core::eligibility::{WorkerFacts, evaluate};
use pathway_core::framework::Framework;

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let started = Instant::now();
    let authorities = match generate(Scale::National, today, 2026) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("could not generate the national dataset: {e}");
            std::process::exit(1);
        }
    };
    let frameworks: BTreeMap<String, Framework> =
        bundled::FILES.iter().filter_map(|f| bundled::framework(f.id).map(|x| (f.id.to_owned(), x))).collect();
    let population: Vec<(&Framework, WorkerFacts)> = authorities
        .iter()
        .flat_map(|a| {
            let f = &frameworks[a.framework.as_str()];
            a.workers.iter().filter_map(move |w| w.facts(today).map(|facts| (f, facts)))
        })
        .collect();
    println!(
        "generated {} authorities, {} workers on a ladder, in {:.2?}",
        authorities.len(),
        population.len(),
        started.elapsed()
    );

    let mut best = std::time::Duration::MAX;
    let mut counts = BTreeMap::new();
    for run in 0..5 {
        let t = Instant::now();
        let mut local = BTreeMap::new();
        for (f, facts) in &population {
            for r in evaluate(f, facts, today) {
                *local.entry(format!("{:?}", r.status)).or_insert(0u64) += 1;
            }
        }
        let elapsed = t.elapsed();
        best = best.min(elapsed);
        if run == 0 {
            counts = local;
        }
    }
    println!("evaluated every route for {} workers: best of 5 = {:.2?}", population.len(), best);
    println!("route statuses: {counts:?}");
}
