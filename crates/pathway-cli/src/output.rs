//! Printing: errors to stderr with their stable code, JSON to stdout.

use pathway_app::AppError;

/// Print an error the way every command does: what went wrong, its code, and any
/// diagnostics with file positions.
pub fn print_error(e: &anyhow::Error) {
    if let Some(app) = e.downcast_ref::<AppError>() {
        eprintln!("error[{}]: {app}", app.code());
        if let AppError::InvalidFramework { file, diagnostics } = app {
            for d in diagnostics {
                eprintln!("{}", d.render(file));
            }
        }
    } else if let Some(pay) = e.downcast_ref::<pathway_core::pay::PayError>() {
        let code = AppError::Pay(pay.clone()).code();
        eprintln!("error[{code}]: {pay}");
    } else {
        eprintln!("error: {e:#}");
    }
}

/// Print a value as pretty JSON.
pub fn json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
