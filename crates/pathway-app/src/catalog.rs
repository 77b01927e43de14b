//! Finding frameworks: the bundled ones by id, any other by path.

use std::path::Path;

use pathway_core::bundled;
use pathway_core::framework::{Framework, Loaded, load};

use crate::AppError;

/// A framework file read from somewhere, with what the checks said.
#[derive(Debug)]
pub struct SourcedFramework {
    /// Where it came from: a bundled file name or the path given.
    pub origin: String,
    /// The file's text.
    pub text: String,
    /// The outcome of loading it.
    pub loaded: Loaded,
}

/// Read and check a framework file from disk.
pub fn read_file(path: &Path) -> Result<SourcedFramework, AppError> {
    let text = std::fs::read_to_string(path).map_err(|source| AppError::Read { path: path.to_owned(), source })?;
    let loaded = load(&text);
    Ok(SourcedFramework { origin: path.display().to_string(), text, loaded })
}

/// The framework `id_or_path` names: a bundled id (`bexley`) or a file path.
/// Errors if it does not exist or does not validate.
pub fn resolve(id_or_path: &str) -> Result<Framework, AppError> {
    let sourced = if let Some(file) = bundled::file(id_or_path) {
        SourcedFramework { origin: file.file.to_owned(), text: file.text.to_owned(), loaded: load(file.text) }
    } else if Path::new(id_or_path).is_file() {
        read_file(Path::new(id_or_path))?
    } else {
        return Err(AppError::UnknownFramework(id_or_path.to_owned(), bundled_ids().join(", ")));
    };
    match sourced.loaded.framework {
        Some(f) => Ok(f),
        None => Err(AppError::InvalidFramework { file: sourced.origin, diagnostics: sourced.loaded.diagnostics }),
    }
}

/// The ids of the bundled frameworks.
pub fn bundled_ids() -> Vec<&'static str> {
    bundled::FILES.iter().map(|f| f.id).collect()
}

/// Every bundled framework that loads.
pub fn bundled_frameworks() -> Vec<Framework> {
    bundled::load_all().into_iter().filter_map(|(_, l)| l.framework).collect()
}
