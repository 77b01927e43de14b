//! `pathway serve`: the HTTP server (crate `pathway-server`) on the configured database,
//! until SIGINT or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use pathway_app::demo::Scale;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen, ADDRESS:PORT; port 0 picks a free port (the URL printed shows it).
    #[arg(long, default_value = pathway_server::DEFAULT_BIND)]
    bind: SocketAddr,
    /// Load the demo authorities (if not loaded) and print sign-in details for a demo
    /// account of every kind, each with a new password.
    #[arg(long)]
    demo: bool,
}

pub fn run(a: ServeArgs) -> anyhow::Result<ExitCode> {
    // Logs go to stderr; RUST_LOG filters them (default: info, with SQL statements quiet).
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let mut config = pathway_app::config::Config::from_env()?;
        if let Some(warning) = config.clock.warning() {
            eprintln!("warning: {warning}");
        }
        // The demo is for trying Pathway in a browser at http://127.0.0.1:PORT, where a
        // `Secure` cookie would never be sent back: on a loopback address it uses the
        // development cookie setting, and says so. Anywhere else the setting is as configured.
        let demo_cookies = a.demo && a.bind.ip().is_loopback() && !config.server.insecure_loopback_cookies;
        if demo_cookies {
            config.server.insecure_loopback_cookies = true;
        }
        let pathway = Arc::new(pathway_app::service::Pathway::open(config).await?);
        pathway_server::check_settings(&pathway, a.bind)?;
        if a.demo {
            let today = pathway.clock().today();
            pathway.load_demo(Scale::Seeds, today, 2026, &|_, _| {}).await?;
            print_demo_accounts(&pathway.demo_accounts().await?);
        }
        let listener = tokio::net::TcpListener::bind(a.bind)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", a.bind))?;
        let addr = listener.local_addr()?;
        crate::out!("Pathway is listening on http://{addr} ({})", pathway.config().database_description());
        if demo_cookies {
            crate::out!(
                "Demo on a loopback address: the session cookie is sent without Secure so a browser keeps it over \
                 plain http (the development setting insecure_loopback_cookies)"
            );
        }
        if a.demo {
            crate::out!("Open http://{addr}/ in a browser; sign in at http://{addr}/sign-in with a demo account above");
        }
        // Scripts (and the tests) read the URL from this line: make sure it is out.
        let _ = std::io::stdout().flush();
        let served = pathway_server::serve(Arc::clone(&pathway), listener, pathway_server::shutdown_signal()).await;
        pathway.close().await;
        served?;
        Ok(ExitCode::SUCCESS)
    })
}

fn print_demo_accounts(accounts: &[pathway_app::accounts::DemoAccount]) {
    crate::out!(
        "Demo accounts (new passwords every start; sign in at /sign-in in a browser, or with POST /api/v1/session):"
    );
    for account in accounts {
        crate::out!(
            "  {:<58} {:<22} {}  ({}, {})",
            account.kind,
            account.username,
            account.password,
            account.authority,
            account.employee_number
        );
    }
}
