//! The sweep's error: a `[sweep]`, `[objective]` or `--shard` setting that cannot be
//! used, with a message that names the key and what is allowed. It is the library's
//! shared [`MessageError`](crate::error::MessageError) under the name callers of the sweep already use.

/// A sweep design, objective, constraint or shard that is not valid.
pub type SweepError = crate::error::MessageError;
