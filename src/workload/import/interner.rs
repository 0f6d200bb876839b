//! Dense ids for the contact and delivery names of an imported trace, in order of first
//! appearance. The names are stored back to back in one [`PackedNames`] string and the
//! table keeps only a 64-bit hash per name, so a lookup probes a small, flat table of
//! integers: a table keyed by the names themselves was a fifth of a million-row replay,
//! most of it waiting on cache misses into the keys.

use std::collections::hash_map::Entry;
use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::workload::names::{Names, PackedNames};

/// Names to ids by hash, each hit confirmed against the stored name.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    by_hash: FxHashMap<u64, u32>,
    /// Names whose hash an earlier, different name already holds (rare): kept whole, so
    /// a shared hash never merges two contacts.
    clashes: FxHashMap<Box<str>, u32>,
    names: PackedNames,
}

impl Interner {
    /// The id of `name`, giving it the next id when it is new.
    pub(crate) fn id(&mut self, name: &str) -> u32 {
        let next = self.names.len() as u32;
        match self.by_hash.entry(FxBuildHasher.hash_one(name)) {
            Entry::Vacant(slot) => {
                slot.insert(next);
            }
            Entry::Occupied(slot) => {
                let id = *slot.get();
                if self.names.get(id as usize) == name {
                    return id;
                }
                if let Some(&id) = self.clashes.get(name) {
                    return id;
                }
                self.clashes.insert(name.into(), next);
            }
        }
        self.names.push(name);
        next
    }

    /// How many names have ids.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }

    /// The names, by id.
    pub(crate) fn into_names(self) -> Names {
        Names::Packed(self.names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_shared_hash_keeps_both_names_apart() {
        let mut i = Interner::default();
        assert_eq!(i.id("a"), 0);
        // File "a"'s hash as if it were "b"'s, to force the clash path.
        let b = FxBuildHasher.hash_one("b");
        i.by_hash.insert(b, 0);
        assert_eq!(i.id("b"), 1);
        assert_eq!(i.id("b"), 1);
        assert_eq!(i.id("a"), 0);
        assert_eq!(i.len(), 2);
    }

    proptest! {
        /// Ids follow first appearance, as a map of whole names gives them.
        #[test]
        fn ids_follow_first_appearance(names in proptest::collection::vec("[a-c]{0,3}", 0..60)) {
            let mut i = Interner::default();
            let mut reference: std::collections::BTreeMap<String, u32> = Default::default();
            for name in &names {
                let next = reference.len() as u32;
                let expected = *reference.entry(name.clone()).or_insert(next);
                prop_assert_eq!(i.id(name), expected);
            }
            let Names::Packed(packed) = i.into_names() else { unreachable!() };
            for (name, id) in &reference {
                prop_assert_eq!(packed.get(*id as usize), name.as_str());
            }
        }
    }
}
