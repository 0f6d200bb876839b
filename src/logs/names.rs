//! A table of interned names kept end to end in one buffer: a million message, contact
//! and delivery names as separate `String`s cost a heap block each (three per kept
//! message, ~180 B a message with their headers); here a name costs its bytes plus one
//! 8-byte end offset, and it is found again through a [`HashIndex`].

use super::hash_index::HashIndex;

/// Names to dense ids (in order of first sight) and back.
#[derive(Debug, Default)]
pub struct Names {
    /// Every name, one after the other.
    bytes: String,
    /// Where each name ends in `bytes`; name `i` starts where name `i - 1` ends.
    ends: Vec<usize>,
    index: HashIndex,
}

impl Names {
    /// The name behind `id`.
    pub fn get(&self, id: u32) -> &str {
        name_at(&self.bytes, &self.ends, id)
    }

    /// The id of `name`, if it was added.
    pub fn find(&self, name: &str) -> Option<u32> {
        let (bytes, ends) = (&self.bytes, &self.ends);
        self.index.find(name, |id| name_at(bytes, ends, id))
    }

    /// Adds `name` without looking for it first: the caller knows it is new.
    pub fn push_new(&mut self, name: &str) -> u32 {
        let id = self.ends.len() as u32;
        self.bytes.push_str(name);
        // Full-width offsets: 4 B more a name than 32-bit ones, but no input, however
        // large, can overflow them.
        self.ends.push(self.bytes.len());
        self.index.insert(name, id);
        id
    }

    /// The id of `name`, adding it when it is new.
    pub fn intern(&mut self, name: &str) -> u32 {
        match self.find(name) {
            Some(id) => id,
            None => self.push_new(name),
        }
    }

    /// How many names there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when no name was added.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

fn name_at<'s>(bytes: &'s str, ends: &[usize], id: u32) -> &'s str {
    let i = id as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &bytes[start..ends[i]]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_come_back_in_order_of_first_sight() {
        let mut n = Names::default();
        assert_eq!(n.intern("bob@b.example"), 0);
        assert_eq!(n.intern(""), 1);
        assert_eq!(n.intern("ann@a.example"), 2);
        assert_eq!(n.intern("bob@b.example"), 0);
        assert_eq!(n.intern(""), 1);
        assert_eq!(
            (n.get(0), n.get(1), n.get(2)),
            ("bob@b.example", "", "ann@a.example")
        );
        assert_eq!(n.len(), 3);
    }

    proptest! {
        /// Every name maps to one id and back to itself, whatever the names.
        #[test]
        fn every_name_round_trips(names in proptest::collection::vec("[a-cé]{0,4}", 0..80)) {
            let mut n = Names::default();
            let mut reference: Vec<String> = Vec::new();
            for name in &names {
                let id = n.intern(name);
                if id as usize == reference.len() {
                    reference.push(name.clone());
                }
                prop_assert_eq!(&reference[id as usize], name);
            }
            for (id, name) in reference.iter().enumerate() {
                prop_assert_eq!(n.get(id as u32), name.as_str());
                prop_assert_eq!(n.find(name), Some(id as u32));
            }
        }
    }
}
