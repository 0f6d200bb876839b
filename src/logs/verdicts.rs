//! Remembered classifications: logs repeat the same few failure texts millions of times,
//! and classifying one (a walk over the reason table's text patterns) costs microseconds,
//! so each distinct set of words is classified once.
//!
//! The key is every word the classifier reads, each preceded by its length, so two
//! different sets of words can never make the same key. The table is emptied when it
//! reaches its capacity (65,536 keys): texts that embed a recipient or a queue id never
//! repeat, and keeping them would make memory grow with the log.

use rustc_hash::FxHashMap;

use super::classify::FailureWords;
use crate::error::MessageError;
use crate::report::fields::Digits;
use crate::rules::errors::ErrorClass;

/// The most keys kept before the table starts again.
const CAPACITY: usize = 1 << 16;

/// What a classification leaves behind, as [`super::Collector`] text ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// The error code's text id.
    pub code: u32,
    /// The class.
    pub class: ErrorClass,
    /// The reason's text id.
    pub reason: u32,
}

/// Classifications by the words they were made from.
#[derive(Debug, Default)]
pub struct Verdicts {
    known: FxHashMap<Box<str>, Result<Verdict, MessageError>>,
    key: String,
}

impl Verdicts {
    /// The remembered outcome for `words`, if any. The key is built in a reused buffer,
    /// so a hit allocates nothing.
    pub fn get(&mut self, words: &FailureWords<'_>) -> Option<Result<Verdict, MessageError>> {
        self.key.clear();
        // Lengths through a digit buffer, not `write!`: the formatter showed in the
        // profile of an import whose every record is a failure.
        let mut digits = Digits::default();
        for part in [
            words.status,
            words.reply_code,
            words.diagnostic,
            words.provider_code,
            words.type_status,
        ] {
            self.key.push_str(digits.write(part.len() as u64));
            self.key.push(':');
            self.key.push_str(part);
        }
        self.known.get(self.key.as_str()).cloned()
    }

    /// Remembers `outcome` for the words of the last [`Verdicts::get`].
    pub fn put(&mut self, outcome: Result<Verdict, MessageError>) {
        if self.known.len() >= CAPACITY {
            self.known.clear();
        }
        self.known.insert(self.key.as_str().into(), outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_differ_only_in_where_a_field_ends_are_different_keys() {
        let mut v = Verdicts::default();
        let a = FailureWords {
            status: "4.2.2",
            diagnostic: "x",
            ..FailureWords::default()
        };
        assert_eq!(v.get(&a), None);
        let verdict = Verdict {
            code: 1,
            class: ErrorClass::Soft,
            reason: 2,
        };
        v.put(Ok(verdict));
        assert_eq!(v.get(&a), Some(Ok(verdict)));
        let b = FailureWords {
            status: "4.2.2x",
            ..FailureWords::default()
        };
        assert_eq!(v.get(&b), None);
    }
}
