//! `pathway import` and `pathway export` as a real process on a temporary SQLite file,
//! including an import killed with SIGKILL half way through its transaction.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::db::Scratch;
use crate::{stderr, stdout};

/// A scratch database with the demo authorities (Rotherham among them) loaded.
fn demo() -> Scratch {
    let s = Scratch::new("import");
    let o = s.run(&["demo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    s
}

/// Employee numbers in `authority`, from an export.
fn exported_numbers(s: &Scratch, authority: &str) -> Vec<String> {
    let o = s.run(&["export", "workers", "--authority", authority]);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o).lines().skip(1).map(|l| l.split(',').next().unwrap_or_default().to_owned()).collect()
}

const HEADER: &str = "employee_number,name,employment_type,start_date,level,grade,pay_point,swe_number,swe_status,\
                      awards,last_appraisal_date,last_appraisal_outcome\n";

/// `n` good Rotherham workers, X1..Xn.
fn big_file(n: usize) -> String {
    let mut text = String::from(HEADER);
    for i in 1..=n {
        let _ = writeln!(
            text,
            "X{i},Imported Worker {i},permanent,2020-01-06,Level 2,Band H,33,SW9{i:07},registered,\
             peps-stage-1 | 2023-06-30,2025-04-01,meeting-expectations"
        );
    }
    text
}

#[test]
fn a_file_with_a_bad_row_imports_nothing_and_says_where_every_problem_is() {
    let s = demo();
    let before = exported_numbers(&s, "rotherham");
    let file = s.0.join("staff.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}X1,Aisha Khan,permanent,2019-09-02,Level 3,Band I,36,,,,,\n\
             X2,Ben Carter,permanent,31/02/2024,Level 2,H,33,,,,,\n\
             X3,Chloe Davies,agency,2023-03-06,Level 1,K,29,,,,,\n"
        ),
    )
    .unwrap();
    let o = s.run(&["import", "workers", "staff.csv", "--authority", "rotherham"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Checked 3 rows of staff.csv against rotherham"), "{out}");
    assert!(
        out.contains("staff.csv: row 3, start_date `31/02/2024`: is not a date: February 2024 has no day 31"),
        "{out}"
    );
    assert!(out.contains("staff.csv: row 4, grade `K`: "), "{out}");
    assert!(out.contains("its grades are: Band G, Band H, Band I, Band J"), "{out}");
    assert!(out.contains("Nothing was imported."), "{out}");
    assert_eq!(exported_numbers(&s, "rotherham"), before, "nothing was imported");

    // --skip-invalid imports the good row and still reports the bad ones (exit 1).
    let o = s.run(&["import", "workers", "staff.csv", "--authority", "rotherham", "--skip-invalid", "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["imported"], 1);
    assert_eq!(report["problems"].as_array().map(Vec::len), Some(2));
    assert_eq!(report["problems"][0]["row"], 3);
    assert_eq!(report["problems"][0]["column"], "start_date");
    assert!(exported_numbers(&s, "rotherham").contains(&"X1".to_owned()));
}

#[test]
fn the_template_imports_and_an_exported_workbook_reads_back() {
    let s = demo();
    let o = s.run(&["import", "template", "--format", "csv", "--out", "template.csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = s.run(&["import", "workers", "template.csv", "--authority", "rotherham", "--dry-run"]);
    assert!(o.status.success(), "the template's example row is good: {}", stdout(&o));
    assert!(stdout(&o).contains("Dry run: 1 worker would be imported; nothing was written."), "{}", stdout(&o));

    let o = s.run(&["import", "template", "--format", "xlsx", "--out", "template.xlsx"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read(s.0.join("template.xlsx")).unwrap().starts_with(b"PK"), "an XLSX (zip) file");
    let o = s.run(&["import", "workers", "template.xlsx", "--authority", "rotherham", "--dry-run", "--json"]);
    assert!(o.status.success(), "{}", stdout(&o));

    // An export read back as XLSX: every worker is recognised as already there. (The round
    // trip into a fresh authority is tested in pathway-app's tests; the CLI has no command to
    // create an empty authority.)
    let o = s.run(&["export", "workers", "--authority", "medway", "--out", "medway.xlsx"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = s.run(&["import", "workers", "medway.xlsx", "--authority", "medway", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let problems = report["problems"].as_array().unwrap();
    assert!(!problems.is_empty());
    assert!(
        problems.iter().all(|p| p["reason"].as_str().unwrap().contains("already in medway")),
        "every worker is already there: {problems:?}"
    );
}

#[test]
fn files_that_cannot_be_used_fail_with_exit_code_2_and_say_why() {
    let s = demo();
    let o = s.run(&["import", "workers", "missing.csv", "--authority", "rotherham"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error[read_failed]: cannot read missing.csv"), "{}", stderr(&o));

    std::fs::write(s.0.join("typo.csv"), "employee_number,nmae,employment_type,start_date\n").unwrap();
    let o = s.run(&["import", "workers", "typo.csv", "--authority", "rotherham"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("typo.csv: row 1 has column(s) Pathway does not know: `nmae`"), "{}", stderr(&o));

    let o = s.run(&["import", "workers", "typo.csv", "--authority", "nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no authority `nowhere`"), "{}", stderr(&o));
}

#[test]
fn progress_shows_as_lines_when_asked_for_without_a_terminal() {
    let s = demo();
    std::fs::write(s.0.join("big.csv"), big_file(200)).unwrap();
    let o = s.run(&["import", "workers", "big.csv", "--authority", "rotherham", "--progress"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("imported 200 of 200 workers"), "{}", stderr(&o));
    assert!(stdout(&o).contains("Imported 200 workers into rotherham."), "{}", stdout(&o));
    // Without --progress and without a terminal (as in CI), no progress output at all.
    std::fs::write(s.0.join("more.csv"), big_file(300).replace("X", "Y").replace(",SW9", ",SW8")).unwrap();
    let o = s.run(&["import", "workers", "more.csv", "--authority", "rotherham"]);
    assert!(o.status.success(), "{} {}", stdout(&o), stderr(&o));
    assert_eq!(stderr(&o), "");
}

/// The "Done means" of the storage issue: a process killed with SIGKILL in the middle of an
/// import leaves none of it (or all of it), the database sound, and a re-run imports it all.
#[test]
fn an_import_killed_mid_transaction_leaves_nothing_behind_and_a_rerun_imports_everything() {
    let s = demo();
    let before = exported_numbers(&s, "rotherham");
    std::fs::write(s.0.join("big.csv"), big_file(20_000)).unwrap();
    let wal = s.0.join("pathway.db-wal");
    let wal_before = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);

    let mut child = Command::new(env!("CARGO_BIN_EXE_pathway"))
        .args(["import", "workers", "big.csv", "--authority", "rotherham"])
        .current_dir(&s.0)
        .env("PATHWAY_DATABASE_URL", s.db())
        .env("PATHWAY_IMPORT_PAUSE_AFTER_ROWS", "15000")
        .env_remove("PATHWAY_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pathway starts");
    let stderr_pipe = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr_pipe).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(300)) {
            Ok(line) if line.contains("pausing after 15000 workers") => break,
            Ok(line) => seen.push(line),
            Err(e) => {
                let _ = child.kill();
                panic!("the import never reached its pause ({e}); it said: {seen:?}");
            }
        }
    }
    // 15,000 workers with their history are written inside the open transaction; SQLite has
    // spilled some of them to the write-ahead log.
    let wal_mid = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert!(wal_mid > wal_before, "the import was writing (WAL {wal_before} -> {wal_mid} bytes)");
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("reaped");
    assert!(!status.success(), "killed, not finished");

    // None of the import is there; the database opens and reads whole.
    assert_eq!(exported_numbers(&s, "rotherham"), before, "none of the killed import is present");
    let o = s.run(&["db", "backup", "check.db"]);
    assert!(o.status.success(), "the database is sound (backup and integrity check): {}", stderr(&o));

    // Run again: everything goes in.
    let o = s.run(&["import", "workers", "big.csv", "--authority", "rotherham"]);
    assert!(o.status.success(), "{} {}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("Imported 20000 workers into rotherham."), "{}", stdout(&o));
    assert_eq!(exported_numbers(&s, "rotherham").len(), before.len() + 20_000);
}

#[test]
fn a_hostile_organisation_file_is_refused_at_its_row_column_and_value_and_nothing_is_written() {
    let s = Scratch::new("import-organisation-hostile");
    let o = s.run(&["authority", "create", "ashby", "--name", "Ashby Borough Council", "--framework", "rotherham"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let header = "unit,unit_kind,parent_unit,role,post_ref,holder,held_from,reports_to\n";

    let mut latin1 = header.as_bytes().to_vec();
    latin1.extend_from_slice(b"Children's Services,service,,,,,,\nCaf\xe9 Team,team,Children's Services,,,,,\n");
    std::fs::write(s.0.join("latin1.csv"), latin1).unwrap();
    let o = s.run(&["import", "organisation", "latin1.csv", "--authority", "ashby"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("latin1.csv row 3, column unit (A): byte 0xE9 is not UTF-8 text (after `Caf`)"),
        "{}",
        stderr(&o)
    );

    let looped = format!(
        "{header}Children's Services,service,,,,,,\nChildren's Services,,,head-of-service,HOS,,,TM\n\
         Children's Services,,,team-manager,TM,,,HOS\nDuty Team,team,North,,,,,\n"
    );
    std::fs::write(s.0.join("looped.csv"), looped).unwrap();
    let o = s.run(&["import", "organisation", "looped.csv", "--authority", "ashby"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = format!("{}{}", stdout(&o), stderr(&o));
    assert!(text.contains("row 3, reports_to `TM`: makes a loop of reporting lines (HOS, TM, HOS)"), "{text}");
    assert!(text.contains("row 5, parent_unit `North`: is not a unit already stored or on an earlier row"), "{text}");

    let o = s.run(&["authority", "show", "ashby", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shown: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(shown["units"], serde_json::json!([]), "nothing was written: {shown}");
}
