//! Inspection checklists (检查表) as data: `data/checklists.txt`. Each names what it inspects
//! (a business or a dwelling), the event category a failed inspection opens its 整改 event
//! under, and its points, each answered 合格, 不合格 or 不适用.

use super::subject::SubjectKind;
use crate::datafile;
use crate::event::Categories;
use thiserror::Error;

const SHIPPED: &str = include_str!("../../data/checklists.txt");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    pub code: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    pub code: String,
    pub name: String,
    pub kind: SubjectKind,
    /// The event category of the 整改 event a failed inspection opens.
    pub category: String,
    pub points: Vec<Point>,
}

impl Checklist {
    pub fn point(&self, code: &str) -> Option<&Point> {
        self.points.iter().find(|p| p.code == code)
    }
}

/// An answer to one point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    Pass,
    Fail,
    NotApplicable,
}

impl Answer {
    pub const ALL: [Answer; 3] = [Answer::Pass, Answer::Fail, Answer::NotApplicable];

    pub fn code(self) -> &'static str {
        match self {
            Answer::Pass => "pass",
            Answer::Fail => "fail",
            Answer::NotApplicable => "na",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Answer::Pass => "合格",
            Answer::Fail => "不合格",
            Answer::NotApplicable => "不适用",
        }
    }

    pub fn from_code(code: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("检查表第 {line} 行：{problem}")]
pub struct ChecklistsFileError {
    pub line: usize,
    pub problem: String,
}

/// Every checklist, in the file's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklists(Vec<Checklist>);

impl Checklists {
    /// The checklists shipped with Quanke.
    pub fn shipped() -> &'static Checklists {
        static SHIPPED_LISTS: std::sync::LazyLock<Checklists> = std::sync::LazyLock::new(|| {
            Checklists::parse(SHIPPED, Categories::shipped()).expect("shipped checklists (tested)")
        });
        &SHIPPED_LISTS
    }

    /// Reads the text; every category named must be one of `categories`. A text with a bad
    /// line is refused whole.
    pub fn parse(text: &str, categories: &Categories) -> Result<Checklists, ChecklistsFileError> {
        let mut lists: Vec<Checklist> = Vec::new();
        for (line, content) in datafile::lines(text) {
            let fail = |problem: String| ChecklistsFileError { line, problem };
            match content.strip_prefix("==") {
                Some(head) => {
                    let list = parse_head(head, categories).map_err(fail)?;
                    if lists
                        .iter()
                        .any(|l| l.code == list.code || l.name == list.name)
                    {
                        return Err(fail(format!("检查表“{}”重复", list.name)));
                    }
                    lists.push(list);
                }
                None => {
                    let list = lists.last_mut().ok_or_else(|| {
                        fail("检查项之前应先有“== 代码 | 名称 | 对象 | 类别”".into())
                    })?;
                    let point = parse_point(content).map_err(fail)?;
                    if list.point(&point.code).is_some() {
                        return Err(fail(format!("检查项“{}”重复", point.code)));
                    }
                    list.points.push(point);
                }
            }
        }
        if let Some(empty) = lists.iter().find(|l| l.points.is_empty()) {
            return Err(ChecklistsFileError {
                line: text.lines().count().max(1),
                problem: format!("检查表“{}”没有检查项", empty.name),
            });
        }
        Ok(Checklists(lists))
    }

    pub fn all(&self) -> &[Checklist] {
        &self.0
    }

    pub fn by_code(&self, code: &str) -> Option<&Checklist> {
        self.0.iter().find(|l| l.code == code)
    }

    /// The checklists for subjects of `kind`.
    pub fn for_kind(&self, kind: SubjectKind) -> impl Iterator<Item = &Checklist> {
        self.0.iter().filter(move |l| l.kind == kind)
    }
}

fn parse_head(head: &str, categories: &Categories) -> Result<Checklist, String> {
    let c = datafile::cells(head, 4, "代码 | 名称 | 对象 | 整改事件类别")?;
    datafile::check_code(c[0])?;
    if c[1].is_empty() {
        return Err("缺少检查表名称".into());
    }
    let kind = match c[2] {
        "企业" => SubjectKind::Business,
        "房屋" => SubjectKind::Dwelling,
        other => return Err(format!("对象“{other}”应为 企业 或 房屋")),
    };
    if categories.by_code(c[3]).is_none() {
        return Err(format!("整改事件类别“{}”不在事件类别表中", c[3]));
    }
    Ok(Checklist {
        code: c[0].to_string(),
        name: c[1].to_string(),
        kind,
        category: c[3].to_string(),
        points: Vec::new(),
    })
}

fn parse_point(line: &str) -> Result<Point, String> {
    let c = datafile::cells(line, 2, "检查项代码 | 检查内容")?;
    datafile::check_code(c[0])?;
    if c[1].is_empty() {
        return Err("缺少检查内容".into());
    }
    Ok(Point {
        code: c[0].to_string(),
        text: c[1].to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_checklists_parse() {
        let lists = Checklists::shipped();
        let fire = lists.by_code("fire_small_venue").unwrap();
        assert_eq!(fire.kind, SubjectKind::Business);
        assert_eq!(fire.category, "fire_hazard");
        assert!(fire.points.len() >= 5);
        assert!(fire.point("exits").is_some() && fire.point("nothing").is_none());
        assert_eq!(lists.for_kind(SubjectKind::Dwelling).count(), 1);
        assert_eq!(lists.for_kind(SubjectKind::Resident).count(), 0);
    }

    #[test]
    fn bad_lines_are_named_with_their_number() {
        let c = Categories::shipped();
        let cases = [
            ("a | 甲", 1, "检查项之前应先有"),
            ("== a | 甲 | 企业", 1, "应有 4 栏"),
            (
                "== a | 甲 | 居民 | noise\nx | y",
                1,
                "对象“居民”应为 企业 或 房屋",
            ),
            (
                "== a | 甲 | 企业 | weather\nx | y",
                1,
                "整改事件类别“weather”",
            ),
            ("== a | 甲 | 企业 | noise\nX | y", 2, "代码“X”无效"),
            ("== a | 甲 | 企业 | noise\nx | y\nx | z", 3, "检查项“x”重复"),
            ("== a | 甲 | 企业 | noise\nx |", 2, "缺少检查内容"),
            (
                "== a | 甲 | 企业 | noise\nx | y\n== b | 甲 | 房屋 | noise",
                3,
                "检查表“甲”重复",
            ),
            (
                "== a | 甲 | 企业 | noise\n# none",
                2,
                "检查表“甲”没有检查项",
            ),
        ];
        for (text, line, words) in cases {
            let err = Checklists::parse(text, c).unwrap_err();
            assert_eq!(err.line, line, "{text}");
            assert!(err.to_string().contains(words), "{text}: {err}");
        }
    }

    #[test]
    fn answers_round_trip() {
        for a in Answer::ALL {
            assert_eq!(Answer::from_code(a.code()), Some(a));
        }
        assert_eq!(Answer::from_code("maybe"), None);
    }
}
