//! The `sipscope` command line: a thin layer over the library.

mod cli;

/// mimalloc, built without transparent huge pages (`no_thp`): with 2 MiB pages the
/// memory it frees stays resident, and the peak RSS of `stats` on the SIPp 30k load
/// capture was 112 MB (glibc: 81 MB, this setup: 71 MB).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (v3, libmimalloc-sys 0.1.49): how long freed
/// pages stay committed before they are returned to the OS.
#[cfg(feature = "mimalloc")]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // Return freed pages at once (default: after 1 s). Streaming analysis frees every
    // finished call; kept pages would let the peak RSS track the allocation churn, not
    // the calls actually open. It is read when pages are purged, so setting it here,
    // after the runtime's first allocations, is in time.
    #[cfg(feature = "mimalloc")]
    // SAFETY: sets a global integer option; no allocation is affected by the change.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0)
    };
    cli::main()
}

#[cfg(all(test, feature = "mimalloc"))]
mod tests {
    use super::MI_OPTION_PURGE_DELAY;

    /// The option number is the purge delay: mimalloc v3's default for it is 1000 ms
    /// (a renumbered enum in another version would read another option here).
    #[test]
    fn purge_delay_option_number() {
        // SAFETY: reads a global integer option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1000);
    }
}
