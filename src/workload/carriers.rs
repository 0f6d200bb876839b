//! The mobile carrier of each SMS contact: what a receiver's capacity is keyed on when
//! the contact is a phone number, which has no domain. A synthetic world draws each SMS
//! contact's carrier from the scenario's shares; an imported one reads the optional
//! `carrier` column of `sends.csv`. Email contacts, and numbers no file names a carrier
//! for, have none.

use crate::error::MessageError;

/// Each contact's carrier, by name, or none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Carriers {
    /// Carrier names, in order of first appearance (synthetic: the scenario's order).
    pub names: Vec<String>,
    /// Each contact's index into `names`, `NONE` for no carrier; may be shorter than
    /// the contact list (the rest have none).
    of_contact: Vec<u16>,
}

/// The index of a contact without a carrier.
const NONE: u16 = u16::MAX;

/// At most this many carriers, so an index fits with room for the "no carrier" mark.
pub const MAX_CARRIERS: usize = 4096;

impl Carriers {
    /// Carriers `names`, none assigned yet.
    pub fn with_names(names: Vec<String>) -> Carriers {
        Carriers {
            names,
            of_contact: Vec::new(),
        }
    }

    /// True when no contact has a carrier: capacity entries for carriers then match none.
    pub fn is_empty(&self) -> bool {
        self.of_contact.iter().all(|c| *c == NONE)
    }

    /// The carrier of `contact`, if it has one.
    pub fn of(&self, contact: u32) -> Option<&str> {
        let i = *self.of_contact.get(contact as usize)?;
        self.names.get(usize::from(i)).map(String::as_str)
    }

    /// Gives `contact` the carrier at `index` of [`Carriers::names`].
    pub fn assign_index(&mut self, contact: u32, index: u16) {
        let c = contact as usize;
        if self.of_contact.len() <= c {
            self.of_contact.resize(c + 1, NONE);
        }
        self.of_contact[c] = index;
    }

    /// Gives `contact` the carrier called `name`, adding the name on first sight. An
    /// error when the contact already has another carrier, or when there are too many.
    pub fn assign(&mut self, contact: u32, name: &str) -> Result<(), MessageError> {
        let index = match self.names.iter().position(|n| n == name) {
            Some(i) => i,
            None if self.names.len() < MAX_CARRIERS => {
                self.names.push(name.to_string());
                self.names.len() - 1
            }
            None => return Err(format!("at most {MAX_CARRIERS} carriers are supported").into()),
        };
        match self.of(contact) {
            Some(old) if old != name => Err(format!(
                "the contact already has carrier {old:?}; a number has one carrier"
            )
            .into()),
            _ => {
                self.assign_index(contact, index as u16);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_keep_the_carrier_they_were_given_and_only_that_one() {
        let mut c = Carriers::default();
        assert!(c.is_empty());
        c.assign(3, "verizon").unwrap();
        c.assign(3, "verizon").unwrap();
        c.assign(1, "att").unwrap();
        assert_eq!(
            (c.of(3), c.of(1), c.of(0), c.of(9)),
            (Some("verizon"), Some("att"), None, None)
        );
        assert!(
            c.assign(3, "att")
                .unwrap_err()
                .to_string()
                .contains("\"verizon\"")
        );
        assert!(!c.is_empty());
    }
}
