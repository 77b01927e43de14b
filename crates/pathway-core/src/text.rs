//! Values written as text that more than one ring reads or writes: calendar dates as people
//! and spreadsheets type them, and bytes (a SHA-256 digest) as hexadecimal. One reader and
//! one writer each, so the CLI, an import and the store cannot drift apart.

use std::fmt::Write as _;

use chrono::NaiveDate;

/// How to write a date, for the end of an error message.
const HOW: &str = "write dates as YYYY-MM-DD or DD/MM/YYYY";

/// Read a calendar date as a person or a spreadsheet writes it.
///
/// Accepted forms:
/// - `2024-02-29`, the ISO form; month and day may drop a leading zero (`2024-2-9`);
/// - `29/02/2024`, the UK form, day first (`3/4/2024` is 3 April);
/// - either followed by the midnight time a spreadsheet adds when it saves a date cell as
///   text: ` 00:00:00`, `T00:00:00` or ` 00:00`;
/// - with spaces around the date or its parts.
///
/// The year is written in full, as four digits: `24` could be 1924 or 2024, so it is refused
/// rather than guessed. The error completes a sentence whose subject is the text
/// ("is not a date: February 2023 has no day 29"), so the caller can name the field.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let trimmed = text.trim();
    let date = trimmed
        .strip_suffix(" 00:00:00")
        .or_else(|| trimmed.strip_suffix("T00:00:00"))
        .or_else(|| trimmed.strip_suffix(" 00:00"))
        .unwrap_or(trimmed);
    // Year, month, day, whichever order the text uses.
    let parts: Vec<&str> = if date.contains('/') {
        match date.split('/').map(str::trim).collect::<Vec<_>>()[..] {
            [day, month, year] => vec![year, month, day],
            _ => Vec::new(),
        }
    } else {
        match date.split('-').map(str::trim).collect::<Vec<_>>()[..] {
            [year, month, day] if year.len() == 4 => vec![year, month, day],
            _ => Vec::new(),
        }
    };
    // Digits only: `parse` alone would also take a sign (`+4`).
    let numbers: Vec<u32> = parts
        .iter()
        .filter(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
        .filter_map(|part| part.parse().ok())
        .collect();
    let [year, month, day] = numbers[..] else {
        return Err(format!("is not a date; {HOW}"));
    };
    if parts[0].len() != 4 {
        return Err(format!("is not a date: write the year in full; {HOW}"));
    }
    let Ok(year) = i32::try_from(year) else {
        return Err(format!("is not a date; {HOW}"));
    };
    if !(1..=12).contains(&month) {
        return Err(format!("is not a date: there is no month {month} (dates are day/month/year); {HOW}"));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        let month_name =
            NaiveDate::from_ymd_opt(year, month, 1).map(|first| first.format("%B %Y").to_string()).unwrap_or_default();
        format!("is not a date: {month_name} has no day {day}")
    })
}

/// Read a date given as a command argument: the ISO form only (`2025-04-01`). An argument
/// is typed by someone who can be asked to be exact, and `1/4/2025` would be read as January
/// by anyone used to month-first dates, so only the unambiguous form is taken.
pub fn parse_iso_date(text: &str) -> Result<NaiveDate, String> {
    if text.contains('/') {
        return Err("is not a date; write YYYY-MM-DD, e.g. 2025-04-01".into());
    }
    parse_date(text)
}

/// Bytes as lowercase hexadecimal, two digits a byte: how Pathway writes SHA-256 digests of
/// framework files and evidence files.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
        // Writing to a String cannot fail.
        let _ = write!(out, "{byte:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn every_form_the_cli_and_the_import_accepted_is_read() {
        let cases = [
            // The CLI's YYYY-MM-DD, including what its chrono format let through.
            ("2025-04-01", day(2025, 4, 1)),
            ("2025-4-1", day(2025, 4, 1)),
            ("2025-04-1", day(2025, 4, 1)),
            (" 2025-04-01", day(2025, 4, 1)),
            ("2025- 4-01", day(2025, 4, 1)),
            // The import's spreadsheet forms.
            ("29/02/2024", day(2024, 2, 29)),
            ("3/4/2024", day(2024, 4, 3)),
            ("2024-04-03 00:00:00", day(2024, 4, 3)),
            ("2024-04-03T00:00:00", day(2024, 4, 3)),
            ("03/04/2024 00:00", day(2024, 4, 3)),
            ("  2024-02-29  ", day(2024, 2, 29)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_date(text), Ok(want), "{text:?}");
        }
    }

    #[test]
    fn a_command_argument_takes_the_iso_form_only() {
        assert!(parse_iso_date("1/4/2025").is_err_and(|reason| reason.contains("YYYY-MM-DD")));
        assert_eq!(parse_iso_date("2025-04-01"), Ok(NaiveDate::from_ymd_opt(2025, 4, 1).unwrap_or_default()));
    }

    #[test]
    fn a_date_that_does_not_exist_or_is_ambiguous_is_refused_with_the_reason() {
        assert_eq!(parse_date("29/02/2023"), Err("is not a date: February 2023 has no day 29".into()));
        assert_eq!(
            parse_date("04/13/2024"),
            Err("is not a date: there is no month 13 (dates are day/month/year); write dates as YYYY-MM-DD or DD/MM/YYYY"
                .into())
        );
        assert!(parse_date("03/04/24").unwrap_err().contains("year in full"));
        for bad in ["yesterday", "2024/04/03x", "45383", "2024-4", "", "25-04-01", "+2025-04-01", "2025-+4-01"] {
            assert!(parse_date(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn bytes_are_written_as_two_lowercase_hex_digits_each() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex(&[]), "");
    }
}
