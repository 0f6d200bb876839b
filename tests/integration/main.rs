//! The integration tests: one binary, one module per behaviour.

mod cli;
mod golden;
mod import;
mod operator;
mod properties;
mod robustness;
mod rules_email;
mod rules_portal;
mod support;
mod sweep;
mod synthetic;
