//! The hasher of fingerprints and ledger keys: what is hashed is gathered into a buffer,
//! then hashed in one pass with XXH3.
//!
//! Fingerprints are made of many short writes (8-byte numbers, names, URLs). Streaming
//! XXH3 copies each write into its block buffer through a call to `memcpy`, which was 5 %
//! of a 100,000-article publish build; gathered, a number is one inline store and the
//! hash runs once over the whole. The result is fixed from run to run, as the manifest's
//! fingerprints need (`std`'s `DefaultHasher` is not promised to be).
//!
//! [`FileHash`], the content hash of each output file, is XXH3 too.

use std::hash::Hasher;

/// Room for a typical page's inputs without growing.
const START: usize = 256;

/// A [`Hasher`] that gathers its input and hashes it at [`Hasher::finish`] (64 bits) or
/// [`Digest::digest128`].
#[derive(Debug, Clone)]
pub struct Digest {
    gathered: Vec<u8>,
}

impl Default for Digest {
    fn default() -> Self {
        Digest {
            gathered: Vec::with_capacity(START),
        }
    }
}

impl Digest {
    /// A digest with room for `bytes` before it grows: the per-article hashes (a
    /// fingerprint, a ref, a search document) gather a kilobyte or two each, and growing
    /// from [`START`] reallocated three times for each of 100,000 articles.
    pub fn with_capacity(bytes: usize) -> Self {
        Digest {
            gathered: Vec::with_capacity(bytes),
        }
    }

    /// Adds raw bytes, without the length prefix that [`std::hash::Hash`] gives a slice.
    pub fn update(&mut self, bytes: &[u8]) {
        self.gathered.extend_from_slice(bytes);
    }

    /// A 128-bit hash of everything written, for keys that must not collide by chance
    /// across a whole site's history.
    pub fn digest128(&self) -> u128 {
        xxhash_rust::xxh3::xxh3_128(&self.gathered)
    }
}

impl Hasher for Digest {
    fn write(&mut self, bytes: &[u8]) {
        self.gathered.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(&self.gathered)
    }
}

/// The content hash of a file the build wrote, as the output's manifest records it: what
/// the next build compares to skip writing a file that did not change, and what `sitegen
/// push` compares to find the pages that did.
///
/// XXH3-128 rather than a cryptographic hash: nothing here guards against a forger, only
/// against chance, and at 10,000 articles blake3 of every file was 3 % of a cold build's
/// CPU (363 MB hashed), XXH3 a fifth of that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FileHash([u8; 16]);

impl FileHash {
    pub fn of(bytes: &[u8]) -> FileHash {
        FileHash(xxhash_rust::xxh3::xxh3_128(bytes).to_be_bytes())
    }

    /// 32 lowercase hex digits (as [`std::fmt::Display`] writes them).
    pub fn to_hex(self) -> String {
        self.to_string()
    }

    /// What [`FileHash::to_hex`] wrote; None for anything else (a blake3 of an older
    /// manifest has 64 digits).
    pub fn from_hex(text: &str) -> Option<FileHash> {
        let digits =
            text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        digits
            .then(|| u128::from_str_radix(text, 16).ok())
            .flatten()
            .map(|n| FileHash(n.to_be_bytes()))
    }
}

impl std::fmt::Display for FileHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:032x}", u128::from_be_bytes(self.0))
    }
}

#[cfg(test)]
mod tests {
    use std::hash::Hash;

    use super::*;

    #[test]
    fn equals_one_shot_xxh3_of_what_was_written() {
        let mut d = Digest::default();
        d.update(b"abc");
        d.write_u64(7);
        let mut bytes = b"abc".to_vec();
        bytes.extend_from_slice(&7u64.to_ne_bytes());
        assert_eq!(d.finish(), xxhash_rust::xxh3::xxh3_64(&bytes));
        assert_eq!(d.digest128(), xxhash_rust::xxh3::xxh3_128(&bytes));
    }

    #[test]
    fn file_hashes_read_back_from_their_hex_and_nothing_else() {
        let hash = FileHash::of("<p>新闻</p>".as_bytes());
        assert_eq!(hash.to_hex().len(), 32);
        assert_eq!(FileHash::from_hex(&hash.to_hex()), Some(hash));
        assert_ne!(FileHash::of(b"a"), FileHash::of(b"b"));
        let blake3 = blake3::hash(b"a").to_hex();
        for other in [
            blake3.as_str(),
            "-",
            "",
            &hash.to_hex().to_uppercase(),
            "+0123456789abcdef0123456789abcde",
        ] {
            assert_eq!(FileHash::from_hex(other), None, "{other}");
        }
    }

    #[test]
    fn tells_apart_values_whose_bytes_run_together() {
        let of = |v: &dyn Fn(&mut Digest)| {
            let mut d = Digest::default();
            v(&mut d);
            d.finish()
        };
        // `Hash` for str ends each string: ("ab", "c") and ("a", "bc") differ.
        assert_ne!(of(&|d| ("ab", "c").hash(d)), of(&|d| ("a", "bc").hash(d)));
        // Past the starting room the buffer grows; the hash still covers every byte.
        let long = "字".repeat(1000);
        assert_ne!(
            of(&|d| (long.as_str(), 1u8).hash(d)),
            of(&|d| (long.as_str(), 2u8).hash(d))
        );
    }
}
