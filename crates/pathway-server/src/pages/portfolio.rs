//! The signed-in social worker's portfolio: their evidence, and what it covers of a route out
//! of their level (what is still missing before they can apply); adding an item with PCF and
//! KSS tags and files; one item. Their own portfolio only: the pages ask the viewer use cases
//! (`viewer_portfolio`, `viewer_coverage`, `viewer_add_evidence`, `viewer_evidence`, the ones
//! the API's `/workers/{number}/evidence` and `/evidence/{id}` call) for the signed-in
//! person's employee number, and an item page for someone else's item is refused there.
//!
//! The add form is `multipart/form-data` because it carries files; `session::resolve` reads
//! its `csrf_token` field before the handler runs, as for every page form. A failed submit
//! gives back everything typed; files cannot be given back to a browser's file input, so the
//! page says to choose them again.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use pathway_app::AppError;
use pathway_app::model::{AnonymisationStatus, Coverage, EvidenceDetail, EvidenceId, EvidenceKind, RouteId, Standards};
use pathway_app::portfolio::{AnonymisationCheck, EvidenceRecord, FlagPick, NewEvidence, Upload};
use pathway_app::viewer::Viewer;
use pathway_app::viewer_records::AsRole;
use serde::Deserialize;

use super::components::{Button, Cell, ErrorSummary, SummaryList, Table, Tag, TextInput};
use super::public::long_date;
use super::{Layout, PageError, SignedInPage, render, sentence};
use crate::session::{AppState, ClientAddress};

/// The kinds of evidence a worker writes themselves. The others name someone else (an
/// observer, a manager, who gave feedback, an award) and are added over the API.
const OWN_KINDS: &[EvidenceKind] = &[
    EvidenceKind::ReflectiveSummary,
    EvidenceKind::CaseStudy,
    EvidenceKind::StatementOfLearning,
    EvidenceKind::StatementOfApplication,
    EvidenceKind::CaseFileAudit,
    EvidenceKind::PortfolioWork,
    EvidenceKind::Other,
];

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The signed-in person as a viewer, with their authority and employee number.
async fn me(state: &AppState, session: &pathway_app::accounts::Session, from: Option<String>) -> Result<Me, AppError> {
    let me = state.pathway.me(&session.account).await?;
    Ok(Me {
        viewer: Viewer { account: session.account.clone(), may_write: true, from },
        authority: me.authority.id,
        number: me.person.employee_number,
    })
}

struct Me {
    viewer: Viewer,
    authority: String,
    number: String,
}

// ---------------------------------------------------------------------------------------
// The portfolio and its coverage

/// A route the coverage can be set against: its name, address, and whether it is shown.
#[derive(Debug)]
struct RouteLink {
    text: String,
    href: String,
    current: bool,
}

#[derive(Debug)]
struct CoverageView {
    route_name: String,
    checked_on: String,
    ready: bool,
    summary: String,
    missing: Vec<String>,
    notes: Vec<String>,
    /// None when the route asks for no portfolio evidence.
    rules: Option<Table>,
    pcf: Table,
    kss: Option<Table>,
}

#[derive(Debug, Template)]
#[template(path = "pages/portfolio.html")]
struct PortfolioPage {
    layout: Layout,
    name: String,
    routes: Vec<RouteLink>,
    coverage: Option<CoverageView>,
    items: Vec<ItemRow>,
}

/// One item in the portfolio's list.
#[derive(Debug)]
struct ItemRow {
    href: String,
    title: String,
    kind: String,
    date: String,
    tags: String,
    check: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RouteQuery {
    route: Option<String>,
}

fn yes_no(covered: bool) -> &'static str {
    if covered { "Covered" } else { "Not covered" }
}

fn coverage_view(coverage: &Coverage, titles: &dyn Fn(EvidenceId) -> String) -> CoverageView {
    let list = |ids: &[EvidenceId]| ids.iter().map(|id| titles(*id)).collect::<Vec<_>>().join("; ");
    let names = |ids: &[EvidenceId]| if ids.is_empty() { "None yet".to_owned() } else { list(ids) };
    // Items tagged to a domain or statement that a panel may not read yet are named too,
    // so the worker sees what finishing them would cover.
    let readable_and_pending =
        |items: &[EvidenceId], pending: &[EvidenceId]| match (items.is_empty(), pending.is_empty()) {
            (_, true) => names(items),
            (true, false) => format!("None yet; waiting for the anonymisation check: {}", list(pending)),
            (false, false) => format!("{}; waiting for the anonymisation check: {}", list(items), list(pending)),
        };
    let rules = (!coverage.rules.is_empty()).then(|| Table {
        caption: Some("What the route asks for".to_owned()),
        head: vec![Cell::text("Requirement"), Cell::number("Needed"), Cell::text("Counted"), Cell::text("Status")],
        rows: coverage
            .rules
            .iter()
            .map(|rule| {
                vec![
                    Cell::text(&rule.description),
                    Cell::number(rule.required.to_string()),
                    Cell::text(names(&rule.counted)),
                    Cell::text(if rule.met { "Met" } else { "Not met" }),
                ]
            })
            .collect(),
        first_cell_is_header: true,
    });
    let pcf = Table {
        caption: Some("PCF domains".to_owned()),
        head: vec![Cell::text("Domain"), Cell::text("Status"), Cell::text("Items a panel may read")],
        rows: coverage
            .pcf
            .iter()
            .map(|domain| {
                vec![
                    Cell::text(format!("PCF {} {}", domain.number, domain.title)),
                    Cell::text(yes_no(domain.covered)),
                    Cell::text(readable_and_pending(&domain.items, &domain.pending)),
                ]
            })
            .collect(),
        first_cell_is_header: true,
    };
    let kss = (!coverage.kss.is_empty()).then(|| Table {
        caption: Some("Knowledge and skills statements".to_owned()),
        head: vec![Cell::text("Statement"), Cell::text("Status"), Cell::text("Items a panel may read")],
        rows: coverage
            .kss
            .iter()
            .map(|statement| {
                vec![
                    Cell::text(format!("{} {}", statement.statement, statement.title)),
                    Cell::text(yes_no(statement.covered)),
                    Cell::text(readable_and_pending(&statement.items, &statement.pending)),
                ]
            })
            .collect(),
        first_cell_is_header: true,
    });
    CoverageView {
        route_name: coverage.route_name.clone(),
        checked_on: long_date(coverage.checked_on),
        ready: coverage.verdict.ready,
        summary: sentence(&coverage.verdict.summary),
        missing: coverage.verdict.missing.iter().map(|missing| sentence(&missing.message)).collect(),
        notes: coverage.verdict.notes.iter().map(|note| sentence(note)).collect(),
        rules,
        pcf,
        kss,
    }
}

fn anonymisation_text(record: &EvidenceRecord) -> String {
    match record.item.anonymisation() {
        AnonymisationStatus::NotChecked => "Not checked yet".to_owned(),
        AnonymisationStatus::FlagsOutstanding { count } => {
            format!("{count} flag{} to clear", if count == 1 { "" } else { "s" })
        }
        AnonymisationStatus::Cleared { on } => format!("Cleared on {}", long_date(on)),
    }
}

/// `GET /portfolio?route=`: the signed-in person's evidence, and its coverage of a route
/// out of their level (the first, unless another is chosen).
pub(crate) async fn portfolio(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
    Query(query): Query<RouteQuery>,
) -> Result<Response, PageError> {
    let me = me(&state, &session, from).await?;
    let worker = state.pathway.viewer_worker(&me.viewer, &me.authority, &me.number).await?;
    let records = state.pathway.viewer_portfolio(&me.viewer, &me.authority, &me.number).await?;
    let eligibility = match worker.level {
        Some(_) => Some(state.pathway.viewer_eligibility(&me.viewer, &me.authority, &me.number).await?),
        None => None,
    };
    let route_ids: Vec<(RouteId, String)> = eligibility
        .iter()
        .flat_map(|e| e.routes.iter())
        .map(|route| (route.route.clone(), format!("{} to {}", route.route_name, route.to_level_name)))
        .collect();
    let chosen = match query.route.as_deref() {
        Some(asked) => match route_ids.iter().find(|(id, _)| id.as_str() == asked) {
            Some((id, _)) => Some(id.clone()),
            // Not a route out of this person's level: nothing to show for it.
            None => return Err(PageError::Status(StatusCode::NOT_FOUND)),
        },
        None => route_ids.first().map(|(id, _)| id.clone()),
    };
    let coverage = match &chosen {
        Some(route) => Some(state.pathway.viewer_coverage(&me.viewer, &me.authority, &me.number, route, None).await?),
        None => None,
    };
    let title_of = |id: EvidenceId| {
        records.iter().find(|r| r.id == id).map(|r| r.item.title().to_owned()).unwrap_or_else(|| format!("item {id}"))
    };
    let items = records
        .iter()
        .map(|record| {
            let tags: Vec<String> = record
                .item
                .pcf()
                .iter()
                .map(|tag| tag.label())
                .chain(record.item.kss().iter().map(|tag| tag.label()))
                .collect();
            ItemRow {
                href: format!("/portfolio/evidence/{}", record.id),
                title: record.item.title().to_owned(),
                kind: capitalised(record.item.kind().name()),
                date: long_date(record.item.date()),
                tags: if tags.is_empty() { "Nothing".to_owned() } else { tags.join("; ") },
                check: anonymisation_text(record),
            }
        })
        .collect();
    let page = PortfolioPage {
        layout: Layout::new("/portfolio", Some(&session)),
        name: worker.name.clone(),
        routes: route_ids
            .iter()
            .map(|(id, text)| RouteLink {
                text: text.clone(),
                href: format!("/portfolio?route={}", id.as_str()),
                current: chosen.as_ref() == Some(id),
            })
            .collect(),
        coverage: coverage.as_ref().map(|c| coverage_view(c, &title_of)),
        items,
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------
// One item

#[derive(Debug, Template)]
#[template(path = "pages/evidence.html")]
struct EvidencePage {
    layout: Layout,
    title: String,
    added: bool,
    details: SummaryList,
    text: Option<String>,
    files: Vec<String>,
    /// The anonymisation check's page.
    check: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AddedQuery {
    added: Option<String>,
}

/// `GET /portfolio/evidence/{id}`: one item (someone else's is refused by the use case).
pub(crate) async fn item(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
    Path(id): Path<String>,
    Query(query): Query<AddedQuery>,
) -> Result<Response, PageError> {
    let id: EvidenceId = id.parse().map_err(|_| PageError::Status(StatusCode::NOT_FOUND))?;
    let me = me(&state, &session, from).await?;
    let record = state.pathway.viewer_evidence(&me.viewer, &me.authority, id).await?;
    let item = &record.item;
    let tags = |labels: Vec<String>| if labels.is_empty() { "Nothing".to_owned() } else { labels.join("; ") };
    let details = SummaryList {
        rows: vec![
            ("Kind".to_owned(), capitalised(item.kind().name())),
            ("Date".to_owned(), long_date(item.date())),
            ("PCF domains".to_owned(), tags(item.pcf().iter().map(|tag| tag.label()).collect())),
            ("KSS statements".to_owned(), tags(item.kss().iter().map(|tag| tag.label()).collect())),
            ("Anonymisation check".to_owned(), anonymisation_text(&record)),
        ],
    };
    let page = EvidencePage {
        layout: Layout::new("/portfolio", Some(&session)),
        title: item.title().to_owned(),
        added: query.added.is_some(),
        details,
        text: item.text().map(str::to_owned),
        files: item.files().iter().map(|file| file.original_name().to_owned()).collect(),
        check: format!("/portfolio/evidence/{id}/check"),
    };
    Ok(render(&page))
}

// ---------------------------------------------------------------------------------------
// Adding an item

/// A checkbox or radio: value, label, whether chosen.
#[derive(Debug)]
struct Choice {
    id: String,
    value: String,
    label: String,
    checked: bool,
}

/// A group of KSS checkboxes: one statement set.
#[derive(Debug)]
struct KssGroup {
    title: String,
    choices: Vec<Choice>,
}

#[derive(Debug, Template)]
#[template(path = "pages/add-evidence.html")]
struct AddEvidencePage<'a> {
    layout: Layout,
    error_summary: Option<ErrorSummary<'a>>,
    kind_error: Option<&'a str>,
    kinds: Vec<Choice>,
    title: TextInput<'a>,
    date_error: Option<&'a str>,
    day: &'a str,
    month: &'a str,
    year: &'a str,
    text_error: Option<&'a str>,
    text: &'a str,
    pcf_error: Option<&'a str>,
    pcf: Vec<Choice>,
    kss_error: Option<&'a str>,
    kss: Vec<KssGroup>,
    file_error: Option<&'a str>,
    files_lost: bool,
    button: Button<'a>,
}

/// What was typed, and what was wrong (the field's id and the message).
#[derive(Debug, Default)]
struct Typed {
    kind: String,
    title: String,
    day: String,
    month: String,
    year: String,
    text: String,
    pcf: BTreeSet<String>,
    kss: BTreeSet<String>,
    file_names: Vec<String>,
    errors: Vec<(&'static str, String)>,
}

impl Typed {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(id, _)| *id == field).map(|(_, message)| message.as_str())
    }
}

fn add_page(layout: Layout, typed: &Typed) -> AddEvidencePage<'_> {
    let standards = Standards::bundled();
    AddEvidencePage {
        layout,
        error_summary: (!typed.errors.is_empty()).then(|| ErrorSummary {
            title: "There is a problem",
            errors: typed.errors.iter().map(|(id, message)| (format!("#{id}"), message.clone())).collect(),
        }),
        kind_error: typed.error("kind"),
        kinds: OWN_KINDS
            .iter()
            .enumerate()
            .map(|(n, kind)| Choice {
                id: if n == 0 { "kind".to_owned() } else { format!("kind-{}", n + 1) },
                value: kind.code().to_owned(),
                label: capitalised(kind.name()),
                checked: typed.kind == kind.code(),
            })
            .collect(),
        title: TextInput {
            id: "title",
            name: "title",
            label: "Title",
            hint: Some("Do not use the names of the people you work with"),
            error: typed.error("title"),
            value: (!typed.title.is_empty()).then_some(typed.title.as_str()),
            input_type: "text",
            ..TextInput::default()
        },
        date_error: typed.error("date-day"),
        day: &typed.day,
        month: &typed.month,
        year: &typed.year,
        text_error: typed.error("text"),
        text: &typed.text,
        pcf_error: typed.error("pcf"),
        pcf: standards
            .pcf
            .domains
            .iter()
            .enumerate()
            .map(|(n, domain)| Choice {
                id: if n == 0 { "pcf".to_owned() } else { format!("pcf-{}", n + 1) },
                value: domain.id.clone(),
                label: format!("PCF {} {}", domain.number, domain.title),
                checked: typed.pcf.contains(&domain.id),
            })
            .collect(),
        kss_error: typed.error("kss"),
        kss: standards
            .kss
            .iter()
            .enumerate()
            .map(|(set_index, set)| KssGroup {
                title: set.title.clone(),
                choices: set
                    .statements
                    .iter()
                    .enumerate()
                    .map(|(n, statement)| {
                        let value = format!("{}.{}", set.id, statement.number);
                        Choice {
                            id: if set_index == 0 && n == 0 { "kss".to_owned() } else { format!("kss-{}", value) },
                            checked: typed.kss.contains(&value),
                            label: format!("{} {}", statement.number, statement.title),
                            value,
                        }
                    })
                    .collect(),
            })
            .collect(),
        file_error: typed.error("file"),
        files_lost: !typed.file_names.is_empty(),
        button: Button { text: "Add evidence", secondary: false },
    }
}

/// `GET /portfolio/add`: the form.
pub(crate) async fn add_form(SignedInPage(session): SignedInPage) -> Response {
    render(&add_page(Layout::new("/portfolio", Some(&session)), &Typed::default()))
}

/// The most one file may be, from the configuration.
fn file_limit(state: &AppState) -> u64 {
    state.pathway.config().max_upload_bytes
}

async fn text_of(field: Field<'_>) -> Result<String, PageError> {
    field.text().await.map_err(|_| PageError::Status(StatusCode::BAD_REQUEST))
}

/// The form as sent: what was typed, and the files.
async fn read_form(state: &AppState, mut form: Multipart) -> Result<(Typed, Vec<Upload>), PageError> {
    let bad = |_| PageError::Status(StatusCode::BAD_REQUEST);
    let mut typed = Typed::default();
    let mut uploads = Vec::new();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(bad)?;
                // A file input left empty still sends a part, with no name and no bytes.
                if file_name.is_empty() && bytes.is_empty() {
                    continue;
                }
                typed.file_names.push(file_name.clone());
                if bytes.len() as u64 > file_limit(state) {
                    typed.errors.push((
                        "file",
                        format!("{file_name} must be smaller than {} MB", file_limit(state) / (1024 * 1024)),
                    ));
                    continue;
                }
                if uploads.len() == crate::api_records::MAX_FILES {
                    typed
                        .errors
                        .push(("file", format!("Select at most {} files for one item", crate::api_records::MAX_FILES)));
                    continue;
                }
                uploads.push(Upload { name: file_name, bytes: bytes.to_vec() });
            }
            "kind" => typed.kind = text_of(field).await?,
            "title" => typed.title = text_of(field).await?,
            "date-day" => typed.day = text_of(field).await?,
            "date-month" => typed.month = text_of(field).await?,
            "date-year" => typed.year = text_of(field).await?,
            "text" => typed.text = text_of(field).await?,
            "pcf" => {
                typed.pcf.insert(text_of(field).await?);
            }
            "kss" => {
                typed.kss.insert(text_of(field).await?);
            }
            // The CSRF token was checked before the handler ran; anything else is ignored.
            _ => {}
        }
    }
    Ok((typed, uploads))
}

/// The date from the three boxes, or the design system's message for what is wrong.
fn date_of(typed: &Typed) -> Result<NaiveDate, String> {
    let (day, month, year) = (typed.day.trim(), typed.month.trim(), typed.year.trim());
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Err("Enter the date the evidence is from".to_owned());
    }
    let missing: Vec<&str> = [("day", day), ("month", month), ("year", year)]
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(format!("The date the evidence is from must include a {}", missing.join(" and ")));
    }
    let number = |text: &str| text.parse::<u32>().ok();
    match (number(day), number(month), year.parse::<i32>().ok()) {
        (Some(d), Some(m), Some(y)) if year.len() == 4 => NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| "The date the evidence is from must be a real date".to_owned()),
        (_, _, Some(_)) if year.len() != 4 => Err("The year must include 4 numbers".to_owned()),
        _ => Err("The date the evidence is from must be a real date".to_owned()),
    }
}

/// Where on the form a problem the use case names belongs.
fn field_id(field: &str) -> &'static str {
    match field {
        "title" => "title",
        "date" => "date-day",
        "pcf" => "pcf",
        "kss" => "kss",
        "files" | "file" => "file",
        "kind" => "kind",
        _ => "text",
    }
}

/// A problem as the form says it: "The title is ...", or the reason when it is already an
/// instruction ("Write the evidence or attach a file").
fn problem_text(field: &str, reason: &str) -> String {
    let describes = ["is ", "are ", "must ", "contains ", "has ", "names "].iter().any(|p| reason.starts_with(p));
    if describes { sentence(&format!("the {field} {reason}")) } else { sentence(reason) }
}

/// `POST /portfolio/add` (`multipart/form-data`): add the item to the signed-in person's
/// portfolio, then show it; or the form again with what is wrong.
pub(crate) async fn add(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    let form = form.map_err(|_| PageError::Status(StatusCode::BAD_REQUEST))?;
    let (mut typed, uploads) = read_form(&state, form).await?;
    let kind = OWN_KINDS.iter().find(|kind| kind.code() == typed.kind).copied();
    if kind.is_none() {
        typed.errors.insert(0, ("kind", "Select what kind of evidence this is".to_owned()));
    }
    let date = match date_of(&typed) {
        Ok(date) => Some(date),
        Err(message) => {
            typed.errors.push(("date-day", message));
            None
        }
    };
    let me = me(&state, &session, from).await?;
    if let (Some(kind), Some(date), true) = (kind, date, typed.errors.is_empty()) {
        let detail = match kind {
            EvidenceKind::ReflectiveSummary => EvidenceDetail::ReflectiveSummary,
            EvidenceKind::CaseStudy => EvidenceDetail::CaseStudy,
            EvidenceKind::StatementOfLearning => EvidenceDetail::StatementOfLearning,
            EvidenceKind::StatementOfApplication => EvidenceDetail::StatementOfApplication,
            EvidenceKind::CaseFileAudit => EvidenceDetail::CaseFileAudit,
            EvidenceKind::PortfolioWork => EvidenceDetail::PortfolioWork,
            _ => EvidenceDetail::Other,
        };
        let new = NewEvidence {
            worker: me.number.clone(),
            detail,
            date,
            title: typed.title.clone(),
            text: Some(typed.text.clone()).filter(|text| !text.trim().is_empty()),
            pages: None,
            pcf: typed.pcf.iter().cloned().collect(),
            kss: typed.kss.iter().cloned().collect(),
            pcf_level: None,
        };
        let act = AsRole { role: None, why: "added on the portfolio page" };
        match state.pathway.viewer_add_evidence(&me.viewer, &me.authority, &new, &uploads, act).await {
            Ok(record) => {
                return Ok(Redirect::to(&format!("/portfolio/evidence/{}?added=1", record.id)).into_response());
            }
            Err(AppError::Evidence(invalid)) => {
                for problem in &invalid.problems {
                    typed.errors.push((field_id(problem.field), problem_text(problem.field, &problem.reason)));
                }
            }
            Err(AppError::Invalid(problem)) => {
                typed.errors.push((field_id(problem.field), problem_text(problem.field, &problem.reason)));
            }
            Err(AppError::File { name, source }) => typed.errors.push(("file", sentence(&format!("{name}: {source}")))),
            Err(AppError::BadInput { field, message }) => {
                typed.errors.push((field_id(&field), problem_text(&field, &message)));
            }
            Err(other) => return Err(other.into()),
        }
    }
    // One message per field, in the form's order, so the summary and the fields agree.
    let order = ["kind", "title", "date-day", "text", "pcf", "kss", "file"];
    typed.errors.sort_by_key(|(id, _)| order.iter().position(|o| o == id));
    typed.errors.dedup_by_key(|(id, _)| *id);
    let mut response = render(&add_page(Layout::new("/portfolio", Some(&session)), &typed));
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

/// The tag a coverage verdict is shown with.
fn verdict_tag(ready: bool) -> String {
    let (text, colour) = if ready { ("Ready to submit", Some("green")) } else { ("Not ready yet", Some("yellow")) };
    Tag { text, colour }.render().unwrap_or_else(|_| text.to_owned())
}

impl CoverageView {
    fn tag(&self) -> String {
        verdict_tag(self.ready)
    }
}

// ---------------------------------------------------------------------------------------
// The anonymisation check, and clearing its flags

/// An outstanding flag as the page lists it: the checkbox's value names its number and the
/// exact text, so a clearance lands only on the detail the author read.
#[derive(Debug)]
struct FlagChoice {
    id: String,
    value: String,
    text: String,
    place: String,
    why: String,
    checked: bool,
}

#[derive(Debug, Template)]
#[template(path = "pages/anonymisation-check.html")]
struct CheckPage<'a> {
    layout: Layout,
    action: String,
    back: String,
    title: String,
    /// None before the check has run on this visit.
    result: Option<CheckResult>,
    error_summary: Option<ErrorSummary<'a>>,
    flag_error: Option<&'a str>,
    reason_error: Option<&'a str>,
    reason: &'a str,
}

#[derive(Debug)]
struct CheckResult {
    status: String,
    summary: String,
    flags: Vec<FlagChoice>,
    cleared: Vec<String>,
}

fn check_result(check: &AnonymisationCheck, picked: &BTreeSet<String>) -> CheckResult {
    CheckResult {
        status: match check.status {
            AnonymisationStatus::NotChecked => "Not checked yet".to_owned(),
            AnonymisationStatus::FlagsOutstanding { count } => {
                format!("{count} flag{} to clear or fix", if count == 1 { "" } else { "s" })
            }
            AnonymisationStatus::Cleared { on } => format!("Cleared on {}: a panel may read it", long_date(on)),
        },
        summary: sentence(&check.summary),
        flags: check
            .outstanding
            .iter()
            .enumerate()
            .map(|(n, flag)| {
                let value = format!("{}={}", n + 1, flag.text);
                FlagChoice {
                    id: if n == 0 { "flag".to_owned() } else { format!("flag-{}", n + 1) },
                    checked: picked.contains(&value),
                    value,
                    text: flag.text.clone(),
                    place: format!("line {}, column {}", flag.position.line, flag.position.column),
                    why: sentence(&flag.reason),
                }
            })
            .collect(),
        cleared: check
            .cleared
            .iter()
            .map(|cleared| format!("“{}”: {}", cleared.flag.text, sentence(&cleared.clearance.reason.to_string())))
            .collect(),
    }
}

fn check_page<'a>(
    layout: Layout,
    record: (EvidenceId, String),
    result: Option<CheckResult>,
    errors: &'a [(&'static str, String)],
    reason: &'a str,
) -> CheckPage<'a> {
    let error = |field: &str| errors.iter().find(|(id, _)| *id == field).map(|(_, message)| message.as_str());
    CheckPage {
        layout,
        action: format!("/portfolio/evidence/{}/check", record.0),
        back: format!("/portfolio/evidence/{}", record.0),
        title: record.1,
        result,
        error_summary: (!errors.is_empty()).then(|| ErrorSummary {
            title: "There is a problem",
            errors: errors.iter().map(|(id, message)| (format!("#{id}"), message.clone())).collect(),
        }),
        flag_error: error("flag"),
        reason_error: error("reason"),
        reason,
    }
}

/// `GET /portfolio/evidence/{id}/check`: what the check does, and the button that runs it.
pub(crate) async fn check_form(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id: EvidenceId = id.parse().map_err(|_| PageError::Status(StatusCode::NOT_FOUND))?;
    let me = me(&state, &session, from).await?;
    let record = state.pathway.viewer_evidence(&me.viewer, &me.authority, id).await?;
    let layout = Layout::new("/portfolio", Some(&session));
    Ok(render(&check_page(layout, (id, record.item.title().to_owned()), None, &[], "")))
}

/// `POST /portfolio/evidence/{id}/check`: run the check, clearing the flags ticked (each
/// named by number and text) for the reason given; the page shows where the item stands.
/// Running the check records its result, so the answer is this page rather than a redirect;
/// sending it again runs the check again, which changes nothing more.
pub(crate) async fn check(
    State(state): State<AppState>,
    SignedInPage(session): SignedInPage,
    ClientAddress(from): ClientAddress,
    Path(id): Path<String>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let id: EvidenceId = id.parse().map_err(|_| PageError::Status(StatusCode::NOT_FOUND))?;
    let me = me(&state, &session, from).await?;
    let picked: BTreeSet<String> = fields.iter().filter(|(name, _)| name == "flag").map(|(_, v)| v.clone()).collect();
    let reason = fields.iter().find(|(name, _)| name == "reason").map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let clearing = fields.iter().any(|(name, _)| name == "clear");
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    if clearing && picked.is_empty() {
        errors.push(("flag", "Select the details that do not identify anyone".to_owned()));
    }
    if !picked.is_empty() && reason.is_empty() {
        errors.push(("reason", "Enter why the details you selected do not identify anyone".to_owned()));
    }
    let mut picks = Vec::new();
    for value in &picked {
        match value.parse::<FlagPick>() {
            Ok(pick) => picks.push(pick),
            Err(_) => return Err(PageError::Status(StatusCode::BAD_REQUEST)),
        }
    }
    let act = AsRole { role: None, why: "the anonymisation check on the portfolio page" };
    let outcome = if errors.is_empty() {
        state.pathway.viewer_check_evidence(&me.viewer, &me.authority, id, &picks, &reason, act).await
    } else {
        // The check alone, so the flags can be listed again beside what is wrong.
        let act = AsRole { role: None, why: "the anonymisation check on the portfolio page" };
        state.pathway.viewer_check_evidence(&me.viewer, &me.authority, id, &[], "", act).await
    };
    let check = match outcome {
        Ok(check) => check,
        Err(AppError::BadInput { field, message }) if field == "flag" => {
            errors.push(("flag", sentence(&message)));
            let act = AsRole { role: None, why: "the anonymisation check on the portfolio page" };
            state.pathway.viewer_check_evidence(&me.viewer, &me.authority, id, &[], "", act).await?
        }
        Err(AppError::Invalid(problem)) => {
            errors.push(("reason", sentence(&problem.reason)));
            let act = AsRole { role: None, why: "the anonymisation check on the portfolio page" };
            state.pathway.viewer_check_evidence(&me.viewer, &me.authority, id, &[], "", act).await?
        }
        Err(other) => return Err(other.into()),
    };
    let kept = if errors.is_empty() { BTreeSet::new() } else { picked };
    let result = check_result(&check, &kept);
    let layout = Layout::new("/portfolio", Some(&session));
    let reason_kept = if errors.is_empty() { "" } else { reason.as_str() };
    let mut response = render(&check_page(layout, (id, check.title.clone()), Some(result), &errors, reason_kept));
    if !errors.is_empty() {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}
