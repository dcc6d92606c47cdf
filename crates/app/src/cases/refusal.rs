//! Why the office refuses a case operation: a stable code for machines and a Chinese message
//! for people. Internal failures stay separate, so they are logged and never shown.

use quanke_domain::limits::TooLong;
use quanke_store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
    /// Every requirement of the lifecycle table that failed, when the refusal comes from them
    /// (a program may act on each: mark materials, ask for assignment...).
    pub reasons: Vec<Reason>,
}

/// One failed requirement: its stable code and the sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            code,
            message: message.into(),
            reasons: Vec::new(),
        }
    }

    pub fn with_reasons(self, reasons: Vec<Reason>) -> Self {
        Refusal { reasons, ..self }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("refused: {}", .0.message)]
    Refused(Refusal),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl CaseError {
    pub fn refuse(code: &'static str, message: impl Into<String>) -> Self {
        CaseError::Refused(Refusal::new(code, message))
    }
}

impl From<StoreError> for CaseError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => CaseError::NotFound,
            // The only conflicts case writes raise are someone else acting first.
            StoreError::Conflict(_) => CaseError::refuse(
                "stale_state",
                "办件状态已被他人更新，请刷新页面查看最新情况后再操作",
            ),
            other => CaseError::Internal(other.into()),
        }
    }
}

/// A field over its limit, refused with the table's message wherever the case service checks it.
impl From<TooLong> for CaseError {
    fn from(e: TooLong) -> Self {
        CaseError::refuse("too_long", e.to_string())
    }
}

pub type CaseResult<T> = Result<T, CaseError>;
