//! Mainland China phone numbers: mobiles and landlines, normalised to one canonical form.
//!
//! Canonical forms: mobile "13812345678"; landline "0571-88888888", with an extension
//! "0571-88888888-8001". Area codes are 3 digits for 010 and 020–029 and 4 digits for all
//! others, which is what lets a landline typed without separators be split unambiguously.

use std::fmt;

use thiserror::Error;

use super::normalize::half_width;
use crate::mask::mask_middle;

/// Words that introduce an extension; the order does not matter, the earliest one wins.
const EXTENSION_MARKERS: [&str; 4] = ["分机", "转", "ext", "#"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneKind {
    Mobile,
    Landline,
}

/// A valid phone number. Displays masked ("138****5678"); [`Phone::as_str`] gives it in full.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone {
    canonical: String,
    mobile: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhoneError {
    #[error("请填写电话号码")]
    Empty,
    #[error("电话号码中有无效字符“{0}”")]
    BadCharacter(char),
    #[error("仅支持中国大陆电话号码")]
    Foreign,
    #[error("手机号码应为 11 位，现为 {0} 位")]
    MobileLength(usize),
    #[error("手机号码第 2 位应为 3—9")]
    MobilePrefix,
    #[error("手机号码不能带分机号")]
    MobileExtension,
    #[error("固定电话请带区号，如 0571-88888888")]
    MissingAreaCode,
    #[error("区号“{0}”无效")]
    BadAreaCode(String),
    #[error("固定电话号码（不含区号）应为 7—8 位，现为 {0} 位")]
    LocalLength(usize),
    #[error("固定电话号码（不含区号）不能以 0 或 1 开头")]
    LocalPrefix,
    #[error("分机号“{0}”无效，应为 1—6 位数字")]
    BadExtension(String),
}

/// Parses a typed number: spaces, hyphens, parentheses, full-width characters and a +86 or
/// 0086 prefix are accepted; an extension may follow 转, 分机, ext, # or a last hyphen.
pub fn parse(input: &str) -> Result<Phone, PhoneError> {
    let text: String = half_width(input)
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')'))
        .collect();
    let (main, explicit_extension) = split_extension(&text);
    let (main, international) = strip_country_prefix(main)?;
    let groups: Vec<&str> = main.split('-').filter(|g| !g.is_empty()).collect();
    if let Some(c) = groups
        .iter()
        .flat_map(|g| g.chars())
        .find(|c| !c.is_ascii_digit())
    {
        return Err(PhoneError::BadCharacter(c));
    }
    let digits = groups.concat();
    if digits.is_empty() {
        return Err(PhoneError::Empty);
    }
    // Written internationally, Beijing's 010 loses its 0 and looks like a mobile's leading 1.
    let beijing_abroad = international && digits.starts_with("10");
    if digits.starts_with('1') && !beijing_abroad {
        return match explicit_extension {
            Some(_) => Err(PhoneError::MobileExtension),
            None => mobile(digits),
        };
    }
    landline(&groups, explicit_extension, international)
}

impl Phone {
    pub fn kind(&self) -> PhoneKind {
        if self.mobile {
            PhoneKind::Mobile
        } else {
            PhoneKind::Landline
        }
    }

    /// The full canonical number: use only where the unmasked value is needed.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// Mobile "138****5678"; landline "0571-****8888" (area code and extension kept).
    pub fn mask(&self) -> String {
        if self.mobile {
            return mask_middle(&self.canonical, 3, 4);
        }
        let mut parts = self.canonical.split('-');
        let area = parts.next().unwrap_or_default();
        let local = mask_middle(parts.next().unwrap_or_default(), 0, 4);
        match parts.next() {
            Some(extension) => format!("{area}-{local}-{extension}"),
            None => format!("{area}-{local}"),
        }
    }
}

/// The form a phone is looked up by: the canonical number's digits only ("13812345678",
/// "057188888888"). Cases keep the number as typed and this key beside it, indexed, so that
/// "138 1234 5678" finds "13812345678". A text that does not parse keeps its digits only.
pub fn lookup_key(typed: &str) -> String {
    let text = match parse(typed) {
        Ok(p) => p.canonical,
        Err(_) => half_width(typed),
    };
    text.chars().filter(char::is_ascii_digit).collect()
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.mask())
    }
}

/// Masked too, so that logging a value by accident does not leak the number.
impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.mask())
    }
}

fn split_extension(text: &str) -> (&str, Option<&str>) {
    let earliest = EXTENSION_MARKERS
        .iter()
        .filter_map(|m| text.find(m).map(|at| (at, m.len())))
        .min();
    match earliest {
        Some((at, len)) => {
            let extension = text[at + len..].trim_start_matches(['.', ':', '-']);
            (&text[..at], Some(extension))
        }
        None => (text, None),
    }
}

/// Returns the number without a +86/0086 prefix and whether there was one.
fn strip_country_prefix(text: &str) -> Result<(&str, bool), PhoneError> {
    for prefix in ["+86", "0086"] {
        if let Some(rest) = text.strip_prefix(prefix) {
            return Ok((rest, true));
        }
    }
    if text.starts_with('+') {
        return Err(PhoneError::Foreign);
    }
    Ok((text, false))
}

fn mobile(digits: String) -> Result<Phone, PhoneError> {
    if digits.len() != 11 {
        return Err(PhoneError::MobileLength(digits.len()));
    }
    if !matches!(digits.as_bytes()[1], b'3'..=b'9') {
        return Err(PhoneError::MobilePrefix);
    }
    Ok(Phone {
        canonical: digits,
        mobile: true,
    })
}

/// Without an explicit marker, a last hyphenated group is an extension only if what precedes
/// it is a whole landline: "0571-88888888-8001" has one, "0571-8888-8888" does not.
fn landline(
    groups: &[&str],
    explicit_extension: Option<&str>,
    international: bool,
) -> Result<Phone, PhoneError> {
    if let (None, [rest @ .., last]) = (explicit_extension, groups)
        && rest.len() >= 2
        && last.len() <= 6
        && let Ok(phone) = landline_number(rest.concat(), Some(last), international)
    {
        return Ok(phone);
    }
    landline_number(groups.concat(), explicit_extension, international)
}

fn landline_number(
    mut digits: String,
    extension: Option<&str>,
    international: bool,
) -> Result<Phone, PhoneError> {
    // Written internationally the area code loses its trunk prefix 0: +86 571 …
    if international && !digits.starts_with('0') {
        digits.insert(0, '0');
    }
    if !digits.starts_with('0') {
        return Err(PhoneError::MissingAreaCode);
    }
    if digits.starts_with("00") {
        return Err(PhoneError::Foreign);
    }
    let area_len = if digits.starts_with("01") || digits.starts_with("02") {
        3
    } else {
        4
    };
    let (area, local) = digits.split_at(area_len.min(digits.len()));
    if area.starts_with("01") && area != "010" {
        return Err(PhoneError::BadAreaCode(area.to_string()));
    }
    if !(7..=8).contains(&local.len()) {
        return Err(PhoneError::LocalLength(local.len()));
    }
    if local.starts_with(['0', '1']) {
        return Err(PhoneError::LocalPrefix);
    }
    let canonical = match extension {
        Some(ext) if (1..=6).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{area}-{local}-{ext}")
        }
        Some(ext) => return Err(PhoneError::BadExtension(ext.to_string())),
        None => format!("{area}-{local}"),
    };
    Ok(Phone {
        canonical,
        mobile: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_keys_ignore_how_a_number_was_typed() {
        assert_eq!(lookup_key("138 1234 5678"), "13812345678");
        assert_eq!(lookup_key("+86 138-1234-5678"), "13812345678");
        assert_eq!(lookup_key("（0571）88888888"), "057188888888");
        assert_eq!(lookup_key("0571-88888888"), "057188888888");
        assert_eq!(lookup_key("不是号码 12"), "12");
    }

    fn canonical(input: &str) -> String {
        parse(input)
            .unwrap_or_else(|e| panic!("{input}: {e}"))
            .as_str()
            .to_string()
    }

    #[test]
    fn mobiles_are_normalised() {
        for typed in [
            "13812345678",
            "138 1234 5678",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+8613812345678",
            "0086-13812345678",
            "１３８１２３４５６７８",
        ] {
            assert_eq!(canonical(typed), "13812345678", "{typed}");
        }
        let phone = parse("13812345678").unwrap();
        assert_eq!(phone.kind(), PhoneKind::Mobile);
    }

    #[test]
    fn every_mobile_second_digit_from_3_to_9_is_accepted() {
        for second in 0..=9 {
            let result = parse(&format!("1{second}812345678"));
            if second >= 3 {
                assert!(result.is_ok(), "1{second}…");
            } else {
                assert_eq!(result, Err(PhoneError::MobilePrefix), "1{second}…");
            }
        }
    }

    #[test]
    fn mobiles_of_wrong_length_are_refused() {
        assert_eq!(parse("1381234567"), Err(PhoneError::MobileLength(10)));
        assert_eq!(parse("138123456789"), Err(PhoneError::MobileLength(12)));
        assert_eq!(
            parse("1381234567").unwrap_err().to_string(),
            "手机号码应为 11 位，现为 10 位"
        );
        assert_eq!(parse("13812345678转1"), Err(PhoneError::MobileExtension));
    }

    #[test]
    fn landlines_are_normalised() {
        let cases = [
            ("0571-88888888", "0571-88888888"),
            ("057188888888", "0571-88888888"),
            ("0571 8888 8888", "0571-88888888"),
            ("(0571)88888888", "0571-88888888"),
            ("（０５７１）８８８８８８８８", "0571-88888888"),
            ("0571-8888-8888", "0571-88888888"),
            ("+86 571 88888888", "0571-88888888"),
            ("0086-571-88888888", "0571-88888888"),
            ("010-62345678", "010-62345678"),
            ("01062345678", "010-62345678"),
            ("+86 10 6234 5678", "010-62345678"),
            ("021-5234567", "021-5234567"),
            ("0575-8123456", "0575-8123456"),
        ];
        for (typed, expected) in cases {
            assert_eq!(canonical(typed), expected, "{typed}");
        }
        assert_eq!(parse("0571-88888888").unwrap().kind(), PhoneKind::Landline);
    }

    #[test]
    fn extensions_are_recognised() {
        let cases = [
            ("0571-88888888-8001", "0571-88888888-8001"),
            ("0571-88888888转8001", "0571-88888888-8001"),
            ("0571 88888888 分机 8001", "0571-88888888-8001"),
            ("0571-88888888 ext. 8001", "0571-88888888-8001"),
            ("0571-88888888 EXT 8001", "0571-88888888-8001"),
            ("0571-88888888#8001", "0571-88888888-8001"),
            ("+86-571-88888888-8001", "0571-88888888-8001"),
            ("0571-8888888-8", "0571-8888888-8"),
        ];
        for (typed, expected) in cases {
            assert_eq!(canonical(typed), expected, "{typed}");
        }
    }

    #[test]
    fn canonical_forms_parse_to_themselves() {
        for canonical_form in ["13812345678", "0571-88888888", "010-62345678-12"] {
            assert_eq!(canonical(canonical_form), canonical_form);
        }
    }

    #[test]
    fn landline_errors_say_what_is_wrong() {
        assert_eq!(parse("88888888"), Err(PhoneError::MissingAreaCode));
        assert_eq!(
            parse("88888888").unwrap_err().to_string(),
            "固定电话请带区号，如 0571-88888888"
        );
        assert_eq!(parse("0571-888888"), Err(PhoneError::LocalLength(6)));
        assert_eq!(parse("0571-888888888"), Err(PhoneError::LocalLength(9)));
        assert_eq!(parse("0571-08888888"), Err(PhoneError::LocalPrefix));
        assert_eq!(parse("0571-18888888"), Err(PhoneError::LocalPrefix));
        assert_eq!(
            parse("011-62345678"),
            Err(PhoneError::BadAreaCode("011".into()))
        );
        assert_eq!(parse("057"), Err(PhoneError::LocalLength(0)));
        assert_eq!(
            parse("0571-88888888转abc"),
            Err(PhoneError::BadExtension("abc".into()))
        );
        assert_eq!(
            parse("0571-88888888转1234567"),
            Err(PhoneError::BadExtension("1234567".into()))
        );
        assert_eq!(
            parse("0571-88888888转"),
            Err(PhoneError::BadExtension(String::new()))
        );
    }

    #[test]
    fn foreign_empty_and_garbled_numbers_are_refused() {
        assert_eq!(parse("+1 212 555 0100"), Err(PhoneError::Foreign));
        assert_eq!(parse("001-212-5550100"), Err(PhoneError::Foreign));
        assert_eq!(parse(""), Err(PhoneError::Empty));
        assert_eq!(parse("  - "), Err(PhoneError::Empty));
        assert_eq!(parse("+86"), Err(PhoneError::Empty));
        assert_eq!(parse("138a2345678"), Err(PhoneError::BadCharacter('a')));
        assert_eq!(
            parse("电话13812345678").unwrap_err().to_string(),
            "电话号码中有无效字符“电”"
        );
    }

    #[test]
    fn masks_the_middle() {
        let mobile = parse("13812345678").unwrap();
        assert_eq!(mobile.mask(), "138****5678");
        assert_eq!(mobile.to_string(), "138****5678");
        assert_eq!(format!("{mobile:?}"), "Phone(138****5678)");
        assert_eq!(parse("0571-88886666").unwrap().mask(), "0571-****6666");
        assert_eq!(parse("021-5234567").unwrap().mask(), "021-***4567");
        assert_eq!(
            parse("0571-88886666-8001").unwrap().mask(),
            "0571-****6666-8001"
        );
    }
}
