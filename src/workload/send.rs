//! One send of the stream, packed into 16 bytes.
//!
//! A run of ten million messages holds the send stream and the message states at the same
//! time, so every byte of a [`SendRecord`] counts ten million times. The creation instant
//! needs an `i64` of seconds, but no instant a scenario or an imported file can name uses
//! more than 40 of its bits (RFC 3339 years 0000–9999); the two lowest bits of that word
//! carry the channel and the message type instead of two more (padded) bytes. With the
//! contact and delivery ids the record is 8 + 4 + 4 = 16 bytes, 24 before.
//!
//! The creation time keeps its absolute meaning (no per-workload epoch), so there is no
//! limit on a horizon or an imported log's span; the only limit is that an instant must
//! lie within ±2^61 seconds of 1970 ([`SendRecord::EARLIEST`], [`SendRecord::LATEST`]),
//! about 73 billion years, and a time outside it is refused with an error, never wrapped.

use crate::error::MessageError;
use crate::kinds::{Channel, MessageType};
use crate::time::Instant;

use super::ContactId;

/// Bits of the packed word below the creation time.
const TAG_BITS: u32 = 2;
/// The channel's bit (set: SMS).
const SMS_BIT: i64 = 1;
/// The message type's bit (set: transactional).
const TRANSACTIONAL_BIT: i64 = 2;

/// One message entering the queue: who, when, as part of which delivery.
///
/// Read through its accessors ([`SendRecord::created`] and the others); build it with
/// [`SendRecord::new`], which refuses a creation time it cannot hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SendRecord {
    /// The creation instant shifted left by [`TAG_BITS`], with the channel and message
    /// type in the low bits.
    packed: i64,
    contact: ContactId,
    delivery: u32,
}

impl SendRecord {
    /// The earliest creation time a record holds.
    pub const EARLIEST: Instant = Instant(i64::MIN >> TAG_BITS);
    /// The latest creation time a record holds.
    pub const LATEST: Instant = Instant(i64::MAX >> TAG_BITS);

    /// A send created at `created` to `contact` as part of `delivery`. Errs, naming the
    /// time and the range, when `created` is outside [`SendRecord::EARLIEST`] ..=
    /// [`SendRecord::LATEST`].
    pub fn new(
        created: Instant,
        contact: ContactId,
        delivery: u32,
        channel: Channel,
        kind: MessageType,
    ) -> Result<SendRecord, MessageError> {
        Self::check_time(created)?;
        Ok(Self::pack(created, contact, delivery, channel, kind))
    }

    /// A send for a producer that checked its whole time range with
    /// [`SendRecord::check_time`] up front (the synthetic generator checks its frame), so
    /// that its inner loop carries no error path. A time outside the range is clamped to
    /// it, never wrapped, and debug builds assert that it does not happen.
    #[inline]
    pub(crate) fn in_checked_range(
        created: Instant,
        contact: ContactId,
        delivery: u32,
        channel: Channel,
        kind: MessageType,
    ) -> SendRecord {
        debug_assert!(Self::check_time(created).is_ok(), "{created:?} unchecked");
        let created = created.clamp(Self::EARLIEST, Self::LATEST);
        Self::pack(created, contact, delivery, channel, kind)
    }

    /// The record of a time already known to be in range.
    #[inline]
    fn pack(
        created: Instant,
        contact: ContactId,
        delivery: u32,
        channel: Channel,
        kind: MessageType,
    ) -> SendRecord {
        let mut tags = 0;
        if channel == Channel::Sms {
            tags |= SMS_BIT;
        }
        if kind == MessageType::Transactional {
            tags |= TRANSACTIONAL_BIT;
        }
        SendRecord {
            packed: (created.0 << TAG_BITS) | tags,
            contact,
            delivery,
        }
    }

    /// Whether a send can be created at `at`; the error names the time and the range.
    pub fn check_time(at: Instant) -> Result<(), MessageError> {
        if (Self::EARLIEST..=Self::LATEST).contains(&at) {
            return Ok(());
        }
        Err(format!(
            "a send's creation time must be {} to {} seconds from 1970-01-01T00:00:00Z, got {}",
            Self::EARLIEST.0,
            Self::LATEST.0,
            at.0
        )
        .into())
    }

    /// When the message was created (entered the queue).
    #[inline]
    pub fn created(&self) -> Instant {
        // An arithmetic shift gives back the signed time and drops the tags.
        Instant(self.packed >> TAG_BITS)
    }

    /// Its recipient.
    #[inline]
    pub fn contact(&self) -> ContactId {
        self.contact
    }

    /// Its delivery (campaign, journey step or batch).
    #[inline]
    pub fn delivery(&self) -> u32 {
        self.delivery
    }

    /// Email or SMS.
    #[inline]
    pub fn channel(&self) -> Channel {
        if self.packed & SMS_BIT != 0 {
            Channel::Sms
        } else {
            Channel::Email
        }
    }

    /// Marketing or transactional.
    #[inline]
    pub fn kind(&self) -> MessageType {
        if self.packed & TRANSACTIONAL_BIT != 0 {
            MessageType::Transactional
        } else {
            MessageType::Marketing
        }
    }
}

impl std::fmt::Debug for SendRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendRecord")
            .field("created", &self.created())
            .field("contact", &self.contact)
            .field("delivery", &self.delivery)
            .field("channel", &self.channel())
            .field("kind", &self.kind())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn channel(sms: bool) -> Channel {
        if sms { Channel::Sms } else { Channel::Email }
    }

    fn kind(transactional: bool) -> MessageType {
        if transactional {
            MessageType::Transactional
        } else {
            MessageType::Marketing
        }
    }

    #[test]
    fn a_send_record_is_16_bytes() {
        assert_eq!(std::mem::size_of::<SendRecord>(), 16);
    }

    #[test]
    fn every_rfc3339_time_fits_with_room_to_spare() {
        let first = Instant::parse_rfc3339("0000-01-01T00:00:00Z").unwrap();
        for t in [first, Instant::LAST, Instant(0), Instant(-1)] {
            let s = SendRecord::new(t, 1, 2, Channel::Sms, MessageType::Transactional);
            assert_eq!(s.unwrap().created(), t);
        }
    }

    #[test]
    fn the_limits_are_held_exactly_and_one_past_them_is_an_error() {
        for t in [SendRecord::EARLIEST, SendRecord::LATEST] {
            let s = SendRecord::new(t, 0, 0, Channel::Email, MessageType::Marketing).unwrap();
            assert_eq!(s.created(), t);
        }
        for t in [
            Instant(SendRecord::LATEST.0 + 1),
            Instant(SendRecord::EARLIEST.0 - 1),
            Instant::NEVER,
            Instant(i64::MIN),
        ] {
            let e = SendRecord::new(t, 0, 0, Channel::Email, MessageType::Marketing)
                .expect_err("out of range");
            assert!(e.message().contains("creation time"), "{e}");
            assert!(e.message().contains(&t.0.to_string()), "{e}");
        }
    }

    proptest! {
        #[test]
        fn every_field_round_trips(
            created in SendRecord::EARLIEST.0..=SendRecord::LATEST.0,
            contact in any::<u32>(),
            delivery in any::<u32>(),
            sms in any::<bool>(),
            transactional in any::<bool>(),
        ) {
            let s = SendRecord::new(
                Instant(created), contact, delivery, channel(sms), kind(transactional),
            ).unwrap();
            prop_assert_eq!(s.created(), Instant(created));
            prop_assert_eq!(s.contact(), contact);
            prop_assert_eq!(s.delivery(), delivery);
            prop_assert_eq!(s.channel(), channel(sms));
            prop_assert_eq!(s.kind(), kind(transactional));
        }

        #[test]
        fn records_order_by_creation_as_their_times_do(
            a in SendRecord::EARLIEST.0..=SendRecord::LATEST.0,
            b in SendRecord::EARLIEST.0..=SendRecord::LATEST.0,
            sms in any::<bool>(),
        ) {
            let ra = SendRecord::new(Instant(a), 0, 0, channel(sms), kind(!sms)).unwrap();
            let rb = SendRecord::new(Instant(b), 0, 0, channel(!sms), kind(sms)).unwrap();
            prop_assert_eq!(ra.created().cmp(&rb.created()), a.cmp(&b));
        }
    }
}
