//! The failure model of a synthetic world, built contact by contact.
//!
//! Each contact's windows are its drawn timeline, then the outages of its provider (in
//! outage order), then its greylisting window. The model wants them grouped by contact
//! and in start order, ties in that same order. A stable sort of one list of every
//! window by (contact, start) gives that, but holds every window twice over (the list
//! with its contact ids, the sort's scratch space, then the grouped copy). Contacts come
//! in id order already, so a stable sort of each contact's few windows gives the same
//! order, written once, straight into the model's final vector.

use super::code;
use super::population::People;
use super::spec::SyntheticSpec;
use crate::error::MessageError;
use crate::kinds::PerChannel;
use crate::rules::errors::{ErrorCode, ErrorTable};
use crate::time::Instant;
use crate::workload::{Channel, FailureModel, SendRecord, Window};

/// Builds the failure model of `people`, whose greylisted contacts first receive a
/// message at `first` (see [`first_sends`]), codes resolved in `errors`.
pub fn model(
    spec: &SyntheticSpec,
    people: &People,
    first: &[Instant],
    errors: &mut ErrorTable,
) -> Result<FailureModel, MessageError> {
    // The interned ids reach the outputs, so codes are resolved in the order they always
    // were: email's timeline codes, SMS's, the outages', then greylisting's.
    let timeline = PerChannel::new(
        timeline_codes(spec, Channel::Email, "workload.email", errors)?,
        timeline_codes(spec, Channel::Sms, "workload.sms", errors)?,
    );
    let outages = outage_windows(spec, errors)?;
    let greylist = PerChannel::new(
        code(
            errors,
            "workload.email.greylisting_code",
            &spec.email.codes.greylisting,
        )?,
        code(
            errors,
            "workload.sms.greylisting_code",
            &spec.sms.codes.greylisting,
        )?,
    );
    let mut offsets = Vec::with_capacity(people.len() + 1);
    let mut windows = Vec::with_capacity(count(people, &outages, first));
    for (id, contact) in people.contacts.iter().enumerate() {
        offsets.push(windows.len() as u32);
        let from = windows.len();
        let codes = timeline[contact.channel];
        windows.extend(
            contact
                .windows
                .iter()
                .map(|&(start, end, cause)| window(start, end, codes[cause as usize])),
        );
        if contact.channel == Channel::Email {
            let domain = usize::from(contact.domain);
            windows.extend(outages.iter().filter(|o| o.0 == domain).map(|o| o.1));
        }
        if first[id] != Instant::NEVER {
            let delay = spec.model(contact.channel).greylisting_delay;
            let at = first[id];
            windows.push(window(at, at.plus(delay), greylist[contact.channel]));
        }
        // Stable: windows with the same start keep the order above.
        windows[from..].sort_by_key(|w| w.start);
    }
    offsets.push(windows.len() as u32);
    let mut failures = FailureModel::from_grouped(offsets, windows);
    failures.classify(errors);
    Ok(failures)
}

/// A retryable-until-classified window.
fn window(start: Instant, end: Instant, code: ErrorCode) -> Window {
    Window {
        start,
        end,
        code,
        permanent: false,
    }
}

/// One channel's timeline codes, indexed by cause.
fn timeline_codes(
    spec: &SyntheticSpec,
    channel: Channel,
    key: &str,
    errors: &mut ErrorTable,
) -> Result<[ErrorCode; 5], MessageError> {
    let c = &spec.model(channel).codes;
    let mut one = |k: &str, text: &str| code(errors, &format!("{key}.{k}"), text);
    Ok([
        one("transient_code", &c.transient)?,
        one("flaky_code", &c.flaky)?,
        one("dead_code", &c.dead)?,
        one("invalid_code", &c.invalid)?,
        one("opt_out_code", &c.opt_out)?,
    ])
}

/// Each outage's domain and window, in outage order.
fn outage_windows(
    spec: &SyntheticSpec,
    errors: &mut ErrorTable,
) -> Result<Vec<(usize, Window)>, MessageError> {
    let mut out = Vec::with_capacity(spec.outages.len());
    for (i, o) in spec.outages.iter().enumerate() {
        let code = code(errors, &format!("workload.outages[{i}].code"), &o.code)?;
        out.push((o.domain, window(o.start, o.end, code)));
    }
    Ok(out)
}

/// For each contact, when a greylisted contact receives its first message, or
/// [`Instant::NEVER`] (not greylisted, or no message). Greylisting defers exactly that
/// first message.
///
/// Only the instant is kept, so the earliest creation time among a contact's sends is
/// the answer in any order of the sends: this reads the batches as drawn, which lets the
/// model be built while the batches are still being sorted (`synthetic::generate`).
///
/// The sends reach random contacts, so the greylisted test is kept in one bit per
/// contact: 125 KB for a million contacts stays in cache, where reading each contact's
/// record (32 MB) missed it on almost every send.
pub fn first_sends(people: &People, batches: &[Vec<SendRecord>]) -> Vec<Instant> {
    let mut greylisted = vec![0u64; people.len().div_ceil(64)];
    for (c, contact) in people.contacts.iter().enumerate() {
        if contact.greylisted {
            greylisted[c / 64] |= 1 << (c % 64);
        }
    }
    let mut first = vec![Instant::NEVER; people.len()];
    for s in batches.iter().flatten() {
        let c = s.contact() as usize;
        if greylisted[c / 64] & (1u64 << (c % 64)) != 0 {
            first[c] = first[c].min(s.created());
        }
    }
    first
}

/// The number of windows [`model`] writes, so that its vector is allocated once.
fn count(people: &People, outages: &[(usize, Window)], first: &[Instant]) -> usize {
    let timelines: usize = people.contacts.iter().map(|c| c.windows.len()).sum();
    let outage_members: usize = people
        .contacts
        .iter()
        .filter(|c| c.channel == Channel::Email)
        .map(|c| {
            let domain = usize::from(c.domain);
            outages.iter().filter(|o| o.0 == domain).count()
        })
        .sum();
    let greylisted = first.iter().filter(|&&t| t != Instant::NEVER).count();
    timelines + outage_members + greylisted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::MessageType;
    use crate::workload::synthetic::population::Contact;

    fn contact(greylisted: bool) -> Contact {
        Contact {
            channel: Channel::Email,
            domain: 0,
            greylisted,
            windows: Vec::new(),
        }
    }

    fn send(created: i64, contact: u32) -> SendRecord {
        SendRecord::new(
            Instant(created),
            contact,
            0,
            Channel::Email,
            MessageType::Marketing,
        )
        .expect("a test time fits")
    }

    /// Only a greylisted contact's first send counts, across bitset words (contact 70
    /// sits in the second word).
    #[test]
    fn greylisting_takes_each_greylisted_contacts_first_send() {
        let mut contacts: Vec<Contact> = (0..72).map(|_| contact(false)).collect();
        contacts[1] = contact(true);
        contacts[70] = contact(true);
        contacts[71] = contact(true);
        let people = People { contacts };
        let sends = [
            send(5, 0),
            send(10, 70),
            send(11, 1),
            send(12, 70),
            send(20, 1),
        ];
        let first = first_sends(&people, &[sends.to_vec()]);
        assert_eq!(first[0], Instant::NEVER, "not greylisted");
        assert_eq!(first[1], Instant(11));
        assert_eq!(first[70], Instant(10));
        assert_eq!(first[71], Instant::NEVER, "greylisted but never sent to");
    }

    /// The batches are not in time order: the earliest send counts wherever it is drawn,
    /// exactly as in the sorted stream.
    #[test]
    fn greylisting_takes_the_earliest_send_in_any_batch_order() {
        let mut contacts: Vec<Contact> = (0..3).map(|_| contact(true)).collect();
        contacts[2] = contact(false);
        let people = People { contacts };
        let batches = vec![
            vec![send(30, 0), send(12, 1), send(5, 2)],
            vec![send(9, 1), send(31, 0)],
            vec![send(20, 0), send(9, 1)],
        ];
        let first = first_sends(&people, &batches);
        assert_eq!(first[..2], [Instant(20), Instant(9)]);
        assert_eq!(first[2], Instant::NEVER, "not greylisted");
        let sorted = super::super::order::by_creation(batches.clone());
        let mut seen = [Instant::NEVER; 3];
        for s in sorted.iter().rev() {
            seen[s.contact() as usize] = s.created();
        }
        assert_eq!(first[..2], seen[..2], "the sorted stream's first sends");
    }
}
