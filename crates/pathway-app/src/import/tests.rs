//! Reading and checking import rows, without a database: realistic files with realistic
//! mistakes.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use pathway_core::framework::Framework;
use pathway_core::workforce::{AsyeOutcome, AwardKind, ChangeReason, EmploymentType, RegistrationStatus};

use super::*;

fn rotherham() -> Framework {
    crate::catalog::resolve("rotherham").expect("bundled")
}

fn checker(f: &Framework) -> Checker<'_> {
    Checker {
        framework: f,
        units: HashMap::new(),
        unit_names: Vec::new(),
        create_teams: true,
        existing_numbers: HashSet::new(),
        existing_swe: HashSet::new(),
        authority: "rotherham".into(),
    }
}

fn sheet(text: &str) -> Sheet {
    Sheet::from_csv("staff.csv".into(), Cursor::new(text.as_bytes().to_vec())).expect("readable")
}

fn check_with(text: &str, checker: &Checker<'_>) -> Checked {
    let sheet = sheet(text);
    let index = map_header(&sheet.file, &sheet.headers).expect("header");
    check_rows(checker, &index, sheet.rows).expect("rows")
}

fn check(text: &str) -> Checked {
    let f = rotherham();
    check_with(text, &checker(&f))
}

const HEADER: &str = "employee_number,name,employment_type,start_date,team,level,level_since,grade,pay_point\n";

/// Twelve data rows (spreadsheet rows 2-13) as a council would send them, three of them bad.
fn staff_file() -> String {
    let rows = [
        "R1001,Aisha Khan,permanent,2019-09-02,Duty and Assessment,Level 3,2022-04-01,Band I,36", // row 2
        "R1002,Ben Carter,permanent,14/01/2020,Duty and Assessment,Level 2,,H,33",                // row 3
        "R1003,Chloe Davies,agency,2023-03-06,Children in Care,Level 1,,G,29",                    // row 4
        "R1004,Dan Evans,permanent,01/09/2015,Children in Care,Level 4,01/04/2021,Band J,41",     // row 5
        "R1005,Ella Francis,secondment,2021-10-04,Leaving Care,Level 2,,Band H,32",               // row 6
        "R1006,Femi Green,permanent,31/02/2024,Leaving Care,Level 1,,Band G,29",                  // row 7
        "R1007,Grace Hall,permanent,2018-05-14,Leaving Care,Level 3,,Band I,SCP 35",              // row 8
        "R1008,Harry Irwin,permanent,2017-11-20,Duty and Assessment,Level 4,,K,42",               // row 9
        "R1009,Isla Jones,permanent,2024-10-07,Duty and Assessment,level-1,,band-g,29",           // row 10
        "R1010,Jack King,agency,2022-06-13,Children in Care,Social Worker Band H (Level 2),,H,32", // row 11
        "r1002,Ben Carter,permanent,2020-01-14,Duty and Assessment,Level 2,,H,33",                // row 12
        "R1012,Kemi Lewis,permanent,2016-02-29,Children in Care,Level 4,,J,38",                   // row 13
    ];
    format!("{HEADER}{}\n", rows.join("\n"))
}

#[test]
fn every_bad_row_is_reported_with_row_column_value_and_reason() {
    let checked = check(&staff_file());
    assert_eq!(checked.rows_read, 12);
    let found: Vec<(usize, &str, &str)> =
        checked.problems.iter().map(|p| (p.row, p.column, p.value.as_str())).collect();
    assert_eq!(
        found,
        [
            (3, "employee_number", "R1002"),
            (7, "start_date", "31/02/2024"),
            (9, "grade", "K"),
            (12, "employee_number", "R1002"),
        ]
    );
    let reason = |row: usize| checked.problems.iter().find(|p| p.row == row).map(|p| p.reason.clone()).unwrap();
    assert_eq!(reason(7), "is not a date: February 2024 has no day 31");
    assert_eq!(
        reason(9),
        "Social Work Progression Framework (rotherham) has no grade `K`; its grades are: Band G, Band H, Band I, Band J"
    );
    assert_eq!(reason(3), "is on rows 3 and 12; each worker must appear once");
    assert_eq!(reason(12), reason(3), "both rows are named: neither can be trusted over the other");
    assert_eq!(
        checked.problems[1].to_string(),
        "row 7, start_date `31/02/2024`: is not a date: February 2024 has no day 31"
    );
    let good: Vec<usize> = checked.candidates.iter().map(|c| c.row).collect();
    assert_eq!(good, [2, 4, 5, 6, 8, 10, 11, 13]);
    assert_eq!(checked.bad_rows, HashSet::from([3, 7, 9, 12]));
}

#[test]
fn good_rows_become_whole_worker_records() {
    let checked = check(&staff_file());
    let row = |n: usize| checked.candidates.iter().find(|c| c.row == n).unwrap();

    let dan = &row(5).record.worker;
    assert_eq!(dan.details.started_on, NaiveDate::from_ymd_opt(2015, 9, 1).unwrap(), "DD/MM/YYYY is day first");
    let entry = &dan.timeline[0];
    assert_eq!(entry.level.as_str(), "level-4");
    assert_eq!(entry.grade.as_ref().map(|g| g.as_str()), Some("band-j"));
    assert_eq!(entry.point.as_ref().map(|p| p.as_str()), Some("41"));
    assert_eq!(entry.starts_on, NaiveDate::from_ymd_opt(2021, 4, 1).unwrap());
    assert_eq!(entry.reason, ChangeReason::Other, "a level held since after the start is not the appointment");
    assert_eq!(entry.note.as_ref().map(|n| n.as_str()), Some(IMPORTED_NOTE));

    let chloe = &row(4).record.worker;
    assert_eq!(chloe.details.employment, EmploymentType::Agency);
    assert_eq!(chloe.timeline[0].reason, ChangeReason::Appointed, "no level_since: the level started with the job");
    assert_eq!(chloe.timeline[0].starts_on, chloe.details.started_on);

    // Grades and points as people write them: alias, id, "SCP 35".
    assert_eq!(row(8).record.worker.timeline[0].point.as_ref().map(|p| p.as_str()), Some("35"));
    assert_eq!(row(10).record.worker.timeline[0].grade.as_ref().map(|g| g.as_str()), Some("band-g"));
    assert_eq!(row(11).record.worker.timeline[0].level.as_str(), "level-2");
    assert_eq!(row(2).team, TeamRef::New("Duty and Assessment".into()));
}

#[test]
fn a_grade_the_level_is_not_paid_on_is_refused_with_the_right_ones() {
    let text = format!("{HEADER}R1,Ann Ash,permanent,2020-01-01,,Level 1,,Band J,38\n");
    let checked = check(&text);
    assert_eq!(checked.problems.len(), 1);
    assert_eq!(
        checked.problems[0].reason,
        "Social Worker Band G (Level 1) is not paid on Band J; it is paid on: Band G"
    );
}

#[test]
fn a_point_not_on_the_grade_lists_the_points() {
    let text = format!("{HEADER}R1,Ann Ash,permanent,2020-01-01,,Level 2,,Band H,34\n");
    let p = &check(&text).problems[0];
    assert_eq!((p.column, p.value.as_str()), ("pay_point", "34"));
    assert_eq!(p.reason, "Band H has no point `34`; its points are: 32, 33");
}

#[test]
fn every_problem_in_a_row_is_reported_not_just_the_first() {
    let text = format!("{HEADER}E 12,,contractor,2020-13-01,,Level 9,,,\n");
    let columns: Vec<&str> = check(&text).problems.iter().map(|p| p.column).collect();
    assert_eq!(columns, ["employee_number", "name", "employment_type", "start_date", "level"]);
}

#[test]
fn dates_are_read_as_uk_spreadsheets_write_them() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert_eq!(parse_date("2024-02-29"), Ok(d(2024, 2, 29)));
    assert_eq!(parse_date("29/02/2024"), Ok(d(2024, 2, 29)));
    assert_eq!(parse_date("3/4/2024"), Ok(d(2024, 4, 3)), "day first");
    assert_eq!(parse_date("2024-04-03 00:00:00"), Ok(d(2024, 4, 3)));
    assert_eq!(parse_date("29/02/2023"), Err("is not a date: February 2023 has no day 29".into()));
    assert_eq!(
        parse_date("04/13/2024"),
        Err("is not a date: there is no month 13 (dates are day/month/year); write dates as YYYY-MM-DD or DD/MM/YYYY"
            .into())
    );
    assert!(parse_date("03/04/24").unwrap_err().contains("year in full"));
    for bad in ["yesterday", "2024/04/03x", "45383", "2024-4", ""] {
        assert!(parse_date(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_header_is_forgiving_about_case_and_spaces_but_not_about_unknown_columns() {
    let headers: Vec<String> =
        ["\u{feff}Employee Number", "NAME", "employment-type", "Start date", "Level"].map(String::from).to_vec();
    let index = map_header("staff.csv", &headers).expect("header");
    assert_eq!(index.get(&Column::EmployeeNumber), Some(&0));
    assert_eq!(index.get(&Column::Level), Some(&4));

    let with_typo: Vec<String> =
        ["employee_number", "name", "employment_type", "start_date", "levle"].map(String::from).to_vec();
    let err = map_header("staff.csv", &with_typo).unwrap_err().to_string();
    assert!(err.starts_with("staff.csv: row 1 has column(s) Pathway does not know: `levle`."), "{err}");

    let missing: Vec<String> = ["employee_number", "name"].map(String::from).to_vec();
    let err = map_header("staff.csv", &missing).unwrap_err().to_string();
    assert_eq!(err, "staff.csv: row 1 lacks the required column(s): employment_type, start_date");

    let twice: Vec<String> = ["name", "Name"].map(String::from).to_vec();
    assert!(map_header("staff.csv", &twice).unwrap_err().to_string().contains("`name` twice"));
}

#[test]
fn row_numbers_match_the_spreadsheet_even_with_line_breaks_inside_cells() {
    let text = format!(
        "{HEADER}R1,\"Ann\nAsh\",permanent,2020-01-01,,Level 1,,,\n\nR2,Bob Bell,permanent,2020-13-01,,Level 1,,,\n"
    );
    let checked = check(&text);
    // Row 2 has a line break in a cell (one spreadsheet row); row 3 is blank; row 4 is bad.
    assert_eq!(checked.problems.iter().map(|p| p.row).collect::<Vec<_>>(), [2, 4]);
    assert_eq!(checked.problems[0].column, "name", "a name must be one line");
    assert_eq!(checked.rows_read, 2, "blank rows are not counted");
    // Windows line endings, as Excel saves CSV, count the same.
    let crlf = check(&text.replace('\n', "\r\n"));
    assert_eq!(crlf.problems.iter().map(|p| p.row).collect::<Vec<_>>(), [2, 4]);
}

#[test]
fn optional_parts_come_together_or_not_at_all() {
    let header = "employee_number,name,employment_type,start_date,qualification_title,qualification_institution,\
                  qualified_on,swe_number,swe_status,swe_renewal_due,asye_cohort,asye_status,asye_outcome,\
                  asye_outcome_date,last_appraisal_date,last_appraisal_outcome,awards\n";
    let good = "R1,Ann Ash,permanent,2020-01-01,MA Social Work,University of York,2019-07-01,sw 123456,registered,\
                30/11/2026,October 2019,,passed,2020-10-01,2025-04-01,Ready to apply for progression,\
                peps-stage-1 | 2023-06-30; postgraduate-certificate | PG Cert Advanced Practice | 2024-07-01 | Leeds\n";
    let checked = check(&format!("{header}{good}"));
    assert!(checked.problems.is_empty(), "{:?}", checked.problems);
    let c = &checked.candidates[0].record;
    let d = &c.worker.details;
    assert_eq!(
        d.registration.as_ref().map(|r| (r.number.as_str(), r.status)),
        Some(("SW123456", RegistrationStatus::Registered))
    );
    let asye = d.asye.as_ref().unwrap();
    assert_eq!(asye.outcome(), Some(AsyeOutcome::Passed));
    assert_eq!(asye.started_on(), NaiveDate::from_ymd_opt(2019, 10, 1), "from the cohort when no start is given");
    assert!(c.worker.timeline.is_empty(), "no level: not on the ladder");
    let awards: Vec<(AwardKind, &str, Option<&str>)> =
        c.awards.iter().map(|a| (a.kind, a.title.as_str(), a.provider.as_ref().map(|p| p.as_str()))).collect();
    assert_eq!(
        awards,
        [
            (AwardKind::PepsStage1, "PEPS stage 1", None),
            (AwardKind::PostgraduateCertificate, "PG Cert Advanced Practice", Some("Leeds"))
        ]
    );
    assert_eq!(c.appraisals.len(), 1);

    let half =
        "R2,Bo Bell,permanent,2020-01-01,MA Social Work,,,SW1,,,,,passed,,2025-04-01,,peps-stage-3 | 2023-01-01\n";
    let problems: Vec<(&str, String)> =
        check(&format!("{header}{half}")).problems.into_iter().map(|p| (p.column, p.reason)).collect();
    let columns: Vec<&str> = problems.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        columns,
        [
            "qualification_institution",
            "qualified_on",
            "swe_status",
            "asye_outcome_date",
            "awards",
            "last_appraisal_outcome"
        ],
        "{problems:#?}"
    );
    assert!(problems[4].1.contains("award kind must be one of: pq-award, peps-stage-1"), "{}", problems[4].1);
}

#[test]
fn probation_comes_with_its_end_date_once_it_has_ended() {
    let header = "employee_number,name,employment_type,start_date,probation_status,probation_end_date\n";
    let rows = "R1,Ann Ash,permanent,2026-06-01,in progress,2026-12-01\n\
                R2,Bo Bell,permanent,2025-01-06,completed,06/07/2025\n\
                R3,Cy Cole,permanent,2025-01-06,completed,\n\
                R4,Di Dee,permanent,2025-01-06,,2025-07-06\n\
                R5,Ed Eve,agency,2025-01-06,,\n";
    let checked = check(&format!("{header}{rows}"));
    let problems: Vec<(usize, &str, &str)> =
        checked.problems.iter().map(|p| (p.row, p.column, p.reason.as_str())).collect();
    assert_eq!(
        problems,
        [
            (4, "probation_end_date", "a probation that is completed needs the day it ended"),
            (5, "probation_status", "give the probation status with its end date (in-progress...)"),
        ]
    );
    let probation: Vec<Option<Probation>> =
        checked.candidates.iter().map(|c| c.record.worker.details.probation).collect();
    assert_eq!(
        probation,
        [
            Some(Probation { status: ProbationStatus::InProgress, ends_on: NaiveDate::from_ymd_opt(2026, 12, 1) }),
            Some(Probation { status: ProbationStatus::Completed, ends_on: NaiveDate::from_ymd_opt(2025, 7, 6) }),
            None,
        ],
        "the good rows; the agency worker has none recorded"
    );
}

#[test]
fn a_team_must_exist_unless_teams_may_be_created() {
    let f = rotherham();
    let mut c = checker(&f);
    c.create_teams = false;
    c.unit_names = vec!["Duty and Assessment".into()];
    let text = format!("{HEADER}R1,Ann Ash,permanent,2020-01-01,Dutty,Level 1,,,\n");
    let p = &check_with(&text, &c).problems[0];
    assert_eq!((p.column, p.value.as_str()), ("team", "Dutty"));
    assert_eq!(
        p.reason,
        "no team of rotherham has this name; its teams are: Duty and Assessment (or import with --create-teams)"
    );
}

#[test]
fn workers_already_in_the_database_are_refused() {
    let f = rotherham();
    let mut c = checker(&f);
    c.existing_numbers.insert("R1".into());
    c.existing_swe.insert("SW42".into());
    let text = "employee_number,name,employment_type,start_date,swe_number,swe_status\n\
                r1,Ann Ash,permanent,2020-01-01,SW42,registered\n";
    let reasons: Vec<String> =
        check_with(text, &c).problems.into_iter().map(|p| format!("{}: {}", p.column, p.reason)).collect();
    assert_eq!(
        reasons,
        [
            "employee_number: a worker with this employee number is already in rotherham",
            "swe_number: a worker with this registration number is already in rotherham"
        ]
    );
}

#[test]
fn formulas_are_guarded_on_the_way_out_and_unguarded_on_the_way_in() {
    assert_eq!(guard_formula("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
    for risky in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
        assert!(guard_formula(risky).starts_with('\''), "{risky:?}");
    }
    assert_eq!(guard_formula("Ann O'Brien"), "Ann O'Brien");
    assert_eq!(unguard(guard_formula("=1+1")), "=1+1");
    assert_eq!(unguard("'quoted".into()), "'quoted", "only the guard's own quote is removed");
}

#[test]
fn non_utf8_csv_says_how_to_save_it() {
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"R1,Zo\xeb Ash,permanent,2020-01-01,,,,,\n");
    let mut sheet = Sheet::from_csv("staff.csv".into(), Cursor::new(bytes)).expect("header is fine");
    let err = sheet.rows.next().unwrap().unwrap_err().to_string();
    assert_eq!(
        err,
        "staff.csv row 2, column name (B): byte 0xEB is not UTF-8 text (after `Zo`); in Excel use Save As > CSV \
         UTF-8 (Comma delimited)"
    );
    assert_eq!(
        (column_letters(0), column_letters(25), column_letters(26), column_letters(701), column_letters(702)),
        ("A".into(), "Z".into(), "AA".into(), "ZZ".into(), "AAA".into())
    );
}

#[test]
fn the_documented_column_set_is_the_one_the_code_reads() {
    let doc = include_str!("../../../../docs/import-format.md");
    let documented: Vec<&str> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next())
        .filter(|c| Column::from_header(c).is_some())
        .collect();
    let names: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
    assert_eq!(documented, names, "docs/import-format.md lists every column, in order");
    for c in Column::ALL {
        let row = doc.lines().find(|l| l.starts_with(&format!("| {} |", c.name()))).unwrap();
        assert_eq!(row.contains("| yes |"), c.required(), "{}: required matches", c.name());
    }
}

#[test]
fn an_award_carries_its_academic_level_and_credits_in_any_order_after_the_date() {
    let awards = parse_awards(
        "postgraduate-certificate | PG Cert Advanced Practice | 2024-07-01 | University of Leeds | level 7 | 60 credits; \
         course | Court skills module | 2025-01-31 | 15 credits | level masters; pq-award | 2020-06-30",
    )
    .unwrap();
    let read: Vec<String> = awards
        .iter()
        .map(|a| {
            let provider = a.provider.as_ref().map(|p| p.as_str()).unwrap_or("-");
            let level = a.academic_level.map(|l| l.to_string()).unwrap_or_else(|| "-".into());
            let credits = a.credits.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
            format!("{} / {provider} / level {level} / {credits} credits", a.kind)
        })
        .collect();
    assert_eq!(
        read,
        [
            "postgraduate-certificate / University of Leeds / level 7 / 60 credits",
            "course / - / level 7 / 15 credits",
            "pq-award / - / level - / - credits",
        ]
    );
    let bad_level = parse_awards("course | Module | 2025-01-31 | level 9").unwrap_err();
    assert!(bad_level.contains("academic level must be an FHEQ level from 3 to 8"), "{bad_level}");
    let bad_credits = parse_awards("course | Module | 2025-01-31 | none credits").unwrap_err();
    assert!(bad_credits.contains("`none credits` must be a whole number above 0"), "{bad_credits}");
    let two_providers = parse_awards("course | Module | 2025-01-31 | Leeds | York").unwrap_err();
    assert!(two_providers.contains("write each award as"), "{two_providers}");
}

#[test]
fn a_value_in_a_column_with_no_header_is_refused_rather_than_lost() {
    let text = format!("{HEADER}R1001,Aisha Khan,permanent,2019-09-02,Duty and Assessment,Level 3,,Band I,36,Band J\n");
    let problems: Vec<String> = check(&text).problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        ["row 2, (no header) `Band J`: is in column J, which has no header, so it would be lost; remove it or name \
          the column"]
    );
    // Empty cells past the header (a trailing comma) are nothing to lose.
    let text = format!("{HEADER}R1001,Aisha Khan,permanent,2019-09-02,Duty and Assessment,Level 3,,Band I,36,,\n");
    assert!(check(&text).problems.is_empty());
}
