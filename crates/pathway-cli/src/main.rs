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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Framework(c) => commands::framework::run(c),
        Command::Pay(a) => commands::pay::run(a),
        Command::Project(a) => commands::pay::run_project(a),
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
