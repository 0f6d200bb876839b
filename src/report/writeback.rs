//! Asking the kernel to start writing a file's bytes to disk while the file is still
//! being written, so that the `fsync` of [`super::atomic::AtomicFile::commit`] finds
//! little left to do. A 125 MB `attempts.csv` otherwise reaches the disk only at that
//! `fsync`: 60 ms of a traced run's wall time, after every other piece of work is done
//! and with both cores idle. Started early, the writing overlaps the simulation and the
//! formatting, and what the commit waits for is the last few megabytes.
//!
//! This is a hint: it never waits for the disk, and whether it succeeds changes nothing
//! but when the bytes move (the commit's `fsync` still makes them durable), so its
//! errors are not reported. Outside Linux with glibc it does nothing.

use std::fs::File;

/// Starts writing bytes `offset..offset + len` of `file` to disk, without waiting.
/// Returns whether the kernel took the request (tests check that it does).
pub fn start(file: &File, offset: u64, len: u64) -> bool {
    imp::start(file, offset, len)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    use std::ffi::{c_int, c_uint};
    use std::fs::File;
    use std::os::fd::AsRawFd;

    /// `SYNC_FILE_RANGE_WRITE` of `<fcntl.h>`: start writing the range's dirty pages,
    /// and wait neither for earlier writes nor for these.
    const SYNC_FILE_RANGE_WRITE: c_uint = 2;

    unsafe extern "C" {
        /// glibc's `sync_file_range(int fd, off64_t offset, off64_t nbytes, unsigned
        /// int flags)`.
        fn sync_file_range(fd: c_int, offset: i64, nbytes: i64, flags: c_uint) -> c_int;
    }

    pub(super) fn start(file: &File, offset: u64, len: u64) -> bool {
        let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
            return false;
        };
        // SAFETY: `sync_file_range` is part of glibc, which this target links; it takes
        // a descriptor that `file` keeps open for the call's duration, two integers and
        // flags, reads and writes no memory of ours, and only schedules disk writes.
        let done = unsafe { sync_file_range(file.as_raw_fd(), offset, len, SYNC_FILE_RANGE_WRITE) };
        done == 0
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod imp {
    use std::fs::File;

    pub(super) fn start(_: &File, _: u64, _: u64) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Seek, Write};

    #[test]
    fn writeback_of_a_written_range_leaves_the_bytes_as_they_were() {
        let mut file = tempfile::tempfile().unwrap();
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i * 7) as u8).collect();
        file.write_all(&bytes).unwrap();
        let taken = start(&file, 4096, 200_000);
        assert_eq!(taken, cfg!(all(target_os = "linux", target_env = "gnu")));
        // A range past the end is accepted too (there is nothing to write there).
        start(&file, 1 << 40, 4096);
        file.write_all(b"tail").unwrap();
        file.sync_all().unwrap();
        let mut back = Vec::new();
        file.rewind().unwrap();
        file.read_to_end(&mut back).unwrap();
        assert_eq!(&back[..bytes.len()], &bytes[..]);
        assert_eq!(&back[bytes.len()..], b"tail");
    }
}
