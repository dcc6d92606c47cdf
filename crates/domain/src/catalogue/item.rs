//! A service item and everything its guide says. Field names are the canonical JSON keys.

use serde::{Deserialize, Serialize};

/// One matter a resident can apply for, as of one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceItem {
    /// Stable identifier, also the Open311 `service_code`.
    pub code: String,
    pub name: String,
    /// 条线: the line of work (民政, 社保/就业, 医保...), also the Open311 `group`.
    pub line: String,
    /// The responsible department (区民政局...).
    pub department: String,
    pub item_type: ItemType,
    /// Where it is handled (社区, 街道, 区).
    pub level: Level,
    /// Who may apply (申请对象).
    pub applicants: String,
    /// Conditions per business kind (新办/变更/延续/注销); at least one.
    pub kinds: Vec<KindConditions>,
    #[serde(default)]
    pub materials: Vec<Material>,
    #[serde(default)]
    pub steps: Vec<String>,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    /// 法定办结时限, working days.
    pub statutory_days: u32,
    /// 承诺办结时限, working days (0 for on-the-spot items).
    pub promised_days: u32,
    pub mode: Mode,
    /// 跑动次数: times the resident must come to the office; 0 = fully online.
    pub visits: u8,
    /// Always written out: "不收费" is explicit, never blank.
    pub fee: String,
    pub location: String,
    pub hours: String,
    #[serde(default)]
    pub window: String,
    pub consult_phone: String,
    pub complaint_phone: String,
    #[serde(default)]
    pub faqs: Vec<Faq>,
    /// Practical notes from experienced workers (经验). Staff only: public channels never see
    /// them (`audience.rs`).
    #[serde(default)]
    pub tips: Vec<String>,
    /// Words people use for this matter; searched with the name.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Other names of the matter (colloquial or former names).
    #[serde(default)]
    pub synonyms: Vec<String>,
    #[serde(default)]
    pub questions: Vec<Question>,
    /// Document numbers of the policies that govern the item.
    #[serde(default)]
    pub policies: Vec<String>,
    /// What completing a case of this item records besides the decision (办结结果). Left out
    /// of the file when general, so items written before it keep their canonical form.
    #[serde(default, skip_serializing_if = "ResultKind::is_general")]
    pub result_kind: ResultKind,
}

/// What the office records when it completes a case (办结), besides 准予/不予 and a note.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultKind {
    /// 一般: the decision alone.
    #[default]
    General,
    /// 待遇: a benefit granted: the amount and the month it is paid from.
    Benefit,
    /// 证照: a certificate or proof issued: its number.
    Certificate,
}

impl ResultKind {
    pub const ALL: [ResultKind; 3] = [
        ResultKind::General,
        ResultKind::Benefit,
        ResultKind::Certificate,
    ];

    pub fn is_general(&self) -> bool {
        *self == ResultKind::General
    }

    pub fn code(self) -> &'static str {
        match self {
            ResultKind::General => "general",
            ResultKind::Benefit => "benefit",
            ResultKind::Certificate => "certificate",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ResultKind::General => "一般",
            ResultKind::Benefit => "待遇",
            ResultKind::Certificate => "证照",
        }
    }

    pub fn parse(code: &str) -> Option<ResultKind> {
        ResultKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    /// 行政许可
    Permit,
    /// 行政给付
    Benefit,
    /// 行政确认
    Confirmation,
    /// 公共服务
    PublicService,
    /// 其他
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Community,
    Street,
    District,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// 即办件: completed on the spot.
    OnTheSpot,
    /// 承诺件: completed within the promised limit.
    Promised,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessKind {
    /// 新办
    New,
    /// 变更
    Change,
    /// 延续
    Renewal,
    /// 注销
    Cancel,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindConditions {
    pub kind: BusinessKind,
    /// 受理条件 for this kind, one per line.
    pub conditions: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialForm {
    Original,
    Copy,
    OriginalAndCopy,
    Electronic,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Material {
    /// Unique within the item; questions' rules refer to it.
    pub id: String,
    pub name: String,
    pub copies: u8,
    pub form: MaterialForm,
    /// Where the resident gets it (自备, 社区开具, 医院出具...).
    pub how_to_obtain: String,
    /// A blank form or sample the office hands out, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blank_form: Option<String>,
    /// What the system may already hold instead of paper (e.g. "resident_id"), so the desk can
    /// mark it "already held" and the resident need not bring it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_may_hold: Option<String>,
    /// The business kinds it is needed for; empty means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<BusinessKind>,
    /// Needed only when an intake question is answered so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_when: Option<Condition>,
}

/// "Question `question` was answered with one of `any_of`."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub question: String,
    pub any_of: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    pub q: String,
    pub a: String,
}

/// Open311's attribute datatypes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Datatype {
    String,
    Number,
    Datetime,
    Text,
    Singlevaluelist,
    Multivaluelist,
}

impl Datatype {
    pub const ALL: [Datatype; 6] = [
        Datatype::Singlevaluelist,
        Datatype::Multivaluelist,
        Datatype::String,
        Datatype::Text,
        Datatype::Number,
        Datatype::Datetime,
    ];

    pub fn has_options(self) -> bool {
        matches!(self, Datatype::Singlevaluelist | Datatype::Multivaluelist)
    }

    /// The desk's words for Open311's datatypes (also the catalogue workbook's cells).
    pub fn label(self) -> &'static str {
        match self {
            Datatype::Singlevaluelist => "单选",
            Datatype::Multivaluelist => "多选",
            Datatype::String => "单行文本",
            Datatype::Text => "多行文本",
            Datatype::Number => "数字",
            Datatype::Datetime => "日期时间",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub text: String,
    /// A hint shown under the question (Open311 `datatype_description`).
    #[serde(default)]
    pub hint: String,
    pub datatype: Datatype,
    pub required: bool,
    pub order: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<QuestionOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionOption {
    pub key: String,
    pub label: String,
}

impl ItemType {
    pub fn label(self) -> &'static str {
        match self {
            ItemType::Permit => "行政许可",
            ItemType::Benefit => "行政给付",
            ItemType::Confirmation => "行政确认",
            ItemType::PublicService => "公共服务",
            ItemType::Other => "其他",
        }
    }
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Community => "社区",
            Level::Street => "街道",
            Level::District => "区级",
        }
    }
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::OnTheSpot => "即办件",
            Mode::Promised => "承诺件",
        }
    }
}

impl BusinessKind {
    pub const ALL: [BusinessKind; 4] = [
        BusinessKind::New,
        BusinessKind::Change,
        BusinessKind::Renewal,
        BusinessKind::Cancel,
    ];

    /// The stored and exchanged code (case rows, forms, the API, the catalogue file's serde
    /// name).
    pub fn code(self) -> &'static str {
        match self {
            BusinessKind::New => "new",
            BusinessKind::Change => "change",
            BusinessKind::Renewal => "renewal",
            BusinessKind::Cancel => "cancel",
        }
    }

    pub fn parse(code: &str) -> Option<BusinessKind> {
        BusinessKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            BusinessKind::New => "新办",
            BusinessKind::Change => "变更",
            BusinessKind::Renewal => "延续",
            BusinessKind::Cancel => "注销",
        }
    }
}

/// A code that names no business kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知的业务类型“{0}”")]
pub struct UnknownBusinessKind(pub String);

/// A stored code, as the store decodes its rows.
impl TryFrom<String> for BusinessKind {
    type Error = UnknownBusinessKind;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        BusinessKind::parse(&code).ok_or(UnknownBusinessKind(code))
    }
}

impl MaterialForm {
    pub const ALL: [MaterialForm; 4] = [
        MaterialForm::Original,
        MaterialForm::Copy,
        MaterialForm::OriginalAndCopy,
        MaterialForm::Electronic,
    ];

    pub fn label(self) -> &'static str {
        match self {
            MaterialForm::Original => "原件",
            MaterialForm::Copy => "复印件",
            MaterialForm::OriginalAndCopy => "原件及复印件",
            MaterialForm::Electronic => "电子材料",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_kinds_decode_from_their_stored_codes_only() {
        for kind in BusinessKind::ALL {
            assert_eq!(BusinessKind::try_from(kind.code().to_string()), Ok(kind));
            assert!(BusinessKind::try_from(kind.label().to_string()).is_err());
        }
        assert_eq!(
            BusinessKind::try_from("renew".to_string()),
            Err(UnknownBusinessKind("renew".into()))
        );
    }
}
