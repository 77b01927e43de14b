//! Setting up an authority's organisation: the authority itself and its framework, its
//! services, localities and teams, its workers and the posts they hold. Front ends, imports
//! and the demo build an authority through these rather than through storage, so every
//! value is checked on the way in.
//!
//! Post-holding is dated: a post is held by a worker from a day (`--from`) and vacated on a
//! day (`--on`). Who held the head-of-service post on the day of an interview decides
//! whether they are the worker's own or independent.

use std::sync::Arc;

use chrono::NaiveDate;
use pathway_core::framework::{ADMINISTRATOR_ROLE, Framework, RoleId, WORKER_ROLE};
use pathway_core::ids::{OrgUnitId, PostId, WorkerId};
use pathway_core::workforce::{
    Authority, AuthorityId, MAX_BACKDATING_DAYS, Name, NewAuthority, NewOrgUnit, NewPost, NewWorker, OrgUnit, Post,
    UnitKind, Worker, parse_role, unit_name_key,
};
use pathway_store::{
    AuthorityScope, EntityKind, FrameworkFile, FrameworkVersions, Organisation, StoreError, SyncOutcome, Tenancy,
    Workforce,
};
use serde::Serialize;
use serde_json::json;

use crate::AppError;
use crate::frameworks::Applies;
use crate::operator::Operator;
use crate::progression::find_worker;
use crate::retry::retry_on_conflict;
use crate::service::Pathway;

// ---------------------------------------------------------------------------------------
// What front ends show

/// An authority in the list.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuthoritySummary {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The frameworks it uses (`id version`).
    pub frameworks: Vec<String>,
    /// Units, open or closed.
    pub units: usize,
    /// Posts.
    pub posts: usize,
    /// Workers on record.
    pub workers: usize,
}

/// A new post, as a front end gathers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostInput {
    /// The unit (id or name).
    pub unit: String,
    /// A role of the framework in force.
    pub role: String,
    /// Who holds it (employee number); vacant if `None`.
    pub holder: Option<String>,
    /// Held from (default today).
    pub from: Option<NaiveDate>,
    /// The post it reports to.
    pub reports_to: Option<i64>,
}

/// Who holds a post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HolderView {
    /// Their employee number.
    pub employee_number: String,
    /// Their name.
    pub name: String,
    /// Since when.
    pub since: NaiveDate,
}

/// A post as shown: its unit, role and who holds it on the day asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PostView {
    /// Its id.
    pub id: i64,
    /// The unit it is on.
    pub unit: i64,
    /// The unit's name.
    pub unit_name: String,
    /// The role id.
    pub role: String,
    /// The role as the framework prints it.
    pub role_name: String,
    /// The post it reports to.
    pub reports_to: Option<i64>,
    /// Who holds it on the day asked about; `None` when vacant.
    pub holder: Option<HolderView>,
}

/// A unit as shown, with its posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UnitView {
    /// Its id.
    pub id: i64,
    /// Service, locality or team.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// The unit it sits in.
    pub parent: Option<i64>,
    /// How deep in the tree (0 at the top).
    pub depth: usize,
    /// When it closed, if it has.
    pub closed_on: Option<NaiveDate>,
    /// Workers in it (not yet left).
    pub workers: usize,
    /// Its posts.
    pub posts: Vec<PostView>,
}

/// An authority's organisation on a day: its units as a tree (parents before children) and
/// who holds each post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OrganisationView {
    /// The authority's id.
    pub authority: String,
    /// Its name.
    pub name: String,
    /// The framework in force (`id version`), if one is stored.
    pub framework: Option<String>,
    /// How many days late an action may be entered (0: never).
    pub backdating_days: u16,
    /// The day the holders are for.
    pub on: NaiveDate,
    /// The units, depth first.
    pub units: Vec<UnitView>,
    /// Posts vacant on the day.
    pub vacancies: usize,
    /// Retention periods and the legal holds in force.
    #[schema(value_type = Object)]
    pub retention: crate::retention::RetentionView,
}

/// A newly created authority and its stored framework.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthorityCreated {
    /// The id.
    pub id: String,
    /// The framework stored for it.
    pub frameworks: Vec<SyncOutcome>,
}

// ---------------------------------------------------------------------------------------
// Helpers

/// A unit of `scope` named by its id or its name (any case, spaces collapsed; open units
/// first). None by that id or name is not found; a name several units share does not fit.
pub(crate) fn find_unit<'a>(scope: &AuthorityScope, units: &'a [OrgUnit], text: &str) -> Result<&'a OrgUnit, AppError> {
    let missing = |key: String| AppError::Store(scope.not_found("unit", key));
    if let Ok(id) = text.trim().parse::<i64>() {
        return units.iter().find(|u| u.id.get() == id).ok_or_else(|| missing(id.to_string()));
    }
    let name = Name::parse(text)?;
    let key = unit_name_key(&name);
    let named: Vec<&OrgUnit> = units.iter().filter(|u| unit_name_key(&u.name) == key).collect();
    let open: Vec<&&OrgUnit> = named.iter().filter(|u| u.closed_on.is_none()).collect();
    match (open.as_slice(), named.as_slice()) {
        ([one], _) => Ok(one),
        ([], [one]) => Ok(one),
        ([], []) => Err(missing(format!("named `{}`", text.trim()))),
        _ => {
            let ids: Vec<String> = named.iter().map(|u| format!("{} ({} {})", u.id, u.kind, u.name)).collect();
            Err(AppError::NotOnRecord {
                field: "unit".into(),
                message: format!("`{}` names more than one unit; give its id: {}", text.trim(), ids.join(", ")),
            })
        }
    }
}

/// The framework role a post may carry, by id or printed name: one of the framework's
/// people (not the worker's own part, not a panel).
pub(crate) fn post_role(framework: &Framework, text: &str) -> Result<RoleId, AppError> {
    let wanted = text.trim();
    if wanted == ADMINISTRATOR_ROLE {
        return Ok(ADMINISTRATOR_ROLE.into());
    }
    let found = framework
        .roles
        .iter()
        .find(|r| r.id.as_str() == wanted || r.name.eq_ignore_ascii_case(wanted))
        .or_else(|| parse_role(wanted).ok().and_then(|id| framework.roles.iter().find(|r| r.id == id)));
    match found {
        Some(r) if r.panel => Err(AppError::BadInput {
            field: "role".into(),
            message: format!("{} is a panel, not a post; convene it with `pathway panel convene`", r.name),
        }),
        Some(r) if r.id.as_str() == WORKER_ROLE => Err(AppError::BadInput {
            field: "role".into(),
            message: "`worker` is the applicant's own part, not a post".into(),
        }),
        Some(r) => Ok(r.id.clone()),
        None => {
            let roles: Vec<&str> = framework
                .roles
                .iter()
                .filter(|r| !r.panel && r.id.as_str() != WORKER_ROLE)
                .map(|r| r.id.as_str())
                .collect();
            Err(AppError::BadInput {
                field: "role".into(),
                message: format!(
                    "`{wanted}` is not a role of {} ({}); its roles are: {}",
                    framework.framework.title,
                    framework.id(),
                    roles.join(", ")
                ),
            })
        }
    }
}

fn post_view(
    framework: Option<&Framework>,
    units: &[OrgUnit],
    workers: &[Worker],
    p: &Post,
    on: NaiveDate,
) -> PostView {
    let holder = p.holdings.iter().find(|h| h.covers(on)).and_then(|h| {
        workers.iter().find(|w| w.id == h.worker).map(|w| HolderView {
            employee_number: w.details.employee_number.to_string(),
            name: w.details.name.to_string(),
            since: h.held_from,
        })
    });
    PostView {
        id: p.id.get(),
        unit: p.unit.get(),
        unit_name: units.iter().find(|u| u.id == p.unit).map(|u| u.name.to_string()).unwrap_or_default(),
        role: p.role.to_string(),
        role_name: framework
            .and_then(|f| f.roles.iter().find(|r| r.id == p.role))
            .map_or_else(|| p.role.to_string(), |r| r.name.clone()),
        reports_to: p.reports_to.map(PostId::get),
        holder,
    }
}

/// The units depth first, each with its depth: tops in id order, children after parents.
pub(crate) fn tree(units: &[OrgUnit]) -> Vec<(&OrgUnit, usize)> {
    fn walk<'a>(units: &'a [OrgUnit], parent: Option<OrgUnitId>, depth: usize, out: &mut Vec<(&'a OrgUnit, usize)>) {
        if depth > units.len() {
            return;
        }
        for u in units.iter().filter(|u| u.parent == parent) {
            out.push((u, depth));
            walk(units, Some(u.id), depth + 1, out);
        }
    }
    let mut out = Vec::with_capacity(units.len());
    walk(units, None, 0, &mut out);
    out
}

/// A worker can hold a post only while employed: from their start date, and not once they
/// have left. (A post has no start date of its own: a holding may be back-dated, as
/// onboarding records who has held a post for years, but never overlapping another holding,
/// which storage refuses.)
fn check_holding_dates(worker: &Worker, from: NaiveDate) -> Result<(), AppError> {
    let number = &worker.details.employee_number;
    let bad = |message: String| Err(AppError::BadInput { field: "from".into(), message });
    if from < worker.details.started_on {
        return bad(format!(
            "{from} is before {number} started ({}); a post is held only while employed",
            worker.details.started_on
        ));
    }
    if let Some(left) = worker.details.left_on
        && from >= left
    {
        return bad(format!("{number} left on {left}; a leaver cannot take a post from {from}"));
    }
    Ok(())
}

impl Pathway {
    // -----------------------------------------------------------------------------------
    // Authorities

    /// Add an authority with its id (`west-sussex`) and name.
    pub async fn create_authority(&self, id: &str, name: &str) -> Result<(), AppError> {
        let new = NewAuthority { id: AuthorityId::parse(id)?, name: Name::parse(name)? };
        self.store().create_authority(&new).await?;
        Ok(())
    }

    /// Add an authority and store its framework: `framework` is a bundled framework id or a
    /// framework file, stored as `framework sync` stores it. The framework is checked
    /// before the authority is created, so a bad file leaves nothing behind.
    pub async fn onboard_authority(&self, id: &str, name: &str, framework: &str) -> Result<AuthorityCreated, AppError> {
        // The operator is checked before anything changes, so a refusal leaves nothing half done.
        let operator = self.operator().await?;
        let new = NewAuthority { id: AuthorityId::parse(id)?, name: Name::parse(name)? };
        let file = match pathway_core::bundled::file(framework) {
            Some(b) => FrameworkFile::parse(b.file, b.text)?,
            None => {
                let path = std::path::Path::new(framework);
                if !path.is_file() {
                    return Err(AppError::UnknownFramework(
                        framework.to_owned(),
                        crate::catalog::bundled_ids().join(", "),
                    ));
                }
                let bytes = std::fs::read(path).map_err(|source| AppError::Read { path: path.to_owned(), source })?;
                // A file that is not UTF-8 is named at the line and column of its bad byte.
                let text = pathway_core::framework::utf8_text(&bytes).map_err(|diagnostic| {
                    AppError::InvalidFramework { file: path.display().to_string(), diagnostics: vec![*diagnostic] }
                })?;
                FrameworkFile::parse(&path.display().to_string(), text)?
            }
        };
        self.store().create_authority(&new).await?;
        let scope = self.store().scope(&new.id).await?;
        let frameworks = self.store().sync_frameworks(&scope, &[file]).await?;
        let what = format!("created authority {} ({}) with framework {framework}", new.id, new.name);
        let detail = json!({ "authority": new.id.to_string(), "name": new.name.to_string(), "framework": framework });
        self.record_setup(&operator, &scope, (EntityKind::Authority, 0), "authority create", what, detail).await?;
        Ok(AuthorityCreated { id: new.id.to_string(), frameworks })
    }

    /// Every authority, with its frameworks and counts.
    pub async fn authority_list(&self) -> Result<Vec<AuthoritySummary>, AppError> {
        let mut out = Vec::new();
        for a in self.store().authorities().await? {
            let scope = self.store().scope(&a.id).await?;
            let frameworks = self.store().frameworks(&scope).await?;
            out.push(AuthoritySummary {
                id: a.id.to_string(),
                name: a.name.to_string(),
                frameworks: frameworks.iter().map(|f| format!("{} {}", f.framework, f.framework_version)).collect(),
                units: self.store().units(&scope).await?.len(),
                posts: self.store().posts(&scope).await?.len(),
                workers: self.store().workers(&scope).await?.len(),
            });
        }
        Ok(out)
    }

    /// Set how many days late the authority lets an action be entered, with a reason (0:
    /// never; at most a year). Returns the authority as it now stands.
    pub async fn set_backdating_window(&self, authority: &str, days: u16) -> Result<Authority, AppError> {
        // The operator is checked before anything changes, so a refusal leaves nothing half done.
        let operator = self.operator().await?;
        if days > MAX_BACKDATING_DAYS {
            return Err(AppError::BadInput {
                field: "backdating-days".into(),
                message: format!(
                    "{days} days is more than the longest window Pathway allows, {MAX_BACKDATING_DAYS} days (a year)"
                ),
            });
        }
        let scope = self.scope(authority).await?;
        let updated = retry_on_conflict(|| async {
            let current = self.store().authority(&scope).await?;
            Ok(self.store().update_authority(&scope, current.meta.version, &current.name, days).await?)
        })
        .await?;
        let what = format!("set the backdating window to {days} days");
        let detail = json!({ "backdating_days": days });
        self.record_setup(&operator, &scope, (EntityKind::Authority, 0), "authority set", what, detail).await?;
        Ok(updated)
    }

    /// An authority's organisation on `on` (default today): units, posts, holders, vacancies.
    pub async fn organisation(&self, authority: &str, on: Option<NaiveDate>) -> Result<OrganisationView, AppError> {
        let on = on.unwrap_or_else(|| self.clock().today());
        let scope = self.scope(authority).await?;
        let a = self.store().authority(&scope).await?;
        let in_force = self.framework_if_any(&scope, on).await?;
        // Role names come from the framework in force that day, else today's.
        let names = match &in_force {
            Some(f) => Some(f.clone()),
            None => self.framework_if_any(&scope, self.clock().today()).await?,
        };
        let units = self.store().units(&scope).await?;
        let posts = self.store().posts(&scope).await?;
        let workers = self.store().workers(&scope).await?;
        let mut vacancies = 0;
        let views = tree(&units)
            .into_iter()
            .map(|(u, depth)| {
                let posts: Vec<PostView> = posts
                    .iter()
                    .filter(|p| p.unit == u.id)
                    .map(|p| post_view(names.as_deref(), &units, &workers, p, on))
                    .collect();
                vacancies += posts.iter().filter(|p| p.holder.is_none() && u.is_open_on(on)).count();
                UnitView {
                    id: u.id.get(),
                    kind: u.kind.to_string(),
                    name: u.name.to_string(),
                    parent: u.parent.map(OrgUnitId::get),
                    depth,
                    closed_on: u.closed_on,
                    workers: workers
                        .iter()
                        .filter(|w| w.details.unit == Some(u.id) && w.details.left_on.is_none())
                        .count(),
                    posts,
                }
            })
            .collect();
        Ok(OrganisationView {
            authority: a.id.to_string(),
            name: a.name.to_string(),
            framework: in_force.map(|f| format!("{} {}", f.id(), f.framework.version)),
            backdating_days: a.backdating_days,
            on,
            units: views,
            vacancies,
            retention: self.retention(authority).await?,
        })
    }

    // -----------------------------------------------------------------------------------
    // Units

    /// Add a service, locality or team, inside `parent` when given.
    pub async fn create_unit(
        &self,
        authority: &str,
        kind: UnitKind,
        name: &str,
        parent: Option<OrgUnitId>,
    ) -> Result<OrgUnitId, AppError> {
        let scope = self.scope(authority).await?;
        let unit = NewOrgUnit { kind, name: Name::parse(name)?, parent };
        Ok(self.store().create_unit(&scope, &unit).await?.id)
    }

    /// Add a unit inside the unit `parent` names (by id or name).
    /// As [`Pathway::add_unit_by`], by the command line's operator (checked first).
    pub async fn add_unit(
        &self,
        authority: &str,
        kind: UnitKind,
        name: &str,
        parent: Option<&str>,
    ) -> Result<UnitView, AppError> {
        // The operator is checked before anything changes, so a refusal leaves nothing half done.
        let operator = self.operator().await?;
        self.add_unit_by(&operator, authority, kind, name, parent).await
    }

    /// The same, recorded as done by `operator`.
    pub async fn add_unit_by(
        &self,
        operator: &Operator,
        authority: &str,
        kind: UnitKind,
        name: &str,
        parent: Option<&str>,
    ) -> Result<UnitView, AppError> {
        let scope = self.scope(authority).await?;
        let units = self.store().units(&scope).await?;
        let parent = parent.map(|p| find_unit(&scope, &units, p).map(|u| u.id)).transpose()?;
        let unit = self.store().create_unit(&scope, &NewOrgUnit { kind, name: Name::parse(name)?, parent }).await?;
        let view = bare_unit_view(&unit);
        self.record_unit(operator, &scope, "unit add", format!("added {} {}", view.kind, view.name), &view).await?;
        Ok(view)
    }

    /// Rename a unit.
    pub async fn rename_unit(&self, authority: &str, unit: &str, name: &str) -> Result<UnitView, AppError> {
        // The operator is checked before anything changes, so a refusal leaves nothing half done.
        let operator = self.operator().await?;
        let scope = self.scope(authority).await?;
        let units = self.store().units(&scope).await?;
        let u = find_unit(&scope, &units, unit)?;
        let changes = NewOrgUnit { kind: u.kind, name: Name::parse(name)?, parent: u.parent };
        let view = bare_unit_view(&self.store().update_unit(&scope, u.id, u.meta.version, &changes).await?);
        self.record_unit(
            &operator,
            &scope,
            "unit rename",
            format!("renamed {} {} to {}", view.kind, u.name, view.name),
            &view,
        )
        .await?;
        Ok(view)
    }

    /// Move a unit under another (`None`: to the top). Refused if it would sit inside
    /// itself, under a team, or under a closed unit.
    pub async fn move_unit(&self, authority: &str, unit: &str, parent: Option<&str>) -> Result<UnitView, AppError> {
        // The operator is checked before anything changes, so a refusal leaves nothing half done.
        let operator = self.operator().await?;
        let scope = self.scope(authority).await?;
        let units = self.store().units(&scope).await?;
        let u = find_unit(&scope, &units, unit)?;
        let parent = parent.map(|p| find_unit(&scope, &units, p).map(|p| p.id)).transpose()?;
        let changes = NewOrgUnit { kind: u.kind, name: u.name.clone(), parent };
        let view = bare_unit_view(&self.store().update_unit(&scope, u.id, u.meta.version, &changes).await?);
        let to = view.parent.map_or_else(|| "the top".to_owned(), |p| format!("unit {p}"));
        self.record_unit(
            &operator,
            &scope,
            "unit move",
            format!("moved {} {} under {to}", view.kind, view.name),
            &view,
        )
        .await?;
        Ok(view)
    }

    /// Close a unit on `on` (default today). Its history is kept.
    pub async fn close_unit(&self, authority: &str, unit: &str, on: Option<NaiveDate>) -> Result<UnitView, AppError> {
        // The operator is checked before anything changes, so a refusal leaves nothing half done.
        let operator = self.operator().await?;
        let scope = self.scope(authority).await?;
        let units = self.store().units(&scope).await?;
        let u = find_unit(&scope, &units, unit)?;
        let on = on.unwrap_or_else(|| self.clock().today());
        // A closed unit takes nothing new from the moment it is recorded closed, so a
        // closure is recorded on or after the day, never ahead of it.
        if on > self.clock().today() {
            return Err(AppError::BadInput {
                field: "on".into(),
                message: format!(
                    "{on} is after today; record the closure of {} on the day it closes (it takes no new posts or \
                     units once closed)",
                    u.name
                ),
            });
        }
        let view = bare_unit_view(&self.store().close_unit(&scope, u.id, u.meta.version, on).await?);
        self.record_unit(&operator, &scope, "unit close", format!("closed {} {} on {on}", view.kind, view.name), &view)
            .await?;
        Ok(view)
    }

    // -----------------------------------------------------------------------------------
    // Workers and posts

    /// Add a worker with their level/grade/point history so far.
    pub async fn add_worker(&self, authority: &str, worker: &NewWorker) -> Result<Worker, AppError> {
        let scope = self.scope(authority).await?;
        Ok(self.store().create_worker(&scope, worker).await?)
    }

    /// Create a post with `role` (a role of the framework in force) on `unit` (id or name),
    /// held by the worker with `holder`'s employee number from `from` (default today), or
    /// vacant; reporting to post `reports_to` if given.
    /// As [`Pathway::create_post_by`], by the command line's operator (checked first).
    pub async fn create_post(
        &self,
        authority: &str,
        unit: &str,
        role: &str,
        holder: Option<&str>,
        from: Option<NaiveDate>,
        reports_to: Option<i64>,
    ) -> Result<PostView, AppError> {
        // The operator is checked before anything changes, so a refusal leaves nothing half done.
        let operator = self.operator().await?;
        let post = PostInput {
            unit: unit.to_owned(),
            role: role.to_owned(),
            holder: holder.map(str::to_owned),
            from,
            reports_to,
        };
        self.create_post_by(&operator, authority, &post).await
    }

    /// The same, recorded as done by `operator`.
    pub async fn create_post_by(
        &self,
        operator: &Operator,
        authority: &str,
        post: &PostInput,
    ) -> Result<PostView, AppError> {
        let PostInput { unit, role, holder, from, reports_to } = post;
        let (unit, role, holder, from, reports_to) =
            (unit.as_str(), role.as_str(), holder.as_deref(), *from, *reports_to);
        let scope = self.scope(authority).await?;
        let from = from.unwrap_or_else(|| self.clock().today());
        // A post held since before the framework took effect carries today's roles.
        let framework = match self.framework_if_any(&scope, from).await? {
            Some(f) => f,
            None => self.framework_in_force(&scope, Applies::Authority, self.clock().today()).await?,
        };
        let units = self.store().units(&scope).await?;
        let u = find_unit(&scope, &units, unit)?;
        let role = post_role(&framework, role)?;
        let holder = match holder {
            Some(number) => {
                let worker = find_worker(self.store(), &scope, number).await?;
                check_holding_dates(&worker, from)?;
                Some((worker.id, from))
            }
            None => None,
        };
        let post = NewPost { unit: u.id, role, reports_to: reports_to.map(PostId::new), holder };
        let created = self.store().create_post(&scope, &post).await?;
        let workers = self.store().workers(&scope).await?;
        let view = post_view(Some(&framework), &units, &workers, &created, from);
        self.record_post(
            operator,
            &scope,
            "post create",
            format!("created post {} ({}) on {}", view.id, view.role, view.unit_name),
            &view,
        )
        .await?;
        Ok(view)
    }

    /// Give the worker with this employee number a post with `role` over `unit` (a team
    /// manager of a team, a head of a service), held since they started.
    pub async fn appoint_to_post(
        &self,
        authority: &str,
        unit: OrgUnitId,
        role: &str,
        employee_number: &str,
    ) -> Result<(), AppError> {
        let scope = self.scope(authority).await?;
        let holder = find_worker(self.store(), &scope, employee_number).await?;
        let post = NewPost {
            unit,
            role: parse_role(role)?,
            reports_to: None,
            holder: Some((holder.id, holder.details.started_on)),
        };
        self.store().create_post(&scope, &post).await?;
        Ok(())
    }

    /// The worker with this employee number holds post `id` from `from` (default today);
    /// whoever held it before stops that day.
    /// As [`Pathway::assign_post_by`], by the command line's operator (checked first).
    pub async fn assign_post(
        &self,
        authority: &str,
        id: i64,
        employee_number: &str,
        from: Option<NaiveDate>,
    ) -> Result<PostView, AppError> {
        // The operator is checked before anything changes, so a refusal leaves nothing half done.
        let operator = self.operator().await?;
        self.assign_post_by(&operator, authority, id, employee_number, from).await
    }

    /// The same, recorded as done by `operator`.
    pub async fn assign_post_by(
        &self,
        operator: &Operator,
        authority: &str,
        id: i64,
        employee_number: &str,
        from: Option<NaiveDate>,
    ) -> Result<PostView, AppError> {
        let scope = self.scope(authority).await?;
        let worker = find_worker(self.store(), &scope, employee_number).await?;
        let from = from.unwrap_or_else(|| self.clock().today());
        check_holding_dates(&worker, from)?;
        let view = self.change_holder(&scope, PostId::new(id), Some(worker.id), from).await?;
        let what = format!("assigned post {id} to {} ({employee_number}) from {from}", worker.details.name);
        self.record_post(operator, &scope, "post assign", what, &view).await?;
        Ok(view)
    }

    /// Post `id` is vacant from `on` (default today).
    /// As [`Pathway::vacate_post_by`], by the command line's operator (checked first).
    pub async fn vacate_post(&self, authority: &str, id: i64, on: Option<NaiveDate>) -> Result<PostView, AppError> {
        // The operator is checked before anything changes, so a refusal leaves nothing half done.
        let operator = self.operator().await?;
        self.vacate_post_by(&operator, authority, id, on).await
    }

    /// The same, recorded as done by `operator`.
    pub async fn vacate_post_by(
        &self,
        operator: &Operator,
        authority: &str,
        id: i64,
        on: Option<NaiveDate>,
    ) -> Result<PostView, AppError> {
        let scope = self.scope(authority).await?;
        let on = on.unwrap_or_else(|| self.clock().today());
        let view = self.change_holder(&scope, PostId::new(id), None, on).await?;
        self.record_post(operator, &scope, "post vacate", format!("vacated post {id} from {on}"), &view).await?;
        Ok(view)
    }

    /// A unit command in the audit trail, by the operator.
    async fn record_unit(
        &self,
        operator: &Operator,
        scope: &AuthorityScope,
        why: &str,
        what: String,
        view: &UnitView,
    ) -> Result<(), AppError> {
        let detail = json!(view);
        self.record_setup(operator, scope, (EntityKind::Unit, view.id), why, what, detail).await
    }

    /// A post command in the audit trail, by the operator.
    async fn record_post(
        &self,
        operator: &Operator,
        scope: &AuthorityScope,
        why: &str,
        what: String,
        view: &PostView,
    ) -> Result<(), AppError> {
        let detail = json!(view);
        self.record_setup(operator, scope, (EntityKind::Post, view.id), why, what, detail).await
    }

    async fn change_holder(
        &self,
        scope: &AuthorityScope,
        id: PostId,
        holder: Option<WorkerId>,
        on: NaiveDate,
    ) -> Result<PostView, AppError> {
        let posts = self.store().posts(scope).await?;
        let post = posts.iter().find(|p| p.id == id).ok_or_else(|| AppError::BadInput {
            field: "post".into(),
            message: format!("no post {id} in {}; `pathway post list` shows them", scope.id()),
        })?;
        let changed = self.store().assign_post(scope, id, post.meta.version, holder, on).await?;
        let units = self.store().units(scope).await?;
        let workers = self.store().workers(scope).await?;
        let framework = self.framework_if_any(scope, on).await?;
        Ok(post_view(framework.as_deref(), &units, &workers, &changed, on))
    }

    /// The authority's framework in force on `on`, or `None` when none is in force that day
    /// (names then fall back to ids). A storage failure is an error, never a missing name.
    async fn framework_if_any(
        &self,
        scope: &AuthorityScope,
        on: NaiveDate,
    ) -> Result<Option<Arc<Framework>>, AppError> {
        match self.framework_in_force(scope, Applies::Authority, on).await {
            Ok(f) => Ok(Some(f)),
            Err(AppError::BadInput { .. } | AppError::Store(StoreError::NotFound { what: "framework", .. })) => {
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// Every post of an authority with who holds it on `on` (default today).
    pub async fn post_list(&self, authority: &str, on: Option<NaiveDate>) -> Result<Vec<PostView>, AppError> {
        let on = on.unwrap_or_else(|| self.clock().today());
        let scope = self.scope(authority).await?;
        let framework = self.framework_if_any(&scope, on).await?;
        let units = self.store().units(&scope).await?;
        let workers = self.store().workers(&scope).await?;
        let posts = self.store().posts(&scope).await?;
        Ok(posts.iter().map(|p| post_view(framework.as_deref(), &units, &workers, p, on)).collect())
    }
}

fn bare_unit_view(u: &OrgUnit) -> UnitView {
    UnitView {
        id: u.id.get(),
        kind: u.kind.to_string(),
        name: u.name.to_string(),
        parent: u.parent.map(OrgUnitId::get),
        depth: 0,
        closed_on: u.closed_on,
        workers: 0,
        posts: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Appointing from outside

/// Someone appointed from outside the authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NewAppointee {
    /// Their new employee number.
    pub employee_number: String,
    /// Their name.
    pub name: String,
    /// permanent, agency or secondment.
    pub employment: String,
    /// Their first day.
    pub starts_on: NaiveDate,
    /// The unit they join (id or name).
    #[serde(default)]
    pub unit: Option<String>,
    /// Their social work qualification, as the certificate says.
    #[serde(default)]
    pub qualification_title: Option<String>,
    /// Where it was awarded.
    #[serde(default)]
    pub qualification_institution: Option<String>,
    /// When it was awarded.
    #[serde(default)]
    pub qualified_on: Option<NaiveDate>,
    /// The day they passed the ASYE (or its accepted equivalent), if they have.
    #[serde(default)]
    pub asye_passed_on: Option<NaiveDate>,
    /// The day that ASYE started (needed with `asye_passed_on`).
    #[serde(default)]
    pub asye_started_on: Option<NaiveDate>,
    /// The level they are appointed at (id or printed name).
    pub level: String,
    /// The pay point, where the framework has it assessed at interview.
    #[serde(default)]
    pub point: Option<String>,
}

/// An appointment made: the new worker, the rule check and the pay placement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppointmentMade {
    /// The new worker's employee number.
    pub employee_number: String,
    /// The rules as checked, reason by reason.
    pub reasons: Vec<String>,
    /// The level, grade and point they start on, and why there.
    pub pay: crate::model::PayChangePreview,
    /// The note on their first timeline entry.
    pub note: String,
}

impl Pathway {
    /// Appoint someone from outside at a level: the framework's external-applicant rules
    /// (the level open to external applicants, a passed ASYE where the rules ask for it,
    /// experience where it limits the level) must allow it, and they are placed on a point
    /// by the framework's `on_appointment` rule (or `point`, where the point is assessed at
    /// interview). The worker is created with a first timeline entry whose note records the
    /// placement and the reason given. A refusal says which rule and changes nothing.
    pub async fn appoint(
        &self,
        authority: &str,
        acting: &crate::progression::Acting,
        appointee: &NewAppointee,
    ) -> Result<AppointmentMade, AppError> {
        use pathway_core::progression::appointment::{Applicant, appoint};
        use pathway_core::workforce::{
            AsyeOutcome, AsyeParts, AsyeRecord, EmployeeNumber, EmploymentType, Note, PersonName, Qualification,
            WorkerDetails,
        };
        let scope = self.scope(authority).await?;
        let audit = crate::progression::resolve(self.store(), &scope, acting, &self.clock()).await?;
        if audit.by.is_worker_role() {
            return Err(AppError::NotPermitted(format!(
                "{} is acting as a worker; appointments are made in a role you hold (a manager's)",
                audit.by.name
            )));
        }
        let framework = self.framework_in_force(&scope, Applies::Authority, appointee.starts_on).await?;
        // Appointing is a manager's act: the role acted in (a post held that day) must be one
        // the framework gives line management; a panel seat or a practice role is not enough.
        // (A framework that names no line-management role cannot say who manages, so any
        // post it names will do.)
        let managers: Vec<&str> =
            framework.roles.iter().filter(|r| r.line_management && !r.panel).map(|r| r.id.as_str()).collect();
        let acting_as = framework.roles.iter().find(|r| r.id == audit.by.role);
        let allowed = match acting_as {
            Some(r) if r.panel => false,
            Some(r) => r.line_management || managers.is_empty(),
            None => false,
        };
        if !allowed {
            return Err(AppError::NotPermitted(format!(
                "{} is acting as {}, which {} does not give line management; appointments are made by a manager \
                 acting in one of: {}",
                audit.by.name,
                audit.by.role,
                framework.id(),
                if managers.is_empty() {
                    "a post the framework names (not a panel)".to_owned()
                } else {
                    managers.join(", ")
                }
            )));
        }
        let wanted = appointee.level.trim();
        let level = framework
            .levels
            .iter()
            .find(|l| {
                l.id.as_str() == wanted
                    || l.name.eq_ignore_ascii_case(wanted)
                    || l.aliases.iter().any(|a| a.eq_ignore_ascii_case(wanted))
            })
            .ok_or_else(|| {
                let levels: Vec<&str> = framework.levels.iter().map(|l| l.id.as_str()).collect();
                AppError::BadInput {
                    field: "level".into(),
                    message: format!(
                        "`{wanted}` is not a level of {}; its levels are: {}",
                        framework.id(),
                        levels.join(", ")
                    ),
                }
            })?;
        let asye = appointee.asye_passed_on.map(|_| AsyeOutcome::Passed);
        let applicant = Applicant { qualified_on: appointee.qualified_on, asye };
        let made = appoint(&framework, &level.id, &applicant, appointee.starts_on, appointee.point.as_deref(), &audit)?;

        let mut details = WorkerDetails::new(
            EmployeeNumber::parse(&appointee.employee_number)?,
            PersonName::parse(&appointee.name)?,
            appointee.employment.parse::<EmploymentType>()?,
            appointee.starts_on,
        );
        if let Some(unit) = &appointee.unit {
            let units = self.store().units(&scope).await?;
            details.unit = Some(find_unit(&scope, &units, unit)?.id);
        }
        details.qualification =
            match (&appointee.qualification_title, &appointee.qualification_institution, appointee.qualified_on) {
                (Some(title), Some(institution), Some(on)) => Some(Qualification {
                    title: Name::parse(title)?,
                    institution: Name::parse(institution)?,
                    awarded_on: on,
                }),
                (None, None, _) => None,
                _ => {
                    return Err(AppError::BadInput {
                        field: "qualification".into(),
                        message: "give the qualification's title, institution and date together".into(),
                    });
                }
            };
        if let Some(on) = appointee.asye_passed_on {
            details.asye = Some(AsyeRecord::new(AsyeParts {
                started_on: appointee.asye_started_on,
                outcome: Some(AsyeOutcome::Passed),
                outcome_on: Some(on),
                ..AsyeParts::default()
            })?);
        }
        let note = format!(
            "{}. {} Reason: {}",
            made.record_change.note.as_ref().map(Note::as_str).unwrap_or("Appointed"),
            made.pay.placement,
            made.why
        );
        let mut entry = made.record_change.clone();
        entry.note = Some(Note::parse(&note)?);
        self.store().create_worker(&scope, &NewWorker { details, timeline: vec![entry] }).await?;
        Ok(AppointmentMade {
            employee_number: appointee.employee_number.trim().to_owned(),
            reasons: made.check.reasons,
            pay: made.pay,
            note,
        })
    }
}
