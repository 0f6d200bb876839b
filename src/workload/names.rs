//! Names of contacts, messages and deliveries, kept apart from the dense ids the engine
//! uses. Generated workloads name things by a prefix and a number, so ten million
//! message names cost no memory until they are written; imported message ids are packed
//! into one string, so a million of them cost one allocation, not a million; generated
//! contacts' names are written from their channel and domain when asked for
//! (`generated`).

mod generated;

pub use generated::{EMAIL_PREFIX, Form, GeneratedNames, SMS_DIGITS, SMS_PREFIX};

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
    /// Synthetic contacts' names, written on demand from each one's channel and domain.
    Generated(GeneratedNames),
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

    /// Hints the CPU to fetch where name `i` ends (and the end of the name before it,
    /// usually on the same cache line): the first of two steps ahead of [`Self::get`].
    pub fn hint_entry(&self, i: usize) {
        if let Some(end) = self.ends.get(i) {
            crate::prefetch::hint(end);
        }
    }

    /// Hints the CPU to fetch the first bytes of name `i`, reading its start, which
    /// [`Self::hint_entry`] should have fetched a little earlier.
    pub fn hint_text(&self, i: usize) {
        let start = match i {
            0 => Some(0),
            _ => self.ends.get(i - 1).map(|&e| e as usize),
        };
        if let Some(byte) = start.and_then(|s| self.text.as_bytes().get(s)) {
            crate::prefetch::hint(byte);
        }
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
            Names::Generated(g) => g.len(),
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
            Names::Generated(g) => return g.write(id, out),
        }
        out
    }

    /// Hints the CPU to fetch where the name of `id` is kept, ahead of
    /// [`Names::hint_text`] and [`Names::name`]: a writer of records that name contacts
    /// in random order calls it some rows ahead, so that the rows do not wait for memory.
    /// Numbered names are computed, so there is nothing to fetch.
    pub fn hint_entry(&self, id: u32) {
        match self {
            Names::Listed(v) => {
                if let Some(name) = v.get(id as usize) {
                    crate::prefetch::hint(name);
                }
            }
            Names::Packed(p) => p.hint_entry(id as usize),
            Names::Generated(g) => g.hint_entry(id),
            Names::Numbered { .. } => {}
        }
    }

    /// Hints the CPU to fetch the text of the name of `id`; see [`Names::hint_entry`],
    /// which should come a few rows earlier.
    pub fn hint_text(&self, id: u32) {
        match self {
            Names::Listed(v) => {
                if let Some(byte) = v.get(id as usize).and_then(|n| n.as_bytes().first()) {
                    crate::prefetch::hint(byte);
                }
            }
            Names::Packed(p) => p.hint_text(id as usize),
            // A generated name is written from its contact's word and a domain kept in
            // cache: nothing more to fetch.
            Names::Numbered { .. } | Names::Generated(_) => {}
        }
    }

    /// The name of `id`, borrowed from the list when it is stored, or written into
    /// `scratch` when it is numbered or generated: unlike [`Names::write`], a stored name
    /// is not copied.
    pub fn name<'a>(&'a self, id: u32, scratch: &'a mut String) -> &'a str {
        match self {
            Names::Listed(v) => &v[id as usize],
            Names::Packed(p) => p.get(id as usize),
            Names::Numbered { prefix, suffix, .. } => {
                scratch.clear();
                scratch.push_str(prefix);
                push_decimal(scratch, id);
                scratch.push_str(suffix);
                scratch
            }
            Names::Generated(g) => g.write(id, scratch),
        }
    }

    /// The name of `id` as an owned string.
    pub fn get(&self, id: u32) -> String {
        let mut s = String::new();
        self.write(id, &mut s);
        s
    }
}

/// Appends `n` in decimal, as `write!(out, "{n}")` would, without the formatting machinery.
fn push_decimal(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_names_match_written_names() {
        let mut packed = PackedNames::default();
        packed.push("a");
        packed.push("=b");
        let lists = [
            Names::Listed(vec!["x".into(), "y".into()]),
            Names::Packed(packed),
            Names::Numbered {
                prefix: "m".into(),
                suffix: "-s".into(),
                count: 2,
            },
        ];
        let (mut a, mut b) = (String::new(), String::new());
        for names in &lists {
            for id in 0..2 {
                assert_eq!(names.name(id, &mut a), names.write(id, &mut b));
            }
        }
        for n in [0, 7, 10, 99, 1_000_000, u32::MAX] {
            a.clear();
            push_decimal(&mut a, n);
            assert_eq!(a, n.to_string());
        }
    }

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
