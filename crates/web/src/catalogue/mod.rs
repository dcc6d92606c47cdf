//! The service catalogue (办事指南) in the web application.

pub mod transfer;
