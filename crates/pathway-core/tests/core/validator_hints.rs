//! Every problem the loader and validator can report comes with a hint. A table of broken
//! files (each the README's minimal example with one mistake) must between them produce every
//! code the checks can emit, and every diagnostic they produce must say how to fix it.

use std::collections::BTreeSet;

use pathway_core::framework::{load, load_bytes};
use pathway_core::{Diagnostic, Severity};

const LOADER: &str = include_str!("../../src/framework/load.rs");
const VALIDATOR: &str = include_str!("../../src/framework/validate.rs");
const CRITERIA: &str = include_str!("../../src/framework/criterion.rs");

fn minimal() -> String {
    let readme = include_str!("../../../../frameworks/README.md");
    let start = readme.find("## A minimal file").expect("example");
    let block = &readme[start..];
    let open = block.find("```toml\n").expect("fence") + 8;
    let close = block[open..].find("```").expect("fence");
    block[open..open + close].to_owned()
}

/// One broken file: the minimal example with `find` replaced by `with` (or, when `find` is
/// empty, `with` added at the end).
struct Broken {
    expect: &'static str,
    find: &'static str,
    with: &'static str,
}

const fn swap(expect: &'static str, find: &'static str, with: &'static str) -> Broken {
    Broken { expect, find, with }
}

const fn add(expect: &'static str, with: &'static str) -> Broken {
    Broken { expect, find: "", with }
}

const POINT_2: &str = r#"{ point = "2", salary = 35000 }"#;

const BROKEN: &[Broken] = &[
    // Reading the file.
    add("syntax", "this is = = not toml\n"),
    swap("missing-field", "source = \"Example career pathway, 2025\"\n", ""),
    swap("unknown-field", "version = \"1\"\n", "version = \"1\"\ncolour = \"blue\"\n"),
    add("unknown-field", "[canteen]\nmenu = \"soup\"\n"),
    swap("wrong-type", "version = \"1\"", "version = 1"),
    swap(
        "incomplete-criterion",
        "{ kind = \"post-qualifying-years\", years = 2,",
        "{ kind = \"post-qualifying-years\",",
    ),
    swap(
        "misplaced-field",
        "{ kind = \"post-qualifying-years\", years = 2,",
        "{ kind = \"post-qualifying-years\", years = 2, stage = 1,",
    ),
    // About the framework.
    swap("bad-id", "id = \"example\"", "id = \"Example Borough\""),
    swap("unsupported-format", "format = 1", "format = 2"),
    swap("bad-dates", "effective_from = 2025-04-01\n", "effective_from = 2025-04-01\neffective_to = 2020-01-01\n"),
    // Roles.
    swap("duplicate-id", "id = \"progression-panel\"\nname", "id = \"team-manager\"\nname"),
    add("reserved-id", "[[roles]]\nid = \"worker\"\nname = \"Worker\"\n"),
    add("role-conflict", "[[roles]]\nid = \"both\"\nname = \"Both\"\npanel = true\nline_management = true\n"),
    // Only a panel is convened, and by a post, never by another panel.
    add("role-conflict", "[[roles]]\nid = \"board\"\nname = \"Board\"\nconvened_by = [\"progression-panel\"]\n"),
    add(
        "role-conflict",
        "[[roles]]\nid = \"board\"\nname = \"Board\"\npanel = true\nconvened_by = [\"progression-panel\"]\n",
    ),
    add("unknown-role", "[[roles]]\nid = \"board\"\nname = \"Board\"\npanel = true\nconvened_by = [\"nobody\"]\n"),
    // Exceptions to the eligibility criteria are recorded by a post-holder the file declares.
    add("exception-role", "[eligibility_exceptions]\ngranted_by = [\"worker\"]\n"),
    add("exception-role", "[eligibility_exceptions]\ngranted_by = [\"progression-panel\"]\n"),
    add("unknown-role", "[eligibility_exceptions]\ngranted_by = [\"head-of-service\"]\n"),
    swap("unknown-role", "decided_by = \"progression-panel\"", "decided_by = \"moderation-board\""),
    // Grades and pay.
    swap("duplicate-point", POINT_2, r#"{ point = "1", salary = 35000 }"#),
    swap(
        "salary-conflict",
        POINT_2,
        r#"{ point = "2", salary = 35000, salaries = [{ from = 2025-04-01, amount = 35000 }] }"#,
    ),
    swap(
        "salary-dates",
        POINT_2,
        r#"{ point = "2", salaries = [{ from = 2025-04-01, amount = 35000 }, { from = 2024-04-01, amount = 35500 }] }"#,
    ),
    swap("missing-salary", POINT_2, r#"{ point = "2" }"#),
    swap("falling-salary", POINT_2, r#"{ point = "2", salary = 33000 }"#),
    swap("undocumented-anomaly", POINT_2, r#"{ point = "2", salary = 35000, anomaly = "printed twice" }"#),
    add(
        "missing-scp",
        "[[grades]]\nid = \"njc\"\nname = \"N\"\nspine = \"njc\"\nsource = \"p\"\npoints = [{ point = \"x\" }]\n",
    ),
    add(
        "njc-figure-missing",
        "[[grades]]\nid = \"njc\"\nname = \"N\"\nspine = \"njc\"\nsource = \"p\"\npoints = [{ point = \"1\", scp = 1 }]\n",
    ),
    add(
        "njc-figure-unverified",
        "[[grades]]\nid = \"njc\"\nname = \"N\"\nspine = \"njc\"\nsource = \"p\"\npoints = [{ point = \"33\", scp = 33 }]\n",
    ),
    add(
        "bad-scp",
        "[[grades]]\nid = \"njc\"\nname = \"N\"\nspine = \"njc\"\nsource = \"p\"\npoints = [{ point = \"200\", scp = 200 }]\n",
    ),
    add(
        "points-order",
        "[[grades]]\nid = \"njc\"\nname = \"N\"\nspine = \"njc\"\nsource = \"p\"\npoints = [{ point = \"30\", scp = 30 }, { point = \"29\", scp = 29 }]\n",
    ),
    add("empty-grade", "[[grades]]\nid = \"nothing\"\nname = \"Nothing\"\nsource = \"p\"\npoints = []\n"),
    add(
        "grade-shape-conflict",
        "[[grades]]\nid = \"both\"\nname = \"Both\"\nsource = \"p\"\nrange = { minimum = 1, maximum = 2 }\npoints = [{ point = \"1\", salary = 1 }]\n",
    ),
    add(
        "bad-range",
        "[[grades]]\nid = \"upside-down\"\nname = \"U\"\nsource = \"p\"\nrange = { minimum = 50000, maximum = 40000 }\n",
    ),
    add("missing-salary", "[[grades]]\nid = \"named\"\nname = \"Named\"\nsource = \"p\"\nname_only = true\n"),
    swap(
        "name-only-grade",
        "salaries = \"published\"",
        "salaries = \"partial\"\n\n[[grades]]\nid = \"named\"\nname = \"Named\"\nsource = \"p\"\nname_only = true\n\n[pay.increments]\non = \"anniversary\"",
    ),
    add("bad-increment-date", "[pay.increments]\non = \"fixed-date\"\n"),
    add("bad-increment-date", "[pay.increments]\non = \"anniversary\"\nmonth = 4\n"),
    add("bad-increment", "[pay.increments]\non = \"anniversary\"\npoints_per_increment = 0\n"),
    swap("unknown-grade", "grades = [\"grade-a\"]", "grades = [\"grade-z\"]"),
    add(
        "bad-dates",
        "[[pay.allowances]]\nid = \"late\"\nname = \"Late\"\nannual = 1\nsource = \"p\"\neffective_from = 2026-04-01\neffective_to = 2025-04-01\n",
    ),
    // Levels and standards.
    add("no-levels", ""),
    swap("unknown-pcf-level", "pcf_level = \"social-worker\"", "pcf_level = \"wizard\""),
    swap("unknown-kss-set", "kss = [\"cfp\"]\ngrades = [\"grade-a\"]", "kss = [\"xyz\"]\ngrades = [\"grade-a\"]"),
    swap(
        "kss-set-not-listed",
        "kss = [\"cfp\"]\ngrades = [\"grade-a\"]",
        "kss = [\"cfp\"]\nkss_statements_listed = [\"ps.1\"]\ngrades = [\"grade-a\"]",
    ),
    swap("unknown-pcf-domain", "tag_pcf = true,", "pcf_domains = [\"pcf.12\"], tag_pcf = true,"),
    swap("unknown-feedback-source", "min = 2, tag_pcf", "min = 2, sources = [\"neighbour\"], tag_pcf"),
    swap("unknown-kss-statement", "tag_pcf = true,", "kss_statements = [\"cfp.99\"], tag_pcf = true,"),
    swap("unverified-standard", "tag_pcf = true,", "kss_statements = [\"cfp.10\"], tag_pcf = true,"),
    add("unreachable-level", "[[levels]]\nid = \"island\"\nname = \"Island\"\ntrack = \"practice\"\nsource = \"p\"\n"),
    add(
        "unreachable-level",
        "[external_applicants]\nany_level = true\nsource = \"p\"\n\n[[levels]]\nid = \"island\"\nname = \"Island\"\ntrack = \"practice\"\nsource = \"p\"\n",
    ),
    // Criteria.
    swap("bad-peps-stage", "{ kind = \"post-qualifying-years\", years = 2,", "{ kind = \"peps-stage\", stage = 3,"),
    swap(
        "unknown-equivalent",
        "{ kind = \"post-qualifying-years\", years = 2,",
        "{ kind = \"asye-passed\", accepts = [\"a-good-feeling\"],",
    ),
    swap(
        "incomplete-criterion",
        "{ kind = \"post-qualifying-years\", years = 2, text = \"Two years qualified\" }",
        "{ kind = \"any-of\", text = \"One of\", options = [{ kind = \"registration\", text = \"Registered\" }] }",
    ),
    // Routes, evidence and steps.
    swap("route-loop", "to = \"experienced-social-worker\"", "to = \"social-worker\""),
    swap("unknown-level", "to = \"experienced-social-worker\"", "to = \"nowhere\""),
    add(
        "route-cycle",
        "[[routes]]\nid = \"back\"\nfrom = \"experienced-social-worker\"\nto = \"social-worker\"\nkind = \"portfolio-panel\"\nname = \"Back\"\nsource = \"p\"\n",
    ),
    add(
        "duplicate-route",
        "[[routes]]\nid = \"again\"\nfrom = \"social-worker\"\nto = \"experienced-social-worker\"\nkind = \"portfolio-panel\"\nname = \"Again\"\nsource = \"p\"\n",
    ),
    swap("unknown-kind", "kind = \"portfolio-panel\"", "kind = \"dance-off\""),
    swap(
        "bad-opened-by",
        "decided_by = \"progression-panel\"",
        "decided_by = \"progression-panel\"\nopened_by = [\"boss\"]",
    ),
    swap(
        "independence-conflict",
        "decided_by = \"progression-panel\"",
        "decided_by = \"progression-panel\"\nindependent_roles = [\"progression-panel\"]",
    ),
    swap(
        "trigger-level",
        "decided_by = \"progression-panel\"",
        "decided_by = \"progression-panel\"\ntrigger = \"asye-pass\"",
    ),
    swap("bad-count", "min = 2, tag_pcf", "min = 2, max = 1, tag_pcf"),
    swap("duplicate-id", "{ id = \"observation\"", "{ id = \"reflections\""),
    swap("incomplete-step", "kind = \"panel\", title", "kind = \"case-file-audit\", title"),
    swap(
        "duplicate-assessor",
        "assessors = [{ role = \"progression-panel\" }]",
        "assessors = [{ role = \"progression-panel\" }, { role = \"progression-panel\" }]",
    ),
    // The ASYE.
    // Route shapes: appraisal moves and career grades.
    swap("appraisal-trigger", "kind = \"portfolio-panel\"", "kind = \"appraisal\""),
    swap("no-appraisal", "kind = \"portfolio-panel\"", "kind = \"portfolio-panel\"\ntrigger = \"appraisal\""),
    add(
        "incomplete-career-grade",
        "[[career_grades]]\nid = \"sw\"\nname = \"Social Worker\"\nlevels = [\"social-worker\"]\nsource = \"p\"\n",
    ),
    add(
        "career-grade-overlap",
        "[[career_grades]]\nid = \"sw\"\nname = \"SW\"\nlevels = [\"social-worker\", \"experienced-social-worker\"]\nsource = \"p\"\n\n[[career_grades]]\nid = \"esw\"\nname = \"ESW\"\nlevels = [\"experienced-social-worker\", \"social-worker\"]\nsource = \"p\"\n",
    ),
    add(
        "career-grade-gap",
        "[[career_grades]]\nid = \"sw\"\nname = \"SW\"\nlevels = [\"experienced-social-worker\", \"social-worker\"]\nsource = \"p\"\n",
    ),
    add("asye-levels", "[asye]\nsource = \"p\"\n"),
    add("bad-month", "[asye]\nintake_months = [13]\nsource = \"p\"\n"),
    add("bad-length", "[asye]\nlength_months = 0\nsource = \"p\"\n"),
    add("bad-review", "[asye]\nreview_months = [20]\nsource = \"p\"\n"),
    add("unknown-route", "[asye]\non_pass = \"nope\"\nsource = \"p\"\n"),
];

fn broken_text(case: &Broken) -> String {
    let base = minimal();
    if case.expect == "no-levels" {
        let cut = base.find("[[levels]]").expect("levels");
        return base[..cut].to_owned();
    }
    if case.find.is_empty() {
        return format!("{base}\n{}", case.with);
    }
    assert!(base.contains(case.find), "the minimal example no longer contains {:?}", case.find);
    base.replacen(case.find, case.with, 1)
}

/// The codes written as the first argument of `self.error(`, `self.warning(` or
/// `Diagnostic::error(` in a source file.
fn codes_in(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for call in ["self.error(", "self.warning(", "Diagnostic::error(", "Diagnostic::warning("] {
        for (at, _) in source.match_indices(call) {
            let rest = source[at + call.len()..].trim_start();
            if let Some(literal) = rest.strip_prefix('"')
                && let Some(end) = literal.find('"')
            {
                out.insert(literal[..end].to_owned());
            }
        }
    }
    out
}

fn missing_hint(d: &Diagnostic) -> bool {
    d.hint.as_deref().is_none_or(|h| h.trim().is_empty())
}

#[test]
fn every_diagnostic_the_checks_can_emit_has_a_hint() {
    let mut seen = BTreeSet::new();
    let mut without_hint = Vec::new();
    for case in BROKEN {
        let text = broken_text(case);
        let loaded = load(&text);
        let codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code).collect();
        assert!(codes.contains(&case.expect), "the case for `{}` produced {codes:?}", case.expect);
        if loaded.diagnostics.iter().any(|d| d.code == case.expect && d.severity == Severity::Error) {
            assert!(loaded.framework.is_none(), "`{}` is an error, so the file is refused", case.expect);
        }
        for d in &loaded.diagnostics {
            seen.insert(d.code.to_owned());
            if missing_hint(d) {
                without_hint.push(d.render("broken.toml"));
            }
        }
    }
    let utf8 = load_bytes(b"format = 1\n# Band \xA3 figures\n");
    for d in &utf8.diagnostics {
        seen.insert(d.code.to_owned());
        if missing_hint(d) {
            without_hint.push(d.render("latin-1.toml"));
        }
    }
    assert!(without_hint.is_empty(), "diagnostics without a hint:\n{}", without_hint.join("\n"));

    let mut emitted = codes_in(VALIDATOR);
    emitted.extend(codes_in(LOADER));
    emitted.extend(["incomplete-criterion", "misplaced-field"].map(String::from));
    assert!(CRITERIA.contains("\"misplaced-field\""), "criterion.rs still names its shape codes");
    let untried: Vec<&String> = emitted.difference(&seen).collect();
    assert!(untried.is_empty(), "no broken file produces these codes; add a case to BROKEN: {untried:?}");
}

#[test]
fn a_file_saved_in_a_windows_code_page_is_reported_at_the_bad_byte() {
    // "£" written as the single Latin-1 byte 0xA3 on line 3, after "salary note: ".
    let bytes = b"format = 1\n\n# salary note: \xA3 figures\n";
    let loaded = load_bytes(bytes);
    assert!(loaded.framework.is_none());
    assert_eq!(loaded.diagnostics.len(), 1, "{:?}", loaded.diagnostics);
    let d = &loaded.diagnostics[0];
    assert_eq!(d.code, "invalid-utf8");
    assert_eq!(d.severity, Severity::Error);
    let position = d.position.expect("a position");
    assert_eq!((position.line, position.column), (3, 16));
    assert!(d.message.contains("0xA3"), "{}", d.message);
    assert!(d.render("pathway.toml").starts_with("pathway.toml:3:16: error:"), "{}", d.render("pathway.toml"));
    // Multi-byte characters before the bad byte count as one column each.
    let loaded = load_bytes("# £é \u{2013} ".bytes().chain([0xFF]).collect::<Vec<u8>>().as_slice());
    let position = loaded.diagnostics[0].position.expect("a position");
    assert_eq!((position.line, position.column), (1, 8), "seven characters, then the bad byte");
}
