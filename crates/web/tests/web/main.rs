//! The web suite: one test binary, one module per concern. Each test runs on SQLite, and on
//! PostgreSQL when QUANKE_TEST_PG names a server.

mod harness;

mod access;
mod auth;
mod catalogue;
mod open311;
mod ops;
mod registry;
