//! Households (户): a head and members whose relations and ages are consistent: couples within
//! three years of each other, each generation 23–37 years younger than the one before (at
//! least 20 when the parents are that young).

use quanke_domain::ident::Sex;

use crate::dwellings::Dwelling;
use crate::ids::MAX_AGE;
use crate::names;
use crate::people::{CareTag, Maker, Person};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    Head,
    Spouse,
    Son,
    Daughter,
    Father,
    Mother,
    DaughterInLaw,
    SonInLaw,
    Grandson,
    Granddaughter,
    /// A daughter's son, 外孙子 in the household register.
    DaughtersSon,
    DaughtersDaughter,
}

impl Relation {
    /// The wording of the household register (户口簿).
    pub fn label(self) -> &'static str {
        match self {
            Relation::Head => "户主",
            Relation::Spouse => "配偶",
            Relation::Son => "子",
            Relation::Daughter => "女",
            Relation::Father => "父亲",
            Relation::Mother => "母亲",
            Relation::DaughterInLaw => "儿媳",
            Relation::SonInLaw => "女婿",
            Relation::Grandson => "孙子",
            Relation::Granddaughter => "孙女",
            Relation::DaughtersSon => "外孙子",
            Relation::DaughtersDaughter => "外孙女",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub person: Person,
    pub relation: Relation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Household {
    /// "H00000001", unique per generator.
    pub number: String,
    pub dwelling: Dwelling,
    /// The head first.
    pub members: Vec<Member>,
}

/// Households of 1 to 6 people, in proportions close to an urban Zhejiang census.
const SIZES: [u32; 6] = [18, 28, 27, 14, 9, 4];
/// Share of households on 低保 (minimum living allowance).
const LOW_INCOME_PER_MILLE: u64 = 20;
const LIVING_ALONE_AGE: i32 = 70;
/// Years between a parent and a child, and at most between spouses.
const GENERATION: (i64, i64) = (23, 37);
const SPOUSE_GAP: i64 = 3;

/// The family shapes a household is built from.
enum Shape {
    Alone,
    Couple,
    SingleParent,
    Nuclear {
        children: usize,
        head_parents: usize,
    },
    ThreeGenerations {
        grandchildren: usize,
    },
}

fn shape(maker: &mut Maker) -> Shape {
    let size = maker.rng.weighted(&SIZES) + 1;
    let roll = maker.rng.below(100);
    match (size, roll) {
        (1, _) => Shape::Alone,
        (2, 0..75) => Shape::Couple,
        (2, _) => Shape::SingleParent,
        (3, 0..80) => Shape::Nuclear {
            children: 1,
            head_parents: 0,
        },
        (3, _) => Shape::Nuclear {
            children: 0,
            head_parents: 1,
        },
        (4, 0..50) => Shape::Nuclear {
            children: 2,
            head_parents: 0,
        },
        (4, 50..80) => Shape::Nuclear {
            children: 1,
            head_parents: 1,
        },
        (4, _) => Shape::ThreeGenerations { grandchildren: 0 },
        (5, 0..50) => Shape::Nuclear {
            children: 1,
            head_parents: 2,
        },
        (5, _) => Shape::ThreeGenerations { grandchildren: 1 },
        (_, 0..50) => Shape::Nuclear {
            children: 2,
            head_parents: 2,
        },
        _ => Shape::ThreeGenerations { grandchildren: 2 },
    }
}

/// Builds one household's members; surnames are kept apart because compound ones (欧阳)
/// cannot be told from a name.
struct Family<'m> {
    maker: &'m mut Maker,
    members: Vec<Member>,
    surnames: Vec<String>,
}

impl Family<'_> {
    fn add(&mut self, relation: Relation, age: i64, sex: Sex, surname: String) -> usize {
        let person = self.maker.person(age.clamp(0, MAX_AGE), sex, &surname);
        self.members.push(Member { person, relation });
        self.surnames.push(surname);
        self.members.len() - 1
    }

    fn age(&self, index: usize) -> i64 {
        i64::from(self.maker.age(&self.members[index].person))
    }

    fn sex(&self, index: usize) -> Sex {
        self.members[index].person.sex
    }

    fn new_surname(&mut self) -> String {
        names::surname(&mut self.maker.rng).to_string()
    }

    fn head(&mut self, lo: i64, hi: i64, male_per_mille: u64) -> usize {
        let age = self.maker.rng.between(lo, hi);
        let sex = self.maker.sex(male_per_mille);
        let surname = self.new_surname();
        self.add(Relation::Head, age, sex, surname)
    }

    /// The partner of `of`, of the other sex and within three years of age.
    fn partner(&mut self, of: usize, relation: Relation) -> usize {
        let age = self.age(of) + self.maker.rng.between(-SPOUSE_GAP, SPOUSE_GAP);
        let sex = opposite(self.sex(of));
        let surname = self.new_surname();
        self.add(relation, age.max(20), sex, surname)
    }

    /// A child of `parent` and `other`, one generation younger than both, with the father's
    /// surname.
    fn child(&mut self, parent: usize, other: Option<usize>, sex: Sex, relations: [Relation; 2]) {
        let parents = [Some(parent), other];
        let ages = parents.iter().flatten().map(|&i| self.age(i));
        let (youngest, oldest) = (ages.clone().min().unwrap_or(0), ages.max().unwrap_or(0));
        let hi = (GENERATION.1 - (oldest - youngest)).min(youngest);
        let gap = self.maker.rng.between(GENERATION.0.min(hi), hi);
        let father = parents
            .into_iter()
            .flatten()
            .find(|&i| self.sex(i) == Sex::Male)
            .unwrap_or(parent);
        let relation = relations[usize::from(sex == Sex::Female)];
        self.add(relation, youngest - gap, sex, self.surnames[father].clone());
    }

    /// The head's father (same surname) or mother, one generation older.
    fn head_parent(&mut self, head: usize, sex: Sex) -> usize {
        let (relation, surname) = match sex {
            Sex::Male => (Relation::Father, self.surnames[head].clone()),
            Sex::Female => (Relation::Mother, self.new_surname()),
        };
        let age = self.age(head) + self.maker.rng.between(GENERATION.0, GENERATION.1);
        self.add(relation, age, sex, surname)
    }
}

fn opposite(sex: Sex) -> Sex {
    match sex {
        Sex::Male => Sex::Female,
        Sex::Female => Sex::Male,
    }
}

const CHILD: [Relation; 2] = [Relation::Son, Relation::Daughter];

pub(crate) fn members(maker: &mut Maker) -> Vec<Member> {
    let shape = shape(maker);
    let mut f = Family {
        maker,
        members: Vec::with_capacity(6),
        surnames: Vec::with_capacity(6),
    };
    match shape {
        Shape::Alone => alone(&mut f),
        Shape::Couple => couple(&mut f),
        Shape::SingleParent => {
            let head = f.head(38, 65, 350);
            let sex = f.maker.sex(510);
            f.child(head, None, sex, CHILD);
        }
        Shape::Nuclear {
            children,
            head_parents,
        } => nuclear(&mut f, children, head_parents),
        Shape::ThreeGenerations { grandchildren } => three_generations(&mut f, grandchildren),
    }
    let mut members = f.members;
    household_tags(maker, &mut members);
    members
}

/// Half of those living alone are elders, mostly widows.
fn alone(f: &mut Family) {
    if f.maker.rng.chance(500) {
        f.head(70, 97, 400);
    } else {
        f.head(22, 69, 550);
    }
}

fn couple(f: &mut Family) {
    let head = if f.maker.rng.chance(500) {
        f.head(60, 90, 750)
    } else {
        f.head(24, 59, 750)
    };
    f.partner(head, Relation::Spouse);
}

fn nuclear(f: &mut Family, children: usize, head_parents: usize) {
    // Old enough for the children, young enough for the head's parents to be alive.
    let (lo, hi) = if head_parents > 0 { (26, 58) } else { (28, 62) };
    let head = f.head(lo, hi, 750);
    let spouse = f.partner(head, Relation::Spouse);
    for _ in 0..children {
        let sex = f.maker.sex(510);
        f.child(head, Some(spouse), sex, CHILD);
    }
    match head_parents {
        0 => {}
        // Widowed mothers outlive fathers, so a lone parent is more often the mother.
        1 => {
            let sex = f.maker.sex(400);
            f.head_parent(head, sex);
        }
        _ => {
            let father = f.head_parent(head, Sex::Male);
            f.partner(father, Relation::Mother);
        }
    }
}

/// Grandparents head the household; a married son (or, less often, daughter) lives with them.
fn three_generations(f: &mut Family, grandchildren: usize) {
    let head = f.head(62, 85, 750);
    let spouse = f.partner(head, Relation::Spouse);
    let son_line = f.maker.rng.chance(700);
    let sex = if son_line { Sex::Male } else { Sex::Female };
    f.child(head, Some(spouse), sex, CHILD);
    let child = f.members.len() - 1;
    let (in_law, grand) = if son_line {
        (
            Relation::DaughterInLaw,
            [Relation::Grandson, Relation::Granddaughter],
        )
    } else {
        (
            Relation::SonInLaw,
            [Relation::DaughtersSon, Relation::DaughtersDaughter],
        )
    };
    let partner = f.partner(child, in_law);
    for _ in 0..grandchildren {
        let sex = f.maker.sex(510);
        f.child(child, Some(partner), sex, grand);
    }
}

/// 独居老人 for a lone elder, 低保 for every member of a household on the allowance.
fn household_tags(maker: &mut Maker, members: &mut [Member]) {
    if let [only] = members
        && maker.age(&only.person) >= LIVING_ALONE_AGE
    {
        only.person.tags.push(CareTag::LivingAlone);
    }
    if maker.rng.chance(LOW_INCOME_PER_MILLE) {
        for m in members {
            m.person.tags.push(CareTag::LowIncome);
        }
    }
}
