//! A real index over a handful of items written here, searched the way residents search.

use crate::{Hit, SearchIndex};
use quanke_domain::catalogue::{
    BusinessKind, Faq, ItemType, KindConditions, Level, Mode, Policy, ServiceItem,
};

fn item(
    code: &str,
    name: &str,
    line: &str,
    keywords: &[&str],
    synonyms: &[&str],
    faqs: &[(&str, &str)],
) -> ServiceItem {
    let owned = |words: &[&str]| words.iter().map(|w| w.to_string()).collect();
    ServiceItem {
        code: code.into(),
        name: name.into(),
        line: line.into(),
        department: "区民政局".into(),
        item_type: ItemType::PublicService,
        level: Level::Community,
        applicants: "本社区居民".into(),
        kinds: vec![KindConditions {
            kind: BusinessKind::New,
            conditions: vec!["本市户籍".into()],
        }],
        materials: Vec::new(),
        steps: vec!["社区受理".into()],
        legal_basis: Vec::new(),
        statutory_days: 5,
        promised_days: 3,
        mode: Mode::Promised,
        visits: 1,
        fee: "不收费".into(),
        location: "社区党群服务中心".into(),
        hours: "工作日".into(),
        window: String::new(),
        consult_phone: "0571-88000001".into(),
        complaint_phone: "12345".into(),
        faqs: faqs
            .iter()
            .map(|(q, a)| Faq {
                q: q.to_string(),
                a: a.to_string(),
            })
            .collect(),
        tips: Vec::new(),
        keywords: owned(keywords),
        synonyms: owned(synonyms),
        questions: Vec::new(),
        policies: Vec::new(),
        result_kind: Default::default(),
    }
}

fn catalogue() -> Vec<ServiceItem> {
    vec![
        item(
            "MZ-GLJT",
            "高龄津贴申领",
            "民政",
            &["高龄补贴"],
            &[],
            &[("生日当月能申请吗？", "可以，次月起发放。")],
        ),
        item("MZ-DB", "最低生活保障申请", "民政", &[], &["低保"], &[]),
        item("HJ-CSDJ", "出生登记", "户籍/居住证", &["报户口"], &[], &[]),
        item(
            "WJ-CSZM",
            "出生医学证明办理",
            "卫健/计生",
            &[],
            &["出生证"],
            &[],
        ),
        item(
            "SB-SBKBL",
            "社会保障卡补领",
            "社保/就业",
            &["社保卡"],
            &[],
            &[],
        ),
        item(
            "SB-SYJ",
            "失业保险金申领",
            "社保/就业",
            &[],
            &[],
            &[("失业金能领多久？", "按缴费年限确定。")],
        ),
        item("HJ-JZZ", "居住证申领", "户籍/居住证", &["暂住证"], &[], &[]),
        item("YB-CB", "城乡居民医保参保登记", "医保", &[], &["医保"], &[]),
        item(
            "JY-RX",
            "义务教育入学登记",
            "教育",
            &[],
            &[],
            &[("随迁子女要居住证吗？", "需要父母一方的居住证。")],
        ),
    ]
}

fn policies() -> Vec<Policy> {
    vec![Policy {
        number: "浙民福〔2023〕1号".into(),
        title: "关于调整高龄津贴标准的通知".into(),
        issuer: "浙江省民政厅".into(),
        issued_on: "2023-01-01".into(),
        effective_from: "2023-02-01".into(),
        text: "年满八十周岁的老年人按月发放高龄津贴。".into(),
    }]
}

fn index() -> SearchIndex {
    SearchIndex::build(&catalogue(), &policies()).expect("the index builds")
}

fn codes(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.code.as_str()).collect()
}

fn first<'a>(hits: &'a [Hit], query: &str) -> &'a Hit {
    hits.first()
        .unwrap_or_else(|| panic!("nothing found for {query}"))
}

#[track_caller]
fn assert_top(index: &SearchIndex, query: &str, code: &str) -> Hit {
    let hits = index.search(query, 5);
    assert_eq!(
        first(&hits, query).code,
        code,
        "{query}: {:?}",
        codes(&hits)
    );
    hits[0].clone()
}

#[test]
fn the_index_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<SearchIndex>();
}

#[test]
fn colloquial_sayings_find_the_matter() {
    let index = index();
    let hits = index.search("我家刚生娃，要办什么", 5);
    let mut top_two = codes(&hits)[..2].to_vec();
    top_two.sort_unstable();
    assert_eq!(top_two, ["HJ-CSDJ", "WJ-CSZM"]);
    let registration = hits.iter().find(|h| h.code == "HJ-CSDJ").unwrap();
    // “刚生” and “生娃” are both sayings of a birth; the reason names one of them.
    let said = |w: &String| w.ends_with("即“出生登记”（同义词）") && w.contains("生");
    assert!(registration.why.iter().any(said), "{:?}", registration.why);
    assert_top(&index, "我妈今年八十了能领什么钱", "MZ-GLJT");
    assert_top(&index, "被公司辞退了", "SB-SYJ");
    assert_top(&index, "社保卡丢了", "SB-SBKBL");
}

#[test]
fn pinyin_finds_the_word() {
    let index = index();
    let hit = assert_top(&index, "shebaoka", "SB-SBKBL");
    assert!(
        hit.why.contains(&"拼音“shebaoka”→“社保卡”".to_owned()),
        "{:?}",
        hit.why
    );
    assert_top(&index, "ju zhu zheng", "HJ-JZZ");
    assert_top(&index, "GaoLingJinTie", "MZ-GLJT");
    assert_top(&index, "sbk", "SB-SBKBL");
}

#[test]
fn homophone_typos_are_forgiven() {
    let index = index();
    // 居住正 is a slip the dictionary knows by now; 居助证 is only read by its sound.
    let hit = assert_top(&index, "居助证怎么办", "HJ-JZZ");
    assert!(
        hit.why
            .contains(&"“居助证”按读音是“居住证”（同音字）".to_owned()),
        "{:?}",
        hit.why
    );
    assert_top(&index, "底保", "MZ-DB");
    assert_top(&index, "衣保怎么交", "YB-CB");
}

#[test]
fn a_name_outranks_a_mention_in_the_faq() {
    let hits = index().search("居住证", 5);
    let named = &hits[0];
    assert_eq!(named.code, "HJ-JZZ");
    assert_eq!(named.why[0], "名称含“居住证”");
    let mentioned = hits
        .iter()
        .find(|h| h.code == "JY-RX")
        .expect("the FAQ mention is found");
    assert!(named.score > mentioned.score);
    assert_eq!(mentioned.why, vec!["常见问题提到“居住证”"]);
}

#[test]
fn hits_carry_their_item() {
    let hit = assert_top(&index(), "失业金", "SB-SYJ");
    assert_eq!(
        (hit.name.as_str(), hit.line.as_str()),
        ("失业保险金申领", "社保/就业")
    );
    assert!(
        hit.why.contains(&"常见问题提到“失业金”".to_owned()),
        "{:?}",
        hit.why
    );
}

#[test]
fn empty_and_meaningless_queries_find_nothing() {
    let index = index();
    for query in ["", "   ", "？！。", "的了吗", "怎么办呢"] {
        assert!(index.search(query, 5).is_empty(), "{query} found something");
    }
    assert!(index.search("居住证", 0).is_empty());
}

#[test]
fn limit_is_respected() {
    assert_eq!(index().search("登记", 2).len(), 2);
}

#[test]
fn a_code_is_found_first() {
    let hit = assert_top(&index(), "mz-db", "MZ-DB");
    assert_eq!(hit.why, vec!["事项编码“MZ-DB”"]);
}

#[test]
fn policies_are_searchable() {
    let index = index();
    let hits = index.search_policies("八十岁老人补贴标准", 5);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].number, "浙民福〔2023〕1号");
    assert!(
        hits[0].why.iter().any(|w| w.contains("高龄津贴")),
        "{:?}",
        hits[0].why
    );
    assert!(index.search_policies("居住证", 5).is_empty());
    assert!(!codes(&index.search("高龄津贴", 5)).is_empty());
}

#[test]
fn characters_find_what_no_word_matches() {
    let index = index();
    // "龄津" is no word and part of none the segmenter cuts ("高龄", "津贴"): only the character
    // pairs find the item, and say so.
    let hit = assert_top(&index, "龄津", "MZ-GLJT");
    assert_eq!(hit.why, vec!["字面相近：“龄津”".to_string()]);
}

#[test]
fn a_case_the_question_does_not_ask_for_goes_lower() {
    // The re-issue comes first in the catalogue, so only the narrowing puts it second.
    let items = vec![
        item("CJ-BL", "残疾人证补领", "残联", &[], &[], &[]),
        item("CJ-XB", "残疾人证核发", "残联", &[], &[], &[]),
    ];
    let index = SearchIndex::build(&items, &[]).unwrap();
    assert_top(&index, "残疾证怎么办", "CJ-XB");
    assert_top(&index, "残疾证丢了", "CJ-BL");
}
