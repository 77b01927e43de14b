//! The pay change a progression or appointment brings, worked out before sign-off so the
//! person signing sees old and new salary, how the new point was chosen and what is not
//! known; and the timeline entry it becomes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::{ProgressionError, invalid_value};
use crate::framework::{Framework, FrameworkId, Grade, GradeId, LevelId};
use crate::money::Pence;
use crate::pay;
use crate::workforce::{ChangeReason, Name, NewTimelineEntry, Note, Timeline};

/// A worker's position on the ladder: the level, and the grade and pay point where the
/// framework has them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentPosition {
    /// The level.
    pub level: LevelId,
    /// The grade.
    #[serde(default)]
    pub grade: Option<GradeId>,
    /// The pay point, as the framework prints it ("39", "top").
    #[serde(default)]
    pub point: Option<String>,
}

impl CurrentPosition {
    /// The position in force on `on`, from the worker's timeline.
    pub fn from_timeline(timeline: &Timeline, on: NaiveDate) -> Option<CurrentPosition> {
        timeline.on(on).map(|e| CurrentPosition {
            level: e.entry.level.clone(),
            grade: e.entry.grade.clone(),
            point: e.entry.point.as_ref().map(|p| p.as_str().to_owned()),
        })
    }
}

/// A grade and point with what it pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayPosition {
    /// The grade's id.
    pub grade: GradeId,
    /// The grade's printed name ("Grade 11").
    pub grade_name: String,
    /// The point's printed name ("39").
    pub point: String,
    /// The NJC SCP, where the point is one.
    pub scp: Option<u32>,
    /// Basic annual pay in pence, when published.
    #[serde(with = "pence_json")]
    pub basic_pence: Option<Pence>,
    /// Basic plus allowances in pence, when the basic is published.
    #[serde(with = "pence_json")]
    pub total_pence: Option<Pence>,
    /// The pay table the figure comes from.
    pub pay_year: Option<String>,
}

/// Money in stored applications is whole pence, both ways. (`Pence`'s own `Deserialize`
/// reads a bare number as pounds, the way framework files write salaries, so it would not
/// read back what it wrote.)
mod pence_json {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::money::Pence;

    pub fn serialize<S: Serializer>(v: &Option<Pence>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(p) => s.serialize_some(&p.get()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Pence>, D::Error> {
        Ok(Option::<i64>::deserialize(d)?.map(Pence))
    }
}

fn pay_position(f: &Framework, grade: &Grade, index: usize, on: NaiveDate, notes: &mut Vec<String>) -> PayPosition {
    let s = pay::salary_at(f, grade, index, on);
    for n in &s.notes {
        if !notes.contains(n) {
            notes.push(n.clone());
        }
    }
    PayPosition {
        grade: grade.id.clone(),
        grade_name: grade.name.clone(),
        point: s.point,
        scp: s.scp,
        basic_pence: s.basic_annual_pence,
        total_pence: s.total_annual_pence,
        pay_year: s.pay_year,
    }
}

/// The pay change a progression or appointment brings, shown before sign-off: old salary,
/// new salary, how the new point was chosen and the next increment date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayChangePreview {
    /// The framework.
    pub framework: FrameworkId,
    /// The day the change takes effect.
    pub effective_from: NaiveDate,
    /// The level before, if any (none for an external appointment).
    pub from_level: Option<LevelId>,
    /// The level after.
    pub to_level: LevelId,
    /// Grade, point and pay before.
    pub old: Option<PayPosition>,
    /// Grade, point and pay after.
    pub new: Option<PayPosition>,
    /// New basic pay minus old, when both are known.
    #[serde(with = "pence_json")]
    pub basic_change_pence: Option<Pence>,
    /// How the new point was chosen.
    pub placement: String,
    /// Whether a person must still choose the point (e.g. "assessed at interview").
    pub needs_decision: bool,
    /// Pay protected at the old figure, where the new grade tops out below it.
    #[serde(with = "pence_json")]
    pub protected_pence: Option<Pence>,
    /// The next increment on the new grade.
    pub next_increment: Option<NaiveDate>,
    /// Whether the increment rule is an assumption, not the framework's words.
    pub increment_assumed: bool,
    /// Things to know: unknown figures, anomalies, assumptions.
    pub notes: Vec<String>,
    /// Why this change must not be applied (the new point is flagged as an anomaly, or pays
    /// less than now and the framework does not protect pay), and who must resolve it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<pay::PayHold>,
}

impl PayChangePreview {
    /// Why this change must not be applied, if it must not: the hold worked out when it was
    /// previewed, or (for a change recorded before holds were) new basic pay below the old
    /// with no protection.
    pub fn held(&self) -> Option<pay::PayHold> {
        if let Some(hold) = &self.hold {
            return Some(hold.clone());
        }
        let cut = self.basic_change_pence.filter(|c| c.get() < 0 && self.protected_pence.is_none())?;
        let (old, new) = (self.old.as_ref()?, self.new.as_ref()?);
        Some(pay::PayHold {
            rule: pay::PAY_NEVER_FALLS.to_owned(),
            reason: format!(
                "point {} of {} pays {} less than point {} of {}",
                new.point,
                new.grade_name,
                Pence(cut.get().saturating_abs()),
                old.point,
                old.grade_name
            ),
            who_resolves: pay::WHO_RESOLVES_PAY_CUT.to_owned(),
        })
    }
}

impl PayChangePreview {
    /// The entry this change appends to the worker's timeline once it takes effect: the new
    /// level, grade and point from the effective date, with why and a note for the history.
    pub(crate) fn timeline_entry(
        &self,
        reason: ChangeReason,
        note: &str,
    ) -> Result<NewTimelineEntry, ProgressionError> {
        let point = match &self.new {
            Some(new) => Some(Name::parse(&new.point).map_err(invalid_value)?),
            None => None,
        };
        let note = if note.trim().is_empty() { None } else { Some(Note::parse(note).map_err(invalid_value)?) };
        Ok(NewTimelineEntry {
            starts_on: self.effective_from,
            framework: self.framework.clone(),
            level: self.to_level.clone(),
            grade: self.new.as_ref().map(|new| new.grade.clone()),
            point,
            reason,
            note,
        })
    }
}

/// Where someone moving to `to_level` lands: the same grade and point if the new level is
/// paid on their current grade, otherwise the framework's promotion placement on the new
/// level's grade. `chosen_point` overrides the placement (where a person decides it).
pub(crate) fn preview_move(
    f: &Framework,
    current: Option<&CurrentPosition>,
    to_level: &LevelId,
    effective_from: NaiveDate,
    chosen_point: Option<&str>,
    appointment: bool,
) -> Result<PayChangePreview, ProgressionError> {
    let to = f
        .level(to_level)
        .ok_or_else(|| ProgressionError::unavailable(format!("{} has no level `{to_level}`", f.framework.authority)))?;
    let mut notes = Vec::new();
    let old_grade = current.and_then(|c| c.grade.as_ref()).and_then(|g| f.grade(g));
    let old_index = match (old_grade, current.and_then(|c| c.point.as_deref())) {
        (Some(g), Some(p)) => g.find_point(p).map(|(i, _)| i),
        _ => None,
    };
    if let Some(c) = current
        && c.grade.is_some()
        && old_index.is_none()
    {
        notes.push(format!(
            "The current grade and point ({} {}) are not in the framework, so current pay is not known.",
            c.grade.as_ref().map(|g| g.as_str()).unwrap_or("?"),
            c.point.as_deref().unwrap_or("?")
        ));
    }
    let old = match (old_grade, old_index) {
        (Some(g), Some(i)) => Some(pay_position(f, g, i, effective_from, &mut notes)),
        _ => None,
    };
    let same_grade = old_grade.filter(|g| to.grades.contains(&g.id));
    let new_grade = same_grade.or_else(|| to.grades.first().and_then(|g| f.grade(g)));
    if same_grade.is_none() && to.grades.len() > 1 {
        notes.push(format!("{} is paid on several grades; the first listed is used.", to.name));
    }
    let mut needs_decision = false;
    let mut protected_pence = None;
    // A placement that cannot name its figure (a point inside a published range) shows none,
    // even though the point it stands on for now has one.
    let mut placed_pay_unknown: Option<String> = None;
    let (placement, index) = match new_grade {
        None => {
            notes.push(format!(
                "{} publishes no grade for {}, so no pay change is shown.",
                f.framework.authority, to.name
            ));
            ("no grade published for the new level".to_owned(), None)
        }
        Some(g) if g.points.is_empty() => {
            notes.push(format!(
                "{} publishes {} by name only, with no points or figures, so no pay change is shown.",
                f.framework.authority, g.name
            ));
            ("the new grade is published by name only".to_owned(), None)
        }
        Some(g) => {
            if let Some(chosen) = chosen_point {
                let (i, _) =
                    pay::find_point(g, chosen).map_err(|e| ProgressionError::invalid("pay point", e.to_string()))?;
                ("point chosen at sign-off".to_owned(), Some(i))
            } else if let (Some(_), Some(i)) = (same_grade, old_index) {
                ("same grade; the pay point does not change".to_owned(), Some(i))
            } else {
                let placed = if appointment {
                    pay::place_on_appointment(f, g, effective_from)
                } else {
                    let basic = old.as_ref().and_then(|o| o.basic_pence);
                    pay::place_on_promotion(f, basic, old.as_ref().and_then(|o| o.scp), g, effective_from)
                };
                needs_decision = placed.needs_decision && g.points.len() > 1;
                protected_pence = placed.protected_pence;
                if let pay::Amount::Unknown { reason } = &placed.basic {
                    placed_pay_unknown = Some(reason.clone());
                }
                (placed.reason, Some(placed.index))
            }
        }
    };
    let mut new = match (new_grade, index) {
        (Some(g), Some(i)) => Some(pay_position(f, g, i, effective_from, &mut notes)),
        _ => None,
    };
    if let (Some(position), Some(reason)) = (new.as_mut(), placed_pay_unknown) {
        position.basic_pence = None;
        position.total_pence = None;
        notes.push(format!("New pay not known: {reason}."));
    }
    let moved = match (old_grade, old_index, new_grade, index) {
        (Some(og), Some(oi), Some(ng), Some(ni)) => og.id != ng.id || oi != ni,
        _ => true,
    };
    let hold = match (new_grade, index) {
        (Some(g), Some(i)) if moved && !needs_decision => {
            let from = match &old {
                Some(o) => format!("point {} of {}", o.point, o.grade_name),
                None => "current pay".to_owned(),
            };
            // A placement that protects pay has already kept it from falling.
            let current = if protected_pence.is_some() { None } else { old.as_ref().and_then(|o| o.basic_pence) };
            pay::hold_on_move(f, current, &from, g, i, effective_from)
        }
        _ => None,
    };
    let (mut next_increment, mut increment_assumed) = (None, false);
    if let (Some(g), Some(i)) = (new_grade, index) {
        // A move to a new grade starts its increment clock; staying on the grade does not,
        // but the caller does not tell us when the point was reached, so the clock restarts
        // from the effective date in both cases and the note says so.
        match pay::next_increment(f, g, i, effective_from, effective_from) {
            pay::NextIncrement::Due { date, assumed, .. } => {
                next_increment = Some(date);
                increment_assumed = assumed;
            }
            pay::NextIncrement::AtTop => {
                notes.push(format!("{} is the top of {}: no further increments.", g.points[i].point, g.name))
            }
            pay::NextIncrement::Held { date, to_point, hold, .. } => {
                notes.push(format!("The next increment, on {date} to point {to_point}, is {hold}."))
            }
            pay::NextIncrement::NoRule => notes.push("The framework states no increment rule.".to_owned()),
            pay::NextIncrement::NotPublished { reason } => notes.push(format!("No next increment is shown: {reason}.")),
        }
        if same_grade.is_some() && chosen_point.is_none() {
            notes.push(
                "The grade does not change; the next increment follows the worker's existing increment date."
                    .to_owned(),
            );
            next_increment = None;
        }
    }
    let basic_change_pence = match (old.as_ref().and_then(|o| o.basic_pence), new.as_ref().and_then(|n| n.basic_pence))
    {
        (Some(o), Some(n)) => n.checked_sub(o),
        _ => None,
    };
    Ok(PayChangePreview {
        framework: f.framework.id.clone(),
        effective_from,
        from_level: current.map(|c| c.level.clone()),
        to_level: to.id.clone(),
        old,
        new,
        basic_change_pence,
        placement,
        needs_decision,
        protected_pence,
        next_increment,
        increment_assumed,
        notes,
        hold,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::framework::load;

    fn eastmere() -> Framework {
        load(include_str!("../../tests/fixtures/pay-shapes.toml")).framework.expect("the fixture loads")
    }

    #[test]
    fn promotion_from_the_top_of_one_range_into_the_next_shows_no_invented_figure() {
        let f = eastmere();
        let current =
            CurrentPosition { level: "social-worker".into(), grade: Some("sw".into()), point: Some("maximum".into()) };
        let date = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let preview = preview_move(&f, Some(&current), &"senior-social-worker".into(), date, None, false).unwrap();
        assert!(preview.needs_decision, "{preview:?}");
        let new = preview.new.as_ref().expect("the new grade is known");
        assert_eq!((new.grade_name.as_str(), new.basic_pence), ("Senior Social Worker", None));
        assert_eq!(preview.basic_change_pence, None);
        assert!(preview.notes.iter().any(|n| n.starts_with("New pay not known")), "{:?}", preview.notes);
    }
}
