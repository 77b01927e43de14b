//! Retention and legal hold through the binary: Bexley keeps leavers' records six years.
//! Amara and Jon left in June 2025; on 1 July 2032 `run-due` erases Amara and keeps Jon,
//! who is under a legal hold, naming the hold. `authority show` lists the hold; `audit
//! verify` still proves the chain.

use pathway_app::model::UnitKind;

use crate::db::Scratch;
use crate::progression::seed;
use crate::{stderr, stdout};

/// The leaving dates, written as the HR system's nightly import would have left them.
fn leave(db: &str, numbers: &[&str]) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{db}")).await.expect("open");
        for number in numbers {
            let sql = format!("UPDATE workers SET left_on = '2025-06-30' WHERE employee_number = '{number}'");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&pool).await.expect("leave");
        }
        pool.close().await;
    });
}

#[test]
fn run_due_erases_a_leaver_of_seven_years_and_names_the_hold_that_keeps_another() {
    let s = Scratch::new("retention");
    seed(
        &s,
        "bexley",
        &[(UnitKind::Team, "Assessment Team One", None)],
        &[
            ("B100", "Amara Okafor", 0, Some(("level-2", Some("level-2"), Some("top"))), None),
            ("B101", "Jon Pike", 0, Some(("level-2", Some("level-2"), Some("top"))), None),
            ("B200", "Tom Reeves", 0, None, Some("team-manager")),
        ],
    );
    leave(&s.db(), &["B100", "B101"]);

    // A hold needs a reason.
    let o = s.run(&[
        "legal-hold",
        "place",
        "--authority",
        "bexley",
        "--worker",
        "B101",
        "--reason",
        " ",
        "--at",
        "2025-07-01T09:00:00Z",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("a reason is required"), "{}", stderr(&o));
    let hold = s.json(&[
        "legal-hold",
        "place",
        "--authority",
        "bexley",
        "--worker",
        "B101",
        "--reason",
        "Employment tribunal claim 2301234/2025",
        "--json",
        "--at",
        "2025-07-01T09:00:00Z",
    ]);
    let hold_id = hold["id"].as_i64().expect("hold id");
    let shown = stdout(&s.run(&["authority", "show", "bexley", "--at", "2025-07-01T09:00:00Z"]));
    assert!(
        shown.contains("Retention: leavers' records 2192 days after leaving, withdrawn evidence 365 days"),
        "{shown}"
    );
    assert!(shown.contains(&format!("Legal hold {hold_id} on B101 Jon Pike since 2025-07-01")), "{shown}");

    let o = s.run(&["run-due", "--authority", "bexley", "--at", "2032-07-01T09:00:00Z"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Erased leaver ") && text.contains("(left 2025-06-30, kept 2192 days): "), "{text}");
    assert!(!text.contains("Amara"), "an erasure is reported by record id, never by name: {text}");
    assert!(
        text.contains(&format!(
            "Not erased, under legal hold {hold_id}: leaver B101 Jon Pike (Employment tribunal claim 2301234/2025)"
        )),
        "{text}"
    );
    let workers = stdout(&s.run(&["export", "workers", "--authority", "bexley", "--at", "2032-07-01T09:00:00Z"]));
    assert!(!workers.contains("Amara") && workers.contains("Jon Pike"), "{workers}");
    let o = s.run(&["audit", "verify", "--authority", "bexley"]);
    assert!(o.status.success(), "the chain checks after erasure: {}{}", stdout(&o), stderr(&o));

    // Lifted, Jon goes at the next run.
    let o = s.run(&[
        "legal-hold",
        "lift",
        "--authority",
        "bexley",
        "--worker",
        "B101",
        "--reason",
        "Claim settled",
        "--at",
        "2032-07-02T09:00:00Z",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&s.run(&["run-due", "--authority", "bexley", "--at", "2032-07-02T09:00:00Z"]));
    assert!(text.contains("Erased leaver "), "{text}");
    let held = s.json(&["legal-hold", "list", "--authority", "bexley", "--all", "--json"]);
    assert_eq!(held[0]["lifted"]["because"], "Claim settled", "{held}");
}
