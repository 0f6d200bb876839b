//! Synthetic workloads: a contact list with latent types and a sending program, drawn
//! from seeded streams so that the same seed gives the same world under every policy.
//!
//! Each contact draws its channel, provider, latent type and whole failure timeline from
//! its own stream (seed, replication, `ContactWorld`, contact): the world never depends
//! on the policy, so every point of a sweep sees the same failures (common random
//! numbers). The sending program draws from `Sends` streams, one per campaign occurrence
//! and one per transactional stream. The result is an ordinary [`Workload`]: failure
//! windows and a send stream, exactly what `failures.csv` and `sends.csv` hold.

pub mod config;
mod order;
mod population;
mod program;
pub mod spec;
mod windows;

pub use spec::SyntheticSpec;

use crate::error::MessageError;
use crate::rules::errors::{ErrorCode, ErrorTable};
use crate::time::{Instant, Zone};
use crate::workload::{MAX_MESSAGES, Names, SendRecord, Workload};

/// The run a workload is generated for.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// Scenario seed.
    pub seed: u64,
    /// Replication: each one is a different world.
    pub replication: u32,
    /// First instant of the run.
    pub start: Instant,
    /// First instant after the run.
    pub end: Instant,
    /// Time zone of the campaign calendar.
    pub zone: Zone,
}

/// Generates the workload of one replication. Error codes are resolved in `errors`.
pub fn generate(
    spec: &SyntheticSpec,
    frame: Frame,
    errors: &mut ErrorTable,
) -> Result<Workload, MessageError> {
    // Every send is created inside the frame, so checking its two ends here lets the
    // program's loops build records without an error path.
    for (key, at) in [("start", frame.start), ("start + horizon", frame.end)] {
        SendRecord::check_time(at).map_err(|e| format!("{key}: {e}"))?;
    }
    let people = population::draw(spec, frame);
    let program = program::draw(spec, frame, &people);
    let count = program.send_count();
    if count > MAX_MESSAGES {
        return Err(format!(
            "workload: the sending program makes {count} messages; at most {MAX_MESSAGES} are supported"
        )
        .into());
    }
    // The sort of the send stream and the rest of the world (failure model, names,
    // carriers) read nothing of each other, and each is a serial pass, so they run on
    // two cores (one after the other with one thread). Dropping the contacts' timelines
    // (a million small vectors) is part of the second job too.
    let (sends, rest) = order::by_creation_beside(
        program.batches,
        move |batches| (windows::first_sends(&people, batches), people),
        |(first, people)| -> Result<_, MessageError> {
            let failures = windows::model(spec, &people, &first, errors)?;
            let names = people.names(spec);
            let carriers = people.carriers(spec, frame);
            drop(people);
            Ok((failures, names, carriers))
        },
    );
    let (failures, names, carriers) = rest?;
    Ok(Workload {
        messages: Names::Numbered {
            prefix: "m".into(),
            suffix: String::new(),
            count: sends.len(),
        },
        contacts: Names::Generated(names),
        deliveries: Names::Listed(program.deliveries),
        sends,
        failures,
        actions: Vec::new(),
        notes: Vec::new(),
        carriers,
    })
}

/// Resolves a code named in the workload settings.
fn code(errors: &mut ErrorTable, key: &str, text: &str) -> Result<ErrorCode, MessageError> {
    errors
        .resolve(text)
        .map_err(|e| format!("{key}: {e}").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(start: Instant, end: Instant) -> Frame {
        Frame {
            seed: 1,
            replication: 0,
            start,
            end,
            zone: Zone::parse("UTC").expect("UTC"),
        }
    }

    #[test]
    fn a_frame_past_what_a_send_record_holds_is_an_error_not_a_wrap() {
        let mut table = toml::Table::new();
        table.insert("contacts".into(), toml::Value::Integer(10));
        let spec = SyntheticSpec::from_table(&table).expect("valid");
        let mut errors = ErrorTable::new(&[], None);
        let ok = generate(&spec, frame(Instant(0), Instant(86_400)), &mut errors);
        assert!(ok.is_ok(), "{:?}", ok.err());
        let e = generate(&spec, frame(Instant(0), Instant::NEVER), &mut errors)
            .expect_err("the end does not fit");
        assert!(e.message().starts_with("start + horizon: "), "{e}");
        assert!(e.message().contains("creation time"), "{e}");
    }

    #[test]
    fn generated_contact_names_are_the_formatted_ones() {
        let mut table = toml::Table::new();
        table.insert("contacts".into(), toml::Value::Integer(3_000));
        table.insert("sms_share".into(), toml::Value::Float(0.3));
        let spec = SyntheticSpec::from_table(&table).expect("valid");
        let people = population::draw(&spec, frame(Instant(0), Instant(86_400)));
        let names = Names::Generated(people.names(&spec));
        let (mut out, mut sms) = (String::new(), 0);
        for (id, c) in people.contacts.iter().enumerate() {
            let expected = match c.channel {
                crate::workload::Channel::Email => {
                    format!("c{id}@{}", spec.domains[c.domain as usize])
                }
                crate::workload::Channel::Sms => {
                    sms += 1;
                    format!("+1555{id:07}")
                }
            };
            assert_eq!(names.write(id as u32, &mut out), expected);
        }
        assert!(sms > 0 && sms < 3_000, "both channels are covered");
    }
}
