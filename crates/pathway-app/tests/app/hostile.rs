//! Hostile input against onboarding: organisation files a council might really send (rows in
//! the wrong order, loops, closed parents, bad bytes, broken workbooks) and people changing
//! units and posts beyond what the records allow. Every refusal names the row, column and
//! value (or the rule) and nothing is written.

use pathway_app::config::{Config, Database};
use pathway_app::model::{EmployeeNumber, EmploymentType, NewWorker, PersonName, UnitKind, WorkerDetails};
use pathway_app::service::Pathway;
use pathway_store::testing::TempDir;

use crate::council::date;

const HEADER: &str = "unit,unit_kind,parent_unit,role,post_ref,holder,held_from,reports_to\n";

async fn pathway(dir: &TempDir) -> Pathway {
    let config = Config { database: Database::Sqlite { path: dir.path().join("pathway.db") }, ..Config::defaults() };
    Pathway::open(config).await.expect("open")
}

async fn person(p: &Pathway, authority: &str, number: &str, started: chrono::NaiveDate) {
    let details = WorkerDetails::new(
        EmployeeNumber::parse(number).expect("number"),
        PersonName::parse(&format!("Worker {number}")).expect("name"),
        EmploymentType::Permanent,
        started,
    );
    p.add_worker(authority, &NewWorker { details, timeline: vec![] }).await.expect("worker");
}

/// Rotherham with three workers (R1..R3, started 3 April 2018) and a neighbour authority,
/// Sheffield, with its own worker S1.
async fn councils(p: &Pathway) {
    p.onboard_authority("rotherham", "Rotherham Metropolitan Borough Council", "rotherham").await.expect("rotherham");
    p.onboard_authority("sheffield", "Sheffield City Council", "rotherham").await.expect("sheffield");
    for number in ["R1", "R2", "R3"] {
        person(p, "rotherham", number, date(2018, 4, 3)).await;
    }
    person(p, "sheffield", "S1", date(2018, 4, 3)).await;
}

/// Import `body` (under the standard header unless it starts with its own) as `name`, and
/// return the problems as `row N, column `value`: reason` lines or the file error.
async fn import(p: &Pathway, dir: &TempDir, name: &str, body: &[u8]) -> Result<Vec<String>, String> {
    let file = dir.path().join(name);
    std::fs::write(&file, body).expect("write");
    match p.import_organisation("rotherham", &file, false).await {
        Ok(report) => {
            assert_eq!(report.written, report.is_clean(), "{report:?}");
            Ok(report.problems.iter().map(ToString::to_string).collect())
        }
        Err(e) => Err(e.to_string()),
    }
}

fn rows(body: &str) -> Vec<u8> {
    format!("{HEADER}{body}").into_bytes()
}

async fn nothing_written(p: &Pathway) {
    let view = p.organisation("rotherham", None).await.expect("view");
    assert!(view.units.is_empty(), "nothing was written: {view:?}");
}

#[tokio::test]
async fn an_organisation_file_out_of_order_or_in_a_loop_is_refused_row_by_row() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    let cases: &[(&str, &str, &str)] = &[
        (
            "a team whose locality comes later in the file",
            "Duty Team,team,North,,,,,\nNorth,locality,,,,,,\n",
            "row 2, parent_unit `North`: is on a later row (row 3); put a unit's row before the units and posts inside it",
        ),
        (
            "two units each under the other",
            "North,locality,South,,,,,\nSouth,locality,North,,,,,\n",
            "row 2, parent_unit `South`: is on a later row (row 3)",
        ),
        (
            "a team under a team",
            "Duty Team,team,,,,,,\nPods,team,Duty Team,,,,,\n",
            "row 3, parent_unit `Duty Team`: is a team; a team cannot sit under a team",
        ),
        (
            "the same team twice, spelt differently",
            "Duty Team,team,,,,,,\n  duty   TEAM ,team,,,,,,\n",
            "row 3, unit `duty   TEAM`: a team with this name is already there",
        ),
        (
            "a post whose role the framework does not have",
            "Duty Team,team,,,,,,\nDuty Team,,,chief-wizard,,,,\n",
            "row 3, role `chief-wizard`: `chief-wizard` is not a role of",
        ),
        (
            "a post reporting to itself",
            "Duty Team,team,,,,,,\nDuty Team,,,team-manager,TM,R1,,TM\n",
            "row 3, reports_to `TM`: is this post; a post cannot report to itself",
        ),
        (
            "two posts each reporting to the other",
            "Duty Team,team,,,,,,\nDuty Team,,,team-manager,A,R1,,B\nDuty Team,,,head-of-service,B,R2,,A\n",
            "row 3, reports_to `B`: makes a loop of reporting lines (A, B, A)",
        ),
        (
            "a holder who is another authority's worker",
            "Duty Team,team,,,,,,\nDuty Team,,,team-manager,TM,S1,,\n",
            "row 3, holder `S1`: is not a worker of this authority",
        ),
        (
            "a holding that starts in the future",
            "Duty Team,team,,,,,,\nDuty Team,,,team-manager,TM,R1,2999-01-01,\n",
            "row 3, held_from `2999-01-01`: is after today",
        ),
        (
            "a holding from before the holder started",
            "Duty Team,team,,,,,,\nDuty Team,,,team-manager,TM,R1,2017-01-01,\n",
            "row 3, held_from `2017-01-01`: is before R1 started (2018-04-03)",
        ),
        (
            "a holding date that is not a date",
            "Duty Team,team,,,,,,\nDuty Team,,,team-manager,TM,R1,last spring,\n",
            "row 3, held_from `last spring`:",
        ),
        (
            "a date written as a spreadsheet formula",
            "Duty Team,team,,,,,,\nDuty Team,,,team-manager,TM,R1,=TODAY(),\n",
            "row 3, held_from `=TODAY()`:",
        ),
    ];
    for (what, body, expected) in cases {
        let problems = import(&p, &dir, "organisation.csv", &rows(body)).await.unwrap_or_else(|e| vec![e]);
        assert!(problems.iter().any(|pr| pr.starts_with(expected)), "{what}: expected `{expected}`, got {problems:#?}");
        nothing_written(&p).await;
    }
}

#[tokio::test]
async fn a_post_under_a_closed_unit_is_told_the_unit_is_closed() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    p.add_unit("rotherham", UnitKind::Locality, "North", None).await.expect("north");
    p.close_unit("rotherham", "North", Some(date(2024, 3, 31))).await.expect("closed");
    let problems = import(&p, &dir, "organisation.csv", &rows("Duty Team,team,North,,,,,\nNorth,,,team-manager,,,,\n"))
        .await
        .expect("report");
    assert!(problems[0].starts_with("row 2, parent_unit `North`: closed on 2024-03-31"), "{problems:#?}");
    assert!(problems[1].starts_with("row 3, unit `North`: closed on 2024-03-31"), "{problems:#?}");
    let view = p.organisation("rotherham", None).await.expect("view");
    assert_eq!(view.units.len(), 1, "only the closed locality: {view:?}");
}

#[tokio::test]
async fn a_file_that_is_not_an_organisation_sheet_is_refused_with_what_is_wrong() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    let cases: &[(&str, &str, &[u8], &str)] = &[
        ("an empty file", "empty.csv", b"", "is empty; the first row must name the columns"),
        ("a header and nothing else", "header.csv", HEADER.as_bytes(), "has no units or posts"),
        ("no unit column", "nounit.csv", b"role,holder\nteam-manager,R1\n", "lacks the required column: unit"),
        (
            "a column Pathway does not know",
            "extra.csv",
            b"unit,unit_kind,colour\nDuty,team,red\n",
            "column(s) Pathway does not know: `colour`",
        ),
        (
            "a Latin-1 e in a team's name",
            "latin1.csv",
            b"unit,unit_kind\nCaf\xe9 Team,team\n",
            "row 2, column unit (A): byte 0xE9 is not UTF-8 text (after `Caf`)",
        ),
        (
            "a workbook that is not a zip",
            "fake.xlsx",
            b"unit,unit_kind\nDuty,team\n",
            "cannot be read as an XLSX workbook",
        ),
        ("a truncated workbook", "cut.xlsx", b"PK\x03\x04\x14\x00\x00\x00", "cannot be read as an XLSX workbook"),
    ];
    for (what, name, body, expected) in cases {
        let outcome = import(&p, &dir, name, body).await;
        let text = match &outcome {
            Ok(problems) => problems.join("\n"),
            Err(e) => e.clone(),
        };
        assert!(text.contains(expected), "{what}: expected `{expected}`, got {text}");
        assert!(text.contains(name), "{what}: the file is named: {text}");
        nothing_written(&p).await;
    }
}

#[tokio::test]
async fn a_byte_order_mark_and_windows_line_endings_import_like_any_file() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    let body = format!(
        "\u{feff}{HEADER}Children's Services,service,,,,,,\nDuty Team,team,Children's Services,,,,,\n\
         Duty Team,,,team-manager,TM,R1,2024-04-01,\n"
    )
    .replace('\n', "\r\n");
    let problems = import(&p, &dir, "windows.csv", body.as_bytes()).await.expect("report");
    assert!(problems.is_empty(), "{problems:#?}");
    let view = p.organisation("rotherham", Some(date(2025, 1, 1))).await.expect("view");
    assert_eq!(view.units.len(), 2);
    assert_eq!(view.units[1].name, "Duty Team");
    let holder = view.units[1].posts[0].holder.as_ref().expect("held");
    assert_eq!((holder.employee_number.as_str(), holder.since), ("R1", date(2024, 4, 1)));
}
