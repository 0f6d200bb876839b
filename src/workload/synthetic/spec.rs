//! A validated synthetic workload: the `[workload]` keys of [`super::config`] checked
//! once, with messages that name the key and the allowed range, and turned into the
//! numbers the generator uses (normalised cumulative weights, rates per second, lognormal
//! parameters).

use super::config::{Campaign, Domain, Outage, Profile, RawSynthetic, Stream};
use crate::error::MessageError;
use crate::time::{Instant, Span, TimeOfDay};
use crate::workload::{Channel, MessageType};

/// A validated failure process of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelModel {
    /// Cumulative weights of healthy, flaky, dead, invalid, opt-out (normalised).
    pub mix: [f64; 5],
    /// Transient failures per second.
    pub transient_rate: f64,
    /// ln of the median transient length in seconds.
    pub transient_mu: f64,
    /// ln of the median flaky gap.
    pub gap_mu: f64,
    /// ln of the median flaky episode.
    pub episode_mu: f64,
    /// Lognormal sigma.
    pub sigma: f64,
    /// Share of greylisted contacts.
    pub greylisting: f64,
    /// Greylisting delay.
    pub greylisting_delay: Span,
    /// Codes: transient, greylisting, flaky, dead, invalid, opt-out.
    pub codes: Codes,
}

/// The error codes a channel's failures use.
#[derive(Debug, Clone, PartialEq)]
pub struct Codes {
    /// Short transient failures.
    pub transient: String,
    /// Greylisting.
    pub greylisting: String,
    /// Flaky episodes.
    pub flaky: String,
    /// Dead contacts.
    pub dead: String,
    /// Invalid contacts.
    pub invalid: String,
    /// Opt-outs.
    pub opt_out: String,
}

/// A validated calendar delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignSpec {
    /// Name.
    pub name: String,
    /// Channel.
    pub channel: Channel,
    /// Type.
    pub kind: MessageType,
    /// Period.
    pub every: Span,
    /// Local time of day.
    pub at: TimeOfDay,
    /// Audience share.
    pub audience: f64,
    /// Spread.
    pub spread: Span,
}

/// A validated transactional stream.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSpec {
    /// Name.
    pub name: String,
    /// Channel.
    pub channel: Channel,
    /// Type.
    pub kind: MessageType,
    /// Messages per second.
    pub rate: f64,
}

/// A validated outage.
#[derive(Debug, Clone, PartialEq)]
pub struct OutageSpec {
    /// Index into the domain list.
    pub domain: usize,
    /// Start.
    pub start: Instant,
    /// End.
    pub end: Instant,
    /// Code.
    pub code: String,
}

/// A validated synthetic workload.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticSpec {
    /// Contacts in the list.
    pub contacts: u32,
    /// Share of phone numbers.
    pub sms_share: f64,
    /// Email failure process.
    pub email: ChannelModel,
    /// SMS failure process.
    pub sms: ChannelModel,
    /// Domain names.
    pub domains: Vec<String>,
    /// Cumulative domain weights (normalised).
    pub domain_cdf: Vec<f64>,
    /// Mobile carrier names.
    pub carriers: Vec<String>,
    /// Cumulative carrier weights (normalised).
    pub carrier_cdf: Vec<f64>,
    /// Outages.
    pub outages: Vec<OutageSpec>,
    /// Calendar deliveries.
    pub campaigns: Vec<CampaignSpec>,
    /// Transactional streams.
    pub streams: Vec<StreamSpec>,
    /// The `[workload]` table with every default filled in, for `retrysim check`.
    pub resolved: toml::Table,
}

impl SyntheticSpec {
    /// Validates the `[workload]` table of a synthetic scenario.
    pub fn from_table(table: &toml::Table) -> Result<SyntheticSpec, MessageError> {
        let raw: RawSynthetic = toml::Value::Table(table.clone())
            .try_into()
            .map_err(|e: toml::de::Error| format!("workload: {}", e.message()))?;
        if !(1..=50_000_000).contains(&raw.contacts) {
            return Err(format!(
                "workload.contacts must be 1..=50000000, got {}",
                raw.contacts
            )
            .into());
        }
        check_share("workload.sms_share", raw.sms_share)?;
        if raw.domains.is_empty() {
            return Err("workload.domains must list at least one domain".into());
        }
        let domains: Vec<String> = raw.domains.iter().map(|d| d.name.clone()).collect();
        let domain_cdf = cumulative("workload.domains", raw.domains.iter().map(|d| d.share))?;
        let (carriers, carrier_cdf) = carriers(&raw.sms_carriers)?;
        let email = profile("workload.email", Profile::email(), &raw.email)?;
        let sms = profile("workload.sms", Profile::sms(), &raw.sms)?;
        Ok(SyntheticSpec {
            resolved: resolved_table(&raw, &email, &sms)?,
            contacts: raw.contacts as u32,
            sms_share: raw.sms_share,
            carriers,
            carrier_cdf,
            email: channel_model("workload.email", &email)?,
            sms: channel_model("workload.sms", &sms)?,
            outages: raw
                .outages
                .iter()
                .enumerate()
                .map(|(i, o)| outage(i, o, &domains))
                .collect::<Result<_, _>>()?,
            campaigns: raw
                .campaigns
                .iter()
                .enumerate()
                .map(|(i, c)| campaign(i, c))
                .collect::<Result<_, _>>()?,
            streams: raw
                .streams
                .iter()
                .enumerate()
                .map(|(i, s)| stream(i, s))
                .collect::<Result<_, _>>()?,
            domains,
            domain_cdf,
        })
    }

    /// The failure process of `channel`.
    pub fn model(&self, channel: Channel) -> &ChannelModel {
        match channel {
            Channel::Email => &self.email,
            Channel::Sms => &self.sms,
        }
    }
}

/// The raw table with both channel profiles complete: what the workload would read back
/// as, written out in full.
fn resolved_table(
    raw: &RawSynthetic,
    email: &Profile,
    sms: &Profile,
) -> Result<toml::Table, MessageError> {
    let table = |p: &Profile| toml::Table::try_from(p).map_err(|e| format!("workload: {e}"));
    let full = RawSynthetic {
        email: table(email)?,
        sms: table(sms)?,
        ..raw.clone()
    };
    toml::Table::try_from(full).map_err(|e| format!("workload: {e}").into())
}

/// A channel's defaults with the scenario's keys laid over them.
fn profile(key: &str, defaults: Profile, overlay: &toml::Table) -> Result<Profile, MessageError> {
    let mut table = toml::Table::try_from(defaults).map_err(|e| format!("{key}: {e}"))?;
    table.extend(overlay.iter().map(|(k, v)| (k.clone(), v.clone())));
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| format!("{key}: {}", e.message()).into())
}

/// The carriers' names (unique, not empty) and cumulative shares.
fn carriers(list: &[Domain]) -> Result<(Vec<String>, Vec<f64>), MessageError> {
    let key = "workload.sms_carriers";
    if list.is_empty() || list.len() > crate::workload::carriers::MAX_CARRIERS {
        return Err(format!(
            "{key} must list 1..={} carriers, got {}",
            crate::workload::carriers::MAX_CARRIERS,
            list.len()
        )
        .into());
    }
    let names: Vec<String> = list.iter().map(|c| c.name.clone()).collect();
    for (i, n) in names.iter().enumerate() {
        if n.is_empty() || names[..i].contains(n) {
            return Err(format!("{key}[{i}].name must be a new, non-empty name, got {n:?}").into());
        }
    }
    Ok((names, cumulative(key, list.iter().map(|c| c.share))?))
}

fn check_share(key: &str, x: f64) -> Result<(), MessageError> {
    if (0.0..=1.0).contains(&x) {
        Ok(())
    } else {
        Err(format!("{key} must be 0..=1, got {x}").into())
    }
}

fn cumulative(key: &str, weights: impl Iterator<Item = f64>) -> Result<Vec<f64>, MessageError> {
    let weights: Vec<f64> = weights.collect();
    if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
        return Err(format!("{key}: every share must be a number ≥ 0").into());
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return Err(format!("{key}: the shares must not all be 0").into());
    }
    let mut acc = 0.0;
    Ok(weights
        .iter()
        .map(|w| {
            acc += w / total;
            acc
        })
        .collect())
}

fn positive_span(key: &str, text: &str) -> Result<Span, MessageError> {
    let s = Span::parse(text).map_err(|e| format!("{key}: {e}"))?;
    if s <= Span::ZERO {
        Err(format!("{key} must be longer than 0s, got {s}").into())
    } else {
        Ok(s)
    }
}

fn channel_model(key: &str, p: &Profile) -> Result<ChannelModel, MessageError> {
    let mix = cumulative(
        key,
        [p.healthy, p.flaky, p.dead, p.invalid, p.opt_out].into_iter(),
    )?;
    if !(p.sigma.is_finite() && (0.0..=5.0).contains(&p.sigma)) {
        return Err(format!("{key}.sigma must be 0..=5, got {}", p.sigma).into());
    }
    if !(p.transient_per_day.is_finite() && (0.0..=100.0).contains(&p.transient_per_day)) {
        return Err(format!(
            "{key}.transient_per_day must be 0..=100, got {}",
            p.transient_per_day
        )
        .into());
    }
    check_share(&format!("{key}.greylisting"), p.greylisting)?;
    let ln =
        |k: &str, t: &str| positive_span(&format!("{key}.{k}"), t).map(|s| s.as_secs_f64().ln());
    Ok(ChannelModel {
        mix: [mix[0], mix[1], mix[2], mix[3], mix[4]],
        transient_rate: p.transient_per_day / 86_400.0,
        transient_mu: ln("transient_median", &p.transient_median)?,
        gap_mu: ln("flaky_gap_median", &p.flaky_gap_median)?,
        episode_mu: ln("flaky_duration_median", &p.flaky_duration_median)?,
        sigma: p.sigma,
        greylisting: p.greylisting,
        greylisting_delay: positive_span(
            &format!("{key}.greylisting_delay"),
            &p.greylisting_delay,
        )?,
        codes: Codes {
            transient: p.transient_code.clone(),
            greylisting: p.greylisting_code.clone(),
            flaky: p.flaky_code.clone(),
            dead: p.dead_code.clone(),
            invalid: p.invalid_code.clone(),
            opt_out: p.opt_out_code.clone(),
        },
    })
}

fn channel_and_type(
    key: &str,
    channel: &str,
    kind: &str,
) -> Result<(Channel, MessageType), MessageError> {
    let c = Channel::parse(channel)
        .ok_or_else(|| format!("{key}.channel must be email or sms, got {channel:?}"))?;
    let k = MessageType::parse(kind).ok_or_else(|| {
        format!("{key}.message_type must be marketing or transactional, got {kind:?}")
    })?;
    Ok((c, k))
}

fn campaign(i: usize, c: &Campaign) -> Result<CampaignSpec, MessageError> {
    let key = format!("workload.campaigns[{i}]");
    let (channel, kind) = channel_and_type(&key, &c.channel, &c.message_type)?;
    check_share(&format!("{key}.audience"), c.audience)?;
    let every = positive_span(&format!("{key}.every"), &c.every)?;
    if every < Span::hours(1) || every > Span::hours(24 * 365) {
        return Err(format!("{key}.every must be 1h..=365d, got {every}").into());
    }
    let spread = Span::parse(&c.spread).map_err(|e| format!("{key}.spread: {e}"))?;
    let at = TimeOfDay::parse(&c.at).map_err(|e| format!("{key}.at: {e}"))?;
    Ok(CampaignSpec {
        name: c.name.clone(),
        channel,
        kind,
        every,
        at,
        audience: c.audience,
        spread,
    })
}

fn stream(i: usize, s: &Stream) -> Result<StreamSpec, MessageError> {
    let key = format!("workload.streams[{i}]");
    let (channel, kind) = channel_and_type(&key, &s.channel, &s.message_type)?;
    if !(s.per_day.is_finite() && (0.0..=1e8).contains(&s.per_day)) {
        return Err(format!("{key}.per_day must be 0..=100000000, got {}", s.per_day).into());
    }
    Ok(StreamSpec {
        name: s.name.clone(),
        channel,
        kind,
        rate: s.per_day / 86_400.0,
    })
}

fn outage(i: usize, o: &Outage, domains: &[String]) -> Result<OutageSpec, MessageError> {
    let key = format!("workload.outages[{i}]");
    let domain = domains.iter().position(|d| *d == o.domain).ok_or_else(|| {
        format!(
            "{key}.domain must be one of workload.domains ({}), got {:?}",
            domains.join(", "),
            o.domain
        )
    })?;
    let start = Instant::parse_rfc3339(&o.start).map_err(|e| format!("{key}.start: {e}"))?;
    let end = Instant::parse_rfc3339(&o.end).map_err(|e| format!("{key}.end: {e}"))?;
    if end <= start {
        return Err(format!("{key}.end must be after its start").into());
    }
    Ok(OutageSpec {
        domain,
        start,
        end,
        code: o.code.clone(),
    })
}
