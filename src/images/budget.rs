//! A weighted semaphore on decoded bytes: threads processing pictures wait until the
//! memory they will decode into fits the budget.

use std::sync::{Condvar, Mutex, MutexGuard};

/// Bytes of decoded pictures allowed at once.
pub struct Budget {
    limit: u64,
    /// Bytes held by live permits.
    held: Mutex<u64>,
    /// Signalled whenever a permit gives its bytes back.
    freed: Condvar,
}

/// Held while a picture's pixels are in memory; gives its weight back on drop.
pub struct Permit<'a> {
    budget: &'a Budget,
    bytes: u64,
}

impl Budget {
    pub fn new(limit: u64) -> Budget {
        Budget {
            limit,
            held: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Waits until `bytes` fit beside what others hold. A picture bigger than the whole
    /// budget waits until it is alone, then goes.
    pub fn acquire(&self, bytes: u64) -> Permit<'_> {
        let mut held = self.lock();
        while *held > 0 && held.saturating_add(bytes) > self.limit {
            held = self
                .freed
                .wait(held)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        *held = held.saturating_add(bytes);
        Permit {
            budget: self,
            bytes,
        }
    }

    /// Bytes held by live permits now (for tests and diagnostics).
    pub fn held(&self) -> u64 {
        *self.lock()
    }

    /// The counter stays right even if a thread panicked while holding the lock (it only
    /// ever adds or subtracts), so a poisoned lock is used as it is.
    fn lock(&self) -> MutexGuard<'_, u64> {
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Permit<'_> {
    /// The bytes this permit holds.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut held = self.budget.lock();
        *held = held.saturating_sub(self.bytes);
        drop(held);
        // Several waiters may fit now (one big permit gone, several small ones waiting).
        self.budget.freed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    #[test]
    fn permits_add_up_and_give_back() {
        let budget = Budget::new(100);
        let a = budget.acquire(40);
        let b = budget.acquire(60);
        assert_eq!(budget.held(), 100);
        assert_eq!(a.bytes(), 40);
        drop(a);
        assert_eq!(budget.held(), 60);
        drop(b);
        assert_eq!(budget.held(), 0);
    }

    #[test]
    fn too_big_goes_alone() {
        let budget = Budget::new(10);
        let p = budget.acquire(1_000);
        assert_eq!(budget.held(), 1_000);
        drop(p);
        assert_eq!(budget.held(), 0);
    }

    /// Many threads each take a weight; the sum held at any moment never passes the limit,
    /// and everyone gets through.
    #[test]
    fn threads_never_exceed_the_limit() {
        let budget = Arc::new(Budget::new(100));
        let peak = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicU64::new(0));
        let handles: Vec<_> = (0..8u64)
            .map(|i| {
                let budget = Arc::clone(&budget);
                let peak = Arc::clone(&peak);
                let done = Arc::clone(&done);
                std::thread::spawn(move || {
                    for _ in 0..5 {
                        let permit = budget.acquire(30 + i * 5);
                        let now = budget.held();
                        assert!(now <= 100, "held {now} over the limit");
                        peak.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(2));
                        drop(permit);
                    }
                    done.fetch_add(1, Ordering::SeqCst);
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(done.load(Ordering::SeqCst), 8);
        assert_eq!(budget.held(), 0);
        assert!(peak.load(Ordering::SeqCst) > 0);
    }

    /// A waiter blocks while the budget is full and wakes when a permit drops.
    #[test]
    fn waiter_wakes_on_release() {
        let budget = Arc::new(Budget::new(100));
        let first = budget.acquire(80);
        let got = Arc::new(AtomicU64::new(0));
        let handle = {
            let budget = Arc::clone(&budget);
            let got = Arc::clone(&got);
            std::thread::spawn(move || {
                let _p = budget.acquire(50);
                got.store(1, Ordering::SeqCst);
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(got.load(Ordering::SeqCst), 0, "acquired over the limit");
        drop(first);
        handle.join().unwrap();
        assert_eq!(got.load(Ordering::SeqCst), 1);
        assert_eq!(budget.held(), 0);
    }

    /// A picture bigger than the budget waits for the others to finish, then goes alone.
    #[test]
    fn too_big_waits_until_alone() {
        let budget = Arc::new(Budget::new(100));
        let small = budget.acquire(10);
        let got = Arc::new(AtomicU64::new(0));
        let handle = {
            let budget = Arc::clone(&budget);
            let got = Arc::clone(&got);
            std::thread::spawn(move || {
                let _p = budget.acquire(500);
                got.store(1, Ordering::SeqCst);
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(got.load(Ordering::SeqCst), 0);
        drop(small);
        handle.join().unwrap();
        assert_eq!(got.load(Ordering::SeqCst), 1);
    }
}
