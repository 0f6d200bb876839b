//! The retry and suppression rules of `RULES.md`, as small composable components.
//!
//! Each submodule owns one concern and is pure: it takes state and settings and returns a
//! decision, and the simulation (`crate::sim`) applies the decisions in event order.
//!
//! - [`errors`]: error classes, and failures interned as dense ids for the simulation.
//! - [`reasons`]: the failure reasons and the classification of a failure report.
//! - [`status`]: reading enhanced status codes, reply codes and code wildcards.
//! - [`entries`]: a scenario's `[[errors]]` entries.
//! - [`counter`]: the soft-bounce counter and its threshold (E1–E5).
//! - [`backoff`]: the retry schedule and jitter (E7) and the retry period (E6).
//! - [`eligibility`]: retry eligibility and the reasons a retry is refused (S1, S2).
//! - [`policy`]: one validated set of settings, composed from the components above.
//! - [`presets`]: the built-in presets (`email`, `sms_portal` and the vendors'), as data.
//! - [`domains`]: per-domain policies and which contact they apply to.
//! - [`release`]: release delays of suppressed contacts per failure reason or class (E9).

pub mod backoff;
pub mod counter;
pub mod domains;
pub mod eligibility;
pub mod entries;
mod error;
pub mod errors;
pub mod policy;
pub mod presets;
pub mod reasons;
pub mod release;
pub mod status;

pub use error::RuleError;
