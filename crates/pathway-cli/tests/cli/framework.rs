//! `pathway framework ...`: validate, list, show, compare.

use crate::{json, pathway, stderr, stdout};

#[test]
fn every_bundled_framework_validates() {
    let o = pathway(&[
        "framework",
        "validate",
        "frameworks/medway.toml",
        "frameworks/rotherham.toml",
        "frameworks/bexley.toml",
        "frameworks/west-sussex.toml",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    assert_eq!(out.matches(": ok (").count(), 4, "{out}");
    // The West Sussex anomaly is flagged even though the file is valid.
    assert!(out.contains("warning: in grade `grade-11` point 43 pays £30,531"), "{out}");
}

#[test]
fn a_broken_file_exits_1_and_names_the_line() {
    let dir = std::env::temp_dir().join(format!("pathway-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.toml");
    let good =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../frameworks/rotherham.toml")).unwrap();
    let broken = good.replacen("to = \"level-3\"", "to = \"level-9\"", 1);
    std::fs::write(&path, &broken).unwrap();
    let line = broken[..broken.find("to = \"level-9\"").unwrap()].matches('\n').count() + 1;
    let o = pathway(&["framework", "validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains(&format!("broken.toml:{line}:")), "{out}");
    assert!(out.contains("error: no level `level-9` is declared"), "{out}");
    assert!(out.contains("hint: declared levels:"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_not_saved_as_utf8_is_reported_at_the_bad_byte_with_a_hint() {
    let dir = std::env::temp_dir().join(format!("pathway-cli-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.toml");
    let mut bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../frameworks/bexley.toml")).unwrap();
    // A "£" saved as the single Windows-1252 byte 0xA3 at the start of line 2.
    let line_two = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    bytes.splice(line_two..line_two, [b'#', b' ', 0xA3]);
    std::fs::write(&path, &bytes).unwrap();
    let o = pathway(&["framework", "validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("latin1.toml:2:3: error: byte 0xA3 is not valid UTF-8"), "{out}");
    assert!(out.contains("hint: save the file as UTF-8"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let o = pathway(&["framework", "validate", "no/such/file.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read no/such/file.toml"), "{}", stderr(&o));
}

#[test]
fn list_shows_the_four_seed_authorities_with_their_level_counts() {
    let v = json(&["framework", "list", "--json"]);
    let ids: Vec<&str> = v.as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["medway", "rotherham", "bexley", "west-sussex"]);
    for e in v.as_array().unwrap() {
        assert!(e["levels"].as_u64().unwrap() >= 4, "{e}");
    }
}

#[test]
fn show_prints_the_west_sussex_ladder_with_pay_and_routes() {
    let o = pathway(&["framework", "show", "west-sussex", "--on", "2025-06-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn show_json_is_the_whole_framework() {
    let v = json(&["framework", "show", "rotherham", "--json"]);
    assert_eq!(v["framework"]["id"], "rotherham");
    let level4 = v["routes"].as_array().unwrap().iter().find(|r| r["to"] == "level-4").unwrap();
    assert_eq!(level4["independent_roles"][0], "head-of-service");
}

#[test]
fn show_accepts_a_path() {
    let v = json(&["framework", "show", "frameworks/bexley.toml", "--json"]);
    assert_eq!(v["framework"]["id"], "bexley");
}

#[test]
fn show_of_an_unknown_id_lists_the_bundled_ids() {
    let o = pathway(&["framework", "show", "kent"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("medway, rotherham, bexley, west-sussex"), "{}", stderr(&o));
}

#[test]
fn compare_aligns_levels_by_pcf_level_with_pay_ranges() {
    let o = pathway(&["framework", "compare", "medway", "rotherham", "bexley", "west-sussex", "--on", "2025-06-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn a_reader_that_stops_early_ends_the_program_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_pathway"))
        // Bexley's JSON is larger than a pipe's buffer, so the write meets the closed pipe.
        .args(["framework", "show", "bexley", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    // The pipe is closed here, as `pathway ... | head -1` would.
    let out = child.wait_with_output().unwrap();
    assert_eq!(first.trim(), "{");
    assert!(out.status.success(), "exit {:?}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn show_prints_notes_assumptions_the_asye_and_learning_offers_of_bexley() {
    let o = pathway(&["framework", "show", "bexley", "--on", "2025-06-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for heading in [
        "Notes on the document",
        "Assumptions (the document does not state these)",
        "ASYE (Assessed and Supported Year in Employment)",
        "Learning and development",
    ] {
        assert!(text.contains(heading), "no `{heading}` in:\n{text}");
    }
    assert!(text.contains("  - Increments: each year on 1 April"), "{text}");
    assert!(text.contains("    Role: "), "level descriptions are printed:\n{text}");
}

#[test]
fn show_says_which_grades_publish_only_a_range_or_a_name() {
    let o = pathway(&["framework", "show", "crates/pathway-core/tests/fixtures/pay-shapes.toml", "--on", "2025-06-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains(
            "Social Worker: minimum £38,000, maximum £45,000 (only the range is published; the points between are not)"
        ),
        "{text}"
    );
    assert!(text.contains("Advanced Practitioner: published by name only, with no figures"), "{text}");
    assert!(text.contains("Allowance: Market supplement £3,000 a year (paid from 2025-04-01 to 2026-03-31)"), "{text}");
}

#[test]
fn show_marks_rotherhams_filled_njc_points_as_unverified() {
    let o = pathway(&["framework", "show", "rotherham", "--on", "2025-06-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Band H: SCP 32 £42,839 (unverified), SCP 33 £44,075 (unverified)"), "{text}");
}
