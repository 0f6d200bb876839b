//! Reads `observations.csv` into one time-ordered history per contact, each observation
//! reduced to what calibration asks of it: was it a message's first attempt, and which
//! of the synthetic world's failure kinds does its code or reason stand for.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;

use crate::time::Instant;
use crate::workload::Channel;

/// What one observed attempt says, in the synthetic world's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Delivered.
    Delivered,
    /// A hard failure: the address is gone.
    Hard,
    /// An opt-out.
    OptOut,
    /// The failure of a flaky episode or of a dead mailbox (mailbox full; handset
    /// unreachable).
    Persistent,
    /// Greylisting.
    Greylist,
    /// Any other failure (network, throttling, outages, business errors).
    Other,
}

/// One observed attempt.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    /// When.
    pub at: i64,
    /// The first attempt of its message: its time is the sender's choice, not the
    /// retry policy's, so it samples the contact's state without the policy's bias.
    pub first: bool,
    /// What it says.
    pub kind: Kind,
    /// Index of its error code in [`Histories::codes`] (failures only).
    pub code: u32,
}

/// One contact's observations in time order.
#[derive(Debug, Clone)]
pub struct History {
    /// Email or SMS.
    pub channel: Channel,
    /// The address's domain (email), for outages.
    pub domain: Option<String>,
    /// Observations in time order.
    pub seen: Vec<Seen>,
}

/// Every contact's history and the log's extent.
#[derive(Debug, Clone)]
pub struct Histories {
    /// By contact name, so every later step iterates in a fixed order.
    pub contacts: BTreeMap<String, History>,
    /// Error codes, interned.
    pub codes: Vec<String>,
    /// The first and last observation.
    pub extent: (Instant, Instant),
}

/// The codes and reasons that name each kind of failure of one channel: the synthetic
/// world's own codes (so our exports read back exactly) and the reasons the reason
/// table gives them (so a real log's equivalent codes count too).
struct Words {
    persistent: [&'static str; 2],
    greylist: [&'static str; 2],
}

fn words(channel: Channel) -> Words {
    match channel {
        Channel::Email => Words {
            persistent: ["4.2.2", "mailbox_full"],
            greylist: ["4.7.1", "greylisted"],
        },
        Channel::Sms => Words {
            persistent: ["30003", "unreachable"],
            greylist: ["", "greylisted"],
        },
    }
}

fn kind(channel: Channel, outcome: &str, code: &str, class: &str, reason: &str) -> Kind {
    if outcome == "delivered" {
        return Kind::Delivered;
    }
    let w = words(channel);
    let is = |names: [&str; 2]| {
        names
            .iter()
            .any(|n| !n.is_empty() && (*n == code || *n == reason))
    };
    match class {
        "hard" => Kind::Hard,
        "opt_out" => Kind::OptOut,
        _ if is(w.persistent) => Kind::Persistent,
        _ if is(w.greylist) => Kind::Greylist,
        _ => Kind::Other,
    }
}

/// Reads `dir/observations.csv`.
pub fn read(dir: &Path) -> anyhow::Result<Histories> {
    let path = dir.join("observations.csv");
    let mut reader = csv::Reader::from_path(&path)
        .with_context(|| format!("could not read '{}'", path.display()))?;
    let header = reader.headers()?.clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{}: no {name} column", path.display()))
    };
    let cols = [
        col("message_id")?,
        col("contact")?,
        col("at")?,
        col("outcome")?,
        col("error_code")?,
        col("class")?,
        col("reason")?,
    ];
    let mut h = Histories {
        contacts: BTreeMap::new(),
        codes: Vec::new(),
        extent: (Instant::NEVER, Instant(i64::MIN)),
    };
    let mut code_ids: BTreeMap<String, u32> = BTreeMap::new();
    let mut messages_seen: std::collections::BTreeSet<String> = Default::default();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = rec.with_context(|| format!("{} line {line}", path.display()))?;
        let field = |k: usize| rec.get(cols[k]).unwrap_or("");
        let t = Instant::parse_rfc3339(field(2))
            .with_context(|| format!("{} line {line}, column at", path.display()))?;
        h.extent = (h.extent.0.min(t), h.extent.1.max(t));
        let name = field(1).trim_start_matches('\'');
        let channel = super::super::channel_of(name);
        let kind = kind(channel, field(3), field(4), field(5), field(6));
        let next = code_ids.len() as u32;
        let code = *code_ids.entry(field(4).to_string()).or_insert(next);
        // observations.csv is in time order, so a message's first row is its first attempt.
        let first = messages_seen.insert(field(0).to_string());
        let history = h
            .contacts
            .entry(name.to_string())
            .or_insert_with(|| History {
                channel,
                domain: name.split_once('@').map(|(_, d)| d.to_ascii_lowercase()),
                seen: Vec::new(),
            });
        history.seen.push(Seen {
            at: t.0,
            first,
            kind,
            code,
        });
    }
    anyhow::ensure!(
        !h.contacts.is_empty(),
        "{}: no observations",
        path.display()
    );
    h.codes = vec![String::new(); code_ids.len()];
    for (code, id) in code_ids {
        h.codes[id as usize] = code;
    }
    for history in h.contacts.values_mut() {
        history.seen.sort_by_key(|s| s.at);
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::synthetic::config::Profile;

    /// The default code of `channel`'s flaky episodes in the synthetic world.
    fn flaky_code(channel: Channel) -> String {
        match channel {
            Channel::Email => Profile::email().flaky_code,
            Channel::Sms => Profile::sms().flaky_code,
        }
    }

    #[test]
    fn the_synthetic_worlds_flaky_codes_read_as_persistent_failures() {
        for ch in [Channel::Email, Channel::Sms] {
            let code = flaky_code(ch);
            assert_eq!(kind(ch, "failed", &code, "soft", ""), Kind::Persistent);
        }
        assert_eq!(
            kind(Channel::Email, "failed", "4.7.1", "soft", ""),
            Kind::Greylist
        );
        assert_eq!(
            kind(Channel::Email, "failed", "5.1.1", "hard", "user_unknown"),
            Kind::Hard
        );
        assert_eq!(
            kind(Channel::Email, "failed", "4.4.1", "soft", "network"),
            Kind::Other
        );
    }
}
