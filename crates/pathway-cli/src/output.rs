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
    } else {
        eprintln!("error: {e:#}");
    }
}

/// Print a value as pretty JSON.
pub fn json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    write(format_args!("{}\n", serde_json::to_string_pretty(value)?));
    Ok(())
}

/// Write to stdout. A reader that has gone away (`pathway ... | head`) ends the program
/// quietly and successfully, as other command-line tools do, instead of a panic.
pub fn write(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write the output: {e}");
        std::process::exit(1);
    }
}

/// `println!` that survives a closed pipe.
#[macro_export]
macro_rules! out {
    () => { $crate::output::write(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::output::write(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `print!` that survives a closed pipe.
#[macro_export]
macro_rules! out_nonl {
    ($($arg:tt)*) => { $crate::output::write(format_args!($($arg)*)) };
}
