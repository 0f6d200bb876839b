//! An [`AtomicFile`] written by a thread of its own: the caller fills blocks of rows
//! while the previous blocks are hashed (BLAKE3, for `results.toml`) and copied to the
//! page cache on the other core. Blocks travel in order through one channel to one
//! thread, so the file and its digest are those of a plain sequential write; only when
//! the work happens changes. A fixed handful of blocks circulates between the two, so
//! nothing is allocated per block and memory stays a few blocks.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use anyhow::Context;

use super::atomic::AtomicFile;
use super::rows::BlockOut;

/// How many filled blocks may wait for the writing thread: enough to ride out a slow
/// write, few enough that memory stays a few blocks.
const IN_FLIGHT: usize = 4;

/// How many blocks the filler may own besides the one it fills: every block can be
/// queued, being written, or waiting to be taken back, and no more are ever made.
const BLOCKS: usize = IN_FLIGHT + 1;

/// A file whose blocks are written by a background thread; see the module comment.
#[derive(Debug)]
pub struct Pipe {
    target: PathBuf,
    /// `None` once the thread has been joined (at commit, or after it failed).
    full: Option<SyncSender<Vec<u8>>>,
    empty: Receiver<Vec<u8>>,
    thread: Option<JoinHandle<io::Result<AtomicFile>>>,
    /// How many blocks this pipe has made (see [`BLOCKS`]).
    blocks: usize,
}

impl Pipe {
    /// Starts writing `target` (through [`AtomicFile::create`]) on a new thread.
    pub fn create(target: &Path) -> anyhow::Result<Pipe> {
        let mut file = AtomicFile::create(target)?;
        let (full, blocks) = sync_channel::<Vec<u8>>(IN_FLIGHT);
        // Room for every block, so that giving one back never waits.
        let (give_back, empty) = sync_channel::<Vec<u8>>(BLOCKS + 1);
        let thread = std::thread::Builder::new()
            .name("retrysim-writer".into())
            .spawn(move || {
                for mut block in blocks {
                    io::Write::write_all(&mut file, &block)?;
                    block.clear();
                    // Once the filler has gone the block is simply dropped.
                    let _ = give_back.try_send(block);
                }
                Ok(file)
            })
            .with_context(|| format!("could not start writing '{}'", target.display()))?;
        Ok(Pipe {
            target: target.to_path_buf(),
            full: Some(full),
            empty,
            thread: Some(thread),
            blocks: 0,
        })
    }

    /// Waits for every block to be written, then syncs and renames the file into place.
    pub fn commit(mut self) -> anyhow::Result<PathBuf> {
        let file = self
            .finish()
            .with_context(|| format!("could not write '{}'", self.target.display()))?;
        file.commit()
    }

    /// Closes the channel and returns the thread's file, or the error that stopped it.
    fn finish(&mut self) -> io::Result<AtomicFile> {
        self.full = None;
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the writing thread panicked"))),
            None => Err(io::Error::other("the writing thread has already stopped")),
        }
    }
}

impl Drop for Pipe {
    /// An uncommitted pipe waits for its thread, which drops (and so removes) the
    /// temporary file, so that nothing is left behind once the pipe is gone.
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

impl Pipe {
    /// An empty block for the filler: a returned one, a new one while fewer than
    /// [`BLOCKS`] exist, else the next one the thread returns. A fixed set of blocks
    /// matters: a new block is fresh memory that page-faults as it is filled, and
    /// (being large) is unmapped again when freed; that cost more than the formatting.
    fn spare(&mut self, capacity: usize) -> io::Result<Vec<u8>> {
        if let Ok(block) = self.empty.try_recv() {
            return Ok(block);
        }
        if self.blocks < BLOCKS {
            self.blocks += 1;
            return Ok(Vec::with_capacity(capacity));
        }
        match self.empty.recv() {
            Ok(block) => Ok(block),
            // The thread stopped: its error says why.
            Err(_) => Err(self.stopped()),
        }
    }

    /// Why the thread stopped before the file was complete.
    fn stopped(&mut self) -> io::Error {
        match self.finish() {
            Err(e) => e,
            Ok(_) => io::Error::other("the writing thread stopped early"),
        }
    }
}

impl BlockOut for Pipe {
    fn put(&mut self, block: &mut Vec<u8>) -> io::Result<()> {
        let spare = self.spare(block.capacity())?;
        let filled = std::mem::replace(block, spare);
        let sent = match &self.full {
            Some(full) => full.send(filled).is_ok(),
            None => false,
        };
        if sent {
            return Ok(());
        }
        Err(self.stopped())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::digests;
    use crate::report::file_hash::FileHash;

    #[test]
    fn blocks_arrive_in_order_with_the_digest_of_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("attempts.csv");
        let mut pipe = Pipe::create(&target).unwrap();
        let mut expected = Vec::new();
        for k in 0..200u32 {
            // Uneven blocks, some empty, more of them than the channel holds.
            let mut block: Vec<u8> = (0..(k * 37 % 5000)).map(|i| (i + k) as u8).collect();
            expected.extend_from_slice(&block);
            pipe.put(&mut block).unwrap();
            assert!(block.is_empty());
        }
        assert!(!target.exists(), "nothing appears before the commit");
        pipe.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), expected);
        let read_back = FileHash::RESULTS.of_file(&target).unwrap();
        assert_eq!(digests::recall(&target), Some(read_back));
    }

    #[test]
    fn a_file_long_enough_for_writeback_requests_is_written_whole() {
        use crate::report::atomic::WRITEBACK_STEP;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("attempts.csv");
        let mut pipe = Pipe::create(&target).unwrap();
        let mut expected = Vec::new();
        // Three and a half writeback steps, in blocks of uneven sizes.
        let mut k = 0u32;
        while expected.len() < (WRITEBACK_STEP * 7 / 2) as usize {
            let mut block = vec![(k % 251) as u8; 200_000 + (k as usize * 7_919) % 100_000];
            expected.extend_from_slice(&block);
            pipe.put(&mut block).unwrap();
            k += 1;
        }
        pipe.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), expected);
        let read_back = FileHash::RESULTS.of_file(&target).unwrap();
        assert_eq!(digests::recall(&target), Some(read_back));
    }

    #[test]
    fn an_abandoned_pipe_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let mut pipe = Pipe::create(&dir.path().join("a.csv")).unwrap();
        pipe.put(&mut b"a,b\n".to_vec()).unwrap();
        drop(pipe);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
