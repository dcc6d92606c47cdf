//! The one error type of this crate's boundary.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum SearchError {
    /// A shipped data file (dictionary, word list) is malformed.
    #[error("检索词典第 {line} 行格式有误：{reason}")]
    Dictionary { line: usize, reason: String },
    /// tantivy refused to build the index.
    #[error("检索索引建立失败：{0}")]
    Index(#[from] tantivy::TantivyError),
}
