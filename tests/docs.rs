//! The command transcripts of the documentation, run and compared with what the commands
//! print now, so that the numbers quoted in README.md stay true.
//!
//! When a change moves the numbers (new rules, a new classification), refresh every
//! transcript with one command and review the diff:
//!
//! ```sh
//! TRYCMD=overwrite cargo test --test docs
//! ```
//!
//! The runs write into `output/` beside README.md (ignored by git), as a reader's would.

#[test]
fn readme_transcripts_match_what_the_commands_print() {
    trycmd::TestCases::new()
        .register_bin("retrysim", trycmd::cargo::cargo_bin!("retrysim"))
        .case("README.md");
}
