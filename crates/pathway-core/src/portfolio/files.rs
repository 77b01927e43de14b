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
    // PDF readers accept the header anywhere in the first kilobyte.
    if bytes.get(..bytes.len().min(1024)).is_some_and(|head| find(head, b"%PDF-").is_some()) {
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
    let names = zip_entry_names(bytes)?;
    if !names.iter().any(|n| *n == b"[Content_Types].xml") {
        return None;
    }
    if names.iter().any(|n| n.starts_with(b"word/")) {
        Some(MediaType::Docx)
    } else if names.iter().any(|n| n.starts_with(b"xl/")) {
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

/// The entry names listed in a zip's central directory.
fn zip_entry_names(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    // The end-of-central-directory record is 22 bytes plus a comment of up to 64 KiB.
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let tail = bytes.get(tail_start..)?;
    let eocd = tail_start + tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let entries = u16_at(bytes, eocd + 10)?;
    let mut at = u32_at(bytes, eocd + 16)?;
    let mut names = Vec::with_capacity(entries.min(1024));
    for _ in 0..entries {
        if bytes.get(at..at.checked_add(4)?)? != b"PK\x01\x02" {
            return None;
        }
        let name_len = u16_at(bytes, at + 28)?;
        let extra_len = u16_at(bytes, at + 30)?;
        let comment_len = u16_at(bytes, at + 32)?;
        names.push(bytes.get(at + 46..at + 46 + name_len)?);
        at = at.checked_add(46 + name_len + extra_len + comment_len)?;
    }
    Some(names)
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
}

impl FileRejected {
    /// A stable code for the API.
    pub const fn code(&self) -> &'static str {
        match self {
            FileRejected::Empty => "file_empty",
            FileRejected::TooLarge { .. } => "file_too_large",
            FileRejected::UnrecognisedType => "file_type_not_accepted",
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

/// Check an uploaded file: within the size limit and of an accepted type by its bytes.
pub fn check_file(bytes: &[u8], limit: FileSizeLimit) -> Result<MediaType, FileRejected> {
    check_size(u64::try_from(bytes.len()).unwrap_or(u64::MAX), limit)?;
    sniff_media_type(bytes).ok_or(FileRejected::UnrecognisedType)
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

    #[test]
    fn file_refs_keep_only_the_base_name() {
        let f = FileRef::new(&"AB".repeat(32), MediaType::Docx, 10, r"C:\Users\kh\Reflection 1.docx").unwrap();
        assert_eq!(f.original_name(), "Reflection 1.docx");
        assert_eq!(f.sha256().as_str(), "ab".repeat(32));
        assert!(FileRef::new("abc", MediaType::Pdf, 10, "x.pdf").is_err());
    }
}
