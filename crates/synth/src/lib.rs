//! Deterministic synthetic registry data for tests, benchmarks and `quanke demo`: residents
//! with valid ID numbers and phones, households in dwellings, and businesses with valid credit
//! codes. The same seed always gives the same data; nothing depends on the clock.
//!
//! ```
//! use quanke_synth::{Community, Generator};
//!
//! let mut generator = Generator::new(42);
//! let community = Community::demo();
//! let households = generator.households_in(&community, 10);
//! assert_eq!(households[0].members[0].relation.label(), "户主");
//! // Ledger rows stream one household at a time, for a million-row benchmark.
//! let rows = generator.residents(&community).take(1000).count();
//! assert_eq!(rows, 1000);
//! ```

mod businesses;
mod dwellings;
mod households;
mod ids;
mod names;
mod people;
mod phones;
mod rng;

pub use businesses::{Business, BusinessKind, FireSafety};
pub use dwellings::{Community, Dwelling};
pub use households::{Household, Member, Relation};
pub use ids::age_on;
pub use people::{CareTag, Person};
pub use quanke_domain::ident::Sex;

use time::Date;
use time::macros::date;

use dwellings::DwellingCursor;
use ids::IdAllocator;
use people::Maker;
use rng::Rng;

/// Ages are computed on this day unless another is given, so that data never depends on when
/// it is generated.
pub const DEFAULT_REFERENCE_DATE: Date = date!(2026 - 01 - 01);

/// One row of a residents ledger: a person, their household and where they live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resident {
    pub person: Person,
    pub household: String,
    pub relation: Relation,
    pub dwelling: Dwelling,
}

pub struct Generator {
    maker: Maker,
    households_made: u64,
}

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator::with_reference_date(seed, DEFAULT_REFERENCE_DATE)
    }

    /// Ages, 高龄 and birth dates are relative to `reference`; no one is born after it.
    pub fn with_reference_date(seed: u64, reference: Date) -> Self {
        Generator {
            maker: Maker {
                rng: Rng::new(seed),
                ids: IdAllocator::new(reference),
                reference,
            },
            households_made: 0,
        }
    }

    pub fn reference_date(&self) -> Date {
        self.maker.reference
    }

    /// One person with an age from the city's pyramid; ID numbers never repeat within a
    /// generator.
    pub fn person(&mut self) -> Person {
        self.maker.anyone()
    }

    pub fn people(&mut self, n: usize) -> Vec<Person> {
        (0..n).map(|_| self.person()).collect()
    }

    /// An endless stream of households filling the community's buildings in order.
    pub fn households<'g>(
        &'g mut self,
        community: &Community,
    ) -> impl Iterator<Item = Household> + 'g {
        let mut cursor = DwellingCursor::new(community.clone(), &mut self.maker.rng);
        std::iter::from_fn(move || Some(self.household(&mut cursor)))
    }

    pub fn households_in(&mut self, community: &Community, n: usize) -> Vec<Household> {
        self.households(community).take(n).collect()
    }

    /// An endless stream of ledger rows, household by household: only one household is held
    /// at a time, so a million rows take no more memory than ten.
    pub fn residents<'g>(
        &'g mut self,
        community: &Community,
    ) -> impl Iterator<Item = Resident> + 'g {
        self.households(community).flat_map(|h| {
            let Household {
                number,
                dwelling,
                members,
            } = h;
            members.into_iter().map(move |m| Resident {
                person: m.person,
                household: number.clone(),
                relation: m.relation,
                dwelling: dwelling.clone(),
            })
        })
    }

    pub fn businesses_in(&mut self, community: &Community, n: usize) -> Vec<Business> {
        (0..n)
            .map(|_| businesses::business(&mut self.maker, community))
            .collect()
    }

    fn household(&mut self, cursor: &mut DwellingCursor) -> Household {
        self.households_made += 1;
        let dwelling = cursor.next(&mut self.maker.rng);
        Household {
            number: format!("H{:08}", self.households_made),
            dwelling,
            members: households::members(&mut self.maker),
        }
    }
}
