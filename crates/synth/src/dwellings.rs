//! Dwellings (房屋) in buildings (楼栋) and units (单元), placed in a community's grids.

use crate::rng::Rng;

/// Where dwellings and businesses are placed; names come from the caller so that generated
/// data matches the org tree it is loaded into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Community {
    /// GB/T 2260 code of the district, used in businesses' credit codes.
    pub district_code: String,
    pub district: String,
    pub street: String,
    pub name: String,
    /// Roads the buildings stand on; at least one.
    pub roads: Vec<String>,
    /// Grid codes the buildings are spread over; at least one.
    pub grids: Vec<String>,
}

impl Community {
    /// 拱墅区湖墅街道卖鱼桥社区 with four grids, for demos and tests.
    pub fn demo() -> Self {
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        Community {
            district_code: "330105".into(),
            district: "拱墅区".into(),
            street: "湖墅街道".into(),
            name: "卖鱼桥社区".into(),
            roads: strings(&["小河路", "湖墅南路", "大兜路"]),
            grids: strings(&["第1网格", "第2网格", "第3网格", "第4网格"]),
        }
    }

    /// "杭州市拱墅区湖墅街道卖鱼桥社区", the prefix of every address in the community.
    pub fn address_prefix(&self) -> String {
        format!("杭州市{}{}{}", self.district, self.street, self.name)
    }

    /// The community name without 社区, as shop names use it ("卖鱼桥").
    pub fn short_name(&self) -> &str {
        self.name.strip_suffix("社区").unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dwelling {
    pub grid: String,
    pub road: String,
    /// "12幢"
    pub building: String,
    /// "2单元"
    pub unit: String,
    /// "302室"
    pub room: String,
    /// "杭州市拱墅区湖墅街道卖鱼桥社区小河路12幢2单元302室"
    pub address: String,
}

/// Old walk-ups vacate more often than they are let; about one dwelling in twelve is empty.
const VACANT_PER_MILLE: u64 = 80;

/// Walks the community building by building, so that every dwelling is handed out once.
pub(crate) struct DwellingCursor {
    community: Community,
    building: u32,
    shape: Shape,
    unit: u32,
    floor: u32,
    door: u32,
}

#[derive(Clone, Copy)]
struct Shape {
    units: u32,
    floors: u32,
    doors: u32,
}

impl Shape {
    /// Most buildings in an old urban community are six- or seven-storey walk-ups.
    fn draw(rng: &mut Rng) -> Self {
        let floors = if rng.chance(700) {
            rng.between(5, 7)
        } else {
            rng.between(11, 18)
        };
        Shape {
            units: rng.between(1, 4) as u32,
            floors: floors as u32,
            doors: rng.between(2, 3) as u32,
        }
    }
}

impl DwellingCursor {
    pub(crate) fn new(community: Community, rng: &mut Rng) -> Self {
        assert!(
            !community.grids.is_empty() && !community.roads.is_empty(),
            "a community needs at least one grid and one road"
        );
        DwellingCursor {
            community,
            building: 1,
            shape: Shape::draw(rng),
            unit: 1,
            floor: 1,
            door: 1,
        }
    }

    /// The next occupied dwelling.
    pub(crate) fn next(&mut self, rng: &mut Rng) -> Dwelling {
        loop {
            let dwelling = self.current();
            self.advance(rng);
            if !rng.chance(VACANT_PER_MILLE) {
                return dwelling;
            }
        }
    }

    fn current(&self) -> Dwelling {
        let c = &self.community;
        let index = (self.building - 1) as usize;
        let grid = c.grids[index % c.grids.len()].clone();
        // Neighbouring buildings share a road: ten to a road, then the next road.
        let road = c.roads[(index / 10) % c.roads.len()].clone();
        let building = format!("{}幢", self.building);
        let unit = format!("{}单元", self.unit);
        let room = format!("{}{:02}室", self.floor, self.door);
        let address = format!("{}{road}{building}{unit}{room}", c.address_prefix());
        Dwelling {
            grid,
            road,
            building,
            unit,
            room,
            address,
        }
    }

    fn advance(&mut self, rng: &mut Rng) {
        self.door += 1;
        if self.door <= self.shape.doors {
            return;
        }
        self.door = 1;
        self.floor += 1;
        if self.floor <= self.shape.floors {
            return;
        }
        self.floor = 1;
        self.unit += 1;
        if self.unit <= self.shape.units {
            return;
        }
        self.unit = 1;
        self.building += 1;
        self.shape = Shape::draw(rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_distinct_and_well_formed() {
        let mut rng = Rng::new(1);
        let community = Community::demo();
        let mut cursor = DwellingCursor::new(community.clone(), &mut rng);
        let mut addresses: Vec<String> = (0..5000).map(|_| cursor.next(&mut rng).address).collect();
        assert!(addresses[0].starts_with("杭州市拱墅区湖墅街道卖鱼桥社区小河路1幢1单元"));
        assert!(addresses.iter().all(|a| a.ends_with('室')));
        addresses.sort();
        addresses.dedup();
        assert_eq!(addresses.len(), 5000);
    }

    #[test]
    fn buildings_are_spread_over_every_grid() {
        let mut rng = Rng::new(2);
        let community = Community::demo();
        let mut cursor = DwellingCursor::new(community.clone(), &mut rng);
        let grids: Vec<String> = (0..2000).map(|_| cursor.next(&mut rng).grid).collect();
        for grid in &community.grids {
            assert!(grids.contains(grid), "{grid}");
        }
    }
}
