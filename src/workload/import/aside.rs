//! Reading `failures.csv` on another thread while `sends.csv` is read, with the contact
//! ids that reading it afterwards gives.
//!
//! Read second, `failures.csv` gives new ids to the contacts `sends.csv` did not name,
//! in order of first appearance. Read aside, it fills a name table of its own, whose
//! names are then looked up in the sends' table in that table's order (its own order of
//! first appearance): the same ids. An error in `sends.csv` is still the one reported
//! when both files have one, as when the files are read one after the other.

use std::fs::File;
use std::path::PathBuf;

use super::sends::{self, Tables};
use super::windows::Sizes;
use super::{ImportError, Interner, Source, read_failures};
use crate::rules::errors::ErrorTable;
use crate::workload::names::PackedNames;
use crate::workload::{ContactId, SendRecord, Window};

/// What the two files give: the sends and their ids, and the failure windows.
type Both = ((Vec<SendRecord>, PackedNames), Vec<(ContactId, Window)>);

/// Reads `sends` on this thread (in `windows` when given) and `failures` on another
/// of the current pool, and numbers the failures' contacts after the sends'.
pub(super) fn read_both(
    sends: Source<'_>,
    tables: Tables<'_>,
    windows: Option<Sizes>,
    (path, file): (PathBuf, File),
    errors: &mut ErrorTable,
) -> Result<Both, ImportError> {
    let Tables {
        contacts,
        deliveries,
        carriers,
    } = tables;
    let mut own = Interner::default();
    let mut failed = Ok(Vec::new());
    let sent = rayon::in_place_scope(|scope| {
        let (own, failed) = (&mut own, &mut failed);
        // A file is `Send`, unlike a `Source`'s reader: the source is made on the thread
        // that reads it.
        scope.spawn(move |_| *failed = read_failures(Source::new(path, file), own, errors));
        let tables = Tables {
            contacts: &mut *contacts,
            deliveries,
            carriers,
        };
        sends::read_sends(sends, tables, windows)
    });
    let sent = sent?;
    let mut windows = failed?;
    let ids: Vec<ContactId> = own.names.iter().map(|name| contacts.id(name)).collect();
    for (contact, _) in &mut windows {
        *contact = ids[*contact as usize];
    }
    Ok((sent, windows))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use proptest::prelude::*;

    use super::super::{Failures, import_with};
    use super::*;

    /// The import of `sends` and `failures` texts, with the failures read after the
    /// sends or aside, as text (the workload, whose failure windows hold their codes'
    /// classes, or the error).
    fn outcome(sends: &str, path: &std::path::Path, aside: bool, windows: Option<Sizes>) -> String {
        let path = path.to_path_buf();
        let file = File::open(&path).unwrap();
        let failures = if aside {
            Failures::Aside(path, file)
        } else {
            Failures::After(Source::new(path, file))
        };
        let mut errors = ErrorTable::new(&[], None);
        let sends = Source::new("sends.csv", sends.as_bytes());
        let read = import_with(sends, failures, None, &mut errors, windows);
        format!("{read:?}")
    }

    proptest! {
        /// Contacts named only by failures get the ids reading them second gives, and
        /// an error in either file is reported as then (the sends' first).
        #[test]
        fn failures_read_aside_number_contacts_as_read_after(
            sent in prop::collection::vec((0u8..30, any::<bool>()), 0..30),
            failed in prop::collection::vec((0u8..40, 0u8..12), 0..30),
        ) {
            let mut sends = String::from("message_id,contact,created_at,delivery_id,channel,message_type\n");
            for (m, (c, bad)) in sent.iter().enumerate() {
                let time = if *bad && c % 7 == 0 { "never" } else { "2026-01-05T10:00:00Z" };
                sends.push_str(&format!("m{m},c{c},{time},d,email,marketing\n"));
            }
            let mut failures = String::from("contact,error_code,start,end\n");
            for (c, shape) in &failed {
                failures.push_str(&match shape {
                    0 => format!("c{c},4.2.2,2026-01-05T10:00:00Z,2026-01-04T10:00:00Z\n"),
                    1 => format!("c{c},5.1.1,soon,\n"),
                    2 => ",5.1.1,2026-01-05T10:00:00Z,\n".to_string(),
                    3..=6 => format!("x{c},4.4.1,2026-01-05T10:00:00Z,2026-01-06T10:00:00Z\n"),
                    _ => format!("c{c},5.1.1,2026-01-05T10:00:00Z,\n"),
                });
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("failures.csv");
            File::create(&path).unwrap().write_all(failures.as_bytes()).unwrap();
            let after = outcome(&sends, &path, false, None);
            prop_assert_eq!(&outcome(&sends, &path, true, None), &after);
            let small = Some(Sizes { window: 100, piece: 30 });
            prop_assert_eq!(&outcome(&sends, &path, true, small), &after);
        }
    }
}
