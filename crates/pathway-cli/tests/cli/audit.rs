//! `pathway audit verify` and `pathway audit show` through the real binary: a West Sussex
//! application through the July panel leaves a chain the command proves; one row edited with
//! SQL makes it fail, exit non-zero and name that row.

use crate::progression::{through_the_july_panel, west_sussex};
use crate::{stderr, stdout};

/// Edit the scratch database directly, as someone with the file (not Pathway) could.
fn tamper(db: &str, sql: &str) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let url = format!("sqlite://{db}");
        let pool = sqlx::SqlitePool::connect(&url).await.expect("open the database file");
        let done = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(&pool).await.expect("raw SQL");
        assert_eq!(done.rows_affected(), 1, "{sql}");
        pool.close().await;
    });
}

#[test]
fn audit_verify_proves_the_chain_until_a_row_is_edited_and_then_names_it() {
    let s = west_sussex();
    let id = through_the_july_panel(&s, r#"{"outcome": "approved"}"#);

    let o = s.run(&["audit", "verify"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let report = s.json(&["audit", "verify", "--authority", "west-sussex", "--json"]);
    let entries = report[0]["entries"].as_i64().expect("entries");
    let head = report[0]["head"].as_str().expect("head");
    assert!(entries >= 8, "{report}");
    assert_eq!(report[0]["broken"], serde_json::Value::Null);
    assert_eq!(text, format!("west-sussex: {entries} entries, chain intact, head {head}\n"));

    // The application's own trail, in order, with its place in the chain.
    let record = format!("application:{id}");
    let trail = s.json(&["audit", "show", "--authority", "west-sussex", "--record", &record, "--json"]);
    let trail = trail.as_array().expect("entries");
    assert!(trail.iter().all(|e| e["record"] == record.as_str()), "{trail:?}");
    assert!(trail[0]["what"].as_str().expect("what").starts_with("opened an application"), "{trail:?}");
    assert_eq!(trail[1]["why"], "ready");
    let submitted = trail[1]["chain_seq"].as_i64().expect("chain_seq");

    // By person and by day, as people read it.
    let o = s.run(&["audit", "show", "--authority", "west-sussex", "--person", "W130", "--from", "2025-06-20"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("2025-06-20 14:00 panel:") && text.contains("Kim Lowe (W130) as head-of-service"), "{text}");
    assert!(text.contains("    why: July panel\n"), "{text}");
    let o = s.run(&["audit", "show", "--authority", "west-sussex", "--from", "2030-01-01"]);
    assert_eq!(stdout(&o), "No audit entries match.\n");
    let o = s.run(&["audit", "show", "--authority", "west-sussex", "--record", "worker:1"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--record: `worker` is not a kind of record"), "{}", stderr(&o));

    // Someone edits why Alex submitted, straight in the database file.
    tamper(&s.db(), &format!("UPDATE audit_events SET why = 'changed' WHERE chain_seq = {submitted}"));
    let o = s.run(&["audit", "verify", "--authority", "west-sussex"]);
    assert_eq!(o.status.code(), Some(1), "a broken chain fails the command");
    let text = stdout(&o);
    assert!(
        text.starts_with(&format!(
            "west-sussex: BROKEN at entry {submitted} (application:{id}, \"submitted the application (draft → submitted)\"): hash mismatch"
        )),
        "{text}"
    );
    let report = s.run(&["audit", "verify", "--json"]);
    assert_eq!(report.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).expect("JSON");
    assert_eq!(report[0]["broken"]["code"], "hash_mismatch");
    assert_eq!(report[0]["broken"]["chain_seq"], submitted);
    assert_eq!(report[0]["entries"], submitted - 1);
}

/// The operator account Jo Marsh (W120) uses: the command line acts as it.
fn as_operator(s: &crate::db::Scratch, args: &[&str]) -> std::process::Output {
    s.command(args).env("PATHWAY_OPERATOR", "ops.admin").output().expect("pathway runs")
}

#[test]
fn what_the_cli_enters_for_a_manager_says_entered_by_the_operator_on_their_behalf_and_views_are_logged() {
    let s = west_sussex();
    // Written before any operator was named: every --as entry is the built-in `system`'s.
    let id = through_the_july_panel(&s, r#"{"outcome": "approved"}"#);
    let record = format!("application:{id}");
    let trail = s.json(&["audit", "show", "--authority", "west-sussex", "--record", &record, "--json"]);
    let trail = trail.as_array().expect("entries");
    // Every action someone took `--as` is the built-in operator's typing; the decision taken
    // from the panel's recorded outcome is the panel's, typed in for nobody.
    for e in trail {
        let panel = e["what"].as_str().expect("what").starts_with("decided");
        assert_eq!(e.get("entered_by").cloned(), (!panel).then(|| "system".into()), "{e}");
    }

    // A named operator: refused until its account exists with a system role.
    let sign_off = crate::progression::with(
        vec!["application", "sign-off", &id, "--effective", "2025-09-01", "--json"],
        &crate::progression::who("W110", "practice-manager", "panel approved", "2025-07-11T09:00:00Z"),
    );
    let o = as_operator(&s, &sign_off);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("`ops.admin`, which does not exist"), "{}", stderr(&o));
    s.json(&[
        "account",
        "create",
        "--authority",
        "west-sussex",
        "--worker",
        "W120",
        "--username",
        "ops.admin",
        "--system-role",
        "system-admin",
        "--json",
    ]);

    // Nina, the practice manager, signs off; the operator types it in for her.
    let o = as_operator(&s, &sign_off);
    assert!(o.status.success(), "{}", stderr(&o));
    let signed: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let last = signed["application"]["history"].as_array().expect("history").last().cloned().expect("an entry");
    assert_eq!((&last["by"]["name"], &last["entered_by"]), (&"Nina Holt".into(), &"ops.admin".into()), "{last}");
    let o = s.run(&["audit", "show", "--authority", "west-sussex", "--record", &record]);
    let text = stdout(&o);
    assert!(
        text.contains("entered by ops.admin on behalf of Nina Holt (W110) as practice-manager: signed off"),
        "{text}"
    );
    let o = s.run(&["application", "history", "--authority", "west-sussex", &id]);
    assert!(stdout(&o).contains("[entered by ops.admin on behalf of Nina Holt]"), "{}", stdout(&o));

    // Kim, head of service, reads Alex's portfolio through the operator: logged, by name.
    let o = as_operator(&s, &["portfolio", "list", "--authority", "west-sussex", "--worker", "W100", "--as", "W130"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = s.run(&["audit", "show", "--authority", "west-sussex", "--person", "W130"]);
    let text = stdout(&o);
    assert!(
        text.contains("entered by ops.admin on behalf of Kim Lowe (W130) as viewer: Kim Lowe viewed the portfolio of Alex Morgan (W100)"),
        "{text}"
    );

    // The chain still checks over entries written before and after the operator was named.
    let o = s.run(&["audit", "verify", "--authority", "west-sussex"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains("chain intact"), "{}", stdout(&o));
}
