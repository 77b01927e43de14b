//! A minimal axum server, the yardstick for `bench/run.sh`: one route answering a short
//! text, on the same multi-threaded tokio runtime `pathway serve` uses and built in the same
//! profile. Throughput against it is what this machine's HTTP stack can do at all, so each
//! Pathway figure is also reported as a share of it, measured in the same run (other work on
//! the machine slows both alike).
//!
//! Usage: `pathway-bench-baseline [ADDRESS:PORT]` (default `127.0.0.1:0`); prints
//! `listening on http://ADDRESS:PORT` once it accepts connections, and runs until killed.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use axum::Router;
use axum::routing::get;

fn main() -> ExitCode {
    let bind = match std::env::args().nth(1).map(|a| a.parse::<SocketAddr>()).transpose() {
        Ok(bind) => bind.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0))),
        Err(e) => {
            eprintln!("the address to listen on must be ADDRESS:PORT: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(bind).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("cannot listen on {bind}: {e}");
                return ExitCode::FAILURE;
            }
        };
        match listener.local_addr() {
            Ok(addr) => println!("listening on http://{addr}"),
            Err(e) => {
                eprintln!("cannot read the address listened on: {e}");
                return ExitCode::FAILURE;
            }
        }
        let _ = std::io::stdout().flush();
        let app = Router::new().route("/", get(|| async { "Hello, world!" }));
        match axum::serve(listener, app).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("the server stopped: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
