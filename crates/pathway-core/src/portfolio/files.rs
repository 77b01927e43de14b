//! Files attached to evidence: what Pathway records about them, and the checks made on
//! their bytes before they are stored. The bytes themselves live outside the core
//! (content-addressed by SHA-256); here is only what can be decided without IO.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::workforce::{InvalidValue, Name};

/// The file types Pathway accepts, decided by a file's bytes, never by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MediaType {
    /// A PDF document.
    Pdf,
    /// A PNG image.
    Png,
    /// A JPEG image (a photo or a scan).
    Jpeg,
    /// A Word document (`.docx`).
    Docx,
    /// An Excel workbook (`.xlsx`).
    Xlsx,
    /// Plain UTF-8 text.
    PlainText,
}

impl MediaType {
    /// Every accepted type.
    pub const ALL: &'static [MediaType] =
        &[MediaType::Pdf, MediaType::Png, MediaType::Jpeg, MediaType::Docx, MediaType::Xlsx, MediaType::PlainText];

    /// The MIME type, as stored and sent in `Content-Type`.
    pub const fn mime(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Png => "image/png",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            MediaType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            MediaType::PlainText => "text/plain; charset=utf-8",
        }
    }

    /// The usual file extension, without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Png => "png",
            MediaType::Jpeg => "jpg",
            MediaType::Docx => "docx",
            MediaType::Xlsx => "xlsx",
            MediaType::PlainText => "txt",
        }
    }

    /// What people call it: "PDF", "Word document".
    pub const fn describe(self) -> &'static str {
        match self {
            MediaType::Pdf => "PDF",
            MediaType::Png => "PNG image",
            MediaType::Jpeg => "JPEG image",
            MediaType::Docx => "Word document",
            MediaType::Xlsx => "Excel workbook",
            MediaType::PlainText => "text file",
        }
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mime())
    }
}

impl FromStr for MediaType {
    type Err = InvalidValue;
    /// Accepts the MIME type (parameters after `;` ignored) or the extension.
    fn from_str(s: &str) -> Result<MediaType, InvalidValue> {
        let wanted = s.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        MediaType::ALL
            .iter()
            .copied()
            .find(|m| m.mime().split(';').next() == Some(wanted.as_str()) || m.extension() == wanted)
            .ok_or_else(|| {
                InvalidValue::new("file type", s, "must be a PDF, PNG, JPEG, Word, Excel or plain text file")
            })
    }
}

impl Serialize for MediaType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.mime())
    }
}

impl<'de> Deserialize<'de> for MediaType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<MediaType, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// The type of a file judged by its first bytes (and, for Office documents, the names of
/// the parts inside the zip), or `None` when it is none Pathway accepts.
pub fn sniff_media_type(bytes: &[u8]) -> Option<MediaType> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(MediaType::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(MediaType::Jpeg);
    }
    // PDF readers accept the header anywhere in the first kilobyte, which lets a program
    // pass for a PDF; Pathway takes a PDF only when the header comes first.
    if leading_blank_removed(bytes).starts_with(b"%PDF-") {
        return Some(MediaType::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return office_type(bytes);
    }
    plain_text(bytes).then_some(MediaType::PlainText)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The bytes after a UTF-8 byte order mark and any leading whitespace.
fn leading_blank_removed(bytes: &[u8]) -> &[u8] {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let blank = body.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &body[blank..]
}

/// How many of a file's first bytes are searched for a program's header.
pub const PROGRAM_SCAN_BYTES: usize = 4096;

/// Programs' headers that have no business in a document, photo or note: whoever stored
/// one could hand a colleague a program under a document's name.
const PROGRAM_HEADERS: &[(&[u8], &str)] = &[
    (b"\x7fELF", "a Linux program (ELF)"),
    (&[0xFE, 0xED, 0xFA, 0xCE], "a macOS program (Mach-O)"),
    (&[0xFE, 0xED, 0xFA, 0xCF], "a macOS program (Mach-O)"),
    (&[0xCE, 0xFA, 0xED, 0xFE], "a macOS program (Mach-O)"),
    (&[0xCF, 0xFA, 0xED, 0xFE], "a macOS program (Mach-O)"),
    (&[0xCA, 0xFE, 0xBA, 0xBE], "a macOS universal program (Mach-O)"),
];

/// A program's header found in the first [`PROGRAM_SCAN_BYTES`] bytes: what it is and where.
/// `MZ` (Windows) and `#!` (a script) are short enough to occur by chance, so they count at
/// the start of the file, or before a PDF header, or (`MZ`) with the `PE` signature after it.
pub fn program_header(bytes: &[u8]) -> Option<(&'static str, usize)> {
    let head = &bytes[..bytes.len().min(PROGRAM_SCAN_BYTES)];
    for (magic, what) in PROGRAM_HEADERS {
        if let Some(at) = find(head, magic) {
            return Some((what, at));
        }
    }
    let start = head.len() - leading_blank_removed(head).len();
    let pdf = find(head, b"%PDF-");
    for (magic, what) in [(&b"MZ"[..], "a Windows program (MZ)"), (&b"#!"[..], "a script (#!)")] {
        if head[start..].starts_with(magic) {
            return Some((what, start));
        }
        if let Some(at) = pdf.and_then(|pdf| find(&head[..pdf], magic)) {
            return Some((what, at));
        }
    }
    if let Some(mz) = find(head, b"MZ")
        && find(&head[mz..], b"PE\0\0").is_some()
    {
        return Some(("a Windows program (MZ, PE)", mz));
    }
    None
}

fn plain_text(bytes: &[u8]) -> bool {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => {
            !text.trim().is_empty()
                && !text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0C'))
        }
        Err(_) => false,
    }
}

/// An Office Open XML document is a zip holding `[Content_Types].xml` and a `word/` (or
/// `xl/`) folder. The part names come from the zip's central directory; a zip without one
/// (truncated, or not really a zip) is refused.
fn office_type(bytes: &[u8]) -> Option<MediaType> {
    let entries = zip_entries(bytes)?;
    if !entries.iter().any(|e| e.name == b"[Content_Types].xml") {
        return None;
    }
    if entries.iter().any(|e| e.name.starts_with(b"word/")) {
        Some(MediaType::Docx)
    } else if entries.iter().any(|e| e.name.starts_with(b"xl/")) {
        Some(MediaType::Xlsx)
    } else {
        None
    }
}

fn u16_at(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(usize::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
}

/// A part of a zip as its central directory lists it.
#[derive(Debug)]
struct ZipEntry<'a> {
    name: &'a [u8],
    packed: usize,
    unpacked: usize,
    local_header: usize,
}

/// The entries listed in a zip's central directory.
fn zip_entries(bytes: &[u8]) -> Option<Vec<ZipEntry<'_>>> {
    // The end-of-central-directory record is 22 bytes plus a comment of up to 64 KiB.
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let tail = bytes.get(tail_start..)?;
    let eocd = tail_start + tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let count = u16_at(bytes, eocd + 10)?;
    let mut at = u32_at(bytes, eocd + 16)?;
    let mut entries = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        if bytes.get(at..at.checked_add(4)?)? != b"PK\x01\x02" {
            return None;
        }
        let name_len = u16_at(bytes, at + 28)?;
        let extra_len = u16_at(bytes, at + 30)?;
        let comment_len = u16_at(bytes, at + 32)?;
        entries.push(ZipEntry {
            name: bytes.get(at + 46..at + 46 + name_len)?,
            packed: u32_at(bytes, at + 20)?,
            unpacked: u32_at(bytes, at + 24)?,
            local_header: u32_at(bytes, at + 42)?,
        });
        at = at.checked_add(46 + name_len + extra_len + comment_len)?;
    }
    Some(entries)
}

/// The most parts a Word or Excel document may hold.
pub const MAX_ARCHIVE_PARTS: usize = 5_000;

/// The most a Word or Excel document may unpack to, all parts together (200 MB).
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;

/// Check the structure of a Word or Excel document (a zip): every part where the directory
/// says, inside the file, named inside the document, and the sizes it declares within
/// [`MAX_UNPACKED_BYTES`] together. (The declared sizes can lie: whoever keeps the file also
/// unpacks it, counting, before keeping it.)
pub fn check_archive(bytes: &[u8]) -> Result<(), FileRejected> {
    let refuse = |reason: String| Err(FileRejected::UnsafeArchive { reason });
    let Some(entries) = zip_entries(bytes) else {
        return refuse("has no readable table of contents (it may be cut short)".into());
    };
    if entries.len() > MAX_ARCHIVE_PARTS {
        return refuse(format!("holds {} parts, more than the {MAX_ARCHIVE_PARTS} allowed", entries.len()));
    }
    let mut unpacked: u64 = 0;
    for e in &entries {
        let name = String::from_utf8_lossy(e.name);
        if e.name.starts_with(b"/")
            || e.name.starts_with(b"\\")
            || e.name.split(|b| *b == b'/' || *b == b'\\').any(|p| p == b"..")
        {
            return refuse(format!("names a part outside itself (`{name}`)"));
        }
        let local_ok = bytes.get(e.local_header..e.local_header.saturating_add(4)) == Some(&b"PK\x03\x04"[..])
            && e.local_header
                .checked_add(30)
                .and_then(|h| h.checked_add(e.packed))
                .is_some_and(|end| end <= bytes.len());
        if !local_ok {
            return refuse(format!("lists a part (`{name}`) that is not where its table of contents says"));
        }
        unpacked = unpacked.saturating_add(u64::try_from(e.unpacked).unwrap_or(u64::MAX));
        if unpacked > MAX_UNPACKED_BYTES {
            return refuse(format!(
                "unpacks to more than {} (a part `{name}` of {}); the most allowed is {}",
                human_size(unpacked),
                human_size(u64::try_from(e.unpacked).unwrap_or(u64::MAX)),
                human_size(MAX_UNPACKED_BYTES)
            ));
        }
    }
    Ok(())
}

/// The largest file Pathway accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FileSizeLimit(u64);

impl FileSizeLimit {
    /// 20 MB: a long scanned PDF fits; a video does not.
    pub const DEFAULT: FileSizeLimit = FileSizeLimit(20 * 1024 * 1024);

    /// A limit of this many bytes.
    pub const fn bytes(bytes: u64) -> FileSizeLimit {
        FileSizeLimit(bytes)
    }

    /// The limit in bytes.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl Default for FileSizeLimit {
    fn default() -> FileSizeLimit {
        FileSizeLimit::DEFAULT
    }
}

/// Why a file was refused, in words the person uploading it can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileRejected {
    /// Nothing was uploaded.
    #[error("the file is empty: choose the file again")]
    Empty,
    /// Over the size limit.
    #[error("the file is {}; the largest file you can upload is {} (save a smaller copy, for example as a PDF, and upload that)", human_size(*.size), human_size(.limit.get()))]
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit it broke.
        limit: FileSizeLimit,
    },
    /// Not a type Pathway accepts, whatever its name says.
    #[error(
        "the file is not a PDF, Word or Excel document, PNG or JPEG image, or plain text (Pathway checks what is inside the file, not its name)"
    )]
    UnrecognisedType,
    /// A program's header in the first bytes, whatever else the file claims to be.
    #[error(
        "the file holds {what} (its header is at byte {at}); Pathway does not keep programs, whatever the file is called"
    )]
    Program {
        /// What kind of program.
        what: &'static str,
        /// Where its header starts.
        at: usize,
    },
    /// A Word or Excel document (a zip) whose structure or size is not safe to keep.
    #[error("the file is a Word or Excel document that {reason}; save it again from Word or Excel, or as a PDF")]
    UnsafeArchive {
        /// What is wrong with it.
        reason: String,
    },
}

impl FileRejected {
    /// A stable code for the API.
    pub const fn code(&self) -> &'static str {
        match self {
            FileRejected::Empty => "file_empty",
            FileRejected::TooLarge { .. } => "file_too_large",
            FileRejected::UnrecognisedType => "file_type_not_accepted",
            FileRejected::Program { .. } => "file_is_a_program",
            FileRejected::UnsafeArchive { .. } => "file_archive_refused",
        }
    }
}

/// "512 bytes", "340 KB", "31.2 MB" (1 KB = 1024 bytes).
fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes < KB {
        format!("{bytes} bytes")
    } else if bytes < MB {
        format!("{} KB", bytes.div_ceil(KB))
    } else {
        let tenths = (bytes * 10).div_ceil(MB);
        if tenths.is_multiple_of(10) {
            format!("{} MB", tenths / 10)
        } else {
            format!("{}.{} MB", tenths / 10, tenths % 10)
        }
    }
}

/// Check a size before reading a file (from a `Content-Length` or an upload's header).
pub fn check_size(size: u64, limit: FileSizeLimit) -> Result<(), FileRejected> {
    match size {
        0 => Err(FileRejected::Empty),
        s if s > limit.get() => Err(FileRejected::TooLarge { size: s, limit }),
        _ => Ok(()),
    }
}

/// Check an uploaded file: within the size limit, no program's header in its first bytes,
/// of an accepted type by its bytes, and (a Word or Excel document) a sound zip within the
/// unpacked-size limit by what it declares.
pub fn check_file(bytes: &[u8], limit: FileSizeLimit) -> Result<MediaType, FileRejected> {
    check_size(u64::try_from(bytes.len()).unwrap_or(u64::MAX), limit)?;
    if let Some((what, at)) = program_header(bytes) {
        return Err(FileRejected::Program { what, at });
    }
    let media_type = sniff_media_type(bytes).ok_or(FileRejected::UnrecognisedType)?;
    if matches!(media_type, MediaType::Docx | MediaType::Xlsx) {
        check_archive(bytes)?;
    }
    Ok(media_type)
}

/// A SHA-256 digest as 64 lowercase hex digits: the address of a file's bytes in storage.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sha256Hex(String);

impl Sha256Hex {
    /// Parse 64 hex digits (either case).
    pub fn parse(text: &str) -> Result<Sha256Hex, InvalidValue> {
        let t = text.trim();
        if t.len() == 64 && t.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(Sha256Hex(t.to_ascii_lowercase()))
        } else {
            Err(InvalidValue::new("SHA-256 digest", text, "must be 64 hexadecimal digits"))
        }
    }

    /// The digest in lowercase hex.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Sha256Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Sha256Hex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Sha256Hex {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Sha256Hex, D::Error> {
        Sha256Hex::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// A file attached to an evidence item: where its bytes are, what they are, and the name
/// it was uploaded with (shown to people, never trusted for its type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FileRefParts", into = "FileRefParts")]
pub struct FileRef {
    sha256: Sha256Hex,
    media_type: MediaType,
    size: u64,
    original_name: Name,
}

/// A file reference as storage or the API writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileRefParts {
    /// SHA-256 of the bytes, 64 hex digits.
    pub sha256: String,
    /// The type sniffed from the bytes when uploaded.
    pub media_type: MediaType,
    /// Size in bytes.
    pub size: u64,
    /// The file name the person uploaded.
    pub original_name: String,
}

impl TryFrom<FileRefParts> for FileRef {
    type Error = InvalidValue;
    fn try_from(p: FileRefParts) -> Result<FileRef, InvalidValue> {
        FileRef::new(&p.sha256, p.media_type, p.size, &p.original_name)
    }
}

impl From<FileRef> for FileRefParts {
    fn from(f: FileRef) -> FileRefParts {
        FileRefParts {
            sha256: f.sha256.0,
            media_type: f.media_type,
            size: f.size,
            original_name: f.original_name.as_str().to_owned(),
        }
    }
}

impl FileRef {
    /// A reference to stored bytes. Only the last part of a path is kept as the name
    /// (browsers on some systems send `C:\Users\...\report.docx`).
    pub fn new(sha256: &str, media_type: MediaType, size: u64, original_name: &str) -> Result<FileRef, InvalidValue> {
        let sha256 = Sha256Hex::parse(sha256)?;
        if size == 0 {
            return Err(InvalidValue::new("file size", "0", "the file is empty"));
        }
        let base = original_name.rsplit(['/', '\\']).next().unwrap_or(original_name);
        let original_name = Name::parse(base).map_err(|e| InvalidValue { field: "file name", ..e })?;
        Ok(FileRef { sha256, media_type, size, original_name })
    }

    /// Where the bytes are.
    pub fn sha256(&self) -> &Sha256Hex {
        &self.sha256
    }

    /// What the bytes are.
    pub fn media_type(&self) -> MediaType {
        self.media_type
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The name it was uploaded with.
    pub fn original_name(&self) -> &str {
        self.original_name.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal zip holding empty entries with these names (stored, no compression).
    pub(crate) fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for name in names {
            let offset = u32::try_from(out.len()).unwrap();
            let n = u16::try_from(name.len()).unwrap();
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&[0; 12]); // crc, sizes
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&n.to_le_bytes());
            central.extend_from_slice(&[0; 12]); // extra, comment, disk, attrs
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = u32::try_from(out.len()).unwrap();
        let cd_size = u32::try_from(central.len()).unwrap();
        out.extend_from_slice(&central);
        let count = u16::try_from(names.len()).unwrap();
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&cd_size.to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff_media_type(b"%PDF-1.7\n..."), Some(MediaType::Pdf));
        assert_eq!(sniff_media_type(b"\x89PNG\r\n\x1a\n\0\0"), Some(MediaType::Png));
        assert_eq!(sniff_media_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(MediaType::Jpeg));
        assert_eq!(sniff_media_type("Reflective summary\nwith a café\n".as_bytes()), Some(MediaType::PlainText));
        assert_eq!(sniff_media_type(b"MZ\x90\0\x03\0\0\0"), None, "a Windows program");
        assert_eq!(sniff_media_type(&[0xC3, 0x28]), None, "not UTF-8");
        assert_eq!(sniff_media_type(b""), None);
    }

    #[test]
    fn office_documents_are_told_apart_by_their_parts() {
        let docx = zip_with(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
        let xlsx = zip_with(&["[Content_Types].xml", "xl/workbook.xml"]);
        let plain_zip = zip_with(&["photos/1.jpg"]);
        assert_eq!(sniff_media_type(&docx), Some(MediaType::Docx));
        assert_eq!(sniff_media_type(&xlsx), Some(MediaType::Xlsx));
        assert_eq!(sniff_media_type(&plain_zip), None);
        assert_eq!(sniff_media_type(&docx[..docx.len() - 10]), None, "truncated");
    }

    #[test]
    fn size_limit_says_how_big_and_how_big_is_allowed() {
        let err = check_size(31 * 1024 * 1024 + 200 * 1024, FileSizeLimit::DEFAULT).unwrap_err();
        assert_eq!(err.code(), "file_too_large");
        assert!(err.to_string().starts_with("the file is 31.2 MB; the largest file you can upload is 20 MB"), "{err}");
        assert_eq!(check_file(b"", FileSizeLimit::DEFAULT), Err(FileRejected::Empty));
        assert_eq!(check_file(b"%PDF-1.4", FileSizeLimit::DEFAULT), Ok(MediaType::Pdf));
    }

    /// The zip `zip_with` makes, with every part declaring `unpacked` bytes.
    fn declaring(mut zip: Vec<u8>, unpacked: u32) -> Vec<u8> {
        let mut at = 0;
        while let Some(found) = find(&zip[at..], b"PK\x01\x02") {
            let entry = at + found;
            zip[entry + 24..entry + 28].copy_from_slice(&unpacked.to_le_bytes());
            at = entry + 4;
        }
        zip
    }

    #[test]
    fn a_program_with_a_pdf_header_at_byte_64_is_not_a_pdf() {
        let mut disguised = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
        disguised.resize(64, 0);
        disguised.extend_from_slice(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n");
        assert_eq!(sniff_media_type(&disguised), None, "a PDF's header must come first");
        let err = check_file(&disguised, FileSizeLimit::DEFAULT).unwrap_err();
        assert_eq!(err, FileRejected::Program { what: "a Windows program (MZ)", at: 0 });
        assert_eq!(err.code(), "file_is_a_program");
        assert!(err.to_string().contains("Pathway does not keep programs"), "{err}");

        // A script, and headers found further in: after a PNG's header, or a PE program
        // whose MZ header is not at the start.
        let script = b"#!/bin/sh\n%PDF-1.4\nrm -rf ~\n";
        assert_eq!(check_file(script, FileSizeLimit::DEFAULT).unwrap_err().code(), "file_is_a_program");
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.resize(100, 0);
        png.extend_from_slice(b"\x7fELF\x02\x01\x01");
        assert_eq!(
            check_file(&png, FileSizeLimit::DEFAULT),
            Err(FileRejected::Program { what: "a Linux program (ELF)", at: 100 })
        );
        let mut pe = b"%PDF-1.4\n".to_vec();
        pe.extend_from_slice(b"MZ\x90\x00");
        pe.resize(200, 0);
        pe.extend_from_slice(b"PE\0\0\x4c\x01");
        assert_eq!(check_file(&pe, FileSizeLimit::DEFAULT).unwrap_err().code(), "file_is_a_program");
        let macho = [&[0xCF, 0xFA, 0xED, 0xFE][..], b"%PDF-1.4"].concat();
        assert_eq!(check_file(&macho, FileSizeLimit::DEFAULT).unwrap_err().code(), "file_is_a_program");

        // Ordinary files still pass: a PDF after blank lines, a note that mentions MZ.
        assert_eq!(check_file(b"\r\n%PDF-1.4\n", FileSizeLimit::DEFAULT), Ok(MediaType::Pdf));
        assert_eq!(check_file(b"Notes on the MZ case #!", FileSizeLimit::DEFAULT), Ok(MediaType::PlainText));
    }

    #[test]
    fn a_small_zip_declaring_a_2_gb_part_is_not_stored_as_a_word_document() {
        let docx = zip_with(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
        assert_eq!(check_file(&docx, FileSizeLimit::DEFAULT), Ok(MediaType::Docx));
        let bomb = declaring(docx, 2_000_000_000);
        assert_eq!(sniff_media_type(&bomb), Some(MediaType::Docx), "it looks like one");
        let err = check_file(&bomb, FileSizeLimit::DEFAULT).unwrap_err();
        assert_eq!(err.code(), "file_archive_refused");
        assert!(
            err.to_string().contains("unpacks to more than 1.9 GB")
                || err.to_string().contains("the most allowed is 200 MB"),
            "{err}"
        );

        let escaping = zip_with(&["[Content_Types].xml", "word/document.xml", "word/../../etc/cron.d/x"]);
        let err = check_file(&escaping, FileSizeLimit::DEFAULT).unwrap_err();
        assert!(err.to_string().contains("names a part outside itself (`word/../../etc/cron.d/x`)"), "{err}");
    }

    #[test]
    fn file_refs_keep_only_the_base_name() {
        let f = FileRef::new(&"AB".repeat(32), MediaType::Docx, 10, r"C:\Users\kh\Reflection 1.docx").unwrap();
        assert_eq!(f.original_name(), "Reflection 1.docx");
        assert_eq!(f.sha256().as_str(), "ab".repeat(32));
        assert!(FileRef::new("abc", MediaType::Pdf, 10, "x.pdf").is_err());
    }
}
