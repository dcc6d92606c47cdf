//! Persons: name, ID number, sex and birth date consistent with the number, phone, ethnicity
//! and personal tags of care.

use quanke_domain::ident::Sex;
use time::Date;

use crate::ids::{IdAllocator, age_on, birth_for_age, pyramid_age};
use crate::names;
use crate::phones;
use crate::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CareTag {
    LivingAlone,
    Oldest,
    Disabled,
    LowIncome,
}

impl CareTag {
    pub fn label(self) -> &'static str {
        match self {
            CareTag::LivingAlone => "独居老人",
            CareTag::Oldest => "高龄",
            CareTag::Disabled => "残疾",
            CareTag::LowIncome => "低保",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    /// A valid 18-character GB 11643 number; birth date and sex agree with it.
    pub id_number: String,
    pub sex: Sex,
    pub birth_date: Date,
    /// Canonical mobile or "0571-8xxxxxxx"; children have none.
    pub phone: Option<String>,
    pub ethnicity: &'static str,
    pub tags: Vec<CareTag>,
}

/// Zhejiang is almost entirely Han; 畲族 is the province's largest minority.
const ETHNICITIES: [(&str, u32); 6] = [
    ("汉族", 9900),
    ("畲族", 30),
    ("回族", 25),
    ("满族", 20),
    ("土家族", 15),
    ("苗族", 10),
];

/// 高龄 starts at 80, the age of the Zhejiang old-age allowance.
pub(crate) const OLDEST_AGE: i32 = 80;
const NO_PHONE_UNDER: i32 = 12;
const LANDLINE_GENERATION: i32 = 75;

/// What the generator needs to make people: its random stream, the ID registry and "today".
pub(crate) struct Maker {
    pub(crate) rng: Rng,
    pub(crate) ids: IdAllocator,
    pub(crate) reference: Date,
}

impl Maker {
    pub(crate) fn person(&mut self, age: i64, sex: Sex, surname: &str) -> Person {
        let birth = birth_for_age(&mut self.rng, self.reference, age);
        let (id_number, birth_date) = self.ids.allocate(&mut self.rng, birth, sex);
        let age = age_on(birth_date, self.reference);
        let name = names::full_name(&mut self.rng, surname, sex, birth_date.year());
        let ethnicity = ETHNICITIES[self.rng.weighted(&ETHNICITIES.map(|(_, w)| w))].0;
        Person {
            name,
            id_number,
            sex,
            birth_date,
            phone: self.phone(age),
            ethnicity,
            tags: self.personal_tags(age),
        }
    }

    /// Anyone, outside a household: age from the pyramid, either sex.
    pub(crate) fn anyone(&mut self) -> Person {
        let age = pyramid_age(&mut self.rng);
        let sex = self.sex(500);
        let surname = names::surname(&mut self.rng);
        self.person(age, sex, surname)
    }

    pub(crate) fn age(&self, person: &Person) -> i32 {
        age_on(person.birth_date, self.reference)
    }

    pub(crate) fn sex(&mut self, male_per_mille: u64) -> Sex {
        if self.rng.chance(male_per_mille) {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Many of the oldest keep only the flat's landline; children have no phone of their own.
    fn phone(&mut self, age: i32) -> Option<String> {
        if age < NO_PHONE_UNDER {
            return None;
        }
        if age >= LANDLINE_GENERATION && self.rng.chance(400) {
            return Some(phones::landline(&mut self.rng));
        }
        Some(phones::mobile(&mut self.rng))
    }

    /// Disability grows with age; household-level tags are added by the household builder.
    fn personal_tags(&mut self, age: i32) -> Vec<CareTag> {
        let mut tags = Vec::new();
        if age >= OLDEST_AGE {
            tags.push(CareTag::Oldest);
        }
        let disabled_per_mille = if age >= 60 { 60 } else { 15 };
        if self.rng.chance(disabled_per_mille) {
            tags.push(CareTag::Disabled);
        }
        tags
    }
}
