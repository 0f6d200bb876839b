//! The command transcripts of the documentation, run and compared with what the commands
//! print now, so that the numbers quoted in README.md and docs/ stay true.
//!
//! Only fences tagged `console` are run; commands run from the project root, so a doc
//! in `docs/` names files as `scenarios/default.toml`, like a reader at the root would.
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

#[test]
fn docs_transcripts_match_what_the_commands_print() {
    trycmd::TestCases::new()
        .register_bin("retrysim", trycmd::cargo::cargo_bin!("retrysim"))
        .case("docs/*.md");
}
