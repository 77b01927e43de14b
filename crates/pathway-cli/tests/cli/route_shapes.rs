//! `pathway framework show` on the route-shapes fixture (Fenbridge, made up): the career
//! grade under each of its levels, and a route open from any level listed once.

use crate::{json, pathway, stderr, stdout};

const FIXTURE: &str = "crates/pathway-core/tests/fixtures/route-shapes.toml";

#[test]
fn show_names_the_career_grade_of_each_point_and_lists_a_route_from_any_level_once() {
    let o = pathway(&["framework", "show", FIXTURE, "--on", "2026-01-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert_eq!(text.matches("    Career grade: Social Worker career grade\n").count(), 3, "{text}");
    let any = text.find("\nOpen from any level\n").unwrap_or_else(|| panic!("{text}"));
    assert_eq!(text.matches("Application for a practice educator role").count(), 1, "{text}");
    assert!(text[any..].contains("→ Practice Educator: Application for a practice educator role"), "{text}");

    let v = json(&["framework", "show", FIXTURE, "--json"]);
    assert_eq!(v["career_grades"][0]["levels"].as_array().map(Vec::len), Some(3));
    let pe = v["routes"].as_array().unwrap().iter().find(|r| r["to"] == "practice-educator").unwrap();
    assert_eq!(pe["from"], "any");
}
