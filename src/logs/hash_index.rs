//! An index from names to dense ids that keeps only a 64-bit hash per name: the names
//! themselves already live in the caller's own vectors, and storing them a second time
//! as hash-table keys cost an allocation per message and a third of the import's memory.
//!
//! A hit is confirmed by comparing with the stored name, so a hash shared by two names
//! never merges them: the second name of such a pair is kept, in full, in a small side
//! table.

use std::collections::hash_map::Entry;
use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap};

/// Names to ids by hash, confirmed against the caller's storage.
#[derive(Debug, Default)]
pub struct HashIndex {
    first: FxHashMap<u64, u32>,
    clashes: FxHashMap<Box<str>, u32>,
}

impl HashIndex {
    /// The id of `name`, where `stored(id)` gives the name an id stands for.
    pub fn find<'s>(&self, name: &str, stored: impl Fn(u32) -> &'s str) -> Option<u32> {
        match self.first.get(&FxBuildHasher.hash_one(name)) {
            Some(&id) if stored(id) == name => Some(id),
            Some(_) => self.clashes.get(name).copied(),
            None => None,
        }
    }

    /// Records `name` as `id`; call only after [`HashIndex::find`] found no id for it.
    pub fn insert(&mut self, name: &str, id: u32) {
        match self.first.entry(FxBuildHasher.hash_one(name)) {
            Entry::Occupied(_) => {
                self.clashes.insert(name.into(), id);
            }
            Entry::Vacant(slot) => {
                slot.insert(id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The index agrees with a map of whole names, whatever the names.
        #[test]
        fn the_index_finds_what_a_map_of_names_finds(
            names in proptest::collection::vec("[a-c]{0,3}", 0..60)
        ) {
            let mut index = HashIndex::default();
            let mut stored: Vec<String> = Vec::new();
            let mut reference: std::collections::BTreeMap<String, u32> = Default::default();
            for name in &names {
                let found = index.find(name, |i| stored[i as usize].as_str());
                prop_assert_eq!(found, reference.get(name).copied());
                if found.is_none() {
                    let id = stored.len() as u32;
                    index.insert(name, id);
                    stored.push(name.clone());
                    reference.insert(name.clone(), id);
                }
            }
        }
    }

    #[test]
    fn a_shared_hash_keeps_both_names_apart() {
        let mut index = HashIndex::default();
        let stored = ["a", "b"];
        // Force a clash: file "b" under the hash of "a".
        index.first.insert(FxBuildHasher.hash_one("a"), 0);
        index.clashes.insert("b".into(), 1);
        assert_eq!(index.find("a", |i| stored[i as usize]), Some(0));
        index.first.insert(FxBuildHasher.hash_one("b"), 0);
        assert_eq!(index.find("b", |i| stored[i as usize]), Some(1));
        assert_eq!(index.find("c", |i| stored[i as usize]), None);
    }
}
