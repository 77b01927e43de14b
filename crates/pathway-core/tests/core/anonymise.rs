//! The anonymisation check on realistic social work writing: a reflective summary full of
//! identifying details, the same summary anonymised, and the author's route from one to the
//! other (clear a flag with a reason, or fix the text).

use chrono::NaiveDate;
use pathway_core::anonymise::{
    AllowList, AnonymisationStatus, CaseReferencePattern, Clearance, Flag, FlagKind, FlagSeverity, Scanner, review,
};
use pathway_core::diagnostic::Position;
use proptest::prelude::*;

/// Scan with the standard scanner, whose built-in patterns always compile (a unit test in
/// the module checks them).
fn scan(text: &str) -> Vec<Flag> {
    pathway_core::anonymise::scan(text).expect("the built-in patterns compile")
}

/// A first draft, as a Level 2 social worker might write it before thinking about the panel.
const IDENTIFYING: &str = "\
Reflective summary: working with Jayden and his mother

I was allocated Jayden (7) in September following a referral from Whitfield Primary School. Jayden lives
with his mother, Ms Kelly Harris, at 14 Rochester Road, Chatham ME4 4TR. His DOB is 03/02/2017 and his NHS
number is 943 476 5919 (Mosaic ID 2284917).

When I first visited on 12/09/2024, Jayden's bedroom had no bed and he told me he was \"always hungry\".
Kelly said she had been struggling since his father, Darren, left. I used Signs of Safety mapping with her
and her sister to agree a safety plan, and I shared my concerns with the school nurse by email
(n.clarke@whitfield.example.sch.uk) and phone (01634 306000).

The case was stepped up to an Initial Child Protection Conference (CP-20431). Looking back, I was too slow
to recognise neglect because I focused on the mother's warmth rather than the child's lived experience.";

/// The same summary, anonymised the way panels ask.
const ANONYMISED: &str = "\
Reflective summary: working with a child and his mother

I was allocated Child A (7) in the autumn following a referral from his primary school. Child A lives with
his mother (Ms H) in a privately rented flat in the borough.

When I first visited, Child A's bedroom had no bed and he told me he was \"always hungry\". His mother said
she had been struggling since his father left. I used Signs of Safety mapping with her and her sister to
agree a safety plan, and I shared my concerns with the school nurse.

The case was stepped up to an Initial Child Protection Conference. Looking back, I was too slow to
recognise neglect because I focused on the mother's warmth rather than the child's lived experience
(PCF 6 Critical Reflection and Analysis; KSS cfp.7).";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 2).unwrap()
}

fn found(flags: &[Flag], kind: FlagKind, text: &str) -> Flag {
    flags
        .iter()
        .find(|f| f.kind == kind && f.text == text)
        .cloned()
        .unwrap_or_else(|| panic!("no {kind} flag for `{text}` in:\n{}", describe(flags)))
}

fn describe(flags: &[Flag]) -> String {
    flags.iter().map(|f| format!("{} {} {}", f.severity, f.kind, f.describe())).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_draft_reflective_summary_flags_every_identifying_detail() {
    let flags = scan(IDENTIFYING);
    let high = |kind, text| {
        let f = found(&flags, kind, text);
        assert_eq!(f.severity, FlagSeverity::High, "{}", f.describe());
    };
    high(FlagKind::PersonName, "Jayden");
    high(FlagKind::PersonName, "Ms Kelly Harris");
    high(FlagKind::PersonName, "Kelly");
    high(FlagKind::PersonName, "Darren");
    high(FlagKind::Address, "14 Rochester Road");
    high(FlagKind::Postcode, "ME4 4TR");
    high(FlagKind::DateOfBirth, "03/02/2017");
    high(FlagKind::NhsNumber, "943 476 5919");
    high(FlagKind::CaseReference, "Mosaic ID 2284917");
    high(FlagKind::CaseReference, "CP-20431");
    high(FlagKind::Email, "n.clarke@whitfield.example.sch.uk");
    high(FlagKind::PhoneNumber, "01634 306000");
    // "Jayden's": the possessive is flagged as the name, without the 's.
    assert_eq!(flags.iter().filter(|f| f.text == "Jayden").count(), 4, "{}", describe(&flags));
    // A visit date identifies only in combination with other details.
    assert_eq!(found(&flags, FlagKind::Date, "12/09/2024").severity, FlagSeverity::Low);
    // Places that may identify: the school and the town.
    assert_eq!(found(&flags, FlagKind::PersonName, "Whitfield").severity, FlagSeverity::Medium);
    assert_eq!(found(&flags, FlagKind::PersonName, "Chatham").severity, FlagSeverity::Medium);
    // The model of practice is on the standard allow-list.
    assert!(flags.iter().all(|f| !f.text.contains("Signs") && !f.text.contains("Safety")), "{}", describe(&flags));
}

#[test]
fn flags_say_where_they_are_by_byte_offset_line_and_column() {
    let flags = scan(IDENTIFYING);
    let postcode = found(&flags, FlagKind::Postcode, "ME4 4TR");
    assert_eq!(&IDENTIFYING[postcode.start..postcode.end], "ME4 4TR");
    assert_eq!(postcode.position, Position::of_offset(IDENTIFYING, postcode.start));
    assert_eq!(postcode.position.line, 4);
    assert_eq!(postcode.position.column, 65);
    assert!(postcode.describe().starts_with("line 4, column 65: `ME4 4TR` looks like a postcode"));
}

#[test]
fn the_anonymised_summary_has_no_high_severity_flags() {
    let flags = scan(ANONYMISED);
    assert!(flags.iter().all(|f| f.severity < FlagSeverity::High), "{}", describe(&flags));
    assert!(flags.is_empty(), "expected a clean text, got:\n{}", describe(&flags));
    let readiness = review(&flags, &[]);
    assert!(readiness.is_ready());
    assert_eq!(readiness.status(today()), AnonymisationStatus::Cleared { on: today() });
}

#[test]
fn each_flag_must_be_cleared_with_a_reason_or_fixed_before_a_panel() {
    let text = "On 12/03/2024 I visited Tyler at home with Ms Patel.";
    let flags = scan(text);
    let readiness = review(&flags, &[]);
    assert!(!readiness.is_ready());
    assert_eq!(readiness.status(today()), AnonymisationStatus::FlagsOutstanding { count: 3 });
    assert_eq!(
        readiness.explain(),
        "not ready for a panel: 3 identifying details to clear or fix\n\
         - line 1, column 4: `12/03/2024` looks like a date (a full date)\n\
         - line 1, column 25: `Tyler` looks like a person's name (a common first name)\n\
         - line 1, column 44: `Ms Patel` looks like a person's name (a title followed by a name)"
    );

    // The visit date is kept, with a reason; a clearance without a reason is refused.
    let date = found(&flags, FlagKind::Date, "12/03/2024");
    assert!(Clearance::new(&date, "   ", today()).is_err());
    let keep_date = Clearance::new(&date, "The date of my visit; it does not identify the family.", today()).unwrap();
    let readiness = review(&flags, std::slice::from_ref(&keep_date));
    assert_eq!(readiness.cleared.len(), 1);
    assert_eq!(readiness.outstanding.len(), 2);

    // The names are fixed in the text; the clearance still applies to the unchanged date.
    let fixed = "On 12/03/2024 I visited Child T at home with Ms P.";
    let readiness = review(&scan(fixed), &[keep_date]);
    assert!(readiness.is_ready(), "{}", readiness.explain());
    assert!(readiness.status(today()).is_cleared());
}

#[test]
fn dates_of_birth_are_recognised_in_the_ways_people_write_them() {
    for (text, dob) in [
        ("Child A, DOB: 03/02/2017, attends", "03/02/2017"),
        ("she was born on 3 February 2017 in Medway", "3 February 2017"),
        ("date of birth 2017-02-03.", "2017-02-03"),
        ("born in March 2017", "March 2017"),
        ("Child B (d.o.b. 3rd Feb 2017)", "3rd Feb 2017"),
    ] {
        let flags = scan(text);
        assert_eq!(found(&flags, FlagKind::DateOfBirth, dob).severity, FlagSeverity::High, "{text}");
    }
    // The date after a date of birth in the same sentence is not another date of birth.
    let flags = scan("Child A (DOB 03/02/2017) was seen on 12/03/2024.");
    assert_eq!(found(&flags, FlagKind::Date, "12/03/2024").severity, FlagSeverity::Low);
}

#[test]
fn nhs_numbers_must_pass_the_check_digit() {
    assert_eq!(found(&scan("NHS no. 9434765919"), FlagKind::NhsNumber, "9434765919").severity, FlagSeverity::High);
    // Same digits, wrong check digit: not an NHS number (it is still a long number).
    let flags = scan("NHS no. 9434765918");
    assert!(flags.iter().all(|f| f.kind != FlagKind::NhsNumber), "{}", describe(&flags));
    assert_eq!(found(&flags, FlagKind::CaseReference, "9434765918").severity, FlagSeverity::Medium);
}

#[test]
fn postcodes_across_the_councils() {
    for pc in ["ME4 4TR", "S60 2TH", "DA6 7AT", "RH12 1SH", "BN1 1AA"] {
        let text = format!("The family moved to {pc} last year.");
        assert_eq!(found(&scan(&text), FlagKind::Postcode, pc).severity, FlagSeverity::High);
    }
}

#[test]
fn case_reference_formats_are_configurable() {
    let scanner = Scanner::new(
        AllowList::standard(),
        vec![CaseReferencePattern::new("Liquidlogic ESCR id", r"\bESCR-\d{5,}\b").unwrap()],
    )
    .unwrap();
    let flags = scanner.scan("See ESCR-1234567 and CP-20431.");
    assert_eq!(found(&flags, FlagKind::CaseReference, "ESCR-1234567").reason, "matches the Liquidlogic ESCR id format");
    // Only the configured formats: the default CP- pattern is not in this scanner.
    assert!(flags.iter().all(|f| f.text != "CP-20431"));
    assert!(CaseReferencePattern::new("broken", "(").is_err());
    assert!(CaseReferencePattern::new("matches nothing", "x*").is_err(), "a pattern matching empty text");

    for (text, reference) in
        [("LCS 55129034", "LCS 55129034"), ("CIN-2023/118", "CIN-2023/118"), ("LAC-00912", "LAC-00912")]
    {
        assert_eq!(found(&scan(text), FlagKind::CaseReference, reference).severity, FlagSeverity::High);
    }
}

#[test]
fn an_authority_allow_list_keeps_its_own_names_and_teams() {
    let bexley = pathway_core::bundled::framework("bexley").unwrap();
    let text = "I presented to the Level 3 Progression Panel about my work at Bexley with the Thamesmead Team.";
    let flags = scan(text);
    assert!(flags.iter().any(|f| f.text.contains("Bexley")), "{}", describe(&flags));

    let mut allow = AllowList::for_framework(&bexley);
    allow.extend(["Thamesmead Team"]);
    let flags = Scanner::new(allow, CaseReferencePattern::defaults().unwrap()).unwrap().scan(text);
    assert!(flags.is_empty(), "{}", describe(&flags));
}

#[test]
fn phone_numbers_and_emails() {
    for (text, phone) in [
        ("call 07700 900123 today", "07700 900123"),
        ("call +44 7700 900123 today", "+44 7700 900123"),
        ("call (01634) 306000 today", "(01634) 306000"),
        ("call 020 8303 7777 today", "020 8303 7777"),
    ] {
        assert_eq!(found(&scan(text), FlagKind::PhoneNumber, phone).severity, FlagSeverity::High, "{text}");
    }
    found(&scan("write to kelly.h1987@example.com."), FlagKind::Email, "kelly.h1987@example.com");
}

/// Pieces of text that exercise every detector, including multi-byte characters next to them.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Jayden's ".to_owned()),
        Just("Ms Kelly Harris".to_owned()),
        Just("14 Rochester Road".to_owned()),
        Just("ME4 4TR".to_owned()),
        Just("DOB 03/02/2017".to_owned()),
        Just("943 476 5919".to_owned()),
        Just("Mosaic 2284917".to_owned()),
        Just("CP-20431".to_owned()),
        Just("01634 306000".to_owned()),
        Just("a@b.co".to_owned()),
        Just("Zoë Łukasz 😀 é ".to_owned()),
        Just(". ".to_owned()),
        Just("\n".to_owned()),
        "[A-Za-z0-9 .,'’()/-]{0,12}",
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn scanning_never_panics_and_flags_sit_on_character_boundaries(
        parts in prop::collection::vec(fragment(), 0..24),
    ) {
        let text: String = parts.concat();
        let flags = scan(&text);
        let mut last_end = 0;
        for f in &flags {
            prop_assert!(f.start < f.end && f.end <= text.len());
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            prop_assert_eq!(&text[f.start..f.end], f.text.as_str());
            prop_assert_eq!(f.position, Position::of_offset(&text, f.start));
            prop_assert!(f.start >= last_end, "flags are in order and do not overlap");
            last_end = f.end;
        }
        let readiness = review(&flags, &[]);
        prop_assert_eq!(readiness.is_ready(), flags.is_empty());
    }
}
