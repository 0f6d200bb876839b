//! A cache prefetch hint, shared by `sim` (contact state) and `workload` (failure
//! windows). It lives in this leaf module, which imports nothing from the crate, so that
//! `workload` does not depend on `sim`.

/// Hints the CPU to load the cache line holding `value`; a no-op where no hint exists.
/// Contacts are touched in random order, so without the hint nearly every send waits for
/// main memory.
#[inline]
pub(crate) fn hint<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: SSE is part of every x86_64 target, and a prefetch is only a hint: it
        // never faults and never changes memory, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
