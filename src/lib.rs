//! retrysim: a discrete-event simulator for tuning message retry and suppression settings.
//!
//! A run replays a stream of sends through the retry and suppression rules of
//! `RULES.md` (soft-bounce counter and threshold, retry period and backoff, hard bounces,
//! the portal's eligibility checks, automatic job and operator retries) against a
//! failure model that says what each attempt returns. Because the model is known, a run
//! also counts what a real platform cannot see: false suppressions, attempts wasted on
//! dead contacts and deliveries lost to suppression.
//!
//! The pipeline, module by module:
//!
//! - [`scenario`]: a TOML file, validated into a [`scenario::Scenario`].
//! - [`workload`]: the sends, the failure model and operator actions (CSV or generated).
//! - [`logs`]: readers of real logs (Postfix, SES, SendGrid, Mailgun, Twilio) into the
//!   import format, with the inferred failure windows and the replay check.
//! - [`engine`]: the pending-event queue and run loop, which know nothing of email.
//! - [`rules`]: the rule components E1–E9 and S1–S9 and the presets.
//! - [`sim`]: one run, the rules applied in engine order.
//! - [`metrics`]: counters, quantiles and records of one run.
//! - [`report`]: CSV files (written atomically).
//! - [`sweep`]: parameter grids and Latin hypercubes × replications, in parallel, with
//!   replication statistics and a recommendation.
//! - [`time`] and [`random`]: simulated time and seeded random streams.

//!
//! # Example
//!
//! A scenario from TOML text, one replication, and the conservation of messages:
//!
//! ```
//! use retrysim::scenario::Scenario;
//! use retrysim::study;
//!
//! let doc: toml::Table = r#"
//!     name = "example"
//!     horizon = "3d"
//!     [workload]
//!     kind = "synthetic"
//!     contacts = 500
//!     [policy]
//!     soft_bounce_threshold = 3
//! "#
//! .parse()
//! .unwrap();
//! let scenario = Scenario::from_document(doc, ".".into(), "example".into()).unwrap();
//! let world = study::build_world(&scenario, 0).unwrap();
//! let run = study::run_replication(&scenario, &world, 0, false);
//! let c = &run.output.metrics.counters;
//! assert!(c.messages > 0 && c.delivered <= c.messages);
//! assert!(run.output.metrics.is_conserved());
//! ```

#![deny(missing_docs)]

pub mod app;
pub mod cli;
pub mod engine;
pub mod logs;
pub mod metrics;
pub mod random;
pub mod report;
pub mod rules;
pub mod scenario;
pub mod sim;
pub mod study;
pub mod sweep;
pub mod time;
pub mod workload;
