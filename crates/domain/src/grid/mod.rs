//! Grid work (网格工作): what the grid worker visits, why, and how often each household, person
//! and business must be visited (the coverage rules the lines assess, 片组户考核).

mod checklist;
mod coverage;
mod period;
mod purpose;
mod rules_file;
mod subject;

pub use checklist::{Answer, Checklist, Checklists, ChecklistsFileError, Point};
pub use coverage::{Standing, Window, may_fall_due};
pub use period::{Calendar, Period};
pub use purpose::{Purpose, Purposes, PurposesFileError};
pub use rules_file::{
    ANY_PURPOSE, CoverageRule, CoverageRules, PurposeSet, RuleProblem, RulesFileError, Target,
};
pub use subject::{Subject, SubjectKind};
