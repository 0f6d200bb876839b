//! retrysim: a discrete-event simulator for tuning message retry and suppression settings.
//!
//! A run replays a stream of sends through the retry and suppression rules of
//! `RULES.md` (soft-bounce counter and threshold, retry period and backoff, hard bounces,
//! the portal's eligibility checks, automatic job and operator retries) against a
//! failure model that says what each attempt returns. Because the model is known, a run
//! also counts what a real platform cannot see: false suppressions, attempts wasted on
//! dead contacts and deliveries lost to suppression.
//!
//! # A short guide
//!
//! Three steps pin a policy's behaviour in your own tests:
//!
//! 1. **A scenario**: [`scenario::Scenario::from_toml_str`] validates TOML text (the
//!    keys of `docs/SCENARIOS.md`); [`scenario::Scenario::load`] reads a file.
//! 2. **A world**: [`study::build_world`] draws replication `r`'s synthetic contacts
//!    and failures (or imports the scenario's CSV trace). For a hand-written trace,
//!    [`trace_builder::Trace`] builds a workload from a few readable lines.
//! 3. **A run**: [`study::run_replication`] applies the rules with
//!    [`study::RunOptions`] (e.g. `with_trace(true)` to keep every attempt) and returns
//!    the run's [`metrics::RunMetrics`] and records.
//!
//! The same scenario, seed and version always give the same numbers, so a test may
//! assert exact counts:
//!
//! ```
//! use retrysim::scenario::Scenario;
//! use retrysim::study::{self, RunOptions};
//!
//! let scenario = Scenario::from_toml_str(
//!     r#"
//!     name = "example"
//!     horizon = "3d"
//!     [workload]
//!     kind = "synthetic"
//!     contacts = 500
//!     [policy]
//!     soft_bounce_threshold = 3
//!     "#,
//!     "example",
//! )
//! .unwrap();
//! let world = study::build_world(&scenario, 0).unwrap();
//! let run = study::run_replication(&scenario, &world, RunOptions::default());
//! let c = &run.output.metrics.counters;
//! assert!(c.messages > 0 && c.delivered <= c.messages);
//! assert!(run.output.metrics.is_conserved());
//!
//! // Determinism: the same world and options give the same counters.
//! let again = study::run_replication(&scenario, &world, RunOptions::default());
//! assert_eq!(again.output.metrics.counters, run.output.metrics.counters);
//! ```
//!
//! `examples/pin_metrics.rs` is a complete program in this style; from the command
//! line, `retrysim verify` does the same against a folder of results.
//!
//! # The pipeline, module by module
//!
//! - [`scenario`]: a TOML file, validated into a [`scenario::Scenario`].
//! - [`workload`]: the sends, the failure model and operator actions (CSV or generated).
//! - [`logs`]: readers of real logs (Postfix, SES, SendGrid, Mailgun, Twilio) into the
//!   import format, with the inferred failure windows and the replay check.
//! - [`engine`]: the pending-event queue and run loop, which know nothing of email.
//! - [`rules`]: the rule components E1–E9 and S1–S9 and the presets.
//! - [`sim`]: one run, the rules applied in engine order.
//! - [`study`]: a scenario's worlds and replications.
//! - [`metrics`]: counters, quantiles and records of one run.
//! - [`report`]: every output file, written atomically: CSV files (a sweep's store and
//!   final files among them), charts and `report.html`.
//! - [`sweep`]: parameter grids and Latin hypercubes × replications, in parallel, with
//!   replication statistics and a recommendation; it computes, and `report` writes.
//! - [`verify`]: comparing fresh results with a baseline folder.
//! - [`trace_builder`]: hand-written traces for tests.
//! - [`time`] and [`random`]: simulated time and seeded random streams.
//! - [`kinds`]: a message's channel and type, shared by the rules and the workload.
//! - [`error`]: [`error::MessageError`], the error of a setting that cannot be used.
//!
//! The command line (`cli`, and `app` with one module per command) belongs to the
//! `retrysim` binary, not to this library.
//!
//! # Features
//!
//! - `cli` (default): what the binary needs (clap, indicatif, ctrlc).
//! - `charts` (default): [`report::charts`], PNG and SVG charts drawn with plotters.
//!
//! A test crate that only runs scenarios can depend on retrysim with
//! `default-features = false` and compile neither.
//!
//! ARCHITECTURE.md gives the order of these modules' layers: each uses only lower ones.

#![deny(missing_docs)]

pub mod engine;
pub mod error;
pub mod kinds;
pub mod logs;
pub mod metrics;
mod prefetch;
pub mod random;
pub mod report;
pub mod rules;
pub mod scenario;
pub mod sim;
pub mod study;
pub mod sweep;
pub mod time;
pub mod trace_builder;
pub mod verify;
pub mod workload;
