//! Grid work: the visits grid workers make and what they cover.

pub mod coverage;
pub mod rules;
pub mod visits;
