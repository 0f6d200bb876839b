//! Per-run state vectors, reused from one run to the next on the same thread.
//!
//! A sweep runs hundreds of simulations per worker thread. Fresh multi-megabyte vectors
//! for each would make the kernel map and zero new pages every time (a sixth of a sweep's
//! time, measured), and the page-fault path serialises threads; reused vectors are
//! already mapped.

use std::cell::RefCell;

use super::state::{ContactState, MessageState};
use crate::workload::MessageId;

/// The vectors one run needs, sized per run.
#[derive(Debug, Default)]
pub(super) struct Buffers {
    pub messages: Vec<MessageState>,
    pub contacts: Vec<ContactState>,
    pub failed: Vec<MessageId>,
}

thread_local! {
    static SPARE: RefCell<Option<Buffers>> = const { RefCell::new(None) };
}

impl Buffers {
    /// This thread's spare buffers (or new ones), reset to `messages` and `contacts`
    /// default states and an empty failed list.
    pub fn take(messages: usize, contacts: usize) -> Buffers {
        let mut b = SPARE.with(|s| s.borrow_mut().take()).unwrap_or_default();
        b.messages.clear();
        b.messages.resize(messages, MessageState::default());
        b.contacts.clear();
        b.contacts.resize(contacts, ContactState::default());
        b.failed.clear();
        b
    }

    /// Frees this thread's spare buffers. For a caller that builds a new world before
    /// each run: the next world's generation would otherwise peak while the previous
    /// run's vectors are still held, adding their size to the peak memory.
    pub fn release() {
        SPARE.with(|s| s.borrow_mut().take());
    }

    /// Keeps the buffers for this thread's next run.
    pub fn give_back(self) {
        SPARE.with(|s| *s.borrow_mut() = Some(self));
    }
}
