//! The columns of a residents ledger (居民台账) and how communities title them.
//!
//! Ledgers come from many hands: "姓名" or "名字", "身份证号" or "公民身份号码", a "*" for
//! required columns, "(必填)" notes. A header is recognised after those decorations are removed.

/// One piece of a resident's record as a ledger column carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Name,
    IdNumber,
    Sex,
    BirthDate,
    Phone,
    RegisteredAddress,
    ActualAddress,
    Ethnicity,
    PoliticalStatus,
    MaritalStatus,
    Employment,
    Tags,
    HouseholdNumber,
    Relation,
    Grid,
    Building,
    Unit,
    Room,
}

impl Field {
    pub const ALL: [Field; 18] = [
        Field::Name,
        Field::IdNumber,
        Field::Sex,
        Field::BirthDate,
        Field::Phone,
        Field::RegisteredAddress,
        Field::ActualAddress,
        Field::Ethnicity,
        Field::PoliticalStatus,
        Field::MaritalStatus,
        Field::Employment,
        Field::Tags,
        Field::HouseholdNumber,
        Field::Relation,
        Field::Grid,
        Field::Building,
        Field::Unit,
        Field::Room,
    ];

    /// The column title Quanke writes in exports and templates.
    pub fn label(self) -> &'static str {
        self.titles()[0]
    }

    /// Stable English code, used in saved column mappings and the API.
    pub fn code(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::IdNumber => "id_number",
            Field::Sex => "sex",
            Field::BirthDate => "birth_date",
            Field::Phone => "phone",
            Field::RegisteredAddress => "registered_address",
            Field::ActualAddress => "actual_address",
            Field::Ethnicity => "ethnicity",
            Field::PoliticalStatus => "political_status",
            Field::MaritalStatus => "marital_status",
            Field::Employment => "employment",
            Field::Tags => "tags",
            Field::HouseholdNumber => "household",
            Field::Relation => "relation",
            Field::Grid => "grid",
            Field::Building => "building",
            Field::Unit => "unit",
            Field::Room => "room",
        }
    }

    pub fn from_code(code: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.code() == code)
    }

    /// Whether a ledger without this column cannot be imported at all.
    pub fn required(self) -> bool {
        matches!(self, Field::Name | Field::IdNumber)
    }

    /// Every title seen for this column, the preferred one first.
    fn titles(self) -> &'static [&'static str] {
        match self {
            Field::Name => &["姓名", "名字", "居民姓名", "人员姓名"],
            Field::IdNumber => &[
                "身份证号",
                "身份证号码",
                "公民身份号码",
                "身份证",
                "证件号码",
                "身份号码",
                "证件号",
            ],
            Field::Sex => &["性别"],
            Field::BirthDate => &["出生日期", "出生年月", "出生年月日", "生日"],
            Field::Phone => &[
                "联系电话",
                "手机",
                "手机号",
                "手机号码",
                "电话",
                "电话号码",
                "联系方式",
            ],
            Field::RegisteredAddress => {
                &["户籍地址", "户籍地", "户口所在地", "户籍所在地", "户籍住址"]
            }
            Field::ActualAddress => &[
                "实住地址",
                "居住地址",
                "现住址",
                "现居住地址",
                "实际居住地址",
                "现住地址",
                "住址",
                "地址",
            ],
            Field::Ethnicity => &["民族"],
            Field::PoliticalStatus => &["政治面貌"],
            Field::MaritalStatus => &["婚姻状况", "婚姻状态", "婚姻"],
            Field::Employment => &["就业状况", "就业情况", "职业", "工作单位"],
            Field::Tags => &[
                "人员类别",
                "关爱标签",
                "标签",
                "特殊人群",
                "人群类别",
                "人员标签",
            ],
            Field::HouseholdNumber => &["户号", "户编号", "户籍编号"],
            Field::Relation => &["与户主关系", "关系", "家庭关系", "与户主的关系"],
            Field::Grid => &["网格", "所属网格", "网格名称", "网格编号"],
            Field::Building => &["楼栋", "幢", "楼号", "幢号"],
            Field::Unit => &["单元", "单元号"],
            Field::Room => &["房号", "室", "房间号", "门牌号", "室号"],
        }
    }
}

/// The field a header cell names, if any: "* 公民身份号码（必填）" is [`Field::IdNumber`].
pub fn recognise(header: &str) -> Option<Field> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    Field::ALL
        .into_iter()
        .find(|f| f.titles().iter().any(|t| *t == key))
}

/// A header without spaces, required-markers and parenthesised notes.
fn header_key(header: &str) -> String {
    let mut key = String::with_capacity(header.len());
    let mut depth = 0u32;
    for c in header.chars() {
        match c {
            '(' | '\u{ff08}' | '[' | '\u{3010}' => depth += 1,
            ')' | '\u{ff09}' | ']' | '\u{3011}' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '*' | '\u{ff0a}' | ':' | '\u{ff1a}' => {}
            c if c.is_whitespace() || c == '\u{3000}' => {}
            c => key.push(c),
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_and_decorations_are_recognised() {
        assert_eq!(recognise("姓名"), Some(Field::Name));
        assert_eq!(recognise(" 名字 "), Some(Field::Name));
        assert_eq!(recognise("*公民身份号码（必填）"), Some(Field::IdNumber));
        assert_eq!(recognise("联系电话(手机)"), Some(Field::Phone));
        assert_eq!(recognise("手 机"), Some(Field::Phone));
        assert_eq!(recognise("户口所在地："), Some(Field::RegisteredAddress));
        assert_eq!(recognise("备注"), None);
        assert_eq!(recognise(""), None);
        assert_eq!(recognise("（必填）"), None);
    }

    #[test]
    fn every_field_is_recognised_by_its_label_and_code_round_trips() {
        for f in Field::ALL {
            assert_eq!(recognise(f.label()), Some(f), "{f:?}");
            assert_eq!(Field::from_code(f.code()), Some(f));
        }
    }

    #[test]
    fn no_title_names_two_fields() {
        let mut seen = std::collections::HashMap::new();
        for f in Field::ALL {
            for t in f.titles() {
                assert_eq!(seen.insert(*t, f), None, "{t} is claimed twice");
            }
        }
    }
}
