//! Names of contacts, messages and deliveries, kept apart from the dense ids the engine
//! uses. Generated workloads name things by a prefix and a number, so ten million
//! message names cost no memory until they are written.

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
