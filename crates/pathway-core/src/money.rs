//! Money as integer pence. Never floats.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// An amount of money in whole pence. Annual salaries and allowances use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Pence(pub i64);

impl Pence {
    /// Zero pence.
    pub const ZERO: Pence = Pence(0);

    /// An amount of whole pounds written in code. It saturates rather than wrap; figures
    /// read from files go through [`Pence::checked_pounds`] instead.
    pub const fn pounds(pounds: i64) -> Pence {
        Pence(pounds.saturating_mul(100))
    }

    /// An amount of whole pounds, or `None` when it is too large to hold in pence.
    pub const fn checked_pounds(pounds: i64) -> Option<Pence> {
        match pounds.checked_mul(100) {
            Some(pence) => Some(Pence(pence)),
            None => None,
        }
    }

    /// The sum, or `None` when it is too large to hold. Money from files is added only this
    /// way: an absurd figure gives an answer that says it cannot count, never a wrong one.
    pub const fn checked_add(self, other: Pence) -> Option<Pence> {
        match self.0.checked_add(other.0) {
            Some(pence) => Some(Pence(pence)),
            None => None,
        }
    }

    /// The difference, or `None` when it is too large to hold.
    pub const fn checked_sub(self, other: Pence) -> Option<Pence> {
        match self.0.checked_sub(other.0) {
            Some(pence) => Some(Pence(pence)),
            None => None,
        }
    }

    /// The total of some amounts, or `None` when it is too large to hold.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Pence>) -> Option<Pence> {
        amounts.into_iter().try_fold(Pence::ZERO, Pence::checked_add)
    }

    /// The amount in pence.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// Parse the way framework files and people write money: `31824`, `"£31,824"`,
    /// `"31824.50"`. A bare number is whole pounds.
    pub fn parse(text: &str) -> Result<Pence, String> {
        let trimmed = text.trim();
        let cleaned: String = trimmed.trim_start_matches('£').chars().filter(|c| *c != ',' && *c != '_').collect();
        if cleaned.is_empty() {
            return Err(format!("`{text}` is not an amount of money"));
        }
        let (whole, fraction) = match cleaned.split_once('.') {
            Some((w, f)) => (w, f),
            None => (cleaned.as_str(), ""),
        };
        if whole.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !fraction.chars().all(|c| c.is_ascii_digit())
            || fraction.len() > 2
        {
            return Err(format!("`{text}` is not an amount of money; write whole pounds like 31824 or \"£31,824.50\""));
        }
        let pounds: i64 = whole.parse().map_err(|_| format!("`{text}` is too large an amount"))?;
        let pence: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().unwrap_or(0) * 10,
            _ => fraction.parse::<i64>().unwrap_or(0),
        };
        pounds
            .checked_mul(100)
            .and_then(|p| p.checked_add(pence))
            .map(Pence)
            .ok_or_else(|| format!("`{text}` is too large an amount"))
    }
}

impl fmt::Display for Pence {
    /// `£33,582` for whole pounds, `£33,582.50` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let negative = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let pounds = abs / 100;
        let pence = abs % 100;
        let digits = pounds.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if negative {
            f.write_str("-")?;
        }
        if pence == 0 { write!(f, "£{grouped}") } else { write!(f, "£{grouped}.{pence:02}") }
    }
}

impl<'de> Deserialize<'de> for Pence {
    /// Pence as written by `Serialize`: an integer number of pence, so values round-trip.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        i64::deserialize(deserializer).map(Pence)
    }
}

/// Money as people write it in framework files: whole pounds (`31824`) or a string with
/// pence (`"£31,824.50"`). Never negative.
pub fn from_file<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Pence, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Pounds(i64),
        Text(String),
    }
    match Raw::deserialize(deserializer).map_err(|_| {
        serde::de::Error::custom("expected money: whole pounds like 31824 or a string like \"£31,824.50\"")
    })? {
        Raw::Pounds(p) if p >= 0 => Pence::checked_pounds(p)
            .ok_or_else(|| serde::de::Error::custom(format!("`{p}` is too large an amount of money"))),
        Raw::Pounds(p) => Err(serde::de::Error::custom(format!("money cannot be negative (got {p})"))),
        Raw::Text(t) => Pence::parse(&t).map_err(serde::de::Error::custom),
    }
}

/// [`from_file`] for an optional field.
pub fn from_file_opt<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Pence>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "from_file")] Pence);
    Option::<Wrap>::deserialize(deserializer).map(|w| w.map(|Wrap(p)| p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_ways_documents_print_money() {
        assert_eq!(Pence::parse("31824"), Ok(Pence(3_182_400)));
        assert_eq!(Pence::parse("£31,824"), Ok(Pence(3_182_400)));
        assert_eq!(Pence::parse("£31,824.5"), Ok(Pence(3_182_450)));
        assert_eq!(Pence::parse("31824.05"), Ok(Pence(3_182_405)));
        assert!(Pence::parse("thirty").is_err());
        assert!(Pence::parse("1.234").is_err());
        assert!(Pence::parse("").is_err());
    }

    #[test]
    fn arithmetic_too_large_to_hold_says_so_instead_of_wrapping() {
        let huge = Pence(i64::MAX - 5);
        assert_eq!(huge.checked_add(Pence(5)), Some(Pence(i64::MAX)));
        assert_eq!(huge.checked_add(Pence(6)), None);
        assert_eq!(Pence(i64::MIN).checked_sub(Pence(1)), None);
        assert_eq!(Pence::checked_sum([Pence(1), Pence(2)]), Some(Pence(3)));
        assert_eq!(Pence::checked_sum([huge, huge]), None);
        assert_eq!(Pence::checked_pounds(i64::MAX / 100), Some(Pence(i64::MAX / 100 * 100)));
        assert_eq!(Pence::checked_pounds(i64::MAX / 100 + 1), None);
    }

    #[test]
    fn pence_round_trip_through_json() {
        let p = Pence(4_928_200);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, "4928200");
        assert_eq!(serde_json::from_str::<Pence>(&json).unwrap(), p);
    }

    #[test]
    fn displays_pounds_with_thousands_separators() {
        assert_eq!(Pence::pounds(39_897).to_string(), "£39,897");
        assert_eq!(Pence(225_150).to_string(), "£2,251.50");
        assert_eq!(Pence(99).to_string(), "£0.99");
        assert_eq!(Pence::pounds(1_000_000).to_string(), "£1,000,000");
    }
}
