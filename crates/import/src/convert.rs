//! A checked ledger record as the store writes it.

use quanke_domain::ident::Sex;
use quanke_domain::registry::{Field, ResidentRecord, name_initials};
use quanke_store::registry::{NewDwelling, NewResident};

/// `has` tells which columns the ledger carries: a field without a column keeps the stored value.
pub(crate) fn new_resident(
    r: ResidentRecord,
    org_path: &str,
    community_path: &str,
    has: impl Fn(Field) -> bool,
) -> NewResident {
    let column = |field: Field, value: String| has(field).then_some(value);
    let dwelling = r.dwelling.map(|d| NewDwelling {
        address: if r.actual_address.is_empty() {
            format!("{}{}{}", d.building, d.unit, d.room)
        } else {
            r.actual_address.clone()
        },
        building: d.building,
        unit: d.unit,
        room: d.room,
    });
    NewResident {
        // Set by the reader, which knows the row.
        row: 0,
        name_initials: name_initials(&r.name),
        id_number: r.id.as_str().to_string(),
        name: r.name,
        sex: match r.sex {
            Sex::Male => "M",
            Sex::Female => "F",
        },
        birth_date: r.birth_date.to_string(),
        phone: column(
            Field::Phone,
            r.phone.map(|p| p.as_str().to_string()).unwrap_or_default(),
        ),
        registered_address: column(Field::RegisteredAddress, r.registered_address),
        actual_address: column(Field::ActualAddress, r.actual_address),
        ethnicity: column(Field::Ethnicity, r.ethnicity),
        political_status: column(Field::PoliticalStatus, r.political_status),
        marital_status: column(Field::MaritalStatus, r.marital_status),
        employment: column(Field::Employment, r.employment),
        relation: column(Field::Relation, r.relation),
        org_path: org_path.to_string(),
        community_path: community_path.to_string(),
        household: r.household,
        dwelling,
        tags: has(Field::Tags).then(|| {
            r.tags
                .iter()
                .map(|t| {
                    let since = t.since.map(|d| d.to_string()).unwrap_or_default();
                    (t.tag.code().to_string(), since)
                })
                .collect()
        }),
    }
}
