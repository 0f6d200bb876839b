//! The written CSV form of the names, error codes and notes a run's records mention,
//! decided once per run instead of once per row. Most tables hold only names that are
//! written exactly as they are (no comma, quote or line break to quote, no leading `=`,
//! `+`, `-` or `@` to neutralise): for those a row copies the name's bytes without
//! scanning them. Any other table takes the per-row path (`neutralise`, then quoting),
//! so the bytes are the same either way, which the tests check.

use std::borrow::Cow;

use super::neutralise;
use super::rows::{BlockOut, RowWriter, Short, needs_quotes, quote_into};
use crate::workload::Names;
use crate::workload::names::{EMAIL_PREFIX, Form, GeneratedNames, SMS_DIGITS, SMS_PREFIX};

/// Whether `text` is written as it is: neither neutralised nor quoted.
pub fn writes_as_is(text: &str) -> bool {
    !needs_quotes(text.as_bytes()) && matches!(neutralise(text), Cow::Borrowed(_))
}

/// Appends the written form of `text` (neutralised, then quoted as needed) to `out`.
pub fn encode_into(out: &mut Vec<u8>, text: &str) {
    quote_into(out, neutralise(text).as_bytes());
}

/// One table of names (contacts, messages or deliveries) being written.
#[derive(Debug)]
pub struct NameCells<'a> {
    names: &'a Names,
    /// Every name of the table is written as it is.
    as_is: bool,
    /// A numbered table's short prefix and suffix, when its names are written as is.
    affixes: Option<(Short<16>, Short<16>)>,
    /// A generated table's parts, when its names are written as is.
    generated: Option<GeneratedParts<'a>>,
    scratch: String,
}

/// The fixed parts of generated names, in the short form a row copies fastest.
#[derive(Debug, Clone)]
struct GeneratedParts<'a> {
    names: &'a GeneratedNames,
    sms: Short<16>,
    email: Short<16>,
    /// `@` and each domain, by domain index.
    domains: Vec<Short<48>>,
}

impl<'a> GeneratedParts<'a> {
    /// The parts of `names`, unless a domain is too long for the short form.
    fn of(names: &'a GeneratedNames) -> Option<GeneratedParts<'a>> {
        let domains = names
            .domains()
            .iter()
            .map(|d| Short::new(format!("@{d}").as_bytes()))
            .collect::<Option<Vec<_>>>()?;
        Some(GeneratedParts {
            names,
            sms: Short::new(SMS_PREFIX.as_bytes())?,
            email: Short::new(EMAIL_PREFIX.as_bytes())?,
            domains,
        })
    }

    /// Writes the name of `id`, byte for byte what `GeneratedNames::write` gives.
    fn write<W: BlockOut>(&self, w: &mut RowWriter<W>, id: u32) {
        match self.names.form(id) {
            Form::Sms => w.padded(&self.sms, u64::from(id), SMS_DIGITS),
            Form::Email(domain) => w.numbered(&self.email, u64::from(id), &self.domains[domain]),
        }
    }
}

impl<'a> NameCells<'a> {
    /// Checks the table once: every stored name, or a numbered table's prefix and suffix.
    pub fn new(names: &'a Names) -> NameCells<'a> {
        let as_is = match names {
            Names::Listed(v) => v.iter().all(|n| writes_as_is(n)),
            Names::Packed(p) => p.iter().all(writes_as_is),
            // A numbered name starts with its prefix, or with a digit when the prefix is
            // empty, so only a prefix starting with `=`, `+`, `-` or `@` could be
            // neutralised; the digits never need quotes.
            Names::Numbered { prefix, suffix, .. } => {
                !prefix.starts_with(['=', '+', '-', '@'])
                    && !needs_quotes(prefix.as_bytes())
                    && !needs_quotes(suffix.as_bytes())
            }
            // `c{id}@{domain}` starts with a letter and `+1555{id}` is a plain number,
            // which `neutralise` leaves alone: only a domain could need quotes.
            Names::Generated(g) => g.domains().iter().all(|d| !needs_quotes(d.as_bytes())),
        };
        let affixes = match names {
            Names::Numbered { prefix, suffix, .. } if as_is => {
                Short::new(prefix.as_bytes()).zip(Short::new(suffix.as_bytes()))
            }
            _ => None,
        };
        let generated = match names {
            Names::Generated(g) if as_is => GeneratedParts::of(g),
            _ => None,
        };
        NameCells {
            names,
            as_is,
            affixes,
            generated,
            scratch: String::new(),
        }
    }

    /// Writes the name of `id` as the next field of `w`.
    pub fn write<W: BlockOut>(&mut self, w: &mut RowWriter<W>, id: u32) {
        if let Some((prefix, suffix)) = &self.affixes {
            // A numbered name is written straight into the row, not built first.
            w.numbered(prefix, u64::from(id), suffix);
            return;
        }
        if let Some(parts) = &self.generated {
            // Nor is a generated one.
            parts.write(w, id);
            return;
        }
        let name = self.names.name(id, &mut self.scratch);
        if self.as_is {
            w.bytes(name.as_bytes());
        } else {
            w.text(&neutralise(name));
        }
    }
}

/// The written forms of a small table's entries (error codes, operator notes), each
/// encoded the first time a row mentions it.
#[derive(Debug, Default)]
pub struct TableCells {
    bytes: Vec<u8>,
    /// Where entry `i`'s written form lies in `bytes`; `None` until it is first used.
    spans: Vec<Option<(usize, usize)>>,
}

impl TableCells {
    /// Writes entry `i`, whose text `text` gives, as the next field of `w`.
    pub fn write<'t, W: BlockOut>(
        &mut self,
        w: &mut RowWriter<W>,
        i: usize,
        text: impl FnOnce() -> &'t str,
    ) {
        if i >= self.spans.len() {
            self.spans.resize(i + 1, None);
        }
        let (start, end) = *self.spans[i].get_or_insert_with(|| {
            let start = self.bytes.len();
            encode_into(&mut self.bytes, text());
            (start, self.bytes.len())
        });
        w.bytes(&self.bytes[start..end]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::names::{GeneratedNames, PackedNames};
    use proptest::prelude::*;

    /// What the per-row path writes for `text` as one field.
    fn per_row(text: &str) -> Vec<u8> {
        let mut w = RowWriter::new(Vec::new());
        w.text(&neutralise(text));
        w.into_inner().unwrap()
    }

    fn tables(names: &[String]) -> Vec<Names> {
        let mut packed = PackedNames::default();
        for n in names {
            packed.push(n);
        }
        vec![Names::Listed(names.to_vec()), Names::Packed(packed)]
    }

    #[test]
    fn numbered_tables_are_as_is_unless_the_prefix_or_suffix_says_otherwise() {
        let numbered = |prefix: &str, suffix: &str| Names::Numbered {
            prefix: prefix.into(),
            suffix: suffix.into(),
            count: 3,
        };
        for (names, as_is) in [
            (numbered("m", ""), true),
            (numbered("", ""), true),
            (numbered("", "@x"), true),
            (numbered("-", ""), false),
            (numbered("+1", "x"), false),
            (numbered("=", ""), false),
            (numbered("m", ","), false),
            (numbered("a\"", ""), false),
        ] {
            assert_eq!(NameCells::new(&names).as_is, as_is, "{names:?}");
        }
    }

    #[test]
    fn generated_names_with_a_domain_too_long_for_the_short_form_are_written_whole() {
        let long = format!("{}.example", "d".repeat(60));
        let mut generated = GeneratedNames::new(vec!["x.io".into(), long.clone()]);
        generated.push_email(1);
        generated.push_sms();
        generated.push_email(0);
        let table = Names::Generated(generated);
        let mut cells = NameCells::new(&table);
        assert!(cells.as_is && cells.generated.is_none());
        let mut w = RowWriter::new(Vec::new());
        for id in 0..3 {
            cells.write(&mut w, id);
        }
        w.end_row().unwrap();
        let expected = format!("c0@{long},+15550000001,c2@x.io\n");
        assert_eq!(
            String::from_utf8(w.into_inner().unwrap()).unwrap(),
            expected
        );
    }

    proptest! {
        /// Every table's names, written through the cells, give the per-row bytes,
        /// whether the table is as-is or not (specials are rare in the alphabet, so
        /// both kinds are drawn).
        #[test]
        fn name_cells_write_what_the_per_row_path_writes(
            names in prop::collection::vec("[a-z0-9@.+]{0,6}|[=+@a\",\r\n-]{0,4}|[+-][0-9]{1,4}", 1..8),
            prefix in "[a-z=+,-]{0,2}",
            suffix in "[a-z,\"]{0,2}",
            domains in prop::collection::vec("[a-z.]{1,5}|[a-z,\"\n=]{1,3}", 1..3),
            sms in prop::collection::vec(any::<bool>(), 1..8),
        ) {
            let mut all = tables(&names);
            all.push(Names::Numbered { prefix, suffix, count: names.len() });
            let mut generated = GeneratedNames::new(domains.clone());
            for (i, &is_sms) in sms.iter().enumerate() {
                if is_sms {
                    generated.push_sms();
                } else {
                    generated.push_email((i % domains.len()) as u16);
                }
            }
            all.push(Names::Generated(generated));
            for table in &all {
                let mut cells = NameCells::new(table);
                let mut w = RowWriter::new(Vec::new());
                let mut expected = Vec::new();
                for id in 0..table.len() as u32 {
                    cells.write(&mut w, id);
                    w.end_row().unwrap();
                    expected.extend(per_row(&table.get(id)));
                    expected.push(b'\n');
                }
                prop_assert_eq!(w.into_inner().unwrap(), expected);
            }
        }

        #[test]
        fn table_cells_write_what_the_per_row_path_writes(
            texts in prop::collection::vec("[a-z0-9. =+@\",\r\n-]{0,6}", 1..6),
            picks in prop::collection::vec(0usize..6, 0..30),
        ) {
            let mut cells = TableCells::default();
            let mut w = RowWriter::new(Vec::new());
            let mut expected = Vec::new();
            for &i in picks.iter().filter(|&&i| i < texts.len()) {
                cells.write(&mut w, i, || texts[i].as_str());
                w.end_row().unwrap();
                expected.extend(per_row(&texts[i]));
                expected.push(b'\n');
            }
            prop_assert_eq!(w.into_inner().unwrap(), expected);
        }
    }
}
