//! `pathway pay` and `pathway project` against the seed documents' printed figures.

use crate::{json, pathway, stderr, stdout};

#[test]
fn west_sussex_grade_10_point_37_pays_33582() {
    let v = json(&["pay", "--framework", "west-sussex", "--grade", "10", "--point", "37", "--json"]);
    assert_eq!(v["basic_annual_pence"], 3_358_200);
    assert_eq!(v["allowances_annual_pence"], 0);
    assert_eq!(v["total_annual_pence"], 3_358_200);
}

#[test]
fn west_sussex_hay_a_point_2_is_found_by_its_printed_name() {
    let v = json(&["pay", "--framework", "west-sussex", "--grade", "HAY A", "--point", "2", "--json"]);
    assert_eq!(v["basic_annual_pence"], 4_538_200);
}

#[test]
fn bexley_level_3_tops_out_at_37646_plus_choices_2251() {
    let v = json(&["pay", "--framework", "bexley", "--grade", "Level 3", "--point", "top", "--json"]);
    assert_eq!(v["basic_annual_pence"], 3_764_600);
    assert_eq!(v["allowances_annual_pence"], 225_100);
    assert_eq!(v["total_annual_pence"], 3_989_700);
    assert_eq!(v["top_of_grade"], true);
    assert_eq!(v["allowances"][0]["name"], "Choices");
}

#[test]
fn rotherham_band_j_takes_the_njc_figure_for_the_pay_year_of_the_date() {
    let v = json(&["pay", "--framework", "rotherham", "--grade", "J", "--point", "40", "--on", "2024-06-01", "--json"]);
    assert_eq!(v["basic_annual_pence"], 4_976_400);
    assert_eq!(v["pay_year"], "NJC pay year 2024-25");
    assert!(v["figure_unverified"].is_null(), "SCP 40 comes from a published table");
}

#[test]
fn rotherham_band_h_is_paid_from_the_filled_spine_and_says_the_figure_is_unverified() {
    let v = json(&["pay", "--framework", "rotherham", "--grade", "H", "--point", "33", "--on", "2025-06-01", "--json"]);
    assert_eq!(v["basic_annual_pence"], 4_407_500);
    assert_eq!(v["pay_year"], "NJC pay year 2025-26");
    assert!(v["figure_unverified"].as_str().is_some_and(|why| !why.is_empty()), "{v}");
    let text =
        stdout(&pathway(&["pay", "--framework", "rotherham", "--grade", "H", "--point", "33", "--on", "2025-06-01"]));
    assert!(text.contains("NJC pay year 2025-26 (figure UNVERIFIED"), "{text}");
    assert!(text.contains("Note: The NJC figure for SCP 33 is unverified"), "{text}");
}

#[test]
fn a_date_in_a_pay_year_with_no_award_on_record_is_paid_at_the_latest_years_rates() {
    let v = json(&["pay", "--framework", "rotherham", "--grade", "J", "--point", "40", "--on", "2026-09-01", "--json"]);
    assert_eq!(v["basic_annual_pence"], 5_135_600);
    assert_eq!(v["pay_year"], "NJC pay year 2025-26");
    let notes = v["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("No NJC pay award for 2026-27")), "{notes:?}");
}

const EASTMERE: &str = "crates/pathway-core/tests/fixtures/pay-shapes.toml";

#[test]
fn a_point_inside_a_published_range_is_not_published_not_no_such_point() {
    let v = json(&["pay", "--framework", EASTMERE, "--grade", "SW", "--point", "4", "--on", "2025-06-01", "--json"]);
    assert_eq!(v["basic"]["status"], "unknown");
    assert!(v["basic"]["reason"].as_str().unwrap().contains("not published"), "{v}");
    assert!(v["total_annual_pence"].is_null());
    assert_eq!(v["top_of_grade"], false);
    let o = pathway(&[
        "pay",
        "--framework",
        EASTMERE,
        "--grade",
        "SW",
        "--point",
        "4",
        "--on",
        "2025-06-01",
        "--started",
        "2025-04-01",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Basic salary:  not known"), "{text}");
    assert!(text.contains("Next increment: not published"), "{text}");
    assert!(!text.contains("This is the top of the grade"), "{text}");
}

#[test]
fn the_market_supplement_shows_its_dates_while_paid_and_is_named_as_not_paid_after() {
    let v =
        json(&["pay", "--framework", EASTMERE, "--grade", "SW", "--point", "minimum", "--on", "2025-06-01", "--json"]);
    assert_eq!(v["allowances"][0]["name"], "Market supplement");
    assert_eq!(v["allowances"][0]["effective_to"], "2026-03-31");
    assert_eq!(v["total_annual_pence"], 4_196_300);
    let after = stdout(&pathway(&[
        "pay",
        "--framework",
        EASTMERE,
        "--grade",
        "SW",
        "--point",
        "minimum",
        "--on",
        "2026-06-01",
    ]));
    assert!(!after.contains("Market supplement: "), "{after}");
    assert!(after.contains("Market supplement is not paid on 2026-06-01"), "{after}");
    let during = stdout(&pathway(&[
        "pay",
        "--framework",
        EASTMERE,
        "--grade",
        "SW",
        "--point",
        "minimum",
        "--on",
        "2025-06-01",
    ]));
    assert!(during.contains("Market supplement: £3,000 a year (paid from 2025-04-01 to 2026-03-31)"), "{during}");
}

#[test]
fn a_projection_on_a_range_says_why_increments_stop() {
    let o = pathway(&[
        "project",
        "--framework",
        EASTMERE,
        "--grade",
        "SW",
        "--point",
        "minimum",
        "--from",
        "2025-06-01",
        "--years",
        "3",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(!text.contains("maximum"), "never jumps to the top of the range: {text}");
    assert!(text.contains("Increments stop here"), "{text}");
}

#[test]
fn the_west_sussex_anomaly_is_shown_with_the_published_figure() {
    let v = json(&["pay", "--framework", "west-sussex", "--grade", "11", "--point", "43", "--json"]);
    assert_eq!(v["basic_annual_pence"], 3_053_100);
    assert!(v["notes"][0].as_str().unwrap().starts_with("Anomaly"), "{}", v["notes"]);
}

#[test]
fn promotion_from_grade_10_scp_39_lands_on_grade_11_scp_39() {
    let v =
        json(&["pay", "--framework", "west-sussex", "--grade", "10", "--point", "39", "--promote-to", "11", "--json"]);
    assert_eq!(v["basic_annual_pence"], 3_570_400);
    assert_eq!(v["promotion"]["point"], "39");
    assert_eq!(v["promotion"]["basic"]["pence"], 3_661_000);
}

#[test]
fn next_increment_follows_the_assumed_april_rule_and_says_it_is_assumed() {
    let v = json(&[
        "pay",
        "--framework",
        "west-sussex",
        "--grade",
        "10",
        "--point",
        "36",
        "--on",
        "2025-05-01",
        "--started",
        "2024-04-01",
        "--json",
    ]);
    assert_eq!(v["next_increment"]["status"], "due");
    assert_eq!(v["next_increment"]["date"], "2026-04-01");
    assert_eq!(v["next_increment"]["to_point"], "37");
    assert_eq!(v["next_increment"]["assumed"], true);
}

#[test]
fn an_unknown_grade_is_a_clear_error_listing_the_grades() {
    let o = pathway(&["pay", "--framework", "west-sussex", "--grade", "13", "--point", "1"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("error[unknown_grade]"), "{err}");
    assert!(err.contains("HAY A"), "{err}");
}

#[test]
fn an_unknown_point_is_a_clear_error_listing_the_points() {
    let o = pathway(&["pay", "--framework", "west-sussex", "--grade", "10", "--point", "40"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("35, 36, 37, 38, 39"), "{}", stderr(&o));
}

#[test]
fn a_bad_date_is_rejected_with_the_expected_format() {
    let o = pathway(&["pay", "--framework", "bexley", "--grade", "nqsw", "--point", "start", "--on", "1/4/2025"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("YYYY-MM-DD"), "{}", stderr(&o));
}

#[test]
fn a_projection_from_nqsw_through_two_promotions_rises_and_says_increments_are_assumed() {
    let o = pathway(&[
        "project",
        "--framework",
        "west-sussex",
        "--grade",
        "9",
        "--point",
        "31",
        "--from",
        "2024-10-01",
        "--years",
        "5",
        "--move",
        "2026-10-01=10",
        "--move",
        "2028-10-01=11",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    insta::assert_snapshot!(stdout(&o));
}

#[test]
fn west_sussex_grade_11_scp_42_is_told_the_increment_onto_the_misprinted_30531_is_held_for_hr() {
    let v = json(&[
        "pay",
        "--framework",
        "west-sussex",
        "--grade",
        "11",
        "--point",
        "42",
        "--on",
        "2024-06-01",
        "--started",
        "2024-06-01",
        "--json",
    ]);
    assert_eq!(v["next_increment"]["status"], "held", "{v}");
    assert_eq!(v["next_increment"]["date"], "2025-04-01");
    assert_eq!(v["next_increment"]["to_point"], "43");
    assert_eq!(v["next_increment"]["hold"]["rule"], "pay never falls on an increment or a promotion");
    let reason = v["next_increment"]["hold"]["reason"].as_str().unwrap();
    assert!(reason.contains("a cut of £9,014"), "{reason}");
    let who = v["next_increment"]["hold"]["who_resolves"].as_str().unwrap();
    assert!(who.starts_with("HR/workforce must confirm the figure"), "{who}");

    // Asked without a start date, the answer still warns about the step up.
    let o = pathway(&["pay", "--framework", "west-sussex", "--grade", "11", "--point", "42", "--on", "2024-06-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Note: An increment from here to point 43 is not applied"), "{text}");
    assert!(text.contains("HR/workforce must confirm the figure"), "{text}");
}

#[test]
fn a_west_sussex_projection_from_grade_11_scp_42_stops_increments_there_with_a_note() {
    let args = [
        "project",
        "--framework",
        "west-sussex",
        "--grade",
        "11",
        "--point",
        "42",
        "--from",
        "2024-06-01",
        "--years",
        "3",
    ];
    let o = pathway(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let rows_text: Vec<&str> = text.lines().filter(|l| l.starts_with("20")).collect();
    assert!(rows_text.iter().all(|row| !row.contains("£30,531")), "nobody is projected onto it: {text}");
    assert!(text.contains("Not applied: 2025-04-01: the increment to point 43 of Grade 11 is held"), "{text}");
    assert!(text.contains("HR/workforce must confirm the figure"), "{text}");
    let mut with_json = args.to_vec();
    with_json.push("--json");
    let rows = json(&with_json);
    let points: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["point"].as_str().unwrap()).collect();
    assert_eq!(points, ["42"]);
}

#[test]
fn an_eastmere_promotion_onto_less_pay_without_protection_is_not_applied_and_says_who_decides() {
    let v = json(&[
        "pay",
        "--framework",
        EASTMERE,
        "--grade",
        "SW",
        "--point",
        "maximum",
        "--promote-to",
        "NQSW",
        "--on",
        "2025-06-01",
        "--json",
    ]);
    assert_eq!(v["promotion"]["point"], "3", "{v}");
    assert_eq!(v["promotion"]["hold"]["rule"], "pay never falls on an increment or a promotion");
    let reason = v["promotion"]["hold"]["reason"].as_str().unwrap();
    assert!(reason.contains("pays £35,000, less than current pay (£45,000), a cut of £10,000"), "{reason}");
    let who = v["promotion"]["hold"]["who_resolves"].as_str().unwrap();
    assert!(who.starts_with("HR/workforce must decide the point or protect pay"), "{who}");
}
