//! The pool's string table: every string of every repository stored once, with a hash
//! index that is part of the pool image (so a warm run never hashes the strings again).

use crate::ids::NameId;

/// Marks an empty slot of the hash index (string 0, the empty string, is never indexed).
const EMPTY_SLOT: u32 = 0;

/// One arena of string bytes plus `u32` boundaries (string `i` is
/// `arena[offsets[i]..offsets[i + 1]]`, string 0 is empty), and an open-addressing hash
/// index of string ids with linear probing.
pub(crate) struct Strings {
    pub(crate) arena: String,
    pub(crate) offsets: Vec<u32>,
    pub(crate) slots: Vec<u32>,
}

/// The hash of a string used by the index. Written out here, not taken from a crate, because
/// the index is stored in pool images: the function must not change under them (it is part
/// of the image's format id).
pub(crate) fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (bytes.len() as u64).wrapping_mul(K) ^ 0x243F_6A88_85A3_08D3;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(w)).wrapping_mul(K).rotate_left(29);
    }
    (h ^ (h >> 32)).wrapping_mul(K)
}

/// The first slot probed for `hash` in a table of `len` slots.
fn home(hash: u64, len: usize) -> usize {
    (((hash >> 32) * len as u64) >> 32) as usize
}

impl Strings {
    /// The table of `arena` and `offsets` (already valid), with its hash index built. The
    /// strings must be distinct.
    #[cfg(test)]
    pub(crate) fn new(arena: String, offsets: Vec<u32>) -> Strings {
        let slots = Strings::index(&arena, &offsets);
        Strings::with_index(arena, offsets, slots)
    }

    /// The hash index of the distinct strings of `arena` and `offsets` (already valid), to
    /// pass to [`Strings::with_index`]: apart so that it can be built on another thread.
    pub(crate) fn index(arena: &str, offsets: &[u32]) -> Vec<u32> {
        let count = offsets.len() - 1;
        // At most two thirds full, and never full, so that every probe ends.
        let mut slots = vec![EMPTY_SLOT; count + count / 2 + 1];
        for id in 1..count {
            let s = &arena.as_bytes()[offsets[id] as usize..offsets[id + 1] as usize];
            let mut i = home(hash(s), slots.len());
            while slots[i] != EMPTY_SLOT {
                i = if i + 1 == slots.len() { 0 } else { i + 1 };
            }
            slots[i] = id as u32;
        }
        slots
    }

    /// The table of `arena` and `offsets` with `slots` from [`Strings::index`] over them.
    pub(crate) fn with_index(arena: String, offsets: Vec<u32>, slots: Vec<u32>) -> Strings {
        Strings {
            arena,
            offsets,
            slots,
        }
    }

    /// Number of strings, the empty string included.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The string `id`.
    pub(crate) fn get(&self, id: NameId) -> &str {
        let i = id.index();
        &self.arena[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The id of `s`, if the table has it.
    pub(crate) fn lookup(&self, s: &str) -> Option<NameId> {
        if s.is_empty() {
            return Some(NameId::EMPTY);
        }
        let mut i = home(hash(s.as_bytes()), self.slots.len());
        loop {
            let id = self.slots[i];
            if id == EMPTY_SLOT {
                return None;
            }
            if self.get(NameId(id)) == s {
                return Some(NameId(id));
            }
            i = if i + 1 == self.slots.len() { 0 } else { i + 1 };
        }
    }

    /// Checks a table read from a pool image, so that no id or offset it holds can make
    /// an accessor panic and no lookup can loop forever (all of [`check_offsets`],
    /// [`check_slots`] and [`Strings::check_boundaries`]).
    #[cfg(test)]
    pub(crate) fn validate(&self) -> Result<(), &'static str> {
        check_offsets(&self.offsets, self.arena.len())?;
        check_slots(&self.slots, self.len() as u32)?;
        self.check_boundaries()
    }

    /// Whether every offset falls on a character boundary of the arena (the offsets
    /// passed [`check_offsets`]).
    pub(crate) fn check_boundaries(&self) -> Result<(), &'static str> {
        if !self
            .offsets
            .iter()
            .all(|&x| self.arena.is_char_boundary(x as usize))
        {
            return Err("string offsets");
        }
        Ok(())
    }

    /// Approximate heap bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.arena.len() + 4 * (self.offsets.len() + self.slots.len())
    }
}

/// Checks string offsets read from a pool image: strings 0 (the empty string) and up,
/// never decreasing, ending at `arena_len`.
pub(crate) fn check_offsets(o: &[u32], arena_len: usize) -> Result<(), &'static str> {
    if o.len() < 2 || o[0] != 0 || o[1] != 0 {
        return Err("string offsets");
    }
    if !crate::image::never_decreasing(o) || o[o.len() - 1] as usize != arena_len {
        return Err("string offsets");
    }
    Ok(())
}

/// Checks a hash index read from a pool image over `count` strings: every id in range
/// and at least one empty slot, so that every probe ends.
pub(crate) fn check_slots(slots: &[u32], count: u32) -> Result<(), &'static str> {
    if !crate::image::all_below(slots.iter().copied(), count) || !slots.contains(&EMPTY_SLOT) {
        return Err("string index");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(strings: &[&str]) -> Strings {
        let mut arena = String::new();
        let mut offsets = vec![0, 0];
        for s in strings {
            arena.push_str(s);
            offsets.push(arena.len() as u32);
        }
        Strings::new(arena, offsets)
    }

    #[test]
    fn finds_every_string_and_nothing_else() {
        let names: Vec<String> = (0..5000).map(|i| format!("lib{i}.so()(64bit)")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let t = table(&refs);
        t.validate().unwrap();
        for (i, s) in refs.iter().enumerate() {
            assert_eq!(t.lookup(s), Some(NameId(i as u32 + 1)), "{s}");
            assert_eq!(t.get(NameId(i as u32 + 1)), *s);
        }
        assert_eq!(t.lookup(""), Some(NameId::EMPTY));
        assert_eq!(t.lookup("lib5000.so()(64bit)"), None);
    }

    #[test]
    fn validation_rejects_a_full_index_and_bad_offsets() {
        let mut t = table(&["a", "b"]);
        t.slots = vec![1, 2];
        assert_eq!(t.validate(), Err("string index"));
        let mut t = table(&["a", "b"]);
        t.slots[0] = 3;
        assert_eq!(t.validate(), Err("string index"));
        let mut t = table(&["ÿ"]);
        t.offsets = vec![0, 0, 1];
        t.arena = "ÿ".into();
        assert_eq!(t.validate(), Err("string offsets"));
    }
}
