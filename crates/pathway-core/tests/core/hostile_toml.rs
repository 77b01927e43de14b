//! The framework loader against files a council might send, or someone might craft: the new
//! shapes together in one file, and hostile TOML (very deep nesting, a huge string,
//! duplicate keys). Nothing panics, and every error names a line and column.

use pathway_core::Severity;
use pathway_core::framework::load;

const FENBRIDGE: &str = include_str!("../fixtures/route-shapes.toml");

/// Fenbridge (career grade, a route from any level, appraisal routes) paid on a grade that
/// publishes only a salary range.
fn fenbridge_with_a_range_grade() -> String {
    let with_pay = FENBRIDGE.replacen(
        "[pay]\nsalaries = \"not-published\"\nnote = \"The fixture publishes no pay.\"\n",
        "[pay]\nsalaries = \"partial\"\nnote = \"Fenbridge prints its career grade as a range.\"\n\n\
         [[grades]]\nid = \"sw\"\nname = \"Social Worker\"\nrange = { minimum = 37000, maximum = 46000 }\n\
         source = \"Fixture: 'Social Worker £37,000 to £46,000'\"\n",
        1,
    );
    assert_ne!(with_pay, FENBRIDGE, "the fixture's pay section is where the test expects it");
    let mut text = with_pay;
    for point in 1..=3 {
        let at = format!("source = \"Fixture: career grade, point {point}\"\n");
        let paid = format!("grades = [\"sw\"]\n{at}");
        assert!(text.contains(&at), "point {point}");
        text = text.replacen(&at, &paid, 1);
    }
    text
}

fn errors(text: &str) -> Vec<String> {
    load(text)
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let at = d.position.map(|p| format!("{}:{}", p.line, p.column)).unwrap_or_else(|| "nowhere".into());
            format!("{at} [{}] {} (hint: {})", d.code, d.message, d.hint.as_deref().unwrap_or("none"))
        })
        .collect()
}

#[test]
fn a_career_grade_a_route_from_any_level_appraisal_routes_and_a_range_grade_validate_together() {
    let text = fenbridge_with_a_range_grade();
    let loaded = load(&text);
    let problems = errors(&text);
    assert!(problems.is_empty(), "{problems:#?}");
    let f = loaded.framework.expect("loads");
    assert_eq!(f.career_grades.len(), 1);
    assert!(f.routes.iter().any(|r| r.from.as_str() == "any"), "a route from any level");
    let sw = f.grade(&"sw".into()).expect("grade");
    let points: Vec<&str> = sw.points.iter().map(|p| p.point.as_str()).collect();
    assert_eq!(points, ["minimum", "maximum"]);
}

#[test]
fn very_deep_nesting_is_refused_with_a_position_not_a_crash() {
    for (what, text) in [
        ("nested arrays", format!("format = 1\nx = {}{}\n", "[".repeat(100_000), "]".repeat(100_000))),
        ("nested inline tables", format!("format = 1\nx = {}1{}\n", "{ a = ".repeat(50_000), " }".repeat(50_000))),
        ("a very long dotted key", format!("format = 1\n[{}]\n", vec!["a"; 50_000].join("."))),
    ] {
        let problems = errors(&text);
        assert!(!problems.is_empty(), "{what}: refused");
        assert!(problems.iter().all(|p| p.starts_with("2:")), "{what}: every error is on line 2: {problems:#?}");
        assert!(problems.iter().all(|p| !p.ends_with("(hint: none)")), "{what}: every error has a hint");
    }
}

#[test]
fn a_ten_megabyte_string_is_loaded_or_refused_without_a_crash() {
    let huge = "x".repeat(10 * 1024 * 1024);
    let text = FENBRIDGE.replacen("title = \"Practice Progression Scheme\"", &format!("title = \"{huge}\""), 1);
    assert!(text.len() > huge.len());
    let loaded = load(&text);
    if let Some(f) = loaded.framework {
        assert_eq!(f.framework.title.len(), huge.len());
    } else {
        let problems = errors(&text);
        assert!(problems.iter().all(|p| !p.starts_with("nowhere")), "{problems:#?}");
    }
}

#[test]
fn a_key_given_twice_is_named_at_its_second_line() {
    let text = FENBRIDGE.replacen("version = \"1\"\n", "version = \"1\"\nversion = \"2\"\n", 1);
    let line = text.lines().position(|l| l == "version = \"2\"").expect("line") + 1;
    let problems = errors(&text);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].starts_with(&format!("{line}:")), "{problems:#?}");
    assert!(problems[0].contains("version") || problems[0].contains("duplicate"), "{problems:#?}");
}
