//! A JSON array read without a heap block when it holds one element: SES names one
//! recipient in nearly every `destination`, `recipients` and `bouncedRecipients` array,
//! and a `Vec` each was two to three allocations per record, made on the parallel step
//! and freed on the ordered one.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};

/// The elements of a JSON array, in order: the first kept inline, the rest in a vector
/// that stays unallocated while it is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List<T> {
    first: Option<T>,
    rest: Vec<T>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List {
            first: None,
            rest: Vec::new(),
        }
    }
}

impl<T> List<T> {
    /// The elements in array order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.first.iter().chain(&self.rest)
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::iter::Chain<std::option::Iter<'a, T>, std::slice::Iter<'a, T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.first.iter().chain(&self.rest)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(ListVisitor(PhantomData))
    }
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = List<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
        let mut list = List {
            first: seq.next_element()?,
            rest: Vec::new(),
        };
        if list.first.is_some() {
            while let Some(next) = seq.next_element()? {
                list.rest.push(next);
            }
        }
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// A list reads any array as a vector does: the same elements in the same
        /// order, and the same error (text and position) for what is not an array of
        /// strings.
        #[test]
        fn a_list_reads_what_a_vector_reads(
            items in prop::collection::vec("[a-z\"\\\\é]{0,4}", 0..5),
            junk in prop::sample::select(vec!["", "]", ",", "1", "null", "{}"]),
        ) {
            let json = format!("{}{junk}", serde_json::to_string(&items).unwrap());
            let list: Result<List<Cow<str>>, _> = serde_json::from_str(&json);
            let vec: Result<Vec<Cow<str>>, _> = serde_json::from_str(&json);
            match (list, vec) {
                (Ok(list), Ok(vec)) => {
                    prop_assert_eq!(list.iter().collect::<Vec<_>>(), vec.iter().collect::<Vec<_>>());
                }
                (list, vec) => {
                    prop_assert_eq!(list.unwrap_err().to_string(), vec.unwrap_err().to_string());
                }
            }
        }
    }

    #[test]
    fn one_element_needs_no_heap_block() {
        let list: List<Cow<str>> = serde_json::from_str(r#"["u@x.example"]"#).unwrap();
        assert_eq!(list.rest.capacity(), 0);
        assert_eq!(list.iter().collect::<Vec<_>>(), ["u@x.example"]);
    }

    #[test]
    fn a_non_array_is_refused_as_a_vector_refuses_it() {
        let list = serde_json::from_str::<List<Cow<str>>>(r#""u@x.example""#).unwrap_err();
        let vec = serde_json::from_str::<Vec<Cow<str>>>(r#""u@x.example""#).unwrap_err();
        assert_eq!(list.to_string(), vec.to_string());
    }
}
