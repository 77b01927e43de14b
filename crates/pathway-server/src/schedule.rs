//! What is due (`pathway run-due`: the automatic moves, then retention), applied for every
//! authority when the server starts and then every `run_due_every`. Failures are logged and
//! the schedule goes on; both are idempotent, so several servers running them at once
//! change nothing twice.

use std::sync::Arc;
use std::time::Duration;

use pathway_app::service::Pathway;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Start the schedule; it ends when `stop` says so.
pub(crate) fn spawn(pathway: Arc<Pathway>, every: Duration, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            run_once(&pathway).await;
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                _ = stop.changed() => break,
            }
        }
    })
}

async fn run_once(pathway: &Pathway) {
    match pathway.run_due_everywhere().await {
        Ok(results) => {
            for (authority, result) in results {
                match result {
                    Ok(run) => tracing::info!(
                        authority,
                        moves = run.moves.len(),
                        leavers_erased = run.retention.leavers_erased.len(),
                        evidence_erased = run.retention.evidence_erased.len(),
                        held = run.retention.held.len(),
                        "run-due"
                    ),
                    Err(e) => tracing::warn!(authority, code = e.code(), "run-due failed for an authority"),
                }
            }
        }
        Err(e) => tracing::warn!(code = e.code(), "run-due could not list the authorities"),
    }
}
