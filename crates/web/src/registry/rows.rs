//! One person as a line of a list (search results, household members): identifiers masked,
//! the place named, the age worked out.

use super::labels;
use super::places::Places;
use quanke_domain::mask::Show;
use quanke_store::registry::Summary;
use serde::Serialize;
use time::Date;

#[derive(Serialize)]
pub struct Row {
    id: i64,
    name: String,
    id_number: String,
    sex: String,
    age: String,
    phone: String,
    address: String,
    place: String,
    household: String,
    relation: String,
    status: String,
}

impl Row {
    pub fn id(&self) -> i64 {
        self.id
    }
}

pub fn row(s: &Summary, places: &Places, today: Date) -> Row {
    // Lists never reveal: a reveal concerns one person and is given on their page.
    let show = Show::Masked;
    Row {
        id: s.id,
        name: s.name.clone(),
        id_number: show.id_number(&s.id_number),
        sex: labels::sex(&s.sex).to_string(),
        age: super::dates::age(&s.birth_date, today).map_or_else(String::new, |a| a.to_string()),
        phone: show.phone(&s.phone),
        address: s.actual_address.clone(),
        place: places.name(s.org_path.as_str()),
        household: s.household_number.clone().unwrap_or_default(),
        relation: s.relation.clone(),
        status: labels::status(&s.status).to_string(),
    }
}
