//! A framework as a reader meets it: the career ladder with each level's pay range,
//! requirements and routes on, every role and level by the name the document prints; and
//! several frameworks side by side, levels aligned by PCF level. Front ends lay these out;
//! what they say is decided here.

use chrono::NaiveDate;
use pathway_core::framework::{Framework, Relation, Route};
use pathway_core::pay::{self, Amount};
use pathway_core::standards::Standards;
use serde::Serialize;

use crate::AppError;
use crate::catalog;
use crate::pay::{PayDate, PayRange, pay_date, pay_range};

/// A framework's career ladder with pay on a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// The levels, bottom of the ladder first.
    pub levels: Vec<LadderLevel>,
    /// Routes open from any level (roles filled by application), listed once.
    pub from_any_level: Vec<RouteSummary>,
    /// Every grade with its points' pay.
    pub grades: Vec<GradePay>,
    /// Allowances: the name, and the amount a year as printed.
    pub allowances: Vec<(String, String)>,
    /// Anomalies the document's figures carry, as the file describes them.
    pub anomalies: Vec<String>,
}

/// One rung of the ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// The routes out of the level.
    pub routes: Vec<RouteSummary>,
}

/// A requirement or criterion, essential or desirable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// As the document words it.
    pub text: String,
    /// Essential, not desirable.
    pub essential: bool,
}

/// A route out of a level.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceAsked {
    /// How many items at least.
    pub min: u32,
    /// What they are.
    pub description: String,
    /// The names of the roles that must authorise each item.
    pub authorised_by: Vec<String>,
}

/// One step of a route's assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepSummary {
    /// Its title.
    pub title: String,
    /// The form it is recorded on.
    pub form: Option<String>,
    /// How many case files it looks at.
    pub case_files: Option<u32>,
    /// Who assesses: the role's name and how they must stand to the worker.
    pub assessors: Vec<(String, Relation)>,
}

/// A grade's points with their pay on the date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradePay {
    /// The grade's printed name.
    pub name: String,
    /// Each point.
    pub points: Vec<PointPay>,
}

/// One pay point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointPay {
    /// "SCP 37" for a spine point, else the point as printed.
    pub label: String,
    /// Basic pay on the date.
    pub basic: Amount,
    /// The file marks the figure as an anomaly in the source.
    pub anomaly: bool,
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
            points: grade
                .points
                .iter()
                .map(|point| PointPay {
                    label: match point.scp {
                        Some(scp) => format!("SCP {scp}"),
                        None => point.point.clone(),
                    },
                    basic: pay::basic_pay(framework, grade, point, on).0,
                    anomaly: point.anomaly.is_some(),
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
        levels,
        from_any_level: framework
            .routes
            .iter()
            .filter(|route| route.from.level().is_none())
            .map(|route| route_summary(framework, route))
            .collect(),
        grades,
        allowances: framework.pay.allowances.iter().map(|a| (a.name.clone(), a.annual.to_string())).collect(),
        anomalies: framework.anomalies.iter().map(|a| a.description.clone()).collect(),
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
