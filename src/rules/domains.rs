//! Per-domain policies: the `[policy.domains."gmail.com"]` tables, and which contacts
//! they apply to.
//!
//! Real MTAs configure retries per receiving domain (Postfix transport maps, KumoMTA's
//! per-domain queue configuration). A contact's domain is the text after the last `@`
//! of its name, compared without regard to ASCII case: synthetic email contacts are
//! named `c<id>@<domain>`, and an imported trace's `contact` column carries the address
//! itself. Domain tables apply to email messages only: SMS messages keep their channel's
//! settings whatever their contact's name.

use crate::rules::policy::Policy;

/// The settings for the contacts of one or more domains.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainPolicy {
    /// The table's name in `[policy.domains]`.
    pub label: String,
    /// The domains it applies to, lower case.
    pub names: Vec<String>,
    /// Settings for email messages to those domains.
    pub email: Policy,
}

/// The domain part of a contact's name, if it has one.
pub fn domain_of(contact: &str) -> Option<&str> {
    contact.rsplit_once('@').map(|(_, d)| d)
}

/// 1 + the index of the first domain policy naming `contact`'s domain, or 0 when none
/// does (or the contact has no domain). `sim` applies it to every contact of a run.
pub fn domain_slot(contact: &str, domains: &[DomainPolicy]) -> u16 {
    let Some(domain) = domain_of(contact) else {
        return 0;
    };
    domains
        .iter()
        .position(|d| d.names.iter().any(|n| n.eq_ignore_ascii_case(domain)))
        .map_or(0, |i| i as u16 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_is_what_follows_the_last_at_sign() {
        assert_eq!(domain_of("c1@gmail.com"), Some("gmail.com"));
        assert_eq!(domain_of("\"a@b\"@Example.org"), Some("Example.org"));
        assert_eq!(domain_of("+15550000001"), None);
    }
}
