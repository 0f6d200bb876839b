//! The calibrated scenario as TOML text: each fitted key preceded by a comment with its
//! 95% interval and what it rests on, and each key the log cannot identify named in a
//! comment, keeping its default.

use std::fmt::Write as _;
use std::path::Path;

use super::Fit;
use super::episodes::EpisodeFit;
use super::mix::{Fitted, Mix};
use super::outages::Outages;
use super::stats::Share;
use crate::time::Instant;

/// Domains below this share of the email contacts are pooled, so a log with thousands
/// of small domains gives a readable list.
const POOL_BELOW: f64 = 0.01;
/// The pooled domains' name (`.invalid` is reserved, so it is never a real provider).
const POOLED: &str = "others.invalid";

/// The scenario text: fitted values as keys, their intervals and samples as comments.
pub fn scenario_text(fit: &Fit, source: &Path) -> String {
    let mut s = String::new();
    let total: u64 = fit.channels.values().map(|c| c.contacts).sum();
    let sms = fit.channels.get("sms").map_or(0, |c| c.contacts);
    let _ = writeln!(
        s,
        "# Calibrated by `retrysim calibrate` from {}.\n\
         # Each fitted key follows a comment with its 95% interval and sample; keys the\n\
         # log cannot identify keep their defaults and say why (docs/IMPORT.md).",
        source.display()
    );
    let _ = writeln!(
        s,
        "name = \"calibrated\"\nstart = \"{}\"\nhorizon = \"{}d\"\n",
        fit.start, fit.days
    );
    let _ = writeln!(s, "[workload]\nkind = \"synthetic\"\ncontacts = {total}");
    share(
        &mut s,
        "sms_share",
        Share { k: sms, n: total },
        "contacts are phone numbers",
    );
    domains(&mut s, &fit.outages);
    for (name, c) in &fit.channels {
        channel(&mut s, name, c);
    }
    s
}

fn share(s: &mut String, key: &str, sh: Share, what: &str) {
    let (lo, hi) = sh.interval();
    let _ = writeln!(
        s,
        "# {key}: {:.4} (95% interval {lo:.4}..{hi:.4}); {} of {} {what}\n{key} = {:.6}",
        sh.estimate(),
        sh.k,
        sh.n,
        sh.estimate()
    );
}

fn value(s: &mut String, key: &str, f: &Fitted) {
    let _ = writeln!(
        s,
        "# {key}: {:.4} (95% interval {:.4}..{:.4}); {}\n{key} = {:.6}",
        f.value, f.lo, f.hi, f.basis, f.value
    );
}

fn kept(s: &mut String, key: &str, why: &str) {
    let _ = writeln!(s, "# {key}: not identified ({why}); the default is kept");
}

fn domains(s: &mut String, o: &Outages) {
    let n: u64 = o.domains.values().sum();
    if n == 0 {
        return;
    }
    let listed = |d: &str| {
        o.domains[d] as f64 >= POOL_BELOW * n as f64 || o.found.iter().any(|x| x.domain == d)
    };
    let pooled: u64 = o
        .domains
        .iter()
        .filter(|(d, _)| !listed(d))
        .map(|(_, k)| k)
        .sum();
    let _ = writeln!(
        s,
        "# domains: {} seen among {n} email contacts; those under {}% are pooled as {POOLED}",
        o.domains.len(),
        POOL_BELOW * 100.0
    );
    for (d, &k) in o.domains.iter().filter(|(d, _)| listed(d)) {
        let _ = writeln!(
            s,
            "[[workload.domains]]\nname = \"{d}\"\nshare = {:.6}",
            k as f64 / n as f64
        );
    }
    if pooled > 0 {
        let _ = writeln!(
            s,
            "[[workload.domains]]\nname = \"{POOLED}\"\nshare = {:.6}",
            pooled as f64 / n as f64
        );
    }
    let (rate, lo, hi) = o.rate;
    let _ = writeln!(
        s,
        "# outages: {} found; {rate:.5} per domain and day (95% interval {lo:.5}..{hi:.5}), \
         an hour with at least 80% of 5 or more attempts failing counts",
        o.found.len()
    );
    for x in &o.found {
        let _ = writeln!(
            s,
            "[[workload.outages]]\n# {} failed attempts\ndomain = \"{}\"\nstart = \"{}\"\nend = \"{}\"\ncode = \"{}\"",
            x.failures,
            x.domain,
            Instant(x.start),
            Instant(x.end),
            x.code
        );
    }
}

fn channel(s: &mut String, name: &str, c: &Mix) {
    let _ = writeln!(s, "\n[workload.{name}]\n# {} contacts observed", c.contacts);
    value(s, "healthy", &c.healthy);
    match &c.flaky {
        Some(f) => value(s, "flaky", f),
        None => kept(
            s,
            "flaky",
            "no run of persistent failures ended in a delivery",
        ),
    }
    value(s, "dead", &c.dead);
    value(s, "invalid", &c.invalid);
    value(s, "opt_out", &c.opt_out);
    match &c.episodes {
        Some(e) => {
            let (m, lo, hi) = e.mu;
            let _ = writeln!(
                s,
                "# flaky_duration_median: {:.0}s (95% interval {:.0}s..{:.0}s); lognormal fit to {} runs that ended, each conditioned on ending within the old policy's watch ({}); {} runs that never ended are left out (dead or long, a log cannot tell)\nflaky_duration_median = \"{:.0}s\"",
                m.exp(),
                lo.exp(),
                hi.exp(),
                e.ended,
                watch(e.watch),
                e.unended,
                m.exp()
            );
            sigma(s, e);
        }
        None => kept(s, "flaky_duration_median", "no episode ended in a delivery"),
    }
    kept(
        s,
        "flaky_gap_median",
        "a log shows how often episodes are met, which the flaky share and the gap explain together",
    );
    kept(
        s,
        "transient_per_day",
        "short deferrals are not told apart from outages and throttling",
    );
    kept(
        s,
        "transient_median",
        "a transient failure is seen only as one deferral followed by a delivery, like greylisting or a network error",
    );
    if let Some(g) = c.greylisting {
        share(
            s,
            "greylisting",
            g,
            "first attempts met greylisting (first attempts that met no other failure)",
        );
    }
    if let Some((lo, hi, k)) = c.greylisting_delay {
        let _ = writeln!(
            s,
            "# greylisting_delay: {hi}s (95% interval {lo}s..{hi}s); medians of {k} deferrals' last failure and next delivery, between which it lifted\ngreylisting_delay = \"{hi}s\""
        );
    }
}

/// The policy's watch as text.
fn watch(seconds: f64) -> String {
    if seconds.is_finite() {
        format!("{seconds:.0}s, the median a run was failed before the contact was given up on")
    } else {
        "no run was given up on, so only the log's end cut runs off".into()
    }
}

/// The spread: kept when its profile interval holds the default (then the comment says
/// so and no key is written), else fitted.
fn sigma(s: &mut String, e: &EpisodeFit) {
    let (v, lo, hi) = e.sigma;
    if e.sigma_kept {
        let _ = writeln!(
            s,
            "# sigma: {v:.4} (95% interval {lo:.4}..{hi:.4}); profile likelihood of the same {} runs, which holds the default, so the default is kept",
            e.ended
        );
    } else {
        let _ = writeln!(
            s,
            "# sigma: {v:.4} (95% interval {lo:.4}..{hi:.4}); profile likelihood of the same {} runs, which rejects the default; the world uses it for flaky gaps and transient lengths too, which the log does not show\nsigma = {v:.6}",
            e.ended
        );
    }
}
