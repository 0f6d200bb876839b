//! The integration tests: one binary, one module per behaviour.

mod auto_job;
mod capacity;
mod classification;
mod cli;
mod cli_capacity;
mod e4_earlier_failures;
mod first_outcomes;
mod folders;
mod golden;
mod import;
mod layers;
mod limits;
mod operator;
mod outputs;
mod presets;
mod properties;
mod release;
mod robustness;
mod rules_email;
mod rules_portal;
mod run_threads;
mod show;
mod support;
mod sweep;
mod synthetic;
mod verify;
