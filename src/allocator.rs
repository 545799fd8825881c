//! The memory allocator, chosen per command: mimalloc for the commands that build a site
//! and exit (`build`, `check`), the system's for `serve`, which keeps a site in memory for
//! hours.
//!
//! A build makes and frees millions of small strings and vectors on every thread; mimalloc
//! serves them from per-thread pages without glibc's locks and bin upkeep, and a cold build
//! of 10,000 articles takes about a tenth less CPU with it (docs/performance.md). What it
//! costs is memory: those per-thread pages are not handed back as readily, and `serve` at
//! 100,000 articles peaked at 2,002 MB with mimalloc against 1,744 MB with glibc, past
//! issue 19's 2 GB. So the process starts on the system allocator and `main` switches to
//! mimalloc when the command is not `serve`. mimalloc is built not to ask for transparent
//! huge pages (`no_thp` in Cargo.toml): on VMs that hand free memory back to their host, a
//! fresh huge page is slow to fault in, and builds spent a quarter of their time on it.
//!
//! Blocks made before the switch (argument parsing's) are still the system's: every free and
//! every resize of a block within the addresses the system's blocks span asks mimalloc
//! whether the block is its own (`mi_is_in_heap_region`: a range check and one lookup in
//! its page map, false before mimalloc has made anything) and hands the block to whichever
//! allocator made it; a block outside that span is mimalloc's. Nothing ever frees a block
//! through the wrong one, whenever the switch happens. tree-sitter, which allocates in C
//! through functions it can be given, is switched the same way
//! ([`tree_sitter_on_mimalloc`]).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use mimalloc::MiMalloc;

/// The process's allocator: the system's until [`Switchable::use_mimalloc`], mimalloc's after.
pub struct Switchable {
    mimalloc: AtomicBool,
}

impl Switchable {
    /// Starts on the system allocator.
    pub const fn new() -> Self {
        Switchable {
            mimalloc: AtomicBool::new(false),
        }
    }

    /// New blocks come from mimalloc from now on. Call it before starting threads, so that
    /// every thread's blocks come from one allocator (correct either way: see the module
    /// comment).
    pub fn use_mimalloc(&self) {
        self.mimalloc.store(true, Ordering::Relaxed);
    }

    fn allocating_with_mimalloc(&self) -> bool {
        self.mimalloc.load(Ordering::Relaxed)
    }
}

impl Default for Switchable {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether mimalloc's plain `mi_malloc` (and `mi_realloc`, `mi_zalloc`) gives a block of
/// `size` bytes the alignment `align`: every block of 16 bytes or more is 16-aligned
/// (`MI_MAX_ALIGN_SIZE`: its size classes are multiples of 16 from there on) and every
/// smaller one 8-aligned, a word; a Rust layout's size is a multiple of its alignment. The
/// `mimalloc` crate asks for every block through `mi_malloc_aligned`, which in mimalloc 3
/// over-allocates and aligns by hand for any block past its small sizes (1 KB) whose size is
/// not a power of two: one block in eight of a build, half a percent of its instructions.
fn plain_fits(align: usize, size: usize) -> bool {
    align <= 16 && align <= size
}

/// Whether mimalloc made the block at `ptr`.
fn made_by_mimalloc<T>(ptr: *mut T) -> bool {
    // SAFETY: mimalloc's lookup only reads its own page map; any address may be asked.
    unsafe { libmimalloc_sys::mi_is_in_heap_region(ptr.cast()) }
}

/// The addresses every block [`Switchable`] got from the system allocator lies within,
/// `[low, high)`: they only widen. Asking mimalloc whose a block is was about 1 % of a
/// build's instructions, on every free and resize, for the few blocks argument parsing
/// made before the switch; a block outside the range is mimalloc's without asking.
static SYSTEM_LOW: AtomicUsize = AtomicUsize::new(usize::MAX);
static SYSTEM_HIGH: AtomicUsize = AtomicUsize::new(0);

/// Widens the system blocks' range to take in a block of `size` bytes at `ptr`.
fn note_system_block(ptr: *mut u8, size: usize) -> *mut u8 {
    if !ptr.is_null() {
        let at = ptr as usize;
        SYSTEM_LOW.fetch_min(at, Ordering::Relaxed);
        SYSTEM_HIGH.fetch_max(at.saturating_add(size.max(1)), Ordering::Relaxed);
    }
    ptr
}

/// [`made_by_mimalloc`] for a block [`Switchable`] made: answered by the system blocks'
/// range where it can be. The range was widened before the block was handed out, and so
/// before whatever frees it could see it (relaxed atomics keep that order for one
/// variable), so a system block is always found inside it.
fn switchable_block_made_by_mimalloc(ptr: *mut u8) -> bool {
    let at = ptr as usize;
    if at < SYSTEM_LOW.load(Ordering::Relaxed) || at >= SYSTEM_HIGH.load(Ordering::Relaxed) {
        return true;
    }
    made_by_mimalloc(ptr)
}

// SAFETY: each block is made by one allocator and freed or resized by the same one, as
// `made_by_mimalloc` tells; both allocators meet `GlobalAlloc`'s contract themselves.
unsafe impl GlobalAlloc for Switchable {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout is passed on unchanged, or its size to mimalloc's
        // plain malloc where that gives the alignment (`plain_fits`).
        unsafe {
            if !self.allocating_with_mimalloc() {
                note_system_block(System.alloc(layout), layout.size())
            } else if plain_fits(layout.align(), layout.size()) {
                libmimalloc_sys::mi_malloc(layout.size()).cast()
            } else {
                MiMalloc.alloc(layout)
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe {
            if !self.allocating_with_mimalloc() {
                note_system_block(System.alloc_zeroed(layout), layout.size())
            } else if plain_fits(layout.align(), layout.size()) {
                libmimalloc_sys::mi_zalloc(layout.size()).cast()
            } else {
                MiMalloc.alloc_zeroed(layout)
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` goes back to the allocator that made it.
        unsafe {
            if switchable_block_made_by_mimalloc(ptr) {
                MiMalloc.dealloc(ptr, layout);
            } else {
                System.dealloc(ptr, layout);
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` is resized by the allocator that made it, so it stays that one's.
        unsafe {
            if !switchable_block_made_by_mimalloc(ptr) {
                note_system_block(System.realloc(ptr, layout, new_size), new_size)
            } else if plain_fits(layout.align(), new_size) {
                libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast()
            } else {
                MiMalloc.realloc(ptr, layout, new_size)
            }
        }
    }
}

/// mimalloc's `mi_option_purge_delay` (`mimalloc.h`; the same index in its v2 and v3).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps the memory a build frees for the build's own reuse instead of handing it back to
/// the kernel a second later (mimalloc's purge, `MADV_DONTNEED`): a build is over in
/// seconds, and each purge costs a cross-core TLB flush now and page faults when the memory
/// is wanted again. Builds took 0.97-0.98x the time (10,000 and 8,000 articles) for a few
/// MB more at their peak (docs/performance.md, "Huge pages"). `MIMALLOC_PURGE_DELAY`, when
/// set, still decides. Not for `serve`, which should hand back what it frees.
pub fn keep_freed_memory() {
    // SAFETY: sets one option's default; mimalloc reads it when it next considers purging.
    unsafe { libmimalloc_sys::mi_option_set_default(PURGE_DELAY, -1) };
}

/// Sends tree-sitter's allocations (its parsers, trees and query cursors, made in C) to
/// mimalloc as well: on code-heavy articles they are a few percent of a build's samples,
/// and a build of 8,000 translated articles takes 0.94x the time with them there. Like
/// [`Switchable`], the free and resize functions given to tree-sitter ask whose a block is,
/// so that what it made with libc's `malloc` before the call is freed by libc.
pub fn tree_sitter_on_mimalloc() {
    // SAFETY: the four functions keep C's contracts for malloc, calloc, realloc and free;
    // blocks made before this call are freed by the allocator that made them.
    unsafe {
        arborium::tree_sitter::set_allocator(
            Some(c::malloc),
            Some(c::calloc),
            Some(c::realloc),
            Some(c::free),
        );
    }
}

/// C's four allocation functions over mimalloc, for C libraries that take them.
mod c {
    use std::ffi::c_void;

    use libmimalloc_sys as mi;

    use super::made_by_mimalloc;

    pub(super) mod libc {
        use std::ffi::c_void;
        unsafe extern "C" {
            pub fn free(ptr: *mut c_void);
            pub fn realloc(ptr: *mut c_void, size: usize) -> *mut c_void;
            #[cfg(test)]
            pub fn malloc(size: usize) -> *mut c_void;
        }
    }

    pub unsafe extern "C" fn malloc(size: usize) -> *mut c_void {
        // SAFETY: any size may be asked for; null on failure, as C's.
        unsafe { mi::mi_malloc(size) }
    }

    /// Blocks from this size up are zeroed by writing, not left to the kernel's zero page.
    pub(super) const WRITE_ZEROES_FROM: usize = 64 * 1024;

    /// Large blocks are zeroed by writing them. mimalloc hands out fresh pages from the
    /// kernel unwritten, as they read as zero; tree-sitter's query analysis then reads its
    /// 10-20 MB table of parse-state predecessors before writing it, so each page is first
    /// mapped to the kernel's shared zero page and then copied on its first write, which
    /// also flushes the page from the other core's TLB (an interrupt to it). That was half
    /// the time of compiling the queries (2.7 % of a cold build's samples). Written first,
    /// a page takes one fault; memory mimalloc reuses takes none.
    pub unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
        let Some(bytes) = count.checked_mul(size) else {
            return std::ptr::null_mut();
        };
        if bytes < WRITE_ZEROES_FROM {
            // SAFETY: as `malloc`.
            return unsafe { mi::mi_calloc(count, size) };
        }
        // SAFETY: as `malloc`; a non-null block has `bytes` writable bytes.
        unsafe {
            let block = mi::mi_malloc(bytes);
            if !block.is_null() {
                std::ptr::write_bytes(block.cast::<u8>(), 0, bytes);
            }
            block
        }
    }

    // These two ask mimalloc for every block (`made_by_mimalloc`), not the system blocks'
    // span: tree-sitter's blocks from before the switch came from libc's malloc directly,
    // not through `Switchable`, so the span does not hold them.
    pub unsafe extern "C" fn realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
        // SAFETY: `ptr` is null or a live block, resized by the allocator that made it.
        unsafe {
            if ptr.is_null() || made_by_mimalloc(ptr) {
                mi::mi_realloc(ptr, size)
            } else {
                libc::realloc(ptr, size)
            }
        }
    }

    pub unsafe extern "C" fn free(ptr: *mut c_void) {
        // SAFETY: `ptr` is null or a live block, freed by the allocator that made it (libc's
        // free takes null).
        unsafe {
            if made_by_mimalloc(ptr) {
                mi::mi_free(ptr);
            } else {
                libc::free(ptr);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Allocates `size` bytes filled with `byte` through `allocator`.
    fn filled(allocator: &Switchable, size: usize, byte: u8) -> (*mut u8, Layout) {
        let layout = Layout::from_size_align(size, 16).expect("layout");
        // SAFETY: a non-zero size; the block is written only within it.
        let ptr = unsafe { allocator.alloc(layout) };
        assert!(!ptr.is_null());
        // SAFETY: `ptr` holds `size` bytes.
        unsafe { ptr.write_bytes(byte, size) };
        (ptr, layout)
    }

    #[test]
    fn freed_memory_is_kept_by_setting_mimallocs_purge_delay() {
        // SAFETY: reads an option; any index below mimalloc's last is valid.
        let delay = || unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        let before = delay();
        keep_freed_memory();
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            // 1000 ms, the purge delay's default in options.c: the index is the right one.
            assert_eq!(before, 1000);
            assert_eq!(delay(), -1);
        } else {
            assert_eq!(delay(), before, "the environment's value stays");
        }
    }

    #[test]
    fn blocks_made_before_the_switch_are_freed_and_resized_by_the_system_allocator() {
        let allocator = Switchable::new();
        let (before, layout) = filled(&allocator, 100, 7);
        assert!(!made_by_mimalloc(before));
        allocator.use_mimalloc();
        let (after, after_layout) = filled(&allocator, 100, 9);
        assert!(made_by_mimalloc(after));
        // SAFETY: each block is live, with the layout it was made with.
        unsafe {
            let grown = allocator.realloc(before, layout, 100_000);
            assert!(
                !made_by_mimalloc(grown),
                "a resize keeps the block's allocator"
            );
            assert_eq!(std::slice::from_raw_parts(grown, 100), &[7; 100][..]);
            allocator.dealloc(grown, Layout::from_size_align(100_000, 16).expect("layout"));
            let grown = allocator.realloc(after, after_layout, 100_000);
            assert!(made_by_mimalloc(grown));
            assert_eq!(std::slice::from_raw_parts(grown, 100), &[9; 100][..]);
            allocator.dealloc(grown, Layout::from_size_align(100_000, 16).expect("layout"));
        }
    }

    #[test]
    fn the_system_blocks_range_holds_every_system_block_and_no_mimalloc_block() {
        let allocator = Switchable::new();
        let system: Vec<_> = [1, 64, 4096, 1 << 20]
            .into_iter()
            .map(|size| filled(&allocator, size, 3))
            .collect();
        allocator.use_mimalloc();
        let ours: Vec<_> = [1, 64, 4096, 1 << 20]
            .into_iter()
            .map(|size| filled(&allocator, size, 5))
            .collect();
        for &(ptr, _) in &system {
            assert!(!switchable_block_made_by_mimalloc(ptr));
            let span = SYSTEM_LOW.load(Ordering::Relaxed)..SYSTEM_HIGH.load(Ordering::Relaxed);
            assert!(span.contains(&(ptr as usize)));
        }
        for &(ptr, _) in &ours {
            assert!(switchable_block_made_by_mimalloc(ptr));
        }
        // SAFETY: each block is live, freed once with the layout it was made with.
        unsafe {
            for (ptr, layout) in system.into_iter().chain(ours) {
                allocator.dealloc(ptr, layout);
            }
        }
    }

    #[test]
    fn blocks_have_their_alignment_whichever_way_mimalloc_is_asked() {
        let allocator = Switchable::new();
        allocator.use_mimalloc();
        let sizes = (1..=64).chain([100, 1000, 1024, 1040, 3000, 4096, 5000, 70_000]);
        for size in sizes {
            for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
                let Ok(layout) = Layout::from_size_align(size, align) else {
                    continue;
                };
                let layout = layout.pad_to_align();
                // SAFETY: non-zero sizes; each block is written within its size and freed
                // once with its layout.
                unsafe {
                    let ptr = allocator.alloc(layout);
                    assert!(
                        !ptr.is_null() && (ptr as usize).is_multiple_of(align),
                        "{layout:?}"
                    );
                    ptr.write_bytes(0x5A, layout.size());
                    let grown = allocator.realloc(ptr, layout, layout.size() * 3 + align);
                    assert!((grown as usize).is_multiple_of(align), "{layout:?} grown");
                    let kept = std::slice::from_raw_parts(grown, layout.size());
                    assert!(kept.iter().all(|&b| b == 0x5A), "{layout:?} grown");
                    let grown_layout =
                        Layout::from_size_align(layout.size() * 3 + align, align).expect("layout");
                    allocator.dealloc(grown, grown_layout);
                    let zeroed = allocator.alloc_zeroed(layout);
                    assert!((zeroed as usize).is_multiple_of(align), "{layout:?} zeroed");
                    let bytes = std::slice::from_raw_parts(zeroed, layout.size());
                    assert!(bytes.iter().all(|&b| b == 0), "{layout:?} zeroed");
                    allocator.dealloc(zeroed, layout);
                }
            }
        }
    }

    #[test]
    fn large_and_zeroed_blocks_come_from_mimalloc_after_the_switch() {
        let allocator = Switchable::new();
        allocator.use_mimalloc();
        let layout = Layout::from_size_align(64 << 20, 4096).expect("layout");
        // SAFETY: a non-zero size, freed with the layout it was made with.
        unsafe {
            let ptr = allocator.alloc_zeroed(layout);
            assert!(!ptr.is_null());
            assert!(made_by_mimalloc(ptr));
            assert_eq!(*ptr.add((64 << 20) - 1), 0);
            allocator.dealloc(ptr, layout);
        }
    }

    #[test]
    fn c_blocks_go_back_to_the_allocator_that_made_them() {
        // SAFETY: live blocks of the sizes asked for, each freed once.
        unsafe {
            let from_libc = c::libc::malloc(64);
            assert!(!from_libc.is_null());
            let grown = c::realloc(from_libc, 100_000);
            assert!(!made_by_mimalloc(grown), "libc's block stays libc's");
            c::free(grown);
            let ours = c::calloc(10, 10);
            assert!(made_by_mimalloc(ours));
            assert!(
                std::slice::from_raw_parts(ours.cast::<u8>(), 100)
                    .iter()
                    .all(|&b| b == 0)
            );
            let grown = c::realloc(ours, 100_000);
            assert!(made_by_mimalloc(grown));
            c::free(grown);
            c::free(std::ptr::null_mut());
            let fresh = c::realloc(std::ptr::null_mut(), 10);
            assert!(made_by_mimalloc(fresh));
            c::free(fresh);
        }
    }

    #[test]
    fn large_c_blocks_are_zeroed_even_where_mimalloc_reuses_written_memory() {
        let bytes = 4 * c::WRITE_ZEROES_FROM;
        // SAFETY: live blocks of the sizes asked for, each freed once.
        unsafe {
            for round in 0..4 {
                let block = c::calloc(bytes / 8, 8).cast::<u8>();
                assert!(!block.is_null() && made_by_mimalloc(block));
                let zeroed = std::slice::from_raw_parts(block, bytes);
                assert!(zeroed.iter().all(|&b| b == 0), "round {round}");
                // Dirty it, so that a block reused in the next round is not zero by chance.
                block.write_bytes(0xA5, bytes);
                c::free(block.cast());
            }
            assert!(
                c::calloc(usize::MAX / 2, 4).is_null(),
                "count × size overflows"
            );
        }
    }
}
