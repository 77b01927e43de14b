//! `pathway serve` and `pathway account` as a real process: the demo server prints its URL
//! (port 0 picks one) and a demo account of every kind, answers over HTTP, and stops cleanly
//! on SIGTERM; accounts are made and managed from the command line, the password read from
//! standard input.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::db::Scratch;
use crate::{stderr, stdout};

/// Lines the server printed, up to and including the one saying where it listens.
fn read_until_listening(lines: &mpsc::Receiver<String>) -> (Vec<String>, String) {
    let mut seen = Vec::new();
    loop {
        let line = lines.recv_timeout(Duration::from_secs(60)).expect("the server says where it listens");
        if let Some(rest) = line.strip_prefix("Pathway is listening on ") {
            let url = rest.split_whitespace().next().unwrap().to_owned();
            return (seen, url);
        }
        seen.push(line);
    }
}

#[test]
fn the_demo_server_prints_its_url_and_demo_accounts_answers_and_stops_on_sigterm() {
    let s = Scratch::new("serve");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pathway"))
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .current_dir(&s.0)
        .env("PATHWAY_DATABASE_URL", s.db())
        .env("PATHWAY_INSECURE_LOOPBACK_COOKIES", "true")
        .env_remove("PATHWAY_CONFIG")
        .env_remove("PATHWAY_CLOCK")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("pathway serve starts");
    let out = child.stdout.take().unwrap();
    let (send, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = send.send(line);
        }
    });
    let (printed, url) = read_until_listening(&lines);
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"), "{url}");
    let password_of = |username: &str| {
        let line = printed.iter().find(|l| l.contains(&format!(" {username} "))).expect(username);
        line.split_whitespace().skip_while(|w| *w != username).nth(1).unwrap().to_owned()
    };
    for kind in [
        "worker",
        "team manager",
        "service manager",
        "head of service",
        "panel member",
        "HR administrator",
        "system administrator",
    ] {
        assert!(printed.iter().any(|l| l.trim_start().starts_with(kind)), "a demo {kind} in {printed:?}");
    }

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let health: Value = http.get(format!("{url}/healthz")).send().await.unwrap().json().await.unwrap();
        assert_eq!(health, json!({ "status": "ok" }));
        for (username, role) in [("demo-team-manager", None), ("demo-system-admin", Some("system-admin"))] {
            let response = http
                .post(format!("{url}/api/v1/session"))
                .json(&json!({ "username": username, "password": password_of(username) }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), reqwest::StatusCode::OK, "{username}");
            let body: Value = response.json().await.unwrap();
            match role {
                None => assert_eq!(body["me"]["posts"][0]["role"], "team-manager", "{body}"),
                Some(role) => assert_eq!(body["me"]["system_roles"], json!([role]), "{body}"),
            }
        }
    });

    let term = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(term.success());
    let mut waited = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(waited < 100, "the server stops within 10 seconds of SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
        waited += 1;
    };
    assert!(status.success(), "a clean exit on SIGTERM: {status}");
}

#[test]
fn accounts_are_made_and_managed_from_the_command_line() {
    let s = Scratch::new("accounts");
    assert!(s.run(&["demo"]).status.success());
    let o = s.run(&[
        "account",
        "create",
        "--authority",
        "bexley",
        "--worker",
        "E012009",
        "--username",
        "Amara.O",
        "--system-role",
        "auditor",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Created amara.o (bexley, E012009): enabled, no password; auditor\n");

    let o = s.run(&[
        "account",
        "create",
        "--authority",
        "bexley",
        "--worker",
        "E012001",
        "--username",
        "x1y",
        "--system-role",
        "wizard",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains(
            "`wizard` is not a system role; the system roles are system-admin, hr-admin, framework-admin, auditor"
        ),
        "{}",
        stderr(&o)
    );
    let o = s.run(&["account", "create", "--authority", "bexley", "--worker", "E012001", "--username", "amara.o"]);
    assert!(stderr(&o).contains("the username `amara.o` is taken"), "{}", stderr(&o));

    let set_password = |password: &str| {
        let mut child = s
            .command(&["account", "set-password", "--authority", "bexley", "--username", "amara.o"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(password.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let o = set_password("short\n");
    assert!(stderr(&o).contains("at least 12 characters"), "{}", stderr(&o));
    let o = set_password("a long enough password\n");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Password set for amara.o (bexley, E012009): enabled; auditor\n");

    let o = s.run(&["account", "totp-enrol", "--authority", "bexley", "--username", "amara.o"]);
    assert!(stdout(&o).contains("\notpauth://totp/Pathway:amara.o?secret="), "{}", stdout(&o));
    let o = s.run(&["account", "disable", "--authority", "bexley", "--username", "amara.o"]);
    assert_eq!(stdout(&o), "Disabled amara.o (bexley, E012009): disabled, TOTP; auditor\n");

    let list = s.json(&["account", "list", "--authority", "bexley", "--json"]);
    assert_eq!(list[0]["username"], "amara.o");
    assert_eq!((list[0]["enabled"].as_bool(), list[0]["has_password"].as_bool()), (Some(false), Some(true)));
    let o = s.run(&["account", "enable", "--authority", "bexley", "--username", "amara.o"]);
    assert!(stdout(&o).starts_with("Enabled amara.o"), "{}", stdout(&o));
    let o = s.run(&["account", "unlock", "--authority", "bexley", "--username", "nobody"]);
    assert!(stderr(&o).contains("account nobody was not found in authority bexley"), "{}", stderr(&o));
}
