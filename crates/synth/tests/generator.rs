use std::collections::{HashMap, HashSet};

use quanke_domain::ident::{credit_code, phone, resident_id};
use quanke_synth::{
    BusinessKind, CareTag, Community, FireSafety, Generator, Household, Relation, Sex, age_on,
};

fn households(seed: u64, n: usize) -> (Generator, Vec<Household>) {
    let mut g = Generator::new(seed);
    let h = g.households_in(&Community::demo(), n);
    (g, h)
}

#[test]
fn same_seed_gives_same_data_and_another_seed_other_data() {
    let community = Community::demo();
    let run = |seed| {
        let mut g = Generator::new(seed);
        (
            g.people(200),
            g.households_in(&community, 200),
            g.businesses_in(&community, 50),
        )
    };
    assert_eq!(run(42), run(42));
    let (a, b) = (run(42), run(43));
    assert_ne!(a.0, b.0);
    assert_ne!(a.1, b.1);
    assert_ne!(a.2, b.2);
}

#[test]
fn every_id_number_parses_is_unique_and_matches_sex_and_birth() {
    let mut g = Generator::new(1);
    let today = g.reference_date();
    let mut seen = HashSet::new();
    for p in g.people(100_000) {
        let parsed = resident_id::parse(&p.id_number, today)
            .unwrap_or_else(|e| panic!("{}: {e}", p.id_number));
        assert_eq!(parsed.warnings, [], "{}", p.id_number);
        assert!(parsed.id.address_code().starts_with("3301"));
        assert_eq!(parsed.id.sex(), p.sex);
        assert_eq!(parsed.id.birth_date(), p.birth_date);
        assert!(seen.insert(p.id_number));
    }
}

#[test]
fn abolished_county_codes_appear_but_rarely() {
    let mut g = Generator::new(2);
    let people = g.people(20_000);
    let count = |code: &str| {
        people
            .iter()
            .filter(|p| p.id_number.starts_with(code))
            .count()
    };
    let (xiacheng, jianggan) = (count("330103"), count("330104"));
    assert!(xiacheng > 0 && jianggan > 0);
    assert!(
        xiacheng + jianggan < people.len() / 10,
        "{xiacheng} {jianggan}"
    );
    let gongshu = count("330105");
    assert!(gongshu > xiacheng, "拱墅 {gongshu} 下城 {xiacheng}");
}

#[test]
fn chen_wang_and_li_lead_the_surnames() {
    let mut g = Generator::new(3);
    let mut counts: HashMap<char, usize> = HashMap::new();
    for p in g.people(30_000) {
        *counts.entry(p.name.chars().next().unwrap()).or_default() += 1;
    }
    let mut ranked: Vec<_> = counts.into_iter().collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
    let top: Vec<char> = ranked.iter().take(4).map(|(c, _)| *c).collect();
    assert_eq!(top[0], '陈', "{top:?}");
    assert!(top.contains(&'王') && top.contains(&'李'), "{top:?}");
}

#[test]
fn ages_follow_the_pyramid() {
    let mut g = Generator::new(4);
    let today = g.reference_date();
    let ages: Vec<i32> = g
        .people(50_000)
        .iter()
        .map(|p| age_on(p.birth_date, today))
        .collect();
    let share =
        |f: &dyn Fn(i32) -> bool| ages.iter().filter(|&&a| f(a)).count() as f64 / ages.len() as f64;
    let oldest = share(&|a| a >= 80);
    assert!((0.02..0.06).contains(&oldest), "80+ {oldest}");
    let middle = share(&|a| (30..60).contains(&a));
    assert!(middle > 0.4, "30–59 {middle}");
    assert!(share(&|a| a >= 95) > 0.0);
    assert!(ages.iter().all(|a| (0..=105).contains(a)));
}

#[test]
fn phones_parse_and_children_have_none() {
    let mut g = Generator::new(5);
    let today = g.reference_date();
    let (mut mobiles, mut landlines) = (0, 0);
    for p in g.people(20_000) {
        match &p.phone {
            None => assert!(age_on(p.birth_date, today) < 12),
            Some(number) => {
                let parsed = phone::parse(number).unwrap_or_else(|e| panic!("{number}: {e}"));
                assert_eq!(parsed.as_str(), number);
                if number.starts_with("0571-8") {
                    landlines += 1;
                } else {
                    mobiles += 1;
                }
            }
        }
    }
    assert!(
        landlines > 0 && mobiles > landlines * 5,
        "{mobiles} {landlines}"
    );
}

#[test]
fn households_have_every_size_and_one_head_first() {
    let (_, hs) = households(6, 3000);
    let sizes: HashSet<usize> = hs.iter().map(|h| h.members.len()).collect();
    assert_eq!(sizes, (1..=6).collect());
    for h in &hs {
        assert_eq!(h.members[0].relation, Relation::Head);
        let heads = h.members.iter().filter(|m| m.relation == Relation::Head);
        assert_eq!(heads.count(), 1, "{}", h.number);
    }
}

#[test]
fn household_ages_and_sexes_are_consistent() {
    let (g, hs) = households(7, 5000);
    let today = g.reference_date();
    for h in &hs {
        let head = &h.members[0].person;
        let head_age = age_on(head.birth_date, today);
        for m in &h.members[1..] {
            let gap = head_age - age_on(m.person.birth_date, today);
            let ok = match m.relation {
                Relation::Spouse => gap.abs() <= 4 && m.person.sex != head.sex,
                Relation::Son | Relation::Daughter => (20..=40).contains(&gap),
                Relation::Father | Relation::Mother => (20..=40).contains(&-gap),
                Relation::DaughterInLaw | Relation::SonInLaw => (16..=44).contains(&gap),
                _ => (40..=80).contains(&gap),
            };
            assert!(ok, "{} {:?} gap {gap}", h.number, m.relation);
            let expected_sex = match m.relation {
                Relation::Son | Relation::Father | Relation::SonInLaw | Relation::Grandson => {
                    Some(Sex::Male)
                }
                Relation::Daughter | Relation::Mother | Relation::DaughterInLaw => {
                    Some(Sex::Female)
                }
                _ => None,
            };
            if let Some(sex) = expected_sex {
                assert_eq!(m.person.sex, sex, "{} {:?}", h.number, m.relation);
            }
        }
        let born = |r| {
            let mut of = h.members.iter().filter(move |m| m.relation == r);
            of.next().map(|m| age_on(m.person.birth_date, today))
        };
        if let (Some(father), Some(mother)) = (born(Relation::Father), born(Relation::Mother)) {
            assert!((father - mother).abs() <= 4, "{}", h.number);
        }
    }
}

#[test]
fn children_take_the_surname_of_a_male_head() {
    let (_, hs) = households(8, 3000);
    let mut checked = 0;
    for h in hs.iter().filter(|h| h.members[0].person.sex == Sex::Male) {
        let surname = h.members[0].person.name.chars().next().unwrap();
        for m in &h.members {
            if matches!(
                m.relation,
                Relation::Son | Relation::Daughter | Relation::Father
            ) {
                assert!(m.person.name.starts_with(surname), "{}", h.number);
                checked += 1;
            }
        }
    }
    assert!(checked > 500);
}

#[test]
fn care_tags_are_derived_from_age_and_household() {
    let (g, hs) = households(9, 5000);
    let today = g.reference_date();
    let mut counts: HashMap<CareTag, usize> = HashMap::new();
    for h in &hs {
        for m in &h.members {
            let age = age_on(m.person.birth_date, today);
            let tags = &m.person.tags;
            assert_eq!(tags.contains(&CareTag::Oldest), age >= 80, "{}", h.number);
            let alone = h.members.len() == 1 && age >= 70;
            assert_eq!(tags.contains(&CareTag::LivingAlone), alone, "{}", h.number);
            let low_income = tags.contains(&CareTag::LowIncome);
            assert!(
                h.members
                    .iter()
                    .all(|o| o.person.tags.contains(&CareTag::LowIncome) == low_income)
            );
            for t in tags {
                *counts.entry(*t).or_default() += 1;
            }
        }
    }
    for tag in [
        CareTag::LivingAlone,
        CareTag::Oldest,
        CareTag::Disabled,
        CareTag::LowIncome,
    ] {
        assert!(
            counts.get(&tag).copied().unwrap_or(0) > 20,
            "{}: {counts:?}",
            tag.label()
        );
    }
}

#[test]
fn dwellings_are_unique_and_in_the_community_grids() {
    let community = Community::demo();
    let (_, hs) = households(10, 3000);
    let mut addresses = HashSet::new();
    for h in &hs {
        let d = &h.dwelling;
        assert!(community.grids.contains(&d.grid));
        assert!(d.address.starts_with("杭州市拱墅区湖墅街道卖鱼桥社区"));
        assert!(
            d.address
                .ends_with(&format!("{}{}{}", d.building, d.unit, d.room))
        );
        assert!(d.building.ends_with('幢') && d.unit.ends_with("单元") && d.room.ends_with('室'));
        assert!(addresses.insert(d.address.clone()), "{}", d.address);
    }
}

#[test]
fn resident_rows_are_the_households_flattened() {
    let community = Community::demo();
    let (_, hs) = households(11, 500);
    let total: usize = hs.iter().map(|h| h.members.len()).sum();
    let mut g = Generator::new(11);
    let rows: Vec<_> = g.residents(&community).take(total).collect();
    let expected = hs.iter().flat_map(|h| {
        h.members
            .iter()
            .map(move |m| (&h.number, &m.person, m.relation, &h.dwelling))
    });
    for (row, (number, person, relation, dwelling)) in rows.iter().zip(expected) {
        assert_eq!(&row.household, number);
        assert_eq!(&row.person, person);
        assert_eq!(row.relation, relation);
        assert_eq!(&row.dwelling, dwelling);
    }
}

#[test]
fn resident_stream_ids_stay_unique_across_many_rows() {
    let mut g = Generator::new(12);
    let mut seen = HashSet::new();
    for r in g.residents(&Community::demo()).take(100_000) {
        assert!(seen.insert(r.person.id_number));
    }
}

#[test]
fn businesses_have_valid_codes_contacts_and_plausible_names() {
    let community = Community::demo();
    let mut g = Generator::new(13);
    let list = g.businesses_in(&community, 2000);
    let kinds: HashSet<BusinessKind> = list.iter().map(|b| b.kind).collect();
    assert_eq!(kinds.len(), 3);
    for b in &list {
        let code =
            credit_code::parse(&b.credit_code).unwrap_or_else(|e| panic!("{}: {e}", b.credit_code));
        assert_eq!(code.division_code(), "330105");
        phone::parse(&b.contact_phone).unwrap();
        assert!(b.address.starts_with("杭州市拱墅区湖墅街道卖鱼桥社区"));
        assert!(community.grids.contains(&b.grid));
        assert!(b.contact_name.chars().count() >= 2);
        let (prefix, shape_ok) = match b.kind {
            BusinessKind::IndividualBusiness => ("92", b.name.starts_with("杭州卖鱼桥")),
            BusinessKind::Company => ("91", b.name.ends_with("有限公司")),
            BusinessKind::PrivateNonProfit => (
                "52",
                b.fire_safety == FireSafety::KeyUnit && b.name.starts_with("杭州市拱墅区"),
            ),
        };
        assert!(b.credit_code.starts_with(prefix) && shape_ok, "{b:?}");
        assert!(b.name.contains(b.trade), "{b:?}");
    }
    assert!(list.iter().any(|b| b.name == "杭州卖鱼桥小河路便利店"));
}
