//! The pay engine: salary for a grade, point and date; increments; the top of a grade;
//! placement on promotion; projections over a career. Money is integer pence throughout.
//!
//! Where a framework does not publish a figure, the answer says so ([`Amount::Unknown`])
//! rather than guessing.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::framework::{
    Allowance, Basis, FirstIncrement, Framework, Grade, GradeFigures, GradeId, IncrementDate, PayPoint, Placement,
    Spine,
};
use crate::money::Pence;
use crate::standards::{NjcLookup, Standards};

/// A figure that may not be known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Amount {
    /// The figure, in pence.
    Known {
        /// Annual amount in pence.
        pence: Pence,
    },
    /// Nobody has published it; `reason` says why.
    Unknown {
        /// Why the figure is not known.
        reason: String,
    },
}

impl Amount {
    /// The figure, if known.
    pub fn known(&self) -> Option<Pence> {
        match self {
            Amount::Known { pence } => Some(*pence),
            Amount::Unknown { .. } => None,
        }
    }

    fn unknown(reason: impl Into<String>) -> Amount {
        Amount::Unknown { reason: reason.into() }
    }
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Amount::Known { pence } => write!(f, "{pence}"),
            Amount::Unknown { .. } => f.write_str("not published"),
        }
    }
}

/// Why a pay question could not be answered at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayError {
    /// No grade has that name.
    #[error("{framework} has no grade `{name}`; its grades are: {known}")]
    UnknownGrade {
        /// The framework.
        framework: String,
        /// What was asked for.
        name: String,
        /// The grades there are.
        known: String,
    },
    /// The grade has no such point.
    #[error("grade {grade} has no point `{name}`; its points are: {known}")]
    UnknownPoint {
        /// The grade's printed name.
        grade: String,
        /// What was asked for.
        name: String,
        /// The points there are.
        known: String,
    },
}

/// One allowance in a salary answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllowanceLine {
    /// The allowance's name.
    pub name: String,
    /// Its annual amount in pence.
    pub annual_pence: Pence,
    /// First day it is paid, when it starts later than the framework.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<NaiveDate>,
    /// Last day it is paid, when it is time-limited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
}

impl AllowanceLine {
    fn of(allowance: &Allowance) -> AllowanceLine {
        AllowanceLine {
            name: allowance.name.clone(),
            annual_pence: allowance.annual,
            effective_from: allowance.effective_from,
            effective_to: allowance.effective_to,
        }
    }

    /// "from 2025-04-01 to 2026-03-31", or empty for an allowance paid throughout.
    pub fn window(&self) -> String {
        match (self.effective_from, self.effective_to) {
            (Some(from), Some(to)) => format!("from {from} to {to}"),
            (Some(from), None) => format!("from {from}"),
            (None, Some(to)) => format!("until {to}"),
            (None, None) => String::new(),
        }
    }
}

/// The full answer to "what does this grade and point pay on this date?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Salary {
    /// The framework's id.
    pub framework: String,
    /// The grade's id.
    pub grade_id: String,
    /// The grade's printed name.
    pub grade: String,
    /// The point's printed name.
    pub point: String,
    /// The NJC SCP, where the point is one.
    pub scp: Option<u32>,
    /// The date asked about.
    pub on: NaiveDate,
    /// Basic annual salary.
    pub basic: Amount,
    /// Allowances paid on top on the date.
    pub allowances: Vec<AllowanceLine>,
    /// Allowances of the grade that are not paid on the date (outside their dates).
    pub allowances_not_in_force: Vec<AllowanceLine>,
    /// Basic annual salary in pence, when known.
    pub basic_annual_pence: Option<Pence>,
    /// Total allowances in pence; `None` only when the figures add up to more than can be held.
    pub allowances_annual_pence: Option<Pence>,
    /// Basic plus allowances in pence, when the basic is known and the sum can be held.
    pub total_annual_pence: Option<Pence>,
    /// The pay year or table the figure comes from ("NJC pay year 2025-26").
    pub pay_year: Option<String>,
    /// Why the basic figure is unverified, when the reference data marks it so.
    pub figure_unverified: Option<String>,
    /// Whether this is known to be the top point of the grade.
    pub top_of_grade: bool,
    /// Things the reader should know: anomalies, assumptions, missing figures.
    pub notes: Vec<String>,
}

/// Resolve a grade by any of its printed names.
pub fn find_grade<'a>(f: &'a Framework, name: &str) -> Result<&'a Grade, PayError> {
    f.find_grade(name).ok_or_else(|| PayError::UnknownGrade {
        framework: f.framework.id.to_string(),
        name: name.to_owned(),
        known: f.grades.iter().map(|g| g.name.as_str()).collect::<Vec<_>>().join(", "),
    })
}

/// Resolve a point of a grade by its printed name.
pub fn find_point<'a>(grade: &'a Grade, name: &str) -> Result<(usize, &'a PayPoint), PayError> {
    grade.find_point(name).ok_or_else(|| PayError::UnknownPoint {
        grade: grade.name.clone(),
        name: name.to_owned(),
        known: grade.points.iter().map(|p| p.point.as_str()).collect::<Vec<_>>().join(", "),
    })
}

/// Basic annual pay of one point on a date, with where the figure comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasicPay {
    /// The figure, or why it is not known.
    pub amount: Amount,
    /// The pay year or table it comes from.
    pub pay_year: Option<String>,
    /// Why the figure is unverified, when the reference data marks it so.
    pub unverified: Option<String>,
    /// Things to tell the reader about the figure (a computed pay year, an award not yet on
    /// record).
    pub notes: Vec<String>,
}

impl BasicPay {
    fn unknown(reason: impl Into<String>, pay_year: Option<String>) -> BasicPay {
        BasicPay { amount: Amount::unknown(reason), pay_year, unverified: None, notes: Vec::new() }
    }

    fn known(pence: Pence, pay_year: String) -> BasicPay {
        BasicPay { amount: Amount::Known { pence }, pay_year: Some(pay_year), unverified: None, notes: Vec::new() }
    }
}

/// Why a framework version gives no figures on `on`, when the date comes before it.
fn before_framework(f: &Framework, on: NaiveDate) -> Option<String> {
    (on < f.framework.effective_from).then(|| {
        format!(
            "{on} is before {}'s framework (version {}) first took effect on {}, so it gives no figures for that date",
            f.framework.authority, f.framework.version, f.framework.effective_from
        )
    })
}

/// Basic annual pay of one point on a date, and the pay year it comes from.
pub fn basic_pay(f: &Framework, grade: &Grade, point: &PayPoint, on: NaiveDate) -> (Amount, Option<String>) {
    let basic = basic_pay_detail(f, grade, point, on);
    (basic.amount, basic.pay_year)
}

/// Basic annual pay of one point on a date, with its pay year and caveats.
pub fn basic_pay_detail(f: &Framework, grade: &Grade, point: &PayPoint, on: NaiveDate) -> BasicPay {
    if let Some(why) = before_framework(f, on) {
        return BasicPay::unknown(why, None);
    }
    match grade.spine {
        Spine::Njc => {
            let Some(scp) = point.scp else {
                return BasicPay::unknown("the point has no SCP number", None);
            };
            let njc = &Standards::bundled().njc;
            match njc.lookup(scp, on) {
                NjcLookup::Known(figure) => {
                    let mut basic = BasicPay::known(figure.pence, format!("NJC pay year {}", figure.year));
                    if let Some(note) = njc.year_note(&figure.year) {
                        basic.notes.push(format!("NJC pay year {}: {note}.", figure.year));
                    }
                    if let Some(later) = &figure.award_not_on_record {
                        basic.notes.push(format!(
                            "No NJC pay award for {later} is on record; until one is agreed the {} rates are paid.",
                            figure.year
                        ));
                    }
                    if let Some(why) = &figure.unverified {
                        basic.notes.push(format!("The NJC figure for SCP {scp} is unverified: {why}."));
                    }
                    basic.unverified = figure.unverified;
                    basic
                }
                NjcLookup::UnknownPoint(year) => BasicPay::unknown(
                    format!(
                        "the NJC {year} figure for SCP {scp} is not in Pathway's reference data (no source confirmed it)"
                    ),
                    Some(format!("NJC pay year {year}")),
                ),
                NjcLookup::BeforeFirstYear(first) => BasicPay::unknown(
                    format!("{on} is before the first NJC pay year Pathway holds ({first}, from 1 April)"),
                    None,
                ),
            }
        }
        Spine::Local => {
            if let Some(s) = point.salary {
                return BasicPay::known(s, format!("{} {}", f.framework.id, f.framework.version));
            }
            if point.salaries.is_empty() {
                let why = f.pay.note.clone().unwrap_or_else(|| "the framework does not publish this figure".into());
                return BasicPay::unknown(why, None);
            }
            match point.salaries.iter().rev().find(|s| s.from <= on) {
                Some(s) => BasicPay::known(s.amount, format!("from {}", s.from)),
                None => BasicPay::unknown(
                    format!(
                        "no figure applies before {}",
                        point.salaries.first().map(|s| s.from.to_string()).unwrap_or_default()
                    ),
                    None,
                ),
            }
        }
    }
}

fn allowances_of_grade<'f>(f: &'f Framework, grade: &GradeId) -> impl Iterator<Item = &'f Allowance> {
    f.pay.allowances.iter().filter(move |a| a.grades.is_empty() || a.grades.contains(grade))
}

fn in_force(allowance: &Allowance, on: NaiveDate) -> bool {
    allowance.effective_from.is_none_or(|from| from <= on) && allowance.effective_to.is_none_or(|to| on <= to)
}

/// The allowances paid on a grade on a date (each inside its `effective_from` and
/// `effective_to`, when it has them).
pub fn allowances(f: &Framework, grade: &GradeId, on: NaiveDate) -> Vec<AllowanceLine> {
    allowances_of_grade(f, grade).filter(|a| in_force(a, on)).map(AllowanceLine::of).collect()
}

/// The allowances of a grade that are not paid on a date, because it falls outside their dates.
pub fn allowances_not_in_force(f: &Framework, grade: &GradeId, on: NaiveDate) -> Vec<AllowanceLine> {
    allowances_of_grade(f, grade).filter(|a| !in_force(a, on)).map(AllowanceLine::of).collect()
}

/// The allowances paid on a grade on a date added up; `None` when the file's figures are too
/// large to add (see [`TOO_LARGE`]).
pub fn allowances_total(f: &Framework, grade: &GradeId, on: NaiveDate) -> Option<Pence> {
    Pence::checked_sum(allowances(f, grade, on).iter().map(|a| a.annual_pence))
}

/// The note on an answer whose figures add up to more than Pathway can hold. Only a mistake
/// in a framework file gets there, so the answer sends the reader to the file.
pub const TOO_LARGE: &str =
    "The figures add up to more than Pathway can count, so the total is not known; check the framework file's amounts.";

/// Where a point a person names sits on a grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// A point the framework lists (for a range grade: its minimum or maximum).
    At(usize),
    /// A point the framework does not publish: between a range's minimum and maximum, or on
    /// a grade known by name only.
    NotPublished {
        /// Why there is no figure.
        reason: String,
    },
}

/// The names a range grade's two known points go by.
const RANGE_BOTTOM: &[&str] = &["minimum", "min", "bottom", "start"];
const RANGE_TOP: &[&str] = &["maximum", "max", "top"];

/// The two points Pathway keeps for a grade published as a range.
pub const RANGE_POINTS: [&str; 2] = ["minimum", "maximum"];

/// Find the point `name` on `grade`. On a grade published only as a range, any point other
/// than the minimum and maximum is "not published" rather than "no such point"; on a grade
/// known by name only, every point is.
pub fn locate(f: &Framework, grade: &Grade, name: &str) -> Result<Located, PayError> {
    let wanted = name.trim().to_lowercase();
    match grade.figures() {
        GradeFigures::Points(_) => find_point(grade, name).map(|(index, _)| Located::At(index)),
        GradeFigures::Range(range) => {
            if RANGE_BOTTOM.contains(&wanted.as_str()) {
                Ok(Located::At(0))
            } else if RANGE_TOP.contains(&wanted.as_str()) {
                Ok(Located::At(grade.points.len().saturating_sub(1)))
            } else {
                Ok(Located::NotPublished {
                    reason: format!(
                        "{} publishes only the range of {} ({} to {}); pay at points between the minimum and maximum is not published",
                        f.framework.authority, grade.name, range.minimum, range.maximum
                    ),
                })
            }
        }
        GradeFigures::NameOnly => Ok(Located::NotPublished { reason: name_only_reason(f, grade) }),
    }
}

fn name_only_reason(f: &Framework, grade: &Grade) -> String {
    format!("{} publishes {} by name only, with no pay figures", f.framework.authority, grade.name)
}

/// What a grade and point pay on a date, with allowances.
pub fn salary(f: &Framework, grade_name: &str, point_name: &str, on: NaiveDate) -> Result<Salary, PayError> {
    let grade = find_grade(f, grade_name)?;
    Ok(match locate(f, grade, point_name)? {
        Located::At(index) => salary_at(f, grade, index, on),
        Located::NotPublished { reason } => salary_not_published(f, grade, point_name, on, &reason),
    })
}

/// The answer for a point whose figure the framework does not publish: the allowances are
/// still known, the basic and the total are not, and it is never claimed as the top.
pub fn salary_not_published(f: &Framework, grade: &Grade, point_name: &str, on: NaiveDate, reason: &str) -> Salary {
    let basic = match before_framework(f, on) {
        Some(why) => BasicPay::unknown(why, None),
        None => BasicPay::unknown(reason, None),
    };
    let point =
        PayPoint { point: point_name.trim().to_owned(), scp: None, salary: None, salaries: Vec::new(), anomaly: None };
    answer(f, grade, &point, basic, false, on)
}

/// What point `index` of `grade` pays on a date.
pub fn salary_at(f: &Framework, grade: &Grade, index: usize, on: NaiveDate) -> Salary {
    let Some(point) = grade.points.get(index.min(grade.points.len().saturating_sub(1))) else {
        let reason = match grade.figures() {
            GradeFigures::NameOnly => name_only_reason(f, grade),
            _ => format!("{} lists no points", grade.name),
        };
        return salary_not_published(f, grade, "", on, &reason);
    };
    let basic = basic_pay_detail(f, grade, point, on);
    let top = index + 1 >= grade.points.len();
    answer(f, grade, point, basic, top, on)
}

fn answer(f: &Framework, grade: &Grade, point: &PayPoint, basic: BasicPay, top: bool, on: NaiveDate) -> Salary {
    let BasicPay { amount: basic, pay_year, unverified, notes: basic_notes } = basic;
    let in_force = if before_framework(f, on).is_some() { Vec::new() } else { allowances(f, &grade.id, on) };
    let allowances_total = Pence::checked_sum(in_force.iter().map(|a| a.annual_pence));
    let total = basic.known().zip(allowances_total).and_then(|(basic, extra)| basic.checked_add(extra));
    let mut notes = Vec::new();
    if allowances_total.is_none() || (basic.known().is_some() && total.is_none()) {
        notes.push(TOO_LARGE.to_owned());
    }
    if let Some(a) = &point.anomaly {
        notes.push(format!("Anomaly in the published figure: {a}"));
    }
    if let Amount::Unknown { reason } = &basic {
        notes.push(format!("Basic pay not known: {reason}."));
    }
    notes.extend(basic_notes);
    let not_in_force = allowances_not_in_force(f, &grade.id, on);
    for allowance in &not_in_force {
        notes.push(format!("{} is not paid on {on}: it is paid {}.", allowance.name, allowance.window()));
    }
    if !grade.points_complete
        && let Some(n) = &grade.note
    {
        notes.push(n.clone());
    }
    Salary {
        framework: f.framework.id.to_string(),
        grade_id: grade.id.to_string(),
        grade: grade.name.clone(),
        point: point.point.clone(),
        scp: point.scp,
        on,
        basic_annual_pence: basic.known(),
        total_annual_pence: total,
        basic,
        allowances: in_force,
        allowances_not_in_force: not_in_force,
        allowances_annual_pence: allowances_total,
        pay_year,
        figure_unverified: unverified,
        top_of_grade: top,
        notes,
    }
}

/// The top point of a grade, when the grade lists one.
pub fn top_of_grade(grade: &Grade) -> Option<(usize, &PayPoint)> {
    grade.points.iter().enumerate().next_back()
}

/// Why increments on `grade` cannot be worked out, when the points between its published
/// figures are not published: a range, a grade known by name only, or one whose document
/// prints only some points. Moving from one printed point to the next would invent a step.
pub fn increments_not_published(f: &Framework, grade: &Grade) -> Option<String> {
    match grade.figures() {
        GradeFigures::Range(range) => Some(format!(
            "{} publishes only the range of {} ({} to {}), not the points between, so increments are not published",
            f.framework.authority, grade.name, range.minimum, range.maximum
        )),
        GradeFigures::NameOnly => Some(name_only_reason(f, grade)),
        GradeFigures::Points(_) if !grade.points_complete => Some(format!(
            "{} prints only some points of {}, so the steps between them are not published",
            f.framework.authority, grade.name
        )),
        GradeFigures::Points(_) => None,
    }
}

/// The rule a held move breaks, named in every answer that holds one.
pub const PAY_NEVER_FALLS: &str = "pay never falls on an increment or a promotion";

/// Who settles a held move onto an anomalous figure: the figure is the employer's, not the
/// worker's or the signer's.
pub const WHO_RESOLVES_PAY: &str = "HR/workforce must confirm the figure (and correct the framework file if it is a misprint) before anyone is moved onto it";

/// Who settles a held move onto a lower (but not anomalous) figure.
pub const WHO_RESOLVES_PAY_CUT: &str = "HR/workforce must decide the point or protect pay (the framework's placement rule does not) before the move is applied";

/// Why a move onto a point is held rather than applied: the point's published figure is
/// flagged as an anomaly, or it pays less than the point the person is on now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayHold {
    /// The rule, in words ([`PAY_NEVER_FALLS`]).
    pub rule: String,
    /// What is wrong with the move.
    pub reason: String,
    /// Who must resolve it ([`WHO_RESOLVES_PAY`] or [`WHO_RESOLVES_PAY_CUT`]).
    pub who_resolves: String,
}

impl std::fmt::Display for PayHold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "held under the rule \"{}\": {}; {}", self.rule, self.reason, self.who_resolves)
    }
}

/// Whether moving someone paid `current` (basic, when known) onto point `to_index` of `to`
/// on `on` must be held: the point is flagged as an anomaly, or pays less than `current`.
/// `from` names where they are now, for the reason ("point 42 of Grade 11").
pub fn hold_on_move(
    f: &Framework,
    current: Option<Pence>,
    from: &str,
    to: &Grade,
    to_index: usize,
    on: NaiveDate,
) -> Option<PayHold> {
    let point = to.points.get(to_index)?;
    let new = basic_pay(f, to, point, on).0.known();
    let mut reasons = Vec::new();
    if let Some(anomaly) = &point.anomaly {
        reasons.push(format!(
            "point {} of {} is flagged as an anomaly in the published figure ({anomaly})",
            point.point, to.name
        ));
    }
    if let (Some(now), Some(new)) = (current, new)
        && new < now
    {
        let cut = now.checked_sub(new).map(|c| format!(", a cut of {c}")).unwrap_or_default();
        reasons.push(format!("point {} of {} pays {new}, less than {from} ({now}){cut}", point.point, to.name));
    }
    let who = if point.anomaly.is_some() { WHO_RESOLVES_PAY } else { WHO_RESOLVES_PAY_CUT };
    (!reasons.is_empty()).then(|| PayHold {
        rule: PAY_NEVER_FALLS.to_owned(),
        reason: reasons.join("; and "),
        who_resolves: who.to_owned(),
    })
}

/// What happens next on the pay scale for someone on a point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum NextIncrement {
    /// Already on the top point: no further increments on this grade.
    AtTop,
    /// The next increment.
    Due {
        /// When it is paid.
        date: NaiveDate,
        /// Index of the point it moves to.
        to_index: usize,
        /// The point's printed name.
        to_point: String,
        /// Whether the increment rule is an assumption, not the document's.
        assumed: bool,
    },
    /// The next increment is due but not applied: the point it moves to is flagged as an
    /// anomaly or pays less than the current one.
    Held {
        /// When it would be paid.
        date: NaiveDate,
        /// Index of the point it would move to.
        to_index: usize,
        /// The point's printed name.
        to_point: String,
        /// Why it is held and who must resolve it.
        hold: PayHold,
    },
    /// The framework states no increment rule.
    NoRule,
    /// The points above are not published, so no increment is worked out.
    NotPublished {
        /// Why.
        reason: String,
    },
}

/// The increment dates after someone started on a grade, in order, starting after `after`.
fn increment_dates(f: &Framework, started: NaiveDate) -> Option<impl Iterator<Item = NaiveDate>> {
    let rule = f.pay.increments.as_ref()?;
    let first_after = rule.first_after_months.unwrap_or(0);
    let earliest = started.checked_add_months(Months::new(first_after)).unwrap_or(started);
    let on = rule.on;
    let first_rule = rule.first_increment;
    let (month, day) = (rule.month.unwrap_or(4), rule.day.unwrap_or(1));
    let next_fixed = move |after: NaiveDate| -> Option<NaiveDate> {
        let this_year = NaiveDate::from_ymd_opt(after.year(), month, day)?;
        if this_year > after { Some(this_year) } else { NaiveDate::from_ymd_opt(after.year() + 1, month, day) }
    };
    let first = match on {
        IncrementDate::Anniversary => started.checked_add_months(Months::new(12.max(first_after))),
        IncrementDate::FixedDate => next_fixed(started).and_then(|d| match (d < earliest, first_rule) {
            (false, _) => Some(d),
            (true, FirstIncrement::WhenServiceReached) => Some(earliest),
            (true, FirstIncrement::NextDate) => next_fixed(earliest - chrono::Duration::days(1)),
        }),
    };
    Some(std::iter::successors(first, move |prev| match on {
        IncrementDate::Anniversary => prev.checked_add_months(Months::new(12)),
        IncrementDate::FixedDate => next_fixed(*prev),
    }))
}

/// The next increment for someone on point `index` of `grade` since `started`, as seen on `today`.
pub fn next_increment(
    f: &Framework,
    grade: &Grade,
    index: usize,
    started: NaiveDate,
    today: NaiveDate,
) -> NextIncrement {
    if grade.points.is_empty() {
        return NextIncrement::NotPublished { reason: name_only_reason(f, grade) };
    }
    let top = grade.points.len() - 1;
    if index >= top {
        return NextIncrement::AtTop;
    }
    if let Some(reason) = increments_not_published(f, grade) {
        return NextIncrement::NotPublished { reason };
    }
    let Some(rule) = &f.pay.increments else {
        return NextIncrement::NoRule;
    };
    let Some(mut dates) = increment_dates(f, started) else {
        return NextIncrement::NoRule;
    };
    match dates.find(|d| *d > today) {
        Some(date) => {
            let to_index = (index + rule.points_per_increment.max(1) as usize).min(top);
            let current = basic_pay(f, grade, &grade.points[index], date).0.known();
            let from = format!("point {} of {}", grade.points[index].point, grade.name);
            if let Some(hold) = hold_on_move(f, current, &from, grade, to_index, date) {
                return NextIncrement::Held { date, to_index, to_point: grade.points[to_index].point.clone(), hold };
            }
            NextIncrement::Due {
                date,
                to_index,
                to_point: grade.points[to_index].point.clone(),
                assumed: rule.basis == Basis::Assumed,
            }
        }
        None => NextIncrement::NoRule,
    }
}

/// Where someone lands on promotion to a new grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlacementResult {
    /// Index of the point on the new grade.
    pub index: usize,
    /// The point's printed name.
    pub point: String,
    /// Basic pay on the new point.
    pub basic: Amount,
    /// Pay protected at the old figure because the new grade tops out below it.
    pub protected_pence: Option<Pence>,
    /// How the point was chosen.
    pub reason: String,
    /// Whether a person must decide (e.g. "assessed at interview").
    pub needs_decision: bool,
    /// Why the placement must not be applied (an anomaly, or a point paying less than now
    /// that the framework does not protect), and who must resolve it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hold: Option<PayHold>,
}

/// Place someone paid `current` on `to` on `on`, by the framework's promotion rule.
pub fn place_on_promotion(
    f: &Framework,
    current: Option<Pence>,
    current_scp: Option<u32>,
    to: &Grade,
    on: NaiveDate,
) -> PlacementResult {
    let rule = f.pay.placement.as_ref();
    let method = rule.map(|r| r.on_promotion).unwrap_or(Placement::BottomOfGrade);
    let protect = rule.is_some_and(|r| r.protect_pay);
    place(f, method, protect, current, current_scp, to, on)
}

/// Place an external appointee on `to`, by the framework's appointment rule.
pub fn place_on_appointment(f: &Framework, to: &Grade, on: NaiveDate) -> PlacementResult {
    let method = f.pay.placement.as_ref().map(|r| r.on_appointment).unwrap_or(Placement::BottomOfGrade);
    place(f, method, false, None, None, to, on)
}

fn place(
    f: &Framework,
    method: Placement,
    protect: bool,
    current: Option<Pence>,
    current_scp: Option<u32>,
    to: &Grade,
    on: NaiveDate,
) -> PlacementResult {
    if to.points.is_empty() {
        return PlacementResult {
            index: 0,
            point: String::new(),
            basic: Amount::unknown(name_only_reason(f, to)),
            protected_pence: None,
            reason: format!("{} lists no points to be placed on", to.name),
            needs_decision: true,
            hold: None,
        };
    }
    let pays: Vec<Option<Pence>> = to.points.iter().map(|p| basic_pay(f, to, p, on).0.known()).collect();
    let first_where = |pred: &dyn Fn(Pence) -> bool| pays.iter().position(|p| p.is_some_and(pred));
    let (mut index, mut reason, needs_decision) = match (method, current) {
        (Placement::BottomOfGrade, _) => (0, "bottom of the new grade".to_owned(), false),
        (Placement::AssessedAtInterview, _) => (
            0,
            "the point is assessed at interview; the bottom of the grade is shown until it is decided".to_owned(),
            true,
        ),
        (Placement::SamePointOrNext, _) if current_scp.is_some_and(|s| to.points.iter().any(|p| p.scp == Some(s))) => {
            let i = to.points.iter().position(|p| p.scp == current_scp).unwrap_or(0);
            (i, format!("same SCP ({}) on the new grade", current_scp.unwrap_or_default()), false)
        }
        (Placement::LowestPointNotBelowCurrent, Some(c)) => match first_where(&|p| p >= c) {
            Some(i) => (i, format!("lowest point paying at least the current {c}"), false),
            None => (to.points.len() - 1, "top of the new grade (every point pays less than now)".to_owned(), false),
        },
        (Placement::LowestPointAboveCurrent | Placement::SamePointOrNext, Some(c)) => match first_where(&|p| p > c) {
            Some(i) => (i, format!("lowest point paying more than the current {c}"), false),
            None => (to.points.len() - 1, "top of the new grade (no point pays more than now)".to_owned(), false),
        },
        (_, None) => (0, "bottom of the new grade (current pay not known)".to_owned(), true),
    };
    // On a range, a rule that matches current pay can only say "somewhere between the
    // minimum and maximum": that point is not published, so a person decides it.
    if let (GradeFigures::Range(range), Some(c)) = (to.figures(), current)
        && matches!(
            method,
            Placement::LowestPointAboveCurrent | Placement::LowestPointNotBelowCurrent | Placement::SamePointOrNext
        )
        && c >= range.minimum
        && c < range.maximum
    {
        return PlacementResult {
            index: 0,
            point: to.points[0].point.clone(),
            basic: Amount::unknown(format!(
                "the point of {} matching the current {c} lies between its minimum and maximum and is not published",
                to.name
            )),
            protected_pence: None,
            reason: format!(
                "current pay {c} falls inside {}'s published range ({} to {}); the point is not published, so it is decided by a person (the minimum is shown)",
                to.name, range.minimum, range.maximum
            ),
            needs_decision: true,
            hold: None,
        };
    }
    let mut protected_pence = None;
    if protect
        && let (Some(c), Some(Some(new))) = (current, pays.get(index))
        && *new < c
    {
        match first_where(&|p| p >= c) {
            Some(i) => {
                index = i;
                reason = format!("{reason}; moved up to {} so pay does not fall", to.points[i].point);
            }
            None => {
                index = to.points.len() - 1;
                protected_pence = Some(c);
                reason = format!("{reason}; pay protected at {c}");
            }
        }
    }
    // Protected pay does not fall, so only an anomaly holds a protected placement.
    // A point still to be decided by a person is not a move yet, so it is not held.
    let compared = if protected_pence.is_some() { None } else { current };
    let hold = if needs_decision { None } else { hold_on_move(f, compared, "current pay", to, index, on) };
    PlacementResult {
        index,
        point: to.points[index].point.clone(),
        basic: basic_pay(f, to, &to.points[index], on).0,
        protected_pence,
        reason,
        needs_decision,
        hold,
    }
}

/// A planned move to another grade during a projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMove {
    /// When the move takes effect.
    pub on: NaiveDate,
    /// The grade moved to.
    pub grade: GradeId,
}

/// One event in a pay projection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectionRow {
    /// When it happens.
    pub date: NaiveDate,
    /// What happens: start, increment, promotion, pay year.
    pub event: String,
    /// The grade's printed name.
    pub grade: String,
    /// The point's printed name.
    pub point: String,
    /// Basic annual pay from this date.
    pub basic: Amount,
    /// Basic plus allowances, when known.
    pub total_annual_pence: Option<Pence>,
}

/// Project pay from a starting grade and point through planned moves until `until`,
/// applying increments by the framework's rule and placements by its promotion rule.
pub fn project(
    f: &Framework,
    start_grade: &Grade,
    start_index: usize,
    start: NaiveDate,
    moves: &[PlannedMove],
    until: NaiveDate,
) -> Vec<ProjectionRow> {
    project_with_holds(f, start_grade, start_index, start, moves, until).rows
}

/// A projection's rows, and the moves it did not apply because they would have moved
/// someone onto an anomalous figure or a lower one ([`PAY_NEVER_FALLS`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectedPay {
    /// Each change of pay, in date order.
    pub rows: Vec<ProjectionRow>,
    /// Each move held, with its date and why; increments on that grade stop there.
    pub held: Vec<String>,
}

/// [`project`], also saying which moves were held and why. An increment that is held stops
/// the increments on that grade; a promotion that is held is not made.
pub fn project_with_holds(
    f: &Framework,
    start_grade: &Grade,
    start_index: usize,
    start: NaiveDate,
    moves: &[PlannedMove],
    until: NaiveDate,
) -> ProjectedPay {
    let mut rows = Vec::new();
    let mut held = Vec::new();
    let mut grade = start_grade;
    let mut index = start_index.min(grade.points.len().saturating_sub(1));
    let mut since = start;
    let mut increments_held = false;
    let row = |date: NaiveDate, event: String, grade: &Grade, index: usize| {
        let s = salary_at(f, grade, index, date);
        ProjectionRow {
            date,
            event,
            grade: grade.name.clone(),
            point: s.point,
            basic: s.basic,
            total_annual_pence: s.total_annual_pence,
        }
    };
    rows.push(row(start, "start".into(), grade, index));
    let mut moves: Vec<&PlannedMove> = moves.iter().filter(|m| m.on > start && m.on <= until).collect();
    moves.sort_by_key(|m| m.on);
    let mut pending = moves.into_iter().peekable();
    let mut today = start;
    // Each loop handles the next event: a planned move or an increment, whichever is first.
    for _ in 0..1000 {
        let inc = match next_increment(f, grade, index, since, today) {
            _ if increments_held => None,
            NextIncrement::Due { date, to_index, .. } if date <= until => Some((date, Ok(to_index))),
            NextIncrement::Held { date, to_point, hold, .. } if date <= until => {
                Some((date, Err(format!("{date}: the increment to point {to_point} of {} is {hold}", grade.name))))
            }
            _ => None,
        };
        let mv = pending.peek().map(|m| m.on);
        match (inc, mv) {
            (Some((d, step)), m) if m.is_none_or(|m| d < m) => match step {
                Ok(to_index) => {
                    index = to_index;
                    today = d;
                    rows.push(row(d, "increment".into(), grade, index));
                }
                Err(why) => {
                    held.push(why);
                    increments_held = true;
                }
            },
            (_, Some(_)) => {
                let Some(m) = pending.next() else { break };
                let Some(to) = f.grade(&m.grade) else { continue };
                let current = salary_at(f, grade, index, m.on).basic.known();
                let placed = place_on_promotion(f, current, grade.points[index].scp, to, m.on);
                if let Some(hold) = &placed.hold {
                    held.push(format!("{}: the promotion to point {} of {} is {hold}", m.on, placed.point, to.name));
                    continue;
                }
                grade = to;
                index = placed.index;
                since = m.on;
                today = m.on;
                increments_held = false;
                rows.push(row(m.on, format!("promotion ({})", placed.reason), grade, index));
            }
            _ => break,
        }
    }
    ProjectedPay { rows, held }
}
