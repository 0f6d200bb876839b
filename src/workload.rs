//! Where sends and failures come from: the send stream, the failure model (ground truth)
//! and operator actions, whether imported from CSV or generated (the synthetic world,
//! and the scheduled operator of `operator`, which any workload may have).
//!
//! Inside a run, contacts, messages and deliveries are dense integer ids; their names
//! live here and are used only when writing outputs.

pub mod actions;
pub mod capacity;
pub mod export;
pub mod failures;
pub mod import;
pub mod names;
pub mod operator;
pub mod synthetic;

use std::fmt;

pub use failures::{FailureModel, Window};
pub use names::Names;

use crate::time::Instant;

/// Dense id of a contact inside one workload.
pub type ContactId = u32;
/// Dense id of a message: its position in the time-sorted send stream.
pub type MessageId = u32;

/// The most messages one workload can hold: ids are `u32`, and one value marks "none".
pub const MAX_MESSAGES: usize = u32::MAX as usize - 1;

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

/// One message entering the queue: who, when, as part of which delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Send {
    /// When the message was created (entered the queue).
    pub created: Instant,
    /// Its recipient.
    pub contact: ContactId,
    /// Its delivery (campaign, journey step or batch).
    pub delivery: u32,
    /// Email or SMS.
    pub channel: Channel,
    /// Marketing or transactional.
    pub kind: MessageType,
}

/// Everything a run replays: the sends in time order, the ground truth and the
/// operator's actions.
#[derive(Debug, Clone, Default)]
pub struct Workload {
    /// Sends sorted by creation time; a message's id is its index here.
    pub sends: Vec<Send>,
    /// Message names, by message id.
    pub messages: Names,
    /// Contact names, by contact id.
    pub contacts: Names,
    /// Delivery names, by delivery id.
    pub deliveries: Names,
    /// What every attempt returns.
    pub failures: FailureModel,
    /// Operator retries, sorted by time.
    pub actions: Vec<actions::Action>,
    /// Free-text reasons the operator gave, indexed by [`actions::Action::note`].
    pub notes: Vec<String>,
}

impl Workload {
    /// Number of contacts known to the workload.
    pub fn contact_count(&self) -> usize {
        self.contacts.len()
    }

    /// Merges more operator actions into [`Workload::actions`], keeping them sorted by
    /// time; at the same instant the actions already present come first. Their notes
    /// index `notes`, which are appended to [`Workload::notes`].
    pub fn add_actions(&mut self, actions: Vec<actions::Action>, notes: Vec<String>) {
        let offset = self.notes.len() as u32;
        self.notes.extend(notes);
        self.actions
            .extend(actions.into_iter().map(|a| actions::Action {
                note: a.note.map(|n| n + offset),
                ..a
            }));
        self.actions.sort_by_key(|a| a.at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_and_type_names_are_read_in_any_case() {
        assert_eq!(Channel::parse("SMS"), Some(Channel::Sms));
        assert_eq!(Channel::parse(" Email"), Some(Channel::Email));
        assert_eq!(
            MessageType::parse("Transactional"),
            Some(MessageType::Transactional)
        );
        assert_eq!(Channel::parse("fax"), None);
    }
}
