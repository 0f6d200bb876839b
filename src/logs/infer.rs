//! From observations to failure windows: the world that explains the log.
//!
//! The rule, contact by contact, over its observed attempts in time order (all of its
//! messages together, since the failure model is the contact's):
//!
//! - a failure opens a window with its code at the time it was observed;
//! - the window stays open through further failures with the same code; a failure with
//!   another code closes it and opens the next one at that time;
//! - a delivered attempt closes the open window at its own time (windows are [start,
//!   end), so the delivery falls outside);
//! - after the contact's last observation, an open window of a permanent class (`hard`,
//!   `opt_out`, `business_final`) lasts for ever; a retryable one lasts one second past
//!   the last failure plus [`Tail`] (`--tail`), or for ever with `--tail forever`.
//!
//! Between two observations the state is unknown; this rule assumes nothing changed
//! until the next observation said otherwise, which is exact at every observed instant:
//! every observed attempt falls in a window with its own code, or in none if delivered.
//! Two observations of one contact at the same second that disagree cannot both be
//! honoured; the later line wins and the replay check counts the other as a mismatch.

use crate::error::MessageError;
use crate::rules::errors::ErrorClass;
use crate::time::{Instant, Span};

use super::collect::{Collector, Outcome};

/// How long a retryable failure is assumed to last after its last observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail {
    /// This long past the second of the last failure.
    For(Span),
    /// Until the end of the run.
    Forever,
}

impl Tail {
    /// Parses `forever` or a duration such as `0s` or `6h`.
    pub fn parse(text: &str) -> Result<Tail, MessageError> {
        if text == "forever" {
            return Ok(Tail::Forever);
        }
        Span::parse(text)
            .map(Tail::For)
            .map_err(|e| MessageError::from(format!("--tail: {e} (or \"forever\")")))
    }
}

/// One inferred window of `failures.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredWindow {
    /// The contact, as the log names it.
    pub contact: String,
    /// The error code.
    pub code: String,
    /// Start, inclusive.
    pub start: Instant,
    /// End, exclusive; `None` for ever.
    pub end: Option<Instant>,
}

/// An open window while walking a contact's observations.
struct Open {
    code: u32,
    class: ErrorClass,
    start: Instant,
    last: Instant,
}

/// The windows for every contact, in (first appearance of the contact, start) order.
pub fn infer(collected: &Collector, tail: Tail) -> Vec<InferredWindow> {
    let mut by_contact: Vec<(usize, Vec<usize>)> = Vec::new();
    // Contacts are dense ids in the collector's name table, so a vector finds each
    // contact's slot without hashing its name.
    let mut slot = vec![usize::MAX; collected.person_count()];
    let sorted = collected.sorted_observations();
    for (i, o) in sorted.iter().enumerate() {
        let contact = collected.messages[o.message as usize].contact as usize;
        if slot[contact] == usize::MAX {
            slot[contact] = by_contact.len();
            by_contact.push((i, Vec::new()));
        }
        by_contact[slot[contact]].1.push(i);
    }
    let mut windows = Vec::new();
    for (_, indices) in &by_contact {
        let first = sorted[indices[0]];
        let contact = collected.contact(first.message);
        let mut open: Option<Open> = None;
        for &i in indices {
            let o = sorted[i];
            match (&o.outcome, &o.error, open.as_mut()) {
                (Outcome::Failed, Some((code, _)), Some(w)) if *code == w.code => w.last = o.at,
                (Outcome::Failed, Some((code, class)), _) => {
                    close(&mut windows, collected, contact, open.take(), o.at);
                    open = Some(Open {
                        code: *code,
                        class: *class,
                        start: o.at,
                        last: o.at,
                    });
                }
                _ => close(&mut windows, collected, contact, open.take(), o.at),
            }
        }
        if let Some(w) = open {
            let end = match tail {
                _ if w.class.is_permanent() => None,
                Tail::Forever => None,
                Tail::For(span) => Some(w.last.plus(Span(1)).plus(span)),
            };
            push(&mut windows, collected, contact, w, end);
        }
    }
    windows
}

fn close(
    windows: &mut Vec<InferredWindow>,
    c: &Collector,
    contact: &str,
    open: Option<Open>,
    at: Instant,
) {
    if let Some(w) = open {
        push(windows, c, contact, w, Some(at));
    }
}

fn push(
    windows: &mut Vec<InferredWindow>,
    c: &Collector,
    contact: &str,
    w: Open,
    end: Option<Instant>,
) {
    if end.is_some_and(|e| e <= w.start) {
        return;
    }
    windows.push(InferredWindow {
        contact: contact.to_string(),
        code: c.text(w.code).to_string(),
        start: w.start,
        end,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::classify::FailureWords;
    use crate::logs::collect::Event;
    use proptest::prelude::*;

    /// The code an attempt at `at` meets under `windows` (None: delivered).
    fn lookup<'w>(windows: &'w [InferredWindow], contact: &str, at: Instant) -> Option<&'w str> {
        windows
            .iter()
            .find(|w| w.contact == contact && w.start <= at && w.end.is_none_or(|e| at < e))
            .map(|w| w.code.as_str())
    }

    proptest! {
        /// The inference is exact at every observed instant: each observation falls in a
        /// window with its own code, or in none when it was delivered.
        #[test]
        fn every_observation_is_explained_by_the_windows(
            steps in proptest::collection::vec((0u8..3, 0u8..4, 1i64..5000), 1..40)
        ) {
            let codes = ["4.2.2", "4.4.1", "5.1.1"];
            let mut c = Collector::default();
            let mut at = 0i64;
            for (contact, what, gap) in &steps {
                at += gap;
                let contact = format!("c{contact}");
                let code = codes.get(usize::from(*what)).copied().unwrap_or("");
                c.attempt(Event {
                    message: &format!("m-{contact}"),
                    contact: &contact,
                    at: Instant(at),
                    outcome: if code.is_empty() { Outcome::Delivered } else { Outcome::Failed },
                    attempt: None,
                    words: FailureWords { status: code, ..FailureWords::default() },
                }).unwrap();
            }
            let windows = infer(&c, Tail::For(Span::ZERO));
            for o in &c.observations {
                let contact = c.contact(o.message);
                let expected = o.error.map(|(code, _)| c.text(code));
                prop_assert_eq!(lookup(&windows, contact, o.at), expected);
            }
        }
    }

    #[test]
    fn a_soft_failure_ends_at_the_next_delivery_and_a_hard_one_never() {
        let mut c = Collector::default();
        let mut add = |contact: &str, at: i64, status: &str| {
            c.attempt(Event {
                message: contact,
                contact,
                at: Instant(at),
                outcome: if status.is_empty() {
                    Outcome::Delivered
                } else {
                    Outcome::Failed
                },
                attempt: None,
                words: FailureWords {
                    status,
                    ..FailureWords::default()
                },
            })
            .unwrap();
        };
        add("a", 100, "4.2.2");
        add("a", 400, "4.2.2");
        add("a", 900, "");
        add("b", 50, "5.1.1");
        add("c", 10, "4.4.1");
        let w = infer(&c, Tail::For(Span(60)));
        let got: Vec<(&str, i64, Option<i64>)> = w
            .iter()
            .map(|w| (w.contact.as_str(), w.start.0, w.end.map(|e| e.0)))
            .collect();
        assert_eq!(
            got,
            [("c", 10, Some(71)), ("b", 50, None), ("a", 100, Some(900))]
        );
        let forever = infer(&c, Tail::Forever);
        assert_eq!(forever[0].end, None);
    }
}
