//! The sending program: calendar campaigns to a random share of a channel's contacts, and
//! Poisson streams of transactional messages to random contacts.

use rand::RngExt;
use rand_distr::{Distribution, Exp};

use super::Frame;
use super::config::SyntheticSpec;
use super::population::People;
use crate::random::{Purpose, stream};
use crate::time::{Instant, Span};
use crate::workload::{Channel, ContactId, Send};

/// The generated sends, sorted by creation time, and the delivery names.
#[derive(Debug, Clone)]
pub struct Program {
    /// Sends in time order (ties in generation order).
    pub sends: Vec<Send>,
    /// Delivery names by delivery id.
    pub deliveries: Vec<String>,
}

/// Stream ids of transactional streams sit above those of campaign occurrences.
const STREAM_IDS: u64 = 1 << 63;

/// Draws the whole program.
pub fn draw(spec: &SyntheticSpec, frame: Frame, people: &People) -> Program {
    let by_channel = |ch: Channel| -> Vec<ContactId> {
        (0..people.len() as ContactId)
            .filter(|&c| people.contacts[c as usize].channel == ch)
            .collect()
    };
    let audiences = [by_channel(Channel::Email), by_channel(Channel::Sms)];
    let mut sends = Vec::new();
    let mut deliveries = Vec::new();
    for (k, c) in spec.campaigns.iter().enumerate() {
        let members = &audiences[c.channel as usize];
        let mut at = frame.zone.next_local_time(frame.start, c.at);
        let mut n = 0u64;
        while at < frame.end {
            let delivery = deliveries.len() as u32;
            deliveries.push(format!("{}-{}", c.name, n + 1));
            let mut rng = stream(
                frame.seed,
                frame.replication,
                Purpose::Sends,
                ((k as u64) << 32) | n,
            );
            for &contact in members {
                if rng.random::<f64>() < c.audience {
                    let offset = (rng.random::<f64>() * c.spread.as_secs_f64()) as i64;
                    let created = at.plus(Span(offset));
                    if created < frame.end {
                        sends.push(Send {
                            created,
                            contact,
                            delivery,
                            channel: c.channel,
                            kind: c.kind,
                        });
                    }
                }
            }
            at = frame.zone.add_wall_clock(at, c.every);
            n += 1;
        }
    }
    for (k, s) in spec.streams.iter().enumerate() {
        let members = &audiences[s.channel as usize];
        if s.rate <= 0.0 || members.is_empty() {
            continue;
        }
        let mut rng = stream(
            frame.seed,
            frame.replication,
            Purpose::Sends,
            STREAM_IDS | k as u64,
        );
        let gaps = Exp::new(s.rate).expect("positive rate");
        let first_day = deliveries.len() as u32;
        let days = (frame.end.since(frame.start).0 + 86_399) / 86_400;
        deliveries.extend((1..=days).map(|d| format!("{}-day{d}", s.name)));
        let mut t = frame.start.0 as f64;
        loop {
            t += gaps.sample(&mut rng);
            if t >= frame.end.0 as f64 {
                break;
            }
            let created = Instant(t as i64);
            let contact = members[rng.random_range(0..members.len())];
            let day = (created.since(frame.start).0 / 86_400) as u32;
            sends.push(Send {
                created,
                contact,
                delivery: first_day + day,
                channel: s.channel,
                kind: s.kind,
            });
        }
    }
    sends.sort_by_key(|s| s.created);
    Program { sends, deliveries }
}
