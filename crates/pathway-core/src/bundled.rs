//! The frameworks that ship with Pathway, compiled in from `frameworks/`.

use crate::framework::{Framework, Loaded, load};

/// A bundled framework file: its id, file name and text.
#[derive(Debug, Clone, Copy)]
pub struct BundledFile {
    /// The framework id, e.g. `west-sussex`.
    pub id: &'static str,
    /// The file name under `frameworks/`.
    pub file: &'static str,
    /// The file's text.
    pub text: &'static str,
}

/// Every bundled framework file.
pub const FILES: &[BundledFile] = &[
    BundledFile { id: "medway", file: "medway.toml", text: include_str!("../../../frameworks/medway.toml") },
    BundledFile { id: "rotherham", file: "rotherham.toml", text: include_str!("../../../frameworks/rotherham.toml") },
    BundledFile { id: "bexley", file: "bexley.toml", text: include_str!("../../../frameworks/bexley.toml") },
    BundledFile {
        id: "west-sussex",
        file: "west-sussex.toml",
        text: include_str!("../../../frameworks/west-sussex.toml"),
    },
];

/// The bundled file with this id.
pub fn file(id: &str) -> Option<&'static BundledFile> {
    FILES.iter().find(|f| f.id == id)
}

/// Load a bundled framework by id. Bundled files are checked by tests, so `None` means
/// the id is not bundled (or a defect a test would have caught).
pub fn framework(id: &str) -> Option<Framework> {
    file(id).and_then(|f| load(f.text).framework)
}

/// Load every bundled framework with its diagnostics.
pub fn load_all() -> Vec<(&'static BundledFile, Loaded)> {
    FILES.iter().map(|f| (f, load(f.text))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_framework_validates_without_errors() {
        for (file, loaded) in load_all() {
            let rendered: Vec<String> = loaded.diagnostics.iter().map(|d| d.render(file.file)).collect();
            assert!(!loaded.has_errors(), "{} has errors:\n{}", file.file, rendered.join("\n"));
            let f = loaded.framework.expect("loads");
            assert_eq!(f.framework.id.as_str(), file.id, "file {} declares a different id", file.file);
        }
    }
}
