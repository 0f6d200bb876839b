//! A validation warning: a setting that is allowed but risky. It keeps the key, the
//! value and the message apart so that callers (the sweep groups one warning over many
//! points) never have to parse the printed text back.

use std::fmt;

/// An accepted but risky setting, found while validating a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The dotted key, e.g. `policy.soft_bounce_threshold`.
    pub key: String,
    /// The value as written in the scenario.
    pub value: String,
    /// Why the value is risky, read after `key = value`.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {} {}", self.key, self.value, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::Warning;

    #[test]
    fn a_warning_prints_as_key_equals_value_then_its_message() {
        let w = Warning {
            key: "policy.soft_bounce_threshold".into(),
            value: "15".into(),
            message: "is above 10: risky".into(),
        };
        assert_eq!(
            w.to_string(),
            "policy.soft_bounce_threshold = 15 is above 10: risky"
        );
    }
}
