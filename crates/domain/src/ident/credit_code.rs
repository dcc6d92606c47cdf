//! Unified social credit codes (统一社会信用代码) of businesses and organisations, GB 32100-2015.
//!
//! Layout: registration authority (1), organisation type (1), division code of the registering
//! office (6 digits), organisation code per GB 11714 (8 characters and its own check
//! character), and a MOD 31 check character over the first 17. The letters I, O, Z, S and V
//! are never used because they are easily confused with 1, 0, 2, 5 and U.

use std::fmt;

use thiserror::Error;

use super::normalize::half_width;

/// The 31 characters in value order: a character's value is its index.
const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17: 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
/// Weights of the eight body characters of a GB 11714 organisation code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// A valid 18-character credit code. Organisations' codes are public, so it displays in full.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CreditCodeError {
    #[error("统一社会信用代码应为 18 位，现为 {0} 位")]
    WrongLength(usize),
    #[error(
        "统一社会信用代码第 {position} 位“{found}”无效：只能是数字或大写字母，且不使用 I、O、Z、S、V"
    )]
    BadCharacter { position: usize, found: char },
    #[error("统一社会信用代码第 {position} 位“{found}”无效：第 3—8 位是行政区划代码，只能是数字")]
    DivisionNotDigits { position: usize, found: char },
    #[error(
        "统一社会信用代码中的组织机构代码（第 9—17 位）校验错误：第 17 位应为 {expected}，实际为 {found}，请核对是否录入有误"
    )]
    BadOrgCheckDigit { expected: char, found: char },
    #[error(
        "统一社会信用代码校验码错误：按前 17 位计算末位应为 {expected}，实际为 {found}，请核对是否录入有误"
    )]
    BadCheckCharacter { expected: char, found: char },
}

/// Parses a typed credit code; spaces and full-width characters are tolerated, case is ignored.
pub fn parse(input: &str) -> Result<CreditCode, CreditCodeError> {
    let code: String = half_width(input)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let len = code.chars().count();
    if len != 18 {
        return Err(CreditCodeError::WrongLength(len));
    }
    check_characters(&code)?;
    check_org_code(&code[8..17])?;
    let expected = compute_check(&code[..17]);
    let found = char::from(code.as_bytes()[17]);
    if found != expected {
        return Err(CreditCodeError::BadCheckCharacter { expected, found });
    }
    Ok(CreditCode(code))
}

impl CreditCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 登记管理部门代码, e.g. `5` 民政, `9` 市场监管 (工商).
    pub fn registration_authority(&self) -> char {
        char::from(self.0.as_bytes()[0])
    }

    /// 机构类别代码, whose meaning depends on the authority (e.g. `91` enterprise, `52` 民办非企业单位).
    pub fn org_type(&self) -> char {
        char::from(self.0.as_bytes()[1])
    }

    /// The GB/T 2260 code of the registering office.
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }

    /// The nine-character organisation code (主体标识码), check character included.
    pub fn org_code(&self) -> &str {
        &self.0[8..17]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn value(c: char) -> Option<u32> {
    CHARSET.find(c).map(|i| i as u32)
}

fn check_characters(code: &str) -> Result<(), CreditCodeError> {
    for (i, found) in code.chars().enumerate() {
        let position = i + 1;
        if value(found).is_none() {
            return Err(CreditCodeError::BadCharacter { position, found });
        }
        if (3..=8).contains(&position) && !found.is_ascii_digit() {
            return Err(CreditCodeError::DivisionNotDigits { position, found });
        }
    }
    Ok(())
}

/// GB 11714: letters count A = 10 … Z = 35 (the full alphabet, unlike GB 32100's charset);
/// check = 11 − (weighted sum mod 11), where 10 is written `X` and 11 is written `0`.
fn check_org_code(org: &str) -> Result<(), CreditCodeError> {
    let sum: u32 = org
        .chars()
        .zip(ORG_WEIGHTS)
        .map(|(c, w)| c.to_digit(36).unwrap_or_default() * w)
        .sum();
    let expected = match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).unwrap_or('0'),
    };
    let found = char::from(org.as_bytes()[8]);
    if found != expected {
        return Err(CreditCodeError::BadOrgCheckDigit { expected, found });
    }
    Ok(())
}

/// MOD 31 over the first 17 characters, already known to be in the charset.
fn compute_check(first17: &str) -> char {
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| value(c).unwrap_or_default() * w)
        .sum();
    let index = (31 - sum % 31) % 31;
    CHARSET.chars().nth(index as usize).unwrap_or('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    // Codes built by hand from the rules. In the organisation-code sums letters count A=10 …
    // Z=35 (so M=22); in the whole-code sums they count by GB 32100's charset (so M=21, skipping I).

    /// 民政 (5), 民办非企业单位 (2), 拱墅区 330105, org body MJ987654:
    /// org: 22·3+19·7+9·9+8·10+7·5+6·8+5·4+4·2 = 471, 471 mod 11 = 9, 11−9 = 2 → MJ9876542;
    /// whole: 5·1+2·3+3·9+3·27+0·19+1·26+0·16+5·17+21·20+18·29+9·25+8·13+7·8+6·24+5·10+4·30
    /// +2·28 = 1927, 1927 mod 31 = 5, 31−5 = 26 → T.
    const SOCIAL_ORG: &str = "52330105MJ9876542T";
    /// 市场监管 (9), 企业 (1), 拱墅区, body MA27XY5K:
    /// org: 22·3+10·7+2·9+7·10+33·5+34·8+5·4+20·2 = 721, mod 11 = 6, 11−6 = 5;
    /// whole: … = 2794, mod 31 = 4, 31−4 = 27 → U.
    const ENTERPRISE: &str = "91330105MA27XY5K5U";
    /// 个体工商户 (92), body MA2H3K71: org sum 529, mod 11 = 1, 11−1 = 10 → X;
    /// whole sum 2607, mod 31 = 3, 31−3 = 28 → W.
    const ORG_CHECK_X: &str = "92330105MA2H3K71XW";
    /// Body MA2H3K76: org sum 539, mod 11 = 0, 11−0 = 11 → 0; whole sum 1945, mod 31 = 23 → 8.
    const ORG_CHECK_ZERO: &str = "92330105MA2H3K7608";
    /// Body MA2H3K53: org sum 3 check; whole sum 1922 = 62·31, so (31−0) mod 31 = 0 → 0.
    const WHOLE_CHECK_ZERO: &str = "93330105MA2H3K5330";
    /// python-stdnum's documented example, an independent check of both sums:
    /// org 6·3+3·5+7·8+3·4+4·2 = 109, mod 11 = 10, 11−10 = 1; whole 538, mod 31 = 11 → L.
    const STDNUM_EXAMPLE: &str = "91110000600037341L";

    #[test]
    fn hand_built_codes_are_valid() {
        for code in [
            SOCIAL_ORG,
            ENTERPRISE,
            ORG_CHECK_X,
            ORG_CHECK_ZERO,
            WHOLE_CHECK_ZERO,
            STDNUM_EXAMPLE,
        ] {
            assert_eq!(parse(code).map(|c| c.to_string()), Ok(code.to_string()));
        }
    }

    #[test]
    fn exposes_its_parts() {
        let code = parse(SOCIAL_ORG).unwrap();
        assert_eq!(code.registration_authority(), '5');
        assert_eq!(code.org_type(), '2');
        assert_eq!(code.division_code(), "330105");
        assert_eq!(code.org_code(), "MJ9876542");
        assert_eq!(code.as_str(), SOCIAL_ORG);
    }

    #[test]
    fn typing_variants_are_normalised() {
        for typed in [
            "91330105ma27xy5k5u",
            " 9133 0105 MA27 XY5K 5U ",
            "９１３３０１０５ＭＡ２７ＸＹ５Ｋ５Ｕ",
        ] {
            assert_eq!(parse(typed).unwrap().as_str(), ENTERPRISE, "{typed}");
        }
    }

    #[test]
    fn wrong_length_is_refused() {
        assert_eq!(
            parse("91330105MA27XY5K5"),
            Err(CreditCodeError::WrongLength(17))
        );
        assert_eq!(parse(""), Err(CreditCodeError::WrongLength(0)));
        assert_eq!(
            parse("91330105MA27XY5K5U1").unwrap_err().to_string(),
            "统一社会信用代码应为 18 位，现为 19 位"
        );
    }

    #[test]
    fn excluded_letters_and_symbols_are_refused() {
        for (position, found) in [
            (9, 'I'),
            (10, 'O'),
            (11, 'Z'),
            (12, 'S'),
            (13, 'V'),
            (14, '-'),
        ] {
            let mut code: Vec<char> = ENTERPRISE.chars().collect();
            code[position - 1] = found;
            let code: String = code.into_iter().collect();
            assert_eq!(
                parse(&code),
                Err(CreditCodeError::BadCharacter { position, found }),
                "{code}"
            );
        }
        assert_eq!(
            parse("91330105MA27XY5K5号").unwrap_err().to_string(),
            "统一社会信用代码第 18 位“号”无效：只能是数字或大写字母，且不使用 I、O、Z、S、V"
        );
    }

    #[test]
    fn division_code_must_be_digits() {
        assert_eq!(
            parse("9133A105MA27XY5K5U"),
            Err(CreditCodeError::DivisionNotDigits {
                position: 5,
                found: 'A'
            })
        );
    }

    #[test]
    fn organisation_code_check_is_verified() {
        // MA27XY5K with 4 instead of its check 5; the last character is recomputed for the
        // changed body (position 17 weighs 28: sum 2794 − 28 = 2766, mod 31 = 7, 31−7 = 24 → Q),
        // so only the organisation code is wrong.
        assert_eq!(
            parse("91330105MA27XY5K4Q"),
            Err(CreditCodeError::BadOrgCheckDigit {
                expected: '5',
                found: '4'
            })
        );
        assert_eq!(
            parse("91330105MA27XY5K4Q").unwrap_err().to_string(),
            "统一社会信用代码中的组织机构代码（第 9—17 位）校验错误：第 17 位应为 5，实际为 4，请核对是否录入有误"
        );
    }

    #[test]
    fn whole_code_check_is_verified() {
        assert_eq!(
            parse("91330105MA27XY5K5A"),
            Err(CreditCodeError::BadCheckCharacter {
                expected: 'U',
                found: 'A'
            })
        );
        // A typo in the authority digit (9 → 5, weight 1) leaves the organisation code intact:
        // sum 2794 − 4 = 2790 = 90·31, so the check would be 0.
        assert_eq!(
            parse("51330105MA27XY5K5U"),
            Err(CreditCodeError::BadCheckCharacter {
                expected: '0',
                found: 'U'
            })
        );
    }
}
