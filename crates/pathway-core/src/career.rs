//! A worker's standing with the regulator and the cycle around their practice: registration
//! with Social Work England as a dated history, CPD records against the registration year,
//! and when the next appraisal (PDR) falls due.
//!
//! The facts come from `reference/standards.toml`'s SWE section (see
//! `../shared/reference/swe.toml`): the registration year runs 1 December to 30 November;
//! the renewal window is 1 September to 30 November; since the registration year ending
//! 30 November 2022 a renewal needs at least two CPD records, one of them reflected on with
//! a peer (the two years before asked for one, with no peer). Before Social Work England
//! went live (2 December 2019) there was no SWE CPD rule, so none is judged.
//!
//! Pure: every answer takes the day it is asked about.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

use crate::ids::{CpdRecordId, EvidenceId, RegistrationId, WorkerId};
use crate::invalid::InvalidValue;
use crate::workforce::{Note, PersonName, RegistrationStatus, SweNumber, SweRegistration};

// ---------------------------------------------------------------------------------------
// Registration

/// A worker's registration as recorded on a day: from `effective_on` it is what the
/// register says, until a later record replaces it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewRegistration {
    /// The registration number.
    pub number: SweNumber,
    /// Standing on the register.
    pub status: RegistrationStatus,
    /// The conditions of practice, for a registration with conditions (and only then).
    pub conditions: Option<Note>,
    /// The day the registration must next be renewed by (30 November for SWE).
    pub renewal_due: Option<NaiveDate>,
    /// The first day this record describes.
    pub effective_on: NaiveDate,
    /// Anything else worth keeping (where it was checked, a case reference).
    pub note: Option<Note>,
}

impl NewRegistration {
    /// Conditions go with a registration with conditions and nothing else; a renewal date
    /// cannot come before the record starts.
    pub fn check(&self) -> Result<(), InvalidValue> {
        match (self.status, &self.conditions) {
            (RegistrationStatus::RegisteredWithConditions, None) => {
                return Err(InvalidValue::new(
                    "conditions",
                    "(none)",
                    "a registration with conditions names the conditions of practice",
                ));
            }
            (s, Some(c)) if s != RegistrationStatus::RegisteredWithConditions => {
                return Err(InvalidValue::new(
                    "conditions",
                    c.as_str(),
                    format!("conditions of practice go with `registered-with-conditions`, not `{s}`"),
                ));
            }
            _ => {}
        }
        if let Some(due) = self.renewal_due
            && due < self.effective_on
        {
            return Err(InvalidValue::new(
                "renewal date",
                due.to_string(),
                format!("is before the record takes effect ({})", self.effective_on),
            ));
        }
        Ok(())
    }

    /// The registration in the shape the rest of the product reads.
    pub fn as_registration(&self) -> SweRegistration {
        SweRegistration { number: self.number.clone(), status: self.status, renewal_due: self.renewal_due }
    }
}

/// A stored registration record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegistrationRecord {
    /// Its id.
    pub id: RegistrationId,
    /// The worker registered.
    pub worker: WorkerId,
    /// The registration.
    #[serde(flatten)]
    pub registration: NewRegistration,
    /// Who recorded it: a person's name or an operator account.
    pub recorded_by: String,
}

/// Where a worker stands with the regulator on a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    /// The registration as it stands, with `lapsed` when its renewal date went by.
    pub registration: SweRegistration,
    /// The renewal date that passed with no renewal recorded, when that is why it lapsed.
    pub renewal_missed: Option<NaiveDate>,
    /// The record it comes from; `None` for the registration imported with the worker.
    pub record: Option<RegistrationId>,
}

impl Standing {
    /// Whether the worker may practise that day.
    pub fn current(&self) -> bool {
        self.registration.status.may_practise()
    }
}

/// The worker's registration on `date`: the latest record in force that day (or the one
/// imported with them, when none is recorded). A registration whose renewal date has passed
/// with no later record counts as lapsed: Social Work England removes anyone who does not
/// renew, and has allowed no grace period since 2022.
pub fn standing_on(
    history: &[RegistrationRecord],
    imported: Option<&SweRegistration>,
    date: NaiveDate,
) -> Option<Standing> {
    let latest = history
        .iter()
        .filter(|r| r.registration.effective_on <= date)
        .max_by_key(|r| (r.registration.effective_on, r.id));
    let (mut registration, record) = match latest {
        Some(r) => (r.registration.as_registration(), Some(r.id)),
        None => (imported?.clone(), None),
    };
    let mut renewal_missed = None;
    if registration.status.may_practise()
        && let Some(due) = registration.renewal_due
        && due < date
    {
        registration.status = RegistrationStatus::Lapsed;
        renewal_missed = Some(due);
    }
    Some(Standing { registration, renewal_missed, record })
}

// ---------------------------------------------------------------------------------------
// Registration years and CPD

/// A Social Work England registration year: 1 December to 30 November, named by the year
/// it ends in (the year ending 30 November 2026 is "2025-26").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegistrationYear {
    ends_in: i32,
}

impl RegistrationYear {
    /// The registration year ending on 30 November of `year`.
    pub fn ending(year: i32) -> Result<RegistrationYear, InvalidValue> {
        if (2000..=2200).contains(&year) {
            Ok(RegistrationYear { ends_in: year })
        } else {
            Err(InvalidValue::new("registration year", year.to_string(), "is not a year Pathway can judge"))
        }
    }

    /// The registration year `date` falls in.
    pub fn containing(date: NaiveDate) -> RegistrationYear {
        RegistrationYear { ends_in: if date.month() == 12 { date.year() + 1 } else { date.year() } }
    }

    /// The calendar year it ends in.
    pub fn ends_in(self) -> i32 {
        self.ends_in
    }

    /// 1 December of the year before.
    pub fn starts_on(self) -> NaiveDate {
        ymd(self.ends_in - 1, 12, 1)
    }

    /// 30 November.
    pub fn ends_on(self) -> NaiveDate {
        ymd(self.ends_in, 11, 30)
    }

    /// The renewal window's first day: 1 September.
    pub fn window_opens(self) -> NaiveDate {
        ymd(self.ends_in, 9, 1)
    }

    /// Whether `date` is inside the year.
    pub fn contains(self, date: NaiveDate) -> bool {
        (self.starts_on()..=self.ends_on()).contains(&date)
    }

    /// "2025-26".
    pub fn label(self) -> String {
        format!("{}-{:02}", self.ends_in - 1, self.ends_in.rem_euclid(100))
    }

    /// What Social Work England asks of CPD for this year's renewal, or `None` for a year
    /// before it regulated social workers (the first ended 30 November 2020).
    pub fn cpd_rule(self) -> Option<CpdRule> {
        match self.ends_in {
            ..=2019 => None,
            2020 | 2021 => Some(CpdRule { minimum_records: 1, peer_reflection: false }),
            _ => Some(CpdRule { minimum_records: 2, peer_reflection: true }),
        }
    }
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// Social Work England's CPD ask for one registration year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CpdRule {
    /// Records needed to renew.
    pub minimum_records: u32,
    /// Whether one of them must include reflection with a peer.
    pub peer_reflection: bool,
}

/// Who a piece of CPD was reflected on with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeerReflection {
    /// The peer's name.
    pub name: PersonName,
    /// The peer, when they work for the same authority.
    pub worker: Option<WorkerId>,
}

/// A piece of CPD as a social worker records it for Social Work England.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewCpdRecord {
    /// The day the learning happened (or was completed).
    pub on: NaiveDate,
    /// What it was.
    pub title: crate::workforce::Name,
    /// What the activity was, in the worker's words.
    pub description: Option<Note>,
    /// What they learned and how it changed their practice: the part SWE reads.
    pub reflection: Note,
    /// The peer they reflected with, if they did.
    pub peer: Option<PeerReflection>,
    /// Evidence items of the same worker's portfolio it draws on.
    pub evidence: Vec<EvidenceId>,
}

/// A stored CPD record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CpdRecord {
    /// Its id.
    pub id: CpdRecordId,
    /// The worker.
    pub worker: WorkerId,
    /// The record.
    #[serde(flatten)]
    pub record: NewCpdRecord,
    /// Who recorded it: a person's name or an operator account.
    pub recorded_by: String,
}

/// A worker's CPD in one registration year, against what Social Work England asks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CpdSummary {
    /// The year, "2025-26".
    pub year: String,
    /// Its first day.
    pub starts_on: NaiveDate,
    /// Its last day: the renewal deadline.
    pub ends_on: NaiveDate,
    /// CPD records dated in the year.
    pub records: u32,
    /// Of those, the ones reflected on with a peer.
    pub peer_discussed: u32,
    /// What SWE asks, or `None` before SWE regulated social workers.
    pub rule: Option<CpdRule>,
    /// Whether the records meet it (`None` when there is no rule to meet).
    pub minimum_met: Option<bool>,
    /// The renewal window's first day (1 September).
    pub window_opens: NaiveDate,
    /// Whether the renewal window is open on the day asked.
    pub window_open: bool,
    /// The verdict in a sentence.
    pub verdict: String,
}

/// Summarise `records` (any years) for `year`, as things stand on `today`.
pub fn cpd_summary(records: &[CpdRecord], year: RegistrationYear, today: NaiveDate) -> CpdSummary {
    let in_year: Vec<&CpdRecord> = records.iter().filter(|r| year.contains(r.record.on)).collect();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let total = count(in_year.len());
    let peer = count(in_year.iter().filter(|r| r.record.peer.is_some()).count());
    let rule = year.cpd_rule();
    let window_open = (year.window_opens()..=year.ends_on()).contains(&today);
    let minimum_met = rule.map(|r| total >= r.minimum_records && (!r.peer_reflection || peer >= 1));
    let plural = |n: u32, one: &str, many: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
    let verdict = match (rule, minimum_met) {
        (None, _) => format!(
            "{} in {}; Social Work England set no CPD rule for a year before it took over on 2 December 2019.",
            plural(total, "CPD record", "CPD records"),
            year.label()
        ),
        (Some(_), Some(true)) => format!(
            "{} in {}, {} with a peer: Social Work England's minimum for renewal is met.",
            plural(total, "CPD record", "CPD records"),
            year.label(),
            peer
        ),
        (Some(r), _) => {
            let mut missing = Vec::new();
            if total < r.minimum_records {
                missing.push(plural(r.minimum_records - total, "more CPD record", "more CPD records"));
            }
            if r.peer_reflection && peer == 0 {
                missing.push("one reflected on with a peer".to_owned());
            }
            format!(
                "{} in {}, {} with a peer: renewal by {} needs {}.",
                plural(total, "CPD record", "CPD records"),
                year.label(),
                peer,
                year.ends_on(),
                missing.join(" and ")
            )
        }
    };
    CpdSummary {
        year: year.label(),
        starts_on: year.starts_on(),
        ends_on: year.ends_on(),
        records: total,
        peer_discussed: peer,
        rule,
        minimum_met,
        window_opens: year.window_opens(),
        window_open,
        verdict,
    }
}

// ---------------------------------------------------------------------------------------
// Appraisal cycle

/// Months between appraisals when the framework does not say: the common annual cycle
/// (Bexley and Medway both describe an annual appraisal; Rotherham's PDR and West
/// Sussex's framework give no frequency).
pub const DEFAULT_APPRAISAL_MONTHS: u32 = 12;

/// When a worker's next appraisal falls due: `every_months` after the last one held, or
/// after they started when none is recorded.
pub fn next_appraisal_due(last_held: Option<NaiveDate>, started_on: NaiveDate, every_months: u32) -> NaiveDate {
    let from = last_held.unwrap_or(started_on);
    from.checked_add_months(Months::new(every_months)).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workforce::Name;

    fn date(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    fn registration(status: RegistrationStatus, from: &str, due: Option<&str>) -> NewRegistration {
        NewRegistration {
            number: SweNumber::parse("SW123456").expect("number"),
            status,
            conditions: None,
            renewal_due: due.map(date),
            effective_on: date(from),
            note: None,
        }
    }

    fn record(id: i64, r: NewRegistration) -> RegistrationRecord {
        RegistrationRecord {
            id: RegistrationId::new(id),
            worker: WorkerId::new(1),
            registration: r,
            recorded_by: "HR".into(),
        }
    }

    #[test]
    fn the_registration_year_runs_december_to_november_and_the_window_opens_in_september() {
        let year = RegistrationYear::containing(date("2025-12-01"));
        assert_eq!(year.label(), "2025-26");
        assert_eq!(year.starts_on(), date("2025-12-01"));
        assert_eq!(year.ends_on(), date("2026-11-30"));
        assert_eq!(year.window_opens(), date("2026-09-01"));
        assert_eq!(RegistrationYear::containing(date("2026-11-30")), year);
        assert_eq!(RegistrationYear::containing(date("2026-12-01")).label(), "2026-27");
    }

    #[test]
    fn two_records_one_with_a_peer_since_2022_one_before() {
        assert_eq!(
            RegistrationYear::ending(2021).expect("year").cpd_rule(),
            Some(CpdRule { minimum_records: 1, peer_reflection: false })
        );
        assert_eq!(
            RegistrationYear::ending(2022).expect("year").cpd_rule(),
            Some(CpdRule { minimum_records: 2, peer_reflection: true })
        );
        assert_eq!(RegistrationYear::ending(2019).expect("year").cpd_rule(), None);
    }

    fn cpd(id: i64, on: &str, peer: bool) -> CpdRecord {
        CpdRecord {
            id: CpdRecordId::new(id),
            worker: WorkerId::new(1),
            record: NewCpdRecord {
                on: date(on),
                title: Name::parse("Working with neglect").expect("title"),
                description: None,
                reflection: Note::parse("I now ask about routines first.").expect("reflection"),
                peer: peer.then(|| PeerReflection { name: PersonName::parse("Dee Lane").expect("name"), worker: None }),
                evidence: Vec::new(),
            },
            recorded_by: "Mia".into(),
        }
    }

    #[test]
    fn two_records_without_a_peer_fall_short_and_the_summary_says_what_is_missing() {
        let year = RegistrationYear::ending(2026).expect("year");
        let records = [cpd(1, "2026-01-10", false), cpd(2, "2026-03-04", false), cpd(3, "2025-11-30", true)];
        let summary = cpd_summary(&records, year, date("2026-09-15"));
        assert_eq!((summary.records, summary.peer_discussed), (2, 0));
        assert_eq!(summary.minimum_met, Some(false));
        assert!(summary.window_open);
        assert!(summary.verdict.contains("needs one reflected on with a peer"), "{}", summary.verdict);

        let records = [cpd(1, "2026-01-10", false), cpd(2, "2026-03-04", true)];
        let summary = cpd_summary(&records, year, date("2026-08-31"));
        assert_eq!(summary.minimum_met, Some(true));
        assert!(!summary.window_open, "the window opens on 1 September");
    }

    #[test]
    fn the_latest_record_in_force_decides_and_a_missed_renewal_lapses() {
        let history = [
            record(1, registration(RegistrationStatus::Registered, "2024-12-01", Some("2025-11-30"))),
            record(2, registration(RegistrationStatus::Suspended, "2025-03-01", None)),
            record(3, registration(RegistrationStatus::Registered, "2025-06-01", Some("2025-11-30"))),
        ];
        let on = |d: &str| standing_on(&history, None, date(d)).map(|s| s.registration.status);
        assert_eq!(on("2025-01-01"), Some(RegistrationStatus::Registered));
        assert_eq!(on("2025-04-01"), Some(RegistrationStatus::Suspended));
        assert_eq!(on("2025-11-30"), Some(RegistrationStatus::Registered));
        let after = standing_on(&history, None, date("2025-12-01")).expect("standing");
        assert_eq!(after.registration.status, RegistrationStatus::Lapsed);
        assert_eq!(after.renewal_missed, Some(date("2025-11-30")));
        assert_eq!(on("2024-11-01"), None);
        let imported = registration(RegistrationStatus::Registered, "2024-01-01", None).as_registration();
        assert_eq!(
            standing_on(&[], Some(&imported), date("2024-11-01")).map(|s| s.registration.status),
            Some(RegistrationStatus::Registered)
        );
    }

    #[test]
    fn conditions_go_with_a_registration_with_conditions_only() {
        let mut r = registration(RegistrationStatus::RegisteredWithConditions, "2025-01-01", None);
        assert!(r.check().is_err());
        r.conditions = Some(Note::parse("Supervised practice for child protection work").expect("note"));
        assert!(r.check().is_ok());
        r.status = RegistrationStatus::Registered;
        assert!(r.check().expect_err("conditions").to_string().contains("registered-with-conditions"));
    }

    #[test]
    fn the_next_appraisal_is_due_a_cycle_after_the_last_or_the_start() {
        assert_eq!(next_appraisal_due(Some(date("2025-03-10")), date("2020-01-01"), 12), date("2026-03-10"));
        assert_eq!(next_appraisal_due(None, date("2025-09-01"), 6), date("2026-03-01"));
    }
}
