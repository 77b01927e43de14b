//! Pay questions a front end asks of a framework file: the salary for a grade and point on a
//! date (with the top of the grade, the next increment and where a promotion would place
//! someone), a projection over the coming years, and the pay range of a level. The core
//! answers each piece; these use cases put the pieces together once, so the CLI, the API and
//! the pages give the same answer in the same shape.

use chrono::{Months, NaiveDate};
use pathway_core::Pence;
use pathway_core::framework::{Basis, Framework, Grade, GradeId, Level, Spine};
use pathway_core::pay::{self, Amount, Located, NextIncrement, PlacementResult, PlannedMove, ProjectionRow, Salary};
use pathway_core::standards::Standards;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppError;
use crate::catalog;

/// "What is this grade and point paid on this date?", as a person asks it: by the names the
/// document prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayQuestion {
    /// A bundled framework id or a file path.
    pub framework: String,
    /// The grade as the document prints it ("10", "HAY A", "Band J").
    pub grade: String,
    /// The point as the document prints it ("37", "top").
    pub point: String,
    /// The date the answer is for.
    pub on: NaiveDate,
    /// When the person started on the grade, to find their next increment.
    pub started: Option<NaiveDate>,
    /// A grade they might be promoted to, to say where they would be placed.
    pub promote_to: Option<String>,
}

/// The answer: the salary with its allowances and sources, and what was asked besides.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PayAnswer {
    /// The salary on the date.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub salary: Salary,
    /// The printed name of the grade's top point.
    pub top_point: Option<String>,
    /// Basic pay at the top point on the date.
    #[schema(value_type = Option<Object>)]
    pub top_basic: Option<Amount>,
    /// The next increment, when the start on the grade was given.
    #[schema(value_type = Option<Object>)]
    pub next_increment: Option<NextIncrement>,
    /// Where promotion would place them, when a grade was given.
    pub promotion: Option<PromotionAnswer>,
}

/// Where a promotion to a grade would place someone.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PromotionAnswer {
    /// The grade's printed name.
    pub grade: String,
    /// The point, its pay and the rule that chose it.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub placement: PlacementResult,
}

/// Answer a pay question.
pub fn answer(question: &PayQuestion) -> Result<PayAnswer, AppError> {
    let framework = catalog::resolve(&question.framework)?;
    let on = question.on;
    let grade = pay::find_grade(&framework, &question.grade)?;
    let located = pay::locate(&framework, grade, &question.point)?;
    let (mut salary, index) = match &located {
        Located::At(index) => (pay::salary_at(&framework, grade, *index, on), Some(*index)),
        Located::NotPublished { reason } => {
            (pay::salary_not_published(&framework, grade, &question.point, on, reason), None)
        }
    };
    // Without a start date there is no next increment to show, but the step up from here is
    // still named when it would be held, so nobody reads the grade's points as a pay rise.
    if question.started.is_none()
        && let Some(index) = index
        && let Some(hold) = step_up_held(&framework, grade, index, on)
    {
        salary.notes.push(hold);
    }
    let top = pay::top_of_grade(grade);
    let next_increment = question.started.map(|started| match &located {
        Located::At(index) => pay::next_increment(&framework, grade, *index, started, on),
        Located::NotPublished { reason } => NextIncrement::NotPublished { reason: reason.clone() },
    });
    let promotion = match &question.promote_to {
        Some(name) => {
            let to = pay::find_grade(&framework, name)?;
            let scp = index.and_then(|i| grade.points.get(i)).and_then(|point| point.scp);
            let placement = pay::place_on_promotion(&framework, salary.basic.known(), scp, to, on);
            Some(PromotionAnswer { grade: to.name.clone(), placement })
        }
        None => None,
    };
    Ok(PayAnswer {
        top_point: top.map(|(_, point)| point.point.clone()),
        top_basic: top.map(|(_, point)| pay::basic_pay(&framework, grade, point, on).0),
        salary,
        next_increment,
        promotion,
    })
}

/// Why an increment from point `index` of `grade` to the next point would be held, if it would.
fn step_up_held(framework: &Framework, grade: &Grade, index: usize, on: NaiveDate) -> Option<String> {
    let point = grade.points.get(index)?;
    let next = grade.points.get(index + 1)?;
    if pay::increments_not_published(framework, grade).is_some() {
        return None;
    }
    let current = pay::basic_pay(framework, grade, point, on).0.known();
    let from = format!("point {} of {}", point.point, grade.name);
    let hold = pay::hold_on_move(framework, current, &from, grade, index + 1, on)?;
    Some(format!("An increment from here to point {} is not applied: it is {hold}.", next.point))
}

/// "How will my pay go over the coming years?": increments, and promotions planned on dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectionQuestion {
    /// A bundled framework id or a file path.
    pub framework: String,
    /// The starting grade, as printed.
    pub grade: String,
    /// The starting point, as printed.
    pub point: String,
    /// The first day of the projection.
    pub from: NaiveDate,
    /// How many years to look ahead.
    pub years: u32,
    /// Planned promotions: the day, and the grade as printed.
    pub moves: Vec<(NaiveDate, String)>,
}

/// A projection: one row per change, and whether the increments follow a rule the document
/// does not state (which a reader must be told).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Projection {
    /// Each change of pay, in date order.
    pub rows: Vec<ProjectionRow>,
    /// The framework's increment rule is an assumption, not the document's.
    pub increments_assumed: bool,
    /// Why increments stop short of the top on a grade whose points between are not
    /// published (a range, a grade known by name only, or only some points printed).
    pub notes: Vec<String>,
    /// Moves not applied because they would put someone on a figure flagged as an anomaly
    /// or on less pay than now: each with its date, why, and who must resolve it. Increments
    /// on that grade stop there.
    pub held: Vec<String>,
}

/// Project pay forward.
pub fn project(question: &ProjectionQuestion) -> Result<Projection, AppError> {
    let framework = catalog::resolve(&question.framework)?;
    let from = question.from;
    let grade = pay::find_grade(&framework, &question.grade)?;
    let index = match pay::locate(&framework, grade, &question.point)? {
        Located::At(index) => index,
        Located::NotPublished { reason } => {
            return Err(AppError::BadInput {
                field: "point".into(),
                message: format!("a projection needs a point with a published figure to start from: {reason}"),
            });
        }
    };
    let mut moves = Vec::with_capacity(question.moves.len());
    for (on, name) in &question.moves {
        let to = pay::find_grade(&framework, name)?;
        moves.push(PlannedMove { on: *on, grade: GradeId(to.id.to_string()) });
    }
    let until = from.checked_add_months(Months::new(question.years * 12)).unwrap_or(from);
    let mut notes = Vec::new();
    let grades_passed =
        std::iter::once(grade).chain(moves.iter().filter_map(|planned| framework.grade(&planned.grade)));
    for passed in grades_passed {
        if let Some(reason) = pay::increments_not_published(&framework, passed)
            && !notes.contains(&reason)
        {
            notes.push(reason);
        }
    }
    let projected = pay::project_with_holds(&framework, grade, index, from, &moves, until);
    Ok(Projection {
        rows: projected.rows,
        held: projected.held,
        notes,
        increments_assumed: framework.pay.increments.as_ref().is_some_and(|rule| rule.basis == Basis::Assumed),
    })
}

/// The pay range of a level on a date: lowest and highest known basic, and whether any
/// point's figure is missing.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct PayRange {
    /// The printed names of the grades the level is paid on.
    pub grades: Vec<String>,
    /// The lowest known basic.
    #[schema(value_type = Option<i64>)]
    pub min_pence: Option<Pence>,
    /// The highest known basic.
    #[schema(value_type = Option<i64>)]
    pub max_pence: Option<Pence>,
    /// Allowances paid on top, a year (those of the level's first grade); none when the
    /// file's figures are too large to add up.
    #[schema(value_type = Option<i64>)]
    pub allowances_pence: Option<Pence>,
    /// Every point's figure is known for the date.
    pub complete: bool,
    /// A figure in the range is one the file marks as an anomaly in the source.
    pub includes_anomaly: bool,
    /// A figure in the range comes from reference data marked unverified.
    pub includes_unverified: bool,
}

/// The pay range of `level` on `on`.
pub fn pay_range(framework: &Framework, level: &Level, on: NaiveDate) -> PayRange {
    let grades: Vec<&Grade> = level.grades.iter().filter_map(|id| framework.grade(id)).collect();
    let mut known = Vec::new();
    let mut complete = !grades.is_empty();
    let mut includes_anomaly = false;
    let mut includes_unverified = false;
    for grade in &grades {
        includes_anomaly |= grade.points.iter().any(|point| point.anomaly.is_some());
        complete &= grade.points_complete && !grade.points.is_empty();
        for point in &grade.points {
            let basic = pay::basic_pay_detail(framework, grade, point, on);
            match basic.amount {
                Amount::Known { pence } => {
                    known.push(pence);
                    includes_unverified |= basic.unverified.is_some();
                }
                Amount::Unknown { .. } => complete = false,
            }
        }
    }
    PayRange {
        grades: grades.iter().map(|grade| grade.name.clone()).collect(),
        min_pence: known.iter().min().copied(),
        max_pence: known.iter().max().copied(),
        allowances_pence: match grades.first() {
            Some(grade) => pay::allowances_total(framework, &grade.id, on),
            None => Some(Pence::ZERO),
        },
        complete,
        includes_anomaly,
        includes_unverified,
    }
}

/// The date pay is shown on, and why, when it is not the date asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PayDate {
    /// The date.
    pub on: NaiveDate,
    /// Said to the reader when the date was chosen for them.
    pub note: Option<String>,
}

/// The date to show pay on: the one asked for, else today. When a framework takes figures
/// from the NJC spine and today falls in a pay year whose award is not on record, the note
/// says the latest year's rates are shown (they go on being paid until the award is agreed).
pub fn pay_date(asked: Option<NaiveDate>, frameworks: &[Framework], today: NaiveDate) -> PayDate {
    if let Some(on) = asked {
        return PayDate { on, note: None };
    }
    let uses_njc = frameworks.iter().any(|framework| framework.grades.iter().any(|grade| grade.spine == Spine::Njc));
    let njc = &Standards::bundled().njc;
    match (njc.last_day_on_record(), njc.years().last()) {
        (Some(last), Some(year)) if uses_njc && today > last => PayDate {
            on: today,
            note: Some(format!(
                "no NJC pay award after {} is on record; NJC figures are that year's rates, paid until a later award is agreed",
                pathway_core::standards::pay_year_label(year)
            )),
        },
        _ => PayDate { on: today, note: None },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_ladder_shown_today_keeps_todays_date_and_says_which_njc_year_is_paid() {
        let rotherham = catalog::resolve("rotherham").unwrap();
        let today = date(2026, 11, 29);
        let dated = pay_date(None, std::slice::from_ref(&rotherham), today);
        assert_eq!(dated.on, today, "the latest year's rates are in force today; the date is not moved back");
        assert!(dated.note.as_deref().is_some_and(|n| n.contains("2025-26")), "{:?}", dated.note);
        let band_j = rotherham.find_grade("J").unwrap();
        let level = rotherham.levels.iter().find(|l| l.grades.contains(&band_j.id)).unwrap();
        let range = pay_range(&rotherham, level, today);
        assert_eq!(range.min_pence, Some(Pence::pounds(49_282)), "SCP 38 at 2025-26 rates");
    }

    #[test]
    fn a_date_asked_for_is_used_as_given() {
        let west_sussex = catalog::resolve("west-sussex").unwrap();
        let dated = pay_date(Some(date(2025, 6, 1)), std::slice::from_ref(&west_sussex), date(2026, 11, 29));
        assert_eq!(dated, PayDate { on: date(2025, 6, 1), note: None });
    }
}
