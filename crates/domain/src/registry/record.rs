//! One ledger row checked into a resident record, or every reason it cannot be.

use time::Date;

use super::date::parse_date;
use super::dwelling::DwellingRef;
use super::field::Field;
use super::tag::{DatedTag, parse_tags};
use crate::ident::phone::{self, Phone};
use crate::ident::resident_id::{self, ResidentId, Sex};

use crate::limits::{LEDGER_NAME, LEDGER_TEXT};

/// A row's cells by field; a field whose column the ledger lacks reads as empty.
#[derive(Debug, Clone, Default)]
pub struct LedgerRow<'a> {
    cells: [&'a str; Field::ALL.len()],
}

impl<'a> LedgerRow<'a> {
    pub fn set(&mut self, field: Field, value: &'a str) {
        self.cells[field as usize] = value;
    }

    pub fn get(&self, field: Field) -> &'a str {
        self.cells[field as usize].trim()
    }

    /// Blank rows between blocks are common in hand-kept ledgers; they are skipped, not errors.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// A checked resident as a ledger describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentRecord {
    pub name: String,
    pub id: ResidentId,
    pub sex: Sex,
    pub birth_date: Date,
    pub phone: Option<Phone>,
    pub registered_address: String,
    pub actual_address: String,
    pub ethnicity: String,
    pub political_status: String,
    pub marital_status: String,
    pub employment: String,
    pub tags: Vec<DatedTag>,
    /// The household's key: its 户号, or the actual address when the ledger has none.
    pub household: Option<String>,
    pub relation: String,
    /// The grid as the ledger names it (name or code); empty when not given.
    pub grid: String,
    pub dwelling: Option<DwellingRef>,
}

/// Something wrong with one field of a row, in words for the person who fixes the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Field,
    pub message: String,
}

impl Problem {
    fn new(field: Field, message: impl Into<String>) -> Self {
        Problem {
            field,
            message: message.into(),
        }
    }
}

/// A row that passed, with what should still be double-checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub record: ResidentRecord,
    pub warnings: Vec<Problem>,
}

/// Checks every field of `row` and reports all problems at once, never just the first.
pub fn check_row(row: &LedgerRow<'_>, today: Date) -> Result<Checked, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let name =
        check_name(row.get(Field::Name)).map_err(|m| problems.push(Problem::new(Field::Name, m)));
    let id = match check_id(row.get(Field::IdNumber), today) {
        Ok(parsed) => {
            warnings.extend(
                parsed
                    .warnings
                    .iter()
                    .map(|w| Problem::new(Field::IdNumber, w.to_string())),
            );
            Some(parsed.id)
        }
        Err(m) => {
            problems.push(Problem::new(Field::IdNumber, m));
            None
        }
    };
    if let Some(id) = &id {
        problems.extend(agreement_with_id(row, id));
    }
    let phone = check_phone(row.get(Field::Phone))
        .map_err(|m| problems.push(Problem::new(Field::Phone, m)));
    let tags =
        parse_tags(row.get(Field::Tags)).map_err(|m| problems.push(Problem::new(Field::Tags, m)));
    let texts = check_texts(row, &mut problems);
    let dwelling = DwellingRef::from_row(row).map_err(|(f, m)| problems.push(Problem::new(f, m)));
    match (name, id, phone, tags, texts, dwelling) {
        (Ok(name), Some(id), Ok(phone), Ok(tags), t, Ok(dwelling)) if problems.is_empty() => {
            let household = Some(row.get(Field::HouseholdNumber))
                .filter(|h| !h.is_empty())
                .or(Some(t.actual_address.as_str()).filter(|a| !a.is_empty()))
                .map(str::to_string);
            Ok(Checked {
                record: ResidentRecord {
                    name,
                    sex: id.sex(),
                    birth_date: id.birth_date(),
                    id,
                    phone,
                    registered_address: t.registered_address,
                    actual_address: t.actual_address,
                    ethnicity: t.ethnicity,
                    political_status: t.political_status,
                    marital_status: t.marital_status,
                    employment: t.employment,
                    tags,
                    household,
                    relation: t.relation,
                    grid: row.get(Field::Grid).to_string(),
                    dwelling,
                },
                warnings,
            })
        }
        _ => Err(problems),
    }
}

fn check_name(cell: &str) -> Result<String, String> {
    let name: String = cell
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect();
    if name.is_empty() {
        return Err("姓名为空".into());
    }
    if LEDGER_NAME.check(&name).is_err() {
        return Err(format!("姓名超过 {} 个字", LEDGER_NAME.max_chars));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| c.is_ascii_digit() || "?？*#@".contains(*c))
    {
        return Err(format!("姓名中不应有“{bad}”"));
    }
    // Middle dots of minority and foreign names come in several code points; keep one.
    Ok(name.replace(['.', '\u{2022}', '\u{30fb}', '\u{ff0e}'], "\u{b7}"))
}

fn check_id(cell: &str, today: Date) -> Result<resident_id::Parsed, String> {
    if cell.is_empty() {
        return Err("身份证号为空".into());
    }
    if cell.contains(['E', 'e']) && cell.contains('+') {
        return Err(
            "身份证号被 Excel 存成了数字（科学计数法），末几位已经丢失；请把该列设为文本后重新录入"
                .into(),
        );
    }
    resident_id::parse(cell, today).map_err(|e| e.to_string())
}

/// A ledger's own 性别 and 出生日期 columns must say what the ID number says.
fn agreement_with_id(row: &LedgerRow<'_>, id: &ResidentId) -> Vec<Problem> {
    let mut problems = Vec::new();
    let sex = row.get(Field::Sex);
    if !sex.is_empty() {
        let said = match sex {
            "男" | "男性" => Some(Sex::Male),
            "女" | "女性" => Some(Sex::Female),
            _ => None,
        };
        match said {
            None => problems.push(Problem::new(
                Field::Sex,
                format!("性别“{sex}”无法识别，应为男或女"),
            )),
            Some(s) if s != id.sex() => problems.push(Problem::new(
                Field::Sex,
                format!("性别“{sex}”与身份证号（{}）不符", id.sex().label()),
            )),
            Some(_) => {}
        }
    }
    let birth = row.get(Field::BirthDate);
    if !birth.is_empty() {
        match parse_date(birth) {
            None => problems.push(Problem::new(
                Field::BirthDate,
                format!("出生日期“{birth}”无法识别，应如 1990-01-31"),
            )),
            Some(d) if d != id.birth_date() => problems.push(Problem::new(
                Field::BirthDate,
                format!("出生日期 {d} 与身份证号中的 {} 不符", id.birth_date()),
            )),
            Some(_) => {}
        }
    }
    problems
}

fn check_phone(cell: &str) -> Result<Option<Phone>, String> {
    if cell.is_empty() || cell == "无" || cell == "/" {
        return Ok(None);
    }
    phone::parse(cell).map(Some).map_err(|e| e.to_string())
}

struct Texts {
    registered_address: String,
    actual_address: String,
    ethnicity: String,
    political_status: String,
    marital_status: String,
    employment: String,
    relation: String,
}

/// Free-text fields: length-checked, and the common shorthand normalised so that reports count
/// one value once ("党员" and "中共党员").
fn check_texts(row: &LedgerRow<'_>, problems: &mut Vec<Problem>) -> Texts {
    let mut text = |field: Field| -> String {
        let v = row.get(field);
        if LEDGER_TEXT.check(v).is_err() {
            problems.push(Problem::new(
                field,
                format!("{}超过 {} 个字", field.label(), LEDGER_TEXT.max_chars),
            ));
        }
        v.to_string()
    };
    Texts {
        registered_address: text(Field::RegisteredAddress),
        actual_address: text(Field::ActualAddress),
        ethnicity: normalise_ethnicity(&text(Field::Ethnicity)),
        political_status: normalise_political(&text(Field::PoliticalStatus)),
        marital_status: normalise_marital(&text(Field::MaritalStatus)),
        employment: text(Field::Employment),
        relation: text(Field::Relation),
    }
}

fn normalise_ethnicity(v: &str) -> String {
    if v.is_empty() || v.ends_with('族') || v == "其他" {
        v.to_string()
    } else {
        format!("{v}族")
    }
}

fn normalise_political(v: &str) -> String {
    match v {
        "党员" | "中共党员" | "共产党员" => "中共党员",
        "预备党员" => "中共预备党员",
        "团员" => "共青团员",
        other => other,
    }
    .to_string()
}

fn normalise_marital(v: &str) -> String {
    match v {
        "离婚" => "离异",
        "已婚有配偶" | "有配偶" => "已婚",
        other => other,
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::tag::CareTag;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 28);

    fn id(first17: &str) -> String {
        format!("{first17}{}", resident_id::check_digit(first17).unwrap())
    }

    fn row<'a>(pairs: &[(Field, &'a str)]) -> LedgerRow<'a> {
        let mut r = LedgerRow::default();
        for (f, v) in pairs {
            r.set(*f, v);
        }
        r
    }

    #[test]
    fn a_full_row_becomes_a_record_with_sex_and_birth_from_the_id() {
        let number = id("33010519800229003");
        let r = row(&[
            (Field::Name, " 张三丰 "),
            (Field::IdNumber, &number),
            (Field::Phone, "138 0571 2345"),
            (Field::ActualAddress, "小河路12幢2单元302室"),
            (Field::Ethnicity, "汉"),
            (Field::PoliticalStatus, "党员"),
            (Field::Tags, "独居老人、低保(2023-05-01)"),
            (Field::Relation, "户主"),
        ]);
        let c = check_row(&r, TODAY).unwrap();
        assert_eq!(c.record.name, "张三丰");
        assert_eq!(c.record.birth_date, date!(1980 - 02 - 29));
        assert_eq!(c.record.sex, Sex::Male);
        assert_eq!(c.record.phone.unwrap().as_str(), "13805712345");
        assert_eq!(c.record.ethnicity, "汉族");
        assert_eq!(c.record.political_status, "中共党员");
        assert_eq!(c.record.tags[1].tag, CareTag::LowIncome);
        assert_eq!(c.record.household.as_deref(), Some("小河路12幢2单元302室"));
        let d = c.record.dwelling.unwrap();
        assert_eq!(
            (d.building.as_str(), d.unit.as_str(), d.room.as_str()),
            ("12幢", "2单元", "302室")
        );
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn every_problem_of_a_row_is_reported_with_its_field() {
        let r = row(&[
            (Field::Name, ""),
            (Field::IdNumber, "330105198002290031"),
            (Field::Phone, "12345"),
            (Field::Tags, "五保"),
        ]);
        let problems = check_row(&r, TODAY).unwrap_err();
        let fields: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert!(fields.contains(&Field::Name), "{problems:?}");
        assert!(fields.contains(&Field::Phone), "{problems:?}");
        assert!(fields.contains(&Field::Tags), "{problems:?}");
        // The check digit of that number is not 1.
        let bad_id = id("33010519800229003");
        if !bad_id.ends_with('1') {
            assert!(fields.contains(&Field::IdNumber), "{problems:?}");
        }
    }

    #[test]
    fn check_digit_x_leap_days_legacy_and_abolished_codes() {
        // A real leap day; the check character of this number is X.
        let mut found_x = None;
        for seq in 0..1000 {
            let n = id(&format!("330103200002290{:02}", seq % 100));
            if n.ends_with('X') {
                found_x = Some(n.to_lowercase());
                break;
            }
        }
        let x = found_x.expect("some sequence gives X");
        let c = check_row(&row(&[(Field::Name, "李四"), (Field::IdNumber, &x)]), TODAY).unwrap();
        assert!(c.record.id.as_str().ends_with('X'));
        // 330103 (下城区) was abolished: accepted, maybe with a warning, never refused.
        assert_eq!(c.record.id.address_code(), "330103");
        // 2001 had no 29 February.
        let p = check_row(
            &row(&[
                (Field::Name, "李四"),
                (Field::IdNumber, &id("33010520010229001")),
            ]),
            TODAY,
        )
        .unwrap_err();
        assert!(p[0].message.contains("不存在"), "{p:?}");
        // A 15-digit number is converted, with a warning.
        let c = check_row(
            &row(&[(Field::Name, "王五"), (Field::IdNumber, "330105500101123")]),
            TODAY,
        )
        .unwrap();
        assert_eq!(c.record.id.as_str().len(), 18);
        assert!(
            c.warnings.iter().any(|w| w.message.contains("15 位")),
            "{:?}",
            c.warnings
        );
    }

    #[test]
    fn excel_numbers_and_disagreeing_sex_or_birth_columns_are_named() {
        let p = check_row(
            &row(&[(Field::Name, "赵六"), (Field::IdNumber, "3.30105198E+17")]),
            TODAY,
        )
        .unwrap_err();
        assert!(p[0].message.contains("科学计数法"), "{p:?}");
        let number = id("33010519800229003");
        let p = check_row(
            &row(&[
                (Field::Name, "赵六"),
                (Field::IdNumber, &number),
                (Field::Sex, "女"),
                (Field::BirthDate, "1980-03-01"),
            ]),
            TODAY,
        )
        .unwrap_err();
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p[0].field, Field::Sex);
        assert_eq!(p[1].field, Field::BirthDate);
    }

    #[test]
    fn blank_rows_are_recognised() {
        assert!(row(&[(Field::Name, "  ")]).is_blank());
        assert!(!row(&[(Field::Phone, "1")]).is_blank());
    }
}
