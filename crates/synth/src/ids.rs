//! Resident ID numbers (GB 11643) with Hangzhou address codes, and birth dates drawn from an
//! age pyramid. Numbers are unique per generator: a counter per (county, birth day) hands out
//! sequence codes, which takes bounded memory however many residents are generated.

use std::sync::OnceLock;

use quanke_domain::ident::{Sex, division, resident_id};
use time::Date;

use crate::rng::Rng;

/// Oldest age generated; birth days are counted from this many years before the reference.
pub(crate) const MAX_AGE: i64 = 104;

/// Relative sizes of the five-year age bands 0–4 … 100–104, shaped like Hangzhou's census
/// pyramid: a bulge at 30–60 and a thin tail of 80+ so that 高龄 residents exist.
const PYRAMID: [u32; 21] = [
    40, 50, 50, 40, 50, 70, 90, 90, 80, 80, 80, 80, 70, 60, 50, 30, 20, 12, 5, 2, 1,
];

/// Codes are those of the first card, issued from 1985 on, so a code is drawn among those in
/// use that year. Abolished codes (下城 330103, 江干 330104, the old counties) appear naturally
/// for people first registered before the reorganisations, as on real old cards.
const COUNTIES: [(&str, u32); 25] = [
    ("330102", 10), // 上城区
    ("330103", 3),  // 下城区, abolished 2021
    ("330104", 2),  // 江干区, abolished 2021
    ("330105", 14), // 拱墅区
    ("330106", 9),  // 西湖区
    ("330107", 1),  // 半山区, abolished 1990
    ("330108", 4),  // 滨江区
    ("330109", 6),  // 萧山区
    ("330121", 6),  // 萧山县
    ("330181", 6),  // 萧山市
    ("330110", 5),  // 余杭区
    ("330125", 5),  // 余杭县
    ("330184", 5),  // 余杭市
    ("330111", 2),  // 富阳区
    ("330123", 2),  // 富阳县
    ("330183", 2),  // 富阳市
    ("330112", 2),  // 临安区
    ("330124", 2),  // 临安县
    ("330185", 2),  // 临安市
    ("330113", 2),  // 临平区
    ("330114", 2),  // 钱塘区
    ("330122", 1),  // 桐庐县
    ("330127", 1),  // 淳安县
    ("330126", 1),  // 建德县
    ("330182", 1),  // 建德市
];

const FIRST_ISSUE_YEAR: i32 = 1985;

/// Sequence codes per sex and cell: three digits whose last is odd for men, even for women.
const SEQUENCES_PER_CELL: u16 = 500;

struct CountyYears {
    from: i32,
    until: i32,
}

fn county_years() -> &'static [CountyYears] {
    static YEARS: OnceLock<Vec<CountyYears>> = OnceLock::new();
    YEARS.get_or_init(|| {
        COUNTIES
            .iter()
            .map(|(code, _)| {
                let county = division::county(code).expect("every drawn code is in the table");
                CountyYears {
                    from: county.valid_from.map_or(i32::MIN, i32::from),
                    until: county.valid_until.map_or(i32::MAX, i32::from),
                }
            })
            .collect()
    })
}

/// Age in whole years on the reference day, drawn from the pyramid.
pub(crate) fn pyramid_age(rng: &mut Rng) -> i64 {
    let band = rng.weighted(&PYRAMID) as i64;
    band * 5 + rng.between(0, 4)
}

/// A birth date that makes the person `age` on `reference`.
pub(crate) fn birth_for_age(rng: &mut Rng, reference: Date, age: i64) -> Date {
    let days_back = age * 365 + age / 4 + rng.between(0, 364);
    let julian = i64::from(reference.to_julian_day()) - days_back;
    Date::from_julian_day(julian as i32).expect("birth dates stay within the calendar")
}

/// Whole years from `birth` to `on`.
pub fn age_on(birth: Date, on: Date) -> i32 {
    let had_birthday = (on.month(), on.day()) >= (birth.month(), birth.day());
    on.year() - birth.year() - i32::from(!had_birthday)
}

/// Hands out unique ID numbers.
pub(crate) struct IdAllocator {
    first_day: i32,
    days: usize,
    /// Numbers issued per (county, day); allocated on first use, fixed size afterwards.
    issued: Vec<u16>,
}

impl IdAllocator {
    pub(crate) fn new(reference: Date) -> Self {
        let first_day = reference.to_julian_day() - (MAX_AGE as i32 + 2) * 366;
        let days = (reference.to_julian_day() - first_day + 1) as usize;
        IdAllocator {
            first_day,
            days,
            issued: Vec::new(),
        }
    }

    /// A valid number for someone of `sex` born on `birth`. If that day's sequence codes in
    /// the drawn county are used up, the birth date moves a day earlier; the returned date is
    /// the one in the number.
    pub(crate) fn allocate(&mut self, rng: &mut Rng, birth: Date, sex: Sex) -> (String, Date) {
        if self.issued.is_empty() {
            self.issued = vec![0; COUNTIES.len() * self.days];
        }
        let county = draw_county(rng, birth.year());
        let mut day = birth.to_julian_day();
        loop {
            let cell = county * self.days + (day - self.first_day) as usize;
            let count = self.issued[cell];
            if count < SEQUENCES_PER_CELL {
                self.issued[cell] += 1;
                let date = Date::from_julian_day(day).expect("day is within the table");
                return (number(COUNTIES[county].0, date, count, cell, sex), date);
            }
            day -= 1;
        }
    }
}

fn draw_county(rng: &mut Rng, birth_year: i32) -> usize {
    let year = birth_year.max(FIRST_ISSUE_YEAR);
    let years = county_years();
    let weights: [u32; COUNTIES.len()] = std::array::from_fn(|i| {
        let in_use = (years[i].from..years[i].until).contains(&year);
        if in_use { COUNTIES[i].1 } else { 0 }
    });
    rng.weighted(&weights)
}

/// The `count`-th number of a cell. The cell index offsets the sequence so that codes do not
/// all start at 001, while staying distinct within the cell.
fn number(code: &str, birth: Date, count: u16, cell: usize, sex: Sex) -> String {
    let slot = (usize::from(count) + cell * 7) % usize::from(SEQUENCES_PER_CELL);
    let parity = match sex {
        Sex::Male => 1,
        Sex::Female => 0,
    };
    let first17 = format!(
        "{code}{:04}{:02}{:02}{:03}",
        birth.year(),
        u8::from(birth.month()),
        birth.day(),
        slot * 2 + parity
    );
    let check = resident_id::check_digit(&first17).expect("17 digits");
    format!("{first17}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const REFERENCE: Date = date!(2026 - 01 - 01);

    #[test]
    fn birth_for_age_gives_that_age() {
        let mut rng = Rng::new(11);
        for age in 0..=MAX_AGE {
            let birth = birth_for_age(&mut rng, REFERENCE, age);
            assert_eq!(i64::from(age_on(birth, REFERENCE)), age, "{birth}");
        }
    }

    #[test]
    fn a_full_cell_moves_the_birth_a_day_earlier() {
        let mut rng = Rng::new(2);
        let mut ids = IdAllocator::new(REFERENCE);
        let birth = date!(2025 - 06 - 01);
        let numbers: Vec<_> = (0..5000)
            .map(|_| ids.allocate(&mut rng, birth, Sex::Male))
            .collect();
        let mut distinct: Vec<_> = numbers.iter().map(|(n, _)| n.clone()).collect();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 5000);
        assert!(numbers.iter().any(|(_, d)| *d < birth));
    }

    #[test]
    fn codes_follow_their_years_of_use() {
        let mut rng = Rng::new(4);
        for _ in 0..2000 {
            assert_ne!(COUNTIES[draw_county(&mut rng, 2024)].0, "330103");
            assert_ne!(COUNTIES[draw_county(&mut rng, 1960)].0, "330109");
        }
    }
}
