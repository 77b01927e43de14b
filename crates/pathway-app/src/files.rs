//! Evidence files on local disk, content-addressed: the bytes of a file whose SHA-256 is
//! `abcdef…` live at `<data_dir>/evidence/ab/cdef…`. The database holds only what the core's
//! [`FileRef`] says about them (hash, type, size, the name it was uploaded with).
//!
//! Every file is checked before it is kept: within the size limit and of an accepted type
//! judged by its bytes, never its name. Writes go to a temporary file in the destination
//! folder, are flushed to disk and then renamed into place, so a reader never sees half a
//! file and a crash leaves at most a stray temporary file. The same bytes uploaded twice are
//! stored once.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use pathway_core::portfolio::{FileRef, FileSizeLimit, Sha256Hex, check_file, check_size};
use pathway_core::text::hex;
use sha2::{Digest, Sha256};

use crate::AppError;
use crate::config::Config;

/// The folder under the data directory that holds evidence files.
pub const EVIDENCE_FOLDER: &str = "evidence";

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Where evidence files are kept, and the largest accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFiles {
    root: PathBuf,
    limit: FileSizeLimit,
}

impl EvidenceFiles {
    /// Files under `data_dir/evidence`, refusing any larger than `max_bytes`.
    pub fn new(data_dir: &Path, max_bytes: u64) -> EvidenceFiles {
        EvidenceFiles { root: data_dir.join(EVIDENCE_FOLDER), limit: FileSizeLimit::bytes(max_bytes) }
    }

    /// Files where the configuration says (`data_dir`, `max_upload_bytes`).
    pub fn from_config(config: &Config) -> EvidenceFiles {
        EvidenceFiles::new(&config.data_dir, config.max_upload_bytes)
    }

    /// The folder holding the files.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The size limit.
    pub fn limit(&self) -> FileSizeLimit {
        self.limit
    }

    /// Where the bytes with this digest are kept.
    pub fn path_of(&self, sha256: &Sha256Hex) -> PathBuf {
        let (folder, rest) = sha256.as_str().split_at(2);
        self.root.join(folder).join(rest)
    }

    /// Check and keep `bytes`, uploaded as `original_name`; what to record about them.
    pub fn store_bytes(&self, bytes: &[u8], original_name: &str) -> Result<FileRef, AppError> {
        let media_type = check_file(bytes, self.limit)
            .map_err(|source| AppError::File { name: original_name.to_owned(), source })?;
        let digest = hex(&Sha256::digest(bytes));
        let sha256 = Sha256Hex::parse(&digest)?;
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        let file = FileRef::new(sha256.as_str(), media_type, size, original_name)?;
        let path = self.path_of(&sha256);
        if !already_stored(&path, size)? {
            write_atomically(&path, bytes)?;
        }
        Ok(file)
    }

    /// Check and keep the file at `path` (named after its last path component). The size is
    /// checked before the file is read, so an oversized file is refused without reading it.
    pub fn store_path(&self, path: &Path) -> Result<FileRef, AppError> {
        let name =
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
        let read_error = |source| AppError::Read { path: path.to_owned(), source };
        let size = fs::metadata(path).map_err(read_error)?.len();
        check_size(size, self.limit).map_err(|source| AppError::File { name: name.clone(), source })?;
        let bytes = fs::read(path).map_err(read_error)?;
        self.store_bytes(&bytes, &name)
    }

    /// The bytes of a stored file, checked against their digest (a damaged or replaced file
    /// is reported, never served).
    pub fn read(&self, file: &FileRef) -> Result<Vec<u8>, AppError> {
        let path = self.path_of(file.sha256());
        let bytes = fs::read(&path).map_err(|source| AppError::Read { path: path.clone(), source })?;
        if hex(&Sha256::digest(&bytes)) != file.sha256().as_str() {
            return Err(AppError::Read {
                path,
                source: std::io::Error::new(
                    ErrorKind::InvalidData,
                    format!("the stored bytes of {} no longer match their SHA-256", file.original_name()),
                ),
            });
        }
        Ok(bytes)
    }
}

/// Whether the bytes are already in place: content-addressed, so a file of the right size at
/// the right path holds them (a wrong size means a damaged copy, which is replaced).
fn already_stored(path: &Path, size: u64) -> Result<bool, AppError> {
    match fs::metadata(path) {
        Ok(m) => Ok(m.is_file() && m.len() == size),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(source) => Err(AppError::Read { path: path.to_owned(), source }),
    }
}

/// Write `bytes` to `path` so that it appears whole or not at all.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let write_error = |path: &Path| {
        let path = path.to_owned();
        move |source| AppError::Write { path, source }
    };
    let folder = path.parent().ok_or_else(|| AppError::Write {
        path: path.to_owned(),
        source: std::io::Error::new(ErrorKind::InvalidInput, "no parent folder"),
    })?;
    fs::create_dir_all(folder).map_err(write_error(folder))?;
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let temp = folder.join(format!(".upload-{}-{n}.tmp", std::process::id()));
    let written = (|| {
        let mut f = fs::File::create_new(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&temp, path)
    })();
    if let Err(source) = written {
        let _ = fs::remove_file(&temp);
        return Err(AppError::Write { path: path.to_owned(), source });
    }
    // Make the rename itself durable where the platform allows syncing a folder.
    if let Ok(dir) = fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use pathway_core::portfolio::MediaType;

    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pathway-files-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn files_are_kept_by_their_digest_and_typed_by_their_bytes() {
        let dir = temp_dir("digest");
        let files = EvidenceFiles::new(&dir, 1024);
        let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
        // Named .docx, but the bytes are a PDF.
        let stored = files.store_bytes(pdf, "observation.docx").unwrap();
        assert_eq!(stored.media_type(), MediaType::Pdf);
        assert_eq!(stored.original_name(), "observation.docx");
        let path = files.path_of(stored.sha256());
        assert!(path.starts_with(dir.join("evidence")));
        assert_eq!(path.parent().and_then(|p| p.file_name()).unwrap().len(), 2, "fanned out by the first byte");
        assert_eq!(fs::read(&path).unwrap(), pdf);
        assert_eq!(files.read(&stored).unwrap(), pdf);

        // The same bytes again are stored once; no temporary files are left behind.
        let again = files.store_bytes(pdf, "copy.pdf").unwrap();
        assert_eq!(again.sha256(), stored.sha256());
        let entries: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(entries.len(), 1);

        // A damaged copy is reported, not served.
        fs::write(&path, b"%PDF-1.7 tampered").unwrap();
        assert_eq!(files.read(&stored).unwrap_err().code(), "read_failed");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn oversized_empty_and_unrecognised_files_are_refused_with_reasons() {
        let dir = temp_dir("refused");
        let files = EvidenceFiles::new(&dir, 16);
        let err = files.store_bytes(b"This text is longer than sixteen bytes.", "notes.txt").unwrap_err();
        assert_eq!(err.code(), "file_too_large");
        assert!(err.to_string().starts_with("notes.txt: the file is 39 bytes"), "{err}");
        assert_eq!(files.store_bytes(b"", "empty.pdf").unwrap_err().code(), "file_empty");
        let err = files.store_bytes(b"MZ\x90\x00\x03\x00\x00\x00", "report.pdf").unwrap_err();
        assert_eq!(err.code(), "file_type_not_accepted");
        assert!(!dir.exists(), "nothing refused was written");

        // From a path, the size is checked before reading.
        fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big.txt");
        fs::write(&big, "x".repeat(100)).unwrap();
        assert_eq!(files.store_path(&big).unwrap_err().code(), "file_too_large");
        let small = dir.join("small.txt");
        fs::write(&small, "a short note").unwrap();
        let stored = files.store_path(&small).unwrap();
        assert_eq!((stored.original_name(), stored.size()), ("small.txt", 12));
        fs::remove_dir_all(&dir).unwrap();
    }
}
