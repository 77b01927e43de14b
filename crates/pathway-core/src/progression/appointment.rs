//! External appointment at a level, by the framework's `[external_applicants]` rules, and the
//! fast track it offers existing staff.
//!
//! Rotherham appoints "at any level": an applicant who qualified recently must have passed
//! the ASYE to be considered, and the pay point is "assessed at interview"
//! (`pay::place_on_appointment` says a person must choose it). Fast track lets existing staff
//! submit an application before their portfolio is complete, where the framework and the
//! route both allow it ([`super::application::fast_track_allowed`]).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::audit::{Actor, Audit, require_why};
use super::error::{ProgressionError, authority_short};
use super::pay_preview::{PayChangePreview, preview_move};
use crate::framework::{CriterionTest, Framework, Level, LevelId, Route, Trigger};
use crate::workforce::{AsyeOutcome, ChangeReason, NewTimelineEntry};

/// The ASYE began in England in September 2012; people who qualified earlier could not have
/// done one (they may hold the NQSW portfolio some frameworks accept instead).
pub const ASYE_INTRODUCED: (i32, u32, u32) = (2012, 9, 1);

/// What the framework's rules need to know about an external applicant.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Applicant {
    /// When they qualified as a social worker.
    #[serde(default)]
    pub qualified_on: Option<NaiveDate>,
    /// How their ASYE (or its equivalent) ended, if it has.
    #[serde(default)]
    pub asye: Option<AsyeOutcome>,
}

/// Whether an external applicant may be appointed at a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AppointmentVerdict {
    /// The framework's rules allow it (the interview still decides).
    MayBeConsidered,
    /// A rule rules it out.
    NotEligible,
    /// Something the rules need is not known.
    NeedsInformation,
}

/// The verdict, with the reasons and how the authority assesses applicants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentCheck {
    /// The level.
    pub level: LevelId,
    /// Its printed name.
    pub level_name: String,
    /// The verdict.
    pub verdict: AppointmentVerdict,
    /// Why, rule by rule, in plain English.
    pub reasons: Vec<String>,
    /// How applicants are assessed ("application form", "assessment at interview").
    pub assessment: Vec<String>,
}

/// A decided external appointment: the pay placement and the record the new worker starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// The rule check at the time.
    pub check: AppointmentCheck,
    /// The pay placement.
    pub pay: PayChangePreview,
    /// The first entry of the new worker's timeline.
    pub record_change: NewTimelineEntry,
    /// Who appointed.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub why: String,
}

fn whole_years_between(from: NaiveDate, to: NaiveDate) -> i32 {
    let mut years = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    years
}

fn level<'f>(f: &'f Framework, id: &LevelId) -> Result<&'f Level, ProgressionError> {
    f.level(id).ok_or_else(|| ProgressionError::unavailable(format!("{} has no level `{id}`", f.framework.authority)))
}

/// Check an external applicant against the framework's rules for appointment at `level`
/// on `on`.
pub fn check_appointment(
    f: &Framework,
    level_id: &LevelId,
    applicant: &Applicant,
    on: NaiveDate,
) -> Result<AppointmentCheck, ProgressionError> {
    let level = level(f, level_id)?;
    let authority = authority_short(&f.framework.authority);
    let mut reasons = Vec::new();
    let mut verdict = AppointmentVerdict::MayBeConsidered;
    let mut worst = |v: AppointmentVerdict, why: String, reasons: &mut Vec<String>| {
        reasons.push(why);
        verdict = match (verdict, v) {
            (AppointmentVerdict::NotEligible, _) | (_, AppointmentVerdict::NotEligible) => {
                AppointmentVerdict::NotEligible
            }
            (AppointmentVerdict::NeedsInformation, _) | (_, AppointmentVerdict::NeedsInformation) => {
                AppointmentVerdict::NeedsInformation
            }
            _ => AppointmentVerdict::MayBeConsidered,
        };
    };
    if !level.open_to_external {
        worst(
            AppointmentVerdict::NotEligible,
            format!("{authority} does not appoint external applicants to {}", level.name),
            &mut reasons,
        );
    }
    let pq_years = applicant.qualified_on.map(|q| whole_years_between(q, on));
    let rules = f.external_applicants.as_ref();
    let assessment = rules.map(|r| r.assessment.clone()).unwrap_or_default();
    if let Some(rules) = rules {
        if !rules.any_level && !level.asye {
            worst(
                AppointmentVerdict::NotEligible,
                format!("{authority} appoints external applicants only at entry level, not {}", level.name),
                &mut reasons,
            );
        } else if rules.any_level {
            reasons.push(format!("{authority} appoints external applicants at any level"));
        }
        for c in rules.criteria.iter().filter(|c| c.essential) {
            match &c.test {
                CriterionTest::AsyePassed { accepts, up_to_years } => {
                    let introduced = NaiveDate::from_ymd_opt(ASYE_INTRODUCED.0, ASYE_INTRODUCED.1, ASYE_INTRODUCED.2);
                    if level.asye {
                        reasons.push(format!("the ASYE rule does not apply: the ASYE is done at {}", level.name));
                        continue;
                    }
                    let Some(q) = applicant.qualified_on else {
                        worst(
                            AppointmentVerdict::NeedsInformation,
                            format!("the qualification date is needed to apply the rule \"{}\"", c.text),
                            &mut reasons,
                        );
                        continue;
                    };
                    if introduced.is_some_and(|i| q < i) {
                        reasons.push(format!(
                            "the ASYE rule does not apply: the applicant qualified on {q}, before the ASYE existed"
                        ));
                        continue;
                    }
                    if let (Some(limit), Some(y)) = (*up_to_years, pq_years)
                        && y > limit as i32
                    {
                        reasons.push(format!(
                            "the ASYE rule applies to applicants up to {limit} years post-qualifying; the applicant is {y}"
                        ));
                        continue;
                    }
                    match applicant.asye {
                        Some(o) if o.counts_as_passed(accepts) => {
                            reasons.push(format!("ASYE completed ({}), as \"{}\" requires", o.code(), c.text));
                        }
                        Some(o) => worst(
                            AppointmentVerdict::NotEligible,
                            format!("the applicant's ASYE outcome is {}; {authority}: \"{}\"", o.code(), c.text),
                            &mut reasons,
                        ),
                        None => worst(
                            AppointmentVerdict::NotEligible,
                            format!(
                                "the applicant is {} years post-qualifying and has not completed the ASYE; {authority}: \"{}\"",
                                pq_years.unwrap_or_default(),
                                c.text
                            ),
                            &mut reasons,
                        ),
                    }
                }
                _ => reasons.push(format!("to check at interview: \"{}\"", c.text)),
            }
        }
        if rules.experience_limits_level {
            let needed = f
                .routes
                .iter()
                .filter(|r| r.to == level.id)
                .flat_map(|r| r.criteria.iter())
                .filter(|c| c.essential)
                .filter_map(|c| match c.test {
                    CriterionTest::PostQualifyingYears { years } => Some(years),
                    _ => None,
                })
                .max();
            if let Some(n) = needed {
                match pq_years {
                    None => worst(
                        AppointmentVerdict::NeedsInformation,
                        format!("{} needs {n} years post-qualifying; the qualification date is needed", level.name),
                        &mut reasons,
                    ),
                    Some(y) if y < n as i32 => worst(
                        AppointmentVerdict::NotEligible,
                        format!("{} needs {n} years post-qualifying; the applicant has {y}", level.name),
                        &mut reasons,
                    ),
                    Some(_) => reasons.push(format!("{n} years post-qualifying, as {} needs", level.name)),
                }
            }
        } else {
            reasons.push(format!("post-qualifying experience does not limit the level {authority} appoints at"));
        }
    } else {
        reasons.push(format!("{authority}'s framework sets no rules for external applicants beyond the level's own"));
    }
    Ok(AppointmentCheck { level: level.id.clone(), level_name: level.name.clone(), verdict, reasons, assessment })
}

/// The pay an external appointee at `level` would start on, by the framework's appointment
/// placement. Where the point is "assessed at interview", `needs_decision` is set until
/// `chosen_point` gives it.
pub fn preview_appointment(
    f: &Framework,
    level_id: &LevelId,
    starts_on: NaiveDate,
    chosen_point: Option<&str>,
) -> Result<PayChangePreview, ProgressionError> {
    level(f, level_id)?;
    preview_move(f, None, level_id, starts_on, chosen_point, true)
}

/// Appoint an external applicant at `level` from `starts_on`: the rules must allow it and the
/// pay point must be settled (chosen, where assessed at interview). Gives the first entry of
/// the new worker's timeline.
pub fn appoint(
    f: &Framework,
    level_id: &LevelId,
    applicant: &Applicant,
    starts_on: NaiveDate,
    chosen_point: Option<&str>,
    audit: &Audit,
) -> Result<Appointment, ProgressionError> {
    require_why(audit, "appointing")?;
    let check = check_appointment(f, level_id, applicant, starts_on)?;
    match check.verdict {
        AppointmentVerdict::MayBeConsidered => {}
        AppointmentVerdict::NotEligible | AppointmentVerdict::NeedsInformation => {
            let why: Vec<&str> = check.reasons.iter().map(String::as_str).collect();
            return Err(ProgressionError::not_permitted(
                "appointment-rules",
                format!("cannot appoint at {}: {}", check.level_name, why.join("; ")),
            ));
        }
    }
    let pay = preview_appointment(f, level_id, starts_on, chosen_point)?;
    // A point given by hand must be the one the framework's rule gives, unless the rule
    // leaves it to a person (assessed at interview, or a figure not published).
    if let Some(chosen) = chosen_point {
        let by_rule = preview_appointment(f, level_id, starts_on, None)?;
        if let (false, Some(ruled), Some(given)) = (by_rule.needs_decision, &by_rule.new, &pay.new)
            && ruled.point != given.point
        {
            return Err(ProgressionError::not_permitted(
                "appointment-placement",
                format!(
                    "{} places external appointees by its rule ({}: point {} of {}); point `{}` is not for a person \
                     to choose. Leave the point out to place them by the rule",
                    authority_short(&f.framework.authority),
                    by_rule.placement,
                    ruled.point,
                    ruled.grade_name,
                    chosen.trim()
                ),
            ));
        }
    }
    if pay.needs_decision {
        return Err(ProgressionError::unavailable(format!(
            "choose the pay point before appointing: {}",
            pay.placement
        )));
    }
    // A point whose figure the framework flags as doubtful is not paid until someone confirms it.
    if let Some(hold) = pay.held() {
        return Err(ProgressionError::not_permitted(
            "pay-never-falls",
            format!("the appointment is not made: its pay point is {hold}"),
        ));
    }
    let note = format!("Appointed to {} by {}", check.level_name, audit.by.name);
    let record_change = pay.timeline_entry(ChangeReason::Appointed, &note)?;
    Ok(Appointment { check, pay, record_change, by: audit.by.clone(), at: audit.at, why: audit.why.trim().to_owned() })
}

/// Routes out of `level` that existing staff may fast-track, where the framework offers fast
/// track at all.
pub fn fast_track_routes<'f>(f: &'f Framework, level: &LevelId) -> Vec<&'f Route> {
    if !f.fast_track.as_ref().is_some_and(|ft| ft.allowed) {
        return Vec::new();
    }
    f.routes_from(level).filter(|r| r.fast_track && r.trigger == Trigger::Application).collect()
}
