//! The database commands as a real process on a temporary SQLite file: demo data,
//! eligibility with reasons, framework sync, backup and restore.

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::{stderr, stdout};

/// A scratch directory removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("pathway-{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn db(&self) -> String {
        self.0.join("pathway.db").display().to_string()
    }

    /// Run `pathway` against this directory's database. The stories are told day by day:
    /// `--at T` without `--backdate-reason` means the clock reads T (PATHWAY_CLOCK), as it
    /// would on that day; with a reason it is a real backdating, passed on as it is.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("pathway runs")
    }

    /// Run `pathway` against this directory's database with `args` exactly as given (`--at`
    /// reaches the command) on the system's clock.
    pub fn run_as_typed(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_pathway"))
            .args(args)
            .current_dir(&self.0)
            .env("PATHWAY_DATABASE_URL", self.db())
            .env_remove("PATHWAY_CONFIG")
            .env_remove("PATHWAY_CLOCK")
            .output()
            .expect("pathway runs")
    }

    /// The command [`Scratch::run`] runs, to add to (stdin, say).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_pathway"));
        command.current_dir(&self.0).env("PATHWAY_DATABASE_URL", self.db()).env_remove("PATHWAY_CONFIG");
        command.env_remove("PATHWAY_CLOCK");
        let at = args.iter().position(|a| *a == "--at");
        match at {
            Some(i) if !args.contains(&"--backdate-reason") && i + 1 < args.len() => {
                command.env("PATHWAY_CLOCK", args[i + 1]);
                command.args(&args[..i]).args(&args[i + 2..]);
            }
            _ => {
                command.args(args);
            }
        }
        command
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let o = self.run(args);
        assert!(o.status.success(), "pathway {args:?}: {}", stderr(&o));
        serde_json::from_slice(&o.stdout).expect("JSON")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn demo() -> Scratch {
    let s = Scratch::new("demo");
    let o = s.run(&["demo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Loaded 4 authorities"), "{}", stdout(&o));
    s
}

#[test]
fn the_demo_shows_who_can_apply_now_who_soon_and_who_is_stuck_with_reasons() {
    let s = demo();
    let r = s.json(&["eligibility", "--authority", "rotherham", "--within", "6m", "--on", "2026-11-23", "--json"]);
    assert!(r["workers"].as_u64().unwrap() > 40);
    let upcoming = r["upcoming"].as_array().unwrap();
    assert!(!upcoming.is_empty(), "someone becomes eligible within six months");
    for line in upcoming {
        let date = line["eligible_from"].as_str().unwrap();
        assert!(date > "2026-11-23" && date <= "2027-05-23", "{date}");
        assert!(line["summary"].as_str().unwrap().starts_with("Not yet: you can apply"), "{line}");
    }
    assert!(!r["eligible_now"].as_array().unwrap().is_empty());

    // One worker, criterion by criterion, in words.
    let number = upcoming[0]["worker"]["employee_number"].as_str().unwrap();
    let o = s.run(&["eligibility", "--authority", "rotherham", "--worker", number, "--on", "2026-11-23"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("NOT YET"), "{text}");
    assert!(text.contains("[not met]") && text.contains("post-qualifying experience on"), "{text}");
    assert!(text.contains("(desirable)"), "Rotherham's PQ award is shown as desirable: {text}");
}

#[test]
fn an_unknown_authority_lists_the_ones_there_are() {
    let s = demo();
    let o = s.run(&["eligibility", "--authority", "kent"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("medway, rotherham") || stderr(&o).contains("bexley, medway"), "{}", stderr(&o));
}

#[test]
fn loading_the_demo_twice_changes_nothing() {
    let s = demo();
    let before = s.json(&["eligibility", "--authority", "bexley", "--json"])["workers"].clone();
    let o = s.run(&["demo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("already loaded"), "{}", stdout(&o));
    assert_eq!(s.json(&["eligibility", "--authority", "bexley", "--json"])["workers"], before);
}

#[test]
fn syncing_an_unchanged_framework_reports_it_unchanged() {
    let s = demo();
    let v = s.json(&["framework", "sync", "--authority", "bexley", "--json"]);
    assert_eq!(v[0]["framework"], "bexley");
    assert_eq!(v[0]["change"], "unchanged");
}

#[test]
fn a_backup_restores_the_database_as_it_was() {
    let s = demo();
    let backup = s.0.join("backup.db").display().to_string();
    let o = s.run(&["db", "backup", &backup]);
    assert!(o.status.success(), "{}", stderr(&o));
    let workers = |s: &Scratch| s.json(&["eligibility", "--authority", "medway", "--json"])["workers"].clone();
    let before = workers(&s);
    std::fs::remove_file(s.db()).unwrap();
    let _ = std::fs::remove_file(format!("{}-wal", s.db()));
    let _ = std::fs::remove_file(format!("{}-shm", s.db()));
    let o = s.run(&["db", "restore", &backup]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(workers(&s), before);
}

#[test]
fn migrate_on_a_fresh_machine_creates_the_database() {
    let s = Scratch::new("migrate");
    let o = s.run(&["db", "migrate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("is up to date"), "{}", stdout(&o));
    assert!(std::path::Path::new(&s.db()).exists());
}
