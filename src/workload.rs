//! Where sends and failures come from: the send stream, the failure model (ground truth)
//! and operator actions, whether imported from CSV or generated (the synthetic world,
//! and the scheduled operator of `operator`, which any workload may have).
//!
//! Inside a run, contacts, messages and deliveries are dense integer ids; their names
//! live here and are used only when writing outputs.

pub mod actions;
pub mod capacity;
pub mod carriers;
pub mod failures;
pub mod import;
pub mod names;
pub mod operator;
mod send;
pub mod synthetic;

pub use failures::{FailureModel, Window};
pub use names::Names;
pub use send::SendRecord;

// The kinds live in a leaf module so that `rules` can name them without importing
// `workload`, which itself depends on `rules`.
pub use crate::kinds::{Channel, MessageType};

/// Dense id of a contact inside one workload.
pub type ContactId = u32;
/// Dense id of a message: its position in the time-sorted send stream.
pub type MessageId = u32;

/// The most messages one workload can hold: ids are `u32`, and one value marks "none".
pub const MAX_MESSAGES: usize = u32::MAX as usize - 1;

/// Everything a run replays: the sends in time order, the ground truth and the
/// operator's actions.
#[derive(Debug, Clone, Default)]
pub struct Workload {
    /// Sends sorted by creation time; a message's id is its index here.
    pub sends: Vec<SendRecord>,
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
    /// Each SMS contact's mobile carrier, where known.
    pub carriers: carriers::Carriers,
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
