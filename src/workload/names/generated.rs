//! Synthetic contacts' names, written when asked for instead of stored.
//!
//! A generated contact is named `c{id}@{domain}` (email) or `+1555{id:07}` (SMS). Kept
//! as text, a million names take about 30 MB that stay resident through the whole run,
//! although only the output writers (and a per-domain policy table, once) read them.
//! This keeps 4 bytes per contact (its channel and domain index) and writes a name into
//! the caller's buffer on demand, byte for byte what the stored text held.

use super::push_decimal;

/// Marks an SMS contact in [`GeneratedNames`]'s per-contact word; below it, the domain.
const SMS: u32 = 1 << 31;

/// What an SMS contact's name starts with; its id follows in [`SMS_DIGITS`] digits.
pub const SMS_PREFIX: &str = "+1555";
/// The least number of digits of an SMS contact's id in its name (zero-padded).
pub const SMS_DIGITS: usize = 7;
/// What an email contact's name starts with; its id, `@` and its domain follow.
pub const EMAIL_PREFIX: &str = "c";

/// How a generated name is made (see [`GeneratedNames::form`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// [`SMS_PREFIX`], then the id in at least [`SMS_DIGITS`] digits.
    Sms,
    /// [`EMAIL_PREFIX`], the id, `@`, then the domain of this index.
    Email(usize),
}

/// Names of synthetic contacts: each contact's channel and email domain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GeneratedNames {
    /// Email domains by index.
    domains: Vec<String>,
    /// Per contact: [`SMS`], or the index of its email domain.
    of: Vec<u32>,
}

impl GeneratedNames {
    /// An empty list over `domains`.
    pub fn new(domains: Vec<String>) -> GeneratedNames {
        GeneratedNames {
            domains,
            of: Vec::new(),
        }
    }

    /// Makes room for `more` contacts.
    pub fn reserve(&mut self, more: usize) {
        self.of.reserve_exact(more);
    }

    /// Appends an email contact of domain index `domain`; its id is the number of contacts
    /// before it.
    pub fn push_email(&mut self, domain: u16) {
        self.of.push(u32::from(domain));
    }

    /// Appends an SMS contact.
    pub fn push_sms(&mut self) {
        self.of.push(SMS);
    }

    /// Number of names.
    pub fn len(&self) -> usize {
        self.of.len()
    }

    /// True when there are no names.
    pub fn is_empty(&self) -> bool {
        self.of.is_empty()
    }

    /// The email domains the names are written with.
    pub fn domains(&self) -> &[String] {
        &self.domains
    }

    /// Hints the CPU to fetch the per-contact word of `id`, ahead of [`Self::write`]
    /// (the domains are few and stay in cache).
    pub fn hint_entry(&self, id: u32) {
        if let Some(of) = self.of.get(id as usize) {
            crate::prefetch::hint(of);
        }
    }

    /// Writes the name of `id` into `out` (cleared first) and returns it.
    pub fn write<'a>(&self, id: u32, out: &'a mut String) -> &'a str {
        out.clear();
        match self.form(id) {
            Form::Sms => {
                out.push_str(SMS_PREFIX);
                push_padded(out, id, SMS_DIGITS);
            }
            Form::Email(domain) => {
                out.push_str(EMAIL_PREFIX);
                push_decimal(out, id);
                out.push('@');
                out.push_str(&self.domains[domain]);
            }
        }
        out
    }

    /// How the name of `id` is made, for a writer that puts its parts straight where
    /// they go (`report::cells`).
    pub fn form(&self, id: u32) -> Form {
        match self.of[id as usize] {
            SMS => Form::Sms,
            domain => Form::Email(domain as usize),
        }
    }
}

/// Appends `n` in decimal with leading zeros to at least `width` digits, as
/// `write!(out, "{n:0width$}")` would.
fn push_padded(out: &mut String, n: u32, width: usize) {
    let digits = if n == 0 { 1 } else { n.ilog10() as usize + 1 };
    out.extend(std::iter::repeat_n('0', width.saturating_sub(digits)));
    push_decimal(out, n);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_those_the_generator_stored() {
        let mut names = GeneratedNames::new(vec!["gmail.com".into(), "orange.fr".into()]);
        names.push_email(1);
        names.push_sms();
        names.push_email(0);
        let mut out = String::from("left over");
        assert_eq!(names.write(0, &mut out), "c0@orange.fr");
        assert_eq!(names.write(1, &mut out), "+15550000001");
        assert_eq!(names.write(2, &mut out), "c2@gmail.com");
        assert_eq!(names.len(), 3);
    }

    proptest! {
        #[test]
        fn padding_matches_the_formatter(n in any::<u32>(), width in 0usize..12) {
            let mut out = String::new();
            push_padded(&mut out, n, width);
            prop_assert_eq!(out, format!("{n:0width$}"));
        }
    }
}
