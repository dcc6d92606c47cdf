//! Chinese names: surnames by national frequency with 陈 boosted for Zhejiang, given names by
//! sex, and the newborn naming fashion for children born since 2010.

use std::sync::OnceLock;

use quanke_domain::ident::Sex;

use crate::rng::Rng;

const SURNAMES_CSV: &str = include_str!("../data/surnames_zh_CN_faker.csv");
const GIVEN_NAMES_CSV: &str = include_str!("../data/given_names_zh_CN_faker.csv");

/// 陈 is the largest surname in 浙江 (2019 name report) but fifth nationally (4.61 %);
/// doubling it puts it just above 王 (7.17 %), as in a Hangzhou ledger.
const ZHEJIANG_BOOST: (&str, u32) = ("陈", 2);

/// The most frequent characters in newborns' names (2018 report), paired for 2010s children.
const NEWBORN_CHARS: [&str; 10] = ["梓", "宇", "子", "涵", "泽", "雨", "佳", "浩", "欣", "轩"];

/// Year from which children get fashionable newborn names.
const NEWBORN_FASHION_FROM: i32 = 2010;

struct Tables {
    surnames: Vec<&'static str>,
    /// Running totals of the weights, for a binary-search draw.
    cumulative: Vec<u32>,
    male: Vec<&'static str>,
    female: Vec<&'static str>,
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let (surnames, cumulative) = surname_table();
        let (male, female) = given_name_table();
        Tables {
            surnames,
            cumulative,
            male,
            female,
        }
    })
}

fn data_rows(csv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().split(',').collect())
}

fn surname_table() -> (Vec<&'static str>, Vec<u32>) {
    let mut total = 0;
    data_rows(SURNAMES_CSV)
        .map(|row| {
            // Weights are percentages with two decimals: hundredths make them integers.
            let percent: f64 = row[2].parse().expect("surname weight is a number");
            let mut weight = (percent * 100.0).round() as u32;
            if row[1] == ZHEJIANG_BOOST.0 {
                weight *= ZHEJIANG_BOOST.1;
            }
            total += weight.max(1);
            (row[1], total)
        })
        .unzip()
}

fn given_name_table() -> (Vec<&'static str>, Vec<&'static str>) {
    let (male, female): (Vec<_>, Vec<_>) = data_rows(GIVEN_NAMES_CSV).partition(|r| r[0] == "M");
    let names = |rows: Vec<Vec<&'static str>>| rows.into_iter().map(|r| r[1]).collect();
    (names(male), names(female))
}

pub(crate) fn surname(rng: &mut Rng) -> &'static str {
    let t = tables();
    let total = *t.cumulative.last().expect("surname table is not empty");
    let target = rng.below(u64::from(total)) as u32;
    t.surnames[t.cumulative.partition_point(|&c| c <= target)]
}

pub(crate) fn given_name(rng: &mut Rng, sex: Sex, birth_year: i32) -> String {
    if birth_year >= NEWBORN_FASHION_FROM {
        return format!("{}{}", rng.pick(&NEWBORN_CHARS), rng.pick(&NEWBORN_CHARS));
    }
    let t = tables();
    let list = match sex {
        Sex::Male => &t.male,
        Sex::Female => &t.female,
    };
    (*rng.pick(list)).to_string()
}

/// A full name; a child takes the father's surname, so callers may pass one in.
pub(crate) fn full_name(rng: &mut Rng, surname: &str, sex: Sex, birth_year: i32) -> String {
    format!("{surname}{}", given_name(rng, sex, birth_year))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_hold_the_whole_reference_lists() {
        let t = tables();
        assert_eq!(t.surnames.len(), 399);
        assert_eq!(t.male.len(), 57);
        assert_eq!(t.female.len(), 74);
        assert!(t.cumulative.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn chen_is_the_most_frequent_surname() {
        let mut rng = Rng::new(3);
        let draws = 200_000;
        let count = |s: &str, rng: &mut Rng| (0..draws).filter(|_| surname(rng) == s).count();
        let chen = count("陈", &mut rng);
        let wang = count("王", &mut rng);
        let li = count("李", &mut rng);
        assert!(chen > wang && wang > li / 2, "陈 {chen} 王 {wang} 李 {li}");
        // 王 7.17 % of a total of about 101 after the boost.
        let share = wang as f64 / draws as f64;
        assert!((0.06..0.08).contains(&share), "王 share {share}");
    }

    #[test]
    fn children_born_since_2010_get_newborn_names() {
        let mut rng = Rng::new(5);
        for _ in 0..100 {
            let name = given_name(&mut rng, Sex::Female, 2015);
            assert!(
                name.chars()
                    .all(|c| NEWBORN_CHARS.contains(&c.to_string().as_str()))
            );
        }
    }
}
