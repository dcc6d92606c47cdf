//! Sheet names and column headers of the catalogue workbook. The reader finds columns by these
//! texts, so they are the contract with the people who edit the workbook by hand; the widths only
//! make the written workbook pleasant to open.

/// One sheet: its tab name and its columns (header, width in characters) in written order.
pub(super) struct SheetSpec {
    pub name: &'static str,
    pub columns: &'static [(&'static str, f64)],
}

impl SheetSpec {
    pub fn headers(&self) -> impl Iterator<Item = &'static str> {
        self.columns.iter().map(|(header, _)| *header)
    }
}

/// Every child sheet names its item by this column.
pub(super) const ITEM_CODE: &str = "事项编码";

pub(super) mod item {
    pub const CODE: &str = super::ITEM_CODE;
    pub const NAME: &str = "事项名称";
    pub const LINE: &str = "所属条线";
    pub const DEPARTMENT: &str = "责任部门";
    pub const ITEM_TYPE: &str = "事项类型";
    pub const LEVEL: &str = "办理层级";
    pub const APPLICANTS: &str = "申请对象";
    pub const EFFECTIVE_FROM: &str = "生效日期";
    pub const CHANGE_NOTE: &str = "变更说明";
    pub const STATUTORY_DAYS: &str = "法定时限";
    pub const PROMISED_DAYS: &str = "承诺时限";
    pub const MODE: &str = "办件类型";
    pub const VISITS: &str = "跑动次数";
    pub const FEE: &str = "收费标准";
    pub const LOCATION: &str = "办理地点";
    pub const HOURS: &str = "办理时间";
    pub const WINDOW: &str = "办理窗口";
    pub const CONSULT_PHONE: &str = "咨询电话";
    pub const COMPLAINT_PHONE: &str = "投诉电话";
    pub const KINDS: &str = "业务情形及受理条件";
    pub const STEPS: &str = "办理流程";
    pub const LEGAL_BASIS: &str = "设定依据";
    pub const TIPS: &str = "经验提示";
    pub const KEYWORDS: &str = "关键词";
    pub const SYNONYMS: &str = "别名";
    pub const POLICIES: &str = "政策文件文号";
    pub const RESULT_KIND: &str = "办结结果类型";
}

/// Columns a workbook may leave out (added after workbooks were in use): a blank or missing
/// one takes the catalogue's default.
pub(super) const OPTIONAL: [&str; 1] = [item::RESULT_KIND];

pub(super) const ITEMS: SheetSpec = SheetSpec {
    name: "事项",
    columns: &[
        (item::CODE, 14.0),
        (item::NAME, 24.0),
        (item::LINE, 10.0),
        (item::DEPARTMENT, 16.0),
        (item::ITEM_TYPE, 10.0),
        (item::LEVEL, 10.0),
        (item::APPLICANTS, 30.0),
        (item::EFFECTIVE_FROM, 12.0),
        (item::CHANGE_NOTE, 30.0),
        (item::STATUTORY_DAYS, 10.0),
        (item::PROMISED_DAYS, 10.0),
        (item::MODE, 10.0),
        (item::VISITS, 10.0),
        (item::FEE, 14.0),
        (item::LOCATION, 30.0),
        (item::HOURS, 24.0),
        (item::WINDOW, 14.0),
        (item::CONSULT_PHONE, 16.0),
        (item::COMPLAINT_PHONE, 16.0),
        (item::KINDS, 40.0),
        (item::STEPS, 36.0),
        (item::LEGAL_BASIS, 36.0),
        (item::TIPS, 40.0),
        (item::KEYWORDS, 16.0),
        (item::SYNONYMS, 16.0),
        (item::POLICIES, 24.0),
        (item::RESULT_KIND, 12.0),
    ],
};

pub(super) mod material {
    pub const ID: &str = "材料编号";
    pub const NAME: &str = "材料名称";
    pub const COPIES: &str = "份数";
    pub const FORM: &str = "材料形式";
    pub const HOW_TO_OBTAIN: &str = "材料来源";
    pub const BLANK_FORM: &str = "空白表格或样表";
    pub const SYSTEM_MAY_HOLD: &str = "系统可能已有";
    pub const KINDS: &str = "适用业务情形";
    pub const APPLIES_WHEN: &str = "适用条件";
}

pub(super) const MATERIALS: SheetSpec = SheetSpec {
    name: "材料",
    columns: &[
        (ITEM_CODE, 14.0),
        (material::ID, 14.0),
        (material::NAME, 30.0),
        (material::COPIES, 8.0),
        (material::FORM, 14.0),
        (material::HOW_TO_OBTAIN, 20.0),
        (material::BLANK_FORM, 20.0),
        (material::SYSTEM_MAY_HOLD, 16.0),
        (material::KINDS, 16.0),
        (material::APPLIES_WHEN, 20.0),
    ],
};

pub(super) mod question {
    pub const ID: &str = "问题编号";
    pub const TEXT: &str = "问题内容";
    pub const HINT: &str = "提示";
    pub const DATATYPE: &str = "题型";
    pub const REQUIRED: &str = "必答";
    pub const ORDER: &str = "顺序";
    pub const OPTIONS: &str = "选项";
}

pub(super) const QUESTIONS: SheetSpec = SheetSpec {
    name: "问题",
    columns: &[
        (ITEM_CODE, 14.0),
        (question::ID, 14.0),
        (question::TEXT, 30.0),
        (question::HINT, 24.0),
        (question::DATATYPE, 10.0),
        (question::REQUIRED, 8.0),
        (question::ORDER, 8.0),
        (question::OPTIONS, 30.0),
    ],
};

pub(super) mod faq {
    pub const Q: &str = "提问";
    pub const A: &str = "解答";
}

pub(super) const FAQS: SheetSpec = SheetSpec {
    name: "常见问题",
    columns: &[(ITEM_CODE, 14.0), (faq::Q, 36.0), (faq::A, 60.0)],
};

pub(super) mod policy {
    pub const NUMBER: &str = "文号";
    pub const TITLE: &str = "标题";
    pub const ISSUER: &str = "发文机关";
    pub const ISSUED_ON: &str = "发文日期";
    pub const EFFECTIVE_FROM: &str = "施行日期";
    pub const TEXT: &str = "全文";
}

pub(super) const POLICIES: SheetSpec = SheetSpec {
    name: "政策文件",
    columns: &[
        (policy::NUMBER, 22.0),
        (policy::TITLE, 36.0),
        (policy::ISSUER, 20.0),
        (policy::ISSUED_ON, 12.0),
        (policy::EFFECTIVE_FROM, 12.0),
        (policy::TEXT, 80.0),
    ],
};

/// The sheets in written order, which is also the order problems are reported in.
pub(super) const SHEETS: [&SheetSpec; 5] = [&ITEMS, &MATERIALS, &QUESTIONS, &FAQS, &POLICIES];

/// How a typed header compares with ours: spaces (ASCII or full-width) anywhere are ignored.
pub(super) fn normalize(header: &str) -> String {
    header.chars().filter(|c| !c.is_whitespace()).collect()
}
