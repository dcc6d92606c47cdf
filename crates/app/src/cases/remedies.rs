//! Where a resident may challenge a decision (行政复议 and 行政诉讼): the bodies are the
//! deployment's (configuration), named on every document and page that refuses the resident
//! (不予受理告知书, a 不予 办结通知书, the tracking page of a refused case).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remedies {
    /// 行政复议机关: where an administrative review is applied for (within 60 days).
    pub review_body: String,
    /// 人民法院: where an administrative lawsuit is filed (within 6 months).
    pub court: String,
}

impl Default for Remedies {
    /// The demo street's district (湖墅街道 is in 拱墅区).
    fn default() -> Self {
        Remedies {
            review_body: "杭州市拱墅区人民政府".into(),
            court: "杭州市拱墅区人民法院".into(),
        }
    }
}
