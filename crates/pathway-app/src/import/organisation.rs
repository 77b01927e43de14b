//! `pathway import organisation` and `pathway export organisation`: an authority's services,
//! localities, teams and posts as one sheet (CSV or XLSX), checked row by row and written in
//! one transaction.
//!
//! A row with a `role` is a post; a row without one is a unit. Units name their parent (a
//! unit already stored or one on an earlier row); posts name their unit, the holder's
//! employee number (blank or `vacant` for a vacancy), the day they have held it from, a
//! `post_ref` other rows can name, and the post they report to (a `post_ref` in the file, or
//! the number of a stored post). Problems are reported like the workers import's: row,
//! column, value, reason; a file with any problem writes nothing.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use pathway_core::framework::{Framework, RoleId};
use pathway_core::ids::PostId;
use pathway_core::workforce::{EmployeeNumber, Name, OrgUnit, Post, UnitKind, Worker, unit_name_key};
use pathway_store::{
    AuthorityScope, ImportedPost, ImportedUnit, Organisation, PostRef, Store, StoreError, UnitRef, Workforce,
};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Serialize;

use super::{RawRow, RowProblem, Sheet, bad_file, guard_formula, normalise_header, parse_date, unheaded_cells};
use crate::AppError;
use crate::export::SheetFormat;
use crate::frameworks::Applies;
use crate::operator::Operator;
use crate::organisation::{post_role, tree};
use crate::service::Pathway;

/// The sheet name an organisation workbook is written with.
pub const ORGANISATION_SHEET: &str = "Organisation";

/// A column of the organisation file: (header, format, what it holds).
pub const COLUMNS: &[(&str, &str, &str)] = &[
    ("unit", "name of a unit", "Unit rows: the unit's name. Post rows: the unit the post is responsible for."),
    ("unit_kind", "service, locality or team", "Unit rows: what the unit is. Leave blank on post rows."),
    (
        "parent_unit",
        "name of a unit",
        "Unit rows: the unit it sits in (stored already, or on an earlier row); blank for the top. Post rows: \
         only to tell apart units that share a name.",
    ),
    ("role", "a role of the authority's framework", "Post rows: the role the post carries (id or printed name)."),
    ("post_ref", "letters and digits", "Post rows: a short name other rows' reports_to can use, e.g. HOS-CF."),
    ("holder", "an employee number, or vacant", "Post rows: who holds the post; blank or `vacant` when vacant."),
    ("held_from", "date", "Post rows: the day the holder took the post; if blank, their start date."),
    ("reports_to", "a post_ref, or a stored post's number", "Post rows: the post this post reports to."),
];

fn column(header: &str) -> Option<usize> {
    let n = normalise_header(header);
    COLUMNS.iter().position(|(name, _, _)| *name == n)
}

/// What an organisation import found and did.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OrganisationReport {
    /// The file.
    pub file: String,
    /// The authority.
    pub authority: String,
    /// The framework roles were checked against (`id version`).
    pub framework: String,
    /// Data rows read.
    pub rows: usize,
    /// Units in the file (created, or would be in a dry run).
    pub units: usize,
    /// Posts in the file (created, or would be in a dry run).
    pub posts: usize,
    /// Posts with a holder.
    pub held: usize,
    /// Whether anything was written.
    pub written: bool,
    /// True when nothing was written because `--dry-run` was given.
    pub dry_run: bool,
    /// Every problem, in row order.
    pub problems: Vec<RowProblem>,
}

impl OrganisationReport {
    /// True when every row was good.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

struct Row<'a> {
    raw: &'a RawRow,
    index: &'a [Option<usize>],
    problems: Vec<RowProblem>,
}

impl Row<'_> {
    fn cell(&self, col: usize) -> Option<&str> {
        self.index
            .get(col)
            .copied()
            .flatten()
            .and_then(|i| self.raw.cells.get(i))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    }

    fn problem(&mut self, col: usize, value: &str, reason: impl Into<String>) {
        self.problems.push(RowProblem {
            row: self.raw.number,
            column: COLUMNS.get(col).map_or("", |c| c.0),
            value: value.to_owned(),
            reason: reason.into(),
        });
    }
}

const UNIT: usize = 0;
const KIND: usize = 1;
const PARENT: usize = 2;
const ROLE: usize = 3;
const REF: usize = 4;
const HOLDER: usize = 5;
const FROM: usize = 6;
const REPORTS_TO: usize = 7;

/// A unit the rows so far have named: stored or new.
#[derive(Clone, Copy)]
struct KnownUnit {
    target: UnitRef,
    kind: UnitKind,
}

struct Plan {
    units: Vec<ImportedUnit>,
    unit_rows: Vec<usize>,
    posts: Vec<ImportedPost>,
    post_rows: Vec<usize>,
    problems: Vec<RowProblem>,
    rows: usize,
}

fn plan(
    framework: &Framework,
    stored_units: &[OrgUnit],
    stored_posts: &[Post],
    workers: &[Worker],
    headers: &[String],
    rows: Vec<RawRow>,
    today: NaiveDate,
) -> Result<Plan, String> {
    let mut index: Vec<Option<usize>> = vec![None; COLUMNS.len()];
    let mut unknown = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        if h.trim().is_empty() {
            continue;
        }
        match column(h) {
            Some(c) if index[c].is_some() => return Err(format!("has the column `{}` twice", COLUMNS[c].0)),
            Some(c) => index[c] = Some(i),
            None => unknown.push(format!("`{}`", h.trim())),
        }
    }
    if !unknown.is_empty() {
        let known: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
        return Err(format!(
            "row 1 has column(s) Pathway does not know: {}. The columns are: {} (see docs/import-format.md)",
            unknown.join(", "),
            known.join(", ")
        ));
    }
    if index[UNIT].is_none() {
        return Err("row 1 lacks the required column: unit".into());
    }

    // Units by (parent, kind, name key) and by name key alone, stored first.
    let mut by_name: HashMap<String, Vec<KnownUnit>> = HashMap::new();
    for u in stored_units.iter().filter(|u| u.closed_on.is_none()) {
        by_name
            .entry(unit_name_key(&u.name))
            .or_default()
            .push(KnownUnit { target: UnitRef::Existing(u.id), kind: u.kind });
    }
    let mut p = Plan {
        units: Vec::new(),
        unit_rows: Vec::new(),
        posts: Vec::new(),
        post_rows: Vec::new(),
        problems: Vec::new(),
        rows: 0,
    };
    // Closed units and the file's unit rows by name key, so a name that is not (yet) known
    // is told why: closed, or on a later row.
    let mut closed: HashMap<String, NaiveDate> = HashMap::new();
    for u in stored_units {
        if let Some(on) = u.closed_on {
            closed.entry(unit_name_key(&u.name)).or_insert(on);
        }
    }
    let mut unit_rows_by_name: HashMap<String, usize> = HashMap::new();
    let role_at = index[ROLE];
    for raw in &rows {
        let cell = |i: Option<usize>| i.and_then(|i| raw.cells.get(i)).map(|c| c.trim()).filter(|c| !c.is_empty());
        if cell(role_at).is_none()
            && let Some(name) = cell(index[UNIT]).and_then(|t| Name::parse(t).ok())
        {
            unit_rows_by_name.entry(unit_name_key(&name)).or_insert(raw.number);
        }
    }
    let find = |by_name: &HashMap<String, Vec<KnownUnit>>, text: &str, row: usize| -> Result<KnownUnit, String> {
        let name = Name::parse(text).map_err(|e| e.reason.clone())?;
        let key = unit_name_key(&name);
        match by_name.get(&key).map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            Some([_, ..]) => Err(
                "names more than one unit; on a post row give the one meant by its parent in parent_unit, or rename one"
                    .into(),
            ),
            _ => match (unit_rows_by_name.get(&key), closed.get(&key)) {
                (Some(later), _) if *later > row => Err(format!(
                    "is on a later row (row {later}); put a unit's row before the units and posts inside it"
                )),
                (_, Some(on)) => Err(format!("closed on {on}; a closed unit takes no new units or posts")),
                _ => Err("is not a unit already stored or on an earlier row".into()),
            },
        }
    };
    let mut refs: HashMap<String, usize> = HashMap::new();
    let mut ref_names: HashMap<usize, String> = HashMap::new();
    let mut pending_reports: Vec<(usize, usize, String)> = Vec::new();
    let numbers: HashMap<String, &Worker> =
        workers.iter().map(|w| (w.details.employee_number.to_string(), w)).collect();

    for raw in &rows {
        if raw.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        p.rows += 1;
        let mut r = Row { raw, index: &index, problems: unheaded_cells(raw, |i| index.contains(&Some(i))) };
        for (i, error) in &raw.broken {
            if let Some(c) = index.iter().position(|j| *j == Some(*i)) {
                r.problem(c, error, "the cell holds a spreadsheet error; put the value itself");
            }
        }
        let unit_text = r.cell(UNIT).map(str::to_owned);
        match r.cell(ROLE).map(str::to_owned) {
            None => {
                // A unit row.
                for c in [HOLDER, FROM, REPORTS_TO, REF] {
                    if let Some(v) = r.cell(c).map(str::to_owned) {
                        r.problem(c, &v, "is for post rows; a row without a role is a unit");
                    }
                }
                let kind = match r.cell(KIND).map(str::to_owned) {
                    None => {
                        r.problem(KIND, "", "is needed on a unit row: service, locality or team (or give a role)");
                        None
                    }
                    Some(k) => match k.parse::<UnitKind>() {
                        Ok(kind) => Some(kind),
                        Err(e) => {
                            r.problem(KIND, &k, e.reason.clone());
                            None
                        }
                    },
                };
                let name = match &unit_text {
                    None => {
                        r.problem(UNIT, "", "is needed: the unit's name");
                        None
                    }
                    Some(t) => match Name::parse(t) {
                        Ok(n) => Some(n),
                        Err(e) => {
                            r.problem(UNIT, t, e.reason.clone());
                            None
                        }
                    },
                };
                let parent = match r.cell(PARENT).map(str::to_owned) {
                    None => Some(None),
                    Some(t) => match find(&by_name, &t, raw.number) {
                        Ok(u) => {
                            if let Some(kind) = kind
                                && !kind.may_sit_under(u.kind)
                            {
                                r.problem(
                                    PARENT,
                                    &t,
                                    format!("is a {}; a {kind} cannot sit under a {}", u.kind, u.kind),
                                );
                                None
                            } else {
                                Some(Some(u))
                            }
                        }
                        Err(reason) => {
                            r.problem(PARENT, &t, reason);
                            None
                        }
                    },
                };
                if let (Some(kind), Some(name), Some(parent)) = (kind, name, parent) {
                    let key = unit_name_key(&name);
                    let twin = by_name.get(&key).into_iter().flatten().find(|k| {
                        k.kind == kind && {
                            let parent_of = |t: UnitRef| match t {
                                UnitRef::Existing(id) => stored_units
                                    .iter()
                                    .find(|u| u.id == id)
                                    .and_then(|u| u.parent)
                                    .map(UnitRef::Existing),
                                UnitRef::New(n) => p.units.get(n).and_then(|u| u.parent),
                            };
                            parent_of(k.target) == parent.map(|p| p.target)
                        }
                    });
                    if twin.is_some() {
                        r.problem(
                            UNIT,
                            name.as_str(),
                            format!("a {kind} with this name is already there (stored or on an earlier row)"),
                        );
                    } else if r.problems.is_empty() {
                        let n = p.units.len();
                        p.units.push(ImportedUnit { kind, name, parent: parent.map(|u| u.target) });
                        p.unit_rows.push(raw.number);
                        by_name.entry(key).or_default().push(KnownUnit { target: UnitRef::New(n), kind });
                    }
                }
            }
            Some(role_text) => {
                // A post row.
                if let Some(k) = r.cell(KIND).map(str::to_owned) {
                    r.problem(KIND, &k, "is for unit rows; a row with a role is a post");
                }
                // On a post row, `parent_unit` only tells apart units that share a name.
                let parent_given = r.cell(PARENT).is_some();
                let within = match r.cell(PARENT).map(str::to_owned) {
                    None => None,
                    Some(t) => match find(&by_name, &t, raw.number) {
                        Ok(u) => Some((t, u.target)),
                        Err(reason) => {
                            r.problem(PARENT, &t, reason);
                            None
                        }
                    },
                };
                let unit = match (&unit_text, within) {
                    // The parent meant is not known, so neither is the unit inside it.
                    (Some(_), None) if parent_given => None,
                    (None, _) => {
                        r.problem(UNIT, "", "is needed: the unit the post is responsible for");
                        None
                    }
                    (Some(t), None) => match find(&by_name, t, raw.number) {
                        Ok(u) => Some(u.target),
                        Err(reason) => {
                            r.problem(UNIT, t, reason);
                            None
                        }
                    },
                    (Some(t), Some((parent_text, parent))) => {
                        let inside: Vec<UnitRef> = Name::parse(t)
                            .ok()
                            .and_then(|n| by_name.get(&unit_name_key(&n)))
                            .into_iter()
                            .flatten()
                            .map(|k| k.target)
                            .filter(|target| {
                                let parent_of = match *target {
                                    UnitRef::Existing(id) => stored_units
                                        .iter()
                                        .find(|u| u.id == id)
                                        .and_then(|u| u.parent)
                                        .map(UnitRef::Existing),
                                    UnitRef::New(n) => p.units.get(n).and_then(|u| u.parent),
                                };
                                parent_of == Some(parent)
                            })
                            .collect();
                        match inside.as_slice() {
                            [one] => Some(*one),
                            [] => {
                                r.problem(UNIT, t, format!("is not a unit inside {parent_text}"));
                                None
                            }
                            _ => {
                                r.problem(UNIT, t, format!("names more than one unit inside {parent_text}"));
                                None
                            }
                        }
                    }
                };
                let role: Option<RoleId> = match post_role(framework, &role_text) {
                    Ok(role) => Some(role),
                    Err(AppError::BadInput { message, .. }) => {
                        r.problem(ROLE, &role_text, message);
                        None
                    }
                    Err(e) => {
                        r.problem(ROLE, &role_text, e.to_string());
                        None
                    }
                };
                let holder = match r.cell(HOLDER).map(str::to_owned) {
                    None => None,
                    Some(h) if h.eq_ignore_ascii_case("vacant") => None,
                    Some(h) => match EmployeeNumber::parse(&h) {
                        Err(e) => {
                            r.problem(HOLDER, &h, e.reason.clone());
                            None
                        }
                        Ok(n) => match numbers.get(n.as_str()) {
                            Some(w) => Some(*w),
                            None => {
                                r.problem(
                                    HOLDER,
                                    &h,
                                    "is not a worker of this authority; import the workers first, or leave the post vacant",
                                );
                                None
                            }
                        },
                    },
                };
                let from = match r.cell(FROM).map(str::to_owned) {
                    None => holder.map(|w| w.details.started_on),
                    Some(d) => match parse_date(&d) {
                        Ok(d) => Some(d),
                        Err(reason) => {
                            r.problem(FROM, &d, reason);
                            None
                        }
                    },
                };
                if let (Some(w), Some(from)) = (holder, from) {
                    let shown = r.cell(FROM).unwrap_or_default().to_owned();
                    let number = &w.details.employee_number;
                    if from > today {
                        let which = if shown.is_empty() {
                            format!("is blank, so {number}'s start date ({from}) is used, which is")
                        } else {
                            "is".to_owned()
                        };
                        r.problem(
                            FROM,
                            &shown,
                            format!(
                                "{which} after today ({today}); record a holding when it starts, with `pathway post \
                                 assign --from`"
                            ),
                        );
                    } else if from < w.details.started_on {
                        r.problem(
                            FROM,
                            &shown,
                            format!(
                                "is before {number} started ({}); a post is held only while employed",
                                w.details.started_on
                            ),
                        );
                    } else if let Some(left) = w.details.left_on {
                        r.problem(
                            HOLDER,
                            number.as_str(),
                            format!("left on {left}; a leaver cannot hold a post (leave it vacant)"),
                        );
                    }
                }
                if holder.is_none() && r.cell(FROM).is_some() {
                    let v = r.cell(FROM).unwrap_or_default().to_owned();
                    r.problem(FROM, &v, "is for a held post; the post has no holder");
                }
                // The same holder in the same post twice is a file imported twice, not a job share.
                if let (Some(unit), Some(role), Some(w), Some(from)) = (unit, role.as_ref(), holder, from) {
                    let stored_twin = match unit {
                        UnitRef::Existing(id) => stored_posts
                            .iter()
                            .find(|q| q.unit == id && q.role == *role && q.holder_on(from.max(today)) == Some(w.id))
                            .map(|q| format!("post {}", q.id)),
                        UnitRef::New(_) => None,
                    };
                    let file_twin = p
                        .posts
                        .iter()
                        .position(|q| q.unit == unit && q.role == *role && q.holder.map(|h| h.0) == Some(w.id))
                        .and_then(|n| p.post_rows.get(n))
                        .map(|row| format!("the post on row {row}"));
                    if let Some(twin) = stored_twin.or(file_twin) {
                        let number = w.details.employee_number.to_string();
                        r.problem(
                            HOLDER,
                            &number,
                            format!("already holds this {role} post ({twin}); each post is one row, imported once"),
                        );
                    }
                }
                if let Some(reference) = r.cell(REF).map(str::to_owned) {
                    let clean = r.problems.is_empty();
                    match refs.entry(reference.to_lowercase()) {
                        std::collections::hash_map::Entry::Occupied(_) => {
                            r.problem(REF, &reference, "is used by an earlier row; each post_ref names one post");
                        }
                        std::collections::hash_map::Entry::Vacant(slot) => {
                            if clean {
                                slot.insert(p.posts.len());
                                ref_names.insert(p.posts.len(), reference.clone());
                            }
                        }
                    }
                }
                if let Some(to) = r.cell(REPORTS_TO).map(str::to_owned)
                    && r.problems.is_empty()
                {
                    pending_reports.push((p.posts.len(), raw.number, to));
                }
                if let (Some(unit), Some(role), true) = (unit, role, r.problems.is_empty()) {
                    p.posts.push(ImportedPost {
                        unit,
                        role,
                        reports_to: None,
                        holder: holder.and_then(|w| from.map(|f| (w.id, f))),
                    });
                    p.post_rows.push(raw.number);
                }
            }
        }
        p.problems.extend(r.problems);
    }
    // Which post each reports to, now every post_ref is known.
    let mut reports_text: Vec<(usize, usize, String)> = Vec::new();
    for (post, row, to) in pending_reports {
        let target = match refs.get(&to.to_lowercase()) {
            Some(n) => Some(PostRef::New(*n)),
            None => to
                .trim()
                .parse::<i64>()
                .ok()
                .map(PostId::new)
                .filter(|id| stored_posts.iter().any(|p| p.id == *id))
                .map(PostRef::Existing),
        };
        match target {
            Some(PostRef::New(n)) if n == post => p.problems.push(RowProblem {
                row,
                column: COLUMNS[REPORTS_TO].0,
                value: to,
                reason: "is this post; a post cannot report to itself".into(),
            }),
            Some(t) => {
                if let Some(p) = p.posts.get_mut(post) {
                    p.reports_to = Some(t);
                }
                reports_text.push((post, row, to));
            }
            None => p.problems.push(RowProblem {
                row,
                column: COLUMNS[REPORTS_TO].0,
                value: to,
                reason: "is not a post_ref in this file nor the number of a stored post".into(),
            }),
        }
    }
    // A loop of reporting lines among the file's posts is refused once, on its first row.
    for (post, row, to) in &reports_text {
        let mut path = vec![*post];
        let mut at = *post;
        while let Some(Some(PostRef::New(next))) = p.posts.get(at).map(|q| q.reports_to) {
            if next == *post {
                let named: Vec<String> =
                    path.iter()
                        .chain(std::iter::once(post))
                        .map(|n| {
                            ref_names.get(n).cloned().unwrap_or_else(|| {
                                format!("the post on row {}", p.post_rows.get(*n).copied().unwrap_or(0))
                            })
                        })
                        .collect();
                p.problems.push(RowProblem {
                    row: *row,
                    column: COLUMNS[REPORTS_TO].0,
                    value: to.clone(),
                    reason: format!(
                        "makes a loop of reporting lines ({}); someone at the top must report to no one in the file",
                        named.join(", ")
                    ),
                });
                break;
            }
            if next < *post || path.contains(&next) || path.len() > p.posts.len() {
                // Reported from its first post, or a loop this post only leads into.
                break;
            }
            path.push(next);
            at = next;
        }
    }
    p.problems.sort_by_key(|pr| (pr.row, COLUMNS.iter().position(|c| c.0 == pr.column)));
    Ok(p)
}

impl Pathway {
    /// Import the units and posts in a `.csv` or `.xlsx` file into `authority` in one
    /// transaction, roles checked against the framework in force today. With `dry_run`,
    /// checks and reports only.
    pub async fn import_organisation(
        &self,
        authority: &str,
        file: &Path,
        dry_run: bool,
    ) -> Result<OrganisationReport, AppError> {
        // The operator is checked before anything changes, so a refusal leaves nothing half done.
        let operator = self.operator().await?;
        let sheet = Sheet::open_sheet(file, ORGANISATION_SHEET)?;
        self.import_organisation_by(&operator, authority, sheet, dry_run).await
    }

    /// Import the units and posts of a sheet already opened (an upload, say), recorded as
    /// done by `operator`.
    pub async fn import_organisation_by(
        &self,
        operator: &Operator,
        authority: &str,
        sheet: Sheet,
        dry_run: bool,
    ) -> Result<OrganisationReport, AppError> {
        let scope = self.scope(authority).await?;
        let today = chrono::Local::now().date_naive();
        let framework = self.framework_in_force(&scope, Applies::Authority, today).await?;
        let Sheet { file, headers, rows } = sheet;
        let rows: Vec<RawRow> = rows.collect::<Result<_, _>>()?;
        let units = self.store().units(&scope).await?;
        let posts = self.store().posts(&scope).await?;
        let workers = self.store().workers(&scope).await?;
        let plan = plan(&framework, &units, &posts, &workers, &headers, rows, today).map_err(|m| bad_file(&file, m))?;
        if plan.rows == 0 {
            return Err(bad_file(&file, "has no units or posts: there are no rows under the header"));
        }
        let mut report = OrganisationReport {
            file,
            authority: scope.id().to_string(),
            framework: format!("{} {}", framework.id(), framework.framework.version),
            rows: plan.rows,
            units: plan.units.len(),
            posts: plan.posts.len(),
            held: plan.posts.iter().filter(|p| p.holder.is_some()).count(),
            written: false,
            dry_run,
            problems: plan.problems,
        };
        if dry_run || !report.is_clean() {
            return Ok(report);
        }
        write(self.store(), &scope, &plan.units, &plan.unit_rows, &plan.posts, &plan.post_rows, &report.file).await?;
        report.written = true;
        let what = format!("imported {} units and {} posts from {}", report.units, report.posts, report.file);
        let detail = serde_json::json!({
            "file": report.file, "kind": "organisation", "units": report.units, "posts": report.posts,
        });
        self.record_setup(
            operator,
            &scope,
            (pathway_store::EntityKind::Import, 0),
            "import organisation",
            what,
            detail,
        )
        .await?;
        Ok(report)
    }

    /// The organisation of `authority` in the import's columns: open units (parents first),
    /// then their posts with who holds them today.
    pub async fn export_organisation(&self, authority: &str, format: SheetFormat) -> Result<Vec<u8>, AppError> {
        let scope = self.scope(authority).await?;
        let today = chrono::Local::now().date_naive();
        let rows = organisation_rows(self.store(), &scope, today).await?;
        sheet_bytes(&rows, format)
    }
}

async fn write(
    store: &Store,
    scope: &AuthorityScope,
    units: &[ImportedUnit],
    unit_rows: &[usize],
    posts: &[ImportedPost],
    post_rows: &[usize],
    file: &str,
) -> Result<(), AppError> {
    match store.import_organisation(scope, units, posts).await {
        Ok(_) => Ok(()),
        Err(StoreError::Batch { index, source, .. }) if !matches!(*source, StoreError::Database { .. }) => {
            let row = match index.checked_sub(units.len()) {
                None => unit_rows.get(index),
                Some(post) => post_rows.get(post),
            };
            Err(bad_file(
                &format!("{file} row {}", row.copied().unwrap_or(0)),
                format!("{source}; nothing was imported"),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The organisation as rows in [`COLUMNS`] order (not yet guarded against formulas).
pub async fn organisation_rows(
    store: &Store,
    scope: &AuthorityScope,
    on: NaiveDate,
) -> Result<Vec<Vec<String>>, AppError> {
    let units = store.units(scope).await?;
    let posts = store.posts(scope).await?;
    let workers = store.workers(scope).await?;
    let open: Vec<OrgUnit> = units.iter().filter(|u| u.closed_on.is_none()).cloned().collect();
    let name_of = |id| units.iter().find(|u| u.id == id).map(|u| u.name.to_string()).unwrap_or_default();
    let mut rows = Vec::new();
    for (u, _) in tree(&open) {
        rows.push(vec![
            u.name.to_string(),
            u.kind.to_string(),
            u.parent.map(name_of).unwrap_or_default(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    let reference = |id: PostId| format!("P{id}");
    let shared = |u: &OrgUnit| open.iter().filter(|o| unit_name_key(&o.name) == unit_name_key(&u.name)).count() > 1;
    for (u, _) in tree(&open) {
        // A post's unit is named by its parent too when another open unit has its name.
        let parent = if shared(u) { u.parent.map(name_of).unwrap_or_default() } else { String::new() };
        for post in posts.iter().filter(|p| p.unit == u.id) {
            let holding = post.holdings.iter().find(|h| h.covers(on));
            let holder = holding.and_then(|h| workers.iter().find(|w| w.id == h.worker));
            rows.push(vec![
                u.name.to_string(),
                String::new(),
                parent.clone(),
                post.role.to_string(),
                reference(post.id),
                holder.map_or_else(|| "vacant".to_owned(), |w| w.details.employee_number.to_string()),
                holding.map(|h| h.held_from.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                post.reports_to.map(reference).unwrap_or_default(),
            ]);
        }
    }
    Ok(rows)
}

fn xlsx_error(e: XlsxError) -> AppError {
    AppError::BadInput { field: "output".into(), message: format!("cannot write the workbook: {e}") }
}

/// Rows under the organisation header, as CSV (UTF-8 with a byte order mark) or a workbook
/// with one `Organisation` sheet; every cell guarded against formulas.
pub fn sheet_bytes(rows: &[Vec<String>], format: SheetFormat) -> Result<Vec<u8>, AppError> {
    let failed = |e: String| AppError::BadInput { field: "output".into(), message: format!("cannot write: {e}") };
    match format {
        SheetFormat::Csv => {
            let mut out = "\u{feff}".as_bytes().to_vec();
            {
                let mut w = csv::Writer::from_writer(&mut out);
                w.write_record(COLUMNS.iter().map(|c| c.0)).map_err(|e| failed(e.to_string()))?;
                for row in rows {
                    w.write_record(row.iter().map(|c| guard_formula(c))).map_err(|e| failed(e.to_string()))?;
                }
                w.flush().map_err(|e| failed(e.to_string()))?;
            }
            Ok(out)
        }
        SheetFormat::Xlsx => {
            let mut book = Workbook::new();
            let bold = Format::new().set_bold();
            let sheet = book.add_worksheet();
            sheet.set_name(ORGANISATION_SHEET).map_err(xlsx_error)?;
            for (col, c) in COLUMNS.iter().enumerate() {
                let col = u16::try_from(col).map_err(|_| xlsx_error(XlsxError::RowColumnLimitError))?;
                sheet.write_string_with_format(0, col, c.0, &bold).map_err(xlsx_error)?;
                sheet.set_column_width(col, 22).map_err(xlsx_error)?;
            }
            for (i, row) in rows.iter().enumerate() {
                let r = u32::try_from(i + 1).map_err(|_| xlsx_error(XlsxError::RowColumnLimitError))?;
                for (col, value) in row.iter().enumerate() {
                    let col = u16::try_from(col).map_err(|_| xlsx_error(XlsxError::RowColumnLimitError))?;
                    if !value.is_empty() {
                        sheet.write_string(r, col, guard_formula(value)).map_err(xlsx_error)?;
                    }
                }
            }
            book.save_to_buffer().map_err(xlsx_error)
        }
    }
}

/// The organisation template: the columns with example rows (a service, a team, a head of
/// service and a vacant team manager post reporting to it), using `framework`'s roles. The
/// head of service is the workers template's example worker, so the two templates import
/// together.
pub fn template(format: SheetFormat, framework: &Framework) -> Result<Vec<u8>, AppError> {
    let role = |wanted: &[&str]| {
        framework
            .roles
            .iter()
            .find(|r| wanted.contains(&r.id.as_str()))
            .or_else(|| framework.roles.iter().find(|r| !r.panel && r.id.as_str() != "worker"))
            .map(|r| r.id.to_string())
            .unwrap_or_default()
    };
    let s = |v: &[&str]| v.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    let head = role(&["head-of-service"]);
    let manager = role(&["team-manager"]);
    let rows = vec![
        s(&["Children's Services", "service", "", "", "", "", "", ""]),
        s(&["Assessment Team", "team", "Children's Services", "", "", "", "", ""]),
        s(&["Children's Services", "", "", &head, "HOS-CS", "E10234", "2024-04-01", ""]),
        s(&["Assessment Team", "", "", &manager, "TM-AT", "vacant", "", "HOS-CS"]),
    ];
    sheet_bytes(&rows, format)
}
