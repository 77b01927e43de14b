//! `pathway`: the one binary. Parsing arguments and printing happen here; the work is done
//! by `pathway-app` use cases.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
mod output;

/// Social worker career progression frameworks: levels, pay, routes and eligibility.
#[derive(Debug, Parser)]
#[command(name = "pathway", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check, list, show and compare frameworks.
    #[command(subcommand)]
    Framework(commands::framework::FrameworkCommand),
    /// Pay for a grade and point on a date; increments, placement and projections.
    Pay(commands::pay::PayArgs),
    /// Project pay over the coming years through increments and planned promotions.
    Project(commands::pay::ProjectArgs),
    /// Who can progress, by which route, when — with the reason for every "not yet".
    Eligibility(commands::eligibility::EligibilityArgs),
    /// Load demo authorities with a synthetic workforce into the database.
    Demo(commands::db::DemoArgs),
    /// Create, migrate, back up and restore the database.
    #[command(subcommand)]
    Db(commands::db::DbCommand),
    /// Show or write Pathway's configuration.
    #[command(subcommand)]
    Config(commands::db::ConfigCommand),
    /// Create authorities with their framework; list them; show a unit tree with its posts.
    #[command(subcommand)]
    Authority(commands::organisation::AuthorityCommand),
    /// Create, rename, move and close services, localities and teams.
    #[command(subcommand)]
    Unit(commands::organisation::UnitCommand),
    /// Create posts and give them to workers (or leave them vacant) from a day.
    #[command(subcommand)]
    Post(commands::organisation::PostCommand),
    /// Appoint someone from outside at a level, under the framework's external-applicant
    /// rules, placed on a pay point with the reason recorded.
    Appoint(commands::organisation::AppointArgs),
    /// Import workers or an organisation from CSV or XLSX, or write an import template.
    #[command(subcommand)]
    Import(commands::import::ImportCommand),
    /// Export workers or the organisation as CSV or XLSX in the import's columns.
    #[command(subcommand)]
    Export(commands::import::ExportCommand),
    /// Evidence portfolios: add, authorise, check for identifying details, coverage of a route.
    #[command(subcommand)]
    Portfolio(commands::portfolio::PortfolioCommand),
    /// Progression applications: open, submit, assess, decide, sign off, make effective.
    #[command(subcommand)]
    Application(commands::application::ApplicationCommand),
    /// Panels: convene, list applications, attendance, conflicts, outcomes.
    #[command(subcommand)]
    Panel(commands::panel::PanelCommand),
    /// The ASYE year: start in an intake, reviews, caseload, development time, extension,
    /// recommendation, moderation (a pass opens the automatic route).
    #[command(subcommand)]
    Asye(commands::asye::AsyeCommand),
    /// Record what criteria read about a worker: an endorsement, an intent raised in
    /// supervision, an assessment against a standard set, an accreditation, an award with its
    /// level and credits; list the endorsements, intents, assessments and accreditations.
    #[command(subcommand)]
    Record(commands::record::RecordCommand),
    /// Registration with Social Work England: record what the register says (HR), list the
    /// history, and who is lapsing.
    #[command(subcommand)]
    Registration(commands::career::RegistrationCommand),
    /// CPD for Social Work England: add a record with its reflection, list, and a
    /// registration year's summary against SWE's minimum.
    #[command(subcommand)]
    Cpd(commands::career::CpdCommand),
    /// Appraisals (PDR): the full history, and whose next one is due.
    #[command(subcommand)]
    Appraisal(commands::career::AppraisalCommand),
    /// Apply what is due on a date: the automatic moves (an ASYE pass's transfer), then the
    /// retention periods (leavers' records and withdrawn evidence past them are erased,
    /// unless held). No other command needed, and a second run changes nothing.
    RunDue(commands::due::RunDueArgs),
    /// Legal holds: place, lift, list. A hold stops retention erasing a worker's records.
    #[command(subcommand)]
    LegalHold(commands::legal_hold::LegalHoldCommand),
    /// The audit trail: verify each authority's hash chain, or show entries by person,
    /// record and date.
    #[command(subcommand)]
    Audit(commands::audit::AuditCommand),
    /// Run the HTTP server: sign-in, sessions and the JSON API, until SIGINT or SIGTERM.
    Serve(commands::serve::ServeArgs),
    /// Accounts for signing in to the server: create, list, disable, enable, set a
    /// password, unlock, enrol TOTP.
    #[command(subcommand)]
    Account(commands::account::AccountCommand),
    /// API tokens for integrations: create (shown once), list, revoke.
    #[command(subcommand)]
    Token(commands::token::TokenCommand),
    /// Print the JSON API's OpenAPI 3.1 document (the one `serve` answers at
    /// /api/openapi.json and the repository keeps as openapi.json).
    Openapi,
    /// Sign-in with OpenID Connect (Entra ID or another provider): set an authority's
    /// provider, list the people waiting to be linked to accounts, approve them.
    #[command(subcommand)]
    Oidc(commands::oidc::OidcCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Framework(c) => commands::framework::run(c),
        Command::Pay(a) => commands::pay::run(a),
        Command::Project(a) => commands::pay::run_project(a),
        Command::Eligibility(a) => commands::eligibility::run(a),
        Command::Demo(a) => commands::db::run_demo(a),
        Command::Db(c) => commands::db::run_db(c),
        Command::Config(c) => commands::db::run_config(c),
        Command::Authority(c) => commands::organisation::run_authority(c),
        Command::Unit(c) => commands::organisation::run_unit(c),
        Command::Post(c) => commands::organisation::run_post(c),
        Command::Appoint(a) => commands::organisation::run_appoint(a),
        Command::Import(c) => commands::import::run_import(c),
        Command::Export(c) => commands::import::run_export(c),
        Command::Portfolio(c) => commands::portfolio::run(c),
        Command::Application(c) => commands::application::run(c),
        Command::Panel(c) => commands::panel::run(c),
        Command::Asye(c) => commands::asye::run(c),
        Command::Record(c) => commands::record::run(c),
        Command::Registration(c) => commands::career::run_registration(c),
        Command::Cpd(c) => commands::career::run_cpd(c),
        Command::Appraisal(c) => commands::career::run_appraisal(c),
        Command::RunDue(a) => commands::due::run(a),
        Command::LegalHold(c) => commands::legal_hold::run(c),
        Command::Audit(c) => commands::audit::run(c),
        Command::Serve(a) => commands::serve::run(a),
        Command::Account(c) => commands::account::run(c),
        Command::Token(c) => commands::token::run(c),
        Command::Openapi => {
            out_nonl!("{}", pathway_server::openapi::document_text());
            Ok(ExitCode::SUCCESS)
        }
        Command::Oidc(c) => commands::oidc::run(c),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            output::print_error(&e);
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_valid() {
        super::Cli::command().debug_assert();
    }
}
