//! Generated residents (`quanke_synth`) as the store writes them, for `quanke demo`, tests and
//! benchmarks: the same shape a checked ledger row takes, so the demo exercises the import path.

use quanke_domain::ident::Sex;
use quanke_domain::registry::{CareTag, name_initials};
use quanke_store::registry::{NewDwelling, NewResident};
use quanke_synth::Resident;

/// `org_path` is the path of the grid the generator placed the dwelling in.
pub fn synthetic_resident(r: &Resident, org_path: &str, community_path: &str) -> NewResident {
    let p = &r.person;
    let d = &r.dwelling;
    NewResident {
        id_number: p.id_number.clone(),
        name_initials: name_initials(&p.name),
        name: p.name.clone(),
        sex: match p.sex {
            Sex::Male => "M",
            Sex::Female => "F",
        },
        birth_date: p.birth_date.to_string(),
        phone: Some(p.phone.clone().unwrap_or_default()),
        registered_address: Some(d.address.clone()),
        actual_address: Some(d.address.clone()),
        ethnicity: Some(p.ethnicity.to_string()),
        relation: Some(r.relation.label().to_string()),
        org_path: org_path.to_string(),
        community_path: community_path.to_string(),
        household: Some(r.household.clone()),
        dwelling: Some(NewDwelling {
            address: d.address.clone(),
            building: d.building.clone(),
            unit: d.unit.clone(),
            room: d.room.clone(),
        }),
        tags: Some(
            p.tags
                .iter()
                .filter_map(|t| CareTag::recognise(t.label()))
                .map(|t| (t.code().to_string(), String::new()))
                .collect(),
        ),
        ..NewResident::default()
    }
}
