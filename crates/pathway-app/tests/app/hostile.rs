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
            "a value past the last header, which would be lost",
            "Duty Team,team,,,,,,,Family Help\n",
            "row 2, (no header) `Family Help`: is in column I, which has no header, so it would be lost",
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

#[tokio::test]
async fn units_cannot_be_moved_into_themselves_or_closed_while_a_post_is_held() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    p.add_unit("rotherham", UnitKind::Service, "Children's Services", None).await.expect("service");
    p.add_unit("rotherham", UnitKind::Locality, "North", Some("Children's Services")).await.expect("north");
    p.add_unit("rotherham", UnitKind::Locality, "North East", Some("North")).await.expect("north east");
    p.add_unit("rotherham", UnitKind::Team, "Duty Team", Some("North East")).await.expect("team");

    let err = p.move_unit("rotherham", "North", Some("North East")).await.expect_err("inside itself");
    assert!(err.to_string().contains("which is inside it"), "{err}");
    let err = p.move_unit("rotherham", "North", Some("North")).await.expect_err("under itself");
    assert!(err.to_string().contains("which is inside it"), "{err}");
    let err = p.move_unit("rotherham", "North", Some("Duty Team")).await.expect_err("under a team");
    assert!(err.to_string().contains("a locality cannot sit under a team"), "{err}");
    let err = p.rename_unit("rotherham", "North East", " north  EAST ").await;
    assert!(err.is_ok(), "renaming a unit to its own name in other letters is fine: {err:?}");
    p.add_unit("rotherham", UnitKind::Locality, "South", Some("Children's Services")).await.expect("south");
    let err = p.rename_unit("rotherham", "South", "NORTH").await.expect_err("a sibling's name");
    assert!(err.to_string().contains("already exists there"), "{err}");

    p.create_post("rotherham", "Duty Team", "team-manager", Some("R3"), Some(date(2024, 4, 1)), None)
        .await
        .expect("tm");
    p.move_unit("rotherham", "Duty Team", Some("South")).await.expect("a team moves with its post");
    let err = p.close_unit("rotherham", "Duty Team", Some(date(2025, 3, 31))).await.expect_err("held");
    assert!(err.to_string().contains("held after 2025-03-31; vacate it first"), "{err}");
    let err = p.close_unit("rotherham", "South", Some(date(2999, 1, 1))).await.expect_err("a closure ahead of time");
    assert!(err.to_string().contains("2999-01-01 is after today; record the closure of South on the day"), "{err}");
    let err = p.close_unit("rotherham", "North", Some(date(2025, 3, 31))).await.expect_err("contains a unit");
    assert!(err.to_string().contains("still contains north  EAST"), "{err}");
}

#[tokio::test]
async fn a_post_is_held_only_by_the_authoritys_own_worker_while_employed_and_never_twice_at_once() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    p.add_unit("rotherham", UnitKind::Service, "Children's Services", None).await.expect("service");
    let hos = p
        .create_post("rotherham", "Children's Services", "head-of-service", Some("R1"), Some(date(2022, 1, 1)), None)
        .await
        .expect("hos");

    // Sheffield's worker is not Rotherham's to appoint.
    let err = p.assign_post("rotherham", hos.id, "S1", Some(date(2024, 1, 1))).await.expect_err("other authority");
    assert!(err.to_string().contains("S1"), "{err}");
    // Nor can Sheffield touch Rotherham's post.
    let err = p.assign_post("sheffield", hos.id, "S1", Some(date(2024, 1, 1))).await.expect_err("other's post");
    assert!(err.to_string().contains(&format!("no post {} in sheffield", hos.id)), "{err}");
    // Nobody holds a post from before they started.
    let err = p
        .create_post("rotherham", "Children's Services", "team-manager", Some("R2"), Some(date(2017, 6, 1)), None)
        .await
        .expect_err("before R2 started");
    assert!(err.to_string().contains("2017-06-01 is before R2 started (2018-04-03)"), "{err}");
    let err = p.assign_post("rotherham", hos.id, "R2", Some(date(2018, 1, 1))).await.expect_err("before start");
    assert!(err.to_string().contains("is before R2 started"), "{err}");

    // A new holder from a day before the current holder began is refused; from a later day
    // the current holding ends that day, and both are kept.
    let err = p.assign_post("rotherham", hos.id, "R2", Some(date(2021, 12, 31))).await.expect_err("overlap");
    assert!(err.to_string().contains("a new holder can start only after the last recorded holding"), "{err}");
    p.assign_post("rotherham", hos.id, "R2", Some(date(2024, 9, 1))).await.expect("handover");
    let before = p.post_list("rotherham", Some(date(2024, 8, 31))).await.expect("list");
    let after = p.post_list("rotherham", Some(date(2024, 9, 1))).await.expect("list");
    let holder = |posts: &[pathway_app::organisation::PostView]| {
        posts[0].holder.as_ref().map(|h| h.employee_number.clone()).unwrap_or_default()
    };
    assert_eq!((holder(&before), holder(&after)), ("R1".to_owned(), "R2".to_owned()));
    // Going back before the handover is refused too.
    let err = p.assign_post("rotherham", hos.id, "R3", Some(date(2023, 1, 1))).await.expect_err("into the past");
    assert!(err.to_string().contains("a new holder can start only after the last recorded holding"), "{err}");

    // A vacancy cannot start before the current holder did.
    let err = p.vacate_post("rotherham", hos.id, Some(date(2024, 8, 1))).await.expect_err("before R2 began");
    assert!(err.to_string().contains("vacate it from a later day"), "{err}");
    p.vacate_post("rotherham", hos.id, Some(date(2025, 3, 31))).await.expect("vacated");
    let err = p.vacate_post("rotherham", hos.id, Some(date(2025, 4, 30))).await.expect_err("twice");
    assert!(err.to_string().contains("already vacant"), "{err}");
    // Asking for what is already so is a conflict with the record (409 over the API).
    assert_eq!(err.code(), "conflict", "{err}");
    let kept = p.post_list("rotherham", Some(date(2023, 6, 1))).await.expect("list");
    assert_eq!(holder(&kept), "R1", "earlier holdings are kept");
}

#[tokio::test]
async fn nothing_new_goes_into_a_closed_unit_and_no_post_reports_across_authorities() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    p.add_unit("rotherham", UnitKind::Locality, "North", None).await.expect("north");
    p.close_unit("rotherham", "North", Some(date(2024, 3, 31))).await.expect("closed");
    let err = p.add_unit("rotherham", UnitKind::Team, "Duty Team", Some("North")).await.expect_err("closed parent");
    assert!(err.to_string().contains("closed on 2024-03-31; a closed unit takes no new units"), "{err}");
    let err = p.create_post("rotherham", "North", "team-manager", None, None, None).await.expect_err("closed unit");
    assert!(err.to_string().contains("closed on 2024-03-31; a closed unit takes no new posts"), "{err}");
    let err = p.move_unit("rotherham", "North", None).await.expect_err("closed units stay closed");
    assert!(err.to_string().contains("closed on 2024-03-31"), "{err}");

    p.add_unit("sheffield", UnitKind::Service, "Children's Services", None).await.expect("sheffield service");
    let theirs = p
        .create_post("sheffield", "Children's Services", "head-of-service", Some("S1"), Some(date(2020, 1, 1)), None)
        .await
        .expect("sheffield's head of service");
    p.add_unit("rotherham", UnitKind::Service, "Children's Services", None).await.expect("rotherham service");
    let err = p
        .create_post("rotherham", "Children's Services", "team-manager", None, None, Some(theirs.id))
        .await
        .expect_err("reports to Sheffield's post");
    assert!(err.to_string().contains(&theirs.id.to_string()), "{err}");
    let posts = p.post_list("rotherham", None).await.expect("list");
    assert!(posts.is_empty(), "nothing was created: {posts:?}");
}

#[tokio::test]
async fn only_a_manager_in_a_post_they_hold_that_day_can_appoint_from_outside() {
    use crate::council::{acting, at};
    use pathway_app::organisation::NewAppointee;
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    p.add_unit("rotherham", UnitKind::Service, "Children's Services", None).await.expect("service");
    p.create_post(
        "rotherham",
        "Children's Services",
        "social-work-practice-consultant",
        Some("R2"),
        Some(date(2024, 1, 1)),
        None,
    )
    .await
    .expect("consultant");
    p.create_post("rotherham", "Children's Services", "head-of-service", Some("R1"), Some(date(2024, 1, 1)), None)
        .await
        .expect("hos");
    let applicant = NewAppointee {
        employee_number: "R60".into(),
        name: "Ola Outsider".into(),
        employment: "permanent".into(),
        starts_on: date(2025, 7, 1),
        unit: None,
        qualification_title: None,
        qualification_institution: None,
        qualified_on: Some(date(2005, 7, 1)),
        asye_passed_on: None,
        asye_started_on: None,
        level: "Level 4".into(),
        point: Some("41".into()),
    };
    // A practice consultant holds a post, but not a manager's.
    let consultant = acting("R2", "social-work-practice-consultant", at(2025, 6, 2, 10), "I interviewed them");
    let err = p.appoint("rotherham", &consultant, &applicant).await.expect_err("not a manager");
    assert_eq!(err.code(), "not_permitted");
    assert!(err.to_string().contains("does not give line management"), "{err}");
    // Claiming the head of service's role without holding the post is refused by the records.
    let claim = acting("R3", "head-of-service", at(2025, 6, 2, 10), "I am the head of service");
    let err = p.appoint("rotherham", &claim, &applicant).await.expect_err("not their post");
    assert_eq!(err.code(), "not_permitted", "{err}");
    // Before R1 held the post, R1 could not appoint as head of service either.
    let early = acting("R1", "head-of-service", at(2023, 6, 2, 10), "before my time");
    let err = p.appoint("rotherham", &early, &applicant).await.expect_err("not yet their post");
    assert_eq!(err.code(), "not_permitted", "{err}");
    // Nothing was half-written: the head of service, in post, appoints them under the same number.
    let hal = acting("R1", "head-of-service", at(2025, 6, 2, 10), "the panel's choice");
    let made = p.appoint("rotherham", &hal, &applicant).await.expect("appointed");
    assert_eq!(made.employee_number, "R60");
}

#[tokio::test]
async fn a_workbook_holding_the_workers_and_the_organisation_imports_its_organisation_sheet() {
    use rust_xlsxwriter::Workbook;
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    let mut book = Workbook::new();
    let workers = book.add_worksheet();
    workers.set_name("Workers").expect("name");
    for (col, text) in ["employee_number", "name", "employment_type", "start_date"].iter().enumerate() {
        workers.write_string(0, u16::try_from(col).expect("col"), *text).expect("cell");
    }
    let organisation = book.add_worksheet();
    organisation.set_name("Organisation").expect("name");
    let rows = [
        ["unit", "unit_kind", "parent_unit", "role", "post_ref", "holder", "held_from", "reports_to"],
        ["Children's Services", "service", "", "", "", "", "", ""],
        ["Children's Services", "", "", "head-of-service", "HOS", "R1", "2024-01-01", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if !text.is_empty() {
                organisation
                    .write_string(u32::try_from(r).expect("row"), u16::try_from(c).expect("col"), *text)
                    .expect("cell");
            }
        }
    }
    let file = dir.path().join("council.xlsx");
    book.save(&file).expect("save");
    let report = p.import_organisation("rotherham", &file, false).await.expect("import");
    assert!(report.is_clean() && report.written, "{report:?}");
    assert_eq!((report.units, report.posts, report.held), (1, 1, 1));
}

#[tokio::test]
async fn an_authority_created_from_a_framework_file_that_is_not_utf8_is_told_the_line_and_column() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    let file = dir.path().join("ashby.toml");
    std::fs::write(&file, b"format = 1\n\n[framework]\nid = \"ashby\"\nauthority = \"Ashby \x96 Borough\"\n")
        .expect("write");
    let err = p
        .onboard_authority("ashby", "Ashby Borough Council", &file.display().to_string())
        .await
        .expect_err("not UTF-8");
    let pathway_app::AppError::InvalidFramework { diagnostics, .. } = &err else { panic!("{err:?}") };
    let at = diagnostics[0].position.expect("a position");
    assert_eq!((at.line, at.column), (5, 20), "{diagnostics:?}");
    assert!(p.authority_list().await.expect("list").is_empty(), "no authority was created");
}

#[tokio::test]
async fn two_localities_each_with_a_duty_team_export_and_import_back_with_their_posts() {
    use pathway_app::export::SheetFormat;
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    p.add_unit("rotherham", UnitKind::Locality, "North", None).await.expect("north");
    p.add_unit("rotherham", UnitKind::Locality, "South", None).await.expect("south");
    let north = p.add_unit("rotherham", UnitKind::Team, "Duty Team", Some("North")).await.expect("north duty");
    let south = p.add_unit("rotherham", UnitKind::Team, "Duty Team", Some("South")).await.expect("south duty");
    p.create_post("rotherham", &north.id.to_string(), "team-manager", Some("R1"), Some(date(2024, 4, 1)), None)
        .await
        .expect("north tm");
    p.create_post("rotherham", &south.id.to_string(), "team-manager", Some("R2"), Some(date(2024, 5, 1)), None)
        .await
        .expect("south tm");

    let csv = p.export_organisation("rotherham", SheetFormat::Csv).await.expect("export");
    let file = dir.path().join("organisation.csv");
    std::fs::write(&file, &csv).expect("write");
    p.onboard_authority("rotherham-copy", "Rotherham (copy)", "rotherham").await.expect("copy");
    for number in ["R1", "R2"] {
        person(&p, "rotherham-copy", number, date(2018, 4, 3)).await;
    }
    let report = p.import_organisation("rotherham-copy", &file, false).await.expect("import");
    assert!(report.is_clean(), "{:#?}", report.problems);
    let view = p.organisation("rotherham-copy", Some(date(2025, 1, 1))).await.expect("view");
    let holders: Vec<String> = view
        .units
        .iter()
        .flat_map(|u| {
            let parent = view.units.iter().find(|x| Some(x.id) == u.parent).map(|x| x.name.clone()).unwrap_or_default();
            u.posts.iter().map(move |post| {
                let who = post.holder.as_ref().map(|h| h.employee_number.clone()).unwrap_or_default();
                format!("{parent} / {}: {who}", u.name)
            })
        })
        .collect();
    assert_eq!(holders, ["North / Duty Team: R1", "South / Duty Team: R2"]);

    // Without the parent, a post row naming the shared name is told how to say which.
    let text = format!("{HEADER}Duty Team,,,team-manager,,,,\nDuty Team,,West,team-manager,,,,\n");
    let problems = import(&p, &dir, "ambiguous.csv", text.as_bytes()).await.expect("report");
    assert!(
        problems[0].contains("names more than one unit; on a post row give the one meant by its parent"),
        "{problems:#?}"
    );
    assert!(problems[1].starts_with("row 3, parent_unit `West`: is not a unit"), "{problems:#?}");
    assert_eq!(problems.len(), 2, "{problems:#?}");
}

#[tokio::test]
async fn a_holder_who_starts_next_year_cannot_hold_a_post_from_the_file_yet() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    person(&p, "rotherham", "R9", date(2999, 1, 4)).await;
    let problems =
        import(&p, &dir, "organisation.csv", &rows("Duty Team,team,,,,,,\nDuty Team,,,team-manager,TM,R9,,\n"))
            .await
            .expect("report");
    assert_eq!(
        problems,
        ["row 3, held_from: is blank, so R9's start date (2999-01-04) is used, which is after today".to_owned()
            + &format!(
                " ({}); record a holding when it starts, with `pathway post assign --from`",
                chrono::Local::now().date_naive()
            )]
    );
    nothing_written(&p).await;
}

#[tokio::test]
async fn a_head_of_service_who_has_left_cannot_act_in_the_post_left_open() {
    use crate::council::{acting, at};
    use pathway_app::organisation::NewAppointee;
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    let mut details = WorkerDetails::new(
        EmployeeNumber::parse("R7").expect("number"),
        PersonName::parse("Lee Leaver").expect("name"),
        EmploymentType::Permanent,
        date(2015, 1, 5),
    );
    details.left_on = Some(date(2025, 1, 31));
    p.add_worker("rotherham", &NewWorker { details, timeline: vec![] }).await.expect("leaver");
    p.add_unit("rotherham", UnitKind::Service, "Children's Services", None).await.expect("service");
    p.create_post("rotherham", "Children's Services", "head-of-service", Some("R7"), Some(date(2020, 1, 1)), None)
        .await
        .expect("held before they left");
    let applicant = NewAppointee {
        employee_number: "R61".into(),
        name: "Ola Outsider".into(),
        employment: "permanent".into(),
        starts_on: date(2025, 7, 1),
        unit: None,
        qualification_title: None,
        qualification_institution: None,
        qualified_on: Some(date(2005, 7, 1)),
        asye_passed_on: None,
        asye_started_on: None,
        level: "Level 4".into(),
        point: Some("41".into()),
    };
    let err = p
        .appoint("rotherham", &acting("R7", "head-of-service", at(2025, 6, 2, 10), "still in the system"), &applicant)
        .await
        .expect_err("left");
    assert_eq!(err.code(), "not_permitted");
    assert!(err.to_string().contains("left rotherham on 2025-01-31"), "{err}");
    // Nor can anyone be given a post from after they left.
    let err = p
        .create_post("rotherham", "Children's Services", "team-manager", Some("R7"), Some(date(2025, 2, 1)), None)
        .await
        .expect_err("after leaving");
    assert!(err.to_string().contains("R7 left on 2025-01-31"), "{err}");
}

#[tokio::test]
async fn a_post_file_imported_twice_is_refused_the_second_time() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    p.add_unit("rotherham", UnitKind::Team, "Duty Team", None).await.expect("team");
    let posts = rows("Duty Team,,,team-manager,TM,R1,2024-04-01,\n");
    assert!(import(&p, &dir, "posts.csv", &posts).await.expect("first").is_empty());
    let again = import(&p, &dir, "posts.csv", &posts).await.expect("second");
    assert_eq!(again.len(), 1, "{again:#?}");
    assert!(again[0].starts_with("row 2, holder `R1`: already holds this team-manager post (post "), "{again:#?}");
    // Twice in one file, likewise.
    let doubled = rows("Duty Team,,,team-manager,,R2,2024-04-01,\nDuty Team,,,team-manager,,R2,2024-04-01,\n");
    let problems = import(&p, &dir, "doubled.csv", &doubled).await.expect("report");
    assert_eq!(
        problems,
        [
            "row 3, holder `R2`: already holds this team-manager post (the post on row 2); each post is one row, imported \
          once"
        ]
    );
    assert_eq!(p.post_list("rotherham", None).await.expect("list").len(), 1);
}

/// Rotherham's framework names no administrator, yet any authority may have one (to enter
/// evidence on someone's behalf, marked so); other roles the framework does not name are
/// still refused.
#[tokio::test]
async fn any_authority_may_create_an_administrator_post_whatever_its_framework_names() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    councils(&p).await;
    p.add_unit("rotherham", UnitKind::Service, "Children's Services", None).await.expect("service");
    let post = p
        .create_post("rotherham", "Children's Services", "administrator", Some("R2"), Some(date(2024, 4, 1)), None)
        .await
        .expect("an administrator post");
    assert_eq!((post.role.as_str(), post.role_name.as_str()), ("administrator", "administrator"));
    let err = p
        .create_post("rotherham", "Children's Services", "receptionist", Some("R3"), Some(date(2024, 4, 1)), None)
        .await
        .expect_err("not a role of the framework");
    assert!(err.to_string().contains("`receptionist` is not a role of"), "{err}");
}
