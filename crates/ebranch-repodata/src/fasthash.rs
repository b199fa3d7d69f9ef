//! A fast, non-cryptographic, streaming 64-bit checksum for cache files.
//!
//! Four independent lanes each absorb one 64-bit word per 32-byte block
//! with `lane = rotl((lane ^ word) * K, 29)`. Every step is a bijection of
//! the lane for a fixed word, and a different word always gives a
//! different lane value, so any change confined to one word (every
//! single-bit flip) is always detected; other corruption is detected with
//! probability about 1 - 2^-64. It guards against damaged files, not
//! against tampering.

const K: u64 = 0x9E37_79B9_7F4A_7C15;
const BLOCK: usize = 32;

/// Streaming state; feed bytes with [`FastHasher::update`].
#[derive(Clone, Debug)]
pub struct FastHasher {
    lanes: [u64; 4],
    tail: [u8; BLOCK],
    tail_len: usize,
    total: u64,
}

#[inline(always)]
fn step(lane: u64, word: u64) -> u64 {
    (lane ^ word).wrapping_mul(K).rotate_left(29)
}

impl Default for FastHasher {
    fn default() -> Self {
        FastHasher::new()
    }
}

impl FastHasher {
    /// A fresh state.
    pub fn new() -> FastHasher {
        FastHasher {
            lanes: [
                0x243F_6A88_85A3_08D3,
                0x1319_8A2E_0370_7344,
                0xA409_3822_299F_31D0,
                0x082E_FA98_EC4E_6C89,
            ],
            tail: [0; BLOCK],
            tail_len: 0,
            total: 0,
        }
    }

    #[inline(always)]
    fn block(&mut self, block: &[u8]) {
        for (lane, word) in self.lanes.iter_mut().zip(block.chunks_exact(8)) {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            *lane = step(*lane, u64::from_le_bytes(w));
        }
    }

    /// Absorbs `bytes`.
    pub fn update(&mut self, mut bytes: &[u8]) {
        self.total = self.total.wrapping_add(bytes.len() as u64);
        if self.tail_len > 0 {
            let take = (BLOCK - self.tail_len).min(bytes.len());
            self.tail[self.tail_len..self.tail_len + take].copy_from_slice(&bytes[..take]);
            self.tail_len += take;
            bytes = &bytes[take..];
            if self.tail_len < BLOCK {
                return;
            }
            let tail = self.tail;
            self.block(&tail);
            self.tail_len = 0;
        }
        let mut blocks = bytes.chunks_exact(BLOCK);
        for b in &mut blocks {
            self.block(b);
        }
        let rest = blocks.remainder();
        self.tail[..rest.len()].copy_from_slice(rest);
        self.tail_len = rest.len();
    }

    /// The checksum of everything absorbed.
    pub fn finish(mut self) -> u64 {
        // Pad the tail with zeros; the total length below tells
        // "short tail" from "zeros".
        let mut last = [0u8; BLOCK];
        last[..self.tail_len].copy_from_slice(&self.tail[..self.tail_len]);
        self.block(&last);
        let mut h = self.total.wrapping_mul(K);
        for (i, lane) in self.lanes.iter().enumerate() {
            h = step(h ^ (i as u64), *lane);
        }
        h ^ (h >> 31)
    }
}

/// The checksum of `bytes` in one call.
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h = FastHasher::new();
    h.update(bytes);
    h.finish()
}

/// FNV-1a over `bytes`, continuing from `state`, usable in constants: a
/// fingerprint of source text compiled into the binary (see
/// [`crate::cache::FORMAT_ID`]).
pub const fn const_fnv1a(mut state: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        state ^= bytes[i] as u64;
        state = state.wrapping_mul(0x0000_0100_0000_01B3);
        i += 1;
    }
    state
}

/// FNV-1a's initial state.
pub const FNV_OFFSET: u64 = 0xCBF2_9CE4_8422_2325;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_equals_one_shot() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 + 3) as u8).collect();
        let whole = hash(&data);
        for split in [0, 1, 5, 31, 32, 33, 100, 999, 1000] {
            let mut h = FastHasher::new();
            h.update(&data[..split]);
            h.update(&data[split..]);
            assert_eq!(h.finish(), whole, "split at {split}");
        }
        let mut h = FastHasher::new();
        for b in &data {
            h.update(std::slice::from_ref(b));
        }
        assert_eq!(h.finish(), whole);
    }

    #[test]
    fn every_single_bit_flip_changes_the_hash() {
        let data: Vec<u8> = (0..200u32).map(|i| (i * 13) as u8).collect();
        let base = hash(&data);
        let mut copy = data.clone();
        for byte in 0..copy.len() {
            for bit in 0..8 {
                copy[byte] ^= 1 << bit;
                assert_ne!(hash(&copy), base, "flip {byte}:{bit}");
                copy[byte] ^= 1 << bit;
            }
        }
    }

    #[test]
    fn length_matters() {
        assert_ne!(hash(b""), hash(b"\0"));
        assert_ne!(hash(b"a"), hash(b"a\0"));
    }
}
