//! The one way every output file is written: into a temporary file created exclusively
//! (`O_EXCL`) at an unpredictable name in the target's folder, synced to disk, then
//! renamed over the target on [`AtomicFile::commit`]. A file therefore appears only
//! complete, and a symlink planted in a shared results folder is never followed: the
//! temporary name cannot be guessed and the rename replaces the link itself. Dropped
//! uncommitted, the temporary file is removed.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use tempfile::NamedTempFile;

use super::file_hash::{ResultsHasher, results_hex};
use super::{digests, writeback};

/// The suffix of every temporary file, so that leftovers of a killed run can be found.
pub const TEMP_SUFFIX: &str = ".tmp";

/// How many bytes a file receives between two requests to start writing them to disk
/// ([`AtomicFile::start_writeback`]): a few requests per replication of a large trace,
/// each long enough for the disk to take in long runs. Smaller files are written to
/// disk only by the sync at commit, as before.
pub const WRITEBACK_STEP: u64 = 8 << 20;

/// A buffered file under a temporary name.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    writer: Option<BufWriter<NamedTempFile>>,
    /// The digest of the bytes written so far, for `results.toml` (see `digests` and
    /// `file_hash`); `None` for a file no `results.toml` lists.
    hash: Option<ResultsHasher>,
    len: u64,
    /// How many bytes from the start have been handed to [`writeback::start`].
    written_back: u64,
}

impl AtomicFile {
    /// Starts writing `target`.
    pub fn create(target: &Path) -> anyhow::Result<AtomicFile> {
        let temp = temp_in(target, "")?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            writer: Some(BufWriter::with_capacity(1 << 16, temp)),
            hash: Some(ResultsHasher::new()),
            len: 0,
            written_back: 0,
        })
    }

    /// Starts writing `target` without computing its digest: for files that no
    /// `results.toml` lists (an import's outputs), where hashing hundreds of megabytes
    /// was a twentieth of the import's time. Should a digest be asked for all the same,
    /// `digests` reads the file back.
    pub fn create_unhashed(target: &Path) -> anyhow::Result<AtomicFile> {
        let mut file = AtomicFile::create(target)?;
        file.hash = None;
        Ok(file)
    }

    /// Asks the kernel to start writing to disk the bytes it has received since the
    /// last call, without waiting (see `report::writeback`), so that the sync at
    /// [`AtomicFile::commit`] has only the rest to wait for. Writing calls it every
    /// [`WRITEBACK_STEP`] bytes; bytes still in this writer's buffer are left for later.
    pub fn start_writeback(&mut self) {
        let Some(writer) = &self.writer else {
            return;
        };
        let received = self.len - writer.buffer().len() as u64;
        if received > self.written_back {
            let file = writer.get_ref().as_file();
            writeback::start(file, self.written_back, received - self.written_back);
            self.written_back = received;
        }
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> anyhow::Result<PathBuf> {
        let writer = self.writer.take().expect("writer present until commit");
        let temp = writer
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("could not write '{}'", self.target.display()))?;
        persist(temp, &self.target)?;
        match self.hash.take() {
            Some(hash) => digests::remember(&self.target, self.len, results_hex(&hash)),
            None => digests::forget(&self.target),
        }
        Ok(self.target.clone())
    }
}

/// A temporary file beside `target`, named `.<target name>.<random>.tmp<extension>`, so
/// that a writer choosing its format from the extension (the PNG encoder) still can.
pub fn temp_in(target: &Path, extension: &str) -> anyhow::Result<NamedTempFile> {
    let folder = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (prefix, suffix) = (format!(".{name}."), format!("{TEMP_SUFFIX}{extension}"));
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(&suffix);
    // A temporary file is private (0600) by default; this one becomes a result file, so
    // it is created as `File::create` would create it: 0666 less the user's umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(folder).with_context(|| {
        format!(
            "could not create a temporary file for '{}'",
            target.display()
        )
    })
}

/// Syncs `temp` to disk and renames it over `target`.
pub fn persist(temp: NamedTempFile, target: &Path) -> anyhow::Result<()> {
    temp.as_file()
        .sync_all()
        .with_context(|| format!("could not write '{}'", target.display()))?;
    temp.persist(target)
        .map_err(|e| e.error)
        .with_context(|| format!("could not create '{}'", target.display()))?;
    Ok(())
}

/// Writes `bytes` as the whole of `target`.
pub fn write_bytes(target: &Path, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let mut file = AtomicFile::create(target)?;
    file.write_all(bytes)
        .with_context(|| format!("could not write '{}'", target.display()))?;
    file.commit()
}

/// Whether `name` is the temporary file of an output that a killed run left behind.
pub fn is_leftover(name: &str) -> bool {
    name.starts_with('.')
        && (name.ends_with(TEMP_SUFFIX) || name.contains(&format!("{TEMP_SUFFIX}.")))
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self
            .writer
            .as_mut()
            .expect("writer present until commit")
            .write(buf)?;
        // Only the bytes the writer accepted are in the file.
        if let Some(hash) = &mut self.hash {
            hash.update(&buf[..n]);
        }
        self.len += n as u64;
        if self.len - self.written_back >= WRITEBACK_STEP {
            self.start_writeback();
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer
            .as_mut()
            .expect("writer present until commit")
            .flush()
    }
}

/// Writes a whole file atomically with `fill`.
pub fn write_csv(
    target: &Path,
    fill: impl FnOnce(&mut csv::Writer<&mut AtomicFile>) -> anyhow::Result<()>,
) -> anyhow::Result<PathBuf> {
    let mut file = AtomicFile::create(target)?;
    {
        let mut w = csv::Writer::from_writer(&mut file);
        fill(&mut w).with_context(|| format!("could not write '{}'", target.display()))?;
        w.flush()
            .with_context(|| format!("could not write '{}'", target.display()))?;
    }
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"a,b\n").unwrap();
        assert!(!target.exists());
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "a,b\n");
    }

    #[test]
    fn the_digest_taken_while_writing_is_the_files_digest() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("big.csv");
        let mut f = AtomicFile::create(&target).unwrap();
        // More than the buffer's capacity, in uneven pieces.
        for k in 0..20_000u32 {
            writeln!(f, "{k},{}", "x".repeat((k % 97) as usize)).unwrap();
        }
        f.commit().unwrap();
        let read_back = crate::report::file_hash::FileHash::RESULTS
            .of_file(&target)
            .unwrap();
        assert_eq!(digests::recall(&target), Some(read_back));
    }

    #[test]
    fn writeback_requests_between_writes_change_neither_bytes_nor_digest() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("big.csv");
        let mut f = AtomicFile::create(&target).unwrap();
        let mut expected = Vec::new();
        for k in 0..3_000u32 {
            // Pieces smaller and larger than the buffer, so that a request sometimes
            // comes with bytes still buffered.
            let piece = vec![b'a' + (k % 26) as u8; (k as usize * 131) % 90_000];
            f.write_all(&piece).unwrap();
            expected.extend_from_slice(&piece);
            if k % 7 == 0 {
                f.start_writeback();
            }
        }
        f.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), expected);
        let read_back = crate::report::file_hash::FileHash::RESULTS
            .of_file(&target)
            .unwrap();
        assert_eq!(digests::recall(&target), Some(read_back));
    }

    #[cfg(unix)]
    #[test]
    fn a_committed_file_has_the_mode_of_a_plainly_created_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.csv");
        std::fs::File::create(&plain).unwrap();
        let target = dir.path().join("out.csv");
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"a\n").unwrap();
        f.commit().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // Under the usual umask (022) both are 0644; a temporary file's own mode is 0600.
        assert_eq!(mode(&target), mode(&plain));
    }

    #[test]
    fn an_abandoned_file_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        drop(AtomicFile::create(&target).unwrap());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_at_the_old_temporary_name_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let target = dir.path().join("report.html");
        for planted in [
            format!(".report.html.tmp-{}", std::process::id()),
            ".report.tmp".to_string(),
        ] {
            std::os::unix::fs::symlink(&victim, dir.path().join(planted)).unwrap();
        }
        write_bytes(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_target_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        let target = dir.path().join("summary.csv");
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        write_bytes(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(!target.symlink_metadata().unwrap().file_type().is_symlink());
    }

    #[test]
    fn leftovers_are_recognised_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let temp = temp_in(&dir.path().join("point-000001.csv"), "").unwrap();
        let name = temp
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(is_leftover(&name), "{name}");
        let png = temp_in(&dir.path().join("chart.png"), ".png").unwrap();
        let name = png
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(is_leftover(&name) && name.ends_with(".png"), "{name}");
        assert!(!is_leftover("point-000001.csv"));
    }
}
