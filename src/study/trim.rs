//! Keeping freed worlds' memory from piling up between replications.
//!
//! glibc's allocator raises its mmap threshold each time a large block is freed, so
//! after the first replication most of a world's vectors come from the heap instead of
//! their own mappings, and the heap fragments: measured, `run scenarios/large.toml` with
//! 3 replications on one thread peaked at 878 MB against 728 MB for one, and
//! `malloc_trim` between replications only brought that to 846 MB. Fixing the threshold
//! at glibc's initial 128 KiB (which also turns its adjustment off) keeps every large
//! vector in its own mapping, returned whole when freed: 3 replications then peak at
//! the memory of one. Elsewhere this is a no-op.

/// glibc's `M_MMAP_THRESHOLD` parameter number for `mallopt`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const M_MMAP_THRESHOLD: std::ffi::c_int = -3;

/// glibc's initial mmap threshold: blocks of at least this many bytes get their own
/// mapping.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const THRESHOLD: std::ffi::c_int = 128 * 1024;

/// Makes the allocator give large blocks their own mappings from now on, so that a
/// dropped world's memory goes back to the system at once. For callers that build
/// several worlds one after another.
pub(super) fn map_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
        }
        // SAFETY: `mallopt` is part of glibc, the allocator this target links; it takes
        // two integers and only changes where later allocations come from.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, THRESHOLD);
        }
    }
}
