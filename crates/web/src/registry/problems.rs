//! The first lines of a problem report as the job page shows them; the whole report is a
//! download.

use quanke_import::ReportLine;
use serde::{Deserialize, Serialize};

/// One line: the ledger's row number, column title, the value read, the problem and whether
/// it is an error or a warning, as the report's five columns hold them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProblemLine {
    pub row: String,
    pub column: String,
    pub value: String,
    pub message: String,
    pub severity: String,
}

impl From<&ReportLine> for ProblemLine {
    fn from(l: &ReportLine) -> Self {
        ProblemLine {
            row: l.row.to_string(),
            column: l.column.clone(),
            value: l.value.clone(),
            message: l.message.clone(),
            severity: l.severity.label().to_string(),
        }
    }
}
