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

use std::sync::Once;

/// The result folders the transcripts write. A folder left by an older build (another
/// scenario fingerprint) would make a transcript's sweep refuse to resume, so each test
/// starts from none of them; the first test to start removes them, the other waits.
const TRANSCRIPT_OUTPUTS: [&str; 6] = [
    "output/default",
    "output/platforms",
    "output/docs",
    "output/walkthrough",
    "output/retry_storm_small",
    "output/retry_storm_small_run",
];

fn fresh_outputs() {
    static CLEAN: Once = Once::new();
    CLEAN.call_once(|| {
        for dir in TRANSCRIPT_OUTPUTS {
            match std::fs::remove_dir_all(dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => panic!("cannot remove {dir} before the transcripts: {e}"),
            }
        }
    });
}

#[test]
fn readme_transcripts_match_what_the_commands_print() {
    fresh_outputs();
    trycmd::TestCases::new()
        .register_bin("retrysim", trycmd::cargo::cargo_bin!("retrysim"))
        .case("README.md");
}

#[test]
fn docs_transcripts_match_what_the_commands_print() {
    fresh_outputs();
    trycmd::TestCases::new()
        .register_bin("retrysim", trycmd::cargo::cargo_bin!("retrysim"))
        .case("docs/*.md");
}
