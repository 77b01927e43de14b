//! The `pathway` binary as scripts and people use it: real process, real arguments, exit
//! codes, stdout and stderr.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod db;
mod eligibility;
mod framework;
mod import;
mod onboarding;
mod pay;
mod progression;
mod records;
mod retention;
mod route_shapes;
mod serve;
mod subject;

use std::process::{Command, Output};

/// Run `pathway` with arguments from the workspace root.
pub fn pathway(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pathway"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .expect("the pathway binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What a command said on stderr, less the warning every command gives under the fixed
/// clock the stories run on (`clock_fixed_by_configuration_is_said_out_loud` checks it).
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.starts_with("warning: the clock is fixed at "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Run and parse stdout as JSON, asserting success.
pub fn json(args: &[&str]) -> serde_json::Value {
    let o = pathway(args);
    assert!(o.status.success(), "pathway {args:?} failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}
