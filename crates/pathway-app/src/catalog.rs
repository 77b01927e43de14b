//! Finding frameworks: the bundled ones by id, any other by path.

use std::path::Path;

use chrono::NaiveDate;
use pathway_core::framework::{Framework, Loaded, load, load_bytes};
use pathway_core::{Diagnostic, Severity, bundled};
use serde::Serialize;
use utoipa::ToSchema;

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
    let bytes = std::fs::read(path).map_err(|source| AppError::Read { path: path.to_owned(), source })?;
    let loaded = load_bytes(&bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
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

/// What the checks found in one framework file.
#[derive(Debug, Clone, Serialize)]
pub struct ValidationReport {
    /// The file as named (a bundled id is shown as its file under `frameworks/`).
    pub file: String,
    /// How many errors: any stops the file being used.
    pub errors: usize,
    /// How many warnings: the file is used, but a reader should look.
    pub warnings: usize,
    /// Everything found, with positions.
    pub diagnostics: Vec<Diagnostic>,
}

impl ValidationReport {
    /// Whether the file can be used.
    pub fn is_valid(&self) -> bool {
        self.errors == 0
    }
}

/// Check framework files (or bundled ids, where no such file exists), every problem found.
pub fn validate(paths: &[String]) -> Result<Vec<ValidationReport>, AppError> {
    let mut reports = Vec::with_capacity(paths.len());
    for path in paths {
        let sourced = match bundled::file(path) {
            Some(file) if !Path::new(path).exists() => SourcedFramework {
                origin: format!("frameworks/{}", file.file),
                text: file.text.to_owned(),
                loaded: load(file.text),
            },
            _ => read_file(Path::new(path))?,
        };
        let diagnostics = sourced.loaded.diagnostics;
        reports.push(ValidationReport {
            errors: diagnostics.iter().filter(|d| d.severity == Severity::Error).count(),
            warnings: diagnostics.iter().filter(|d| d.severity == Severity::Warning).count(),
            file: sourced.origin,
            diagnostics,
        });
    }
    Ok(reports)
}

/// A bundled framework in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FrameworkSummary {
    /// Its id.
    pub id: String,
    /// The authority that publishes it.
    pub authority: String,
    /// The service it covers.
    pub service: String,
    /// The document's own version.
    pub version: String,
    /// The first day it applies.
    pub effective_from: NaiveDate,
    /// How many levels its ladder has.
    pub levels: usize,
    /// How many pay grades.
    pub grades: usize,
    /// How many progression routes.
    pub routes: usize,
}

/// The bundled frameworks, summarised.
pub fn list() -> Vec<FrameworkSummary> {
    bundled_frameworks()
        .into_iter()
        .map(|framework| FrameworkSummary {
            id: framework.framework.id.to_string(),
            authority: framework.framework.authority.clone(),
            service: framework.framework.service.clone(),
            version: framework.framework.version.clone(),
            effective_from: framework.framework.effective_from,
            levels: framework.levels.len(),
            grades: framework.grades.len(),
            routes: framework.routes.len(),
        })
        .collect()
}
