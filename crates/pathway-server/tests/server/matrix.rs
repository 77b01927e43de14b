//! The access matrix, generated: every operation the served OpenAPI document lists is asked by
//! every kind of person — nobody signed in, a social worker, their team manager, another
//! team's manager, HR (`hr-admin`), an auditor, a system administrator, and someone of another
//! authority — about their own record, their own team's, another team's and another
//! authority's. What each should get follows from one rule per kind of operation (below), not
//! from a list of answers, and an operation the matrix cannot classify, or a path parameter it
//! cannot fill, fails the test: a new endpoint cannot be added without saying who may use it.
//!
//! Outcomes: `Allowed` is anything but 401, 403, 404 and 5xx (a write may still be refused
//! for a business reason, 409 or 422, after access was granted); `Denied` is 403; `Hidden` is
//! 404 `not_found` (another authority's records, worded as for one that does not exist, and
//! recorded); `SignIn` is 401. `Reached` is for a change whose access rule let the asker through
//! to the use case: anything but 401, 404 and 5xx — a 403 there is the use case's own rule
//! (a role not held that day, a step not theirs), which the workflow stories test one by one.
//!
//! The web pages are outside `/api` and not in the document, so not here: `pages.rs` checks
//! them (a signed-out visit to a signed-in page is sent to `/sign-in`; a signed-in page takes
//! no id and shows the signed-in person's own record, through the same viewer use cases).

use std::collections::BTreeMap;
use std::fmt;

use reqwest::multipart::{Form, Part};

use super::api::{call, token};
use super::*;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

fn evidence_item() -> String {
    json!({
        "kind": "reflective-summary",
        "date": "2025-06-02",
        "title": "Reflective summary: direct work with a family",
        "text": "I planned direct work after the strategy meeting and reflected on it in supervision.",
        "pcf": ["pcf.6"]
    })
    .to_string()
}

/// Send a form as `bearer`, as `call` sends JSON.
async fn send_form(
    server: &Server,
    method: reqwest::Method,
    path: &str,
    bearer: Option<&str>,
    form: Form,
) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new().request(method, server.url(path)).multipart(form);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Nobody,
    /// Amara Okafor, E200, a Level 2 social worker in Assessment Team A.
    Worker,
    /// Daniel Hussain, E100, Team A's manager (Amara's line manager).
    Manager,
    /// Owen Blake, E300, Team B's manager.
    OtherManager,
    /// Hana Ito, E400, HR with the `hr-admin` system role.
    Hr,
    /// Ivy Shah, E500, the `auditor` system role.
    Auditor,
    /// Sam Reid, E600, the `system-admin` system role.
    Admin,
    /// Ruth Mensah, M100, a Medway social worker.
    Medway,
}

const EVERYONE: &[Who] =
    &[Who::Nobody, Who::Worker, Who::Manager, Who::OtherManager, Who::Hr, Who::Auditor, Who::Admin, Who::Medway];

impl Who {
    fn username(self) -> Option<(&'static str, &'static str)> {
        match self {
            Who::Nobody => None,
            Who::Worker => Some(("bexley", "amara")),
            Who::Manager => Some(("bexley", "dan")),
            Who::OtherManager => Some(("bexley", "owen")),
            Who::Hr => Some(("bexley", "hana")),
            Who::Auditor => Some(("bexley", "ivy")),
            Who::Admin => Some(("bexley", "sam")),
            Who::Medway => Some(("medway", "ruth")),
        }
    }

    fn sees_whole_authority(self) -> bool {
        matches!(self, Who::Hr | Who::Auditor | Who::Admin)
    }

    /// Owen sits on the fixture's panel (Grace, who convened it, is not one of the askers).
    fn sits_on_panel(self) -> bool {
        self == Who::OtherManager
    }

    /// `hr-admin` or `system-admin`: the system roles that set an authority up.
    fn sets_up(self) -> bool {
        matches!(self, Who::Hr | Who::Admin)
    }
}

/// Whose record an operation is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Whose {
    /// Amara's (E200, Team A).
    TeamA,
    /// Ben Carter's (E250, Team B).
    TeamB,
    /// Ruth's (M100, Medway).
    Medway,
}

const TARGETS: &[Whose] = &[Whose::TeamA, Whose::TeamB, Whose::Medway];

/// How the asker stands to the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Own,
    OwnTeam,
    OtherTeam,
    OtherAuthority,
}

fn relation(who: Who, whose: Whose) -> Relation {
    match (who, whose) {
        (Who::Medway, Whose::Medway) => Relation::Own,
        (_, Whose::Medway) | (Who::Medway, _) => Relation::OtherAuthority,
        (Who::Worker, Whose::TeamA) => Relation::Own,
        (Who::Manager, Whose::TeamA) | (Who::OtherManager, Whose::TeamB) => Relation::OwnTeam,
        _ => Relation::OtherTeam,
    }
}

/// What the asker should get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allowed,
    Denied,
    Hidden,
    SignIn,
    Reached,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "403",
            Outcome::Hidden => "404",
            Outcome::SignIn => "401",
            Outcome::Reached => "reached the use case",
        })
    }
}

fn outcome_of(status: StatusCode, body: &Value) -> Result<Outcome, String> {
    match status.as_u16() {
        401 => Ok(Outcome::SignIn),
        403 => Ok(Outcome::Denied),
        404 if body["code"] == "not_found" => Ok(Outcome::Hidden),
        s if s >= 500 => Err(format!("{status} {body}")),
        404 => Err(format!("404 with code {}", body["code"])),
        _ => Ok(Outcome::Allowed),
    }
}

/// The kinds of operation, each with its rule.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Anyone, signed in or not, about no one in particular.
    Public,
    /// Signing in: anyone may try (the matrix tries a wrong password: 401 for everyone).
    SignIn,
    /// About the signed-in person only (`/me`, signing out).
    Yourself,
    /// Single sign-on for an authority that has not set it up (none has in this fixture):
    /// not found, for everyone, signed in or not, as for an authority that does not exist.
    NoSingleSignOn,
    /// A list within an authority: anyone signed in to it (the list holds what they may see);
    /// another authority's is hidden.
    AuthorityList,
    /// Reading a worker's records: their own, their line managers', and the whole-authority
    /// system roles; another team's is denied; another authority's hidden.
    ReadRecord,
    /// What only the worker does on their own record (opening and submitting their own
    /// application): anyone else in the authority is denied — their manager by the route's
    /// rule, HR and the system roles because a system role sees but never acts for someone;
    /// another authority's is hidden.
    WorkerActs,
    /// A change to a record the asker may see (an application of theirs or their team's, or
    /// any in the authority for the whole-authority roles) or about a worker they may see:
    /// it reaches the use case, which applies the framework's rules; another team's is
    /// denied; another authority's hidden.
    ChangeRecord,
    /// A change within an authority about no one worker (convening a panel): it reaches the
    /// use case for anyone in the authority; another authority's is hidden.
    AuthorityChange,
    /// A panel's business: its members and whoever convened it, and the whole-authority
    /// system roles (which see it); anyone else in the authority is denied; another
    /// authority's is hidden. (The fixture's panel: convened by Grace, head of service, with
    /// Owen sitting; a change reaches the panel's own rules, which the workflow stories test.)
    PanelSeat,
    /// Adding to or changing a portfolio (adding, editing, checking evidence): the worker and
    /// their line manager; another team's manager is denied, and so are the system roles,
    /// which see a portfolio but never write in one; another authority's is hidden.
    PortfolioChange,
    /// Authorising evidence: someone over the worker, in a role they hold there; the worker
    /// (their own item), another team's manager and the system roles are denied.
    Authorise,
    /// What the line manager records about the worker (an attestation, an appraisal they
    /// held): everyone else in the authority is denied.
    LineManagerRecords,
    /// Recording a worker's award or course: `hr-admin` and `system-admin`.
    HrRecords,
    /// A worker's own record for the regulator (CPD): the worker, or `hr-admin` and
    /// `system-admin` for them; their manager and everyone else are denied.
    OwnOrHrRecords,
    /// Reading the organisation and its posts: the whole-authority system roles.
    SystemRead,
    /// Changing the organisation (units, posts, who holds them, imports): `hr-admin` and
    /// `system-admin`.
    SettingUp,
    /// Subject access (everything held about a worker): `hr-admin` alone.
    SubjectAccess,
}

fn expected(kind: Kind, who: Who, whose: Option<Whose>) -> Outcome {
    if let Kind::NoSingleSignOn = kind {
        return Outcome::Hidden;
    }
    if who == Who::Nobody {
        return match kind {
            Kind::Public => Outcome::Allowed,
            Kind::SignIn => Outcome::SignIn,
            _ => Outcome::SignIn,
        };
    }
    if let Kind::SignIn = kind {
        return Outcome::SignIn;
    }
    let Some(whose) = whose else {
        return Outcome::Allowed;
    };
    match (kind, relation(who, whose)) {
        (Kind::Public | Kind::SignIn | Kind::Yourself | Kind::NoSingleSignOn, _) => Outcome::Allowed,
        (_, Relation::OtherAuthority) => Outcome::Hidden,
        (Kind::AuthorityList, _) => Outcome::Allowed,
        (Kind::ReadRecord, Relation::Own | Relation::OwnTeam) => Outcome::Allowed,
        (Kind::ReadRecord, Relation::OtherTeam) if who.sees_whole_authority() => Outcome::Allowed,
        (Kind::ReadRecord, Relation::OtherTeam) => Outcome::Denied,
        (Kind::WorkerActs, Relation::Own) => Outcome::Allowed,
        (Kind::WorkerActs, Relation::OwnTeam | Relation::OtherTeam) => Outcome::Denied,
        (Kind::ChangeRecord, Relation::Own | Relation::OwnTeam) => Outcome::Reached,
        (Kind::ChangeRecord, Relation::OtherTeam) if who.sees_whole_authority() => Outcome::Reached,
        (Kind::ChangeRecord, Relation::OtherTeam) => Outcome::Denied,
        (Kind::AuthorityChange, _) => Outcome::Reached,
        (Kind::PanelSeat, _) if who.sits_on_panel() || who.sees_whole_authority() => Outcome::Reached,
        (Kind::PanelSeat, _) => Outcome::Denied,
        (Kind::PortfolioChange, Relation::Own | Relation::OwnTeam) => Outcome::Allowed,
        (Kind::PortfolioChange, Relation::OtherTeam) => Outcome::Denied,
        (Kind::Authorise | Kind::LineManagerRecords, Relation::OwnTeam) => Outcome::Allowed,
        (Kind::Authorise | Kind::LineManagerRecords, Relation::Own | Relation::OtherTeam) => Outcome::Denied,
        (Kind::OwnOrHrRecords, Relation::Own) => Outcome::Allowed,
        (Kind::HrRecords | Kind::SettingUp | Kind::OwnOrHrRecords, _) if who.sets_up() => Outcome::Allowed,
        (Kind::SystemRead, _) if who.sees_whole_authority() => Outcome::Allowed,
        (Kind::SubjectAccess, _) if who == Who::Hr => Outcome::Allowed,
        (Kind::HrRecords | Kind::OwnOrHrRecords | Kind::SettingUp | Kind::SystemRead | Kind::SubjectAccess, _) => {
            Outcome::Denied
        }
    }
}

/// Every operation, by `METHOD path`, with its kind. An operation served but missing here
/// fails the test.
fn kinds() -> BTreeMap<&'static str, Kind> {
    BTreeMap::from([
        ("GET /healthz", Kind::Public),
        ("GET /api/openapi.json", Kind::Public),
        ("GET /api/v1/frameworks", Kind::Public),
        ("GET /api/v1/frameworks/{id}", Kind::Public),
        ("GET /api/v1/pay", Kind::Public),
        ("POST /api/v1/session", Kind::SignIn),
        ("DELETE /api/v1/session", Kind::Yourself),
        ("GET /api/v1/me", Kind::Yourself),
        ("GET /auth/oidc/{authority}/start", Kind::NoSingleSignOn),
        ("GET /auth/oidc/{authority}/callback", Kind::NoSingleSignOn),
        ("GET /api/v1/authorities/{authority}/workers", Kind::AuthorityList),
        ("GET /api/v1/authorities/{authority}/workers/{number}", Kind::ReadRecord),
        ("GET /api/v1/authorities/{authority}/workers/{number}/eligibility", Kind::ReadRecord),
        ("GET /api/v1/authorities/{authority}/applications/{id}", Kind::ReadRecord),
        ("POST /api/v1/authorities/{authority}/applications", Kind::WorkerActs),
        ("POST /api/v1/authorities/{authority}/applications/{id}/submit", Kind::WorkerActs),
        ("GET /api/v1/authorities/{authority}/applications", Kind::AuthorityList),
        ("GET /api/v1/authorities/{authority}/applications/{id}/history", Kind::ReadRecord),
        ("GET /api/v1/authorities/{authority}/applications/{id}/pay-preview", Kind::ReadRecord),
        ("POST /api/v1/authorities/{authority}/applications/{id}/begin-assessment", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/applications/{id}/steps/{step}/assign", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/applications/{id}/steps/{step}/start", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/applications/{id}/steps/{step}/complete", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/applications/{id}/refer", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/applications/{id}/decide", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/applications/{id}/sign-off", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/applications/{id}/make-effective", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/applications/{id}/withdraw", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/applications/{id}/appeal", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/applications/{id}/decide-appeal", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/applications/{id}/reopen", Kind::ChangeRecord),
        ("GET /api/v1/authorities/{authority}/exceptions", Kind::AuthorityList),
        ("POST /api/v1/authorities/{authority}/exceptions", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/panels", Kind::AuthorityChange),
        ("GET /api/v1/authorities/{authority}/panels/{id}", Kind::PanelSeat),
        ("POST /api/v1/authorities/{authority}/panels/{id}/applications", Kind::PanelSeat),
        ("POST /api/v1/authorities/{authority}/panels/{id}/attendance", Kind::PanelSeat),
        ("POST /api/v1/authorities/{authority}/panels/{id}/conflicts", Kind::PanelSeat),
        ("POST /api/v1/authorities/{authority}/panels/{id}/outcomes", Kind::PanelSeat),
        ("GET /api/v1/authorities/{authority}/panels/{id}/pack", Kind::PanelSeat),
        ("POST /api/v1/authorities/{authority}/asye", Kind::ChangeRecord),
        ("GET /api/v1/authorities/{authority}/asye/{id}", Kind::ReadRecord),
        ("POST /api/v1/authorities/{authority}/asye/{id}/reviews", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/asye/{id}/caseload", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/asye/{id}/development-time", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/asye/{id}/extend", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/asye/{id}/recommend", Kind::ChangeRecord),
        ("POST /api/v1/authorities/{authority}/asye/{id}/moderate", Kind::ChangeRecord),
        ("GET /api/v1/authorities/{authority}", Kind::AuthorityList),
        ("GET /api/v1/authorities/{authority}/reports/eligibility", Kind::AuthorityList),
        ("GET /api/v1/authorities/{authority}/workers/{number}/evidence", Kind::ReadRecord),
        ("GET /api/v1/authorities/{authority}/workers/{number}/coverage", Kind::ReadRecord),
        ("GET /api/v1/authorities/{authority}/workers/{number}/attestations", Kind::ReadRecord),
        ("GET /api/v1/authorities/{authority}/workers/{number}/awards", Kind::ReadRecord),
        ("GET /api/v1/authorities/{authority}/workers/{number}/appraisals", Kind::ReadRecord),
        ("GET /api/v1/authorities/{authority}/evidence/{id}", Kind::ReadRecord),
        ("GET /api/v1/authorities/{authority}/evidence/{id}/files/{sha256}", Kind::ReadRecord),
        ("POST /api/v1/authorities/{authority}/workers/{number}/evidence", Kind::PortfolioChange),
        ("PATCH /api/v1/authorities/{authority}/evidence/{id}", Kind::PortfolioChange),
        ("POST /api/v1/authorities/{authority}/evidence/{id}/check", Kind::PortfolioChange),
        ("POST /api/v1/authorities/{authority}/evidence/{id}/clear", Kind::PortfolioChange),
        ("POST /api/v1/authorities/{authority}/evidence/{id}/authorise", Kind::Authorise),
        ("POST /api/v1/authorities/{authority}/workers/{number}/attestations", Kind::LineManagerRecords),
        ("POST /api/v1/authorities/{authority}/workers/{number}/appraisals", Kind::LineManagerRecords),
        ("POST /api/v1/authorities/{authority}/workers/{number}/awards", Kind::HrRecords),
        ("GET /api/v1/authorities/{authority}/workers/{number}/registrations", Kind::ReadRecord),
        ("POST /api/v1/authorities/{authority}/workers/{number}/registrations", Kind::HrRecords),
        ("GET /api/v1/authorities/{authority}/reports/registrations-lapsing", Kind::AuthorityList),
        ("GET /api/v1/authorities/{authority}/workers/{number}/cpd", Kind::ReadRecord),
        ("POST /api/v1/authorities/{authority}/workers/{number}/cpd", Kind::OwnOrHrRecords),
        ("GET /api/v1/authorities/{authority}/workers/{number}/cpd/summary", Kind::ReadRecord),
        ("GET /api/v1/authorities/{authority}/reports/appraisals-due", Kind::AuthorityList),
        ("GET /api/v1/authorities/{authority}/organisation", Kind::SystemRead),
        ("GET /api/v1/authorities/{authority}/posts", Kind::SystemRead),
        ("POST /api/v1/authorities/{authority}/posts", Kind::SettingUp),
        ("POST /api/v1/authorities/{authority}/posts/{post}/assign", Kind::SettingUp),
        ("POST /api/v1/authorities/{authority}/posts/{post}/vacate", Kind::SettingUp),
        ("POST /api/v1/authorities/{authority}/units", Kind::SettingUp),
        ("POST /api/v1/authorities/{authority}/imports/workers", Kind::SettingUp),
        ("POST /api/v1/authorities/{authority}/imports/organisation", Kind::SettingUp),
        ("GET /api/v1/authorities/{authority}/workers/{number}/subject-export", Kind::SubjectAccess),
    ])
}

/// The records the matrix asks about.
struct Fixture {
    /// Employee numbers by target.
    numbers: BTreeMap<Whose, &'static str>,
    /// An application of each target. Medway's, asked by Bexley's people, is one of Bexley's
    /// ids under Medway's address; Ruth has none (Medway's routes need facts this fixture
    /// does not record), so her own-application cases are not asked.
    applications: BTreeMap<Whose, String>,
    /// An evidence item of each target, with one file (its SHA-256); as for applications,
    /// Medway's is one of Bexley's under Medway's address, and Ruth has none.
    evidence: BTreeMap<Whose, (String, String)>,
    /// An ASYE programme of each target, started by their team manager; as for
    /// applications, Medway's is one of Bexley's under Medway's address, and Ruth has none.
    asye: BTreeMap<Whose, String>,
    /// A panel of Bexley's (asked about under Medway's address too, as above).
    panel: String,
    /// A post of Bexley's, vacant at the start (Medway's address, as above).
    post: String,
}

impl Fixture {
    fn authority(whose: Whose) -> &'static str {
        if whose == Whose::Medway { "medway" } else { "bexley" }
    }

    /// The path with its parameters filled for `whose`; panics naming a parameter it cannot fill.
    fn path(&self, template: &str, whose: Option<Whose>) -> String {
        let mut path = template.to_owned();
        let fill = |name: &str| -> String {
            let whose = whose.unwrap_or(Whose::TeamA);
            match name {
                "authority" => Self::authority(whose).to_owned(),
                "number" => self.numbers[&whose].to_owned(),
                "id" if template.contains("/applications/") => self.applications[&whose].clone(),
                "id" if template.contains("/evidence/") => self.evidence[&whose].0.clone(),
                "sha256" => self.evidence[&whose].1.clone(),
                "post" => self.post.clone(),
                "id" if template.starts_with("/api/v1/frameworks/") => "bexley".to_owned(),
                "id" if template.contains("/asye/") => self.asye[&whose].clone(),
                "id" if template.contains("/panels/") => self.panel.clone(),
                "step" => "panel".to_owned(),
                other => panic!("the access matrix does not know how to fill {{{other}}} in {template}: teach it"),
            }
        };
        while let Some(start) = path.find('{') {
            let end = path[start..].find('}').map(|e| start + e).unwrap();
            let value = fill(&path[start + 1..end]);
            path.replace_range(start..=end, &value);
        }
        path
    }

    /// A body the operation accepts, asked about `whose`, in the role `who` would act in.
    fn body(&self, key: &str, who: Who, whose: Option<Whose>) -> Option<Value> {
        let whose = whose.unwrap_or(Whose::TeamA);
        let role = if matches!(who, Who::Manager | Who::OtherManager) { "team-manager" } else { "worker" };
        match key {
            "POST /api/v1/session" => Some(json!({ "username": "nobody", "password": "not a password at all" })),
            "POST /api/v1/authorities/{authority}/applications" => Some(json!({
                "worker": self.numbers[&whose], "route": "level-2-to-level-3", "role": role,
                "why": "the access matrix asks"
            })),
            "PATCH /api/v1/authorities/{authority}/evidence/{id}" => Some(json!({
                "title": "Reflective summary: direct work with a family (revised)", "role": role,
                "why": "the access matrix asks"
            })),
            "POST /api/v1/authorities/{authority}/evidence/{id}/clear" => Some(json!({
                "flags": [{ "number": 1 }], "reason": "the access matrix asks", "role": role
            })),
            "POST /api/v1/authorities/{authority}/workers/{number}/attestations" => Some(json!({
                "kind": "endorsement", "what": "ready for Level 3", "on": "2025-06-02"
            })),
            "POST /api/v1/authorities/{authority}/workers/{number}/appraisals" => {
                Some(json!({ "held_on": "2025-06-02", "outcome": "meeting-expectations" }))
            }
            "POST /api/v1/authorities/{authority}/workers/{number}/awards" => Some(json!({
                "kind": "postgraduate-certificate", "title": "PG Cert in Practice Education",
                "completed_on": "2025-05-30"
            })),
            "POST /api/v1/authorities/{authority}/workers/{number}/registrations" => Some(json!({
                "number": "SW123456", "status": "registered", "renewal_due": "2025-11-30",
                "effective_on": "2025-06-02"
            })),
            "POST /api/v1/authorities/{authority}/workers/{number}/cpd" => Some(json!({
                "on": "2025-06-02", "title": "Working with neglect: a practice workshop",
                "reflection": "I now begin with the family's daily routine.", "peer_name": "Dee Lane"
            })),
            "POST /api/v1/authorities/{authority}/units" => {
                Some(json!({ "kind": "team", "name": "Assessment Team C" }))
            }
            "POST /api/v1/authorities/{authority}/posts" => {
                Some(json!({ "unit": "Assessment Team A", "role": "team-manager" }))
            }
            "POST /api/v1/authorities/{authority}/posts/{post}/assign" => Some(json!({ "worker": "E250" })),
            "POST /api/v1/authorities/{authority}/posts/{post}/vacate" => Some(json!({})),
            k if k.starts_with("POST ") || k.starts_with("PUT ") || k.starts_with("PATCH ") => {
                let mut body = json!({ "role": role, "why": "the access matrix asks" });
                for (field, value) in Self::fields(k, self.numbers[&whose]) {
                    body[field] = value;
                }
                Some(body)
            }
            _ => None,
        }
    }

    /// What a change asks for besides `role` and `why`, about the worker `number`.
    fn fields(key: &str, number: &str) -> Vec<(&'static str, Value)> {
        let approve = json!({ "outcome": "approved" });
        let on = "2025-06-12";
        let what = key.rsplit('/').next().unwrap_or_default();
        match (key.contains("/panels"), key.contains("/asye"), what) {
            (false, false, "assign") => vec![("assessor", json!(number)), ("assessor_role", json!("team-manager"))],
            (false, false, "complete") => vec![(
                "completion",
                json!({ "outcome": "met", "record": { "type": "report", "summary": "the access matrix asks" } }),
            )],
            (false, false, "decide" | "decide-appeal") => vec![("decision", approve)],
            (false, false, "sign-off") => vec![("effective_from", json!(on))],
            (false, false, "appeal") => vec![("grounds", json!("the access matrix asks"))],
            (false, false, "exceptions") => vec![("worker", json!(number)), ("route", json!("level-2-to-level-3"))],
            (true, _, "panels") => {
                vec![("panel", json!({ "role": "career-progression-panel", "held_on": on, "members": [] }))]
            }
            (true, _, "applications") => vec![("application", json!(1))],
            (true, _, "attendance") => vec![("present", json!([number]))],
            (true, _, "conflicts") => {
                vec![("application", json!(1)), ("member", json!(number)), ("reason", json!("the matrix asks"))]
            }
            (true, _, "outcomes") => vec![("application", json!(1)), ("decision", approve)],
            (_, true, "asye") => vec![("worker", json!(number)), ("starts_on", json!(on))],
            (_, true, "reviews") => vec![
                ("months", json!(3)),
                ("progress", json!("on-track")),
                ("summary", json!("the access matrix asks")),
                ("held_on", json!(on)),
            ],
            (_, true, "caseload") => vec![("caseload", json!({ "recorded_on": on, "cases": 5, "protected": true }))],
            (_, true, "development-time") => {
                vec![("development_time", json!({ "on": on, "minutes": 60, "activity": "reading" }))]
            }
            (_, true, "extend") => vec![("months", json!(1))],
            (_, true, "recommend") => vec![("result", json!("pass")), ("rationale", json!("the access matrix asks"))],
            (_, true, "moderate") => vec![("result", json!("pass"))],
            _ => Vec::new(),
        }
    }

    /// A `multipart/form-data` body, for the operations that take one: the form is read before
    /// access is decided (a JSON body would be a 400 for everyone), so each is asked with a
    /// small form it takes — a sheet only checked (`dry_run`), never written.
    fn form(key: &str, who: Who) -> Option<Form> {
        let role = if matches!(who, Who::Manager | Who::OtherManager) { "team-manager" } else { "worker" };
        match key {
            "POST /api/v1/authorities/{authority}/workers/{number}/evidence" => Some(
                Form::new()
                    .text("evidence", evidence_item())
                    .text("role", role)
                    .text("why", "the access matrix asks")
                    .part("file", Part::bytes(PDF.to_vec()).file_name("reflection.pdf")),
            ),
            "POST /api/v1/authorities/{authority}/imports/workers" => Some(
                Form::new()
                    .part("file", Part::bytes(b"employee_number,name,employment_type,start_date\nE900,Grace Mensah,permanent,2024-09-02\n".to_vec()).file_name("new-starters.csv"))
                    .text("dry_run", "true"),
            ),
            "POST /api/v1/authorities/{authority}/imports/organisation" => Some(
                Form::new()
                    .part("file", Part::bytes(b"unit,unit_kind,parent_unit,role,post_ref,holder,held_from,reports_to\nAssessment Team D,team,,,,,,\n".to_vec()).file_name("organisation.csv"))
                    .text("dry_run", "true"),
            ),
            _ => None,
        }
    }

    /// Whether the operation is about a worker (so it is asked about each target).
    fn about_someone(template: &str) -> bool {
        template.contains("{authority}")
    }
}

fn query(key: &str) -> &'static str {
    match key {
        "GET /api/v1/pay" => "?framework=bexley&grade=level-2&point=top",
        "GET /api/v1/authorities/{authority}/applications/{id}/pay-preview" => "?effective=2025-06-12",
        "GET /api/v1/authorities/{authority}/workers/{number}/coverage" => "?route=level-2-to-level-3",
        _ => "",
    }
}

/// The operations the served document lists, as `METHOD path`.
async fn served_operations(server: &Server) -> Vec<(String, String, String)> {
    let (status, _, document) = call(server, reqwest::Method::GET, "/api/openapi.json", None, &[], None).await;
    assert_eq!(status, StatusCode::OK);
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                let method = method.to_uppercase();
                operations.push((format!("{method} {path}"), method, path.clone()));
            }
        }
    }
    operations.sort();
    operations
}

#[tokio::test]
async fn every_role_every_operation_own_record_own_team_another_team_another_authority() {
    let dir = Scratch::new();
    let server = super::api::two_teams_server(&dir).await;
    let p = &server.pathway;
    for (number, name, username, role) in
        [("E500", "Ivy Shah", "ivy", "auditor"), ("E600", "Sam Reid", "sam", "system-admin")]
    {
        let details = WorkerDetails::new(
            EmployeeNumber::parse(number).unwrap(),
            PersonName::parse(name).unwrap(),
            EmploymentType::Permanent,
            date(2019, 4, 1),
        );
        p.add_worker("bexley", &NewWorker { details, timeline: vec![] }).await.expect("worker");
        p.create_account("bexley", number, username, &[role.to_owned()]).await.expect("account");
    }
    let mut tokens = BTreeMap::new();
    for who in EVERYONE {
        if let Some((authority, username)) = who.username() {
            tokens.insert(*who, token(p, authority, username, &["write"]).await);
        }
    }
    // An application of Amara's and one of Ben's, each opened by them, as drafts.
    let mut applications = BTreeMap::new();
    for (whose, number, username) in [(Whose::TeamA, "E200", "amara"), (Whose::TeamB, "E250", "ben")] {
        let own = token(p, "bexley", username, &["write"]).await;
        let open = json!({ "worker": number, "route": "level-2-to-level-3", "why": "ready" });
        let (status, _, opened) = call(
            &server,
            reqwest::Method::POST,
            "/api/v1/authorities/bexley/applications",
            Some(&own),
            &[],
            Some(open),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{username} opens an application: {opened}");
        applications.insert(whose, opened["id"].to_string());
    }
    applications.insert(Whose::Medway, applications[&Whose::TeamA].clone());
    // An evidence item of Amara's and one of Ben's, each with its file, added by them.
    let mut evidence = BTreeMap::new();
    for (whose, number, username) in [(Whose::TeamA, "E200", "amara"), (Whose::TeamB, "E250", "ben")] {
        let own = token(p, "bexley", username, &["write"]).await;
        let form =
            Fixture::form("POST /api/v1/authorities/{authority}/workers/{number}/evidence", Who::Worker).unwrap();
        let path = format!("/api/v1/authorities/bexley/workers/{number}/evidence");
        let (status, added) = send_form(&server, reqwest::Method::POST, &path, Some(&own), form).await;
        assert_eq!(status, StatusCode::CREATED, "{username} adds evidence: {added}");
        let sha256 = added["item"]["files"][0]["sha256"].as_str().unwrap().to_owned();
        evidence.insert(whose, (added["id"].to_string(), sha256));
    }
    evidence.insert(Whose::Medway, evidence[&Whose::TeamA].clone());
    // An ASYE programme of Amara's, started by Daniel, and one of Ben's, started by Owen.
    let mut asye = BTreeMap::new();
    for (whose, number, manager) in [(Whose::TeamA, "E200", Who::Manager), (Whose::TeamB, "E250", Who::OtherManager)] {
        let start = json!({
            "worker": number, "starts_on": "2025-06-02", "role": "team-manager", "why": "newly qualified"
        });
        let path = "/api/v1/authorities/bexley/asye";
        let (status, _, started) =
            call(&server, reqwest::Method::POST, path, Some(&tokens[&manager]), &[], Some(start)).await;
        assert_eq!(status, StatusCode::CREATED, "{manager:?} starts an ASYE programme: {started}");
        asye.insert(whose, started["id"].to_string());
    }
    asye.insert(Whose::Medway, asye[&Whose::TeamA].clone());
    // A career progression panel, convened by Grace Lee (head of service), with Owen on it.
    let details = WorkerDetails::new(
        EmployeeNumber::parse("E700").unwrap(),
        PersonName::parse("Grace Lee").unwrap(),
        EmploymentType::Permanent,
        date(2019, 4, 1),
    );
    p.add_worker("bexley", &NewWorker { details, timeline: vec![] }).await.expect("worker");
    p.create_account("bexley", "E700", "grace", &[]).await.expect("account");
    p.create_unit("bexley", UnitKind::Service, "Children's Social Care", None).await.expect("service");
    p.create_post("bexley", "Children's Social Care", "head-of-service", Some("E700"), Some(date(2023, 4, 18)), None)
        .await
        .expect("head of service");
    let grace = token(p, "bexley", "grace", &["write"]).await;
    let convene = json!({
        "panel": { "role": "career-progression-panel", "held_on": "2025-06-30",
            "members": [{ "employee_number": "E300", "role": "team-manager", "chair": true }] },
        "role": "head-of-service", "why": "the quarter's panel"
    });
    let (status, _, panel) =
        call(&server, reqwest::Method::POST, "/api/v1/authorities/bexley/panels", Some(&grace), &[], Some(convene))
            .await;
    assert_eq!(status, StatusCode::CREATED, "Grace convenes a panel: {panel}");
    let vacant = p
        .create_post("bexley", "Assessment Team A", "team-manager", None, Some(date(2024, 4, 1)), None)
        .await
        .expect("a vacant post");
    let fixture = Fixture {
        numbers: BTreeMap::from([(Whose::TeamA, "E200"), (Whose::TeamB, "E250"), (Whose::Medway, "M100")]),
        applications,
        evidence,
        asye,
        panel: panel["id"].to_string(),
        post: vacant.id.to_string(),
    };

    let kinds = kinds();
    let operations = served_operations(&server).await;
    let unclassified: Vec<_> = operations.iter().filter(|(key, _, _)| !kinds.contains_key(key.as_str())).collect();
    assert!(unclassified.is_empty(), "operations the access matrix does not classify: {unclassified:?}");

    let mut wrong = Vec::new();
    let mut cases = 0;
    for (key, method, template) in &operations {
        let kind = kinds[key.as_str()];
        let targets: Vec<Option<Whose>> =
            if Fixture::about_someone(template) { TARGETS.iter().copied().map(Some).collect() } else { vec![None] };
        // Denials first, so an allowed change does not alter what a later case asks about.
        let mut plan: Vec<(Who, Option<Whose>, Outcome)> = Vec::new();
        for who in EVERYONE {
            for whose in &targets {
                plan.push((*who, *whose, expected(kind, *who, *whose)));
            }
        }
        plan.sort_by_key(|(_, _, outcome)| *outcome == Outcome::Allowed);
        for (who, whose, want) in plan {
            if key == "DELETE /api/v1/session" && who != Who::Nobody {
                continue; // a bearer token has no session to end; signing out is tested with sessions
            }
            if who == Who::Medway
                && whose == Some(Whose::Medway)
                && ["/applications/{id}", "/evidence/{id}", "/asye/{id}", "/panels/{id}"]
                    .iter()
                    .any(|held| template.contains(held))
            {
                continue; // Ruth has no application, evidence item, ASYE programme or panel (see Fixture)
            }
            let path = format!("{}{}", fixture.path(template, whose), query(key));
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let bearer = tokens.get(&who).map(String::as_str);
            let (status, body) = match Fixture::form(key, who) {
                Some(form) => send_form(&server, method, &path, bearer, form).await,
                None => {
                    let (status, _, body) =
                        call(&server, method, &path, bearer, &[], fixture.body(key, who, whose)).await;
                    (status, body)
                }
            };
            cases += 1;
            match outcome_of(status, &body) {
                Ok(got) if got == want => {}
                Ok(Outcome::Allowed | Outcome::Denied) if want == Outcome::Reached => {}
                Ok(got) => {
                    wrong.push(format!("{key} by {who:?} about {whose:?}: {got} ({status}), expected {want}: {body}"))
                }
                Err(e) => wrong.push(format!("{key} by {who:?} about {whose:?}: server error {e}")),
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {cases} cases wrong:\n{}", wrong.len(), wrong.join("\n"));
    assert!(cases >= 100, "the matrix asked {cases} questions");

    // Every question about another authority was recorded as a probe.
    let db = sqlx::SqlitePool::connect(&format!("sqlite:{}", dir.0.join("pathway.db").display())).await.unwrap();
    let probes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_events WHERE outcome = 'other-authority-refused'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(probes >= 10, "probes of another authority are recorded: {probes}");
    // ...and each is an entry in the asker's own authority's audit trail.
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE why = 'access: other-authority-refused'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(audited, probes, "every probe of another authority is in the asker's audit trail");
    db.close().await;
    server.stop().await;
}
