//! Administrative division codes (GB/T 2260) as they appear in ID numbers and credit codes.
//!
//! Province-level codes are a closed list and are checked strictly. County-level codes change
//! every year and never expire on ID cards, so the shipped table (`data/divisions.csv`) only
//! names what it knows; callers decide what a missing code means.

use std::fmt;
use std::sync::OnceLock;

/// Province-level codes (first two digits of a division code) and their short names.
const PROVINCES: [(&str, &str); 34] = [
    ("11", "北京市"),
    ("12", "天津市"),
    ("13", "河北省"),
    ("14", "山西省"),
    ("15", "内蒙古自治区"),
    ("21", "辽宁省"),
    ("22", "吉林省"),
    ("23", "黑龙江省"),
    ("31", "上海市"),
    ("32", "江苏省"),
    ("33", "浙江省"),
    ("34", "安徽省"),
    ("35", "福建省"),
    ("36", "江西省"),
    ("37", "山东省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("43", "湖南省"),
    ("44", "广东省"),
    ("45", "广西壮族自治区"),
    ("46", "海南省"),
    ("50", "重庆市"),
    ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"),
    ("54", "西藏自治区"),
    ("61", "陕西省"),
    ("62", "甘肃省"),
    ("63", "青海省"),
    ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
    ("71", "台湾省"),
    ("81", "香港特别行政区"),
    ("82", "澳门特别行政区"),
];

const DIVISIONS_CSV: &str = include_str!("../../data/divisions.csv");

/// The name of a province-level division from the first two digits of a code.
pub fn province_name(code: &str) -> Option<&'static str> {
    let prefix = code.get(..2)?;
    PROVINCES
        .iter()
        .find(|(c, _)| *c == prefix)
        .map(|(_, name)| *name)
}

/// A county-level division code and the years it was in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct County {
    pub code: &'static str,
    pub name: &'static str,
    /// First year of use, if recorded.
    pub valid_from: Option<u16>,
    /// Year the code was abolished; `None` while it is still in use.
    pub valid_until: Option<u16>,
}

impl County {
    pub fn is_abolished(&self) -> bool {
        self.valid_until.is_some()
    }
}

/// "下城区（1983—2021年）", "拱墅区（1983年起）", "萧山县（至1987年）" or just the name.
impl fmt::Display for County {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.valid_from, self.valid_until) {
            (Some(from), Some(until)) => write!(f, "{}（{from}—{until}年）", self.name),
            (Some(from), None) => write!(f, "{}（{from}年起）", self.name),
            (None, Some(until)) => write!(f, "{}（至{until}年）", self.name),
            (None, None) => f.write_str(self.name),
        }
    }
}

/// The county for a six-digit code, if the shipped table knows it (abolished codes included).
pub fn county(code: &str) -> Option<&'static County> {
    table().iter().find(|c| c.code == code)
}

fn table() -> &'static [County] {
    static TABLE: OnceLock<Vec<County>> = OnceLock::new();
    // The shipped file is checked line by line by the tests below, so this cannot fail in use.
    TABLE.get_or_init(|| parse_table(DIVISIONS_CSV).expect("data/divisions.csv is well formed"))
}

/// Parses `code,name,from,until` rows; `#` lines are comments. The error names the bad line.
fn parse_table(text: &'static str) -> Result<Vec<County>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(i, line)| parse_row(line).ok_or_else(|| format!("第 {} 行格式错误：{line}", i + 1)))
        .collect()
}

fn parse_row(line: &'static str) -> Option<County> {
    let mut fields = line.split(',').map(str::trim);
    let (code, name, from, until) = (
        fields.next()?,
        fields.next()?,
        fields.next()?,
        fields.next()?,
    );
    let well_formed = fields.next().is_none()
        && code.len() == 6
        && code.bytes().all(|b| b.is_ascii_digit())
        && province_name(code).is_some()
        && !name.is_empty();
    if !well_formed {
        return None;
    }
    Some(County {
        code,
        name,
        valid_from: parse_year(from)?,
        valid_until: parse_year(until)?,
    })
}

/// An empty field is a missing year (`Some(None)`); anything else must be a year.
fn parse_year(field: &str) -> Option<Option<u16>> {
    if field.is_empty() {
        return Some(None);
    }
    field.parse().ok().map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_parses_and_has_no_duplicates() {
        let rows = parse_table(DIVISIONS_CSV).unwrap();
        assert!(rows.len() >= 28, "only {} rows", rows.len());
        let mut codes: Vec<_> = rows.iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), rows.len());
    }

    #[test]
    fn every_current_hangzhou_district_is_known() {
        let current = [
            ("330102", "上城区"),
            ("330105", "拱墅区"),
            ("330106", "西湖区"),
            ("330108", "滨江区"),
            ("330109", "萧山区"),
            ("330110", "余杭区"),
            ("330111", "富阳区"),
            ("330112", "临安区"),
            ("330113", "临平区"),
            ("330114", "钱塘区"),
            ("330122", "桐庐县"),
            ("330127", "淳安县"),
            ("330182", "建德市"),
        ];
        for (code, name) in current {
            let county = county(code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(county.name, name);
            assert!(!county.is_abolished(), "{code}");
        }
    }

    #[test]
    fn abolished_codes_are_named_with_their_years() {
        let xiacheng = county("330103").unwrap();
        assert_eq!(xiacheng.name, "下城区");
        assert!(xiacheng.is_abolished());
        assert_eq!(xiacheng.to_string(), "下城区（1983—2021年）");
        assert_eq!(
            county("330104").unwrap().to_string(),
            "江干区（1983—2021年）"
        );
        assert_eq!(
            county("330107").unwrap().to_string(),
            "半山区（1983—1990年）"
        );
        assert_eq!(county("330121").unwrap().to_string(), "萧山县（至1987年）");
        assert_eq!(county("330113").unwrap().to_string(), "临平区（2021年起）");
        assert_eq!(county("330122").unwrap().to_string(), "桐庐县");
    }

    #[test]
    fn unknown_codes_are_not_named() {
        assert_eq!(county("110105"), None);
        assert_eq!(county("3301"), None);
    }

    #[test]
    fn provinces_are_a_closed_list() {
        assert_eq!(province_name("330105"), Some("浙江省"));
        assert_eq!(province_name("82"), Some("澳门特别行政区"));
        for bad in [
            "10", "16", "20", "24", "30", "38", "47", "55", "60", "66", "72", "83", "99",
        ] {
            assert_eq!(province_name(bad), None, "{bad}");
        }
        assert_eq!(province_name("3"), None);
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let text = "# header\n330102,上城区,1983,\n33010X,坏,,\n";
        assert_eq!(
            parse_table(text).unwrap_err(),
            "第 3 行格式错误：33010X,坏,,"
        );
        assert!(parse_table("330102,上城区,198x,\n").is_err());
        assert!(parse_table("330102,,1983,\n").is_err());
        assert!(parse_table("990102,某地,1983,\n").is_err());
        assert!(parse_table("330102,上城区,1983,,extra\n").is_err());
    }
}
