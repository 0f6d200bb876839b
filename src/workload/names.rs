//! Names of contacts, messages and deliveries, kept apart from the dense ids the engine
//! uses. Generated workloads name things by a prefix and a number, so ten million
//! message names cost no memory until they are written; imported message ids are packed
//! into one string, so a million of them cost one allocation, not a million.

/// A list of names indexed by dense id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Names {
    /// Names read from a file.
    Listed(Vec<String>),
    /// `prefix` followed by the id, for `count` ids.
    Numbered {
        /// Text before the number.
        prefix: String,
        /// Text after the number.
        suffix: String,
        /// How many ids exist.
        count: usize,
    },
    /// Names stored back to back in one string.
    Packed(PackedNames),
}

/// Names stored back to back: name `i` is `text[ends[i - 1]..ends[i]]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackedNames {
    text: String,
    ends: Vec<u64>,
}

impl PackedNames {
    /// Appends a name; its id is the number of names before it.
    pub fn push(&mut self, name: &str) {
        self.text.push_str(name);
        self.ends.push(self.text.len() as u64);
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are no names.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Name number `i`.
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// Every name, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

impl Default for Names {
    fn default() -> Self {
        Names::Listed(Vec::new())
    }
}

impl Names {
    /// Number of names.
    pub fn len(&self) -> usize {
        match self {
            Names::Listed(v) => v.len(),
            Names::Numbered { count, .. } => *count,
            Names::Packed(p) => p.len(),
        }
    }

    /// True when there are no names.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the name of `id` into `out` (cleared first) and returns it.
    pub fn write<'a>(&self, id: u32, out: &'a mut String) -> &'a str {
        use std::fmt::Write;
        out.clear();
        match self {
            Names::Listed(v) => out.push_str(&v[id as usize]),
            Names::Packed(p) => out.push_str(p.get(id as usize)),
            Names::Numbered { prefix, suffix, .. } => {
                let _ = write!(out, "{prefix}{id}{suffix}");
            }
        }
        out
    }

    /// The name of `id` as an owned string.
    pub fn get(&self, id: u32) -> String {
        let mut s = String::new();
        self.write(id, &mut s);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_names_read_back_in_order() {
        let mut p = PackedNames::default();
        for name in ["m1", "", "message-three"] {
            p.push(name);
        }
        let names = Names::Packed(p.clone());
        assert_eq!(names.len(), 3);
        assert_eq!(names.get(0), "m1");
        assert_eq!(names.get(1), "");
        assert_eq!(names.get(2), "message-three");
        assert_eq!(
            p.iter().collect::<Vec<_>>(),
            vec!["m1", "", "message-three"]
        );
    }
}
