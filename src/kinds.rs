//! What kind of message a send is: its channel and its message type.
//!
//! These two enums are shared by `rules` (per-channel settings, retry-period bounds by
//! type), `workload` (the send stream) and `scenario` (channel tables). They live in this
//! leaf module, which imports nothing from the crate, so that `rules` does not depend on
//! `workload`; `workload` re-exports them at their old paths.

use std::fmt;
use std::ops::{Index, IndexMut};

/// The channel a message is sent on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// An email address.
    Email,
    /// A phone number.
    Sms,
}

impl Channel {
    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    /// Parses a file name, in any letter case (`SMS`, `Email`).
    pub fn parse(s: &str) -> Option<Channel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Marketing or transactional; decides the bounds of the retry period (E6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageType {
    /// Campaigns and newsletters.
    Marketing,
    /// Receipts, password resets, one-time codes.
    Transactional,
}

impl MessageType {
    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            MessageType::Marketing => "marketing",
            MessageType::Transactional => "transactional",
        }
    }

    /// Parses a file name, in any letter case.
    pub fn parse(s: &str) -> Option<MessageType> {
        match s.trim().to_ascii_lowercase().as_str() {
            "marketing" => Some(MessageType::Marketing),
            "transactional" => Some(MessageType::Transactional),
            _ => None,
        }
    }
}

impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One value per channel, indexed by [`Channel`] rather than by a number, so that no
/// code depends on the enum's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PerChannel<T> {
    email: T,
    sms: T,
}

impl<T> PerChannel<T> {
    /// The values for email and for SMS.
    pub fn new(email: T, sms: T) -> PerChannel<T> {
        PerChannel { email, sms }
    }
}

impl<T> Index<Channel> for PerChannel<T> {
    type Output = T;

    fn index(&self, channel: Channel) -> &T {
        match channel {
            Channel::Email => &self.email,
            Channel::Sms => &self.sms,
        }
    }
}

impl<T> IndexMut<Channel> for PerChannel<T> {
    fn index_mut(&mut self, channel: Channel) -> &mut T {
        match channel {
            Channel::Email => &mut self.email,
            Channel::Sms => &mut self.sms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_channel_values_are_found_by_channel() {
        let mut v = PerChannel::new(1, 2);
        v[Channel::Sms] += 10;
        assert_eq!((v[Channel::Email], v[Channel::Sms]), (1, 12));
    }
}
