//! Reading an XLSX workbook someone else made, within limits. An XLSX file is a zip of XML
//! parts, and a few kilobytes can claim (or unpack to) gigabytes: a cell at `XFD1048576`, a
//! shared-strings table declaring a billion entries, a part that inflates a thousandfold.
//! Before the workbook is parsed its parts are unpacked once, counting bytes, and the shared
//! strings are counted; then the sheet is read cell by cell, never as a full rectangle, so
//! the memory used follows the cells present. Any limit broken is a clear error naming it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use calamine::{Data, Reader, Xlsx};

use super::{RawRow, bad_file, column_letters, unguard};
use crate::AppError;

/// The most bytes the parts of a workbook may unpack to, together (64 MB).
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
/// The most parts (files inside the zip) a workbook may hold.
pub const MAX_PARTS: usize = 2_000;
/// The most rows a sheet may use (declared or present).
pub const MAX_ROWS: u32 = 100_000;
/// The most columns a sheet may use (declared or present): A to SF.
pub const MAX_COLUMNS: u32 = 500;
/// The most cells a sheet may hold.
pub const MAX_CELLS: usize = 1_000_000;
/// The most entries a workbook's shared-strings table may hold.
pub const MAX_SHARED_STRINGS: u64 = 1_000_000;
/// The most places (each row counted up to its last cell) a sheet may spread over: 100,000
/// rows of 40 columns.
pub const MAX_PLACES: usize = 4_000_000;
/// The most text the cells of a sheet may hold together (64 MB), however often a shared
/// string is repeated.
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// "at most 100000 rows and 500 columns (A to SF)", for messages.
fn size_rule() -> String {
    format!(
        "a sheet may use at most {MAX_ROWS} rows and {MAX_COLUMNS} columns (A to {})",
        column_letters(MAX_COLUMNS as usize - 1)
    )
}

/// Unpack every part of the workbook once, counting bytes (never trusting the sizes the zip
/// declares), and count the shared strings. Nothing is kept.
pub(crate) fn check_parts(path: &Path, file: &str) -> Result<(), AppError> {
    let opened = File::open(path).map_err(|source| AppError::Read { path: path.to_owned(), source })?;
    let mut zip = zip::ZipArchive::new(BufReader::new(opened))
        .map_err(|e| bad_file(file, format!("cannot be read as an XLSX workbook: {e}")))?;
    if zip.len() > MAX_PARTS {
        return Err(bad_file(
            file,
            format!("holds {} parts; an XLSX workbook may hold at most {MAX_PARTS}", zip.len()),
        ));
    }
    let too_big = || {
        bad_file(
            file,
            format!(
                "unpacks to more than {} MB; an XLSX workbook may unpack to at most {} MB (save only the Workers sheet, or as CSV)",
                MAX_UNPACKED_BYTES / (1024 * 1024),
                MAX_UNPACKED_BYTES / (1024 * 1024)
            ),
        )
    };
    let mut unpacked: u64 = 0;
    for i in 0..zip.len() {
        let mut part =
            zip.by_index(i).map_err(|e| bad_file(file, format!("cannot be read as an XLSX workbook: {e}")))?;
        if part.size() > MAX_UNPACKED_BYTES - unpacked {
            return Err(too_big());
        }
        let name = part.name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        let left = MAX_UNPACKED_BYTES - unpacked;
        let read_error = |e: std::io::Error| bad_file(file, format!("part `{name}` cannot be unpacked: {e}"));
        let mut limited = (&mut part).take(left + 1);
        let n = if name.ends_with("sharedstrings.xml") {
            let mut bytes = Vec::new();
            limited.read_to_end(&mut bytes).map_err(read_error)?;
            check_shared_strings(&bytes, file)?;
            bytes.len() as u64
        } else {
            std::io::copy(&mut limited, &mut std::io::sink()).map_err(read_error)?
        };
        if n > left {
            return Err(too_big());
        }
        unpacked += n;
    }
    Ok(())
}

/// The shared-strings table: the count it declares (which a reader may reserve room for) and
/// the entries it holds, each within [`MAX_SHARED_STRINGS`].
fn check_shared_strings(xml: &[u8], file: &str) -> Result<(), AppError> {
    let refuse = |n: u64| {
        bad_file(
            file,
            format!(
                "has a shared-strings table of {n} entries; an XLSX workbook may have at most {MAX_SHARED_STRINGS}"
            ),
        )
    };
    let attribute = b"uniqueCount=\"";
    if let Some(at) = xml.windows(attribute.len()).take(4096).position(|w| w == attribute) {
        let digits: Vec<u8> =
            xml[at + attribute.len()..].iter().take_while(|b| b.is_ascii_digit()).take(20).copied().collect();
        let n = std::str::from_utf8(&digits).ok().and_then(|d| d.parse::<u64>().ok()).unwrap_or(u64::MAX);
        if n > MAX_SHARED_STRINGS {
            return Err(refuse(n));
        }
    }
    let entries = count_opening_tags(xml, b"si");
    if entries > MAX_SHARED_STRINGS {
        return Err(refuse(entries));
    }
    Ok(())
}

/// How many elements named `name` (with or without a namespace prefix) open in `xml`.
fn count_opening_tags(xml: &[u8], name: &[u8]) -> u64 {
    let mut count = 0;
    let mut i = 0;
    while let Some(offset) = xml.get(i..).and_then(|rest| rest.iter().position(|b| *b == b'<')) {
        let start = i + offset + 1;
        let tag_end = xml[start..]
            .iter()
            .position(|b| matches!(b, b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r'))
            .map_or(xml.len(), |p| start + p);
        let tag = &xml[start..tag_end];
        let local = tag.rsplit(|b| *b == b':').next().unwrap_or(tag);
        if local == name && !tag.is_empty() {
            count += 1;
        }
        i = tag_end.max(start);
    }
    count
}

/// Read the sheet named `wanted` (any case), or the first, cell by cell within the limits:
/// the header row (the first row with a value) and the rows under it, each cell at the
/// index of its column.
pub(crate) fn read_sheet(path: &Path, file: &str, wanted: &str) -> Result<(RawRow, Vec<RawRow>), AppError> {
    check_parts(path, file)?;
    let mut workbook: Xlsx<_> = calamine::open_workbook(path)
        .map_err(|e| bad_file(file, format!("cannot be read as an XLSX workbook: {e}")))?;
    let names = workbook.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(wanted))
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| bad_file(file, "has no sheets"))?;
    let sheet_error = |e: calamine::XlsxError| bad_file(file, format!("sheet `{sheet}` cannot be read: {e}"));
    let mut cells = workbook.worksheet_cells_reader(&sheet).map_err(sheet_error)?;
    let declared = cells.dimensions();
    if declared.end.0 >= MAX_ROWS || declared.end.1 >= MAX_COLUMNS {
        return Err(bad_file(
            file,
            format!(
                "sheet `{sheet}` declares cells up to {}{}; {}",
                column_letters(declared.end.1 as usize),
                u64::from(declared.end.0) + 1,
                size_rule()
            ),
        ));
    }
    let mut rows: BTreeMap<u32, Vec<(u32, CellText)>> = BTreeMap::new();
    let (mut count, mut text_bytes) = (0usize, 0usize);
    while let Some(cell) = cells.next_cell().map_err(sheet_error)? {
        count += 1;
        if count > MAX_CELLS {
            return Err(bad_file(
                file,
                format!("sheet `{sheet}` holds more than {MAX_CELLS} cells; a sheet may hold at most {MAX_CELLS}"),
            ));
        }
        let (row, column) = cell.get_position();
        if row >= MAX_ROWS || column >= MAX_COLUMNS {
            return Err(bad_file(
                file,
                format!(
                    "sheet `{sheet}` has a cell at {}{}; {}",
                    column_letters(column as usize),
                    u64::from(row) + 1,
                    size_rule()
                ),
            ));
        }
        let value = Data::from(cell.get_value().clone());
        if value == Data::Empty {
            continue;
        }
        let text = text_of(value);
        text_bytes += text.as_ref().map_or_else(String::len, String::len);
        if text_bytes > MAX_TEXT_BYTES {
            return Err(bad_file(
                file,
                format!(
                    "sheet `{sheet}` holds more than {} MB of text; a sheet may hold at most {} MB",
                    MAX_TEXT_BYTES / (1024 * 1024),
                    MAX_TEXT_BYTES / (1024 * 1024)
                ),
            ));
        }
        rows.entry(row).or_default().push((column, text));
    }
    // Each row is laid out up to its last cell: a few cells far to the right on every row
    // would otherwise cost far more than the cells themselves.
    let places: usize = rows.values().map(|cells| cells.iter().map(|(c, _)| *c as usize + 1).max().unwrap_or(0)).sum();
    if places > MAX_PLACES {
        return Err(bad_file(
            file,
            format!(
                "sheet `{sheet}` spreads its cells over more than {MAX_PLACES} places (each row up to its last cell); \
                 a sheet may use at most {MAX_PLACES} (delete the cells far to the right of the columns)"
            ),
        ));
    }
    let mut rows = rows.into_iter().map(|(row, row_cells)| {
        let width = row_cells.iter().map(|(c, _)| *c as usize + 1).max().unwrap_or(0);
        let mut out = vec![String::new(); width];
        let mut broken = Vec::new();
        for (column, text) in row_cells {
            let at = column as usize;
            match text {
                Ok(t) => out[at] = t,
                Err(e) => {
                    broken.push((at, e.clone()));
                    out[at] = e;
                }
            }
        }
        broken.sort();
        RawRow { number: row as usize + 1, cells: out, broken }
    });
    let header = rows.next().ok_or_else(|| bad_file(file, "is empty; the first row must name the columns"))?;
    Ok((header, rows.collect()))
}

/// A cell's text, or the spreadsheet error it holds.
type CellText = Result<String, String>;

/// A cell as the import reads it; a spreadsheet error (`#N/A`) as `Err`.
fn text_of(cell: Data) -> CellText {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => unguard(s),
        Data::Int(i) => i.to_string(),
        // Whole numbers typed into a cell (employee numbers, pay points) read as "37".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) if d.is_datetime() => dt.date().format("%Y-%m-%d").to_string(),
            _ => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s,
        Data::Error(e) => return Err(e.to_string()),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::io::Write;
    use std::path::PathBuf;

    use zip::write::SimpleFileOptions;

    use super::*;
    use crate::import::Sheet;

    const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
    const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Workers" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

    fn sheet_xml(dimension: &str, rows: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
        )
    }

    /// A workbook with one `Workers` sheet, hand-made part by part (so it can lie as a
    /// hostile file does), deflated; `extra` parts are added as given.
    fn workbook(tag: &str, sheet: &str, shared: Option<&str>, extra: &[(&str, &[u8])]) -> PathBuf {
        let path = std::env::temp_dir().join(format!("pathway-hostile-{tag}-{}.xlsx", std::process::id()));
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let mut parts: Vec<(&str, &[u8])> = vec![
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", ROOT_RELS.as_bytes()),
            ("xl/workbook.xml", WORKBOOK.as_bytes()),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ];
        if let Some(s) = shared {
            parts.push(("xl/sharedStrings.xml", s.as_bytes()));
        }
        parts.extend_from_slice(extra);
        for (name, bytes) in parts {
            zip.start_file(name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
        path
    }

    fn refusal(path: &Path) -> String {
        let err = Sheet::open(path).unwrap_err();
        let _ = std::fs::remove_file(path);
        assert_eq!(err.code(), "bad_input", "{err}");
        err.to_string()
    }

    #[test]
    fn a_small_honest_workbook_made_this_way_reads_cell_by_cell() {
        let sheet = sheet_xml(
            "A1:C2",
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>employee_number</t></is></c><c r="C1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1001</v></c><c r="C2" t="inlineStr"><is><t>Ann</t></is></c></row>"#,
        );
        let shared = r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>first_name</t></si></sst>"#;
        let path = workbook("honest", &sheet, Some(shared), &[]);
        let read = Sheet::open(&path).unwrap();
        assert_eq!(read.headers, ["employee_number", "", "first_name"]);
        let rows: Vec<RawRow> = read.rows.map(Result::unwrap).collect();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].number, rows[0].cells.as_slice()),
            (2, &["1001".to_owned(), String::new(), "Ann".to_owned()][..])
        );
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_tiny_workbook_with_one_cell_at_xfd1048576_is_refused_not_allocated() {
        // Declared by the sheet's dimension...
        let declared =
            workbook("declared", &sheet_xml("A1:XFD1048576", r#"<row r="1"><c r="A1"><v>1</v></c></row>"#), None, &[]);
        let message = refusal(&declared);
        assert!(message.contains("declares cells up to XFD1048576"), "{message}");
        assert!(message.contains("at most 100000 rows and 500 columns"), "{message}");
        // ...or only by the cell itself.
        let present = workbook(
            "present",
            &sheet_xml(
                "A1",
                r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
            ),
            None,
            &[],
        );
        let message = refusal(&present);
        assert!(message.contains("has a cell at XFD1048576"), "{message}");
    }

    #[test]
    fn a_shared_strings_table_claiming_billions_of_entries_is_refused() {
        let sheet = sheet_xml("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
        let claims = r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="4000000000"><si><t>x</t></si></sst>"#;
        let message = refusal(&workbook("claims", &sheet, Some(claims), &[]));
        assert!(message.contains("shared-strings table of 4000000000 entries"), "{message}");
        // Two million empty entries compress to a few kilobytes.
        let many = format!(
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{}</sst>"#,
            "<si/>".repeat(2_000_000)
        );
        let message = refusal(&workbook("many", &sheet, Some(&many), &[]));
        assert!(message.contains("shared-strings table of 2000000 entries"), "{message}");
    }

    #[test]
    fn a_part_that_unpacks_past_the_limit_is_refused() {
        let sheet = sheet_xml("A1", r#"<row r="1"><c r="A1"><v>1</v></c></row>"#);
        let padding = vec![b' '; usize::try_from(MAX_UNPACKED_BYTES).unwrap() + 1];
        let message = refusal(&workbook("bomb", &sheet, None, &[("xl/media/padding.xml", &padding)]));
        assert!(message.contains("may unpack to at most 64 MB"), "{message}");
    }

    #[test]
    fn one_long_shared_string_repeated_in_many_cells_is_refused() {
        let shared = format!(
            r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{}</t></si></sst>"#,
            "x".repeat(1024 * 1024)
        );
        let cells: String = (1..=70).map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#)).collect();
        let message = refusal(&workbook("repeated", &sheet_xml("A1:A70", &cells), Some(&shared), &[]));
        assert!(message.contains("holds more than 64 MB of text"), "{message}");
    }

    #[test]
    fn one_cell_far_to_the_right_on_every_row_is_refused() {
        let rows: String = (1..=20_000)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>1</v></c><c r="SE{r}"><v>1</v></c></row>"#))
            .collect();
        let message = refusal(&workbook("wide", &sheet_xml("A1", &rows), None, &[]));
        assert!(message.contains("spreads its cells over more than 4000000 places"), "{message}");
    }

    #[test]
    fn a_sheet_of_more_than_a_million_cells_is_refused() {
        let row: String = (0..500).map(|c| format!(r#"<c r="{}1"><v>1</v></c>"#, column_letters(c))).collect();
        let rows: String =
            (1..=2_001).map(|r| format!(r#"<row r="{r}">{}</row>"#, row.replace("1\"", &format!("{r}\"")))).collect();
        let message = refusal(&workbook("cells", &sheet_xml("A1", &rows), None, &[]));
        assert!(message.contains("holds more than 1000000 cells"), "{message}");
    }
}
