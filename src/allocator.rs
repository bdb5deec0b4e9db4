//! How the C allocator treats the large buffers a long import passes
//! through (a leaf; the binaries call it once at start-up).
//!
//! Each image an import takes in is read into a buffer of its own size and
//! copied twice more inside SQLite (the bound value, then the record), each
//! copy from 1 KiB to several MiB. glibc's allocator serves blocks that
//! large with fresh memory mappings and unmaps them when freed, so for every
//! image the kernel zeroed, mapped and unmapped pages three times over: a
//! page fault per 4 KiB, the largest single cost of an import once SQLite
//! wrote each image only once. [`reuse_large_buffers`] keeps such blocks in
//! the heap, where the next image reuses the same pages.

/// Lets freed blocks of up to 32 MiB be reused instead of handed back to the
/// kernel (glibc on Linux; elsewhere this does nothing).
pub fn reuse_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // Blocks above this size still get a mapping of their own; 32 MiB is
        // the most glibc accepts on 64-bit systems.
        const MAPPED_ABOVE: libc::c_int = 32 << 20;
        // Free memory at the heap's top is handed back above this much.
        const KEPT_FREE: libc::c_int = 64 << 20;
        // SAFETY: `mallopt` only sets allocator parameters; it is safe to
        // call at any time, from any thread.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MAPPED_ABOVE);
            libc::mallopt(libc::M_TRIM_THRESHOLD, KEPT_FREE);
        }
    }
}
