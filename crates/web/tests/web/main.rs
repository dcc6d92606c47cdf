//! The web suite: one test binary, one module per concern. Each test runs on SQLite, and on
//! PostgreSQL when QUANKE_TEST_PG names a server.

mod harness;

mod access;
mod api_cases;
mod auth;
mod calendar;
mod case_search;
mod catalogue;
mod catalogue_rows;
mod demo_history;
mod desk;
mod grid_events;
mod grid_handover;
mod grid_inspections;
mod grid_work;
mod guide;
mod home;
mod import_jobs;
mod notifications;
mod office_details;
mod open311;
mod open311_events;
mod open311_requests;
mod ops;
mod portal_cases;
mod registry;
mod results;
mod scope_probe;
mod servers;
mod spoken;
mod trust_auth;
mod trust_documents;
mod trust_intake;
mod trust_limits;
mod trust_public;
mod trust_registry;
mod trust_rules;
