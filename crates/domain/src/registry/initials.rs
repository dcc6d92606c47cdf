//! Pinyin initials of names, so that "zsf" finds 张三丰 at the desk.

use pinyin::ToPinyin;

/// Surnames whose reading differs from the character's everyday one.
const SURNAMES: &[(char, char)] = &[
    ('单', 's'),
    ('曾', 'z'),
    ('解', 'x'),
    ('仇', 'q'),
    ('区', 'o'),
    ('查', 'z'),
    ('朴', 'p'),
    ('覃', 'q'),
    ('缪', 'm'),
    ('翟', 'z'),
    ('召', 's'),
    ('种', 'c'),
    ('乐', 'y'),
    ('盖', 'g'),
    ('员', 'y'),
    ('长', 'c'),
];

/// Lower-case initials, one per Han character; Latin letters keep their own; other characters
/// (the middle dot, digits) are left out.
pub fn name_initials(name: &str) -> String {
    let mut out = String::with_capacity(name.len() / 3 + 1);
    for (i, c) in name.chars().enumerate() {
        let surname = SURNAMES.iter().find(|(s, _)| i == 0 && *s == c);
        if let Some((_, letter)) = surname {
            out.push(*letter);
            continue;
        }
        if c.is_ascii_alphabetic() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(p) = c.to_pinyin() {
            out.push_str(p.first_letter());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::name_initials;

    #[test]
    fn initials_of_common_and_tricky_names() {
        assert_eq!(name_initials("张三丰"), "zsf");
        assert_eq!(name_initials("曾小贤"), "zxx");
        assert_eq!(name_initials("单田芳"), "stf");
        assert_eq!(name_initials("阿依古丽·买买提"), "ayglmmt");
        assert_eq!(name_initials("Tom李"), "toml");
        assert_eq!(name_initials(""), "");
    }
}
