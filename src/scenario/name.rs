//! The scenario's `name`, which becomes the default output folder `output/NAME/`: it
//! must be one plain path component, so that no name can send results elsewhere.

use crate::error::MessageError;

/// The longest name accepted, in bytes (well under every file system's component limit).
const MAX_LEN: usize = 100;

/// Checks that `name` is a single safe folder name: not empty, not `.` or `..`, no path
/// separator, no control character, not starting with `.` or `-`, at most
/// [`MAX_LEN`] bytes.
pub fn validate(name: &str) -> Result<(), MessageError> {
    let problem = if name.is_empty() {
        Some("is empty")
    } else if name.len() > MAX_LEN {
        Some("is longer than 100 bytes")
    } else if name.contains(['/', '\\']) {
        Some("contains a path separator")
    } else if name.chars().any(char::is_control) {
        Some("contains a control character")
    } else if name.starts_with(['.', '-']) {
        Some("starts with '.' or '-'")
    } else if name.contains(':') {
        Some("contains ':'")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(p) => Err(format!(
            "name {name:?} {p}; it names the output folder output/NAME/, so use letters, \
             digits, '-', '_' and '.' (not first)"
        )
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn names_that_would_leave_the_output_folder_are_refused() {
        for bad in [
            "../../x", "/tmp/x", "..", ".", "", "a/b", "a\\b", "a\0b", "-rf", "C:x",
        ] {
            assert!(validate(bad).is_err(), "{bad:?} accepted");
        }
        for good in ["default", "threshold-study", "sms_portal.v2", "étude"] {
            assert!(validate(good).is_ok(), "{good:?} refused");
        }
    }
}
