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
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use pathway_core::portfolio::{
    FileRef, FileRejected, FileSizeLimit, MAX_UNPACKED_BYTES, MediaType, Sha256Hex, check_file, check_size,
};
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
        let media_type = self.check_bytes(bytes, original_name)?;
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

    /// Check `bytes` as [`EvidenceFiles::store_bytes`] would, keeping nothing: their type
    /// (by the bytes), their size, and for Word and Excel documents what they unpack to.
    pub fn check_bytes(&self, bytes: &[u8], original_name: &str) -> Result<MediaType, AppError> {
        let refused = |source| AppError::File { name: original_name.to_owned(), source };
        let media_type = check_file(bytes, self.limit).map_err(refused)?;
        if matches!(media_type, MediaType::Docx | MediaType::Xlsx) {
            unpacks_within(bytes, MAX_UNPACKED_BYTES).map_err(refused)?;
        }
        Ok(media_type)
    }

    /// Check and keep the file at `path` (named after its last path component). The path
    /// may not climb out of its folder (`..`) nor pass through a linked folder, and the file
    /// must be a regular file, not a symbolic link (to a system file, say) nor a device. The size is checked before the
    /// file is read, so an oversized file is refused without reading it.
    pub fn store_path(&self, path: &Path) -> Result<FileRef, AppError> {
        let name =
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
        let refuse = |message: &str| AppError::BadInput { field: path.display().to_string(), message: message.into() };
        if path.components().any(|c| c == std::path::Component::ParentDir) {
            return Err(refuse("an evidence file's path may not leave its folder with `..`; name the file itself"));
        }
        let read_error = |source| AppError::Read { path: path.to_owned(), source };
        // Nor through a folder that is a link: `uploads/docs -> /etc` would reach system files.
        let mut folder = PathBuf::new();
        for part in path.parent().into_iter().flat_map(Path::components) {
            folder.push(part);
            if fs::symlink_metadata(&folder).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(refuse(&format!(
                    "goes through {}, a symbolic link to a folder; Pathway follows no links to evidence files",
                    folder.display()
                )));
            }
        }
        let link = fs::symlink_metadata(path).map_err(read_error)?;
        if link.file_type().is_symlink() {
            return Err(refuse("is a symbolic link; Pathway reads evidence files only, never what a link points to"));
        }
        if !link.is_file() {
            return Err(refuse("is not a regular file (a folder or a device); give the evidence file itself"));
        }
        check_size(link.len(), self.limit).map_err(|source| AppError::File { name: name.clone(), source })?;
        let mut opened = fs::File::open(path).map_err(read_error)?;
        // The file read must be the one checked: not swapped for a link in between.
        let now = opened.metadata().map_err(read_error)?;
        if !same_file(&link, &now) {
            return Err(refuse("changed while it was being read; try again"));
        }
        let mut bytes = Vec::new();
        (&mut opened).take(self.limit.get() + 1).read_to_end(&mut bytes).map_err(read_error)?;
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

/// Whether two looks at a path saw the same file.
#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

/// Whether two looks at a path saw the same file (by size and kind, where the platform
/// gives no file identity).
#[cfg(not(unix))]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    a.len() == b.len() && a.is_file() == b.is_file()
}

/// Unpack every part of a Word or Excel document (a zip), counting the bytes it really
/// unpacks to (the sizes it declares can lie), and refuse it past `limit` or when a part
/// cannot be unpacked whole.
pub fn unpacks_within(bytes: &[u8], limit: u64) -> Result<(), FileRejected> {
    let refuse = |reason: String| FileRejected::UnsafeArchive { reason };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| refuse(format!("cannot be opened as a zip ({e})")))?;
    let mut unpacked: u64 = 0;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| refuse(format!("has a part that cannot be read ({e})")))?;
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let left = limit - unpacked;
        let n = std::io::copy(&mut (&mut part).take(left + 1), &mut std::io::sink())
            .map_err(|e| refuse(format!("has a part (`{name}`) that cannot be unpacked ({e})")))?;
        if n > left {
            return Err(refuse(format!(
                "unpacks to more than {} MB (at part `{name}`); the most allowed is {} MB",
                limit / (1024 * 1024),
                limit / (1024 * 1024)
            )));
        }
        unpacked += n;
    }
    Ok(())
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
        assert_eq!(err.code(), "file_is_a_program");
        assert_eq!(files.store_bytes(b"\x00\x01\x02", "report.pdf").unwrap_err().code(), "file_type_not_accepted");
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

    /// A Word document, deflated, whose `word/document.xml` unpacks to `size` bytes.
    fn docx_of(size: usize) -> Vec<u8> {
        use zip::write::SimpleFileOptions;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in [("[Content_Types].xml", b"<Types/>".to_vec()), ("word/document.xml", vec![b' '; size])] {
            zip.start_file(name, options).unwrap();
            zip.write_all(&bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_word_document_that_unpacks_past_the_limit_is_refused_even_when_it_declares_less() {
        let honest = docx_of(3 * 1024 * 1024);
        assert!(honest.len() < 64 * 1024, "a few kilobytes on disk");
        assert_eq!(unpacks_within(&honest, 4 * 1024 * 1024), Ok(()));
        let err = unpacks_within(&honest, 1024 * 1024).unwrap_err();
        assert_eq!(err.code(), "file_archive_refused");
        assert!(err.to_string().contains("unpacks to more than 1 MB (at part `word/document.xml`)"), "{err}");

        // The same document with its table of contents claiming every part is 10 bytes.
        let mut lying = honest.clone();
        let mut at = 0;
        while let Some(found) = lying[at..].windows(4).position(|w| w == b"PK\x01\x02") {
            let entry = at + found;
            lying[entry + 24..entry + 28].copy_from_slice(&10u32.to_le_bytes());
            at = entry + 4;
        }
        assert_eq!(pathway_core::portfolio::check_archive(&lying), Ok(()), "what it declares is small");
        assert_eq!(unpacks_within(&lying, 1024 * 1024).unwrap_err().code(), "file_archive_refused");

        let dir = temp_dir("unpack");
        let files = EvidenceFiles::new(&dir, 1024 * 1024);
        assert_eq!(files.store_bytes(&honest, "reflection.docx").unwrap().media_type(), MediaType::Docx);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_to_a_system_file_and_a_path_out_of_its_folder_are_refused_unread() {
        let dir = temp_dir("paths");
        let files = EvidenceFiles::new(&dir.join("data"), 1024 * 1024);
        let uploads = dir.join("uploads");
        fs::create_dir_all(&uploads).unwrap();
        let link = uploads.join("reflection.txt");
        std::os::unix::fs::symlink("/etc/passwd", &link).unwrap();
        let err = files.store_path(&link).unwrap_err();
        assert!(err.to_string().contains("is a symbolic link"), "{err}");

        fs::write(dir.join("secret.txt"), "not for the portfolio").unwrap();
        let climbing = uploads.join("../secret.txt");
        let err = files.store_path(&climbing).unwrap_err();
        assert!(err.to_string().contains("may not leave its folder with `..`"), "{err}");
        let err = files.store_path(Path::new("../../etc/hostname")).unwrap_err();
        assert!(err.to_string().contains("may not leave its folder"), "{err}");

        let err = files.store_path(&uploads).unwrap_err();
        assert!(err.to_string().contains("is not a regular file"), "{err}");

        // A folder that links elsewhere is not followed either.
        std::os::unix::fs::symlink("/etc", uploads.join("docs")).unwrap();
        let err = files.store_path(&uploads.join("docs").join("hostname")).unwrap_err();
        assert!(err.to_string().contains("a symbolic link to a folder"), "{err}");
        assert!(!dir.join("data").exists(), "nothing was stored");

        // The file itself, named plainly, is kept.
        fs::write(uploads.join("notes.txt"), "Supervision notes").unwrap();
        assert_eq!(files.store_path(&uploads.join("notes.txt")).unwrap().original_name(), "notes.txt");
        fs::remove_dir_all(&dir).unwrap();
    }
}
