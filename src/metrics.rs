//! What a run measures: final-state counters, time-to-deliver quantiles, ground-truth
//! counts, and (on request) the attempt trace.

pub mod delivery_times;
pub mod load;
pub mod summary;
pub mod table;
pub mod trace;

pub use delivery_times::DeliveryTimes;
pub use load::{LoadMetrics, LoadRow};
pub use summary::{Counters, Metric, RunMetrics, Value};
pub use trace::{
    AttemptRecord, NoteRef, OperatorRecord, OperatorResult, SuppressionReason, SuppressionRecord,
    Trigger,
};
