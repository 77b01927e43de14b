//! `pathway authority`, `pathway unit` and `pathway post`: onboarding a council — the
//! authority and its framework, its services, localities and teams, and its posts with who
//! holds them from which day.

use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use pathway_app::model::UnitKind;
use pathway_app::organisation::{OrganisationView, PostView, UnitView};

use super::db::{block_on, open};
use super::parse_date;
use crate::{out, output};

#[derive(Debug, Subcommand)]
pub enum AuthorityCommand {
    /// Create an authority and store its framework (a bundled id or a framework file).
    Create {
        /// The authority's id: lowercase letters, digits and hyphens (`north-vale`).
        id: String,
        /// Its name, e.g. "North Vale Council".
        #[arg(long)]
        name: String,
        /// Its framework: a bundled id (`bexley`) or a framework file.
        #[arg(long)]
        framework: String,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every authority with its frameworks and counts.
    List {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change an authority's settings.
    Set {
        /// The authority's id.
        id: String,
        /// How many days late an action may be entered with `--at` and a reason (0: never;
        /// at most 366). New authorities allow 30.
        #[arg(long, required_unless_present_any = ["leaver_retention_days", "withdrawn_evidence_retention_days"])]
        backdating_days: Option<u16>,
        /// How many days after their leaving date a leaver's records are kept before
        /// `run-due` erases them (default 2192, six years).
        #[arg(long)]
        leaver_retention_days: Option<u32>,
        /// How many days after its withdrawal withdrawn evidence is kept before `run-due`
        /// deletes it and its files (default 365).
        #[arg(long)]
        withdrawn_evidence_retention_days: Option<u32>,
    },
    /// An authority's units as a tree, its posts and who holds them, and its vacancies.
    Show {
        /// The authority's id.
        id: String,
        /// Who holds the posts on this day (default today).
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct AuthorityArg {
    /// The authority.
    #[arg(long)]
    authority: String,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// Create a service, locality or team.
    Create {
        #[command(flatten)]
        a: AuthorityArg,
        /// service, locality or team.
        #[arg(long)]
        kind: UnitKind,
        /// Its name.
        #[arg(long)]
        name: String,
        /// The unit it sits in (id or name); none for the top.
        #[arg(long)]
        parent: Option<String>,
    },
    /// Rename a unit.
    Rename {
        #[command(flatten)]
        a: AuthorityArg,
        /// The unit (id or name).
        unit: String,
        /// Its new name.
        #[arg(long)]
        name: String,
    },
    /// Move a unit under another (or, with no --parent, to the top).
    Move {
        #[command(flatten)]
        a: AuthorityArg,
        /// The unit (id or name).
        unit: String,
        /// The unit to move it into (id or name).
        #[arg(long)]
        parent: Option<String>,
    },
    /// Close a unit from a day: it takes no new posts or workers; its history is kept.
    Close {
        #[command(flatten)]
        a: AuthorityArg,
        /// The unit (id or name).
        unit: String,
        /// The first day it is closed (default today).
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PostCommand {
    /// Create a post on a unit with a role of the authority's framework, held or vacant.
    Create {
        #[command(flatten)]
        a: AuthorityArg,
        /// The unit the post is responsible for (id or name).
        #[arg(long)]
        unit: String,
        /// The framework role (id or printed name), e.g. head-of-service.
        #[arg(long)]
        role: String,
        /// The holder's employee number; leave out for a vacant post.
        #[arg(long)]
        holder: Option<String>,
        /// The day the holder took the post (default today).
        #[arg(long, value_parser = parse_date)]
        from: Option<NaiveDate>,
        /// The post (number) this post reports to.
        #[arg(long)]
        reports_to: Option<i64>,
    },
    /// Give a post to a worker from a day; whoever held it before stops that day.
    Assign {
        #[command(flatten)]
        a: AuthorityArg,
        /// The post's number.
        post: i64,
        /// The new holder's employee number.
        #[arg(long)]
        holder: String,
        /// The first day they hold it (default today).
        #[arg(long, value_parser = parse_date)]
        from: Option<NaiveDate>,
    },
    /// Leave a post vacant from a day.
    Vacate {
        #[command(flatten)]
        a: AuthorityArg,
        /// The post's number.
        post: i64,
        /// The first day it is vacant (default today).
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
    },
    /// Every post with who holds it on a day.
    List {
        #[command(flatten)]
        a: AuthorityArg,
        /// The day (default today).
        #[arg(long, value_parser = parse_date)]
        on: Option<NaiveDate>,
    },
}

pub fn run_authority(command: AuthorityCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        let result = match command {
            AuthorityCommand::Create { id, name, framework, json } => {
                p.onboard_authority(&id, &name, &framework).await.map(|created| {
                    if json {
                        output::json(&created)
                    } else {
                        out!("Created authority {} ({name}).", created.id);
                        for f in &created.frameworks {
                            out!("  Framework {} {} stored.", f.framework, f.framework_version);
                        }
                        Ok(())
                    }
                })
            }
            AuthorityCommand::List { json } => p.authority_list().await.map(|list| {
                if json {
                    return output::json(&list);
                }
                if list.is_empty() {
                    out!("No authorities yet: `pathway authority create ID --name NAME --framework FILE|ID`.");
                }
                for a in &list {
                    out!(
                        "{}  {}  [{}]  {} unit(s), {} post(s), {} worker(s)",
                        a.id,
                        a.name,
                        a.frameworks.join(", "),
                        a.units,
                        a.posts,
                        a.workers
                    );
                }
                Ok(())
            }),
            AuthorityCommand::Set { id, backdating_days, leaver_retention_days, withdrawn_evidence_retention_days } => {
                async {
                    if let Some(days) = backdating_days {
                        let a = p.set_backdating_window(&id, days).await?;
                        match a.backdating_days {
                            0 => out!("{} ({}) allows no action to be entered late.", a.name, a.id),
                            n => out!(
                                "{} ({}) allows actions to be entered up to {n} days late, with a reason.",
                                a.name,
                                a.id
                            ),
                        }
                    }
                    if leaver_retention_days.is_some() || withdrawn_evidence_retention_days.is_some() {
                        let r = p.set_retention(&id, leaver_retention_days, withdrawn_evidence_retention_days).await?;
                        out!(
                            "{id} keeps leavers' records {} days after leaving and withdrawn evidence {} days after \
                             withdrawal; `run-due` erases what is older.",
                            r.leaver_days,
                            r.withdrawn_evidence_days
                        );
                    }
                    Ok::<_, pathway_app::AppError>(Ok(()))
                }
                .await
            }
            AuthorityCommand::Show { id, on, json } => p.organisation(&id, on).await.map(|view| {
                if json {
                    output::json(&view)
                } else {
                    print_organisation(&view);
                    Ok(())
                }
            }),
        };
        p.close().await;
        result??;
        Ok(ExitCode::SUCCESS)
    })
}

fn holder_text(p: &PostView) -> String {
    match &p.holder {
        Some(h) => format!("{} ({}) since {}", h.name, h.employee_number, h.since),
        None => "vacant".to_owned(),
    }
}

fn post_line(p: &PostView) -> String {
    let reports = p.reports_to.map(|r| format!(", reports to post {r}")).unwrap_or_default();
    format!("post {}: {} — {}{reports}", p.id, p.role_name, holder_text(p))
}

fn print_organisation(view: &OrganisationView) {
    out!("{} ({}) on {}", view.name, view.authority, view.on);
    match &view.framework {
        Some(f) => out!("Framework: {f}"),
        None => out!("Framework: none in force on {}", view.on),
    }
    out!("Actions may be entered up to {} days late, with a reason.", view.backdating_days);
    let periods = &view.retention.periods;
    out!(
        "Retention: leavers' records {} days after leaving, withdrawn evidence {} days after withdrawal.",
        periods.leaver_days,
        periods.withdrawn_evidence_days
    );
    for hold in &view.retention.holds {
        out!(
            "Legal hold {} on {} {} since {} (placed by {}): {}",
            hold.id,
            hold.employee_number,
            hold.worker_name,
            hold.placed_at.date_naive(),
            hold.placed_by,
            hold.reason
        );
    }
    if view.units.is_empty() {
        out!("No units yet: `pathway unit create` or `pathway import organisation`.");
    }
    for u in &view.units {
        let indent = "  ".repeat(u.depth + 1);
        let closed = u.closed_on.map(|d| format!(", closed {d}")).unwrap_or_default();
        out!("{indent}{} [{} {}]{closed}, {} worker(s)", u.name, u.kind, u.id, u.workers);
        for p in &u.posts {
            out!("{indent}  - {}", post_line(p));
        }
    }
    out!("Vacancies: {}", view.vacancies);
}

fn print_unit(what: &str, u: &UnitView) {
    let parent = u.parent.map(|p| format!(" in unit {p}")).unwrap_or_default();
    let closed = u.closed_on.map(|d| format!(", closed from {d}")).unwrap_or_default();
    out!("{what} {} {} (unit {}){parent}{closed}.", u.kind, u.name, u.id);
}

pub fn run_unit(command: UnitCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        let (what, json, result) = match command {
            UnitCommand::Create { a, kind, name, parent } => {
                ("Created", a.json, p.add_unit(&a.authority, kind, &name, parent.as_deref()).await)
            }
            UnitCommand::Rename { a, unit, name } => {
                ("Renamed", a.json, p.rename_unit(&a.authority, &unit, &name).await)
            }
            UnitCommand::Move { a, unit, parent } => {
                ("Moved", a.json, p.move_unit(&a.authority, &unit, parent.as_deref()).await)
            }
            UnitCommand::Close { a, unit, on } => ("Closed", a.json, p.close_unit(&a.authority, &unit, on).await),
        };
        p.close().await;
        let unit = result?;
        if json {
            output::json(&unit)?;
        } else {
            print_unit(what, &unit);
        }
        Ok(ExitCode::SUCCESS)
    })
}

pub fn run_post(command: PostCommand) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        let (json, result) = match command {
            PostCommand::Create { a, unit, role, holder, from, reports_to } => (
                a.json,
                p.create_post(&a.authority, &unit, &role, holder.as_deref(), from, reports_to).await.map(|p| vec![p]),
            ),
            PostCommand::Assign { a, post, holder, from } => {
                (a.json, p.assign_post(&a.authority, post, &holder, from).await.map(|p| vec![p]))
            }
            PostCommand::Vacate { a, post, on } => {
                (a.json, p.vacate_post(&a.authority, post, on).await.map(|p| vec![p]))
            }
            PostCommand::List { a, on } => (a.json, p.post_list(&a.authority, on).await),
        };
        p.close().await;
        let posts = result?;
        if json {
            output::json(&posts)?;
        } else {
            if posts.is_empty() {
                out!("No posts.");
            }
            for post in &posts {
                out!("{} on {}", post_line(post), post.unit_name);
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Appoint someone from outside at a level, under the framework's external-applicant rules.
#[derive(Debug, Args)]
pub struct AppointArgs {
    #[command(flatten)]
    who: super::application::Who,
    /// The new worker's employee number.
    #[arg(long)]
    employee_number: String,
    /// Their name.
    #[arg(long)]
    name: String,
    /// permanent, agency or secondment.
    #[arg(long, default_value = "permanent")]
    employment: String,
    /// Their first day.
    #[arg(long, value_parser = parse_date)]
    starts_on: NaiveDate,
    /// The level they are appointed at (id or printed name).
    #[arg(long)]
    level: String,
    /// The pay point, where the framework has it assessed at interview.
    #[arg(long)]
    point: Option<String>,
    /// The unit they join (id or name).
    #[arg(long)]
    unit: Option<String>,
    /// Their social work qualification, as the certificate says.
    #[arg(long, requires_all = ["institution", "qualified_on"])]
    qualification: Option<String>,
    /// Where it was awarded.
    #[arg(long)]
    institution: Option<String>,
    /// When it was awarded.
    #[arg(long, value_parser = parse_date)]
    qualified_on: Option<NaiveDate>,
    /// The day they passed the ASYE (or its accepted equivalent), if they have.
    #[arg(long, value_parser = parse_date, requires = "asye_started_on")]
    asye_passed_on: Option<NaiveDate>,
    /// The day that ASYE started.
    #[arg(long, value_parser = parse_date)]
    asye_started_on: Option<NaiveDate>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run_appoint(a: AppointArgs) -> anyhow::Result<ExitCode> {
    block_on(async move {
        let p = open().await?;
        let appointee = pathway_app::organisation::NewAppointee {
            employee_number: a.employee_number,
            name: a.name,
            employment: a.employment,
            starts_on: a.starts_on,
            unit: a.unit,
            qualification_title: a.qualification,
            qualification_institution: a.institution,
            qualified_on: a.qualified_on,
            asye_passed_on: a.asye_passed_on,
            asye_started_on: a.asye_started_on,
            level: a.level,
            point: a.point,
        };
        let operator = match p.operator().await {
            Ok(operator) => operator,
            Err(e) => {
                p.close().await;
                return Err(e.into());
            }
        };
        let made = p.appoint(&a.who.authority, &a.who.acting(&operator), &appointee).await;
        p.close().await;
        let made = made?;
        if a.json {
            output::json(&made)?;
        } else {
            out!("Appointed {}.", made.employee_number);
            for reason in &made.reasons {
                out!("  - {reason}");
            }
            out!("  {}", made.note);
        }
        Ok(ExitCode::SUCCESS)
    })
}
