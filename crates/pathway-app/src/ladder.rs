//! A framework as a reader meets it: the career ladder with each level's pay range,
//! requirements and routes on, every role and level by the name the document prints; and
//! several frameworks side by side, levels aligned by PCF level. Front ends lay these out;
//! what they say is decided here.

use chrono::NaiveDate;
use pathway_core::framework::{
    AsyePolicy, Basis, Extension, Framework, GradeFigures, IncrementDate, LevelId, Placement, Relation, RoleId, Route,
};
use pathway_core::pay::{self, Amount};
use pathway_core::standards::Standards;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppError;
use crate::catalog;
use crate::pay::{PayDate, PayRange, pay_date, pay_range};

/// A framework's career ladder with pay on a date.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Ladder {
    /// The framework's id, for commands that take it.
    pub id: String,
    /// The authority that publishes it.
    pub authority: String,
    /// The service it covers.
    pub service: String,
    /// The document's title.
    pub title: String,
    /// The document's own version.
    pub version: String,
    /// The first day it applies.
    pub effective_from: NaiveDate,
    /// Pay is shown as on this date; with a note when the date was chosen for the reader.
    pub pay_date: PayDate,
    /// What the document says about pay in general.
    pub pay_note: Option<String>,
    /// What a reader should know about how the document was encoded.
    pub notes: Vec<String>,
    /// Rules the document does not state, which the file assumes (with why).
    pub assumptions: Vec<String>,
    /// The ASYE arrangements, when the framework has newly qualified social workers.
    pub asye: Option<AsyeSummary>,
    /// Learning and development offered across the framework.
    pub learning_offers: Vec<LearningOfferSummary>,
    /// The levels, bottom of the ladder first.
    pub levels: Vec<LadderLevel>,
    /// Routes open from any level (roles filled by application), listed once.
    pub from_any_level: Vec<RouteSummary>,
    /// Every grade with its points' pay.
    pub grades: Vec<GradePay>,
    /// Allowances: the name, and "£N a year" as printed (with the dates it is paid
    /// between, for one that is time-limited).
    #[schema(value_type = Vec<Vec<String>>)]
    pub allowances: Vec<(String, String)>,
    /// Anomalies the document's figures carry, as the file describes them.
    pub anomalies: Vec<String>,
}

/// One rung of the ladder.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LadderLevel {
    /// The level's printed name.
    pub name: String,
    /// Its id, for commands that take it.
    pub id: String,
    /// The career grade (a named group of neighbouring levels) it is a point of, if any.
    pub career_grade: Option<String>,
    /// The title of the PCF level it is measured against, when the document says.
    pub pcf_level: Option<String>,
    /// KSS statement sets.
    pub kss: Vec<String>,
    /// Pay on the date.
    pub pay: PayRange,
    /// What someone at the level must or should have.
    pub requirements: Vec<Requirement>,
    /// Expected time in role, as the document puts it.
    pub time_in_role: Option<String>,
    /// What the role is, in the document's words.
    pub description: Option<String>,
    /// The routes out of the level.
    pub routes: Vec<RouteSummary>,
}

/// How the authority runs the ASYE, every role by its printed name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AsyeSummary {
    /// Months cohorts start in, by name ("September"); empty when not stated.
    pub intake_months: Vec<String>,
    /// Length of the programme in months.
    pub length_months: u32,
    /// When it may be extended, in words.
    pub extension: String,
    /// Review points, in months from the start.
    pub review_months: Vec<u32>,
    /// Who supports and assesses.
    pub assessed_by: Vec<String>,
    /// Who recommends pass or fail.
    pub recommended_by: Option<String>,
    /// Who decides.
    pub decided_by: Option<String>,
    /// Who signs off the resulting progression.
    pub signed_off_by: Option<String>,
    /// Support offered during the year.
    pub support: Vec<String>,
}

/// A learning and development offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LearningOfferSummary {
    /// Its name.
    pub name: String,
    /// What it is.
    pub description: Option<String>,
    /// The printed names of the levels it is for; empty means everyone.
    pub levels: Vec<String>,
}

/// A requirement or criterion, essential or desirable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Requirement {
    /// As the document words it.
    pub text: String,
    /// Essential, not desirable.
    pub essential: bool,
}

/// A route out of a level.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RouteSummary {
    /// The printed name of the level it leads to.
    pub to_level: String,
    /// The route's name.
    pub name: String,
    /// Its kind, as the file writes it.
    pub kind: String,
    /// Its criteria.
    pub criteria: Vec<Requirement>,
    /// The evidence it asks for.
    pub evidence: Vec<EvidenceAsked>,
    /// The assessment steps, in order.
    pub steps: Vec<StepSummary>,
    /// The name of the role that decides.
    pub decided_by: Option<String>,
    /// The name of the role that signs off.
    pub signed_off_by: Option<String>,
}

/// Evidence a route asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct EvidenceAsked {
    /// How many items at least.
    pub min: u32,
    /// What they are.
    pub description: String,
    /// The names of the roles that must authorise each item.
    pub authorised_by: Vec<String>,
}

/// One step of a route's assessment.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StepSummary {
    /// Its title.
    pub title: String,
    /// The form it is recorded on.
    pub form: Option<String>,
    /// How many case files it looks at.
    pub case_files: Option<u32>,
    /// Who assesses: the role's name and how they must stand to the worker.
    /// (`any`, `own` or `independent`).
    #[schema(value_type = Vec<Vec<String>>)]
    pub assessors: Vec<(String, Relation)>,
}

/// A grade's points with their pay on the date.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct GradePay {
    /// The grade's printed name.
    pub name: String,
    /// Each point.
    pub points: Vec<PointPay>,
    /// What the document leaves out of this grade's pay, when it prints a range or only a name.
    pub not_published: Option<String>,
}

/// One pay point.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PointPay {
    /// "SCP 37" for a spine point, else the point as printed.
    pub label: String,
    /// Basic pay on the date: `{"status": "known", "pence"}` or `{"status": "unknown", "reason"}`.
    #[schema(value_type = Object)]
    pub basic: Amount,
    /// The file marks the figure as an anomaly in the source.
    pub anomaly: bool,
    /// The figure comes from reference data marked unverified.
    pub unverified: bool,
}

/// The ladder of the framework `id_or_path` names, with pay on `on` (default: today, or the
/// last day of the NJC figures on record; see [`pay_date`]).
pub fn ladder(id_or_path: &str, on: Option<NaiveDate>, today: NaiveDate) -> Result<Ladder, AppError> {
    let framework = catalog::resolve(id_or_path)?;
    let dated = pay_date(on, std::slice::from_ref(&framework), today);
    Ok(ladder_of(&framework, dated))
}

fn ladder_of(framework: &Framework, dated: PayDate) -> Ladder {
    let standards = Standards::bundled();
    let on = dated.on;
    let about = &framework.framework;
    let levels = framework
        .levels
        .iter()
        .map(|level| LadderLevel {
            name: level.name.clone(),
            id: level.id.to_string(),
            career_grade: framework.career_grade_of(&level.id).map(|g| g.name.clone()),
            pcf_level: level.pcf_level.as_deref().and_then(|p| standards.pcf_level(p)).map(|p| p.title.clone()),
            kss: level.kss.clone(),
            pay: pay_range(framework, level, on),
            requirements: level
                .requirements
                .iter()
                .map(|c| Requirement { text: c.text.clone(), essential: c.essential })
                .collect(),
            time_in_role: level.time_in_role.clone(),
            description: level.description.clone(),
            routes: framework
                .routes
                .iter()
                .filter(|route| route.from.level() == Some(&level.id))
                .map(|route| route_summary(framework, route))
                .collect(),
        })
        .collect();
    let grades = framework
        .grades
        .iter()
        .map(|grade| GradePay {
            name: grade.name.clone(),
            not_published: match grade.figures() {
                GradeFigures::Range(_) => Some("only the range is published; the points between are not".to_owned()),
                GradeFigures::NameOnly => Some("published by name only, with no figures".to_owned()),
                GradeFigures::Points(_) => None,
            },
            points: grade
                .points
                .iter()
                .map(|point| {
                    let basic = pay::basic_pay_detail(framework, grade, point, on);
                    PointPay {
                        label: match point.scp {
                            Some(scp) => format!("SCP {scp}"),
                            None => point.point.clone(),
                        },
                        unverified: basic.unverified.is_some(),
                        basic: basic.amount,
                        anomaly: point.anomaly.is_some(),
                    }
                })
                .collect(),
        })
        .collect();
    Ladder {
        id: about.id.to_string(),
        authority: about.authority.clone(),
        service: about.service.clone(),
        title: about.title.clone(),
        version: about.version.clone(),
        effective_from: about.effective_from,
        pay_date: dated,
        pay_note: framework.pay.note.clone(),
        notes: about.notes.clone(),
        assumptions: assumptions(framework),
        asye: framework.asye.as_ref().map(|asye| asye_summary(framework, asye)),
        learning_offers: framework
            .learning_offers
            .iter()
            .map(|offer| LearningOfferSummary {
                name: offer.name.clone(),
                description: offer.description.clone(),
                levels: offer.levels.iter().map(|id| level_name(framework, id)).collect(),
            })
            .collect(),
        levels,
        from_any_level: framework
            .routes
            .iter()
            .filter(|route| route.from.level().is_none())
            .map(|route| route_summary(framework, route))
            .collect(),
        grades,
        allowances: framework
            .pay
            .allowances
            .iter()
            .map(|a| {
                let window = match (a.effective_from, a.effective_to) {
                    (Some(from), Some(to)) => format!(" (paid from {from} to {to})"),
                    (Some(from), None) => format!(" (paid from {from})"),
                    (None, Some(to)) => format!(" (paid until {to})"),
                    (None, None) => String::new(),
                };
                (a.name.clone(), format!("{} a year{window}", a.annual))
            })
            .collect(),
        anomalies: framework.anomalies.iter().map(|a| a.description.clone()).collect(),
    }
}

fn role_name(framework: &Framework, role: &RoleId) -> String {
    framework.role(role).map(|r| r.name.clone()).unwrap_or_else(|| role.to_string())
}

fn level_name(framework: &Framework, level: &LevelId) -> String {
    framework.level(level).map(|l| l.name.clone()).unwrap_or_else(|| level.to_string())
}

/// The rules the file marks `basis = "assumed"`, each said with what it assumes.
fn assumptions(framework: &Framework) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(rule) = framework.pay.increments.as_ref().filter(|rule| rule.basis == Basis::Assumed) {
        let when = match (rule.on, rule.month, rule.day) {
            (IncrementDate::FixedDate, Some(month), Some(day)) => format!("each year on {day} {}", month_name(month)),
            (IncrementDate::FixedDate, ..) => "on a fixed date each year".to_owned(),
            (IncrementDate::Anniversary, ..) => "on the anniversary of starting on the grade".to_owned(),
        };
        let wait = match rule.first_after_months {
            Some(months) if months > 0 => format!(", the first after at least {months} months on the grade"),
            _ => String::new(),
        };
        let why = rule.note.as_deref().map(|note| format!(" — {note}")).unwrap_or_default();
        out.push(format!("Increments: {when}{wait}{why}"));
    }
    if let Some(rule) = framework.pay.placement.as_ref().filter(|rule| rule.basis == Basis::Assumed) {
        let why = rule.note.as_deref().map(|note| format!(" — {note}")).unwrap_or_default();
        out.push(format!(
            "Placement: {} on promotion, {} on appointment{why}",
            placement_words(rule.on_promotion),
            placement_words(rule.on_appointment)
        ));
    }
    out
}

fn placement_words(placement: Placement) -> &'static str {
    match placement {
        Placement::BottomOfGrade => "bottom of the grade",
        Placement::LowestPointAboveCurrent => "lowest point paying more than now",
        Placement::LowestPointNotBelowCurrent => "lowest point paying at least as much as now",
        Placement::SamePointOrNext => "same SCP, or the next point",
        Placement::AssessedAtInterview => "assessed at interview",
    }
}

fn month_name(month: u32) -> String {
    chrono::Month::try_from(u8::try_from(month).unwrap_or(0))
        .map(|m| m.name().to_owned())
        .unwrap_or_else(|_| format!("month {month}"))
}

fn asye_summary(framework: &Framework, asye: &AsyePolicy) -> AsyeSummary {
    AsyeSummary {
        intake_months: asye.intake_months.iter().map(|m| month_name(*m)).collect(),
        length_months: asye.length_months,
        extension: match asye.extension {
            Extension::NotStated => "not stated",
            Extension::ExtenuatingCircumstancesOnly => "only for extenuating circumstances",
            Extension::Allowed => "allowed",
            Extension::NotAllowed => "not allowed",
        }
        .to_owned(),
        review_months: asye.review_months.clone(),
        assessed_by: asye.assessed_by.iter().map(|role| role_name(framework, role)).collect(),
        recommended_by: asye.recommended_by.as_ref().map(|role| role_name(framework, role)),
        decided_by: asye.decided_by.as_ref().map(|role| role_name(framework, role)),
        signed_off_by: asye.signed_off_by.as_ref().map(|role| role_name(framework, role)),
        support: asye.support.clone(),
    }
}

fn route_summary(framework: &Framework, route: &Route) -> RouteSummary {
    let role_name = |role: &pathway_core::framework::RoleId| {
        framework.role(role).map(|r| r.name.clone()).unwrap_or_else(|| role.to_string())
    };
    RouteSummary {
        to_level: framework.level(&route.to).map(|l| l.name.clone()).unwrap_or_else(|| route.to.to_string()),
        name: route.name.clone(),
        kind: route.kind.to_string(),
        criteria: route.criteria.iter().map(|c| Requirement { text: c.text.clone(), essential: c.essential }).collect(),
        evidence: route
            .evidence
            .iter()
            .map(|rule| EvidenceAsked {
                min: rule.min,
                description: rule.description.clone(),
                authorised_by: rule.authorised_by.iter().map(role_name).collect(),
            })
            .collect(),
        steps: route
            .steps
            .iter()
            .map(|step| StepSummary {
                title: step.title.clone(),
                form: step.form.clone(),
                case_files: step.case_files,
                assessors: step.assessors.iter().map(|a| (role_name(&a.role), a.relation)).collect(),
            })
            .collect(),
        decided_by: route.decided_by.as_ref().and_then(|role| framework.role(role)).map(|r| r.name.clone()),
        signed_off_by: route.signed_off_by.as_ref().and_then(|role| framework.role(role)).map(|r| r.name.clone()),
    }
}

/// Levels of several frameworks side by side, one row per PCF level in ladder order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareTable {
    /// Pay is shown as on this date.
    pub on: NaiveDate,
    /// The frameworks' ids, in the order asked for.
    pub frameworks: Vec<String>,
    /// The rows.
    pub rows: Vec<CompareRow>,
}

/// One PCF level across the frameworks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareRow {
    /// The PCF level's title.
    pub pcf_level: String,
    /// For each framework, in order, its levels at this PCF level (often none, or several).
    pub cells: Vec<Vec<CompareCell>>,
}

/// One framework's level in a comparison row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareCell {
    /// The level's printed name.
    pub level: String,
    /// True when the document does not state the PCF level and the ladder position was used.
    pub pcf_level_inferred: bool,
    /// Its pay on the date.
    pub pay: PayRange,
}

/// A comparison, and a note when the pay date was chosen for the reader.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The table.
    pub table: CompareTable,
    /// Why pay is shown on a date other than the one asked for, if it is.
    pub note: Option<String>,
}

/// Compare the frameworks `ids_or_paths` name, pay as on `on` (see [`pay_date`]).
pub fn compare(ids_or_paths: &[String], on: Option<NaiveDate>, today: NaiveDate) -> Result<Comparison, AppError> {
    let frameworks = ids_or_paths.iter().map(|id| catalog::resolve(id)).collect::<Result<Vec<_>, _>>()?;
    let dated = pay_date(on, &frameworks, today);
    Ok(Comparison { table: compare_frameworks(&frameworks, dated.on), note: dated.note })
}

/// Levels side by side, one row per PCF level in ladder order.
pub fn compare_frameworks(frameworks: &[Framework], on: NaiveDate) -> CompareTable {
    let standards = Standards::bundled();
    let rows = standards
        .pcf
        .levels
        .iter()
        .filter_map(|pcf| {
            let cells: Vec<Vec<CompareCell>> = frameworks
                .iter()
                .map(|framework| {
                    framework
                        .levels
                        .iter()
                        .filter_map(|level| {
                            let aligned = framework.pcf_alignment(level);
                            (aligned.pcf_level == pcf.id).then(|| CompareCell {
                                level: level.name.clone(),
                                pcf_level_inferred: aligned.inferred,
                                pay: pay_range(framework, level, on),
                            })
                        })
                        .collect()
                })
                .collect();
            cells.iter().any(|c| !c.is_empty()).then(|| CompareRow { pcf_level: pcf.title.clone(), cells })
        })
        .collect();
    CompareTable { on, frameworks: frameworks.iter().map(|f| f.framework.id.to_string()).collect(), rows }
}
