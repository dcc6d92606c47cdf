//! Grid work: the visits grid workers make and what they cover.

pub mod coverage;
pub mod events;
pub mod handover;
pub mod inspections;
pub mod photos;
pub mod purpose_sets;
pub mod rules;
pub mod tasks;
pub mod visits;
pub mod workload;
