//! Whom or what a visit is to: a person, a household, a dwelling or a business of the registry.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Resident,
    Household,
    Dwelling,
    Business,
}

impl SubjectKind {
    pub const ALL: [SubjectKind; 4] = [
        SubjectKind::Resident,
        SubjectKind::Household,
        SubjectKind::Dwelling,
        SubjectKind::Business,
    ];

    /// Stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            SubjectKind::Resident => "resident",
            SubjectKind::Household => "household",
            SubjectKind::Dwelling => "dwelling",
            SubjectKind::Business => "business",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SubjectKind::Resident => "居民",
            SubjectKind::Household => "户",
            SubjectKind::Dwelling => "房屋",
            SubjectKind::Business => "企业",
        }
    }
}

impl FromStr for SubjectKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SubjectKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| {
                format!("未知的走访对象类型“{s}”，可选：resident、household、dwelling、business")
            })
    }
}

/// One visited subject: its kind and its registry id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: i64,
}

impl FromStr for Subject {
    type Err = String;
    /// "household:42", as forms and the API name a subject.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("走访对象“{s}”应写成“类型:编号”，如 household:42");
        let (kind, id) = s.split_once(':').ok_or_else(bad)?;
        Ok(Subject {
            kind: kind.trim().parse()?,
            id: id.trim().parse().ok().filter(|n| *n > 0).ok_or_else(bad)?,
        })
    }
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.kind.code(), self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_read_back_as_written() {
        let s: Subject = "household:42".parse().unwrap();
        assert_eq!(
            s,
            Subject {
                kind: SubjectKind::Household,
                id: 42
            }
        );
        assert_eq!(s.to_string(), "household:42");
        for kind in SubjectKind::ALL {
            assert_eq!(kind.code().parse::<SubjectKind>(), Ok(kind));
        }
    }

    #[test]
    fn malformed_subjects_are_refused_in_chinese() {
        for bad in [
            "household",
            "house:1",
            "resident:0",
            "resident:-3",
            "business:x",
        ] {
            let err = bad.parse::<Subject>().unwrap_err();
            assert!(err.contains('“'), "{bad}: {err}");
        }
    }
}
