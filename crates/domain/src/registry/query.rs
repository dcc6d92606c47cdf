//! What a worker typed into the registry search box, read as the kind of search it asks for.

use super::tag::CareTag;

/// How a registry search looks for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// A whole ID number, normalised to 18 characters when it checks out, else as typed.
    IdNumber(String),
    /// The last 4–6 characters of an ID number.
    IdTail(String),
    /// A name or the start of one.
    Name(String),
    /// Pinyin initials, lower case: "zsf".
    Initials(String),
    /// A phone number in its stored form, or the start of one.
    Phone(String),
    /// A piece of an address: "12幢2单元".
    Address(String),
}

impl Query {
    pub fn kind(&self) -> &'static str {
        match self {
            Query::IdNumber(_) => "id",
            Query::IdTail(_) => "id_tail",
            Query::Name(_) => "name",
            Query::Initials(_) => "initials",
            Query::Phone(_) => "phone",
            Query::Address(_) => "address",
        }
    }

    /// What the results page says it searched for.
    pub fn label(&self) -> &'static str {
        match self {
            Query::IdNumber(_) => "身份证号",
            Query::IdTail(_) => "身份证号后几位",
            Query::Name(_) => "姓名",
            Query::Initials(_) => "姓名拼音首字母",
            Query::Phone(_) => "电话",
            Query::Address(_) => "地址",
        }
    }
}

/// Reads `input` as a search; `None` when there is nothing to search for.
///
/// Digits decide by length: 15 or 18 (with X) is an ID number, 4–6 the end of one, 7 or more a
/// phone. Latin letters are initials; Chinese with a building, unit or room word, or with digits,
/// is an address; other Chinese is a name.
pub fn classify(input: &str) -> Option<Query> {
    let q: String = crate::ident::normalize::half_width(input)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if q.is_empty() {
        return None;
    }
    let digits_or_x = q
        .chars()
        .all(|c| c.is_ascii_digit() || c == 'x' || c == 'X');
    let n = q.chars().count();
    if digits_or_x && (n == 18 || n == 15) {
        return Some(Query::IdNumber(q.to_ascii_uppercase()));
    }
    if digits_or_x && (4..=6).contains(&n) {
        return Some(Query::IdTail(q.to_ascii_uppercase()));
    }
    if q.chars().all(|c| c.is_ascii_digit()) && n >= 7 {
        // A whole number is looked up as stored ("0571-88091234"); a part, by its start.
        let whole = crate::ident::phone::parse(&q).ok();
        return Some(Query::Phone(whole.map_or(q, |p| p.as_str().to_string())));
    }
    if q.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(Query::Initials(q.to_ascii_lowercase()));
    }
    let addressy = [
        "幢", "栋", "单元", "室", "号", "路", "街", "弄", "巷", "村", "苑", "小区",
    ];
    if q.chars().any(|c| c.is_ascii_digit()) || addressy.iter().any(|w| q.contains(w)) {
        return Some(Query::Address(input.trim().to_string()));
    }
    Some(Query::Name(q))
}

/// A registry search as typed: tags of care to filter by, and what else the box holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// Every tag a person must carry (独居老人 低保: both).
    pub tags: Vec<CareTag>,
    /// The rest of the box read by `classify`; None when only tags were typed.
    pub query: Option<Query>,
}

/// Reads `input` as a registry search; `None` when there is nothing to search for.
///
/// A word (between spaces or list marks) that names a tag of care, in any form the ledgers
/// use (独居, 低保户, 残疾人…), is a filter, not a name: "低保", "独居老人 张", "张 低保".
/// A tag written straight before a name ("低保张") is read the same way; no name begins with
/// a tag's word.
pub fn read(input: &str) -> Option<Lookup> {
    let mut tags: Vec<CareTag> = Vec::new();
    let mut rest: Vec<&str> = Vec::new();
    for word in input.split(|c: char| c.is_whitespace() || "、，,;；".contains(c)) {
        match split_tag(word) {
            Some((tag, tail)) => {
                if !tags.contains(&tag) {
                    tags.push(tag);
                }
                if !tail.is_empty() {
                    rest.push(tail);
                }
            }
            None if !word.is_empty() => rest.push(word),
            None => {}
        }
    }
    let query = classify(&rest.join(" "));
    if tags.is_empty() && query.is_none() {
        return None;
    }
    Some(Lookup { tags, query })
}

/// The tag a word names or starts with (the longest form), and what follows it.
fn split_tag(word: &str) -> Option<(CareTag, &str)> {
    word.char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .rev()
        .find_map(|end| CareTag::recognise(&word[..end]).map(|t| (t, &word[end..])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_words_are_filters_and_the_rest_is_the_query() {
        let only = read("独居老人").unwrap();
        assert_eq!(only.tags, vec![CareTag::LivingAlone]);
        assert_eq!(only.query, None);
        let both = read(" 低保户  张 ").unwrap();
        assert_eq!(both.tags, vec![CareTag::LowIncome]);
        assert_eq!(both.query, Some(Query::Name("张".into())));
        let joined = read("残疾王五").unwrap();
        assert_eq!(joined.tags, vec![CareTag::Disabled]);
        assert_eq!(joined.query, Some(Query::Name("王五".into())));
        let two = read("张、独居 低保").unwrap();
        assert_eq!(two.tags, vec![CareTag::LivingAlone, CareTag::LowIncome]);
        assert_eq!(two.query, Some(Query::Name("张".into())));
        let phone = read("0571 8809 1234").unwrap();
        assert_eq!(phone.tags, vec![]);
        assert_eq!(phone.query, Some(Query::Phone("0571-88091234".into())));
        assert_eq!(read("  "), None);
    }

    #[test]
    fn queries_are_read_by_shape() {
        assert_eq!(
            classify("33010519800229003x"),
            Some(Query::IdNumber("33010519800229003X".into()))
        );
        assert_eq!(
            classify("330105500101123"),
            Some(Query::IdNumber("330105500101123".into()))
        );
        assert_eq!(classify("0031"), Some(Query::IdTail("0031".into())));
        assert_eq!(classify("02903X"), Some(Query::IdTail("02903X".into())));
        assert_eq!(
            classify("138-0571-2345"),
            Some(Query::Phone("13805712345".into()))
        );
        assert_eq!(classify("8809123"), Some(Query::Phone("8809123".into())));
        assert_eq!(
            classify("0571 8809 1234"),
            Some(Query::Phone("0571-88091234".into()))
        );
        assert_eq!(classify("1380571"), Some(Query::Phone("1380571".into())));
        assert_eq!(classify("ZSF"), Some(Query::Initials("zsf".into())));
        assert_eq!(classify("张三丰"), Some(Query::Name("张三丰".into())));
        assert_eq!(
            classify("小河路12幢"),
            Some(Query::Address("小河路12幢".into()))
        );
        assert_eq!(
            classify("2单元302"),
            Some(Query::Address("2单元302".into()))
        );
        assert_eq!(classify("   "), None);
        assert_eq!(
            classify("１３８０５７１２３４５"),
            Some(Query::Phone("13805712345".into()))
        );
    }
}
