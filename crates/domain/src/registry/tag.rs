//! Tags of care (关爱标签) a community keeps on residents, each with the date it applies from.

use time::Date;

use super::date::parse_date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CareTag {
    LivingAlone,
    EmptyNest,
    Oldest,
    Disabled,
    LowIncome,
    Veteran,
    Watched,
}

impl CareTag {
    pub const ALL: [CareTag; 7] = [
        CareTag::LivingAlone,
        CareTag::EmptyNest,
        CareTag::Oldest,
        CareTag::Disabled,
        CareTag::LowIncome,
        CareTag::Veteran,
        CareTag::Watched,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CareTag::LivingAlone => "独居老人",
            CareTag::EmptyNest => "空巢老人",
            CareTag::Oldest => "高龄",
            CareTag::Disabled => "残疾",
            CareTag::LowIncome => "低保",
            CareTag::Veteran => "优抚对象",
            CareTag::Watched => "重点人群",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            CareTag::LivingAlone => "living_alone",
            CareTag::EmptyNest => "empty_nest",
            CareTag::Oldest => "oldest",
            CareTag::Disabled => "disabled",
            CareTag::LowIncome => "low_income",
            CareTag::Veteran => "veteran",
            CareTag::Watched => "watched",
        }
    }

    pub fn from_code(code: &str) -> Option<CareTag> {
        CareTag::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Health and disability data are sensitive personal information under PIPL: masked unless
    /// the role may see them.
    pub fn is_sensitive(self) -> bool {
        matches!(self, CareTag::Disabled | CareTag::Watched)
    }

    /// The tag a ledger word names, including the long forms ledgers use.
    pub fn recognise(word: &str) -> Option<CareTag> {
        let found = match word {
            "独居老人" | "独居" => CareTag::LivingAlone,
            "空巢老人" | "空巢" => CareTag::EmptyNest,
            "高龄" | "高龄老人" => CareTag::Oldest,
            "残疾" | "残疾人" | "持证残疾人" => CareTag::Disabled,
            "低保" | "低保户" | "低保对象" => CareTag::LowIncome,
            "优抚对象" | "优抚" | "退役军人" => CareTag::Veteran,
            "重点人群" | "重点人员" => CareTag::Watched,
            _ => return None,
        };
        Some(found)
    }
}

/// A tag with the day it applies from, when the ledger says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DatedTag {
    pub tag: CareTag,
    pub since: Option<Date>,
}

/// Reads "独居老人、低保(2023-05-01)" into tags; the error is the message for the cell.
pub fn parse_tags(cell: &str) -> Result<Vec<DatedTag>, String> {
    let mut tags: Vec<DatedTag> = Vec::new();
    for word in cell
        .split(|c: char| ",;/|\u{3001}\u{ff0c}\u{ff1b}".contains(c) || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        let tag = parse_one(word)?;
        if !tags.iter().any(|t| t.tag == tag.tag) {
            tags.push(tag);
        }
    }
    tags.sort();
    Ok(tags)
}

fn parse_one(word: &str) -> Result<DatedTag, String> {
    let (name, date) = match word.find(['(', '\u{ff08}']) {
        Some(open) => {
            let rest = &word[open..];
            let inner = rest
                .trim_start_matches(['(', '\u{ff08}'])
                .trim_end_matches([')', '\u{ff09}']);
            (&word[..open], Some(inner))
        }
        None => (word, None),
    };
    let tag = CareTag::recognise(name).ok_or_else(|| {
        let known: Vec<&str> = CareTag::ALL.iter().map(|t| t.label()).collect();
        format!("“{name}”不是可识别的人员类别，可用：{}", known.join("、"))
    })?;
    let since = match date {
        None => None,
        Some(d) => Some(
            parse_date(d)
                .ok_or_else(|| format!("“{name}”后的日期“{d}”无法识别，应如 2024-03-01"))?,
        ),
    };
    Ok(DatedTag { tag, since })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn tags_split_on_any_separator_with_optional_dates() {
        let tags = parse_tags("独居老人、低保（2023-05-01）; 高龄").unwrap();
        assert_eq!(
            tags,
            vec![
                DatedTag {
                    tag: CareTag::LivingAlone,
                    since: None
                },
                DatedTag {
                    tag: CareTag::Oldest,
                    since: None
                },
                DatedTag {
                    tag: CareTag::LowIncome,
                    since: Some(date!(2023 - 05 - 01))
                },
            ]
        );
        assert_eq!(parse_tags("").unwrap(), vec![]);
        assert_eq!(parse_tags("低保户,低保").unwrap().len(), 1);
    }

    #[test]
    fn unknown_tags_and_bad_dates_are_refused_by_name() {
        let e = parse_tags("低保、五保").unwrap_err();
        assert!(e.contains("“五保”不是可识别的人员类别"), "{e}");
        let e = parse_tags("残疾(去年)").unwrap_err();
        assert!(e.contains("日期“去年”无法识别"), "{e}");
    }

    #[test]
    fn codes_round_trip() {
        for t in CareTag::ALL {
            assert_eq!(CareTag::from_code(t.code()), Some(t));
            assert_eq!(CareTag::recognise(t.label()), Some(t));
        }
    }
}
