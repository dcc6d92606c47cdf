//! The application services: what the office does, written once for every channel that asks
//! (the staff pages, the JSON API, the resident portal, Open311, the `quanke` command). Each
//! service takes the narrow state it uses (the pool, the calendar in force, the case writer...)
//! rather than the web server's state, checks scope and rules once, and answers with domain and
//! store types or its own error. HTTP stays in the web crate; pure rules stay in the domain.

pub mod accounts;
pub mod cases;
pub mod catalogue;
pub mod clock;
pub mod grid;
pub mod orgs;
pub mod password;
