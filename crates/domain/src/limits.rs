//! How much text a person or a program may send in one field. One table, so that the desk, the
//! JSON API, the portal, Open311 and the imports refuse the same thing with the same words, and
//! the OpenAPI document and `docs/limits.md` state what the code enforces (a test compares them).
//!
//! Lengths are counted in characters (a Chinese character is one), not bytes, because that is
//! what the person typing sees.

use std::fmt;

/// The most characters one field may hold, and its name in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub label: &'static str,
    pub max_chars: usize,
}

impl Limit {
    pub const fn new(label: &'static str, max_chars: usize) -> Limit {
        Limit { label, max_chars }
    }

    /// The same maximum under another name, for a message that names the field on the form.
    pub const fn named(self, label: &'static str) -> Limit {
        Limit { label, ..self }
    }

    pub fn check(self, value: &str) -> Result<(), TooLong> {
        // Counting stops just past the maximum: a 300,000-character note costs no more than a
        // note one character too long.
        let counted = value.chars().take(self.max_chars + 1).count();
        if counted > self.max_chars {
            return Err(TooLong {
                label: self.label,
                max_chars: self.max_chars,
            });
        }
        Ok(())
    }
}

/// A field over its limit. The message is for people; `label` and `max_chars` for programs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLong {
    pub label: &'static str,
    pub max_chars: usize,
}

impl fmt::Display for TooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "“{}”最多 {} 个字，请删减后再提交",
            self.label, self.max_chars
        )
    }
}

impl std::error::Error for TooLong {}

/// A person's name (居民、申请人、联系人、经办人). The longest names in the national registry,
/// with transliterated minority and foreign names, stay well under this.
pub const PERSON_NAME: Limit = Limit::new("姓名", 50);
/// A phone number as typed, with spaces, dashes or an extension.
pub const PHONE: Limit = Limit::new("电话", 30);
/// A remark on a case, a visit or a record.
pub const NOTE: Limit = Limit::new("备注", 2000);
/// The reason for a refusal, a return, an approval or a transfer.
pub const REASON: Limit = Limit::new("理由", 1000);
/// One answer to an intake question.
pub const ANSWER: Limit = Limit::new("回答", 500);
/// A resident's rating comment.
pub const COMMENT: Limit = Limit::new("评价意见", 500);
/// A postal address or a place description.
pub const ADDRESS: Limit = Limit::new("地址", 200);
/// The name of a business, an organisation, a unit or a file.
pub const ORG_NAME: Limit = Limit::new("名称", 100);
/// A code or key chosen by people (item codes, org codes, usernames, purposes).
pub const CODE: Limit = Limit::new("编码", 64);
/// What is typed into a search box.
pub const SEARCH: Limit = Limit::new("检索内容", 100);
/// A request from Open311 partners or the portal describing a problem.
pub const DESCRIPTION: Limit = Limit::new("问题描述", 4000);
/// A section of a service guide (conditions, procedure, a policy's text).
pub const GUIDE_TEXT: Limit = Limit::new("指南内容", 20_000);
/// Any other field of any form, query or JSON body: the backstop for fields without a limit of
/// their own, checked on every request before a handler sees it.
pub const ANY_FIELD: Limit = Limit::new("字段", 20_000);

/// Tighter limits some forms keep, because what they hold is shown or printed in a narrow place
/// or is meant to be short. Each is stated in docs/limits.md's second table, with its form.
/// A staff member's name: shown in the header, on queues and on printed documents.
pub const STAFF_NAME: Limit = Limit::new("姓名", 30);
/// An org's code (part of every case number) and its name (in headers and on documents).
pub const ORG_CODE: Limit = Limit::new("编码", 32);
pub const ORG_UNIT_NAME: Limit = Limit::new("名称", 60);
/// A ledger row's name, and its other text columns (address parts, tags, remarks).
pub const LEDGER_NAME: Limit = Limit::new("姓名", 30);
pub const LEDGER_TEXT: Limit = Limit::new("其他文字列", 100);
/// A saved ledger column mapping's name.
pub const MAPPING_NAME: Limit = Limit::new("名称", 40);
/// Why a worker reveals a person's full data: a short note, not a statement.
pub const REVEAL_REASON: Limit = Limit::new("理由", 100);
/// What an API token is for, and an Open311 partner's name.
pub const TOKEN_PURPOSE: Limit = Limit::new("用途", 50);
pub const PARTNER_NAME: Limit = Limit::new("名称", 50);
/// What a resident authorises a grid worker to do for them (代办授权范围).
pub const MANDATE_SCOPE: Limit = Limit::new("授权范围", 200);
/// What a visit's follow-up asks to be done (跟进事项): one line on the worker's list.
pub const FOLLOW_UP: Limit = Limit::new("跟进事项", 100);
/// The line department an event is dispatched to (城管执法中队、市场监管所…).
pub const EVENT_DEPARTMENT: Limit = Limit::new("部门名称", 40);
/// The number of a certificate issued on completion (证照编号): printed on the 办结通知书.
pub const CERTIFICATE_NO: Limit = Limit::new("证照编号", 50);
/// A benefit's amount or start month as typed ("1200.50", "2026-12"): a few characters.
pub const RESULT_FIGURE: Limit = Limit::new("金额、月份", 20);

/// Every tighter limit with the form it belongs to, for the documentation test.
pub const FORMS: [(&str, Limit); 14] = [
    ("账号", STAFF_NAME),
    ("组织", ORG_CODE),
    ("组织", ORG_UNIT_NAME),
    ("台账行", LEDGER_NAME),
    ("台账行", LEDGER_TEXT),
    ("台账列映射", MAPPING_NAME),
    ("查看完整信息", REVEAL_REASON),
    ("API 令牌", TOKEN_PURPOSE),
    ("Open311 合作方", PARTNER_NAME),
    ("网格代办", MANDATE_SCOPE),
    ("走访登记", FOLLOW_UP),
    ("事件派遣", EVENT_DEPARTMENT),
    ("办结结果", CERTIFICATE_NO),
    ("办结结果", RESULT_FIGURE),
];

/// At most this many fields in one form or query, and this many values under one name
/// (checkbox groups, answers with several choices) in a form or a JSON array.
pub const MAX_FIELDS: usize = 1000;
pub const MAX_REPEATS: usize = 200;

/// Every named limit, for the documentation test and the OpenAPI description.
pub const ALL: [Limit; 13] = [
    PERSON_NAME,
    PHONE,
    NOTE,
    REASON,
    ANSWER,
    COMMENT,
    ADDRESS,
    ORG_NAME,
    CODE,
    SEARCH,
    DESCRIPTION,
    GUIDE_TEXT,
    ANY_FIELD,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        let name = "欧阳".repeat(25);
        assert_eq!(name.len(), 150);
        assert!(PERSON_NAME.check(&name).is_ok());
        assert!(PERSON_NAME.check(&format!("{name}娜")).is_err());
    }

    #[test]
    fn message_names_the_field_and_its_maximum() {
        let e = NOTE
            .named("办结说明")
            .check(&"字".repeat(300_000))
            .unwrap_err();
        assert_eq!(e.max_chars, 2000);
        assert_eq!(e.to_string(), "“办结说明”最多 2000 个字，请删减后再提交");
    }

    /// docs/limits.md states every limit: its row names the field and the same maximum.
    #[test]
    fn limits_are_documented() {
        let doc = include_str!("../../../docs/limits.md");
        for l in ALL {
            let row = doc
                .lines()
                .find(|r| r.starts_with(&format!("| {} |", l.label)))
                .unwrap_or_else(|| panic!("docs/limits.md has no row for {}", l.label));
            assert!(
                row.ends_with(&format!("| {} |", l.max_chars)),
                "docs/limits.md states another maximum for {}: {row}",
                l.label
            );
        }
        for (form, l) in FORMS {
            let cells = format!("| {} | {} |", l.label, l.max_chars);
            assert!(
                doc.lines()
                    .any(|r| r.starts_with(&format!("| {form}")) && r.ends_with(&cells)),
                "docs/limits.md has no row for {form}: {cells}"
            );
        }
        for count in [MAX_FIELDS, MAX_REPEATS] {
            assert!(
                doc.contains(&format!("**{count}**")),
                "{count} not documented"
            );
        }
    }

    #[test]
    fn empty_and_exact_fit() {
        assert!(CODE.check("").is_ok());
        assert!(CODE.check(&"a".repeat(64)).is_ok());
        assert!(CODE.check(&"a".repeat(65)).is_err());
    }
}
