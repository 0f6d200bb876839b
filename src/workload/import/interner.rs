//! Dense ids for names (contacts, deliveries) in order of first appearance, with a
//! lookup that can be announced ahead of time.
//!
//! A million sends name their contacts in random order, so with a hundred thousand
//! contacts nearly every lookup misses the cache; that wait was the replay's largest
//! cost. The table is open addressing with linear probing over 32-byte slots that hold
//! short names inline: a lookup reads one cache line, whose address is known from the
//! name's hash alone, so the reader can [`Interner::prefetch`] the slots of the next rows
//! while it works on the current one.

use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;

/// Names up to this many bytes are compared inside the slot; longer ones against
/// [`Interner::names`].
const INLINE: usize = 23;
/// `Slot::len` of a name longer than [`INLINE`].
const LONG: u8 = u8::MAX;
/// `Slot::id` of an empty slot.
const EMPTY: u32 = u32::MAX;

/// One table entry: exactly half a cache line, so a slot never straddles two.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    /// High half of the name's hash, to skip most unequal names without comparing.
    tag: u32,
    /// The name's id, or [`EMPTY`].
    id: u32,
    /// The name's length when it is inline, else [`LONG`].
    len: u8,
    /// The name's first bytes (all of it when inline).
    text: [u8; INLINE],
}

const FREE: Slot = Slot {
    tag: 0,
    id: EMPTY,
    len: 0,
    text: [0; INLINE],
};

/// Assigns dense ids to names in order of first appearance.
#[derive(Default)]
pub(crate) struct Interner {
    /// A power of two long (or empty), at most half full.
    slots: Vec<Slot>,
    /// Every name, by id.
    pub(crate) names: Vec<String>,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interner")
            .field("names", &self.names.len())
            .finish()
    }
}

fn hash(name: &str) -> u64 {
    FxBuildHasher.hash_one(name)
}

impl Interner {
    /// The hash [`Interner::id_bytes`] expects for `name`.
    pub(crate) fn hash(name: &str) -> u64 {
        hash(name)
    }

    /// The id of `name`, given a new one if it was not seen before.
    pub(crate) fn id(&mut self, name: &str) -> u32 {
        self.id_bytes(name.as_bytes(), hash(name))
    }

    /// [`Interner::id`] of the UTF-8 text `name`, whose [`Interner::hash`] is `h`: the
    /// windowed reader keeps fields as bytes, already checked to be UTF-8.
    pub(crate) fn id_bytes(&mut self, name: &[u8], h: u64) -> u32 {
        if 2 * (self.names.len() + 1) > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.id == EMPTY {
                return self.insert(i, h, name);
            }
            if slot.tag == (h >> 32) as u32 && self.holds(slot, name) {
                return slot.id;
            }
            i = (i + 1) & mask;
        }
    }

    /// Starts loading the slot where `name` would be found, so that a later
    /// [`Interner::id`] of it does not wait for memory. Only a hint: nothing changes.
    /// Returns the name's hash, for [`Interner::id_bytes`].
    pub(crate) fn prefetch(&self, name: &str) -> u64 {
        let h = hash(name);
        self.prefetch_hashed(h);
        h
    }

    /// [`Interner::prefetch`] of the name whose hash is `h`.
    pub(crate) fn prefetch_hashed(&self, h: u64) {
        if !self.slots.is_empty() {
            crate::prefetch::hint(&self.slots[h as usize & (self.slots.len() - 1)]);
        }
    }

    fn holds(&self, slot: &Slot, bytes: &[u8]) -> bool {
        if bytes.len() <= INLINE {
            usize::from(slot.len) == bytes.len() && same_start(&slot.text, bytes)
        } else {
            slot.len == LONG
                && slot.text[..] == bytes[..INLINE]
                && self.names[slot.id as usize].as_bytes() == bytes
        }
    }

    fn insert(&mut self, at: usize, h: u64, name: &[u8]) -> u32 {
        let id = self.names.len() as u32;
        self.slots[at] = Self::slot(h, id, name);
        // Callers pass UTF-8 text, so this copies and replaces nothing.
        self.names.push(String::from_utf8_lossy(name).into_owned());
        id
    }

    fn slot(h: u64, id: u32, bytes: &[u8]) -> Slot {
        let n = bytes.len().min(INLINE);
        let mut text = [0; INLINE];
        text[..n].copy_from_slice(&bytes[..n]);
        Slot {
            tag: (h >> 32) as u32,
            id,
            len: if bytes.len() <= INLINE {
                bytes.len() as u8
            } else {
                LONG
            },
            text,
        }
    }

    /// Doubles the table (16 slots at first) and puts every name back.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        self.slots = vec![FREE; size];
        let mask = size - 1;
        for (id, name) in self.names.iter().enumerate() {
            let h = hash(name);
            let mut i = h as usize & mask;
            while self.slots[i].id != EMPTY {
                i = (i + 1) & mask;
            }
            self.slots[i] = Self::slot(h, id as u32, name.as_bytes());
        }
    }
}

/// Whether `text` starts with `bytes` (at most [`INLINE`] long), by comparing words:
/// a call to `memcmp` for each lookup cost more than the comparison itself.
fn same_start(text: &[u8; INLINE], bytes: &[u8]) -> bool {
    let n = bytes.len();
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
    if n < 8 {
        return text[..n] == *bytes;
    }
    // First eight bytes, bytes 8..16 when there are more than sixteen, and the last
    // eight (which overlap the others): together every byte.
    word(text, 0) == word(bytes, 0)
        && (n <= 16 || word(text, 8) == word(bytes, 8))
        && word(text, n - 8) == word(bytes, n - 8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        /// The table gives the ids a plain map of first appearances gives, for short,
        /// inline-length and long names, with repeats.
        #[test]
        fn ids_are_first_appearances(names in prop::collection::vec("[a-c]{0,3}|[a-z@.]{20,30}", 0..300)) {
            let mut interner = Interner::default();
            let mut plain: HashMap<&str, u32> = HashMap::new();
            for name in &names {
                let next = plain.len() as u32;
                let expected = *plain.entry(name.as_str()).or_insert(next);
                let h = interner.prefetch(name);
                prop_assert_eq!(interner.id_bytes(name.as_bytes(), h), expected);
            }
            prop_assert_eq!(interner.names.len(), plain.len());
            for (id, name) in interner.names.iter().enumerate() {
                prop_assert_eq!(plain[name.as_str()], id as u32);
            }
        }
    }

    #[test]
    fn names_sharing_their_first_bytes_stay_apart() {
        let mut interner = Interner::default();
        for n in 0..=INLINE {
            let name: String = (0..n).map(|i| char::from(b'a' + i as u8)).collect();
            let text: [u8; INLINE] =
                std::array::from_fn(|i| name.as_bytes().get(i).copied().unwrap_or(0));
            assert!(same_start(&text, name.as_bytes()));
            for k in 0..n {
                let mut other = name.clone().into_bytes();
                other[k] = b'z';
                assert!(!same_start(&text, &other), "{name} byte {k}");
            }
        }
        let long = "x".repeat(INLINE);
        let a = format!("{long}a");
        let b = format!("{long}b");
        assert_eq!(interner.id(&long), 0);
        assert_eq!(interner.id(&a), 1);
        assert_eq!(interner.id(&b), 2);
        assert_eq!(interner.id(&a), 1);
        assert_eq!(interner.id(""), 3);
        assert_eq!(interner.id(&long), 0);
    }
}
