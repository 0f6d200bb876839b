//! The sending program: calendar campaigns to a random share of a channel's contacts, and
//! Poisson streams of transactional messages to random contacts.

use rand::RngExt;
use rand_distr::{Distribution, Exp};
use rayon::prelude::*;

use super::Frame;
use super::population::People;
use super::spec::{CampaignSpec, StreamSpec, SyntheticSpec};
use crate::kinds::PerChannel;
use crate::random::{Purpose, stream};
use crate::time::{Instant, Span};
use crate::workload::{Channel, ContactId, SendRecord};

/// The generated sends, as drawn (one batch per campaign occurrence, then one per
/// transactional stream), and the delivery names.
///
/// The batches are not yet in time order: `order::by_creation` joins them, and
/// `synthetic::generate` runs that sort on one core while the failure model is built
/// from the same batches on the other.
#[derive(Debug, Clone)]
pub struct Program {
    /// Sends in generation order: batch by batch, each in drawing order.
    pub batches: Vec<Vec<SendRecord>>,
    /// Delivery names by delivery id.
    pub deliveries: Vec<String>,
}

impl Program {
    /// The number of sends in every batch.
    pub fn send_count(&self) -> usize {
        self.batches.iter().map(Vec::len).sum()
    }
}

/// Stream ids of transactional streams sit above those of campaign occurrences.
const STREAM_IDS: u64 = 1 << 63;

/// Draws the whole program. Each campaign occurrence and each stream has its own random
/// stream, so they are drawn in parallel and collected in a fixed order: the result does
/// not depend on the thread count.
pub fn draw(spec: &SyntheticSpec, frame: Frame, people: &People) -> Program {
    let by_channel = |ch: Channel| -> Vec<ContactId> {
        (0..people.len() as ContactId)
            .filter(|&c| people.contacts[c as usize].channel == ch)
            .collect()
    };
    let audiences = PerChannel::new(by_channel(Channel::Email), by_channel(Channel::Sms));
    let mut deliveries = Vec::new();
    let occurrences = occurrences(spec, frame, &mut deliveries);
    let streams = stream_days(spec, frame, &audiences, &mut deliveries);
    let mut batches: Vec<Vec<SendRecord>> = occurrences
        .par_iter()
        .map(|o| occurrence_sends(o, frame, &audiences[o.campaign.channel]))
        .collect();
    batches.par_extend(
        streams
            .par_iter()
            .map(|s| stream_sends(s, frame, &audiences[s.stream.channel])),
    );
    Program {
        batches,
        deliveries,
    }
}

/// One occurrence of a campaign: its delivery and the stream it draws from.
struct Occurrence<'a> {
    campaign: &'a CampaignSpec,
    at: Instant,
    delivery: u32,
    stream_id: u64,
}

/// Every occurrence of every campaign inside the run, naming their deliveries.
fn occurrences<'a>(
    spec: &'a SyntheticSpec,
    frame: Frame,
    deliveries: &mut Vec<String>,
) -> Vec<Occurrence<'a>> {
    let mut out = Vec::new();
    for (k, campaign) in spec.campaigns.iter().enumerate() {
        let mut at = frame.zone.next_local_time(frame.start, campaign.at);
        let mut n = 0u64;
        while at < frame.end {
            let delivery = deliveries.len() as u32;
            deliveries.push(format!("{}-{}", campaign.name, n + 1));
            out.push(Occurrence {
                campaign,
                at,
                delivery,
                stream_id: ((k as u64) << 32) | n,
            });
            at = frame.zone.add_wall_clock(at, campaign.every);
            n += 1;
        }
    }
    out
}

/// A random `audience` share of the members, spread uniformly over the campaign's spread.
fn occurrence_sends(o: &Occurrence<'_>, frame: Frame, members: &[ContactId]) -> Vec<SendRecord> {
    let c = o.campaign;
    let mut rng = stream(frame.seed, frame.replication, Purpose::Sends, o.stream_id);
    let mut sends = Vec::with_capacity((members.len() as f64 * c.audience * 1.05) as usize + 16);
    for &contact in members {
        if rng.random::<f64>() < c.audience {
            let offset = (rng.random::<f64>() * c.spread.as_secs_f64()) as i64;
            let created = o.at.plus(Span(offset));
            if created < frame.end {
                // In range: `generate` checked the frame, and `created` lies inside it.
                sends.push(SendRecord::in_checked_range(
                    created, contact, o.delivery, c.channel, c.kind,
                ));
            }
        }
    }
    sends
}

/// A transactional stream with the id of its first daily delivery.
struct StreamDays<'a> {
    stream: &'a StreamSpec,
    index: usize,
    first_day: u32,
}

/// The streams that send anything, naming one delivery per day for each.
fn stream_days<'a>(
    spec: &'a SyntheticSpec,
    frame: Frame,
    audiences: &PerChannel<Vec<ContactId>>,
    deliveries: &mut Vec<String>,
) -> Vec<StreamDays<'a>> {
    let days = (frame.end.since(frame.start).0 + 86_399) / 86_400;
    let mut out = Vec::new();
    for (index, stream) in spec.streams.iter().enumerate() {
        if stream.rate <= 0.0 || audiences[stream.channel].is_empty() {
            continue;
        }
        let first_day = deliveries.len() as u32;
        deliveries.extend((1..=days).map(|d| format!("{}-day{d}", stream.name)));
        out.push(StreamDays {
            stream,
            index,
            first_day,
        });
    }
    out
}

/// Poisson arrivals over the run, each to a uniformly chosen member.
fn stream_sends(s: &StreamDays<'_>, frame: Frame, members: &[ContactId]) -> Vec<SendRecord> {
    let mut rng = stream(
        frame.seed,
        frame.replication,
        Purpose::Sends,
        STREAM_IDS | s.index as u64,
    );
    let gaps = Exp::new(s.stream.rate).expect("positive rate");
    let mut sends = Vec::new();
    let mut t = frame.start.0 as f64;
    loop {
        t += gaps.sample(&mut rng);
        if t >= frame.end.0 as f64 {
            return sends;
        }
        let created = Instant(t as i64);
        let contact = members[rng.random_range(0..members.len())];
        let day = (created.since(frame.start).0 / 86_400) as u32;
        let (channel, kind) = (s.stream.channel, s.stream.kind);
        // In range: `generate` checked the frame, and `created` lies inside it.
        let delivery = s.first_day + day;
        sends.push(SendRecord::in_checked_range(
            created, contact, delivery, channel, kind,
        ));
    }
}
