//! The validator on deliberately broken files: each mistake produces the right error code
//! on the right line, all problems are reported at once, and no input makes it panic.

use pathway_core::diagnostic::Severity;
use pathway_core::framework::load;
use proptest::prelude::*;

/// The minimal file from `frameworks/README.md`, so the documentation stays true.
fn readme_example() -> String {
    let readme = include_str!("../../../../frameworks/README.md");
    let start = readme.find("## A minimal file").expect("README has the example section");
    let block = &readme[start..];
    let open = block.find("```toml\n").expect("opening fence") + "```toml\n".len();
    let close = block[open..].find("```").expect("closing fence");
    block[open..open + close].to_owned()
}

fn line_of(text: &str, needle: &str) -> usize {
    let offset = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in the file"));
    text[..offset].matches('\n').count() + 1
}

/// Load `text`, expecting an error with `code` on the line containing `needle`.
fn expect_error(text: &str, code: &str, needle: &str) {
    let loaded = load(text);
    let want_line = line_of(text, needle);
    let found = loaded
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error && d.code == code && d.position.map(|p| p.line) == Some(want_line));
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render("broken.toml")).collect();
    assert!(found, "expected `{code}` on line {want_line}; got:\n{}", rendered.join("\n"));
    assert!(loaded.framework.is_none(), "a file with errors must not produce a framework");
}

#[test]
fn the_readme_example_is_a_valid_framework() {
    let loaded = load(&readme_example());
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render("README example")).collect();
    assert!(loaded.diagnostics.is_empty(), "{}", rendered.join("\n"));
    let f = loaded.framework.expect("loads");
    assert_eq!(f.levels.len(), 2);
    assert_eq!(f.routes[0].evidence[0].min, 2);
}

#[test]
fn a_route_to_a_missing_level_is_reported_on_its_line() {
    let text = readme_example().replace("to = \"experienced-social-worker\"", "to = \"experienced-sw\"");
    expect_error(&text, "unknown-level", "to = \"experienced-sw\"");
}

#[test]
fn a_duplicate_level_id_is_reported() {
    let text = readme_example().replace("id = \"experienced-social-worker\"", "id = \"social-worker\"");
    let loaded = load(&text);
    assert!(loaded.diagnostics.iter().any(|d| d.code == "duplicate-id" && d.is_error()));
}

#[test]
fn a_salary_that_falls_as_the_point_rises_is_an_error_unless_acknowledged() {
    let falling = readme_example().replace("{ point = \"2\", salary = 35000 }", "{ point = \"2\", salary = 30531 }");
    expect_error(&falling, "falling-salary", "salary = 30531");

    let acknowledged = readme_example().replace(
        "{ point = \"2\", salary = 35000 }",
        "{ point = \"2\", salary = 30531, anomaly = \"printed below point 1\" }",
    ) + "\n[[anomalies]]\ndescription = \"Grade A point 2 printed below point 1\"\nsource = \"p.2\"\n";
    let loaded = load(&acknowledged);
    assert!(loaded.framework.is_some(), "an acknowledged anomaly still loads");
    assert!(loaded.diagnostics.iter().any(|d| d.code == "falling-salary" && d.severity == Severity::Warning));
}

#[test]
fn evidence_tagged_to_an_unknown_pcf_domain_or_kss_statement_is_an_error() {
    let text = readme_example().replace(
        "tag_pcf = true, tag_kss = true,",
        "tag_pcf = true, tag_kss = true, pcf_domains = [\"knowledge\", \"pcf.12\"], kss_statements = [\"cfp.11\"],",
    );
    let loaded = load(&text);
    let codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"unknown-pcf-domain"), "{codes:?}");
    assert!(codes.contains(&"unknown-kss-statement"), "{codes:?}");
}

#[test]
fn asking_for_the_workers_own_head_of_service_on_an_independent_route_is_a_conflict() {
    let text = readme_example()
        .replace(
            "name = \"Progression Panel\"\npanel = true",
            "name = \"Progression Panel\"\npanel = true\n\n[[roles]]\nid = \"head-of-service\"\nname = \"Head of Service\"\nline_management = true",
        )
        .replace("decided_by = \"progression-panel\"", "decided_by = \"progression-panel\"\nindependent_roles = [\"head-of-service\"]")
        .replace(
            "assessors = [{ role = \"progression-panel\" }]",
            "assessors = [{ role = \"progression-panel\" }, { role = \"head-of-service\", relation = \"own\" }]",
        );
    expect_error(&text, "independence-conflict", "relation = \"own\"");
}

#[test]
fn independence_on_a_role_outside_line_management_is_a_conflict() {
    let text = readme_example().replace(
        "assessors = [{ role = \"progression-panel\" }]",
        "assessors = [{ role = \"progression-panel\", relation = \"independent\" }]",
    );
    expect_error(&text, "independence-conflict", "relation = \"independent\"");
}

#[test]
fn a_level_nobody_can_reach_is_reported() {
    let text = readme_example()
        + "\n[[levels]]\nid = \"team-manager\"\nname = \"Team Manager\"\ntrack = \"management\"\nsource = \"p.4\"\n";
    expect_error(&text, "unreachable-level", "id = \"team-manager\"\nname = \"Team Manager\"\ntrack");
}

#[test]
fn routes_that_go_round_in_a_circle_are_reported() {
    let text = readme_example()
        + "\n[[routes]]\nid = \"back-down\"\nfrom = \"experienced-social-worker\"\nto = \"social-worker\"\nkind = \"panel-process\"\nname = \"Back\"\nsource = \"nowhere\"\n";
    let loaded = load(&text);
    assert!(loaded.diagnostics.iter().any(|d| d.code == "route-cycle" && d.is_error()));
}

#[test]
fn a_misspelt_field_is_an_error_with_its_position_and_the_fields_allowed() {
    let text = readme_example().replace(
        "track = \"practice\"\npcf_level = \"social-worker\"",
        "track = \"practice\"\npcf_levle = \"social-worker\"",
    );
    let loaded = load(&text);
    let d = loaded.diagnostics.iter().find(|d| d.code == "unknown-field").expect("unknown field reported");
    assert_eq!(d.position.map(|p| p.line), Some(line_of(&text, "pcf_levle")));
    assert!(d.message.contains("pcf_levle"), "{}", d.message);
}

#[test]
fn a_value_of_the_wrong_type_is_an_error_with_its_position() {
    let text = readme_example().replace("years = 2", "years = \"two\"");
    expect_error(&text, "wrong-type", "years = \"two\"");
}

#[test]
fn a_missing_required_field_is_reported() {
    let text = readme_example().replace("title = \"Social Work Career Pathway\"\n", "");
    let loaded = load(&text);
    let d = loaded.diagnostics.iter().find(|d| d.code == "missing-field").expect("missing field reported");
    assert!(d.message.contains("title"), "{}", d.message);
    assert!(d.position.is_some());
}

#[test]
fn malformed_toml_is_reported_with_its_line() {
    let text = readme_example().replace("name = \"Grade A\"", "name = \"Grade A");
    let loaded = load(&text);
    let d = loaded.diagnostics.iter().find(|d| d.code == "syntax").expect("syntax error reported");
    assert_eq!(d.position.map(|p| p.line), Some(line_of(&text, "name = \"Grade A")));
}

#[test]
fn mistakes_in_different_entries_are_all_reported_at_once() {
    let text = readme_example()
        .replace(
            "track = \"practice\"\npcf_level = \"social-worker\"",
            "track = \"practise\"\npcf_level = \"social-worker\"",
        )
        .replace("kind = \"portfolio-panel\"", "kind = \"portfolio-panel\"\ntrigger = \"whenever\"");
    let loaded = load(&text);
    let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
    assert!(errors >= 2, "both bad values reported: {:?}", loaded.diagnostics);
}

#[test]
fn meaning_errors_are_all_reported_at_once() {
    let text = readme_example()
        .replace("grades = [\"grade-a\"]", "grades = [\"grade-z\"]")
        .replace("by = \"team-manager\"", "by = \"team-leader\"")
        .replace("effective_from = 2025-04-01", "effective_from = 2025-04-01\neffective_to = 2024-01-01");
    let loaded = load(&text);
    let codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code).collect();
    for code in ["unknown-grade", "unknown-role", "bad-dates"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
}

#[test]
fn an_njc_grade_must_name_its_spinal_column_points() {
    let text = readme_example().replace("aliases = [\"A\"]", "aliases = [\"A\"]\nspine = \"njc\"");
    let loaded = load(&text);
    let codes: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"missing-scp") && codes.contains(&"salary-conflict"), "{codes:?}");
}

#[test]
fn a_time_criterion_without_its_figure_is_incomplete() {
    let text =
        readme_example().replace("kind = \"post-qualifying-years\", years = 2,", "kind = \"post-qualifying-years\",");
    expect_error(&text, "incomplete-criterion", "kind = \"post-qualifying-years\"");
}

/// The README example with its route criterion written as its own table, one field a line,
/// so a diagnostic's line says which field it is about.
fn with_criterion_table(fields: &str) -> String {
    let inline = "criteria = [{ kind = \"post-qualifying-years\", years = 2, text = \"Two years qualified\" }]\n";
    let text = readme_example();
    assert!(text.contains(inline), "the README example still has its inline criterion");
    text.replace(inline, "") + "\n[[routes.criteria]]\n" + fields
}

#[test]
fn a_figure_that_belongs_to_another_kind_is_reported_on_its_own_line() {
    let text = with_criterion_table("kind = \"time-in-level\"\nmonths = 6\nyears = 2\ntext = \"Two years\"\n");
    expect_error(&text, "misplaced-field", "years = 2\ntext");
    let loaded = load(&text);
    let d = loaded.diagnostics.iter().find(|d| d.code == "misplaced-field").expect("reported");
    assert_eq!(d.path.to_string(), "routes[0].criteria[0].years");
    assert!(d.message.contains("`years`") && d.message.contains("`months`"), "{}", d.message);
}

#[test]
fn a_field_read_before_the_kind_is_known_is_still_refused_by_name() {
    // The reader may meet `accepts` before `kind`; the criterion is refused once the kind is known.
    let text = with_criterion_table(
        "accepts = [\"nqsw-portfolio-pre-2013\"]\nkind = \"time-in-level\"\nmonths = 6\ntext = \"Six months\"\n",
    );
    let loaded = load(&text);
    let d = loaded.diagnostics.iter().find(|d| d.code == "misplaced-field").expect("reported");
    assert_eq!(d.message, "`accepts` does not apply to a `time-in-level` criterion, which takes `months`");
    assert!(d.path.to_string().starts_with("routes[0].criteria[0]"), "{}", d.path);
    let line = d.position.map(|p| p.line).unwrap_or(0);
    assert!((line_of(&text, "[[routes.criteria]]")..=line_of(&text, "accepts = [")).contains(&line), "{d:?}");
    assert!(loaded.framework.is_none());
}

#[test]
fn a_criterion_missing_its_figure_in_a_table_of_its_own_is_incomplete() {
    let text = with_criterion_table("kind = \"time-in-level\"\ntext = \"Two years in role\"\n");
    let loaded = load(&text);
    let d = loaded.diagnostics.iter().find(|d| d.code == "incomplete-criterion").expect("reported");
    assert_eq!(d.message, "a `time-in-level` criterion needs `months`");
    assert_eq!(d.path.to_string(), "routes[0].criteria[0]");
    assert!(d.position.is_some_and(|p| p.line >= line_of(&text, "[[routes.criteria]]")), "{d:?}");
}

#[test]
fn a_misspelt_criterion_field_is_reported_on_its_line() {
    let text = with_criterion_table("kind = \"time-in-level\"\nmonhts = 6\ntext = \"Six months\"\n");
    expect_error(&text, "unknown-field", "monhts = 6");
}

#[test]
fn an_any_of_with_one_option_is_incomplete() {
    let text = with_criterion_table(
        "kind = \"any-of\"\ntext = \"One of\"\noptions = [{ kind = \"registration\", text = \"SWE\" }]\n",
    );
    expect_error(&text, "incomplete-criterion", "[[routes.criteria]]");
}

#[test]
fn an_unknown_section_is_reported_with_the_sections_allowed() {
    let text = readme_example() + "\n[payroll]\nday = 15\n";
    let loaded = load(&text);
    let d = loaded.diagnostics.iter().find(|d| d.code == "unknown-field").expect("reported");
    assert!(d.hint.as_deref().unwrap_or("").contains("routes"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_text_makes_the_loader_panic(text in "\\PC{0,400}") {
        let _ = load(&text);
    }

    #[test]
    fn no_damage_to_a_valid_file_makes_the_loader_panic(cut in 0usize..4000, insert in "[\\[\\]=\"a-z0-9 \n.,{}-]{0,12}") {
        let mut text = readme_example();
        let at = text.char_indices().map(|(i, _)| i).nth(cut % text.chars().count()).unwrap_or(0);
        text.insert_str(at, &insert);
        let loaded = load(&text);
        // Whatever happened, every diagnostic has a position inside the text.
        for d in &loaded.diagnostics {
            if let Some(p) = d.position {
                prop_assert!(p.line >= 1 && p.line <= text.lines().count() + 1);
            }
        }
    }
}

#[test]
fn a_type_error_inside_a_section_names_the_exact_field() {
    let text =
        readme_example() + "\n[asye]\nintake_months = [9, 1]\ndecided_by = [\"progression-panel\"]\nsource = \"p.1\"\n";
    let loaded = load(&text);
    let d = loaded.diagnostics.iter().find(|d| d.code == "wrong-type").expect("type error reported");
    assert_eq!(d.path.to_string(), "asye.decided_by");
    assert_eq!(d.position.map(|p| p.line), Some(line_of(&text, "decided_by = [")));
}

#[test]
fn a_fifth_authority_written_from_the_readme_alone_validates() {
    // Written by someone with only frameworks/README.md to go on (Northbridge is fictional).
    let loaded = load(include_str!("../fixtures/fifth-authority.toml"));
    let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render("fifth-authority.toml")).collect();
    assert!(!loaded.has_errors(), "{}", rendered.join("\n"));
    let f = loaded.framework.unwrap();
    assert_eq!(f.framework.id.as_str(), "northbridge");
    // The only warnings are NJC points whose reference figures are unverified.
    assert!(loaded.diagnostics.iter().all(|d| d.code == "njc-figure-unverified"), "{}", rendered.join("\n"));
}
