//! `pathway eligibility --authority` on the four seeds' demo workforces, built as on a fixed
//! date so the same people come back: every worker-route lands in exactly one group, the
//! groups add up, and Medway's social workers — whose next step needs a manager's judgement
//! of the PCF and KSS — are in the report with that judgement named.

use serde_json::Value;

use crate::db::Scratch;
use crate::{stderr, stdout};

const ON: &str = "2026-11-23";

fn demo() -> Scratch {
    let s = Scratch::new("eligibility");
    let o = s.run(&["demo", "--on", ON]);
    assert!(o.status.success(), "{}", stderr(&o));
    s
}

const GROUPS: [&str; 6] = ["eligible_now", "upcoming", "later", "needs_judgement", "when_advertised", "blocked"];

fn len(report: &Value, key: &str) -> u64 {
    report[key].as_array().unwrap_or_else(|| panic!("no {key} in {report}")).len() as u64
}

#[test]
fn every_seed_authoritys_report_puts_each_worker_route_in_one_group_and_the_groups_add_up() {
    let s = demo();
    for authority in ["rotherham", "medway", "bexley", "west-sussex"] {
        let r = s.json(&["eligibility", "--authority", authority, "--on", ON, "--json"]);
        let total = r["worker_routes"].as_u64().unwrap();
        assert!(total > 0, "{authority}");
        let sum: u64 = GROUPS.iter().map(|g| len(&r, g)).sum();
        assert_eq!(sum, total, "{authority}: the groups add up to the worker-routes");
        // Each line is in the group it says, and nobody twice in one route.
        let mut seen = std::collections::HashSet::new();
        for g in GROUPS {
            for line in r[g].as_array().unwrap() {
                assert_eq!(line["group"], g, "{authority}: {line}");
                let key = (line["worker"]["employee_number"].to_string(), line["route"].to_string());
                assert!(seen.insert(key), "{authority}: {line} twice");
            }
        }
        // Stuck is a marked part of eligible now; vacancies are never stuck.
        for line in r["stuck"].as_array().unwrap() {
            assert_eq!(line["group"], "eligible_now", "{authority}: {line}");
            assert_eq!(line["stuck"], true);
        }
        // Per team, the same sum.
        let teams = r["by_team"].as_object().unwrap();
        let mut team_total = 0;
        for (team, c) in teams {
            let routes = c["worker_routes"].as_u64().unwrap();
            let groups: u64 = ["eligible", "upcoming", "later", "needs_judgement", "when_advertised", "blocked"]
                .iter()
                .map(|k| c[*k].as_u64().unwrap())
                .sum();
            assert_eq!(groups, routes, "{authority} {team}");
            team_total += routes;
        }
        assert_eq!(team_total, total, "{authority}");
    }
}

#[test]
fn medway_social_workers_appear_as_needing_a_managers_judgement_with_the_criteria_named() {
    let s = demo();
    let r = s.json(&["eligibility", "--authority", "medway", "--on", ON, "--json"]);
    let judged = r["needs_judgement"].as_array().unwrap();
    let social_workers: Vec<&Value> = judged.iter().filter(|l| l["level"] == "Social worker").collect();
    assert!(!social_workers.is_empty(), "{r}");
    for line in &social_workers {
        assert_eq!(line["to_level"], "Experienced social worker");
        let named = line["needs_judgement"].as_array().unwrap();
        assert_eq!(named.len(), 1, "{line}");
        assert!(named[0].as_str().unwrap().starts_with("You will have demonstrated the requirements of the PCF"));
    }
    assert!(len(&r, "when_advertised") > 0, "Medway's senior practitioners can apply for team manager posts");
    assert_eq!(len(&r, "eligible_now"), 0, "{r}");

    // In text, each set of criteria is named once above the people it holds up.
    let o = s.run(&["eligibility", "--authority", "medway", "--on", ON]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let criterion = "You will have demonstrated the requirements of the PCF (professional capabilities framework) at social worker level";
    assert_eq!(text.matches(criterion).count(), 1, "{text}");
    insta::assert_snapshot!(text);

    // One of them, criterion by criterion: the open criterion is marked as a judgement.
    let number = social_workers[0]["worker"]["employee_number"].as_str().unwrap();
    let o = s.run(&["eligibility", "--authority", "medway", "--worker", number, "--on", ON]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Statement of learning → Experienced social worker: NEEDS A MANAGER'S JUDGEMENT"), "{text}");
    assert!(text.contains("[needs a manager's judgement] You will have demonstrated"), "{text}");
}
