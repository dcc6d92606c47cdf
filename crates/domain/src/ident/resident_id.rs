//! Resident ID numbers (公民身份号码) per GB 11643-1999.
//!
//! Layout: 6-digit address code, 8-digit birth date, 3-digit sequence (odd = male), check
//! character (ISO 7064 MOD 11-2, `X` = 10). The address code is where the person was first
//! registered and never changes, so codes abolished since (下城区, 江干区) and codes newer than
//! our table (any county outside it) are accepted with at most a warning; only the province
//! digits are a closed list.

use std::fmt;

use thiserror::Error;
use time::{Date, Month};

use super::division::{self, County};
use super::normalize::half_width;
use crate::mask::mask_middle;

/// Weights of positions 1–17: 2^(18-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character indexed by the weighted sum mod 11.
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// A valid 18-character ID number (upper-case `X`).
///
/// Displays masked ("330105********0256"); the full number comes only from [`ResidentId::as_str`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ResidentId {
    number: String,
    birth_date: Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// A parsed number with what the worker should double-check, though it is not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub id: ResidentId,
    pub warnings: Vec<IdWarning>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdWarning {
    #[error("地址码 {code}（{province}）不在本系统的区划表中，号码已接受，请核对")]
    UnknownCounty {
        code: String,
        province: &'static str,
    },
    #[error("15 位旧号码已按国家标准转换为 18 位")]
    ConvertedFromLegacy,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    #[error("身份证号码应为 18 位（旧号码为 15 位），现为 {0} 位")]
    WrongLength(usize),
    #[error("身份证号码第 {position} 位“{found}”无效，该位只能是数字")]
    BadCharacter { position: usize, found: char },
    #[error("身份证号码末位“{0}”无效，末位只能是数字或 X")]
    BadCheckCharacter(char),
    #[error("身份证号码前两位“{0}”不是有效的省级行政区划代码")]
    UnknownProvince(String),
    #[error("身份证号码中的出生日期 {0} 不存在")]
    NoSuchBirthDate(String),
    #[error("身份证号码中的出生日期 {0} 晚于今天")]
    BornInFuture(Date),
    #[error(
        "身份证号码校验码错误：按前 17 位计算末位应为 {expected}，实际为 {found}，请核对号码是否录入有误"
    )]
    BadCheckDigit { expected: char, found: char },
}

/// Parses a typed ID number; `today` bounds the birth date (kept a parameter so this stays pure).
///
/// Accepts full-width characters, spaces and a lower-case `x`; converts 15-digit legacy numbers.
pub fn parse(input: &str, today: Date) -> Result<Parsed, IdError> {
    let cleaned: String = half_width(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let (id, mut warnings) = match cleaned.chars().count() {
        18 => (parse_18(cleaned, today)?, Vec::new()),
        15 => (
            parse_15(&cleaned, today)?,
            vec![IdWarning::ConvertedFromLegacy],
        ),
        n => return Err(IdError::WrongLength(n)),
    };
    warnings.extend(county_warning(id.address_code()));
    Ok(Parsed { id, warnings })
}

/// The check character for 17 leading digits, or `None` if `first17` is not 17 ASCII digits.
pub fn check_digit(first17: &str) -> Option<char> {
    let well_formed = first17.len() == 17 && first17.bytes().all(|b| b.is_ascii_digit());
    well_formed.then(|| compute_check(first17.as_bytes()))
}

impl ResidentId {
    /// The full number: use only where the unmasked value is needed and its display is recorded.
    pub fn as_str(&self) -> &str {
        &self.number
    }

    /// "330105********0256": first six and last four characters.
    pub fn mask(&self) -> String {
        mask_middle(&self.number, 6, 4)
    }

    pub fn address_code(&self) -> &str {
        &self.number[..6]
    }

    /// The county of first registration, if the shipped table knows the code.
    pub fn county(&self) -> Option<&'static County> {
        division::county(self.address_code())
    }

    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// The 17th digit: odd for men, even for women.
    pub fn sex(&self) -> Sex {
        if (self.number.as_bytes()[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.mask())
    }
}

/// Masked too, so that logging a value by accident does not leak the number.
impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.mask())
    }
}

/// Checks run from the most to the least specific, so a typo is reported where it is.
fn parse_18(number: String, today: Date) -> Result<ResidentId, IdError> {
    check_characters(&number)?;
    if division::province_name(&number).is_none() {
        return Err(IdError::UnknownProvince(number[..2].to_string()));
    }
    let birth_date = birth_date(&number[6..14], today)?;
    let expected = compute_check(&number.as_bytes()[..17]);
    let found = char::from(number.as_bytes()[17]);
    if found != expected {
        return Err(IdError::BadCheckDigit { expected, found });
    }
    Ok(ResidentId { number, birth_date })
}

/// A first-generation number: 6-digit address, YYMMDD (all 19xx), 3-digit sequence, no check.
fn parse_15(number: &str, today: Date) -> Result<ResidentId, IdError> {
    if let Some((i, c)) = number
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_digit())
    {
        return Err(IdError::BadCharacter {
            position: i + 1,
            found: c,
        });
    }
    let mut upgraded = format!("{}19{}", &number[..6], &number[6..]);
    upgraded.push(compute_check(upgraded.as_bytes()));
    parse_18(upgraded, today)
}

fn check_characters(number: &str) -> Result<(), IdError> {
    for (i, c) in number.chars().enumerate() {
        if i == 17 && !(c.is_ascii_digit() || c == 'X') {
            return Err(IdError::BadCheckCharacter(c));
        }
        if i < 17 && !c.is_ascii_digit() {
            return Err(IdError::BadCharacter {
                position: i + 1,
                found: c,
            });
        }
    }
    Ok(())
}

/// `yyyymmdd` (already known to be digits) as a real date not after `today`.
fn birth_date(yyyymmdd: &str, today: Date) -> Result<Date, IdError> {
    let shown = format!("{}-{}-{}", &yyyymmdd[..4], &yyyymmdd[4..6], &yyyymmdd[6..]);
    let year: i32 = yyyymmdd[..4].parse().unwrap_or_default();
    let month: u8 = yyyymmdd[4..6].parse().unwrap_or_default();
    let day: u8 = yyyymmdd[6..].parse().unwrap_or_default();
    let date = Month::try_from(month)
        .and_then(|m| Date::from_calendar_date(year, m, day))
        .map_err(|_| IdError::NoSuchBirthDate(shown))?;
    if date > today {
        return Err(IdError::BornInFuture(date));
    }
    Ok(date)
}

/// ISO 7064 MOD 11-2 over 17 ASCII digits.
fn compute_check(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    char::from(CHECK_CHARS[(sum % 11) as usize])
}

/// Abolished codes are known and need no warning; a code we have never heard of might be a typo.
fn county_warning(code: &str) -> Option<IdWarning> {
    if division::county(code).is_some() {
        return None;
    }
    let province = division::province_name(code)?;
    Some(IdWarning::UnknownCounty {
        code: code.to_string(),
        province,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 01 - 01);

    /// The vectors of `shared/reference/gb11643_test_vectors.csv` (number, valid, note).
    const VECTORS: [(&str, bool, &str); 16] = [
        (
            "11010519491231002X",
            true,
            "GB 11643-1999 标准示例，北京市朝阳区 1949-12-31 女",
        ),
        ("360426199101010071", true, "python-stdnum 文档示例"),
        ("330105194503010115", true, "拱墅区 1945 男（高龄样例）"),
        ("330105198808150256", true, "拱墅区 男"),
        ("33010519900212044X", true, "拱墅区 女"),
        ("330103197206090316", true, "下城区旧码 男"),
        ("330104196511201088", true, "江干区旧码 女"),
        ("33011320220105016X", true, "临平区 女婴"),
        ("330114202307300274", true, "钱塘区 男婴"),
        ("330107198501010139", true, "半山区旧码 男"),
        ("330106200002290029", true, "西湖区 闰日 女"),
        ("330102199912319993", true, "上城区 顺序码999 男"),
        ("330105198808150250", false, "校验码错误"),
        ("33010519880815025", false, "17位"),
        ("330105198802300129", false, "2月30日"),
        ("990105198808150259", false, "地址码 99"),
    ];

    /// Appends the check character, so tests can build numbers with any body.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", check_digit(first17).unwrap())
    }

    #[test]
    fn reference_vectors_are_classified_as_documented() {
        for (number, valid, note) in VECTORS {
            assert_eq!(parse(number, TODAY).is_ok(), valid, "{number} {note}");
        }
    }

    #[test]
    fn invalid_reference_vectors_fail_for_their_documented_reason() {
        let err = |n| parse(n, TODAY).unwrap_err();
        assert_eq!(
            err("330105198808150250"),
            IdError::BadCheckDigit {
                expected: '6',
                found: '0'
            }
        );
        assert_eq!(err("33010519880815025"), IdError::WrongLength(17));
        assert_eq!(
            err("330105198802300129"),
            IdError::NoSuchBirthDate("1988-02-30".into())
        );
        assert_eq!(
            err("990105198808150259"),
            IdError::UnknownProvince("99".into())
        );
    }

    #[test]
    fn check_digit_matches_the_standard_example() {
        assert_eq!(check_digit("11010519491231002"), Some('X'));
        assert_eq!(check_digit("33010519880815025"), Some('6'));
        assert_eq!(check_digit("3301051988081502"), None);
        assert_eq!(check_digit("3301051988081502A"), None);
    }

    #[test]
    fn derives_birth_date_and_sex() {
        let id = parse("11010519491231002X", TODAY).unwrap().id;
        assert_eq!(id.birth_date(), date!(1949 - 12 - 31));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.sex().label(), "女");
        let id = parse("330105198808150256", TODAY).unwrap().id;
        assert_eq!(id.birth_date(), date!(1988 - 08 - 15));
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.address_code(), "330105");
    }

    #[test]
    fn known_codes_including_abolished_ones_give_no_warning() {
        for number in [
            "330105198808150256",
            "330103197206090316",
            "330104196511201088",
            "330107198501010139",
            "33011320220105016X",
            "330114202307300274",
        ] {
            assert_eq!(parse(number, TODAY).unwrap().warnings, [], "{number}");
        }
        let xiacheng = parse("330103197206090316", TODAY).unwrap().id;
        assert_eq!(
            xiacheng.county().unwrap().to_string(),
            "下城区（1983—2021年）"
        );
    }

    #[test]
    fn unknown_county_is_accepted_with_a_warning() {
        let parsed = parse("11010519491231002X", TODAY).unwrap();
        assert_eq!(parsed.id.as_str(), "11010519491231002X");
        assert_eq!(parsed.id.county(), None);
        let warning = IdWarning::UnknownCounty {
            code: "110105".into(),
            province: "北京市",
        };
        assert_eq!(parsed.warnings, [warning]);
        assert_eq!(
            parsed.warnings[0].to_string(),
            "地址码 110105（北京市）不在本系统的区划表中，号码已接受，请核对"
        );
    }

    #[test]
    fn every_province_code_is_accepted_and_others_refused() {
        let provinces = [
            11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50,
            51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
        ];
        for p in 10..100 {
            let number = with_check(&format!("{p}010119880815025"));
            let result = parse(&number, TODAY);
            if provinces.contains(&p) {
                assert!(result.is_ok(), "{p}: {result:?}");
            } else {
                assert_eq!(result.unwrap_err(), IdError::UnknownProvince(p.to_string()));
            }
        }
    }

    #[test]
    fn leap_days_follow_the_gregorian_rule() {
        // 1900 is divisible by 100 but not 400: no 29 February; 2000 is divisible by 400.
        assert_eq!(
            parse(&with_check("33010619000229002"), TODAY).unwrap_err(),
            IdError::NoSuchBirthDate("1900-02-29".into())
        );
        let id = parse(&with_check("33010620000229002"), TODAY).unwrap().id;
        assert_eq!(id.birth_date(), date!(2000 - 02 - 29));
        assert!(parse(&with_check("33010619960229002"), TODAY).is_ok());
        assert!(parse(&with_check("33010619970229002"), TODAY).is_err());
    }

    #[test]
    fn impossible_months_and_days_are_refused() {
        for body in [
            "33010619881301002",
            "33010619880001002",
            "33010619880100002",
        ] {
            let err = parse(&with_check(body), TODAY).unwrap_err();
            assert!(
                matches!(err, IdError::NoSuchBirthDate(_)),
                "{body}: {err:?}"
            );
        }
        assert_eq!(
            parse(&with_check("33010619880431002"), TODAY)
                .unwrap_err()
                .to_string(),
            "身份证号码中的出生日期 1988-04-31 不存在"
        );
    }

    #[test]
    fn birth_after_today_is_refused_but_today_is_fine() {
        let born_today = with_check("33010620260101002");
        assert!(parse(&born_today, TODAY).is_ok());
        let err = parse(&born_today, date!(2025 - 12 - 31)).unwrap_err();
        assert_eq!(err, IdError::BornInFuture(date!(2026 - 01 - 01)));
        assert_eq!(
            err.to_string(),
            "身份证号码中的出生日期 2026-01-01 晚于今天"
        );
    }

    #[test]
    fn wrong_lengths_are_counted_in_characters() {
        let err = |n| parse(n, TODAY).unwrap_err();
        assert_eq!(err(""), IdError::WrongLength(0));
        assert_eq!(err("3301051988081502561"), IdError::WrongLength(19));
        assert_eq!(err("身份证"), IdError::WrongLength(3));
        assert_eq!(
            err("12345").to_string(),
            "身份证号码应为 18 位（旧号码为 15 位），现为 5 位"
        );
    }

    #[test]
    fn bad_characters_name_their_position() {
        let err = |n| parse(n, TODAY).unwrap_err();
        assert_eq!(
            err("3301051988O8150256"),
            IdError::BadCharacter {
                position: 11,
                found: 'O'
            }
        );
        assert_eq!(
            err("33010519880815025Y").to_string(),
            "身份证号码末位“Y”无效，末位只能是数字或 X"
        );
        assert_eq!(
            err("33010519880815X256").to_string(),
            "身份证号码第 15 位“X”无效，该位只能是数字"
        );
    }

    #[test]
    fn bad_check_digit_says_what_it_should_be() {
        assert_eq!(
            parse("330105198808150250", TODAY).unwrap_err().to_string(),
            "身份证号码校验码错误：按前 17 位计算末位应为 6，实际为 0，请核对号码是否录入有误"
        );
        assert_eq!(
            parse("110105194912310021", TODAY).unwrap_err(),
            IdError::BadCheckDigit {
                expected: 'X',
                found: '1'
            }
        );
    }

    #[test]
    fn typing_variants_are_normalised() {
        for typed in [
            "11010519491231002x",
            " 110105 19491231 002X ",
            "１１０１０５１９４９１２３１００２ｘ",
        ] {
            let id = parse(typed, TODAY).unwrap().id;
            assert_eq!(id.as_str(), "11010519491231002X", "{typed}");
        }
    }

    #[test]
    fn legacy_15_digit_numbers_are_converted() {
        // 330105 880815 025 → 330105 + 19 + 880815 + 025 + check 6.
        let parsed = parse("330105880815025", TODAY).unwrap();
        assert_eq!(parsed.id.as_str(), "330105198808150256");
        assert_eq!(parsed.warnings, [IdWarning::ConvertedFromLegacy]);
        // The standard's example, shortened: 110105 491231 002 → …002X; 110105 is not in our table.
        let parsed = parse("110105491231002", TODAY).unwrap();
        assert_eq!(parsed.id.as_str(), "11010519491231002X");
        assert_eq!(parsed.warnings.len(), 2);
    }

    #[test]
    fn legacy_numbers_get_the_same_checks() {
        let err = |n| parse(n, TODAY).unwrap_err();
        assert_eq!(
            err("330105880230012"),
            IdError::NoSuchBirthDate("1988-02-30".into())
        );
        assert_eq!(
            err("990105880815025"),
            IdError::UnknownProvince("99".into())
        );
        assert_eq!(
            err("33010588081502X"),
            IdError::BadCharacter {
                position: 15,
                found: 'X'
            }
        );
    }

    #[test]
    fn masks_everything_but_the_address_code_and_last_four() {
        let id = parse("330105198808150256", TODAY).unwrap().id;
        assert_eq!(id.mask(), "330105********0256");
        assert_eq!(id.to_string(), "330105********0256");
        assert_eq!(format!("{id:?}"), "ResidentId(330105********0256)");
    }
}
