//! Onboarding through the app's use cases on a real (SQLite) database: an organisation file
//! checked row by row, an export imported into a fresh authority giving the same
//! organisation, and appointing from outside under the framework's external-applicant rules.

use pathway_app::config::{Config, Database};
use pathway_app::export::SheetFormat;
use pathway_app::model::{EmployeeNumber, EmploymentType, NewWorker, PersonName, UnitKind, WorkerDetails};
use pathway_app::organisation::{NewAppointee, OrganisationView};
use pathway_app::service::Pathway;
use pathway_store::testing::TempDir;

use crate::council::{acting, at, date};

async fn pathway(dir: &TempDir) -> Pathway {
    let config = Config { database: Database::Sqlite { path: dir.path().join("pathway.db") }, ..Config::defaults() };
    Pathway::open(config).await.expect("open")
}

async fn person(p: &Pathway, authority: &str, number: &str, name: &str) {
    let details = WorkerDetails::new(
        EmployeeNumber::parse(number).expect("number"),
        PersonName::parse(name).expect("name"),
        EmploymentType::Permanent,
        date(2018, 4, 3),
    );
    p.add_worker(authority, &NewWorker { details, timeline: vec![] }).await.expect("worker");
}

/// The organisation without ids: each unit (depth, kind, name) with its posts (role,
/// holder, since, the role of the post it reports to).
fn shape(view: &OrganisationView) -> Vec<String> {
    let role_of = |id: i64| {
        view.units.iter().flat_map(|u| &u.posts).find(|p| p.id == id).map(|p| p.role.clone()).unwrap_or_default()
    };
    let mut out = Vec::new();
    for u in &view.units {
        out.push(format!("{} {} {}", u.depth, u.kind, u.name));
        for p in &u.posts {
            let holder = p.holder.as_ref().map(|h| format!("{} since {}", h.employee_number, h.since));
            out.push(format!("  {} {:?} reports to {:?}", p.role, holder, p.reports_to.map(role_of)));
        }
    }
    out
}

async fn rotherham(p: &Pathway, id: &str) {
    p.onboard_authority(id, "Rotherham Metropolitan Borough Council", "rotherham").await.expect("authority");
    for (number, name) in [("R1", "Hal Head"), ("R2", "Lou Locality"), ("R3", "Tam Manager")] {
        person(p, id, number, name).await;
    }
}

#[tokio::test]
async fn an_exported_organisation_imported_into_a_fresh_authority_is_the_same() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    rotherham(&p, "rotherham").await;
    p.add_unit("rotherham", UnitKind::Service, "Children and Young People's Services", None).await.expect("service");
    p.add_unit("rotherham", UnitKind::Locality, "North Locality", Some("Children and Young People's Services"))
        .await
        .expect("locality");
    p.add_unit("rotherham", UnitKind::Team, "Duty and Assessment", Some("North Locality")).await.expect("team");
    p.add_unit("rotherham", UnitKind::Team, "=Formula Team", Some("North Locality")).await.expect("team");
    let hos = p
        .create_post(
            "rotherham",
            "Children and Young People's Services",
            "head-of-service",
            Some("R1"),
            Some(date(2024, 1, 1)),
            None,
        )
        .await
        .expect("hos");
    let lm = p
        .create_post(
            "rotherham",
            "North Locality",
            "Locality Manager",
            Some("R2"),
            Some(date(2024, 2, 1)),
            Some(hos.id),
        )
        .await
        .expect("lm");
    p.create_post("rotherham", "Duty and Assessment", "team-manager", Some("R3"), Some(date(2024, 3, 1)), Some(lm.id))
        .await
        .expect("tm");
    p.create_post("rotherham", "=Formula Team", "team-manager", None, None, Some(lm.id)).await.expect("vacant tm");

    let csv = p.export_organisation("rotherham", SheetFormat::Csv).await.expect("export");
    let text = String::from_utf8(csv.clone()).expect("utf-8");
    assert!(text.contains("'=Formula Team"), "a cell a spreadsheet would run is guarded: {text}");
    let file = dir.path().join("organisation.csv");
    std::fs::write(&file, &csv).expect("write");

    rotherham(&p, "rotherham-copy").await;
    let report = p.import_organisation("rotherham-copy", &file, false).await.expect("import");
    assert!(report.is_clean() && report.written, "{report:?}");
    assert_eq!((report.units, report.posts, report.held), (4, 4, 3));
    let on = Some(date(2025, 6, 1));
    let original = p.organisation("rotherham", on).await.expect("original");
    let copy = p.organisation("rotherham-copy", on).await.expect("copy");
    assert_eq!(shape(&copy), shape(&original));
    assert_eq!(copy.vacancies, 1);

    // The XLSX export reads back the same.
    let xlsx = p.export_organisation("rotherham", SheetFormat::Xlsx).await.expect("xlsx");
    let file = dir.path().join("organisation.xlsx");
    std::fs::write(&file, &xlsx).expect("write");
    rotherham(&p, "rotherham-third").await;
    p.import_organisation("rotherham-third", &file, false).await.expect("import xlsx");
    assert_eq!(shape(&p.organisation("rotherham-third", on).await.expect("third")), shape(&original));
    p.close().await;
}

#[tokio::test]
async fn every_bad_organisation_row_is_named_and_nothing_is_written() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    rotherham(&p, "rotherham").await;
    let file = dir.path().join("organisation.csv");
    std::fs::write(
        &file,
        "unit,unit_kind,parent_unit,role,post_ref,holder,held_from,reports_to
Children's Services,service,,,,,,
North,region,Children's Services,,,,,
Duty Team,team,Nowhere,,,,,
Children's Services,,,chief-wizard,,,,
Children's Services,,,head-of-service,HOS,R99,,
Children's Services,,,team-manager,TM,R3,2024-13-01,HOS
Children's Services,,,locality-manager,,,,GHOST
",
    )
    .expect("write");
    let report = p.import_organisation("rotherham", &file, false).await.expect("report");
    let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 6, "{problems:#?}");
    assert!(problems[0].starts_with("row 3, unit_kind `region`:"), "{problems:#?}");
    assert!(problems[1].starts_with("row 4, parent_unit `Nowhere`: is not a unit already stored"), "{problems:#?}");
    assert!(problems[2].starts_with("row 5, role `chief-wizard`: `chief-wizard` is not a role of"), "{problems:#?}");
    assert!(problems[3].starts_with("row 6, holder `R99`: is not a worker of this authority"), "{problems:#?}");
    assert!(problems[4].starts_with("row 7, held_from `2024-13-01`:"), "{problems:#?}");
    assert!(problems[5].starts_with("row 8, reports_to `GHOST`: is not a post_ref"), "{problems:#?}");
    assert!(!report.written);
    let view = p.organisation("rotherham", None).await.expect("view");
    assert!(view.units.is_empty(), "nothing was written: {view:?}");
    p.close().await;
}

#[tokio::test]
async fn an_applicant_from_outside_is_appointed_only_as_the_framework_allows() {
    let dir = TempDir::new();
    let p = pathway(&dir).await;
    rotherham(&p, "rotherham").await;
    p.add_unit("rotherham", UnitKind::Service, "Children's Services", None).await.expect("service");
    p.create_post("rotherham", "Children's Services", "head-of-service", Some("R1"), Some(date(2024, 1, 1)), None)
        .await
        .expect("hos");
    let hal = acting("R1", "head-of-service", at(2025, 6, 2, 10), "interviewed 30 May; the panel's choice");
    let mut applicant = NewAppointee {
        employee_number: "R50".into(),
        name: "Nia Newcomer".into(),
        employment: "permanent".into(),
        starts_on: date(2025, 7, 1),
        unit: Some("Children's Services".into()),
        qualification_title: Some("MA Social Work".into()),
        qualification_institution: Some("University of Leeds".into()),
        qualified_on: Some(date(2024, 7, 1)),
        asye_passed_on: None,
        asye_started_on: None,
        level: "Level 3".into(),
        point: None,
    };
    // A Rotherham applicant a year qualified has to have passed the ASYE.
    let err = p.appoint("rotherham", &hal, &applicant).await.expect_err("no ASYE");
    assert!(err.to_string().contains("has not completed the ASYE"), "{err}");
    // Rotherham assesses the pay point at interview: it must be given.
    applicant.asye_passed_on = Some(date(2025, 6, 30));
    applicant.asye_started_on = Some(date(2024, 7, 1));
    let err = p.appoint("rotherham", &hal, &applicant).await.expect_err("no point");
    assert!(err.to_string().contains("choose the pay point"), "{err}");
    // Nobody may appoint as a worker.
    let err = p
        .appoint("rotherham", &acting("R2", "worker", at(2025, 6, 2, 10), "me"), &applicant)
        .await
        .expect_err("as a worker");
    assert_eq!(err.code(), "not_permitted");

    applicant.point = Some("35".into());
    let made = p.appoint("rotherham", &hal, &applicant).await.expect("appointed");
    assert!(made.reasons.iter().any(|r| r.contains("ASYE completed")), "{:?}", made.reasons);
    assert!(made.note.contains("Reason: interviewed 30 May; the panel's choice"), "{}", made.note);
    let view = p.organisation("rotherham", Some(date(2025, 7, 1))).await.expect("view");
    assert_eq!(view.units[0].workers, 1, "the appointee is in Children's Services");
    p.close().await;
}
