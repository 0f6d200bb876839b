//! The contact list: each contact's channel, provider, latent type and failure timeline,
//! drawn from its own random stream.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, LogNormal};
use rayon::prelude::*;

use super::Frame;
use super::spec::{ChannelModel, SyntheticSpec};
use crate::random::{IndexedDraws, Purpose, stream};
use crate::time::{Instant, Span};
use crate::workload::carriers::Carriers;
use crate::workload::names::GeneratedNames;
use crate::workload::{Channel, ContactId};

/// What a contact is, underneath what the platform sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Latent {
    /// Rare, short transient failures only.
    Healthy,
    /// Recurring episodes of hours to days.
    Flaky,
    /// Fails softly forever from some moment on.
    Dead,
    /// Hard-bounces from the start.
    Invalid,
    /// Opts out at some moment.
    OptOut,
}

const LATENTS: [Latent; 5] = [
    Latent::Healthy,
    Latent::Flaky,
    Latent::Dead,
    Latent::Invalid,
    Latent::OptOut,
];

/// Which code a window uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cause {
    Transient,
    Flaky,
    Dead,
    Invalid,
    OptOut,
}

/// One contact's draws.
#[derive(Debug, Clone)]
pub struct Contact {
    /// Email or SMS.
    pub channel: Channel,
    /// Index of its provider (email only).
    pub domain: u16,
    /// Its provider greylists first contact.
    pub greylisted: bool,
    /// Its failure timeline (start, end, cause), in drawing order.
    pub(super) windows: Vec<(Instant, Instant, Cause)>,
}

/// The whole list, in contact id order.
#[derive(Debug, Clone)]
pub struct People {
    /// Contacts by id.
    pub contacts: Vec<Contact>,
}

/// Draws every contact. Contacts are independent, so they are drawn in parallel and
/// collected in id order: the result does not depend on the thread count.
pub fn draw(spec: &SyntheticSpec, frame: Frame) -> People {
    let contacts = (0..spec.contacts)
        .into_par_iter()
        .map(|c| draw_contact(spec, frame, c))
        .collect();
    People { contacts }
}

fn pick(cdf: &[f64], u: f64) -> usize {
    cdf.iter().position(|&p| u < p).unwrap_or(cdf.len() - 1)
}

fn draw_contact(spec: &SyntheticSpec, frame: Frame, id: ContactId) -> Contact {
    let mut rng = stream(
        frame.seed,
        frame.replication,
        Purpose::ContactWorld,
        u64::from(id),
    );
    let channel = if rng.random::<f64>() < spec.sms_share {
        Channel::Sms
    } else {
        Channel::Email
    };
    let domain = pick(&spec.domain_cdf, rng.random::<f64>()) as u16;
    let model = spec.model(channel);
    let latent = LATENTS[pick(&model.mix, rng.random::<f64>())];
    let greylisted = rng.random::<f64>() < model.greylisting;
    let windows = timeline(model, latent, frame, &mut rng);
    Contact {
        channel,
        domain,
        greylisted,
        windows,
    }
}

/// The failure windows of one contact.
fn timeline(
    model: &ChannelModel,
    latent: Latent,
    frame: Frame,
    rng: &mut ChaCha8Rng,
) -> Vec<(Instant, Instant, Cause)> {
    let mut out = Vec::new();
    let (start, end) = (frame.start, frame.end);
    if model.transient_rate > 0.0 {
        let gaps = Exp::new(model.transient_rate).expect("positive rate");
        let lengths = LogNormal::new(model.transient_mu, model.sigma).expect("valid lognormal");
        let mut t = start.0 as f64;
        loop {
            t += gaps.sample(rng);
            if t >= end.0 as f64 {
                break;
            }
            let from = Instant(t as i64);
            out.push((
                from,
                from.plus(Span(lengths.sample(rng).ceil() as i64)),
                Cause::Transient,
            ));
        }
    }
    let horizon = end.since(start).0 as f64;
    match latent {
        Latent::Healthy => {}
        Latent::Flaky => {
            let gaps = LogNormal::new(model.gap_mu, model.sigma).expect("valid lognormal");
            let lengths = LogNormal::new(model.episode_mu, model.sigma).expect("valid lognormal");
            // Start one median gap early so the first episode can already be running.
            let mut t = start.0 as f64 - rng.random::<f64>() * model.gap_mu.exp();
            loop {
                t += gaps.sample(rng);
                if t >= end.0 as f64 {
                    break;
                }
                let from = Instant(t as i64);
                let length = lengths.sample(rng).ceil() as i64;
                out.push((from, from.plus(Span(length)), Cause::Flaky));
                t += length as f64;
            }
        }
        Latent::Dead => {
            // Died some time in the horizon before the run or during it.
            let at = start.0 as f64 - horizon + rng.random::<f64>() * 2.0 * horizon;
            out.push((Instant(at as i64), Instant::NEVER, Cause::Dead));
        }
        Latent::Invalid => out.push((start.plus(Span(-86_400)), Instant::NEVER, Cause::Invalid)),
        Latent::OptOut => {
            let at = start.0 as f64 + rng.random::<f64>() * horizon;
            out.push((Instant(at as i64), Instant::NEVER, Cause::OptOut));
        }
    }
    out
}

#[allow(clippy::len_without_is_empty)]
impl People {
    /// Number of contacts.
    pub fn len(&self) -> usize {
        self.contacts.len()
    }

    /// Each SMS contact's carrier, drawn from the spec's shares by its own indexed
    /// draw (seed, replication, `Carrier`, contact), so that no other draw of the world
    /// moves. Email contacts have none.
    pub fn carriers(&self, spec: &SyntheticSpec, frame: Frame) -> Carriers {
        let mut draws = IndexedDraws::new(frame.seed, frame.replication, Purpose::Carrier);
        let mut carriers = Carriers::with_names(spec.carriers.clone());
        for (id, c) in self.contacts.iter().enumerate() {
            if c.channel == Channel::Sms {
                let index = pick(&spec.carrier_cdf, draws.unit(id as u64, 0));
                carriers.assign_index(id as u32, index as u16);
            }
        }
        carriers
    }

    /// Contact names: `c<id>@<domain>` for email, a fictional `+1555…` number for SMS.
    ///
    /// Written on demand from 4 bytes per contact (channel and domain) rather than stored
    /// as text: about 30 MB less at a million contacts, held through the whole run.
    pub fn names(&self, spec: &SyntheticSpec) -> GeneratedNames {
        let mut names = GeneratedNames::new(spec.domains.clone());
        names.reserve(self.contacts.len());
        for c in &self.contacts {
            match c.channel {
                Channel::Email => names.push_email(c.domain),
                Channel::Sms => names.push_sms(),
            }
        }
        names
    }
}
