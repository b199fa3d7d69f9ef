//! The string interner: every distinct string of a repository stored once.

use std::fmt;
use std::hash::BuildHasher;
use std::sync::OnceLock;

use hashbrown::{HashTable, hash_table};
use rustc_hash::FxBuildHasher;

/// Index of a string in a repository's [`StringTable`]. `StrId(0)` is always
/// the empty string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StrId(pub u32);

impl StrId {
    /// The id of the empty string.
    pub const EMPTY: StrId = StrId(0);

    /// Whether this is the empty string's id.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The id as an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Why a string table could not be rebuilt from raw parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringTableError {
    /// The offsets do not start at 0, decrease, or end past the arena.
    BadOffsets,
    /// An offset splits a UTF-8 character.
    NotCharBoundary,
    /// The first string is not the empty string.
    FirstNotEmpty,
}

impl fmt::Display for StringTableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StringTableError::BadOffsets => "string offsets are out of order or out of range",
            StringTableError::NotCharBoundary => "a string offset splits a UTF-8 character",
            StringTableError::FirstNotEmpty => "string 0 is not the empty string",
        })
    }
}

/// One contiguous arena of string bytes plus `u32` offsets; string `i` is
/// `arena[offsets[i]..offsets[i + 1]]`. A hash index (built lazily after a
/// table is loaded from a cache) makes [`StringTable::intern`] and
/// [`StringTable::lookup`] find existing strings.
pub struct StringTable {
    arena: String,
    offsets: Vec<u32>,
    index: OnceLock<HashTable<Entry>>,
}

/// A table entry: the string's id and a 32-bit hash of it, kept so that
/// growing the table never reads the arena again.
#[derive(Clone, Copy)]
struct Entry {
    id: u32,
    hash: u32,
}

/// The 32-bit hash stored in entries.
#[inline]
fn hash32(s: &str) -> u32 {
    let h = FxBuildHasher.hash_one(s);
    (h ^ (h >> 32)) as u32
}

/// The 64-bit hash hashbrown sees, derived from the stored 32 bits and
/// spread so that both its bucket index (low bits) and tag (high bits) vary.
#[inline]
fn spread(h: u32) -> u64 {
    u64::from(h).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// String `id`'s bytes (comparing bytes skips the char-boundary checks of `str` slicing).
#[inline]
fn slice_bytes<'a>(arena: &'a str, offsets: &[u32], id: u32) -> &'a [u8] {
    let i = id as usize;
    &arena.as_bytes()[offsets[i] as usize..offsets[i + 1] as usize]
}

fn slice<'a>(arena: &'a str, offsets: &[u32], id: u32) -> &'a str {
    let i = id as usize;
    &arena[offsets[i] as usize..offsets[i + 1] as usize]
}

impl StringTable {
    /// An empty table holding only the empty string.
    pub fn new() -> StringTable {
        StringTable::with_capacity(0, 0)
    }

    /// An empty table with room for `strings` strings of `bytes` bytes in all.
    pub fn with_capacity(strings: usize, bytes: usize) -> StringTable {
        let mut offsets = Vec::with_capacity(strings + 2);
        offsets.extend([0, 0]);
        let index = OnceLock::new();
        let _ = index.set(HashTable::with_capacity(strings));
        StringTable {
            arena: String::with_capacity(bytes),
            offsets,
            index,
        }
    }

    /// Rebuilds a table from its arena and offsets (as written by
    /// [`StringTable::arena`] and [`StringTable::offsets`]), checking that
    /// every string is in range and valid UTF-8 so that [`StringTable::get`]
    /// never panics on a valid id.
    pub fn from_parts(arena: String, offsets: Vec<u32>) -> Result<StringTable, StringTableError> {
        if offsets.len() < 2 || offsets[0] != 0 {
            return Err(StringTableError::BadOffsets);
        }
        if offsets[1] != 0 {
            return Err(StringTableError::FirstNotEmpty);
        }
        if offsets.windows(2).any(|w| w[0] > w[1])
            || *offsets.last().unwrap_or(&0) as usize != arena.len()
        {
            return Err(StringTableError::BadOffsets);
        }
        if !offsets.iter().all(|&o| arena.is_char_boundary(o as usize)) {
            return Err(StringTableError::NotCharBoundary);
        }
        Ok(StringTable {
            arena,
            offsets,
            index: OnceLock::new(),
        })
    }

    /// Number of strings, including the empty string.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Always false: the empty string is always present.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Total bytes of all strings.
    pub fn arena_len(&self) -> usize {
        self.arena.len()
    }

    /// The concatenated string bytes.
    pub fn arena(&self) -> &str {
        &self.arena
    }

    /// The `len() + 1` string boundaries into [`StringTable::arena`].
    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }

    /// The string with id `id`.
    ///
    /// # Panics
    /// If `id` does not belong to this table.
    pub fn get(&self, id: StrId) -> &str {
        slice(&self.arena, &self.offsets, id.0)
    }

    /// The string with id `id`, or `None` if the id is out of range.
    pub fn try_get(&self, id: StrId) -> Option<&str> {
        (id.index() < self.len()).then(|| self.get(id))
    }

    fn build_index(arena: &str, offsets: &[u32]) -> HashTable<Entry> {
        let count = offsets.len() - 1;
        let mut table = HashTable::with_capacity(count);
        for id in 1..count as u32 {
            let s = slice(arena, offsets, id);
            let hash = hash32(s);
            let found = table.find(spread(hash), |e: &Entry| {
                e.hash == hash && slice(arena, offsets, e.id) == s
            });
            if found.is_none() {
                table.insert_unique(spread(hash), Entry { id, hash }, |e| spread(e.hash));
            }
        }
        table
    }

    /// The id of `s` if it is in the table.
    pub fn lookup(&self, s: &str) -> Option<StrId> {
        if s.is_empty() {
            return Some(StrId::EMPTY);
        }
        let index = self
            .index
            .get_or_init(|| Self::build_index(&self.arena, &self.offsets));
        let hash = hash32(s);
        index
            .find(spread(hash), |e| {
                e.hash == hash && slice(&self.arena, &self.offsets, e.id) == s
            })
            .map(|e| StrId(e.id))
    }

    /// The id of `s`, adding it if it is new. Returns `None` when the table
    /// would exceed 4 GiB of string bytes or 2^32 strings.
    pub fn try_intern(&mut self, s: &str) -> Option<StrId> {
        if s.is_empty() {
            return Some(StrId::EMPTY);
        }
        if self.index.get().is_none() {
            let _ = self
                .index
                .set(Self::build_index(&self.arena, &self.offsets));
        }
        let StringTable {
            arena,
            offsets,
            index,
        } = self;
        let table = index.get_mut()?;
        let hash = hash32(s);
        // One probe finds the string or the slot it goes in.
        let slot = table.entry(
            spread(hash),
            |e| e.hash == hash && slice_bytes(arena, offsets, e.id) == s.as_bytes(),
            |e| spread(e.hash),
        );
        let vacant = match slot {
            hash_table::Entry::Occupied(found) => return Some(StrId(found.get().id)),
            hash_table::Entry::Vacant(vacant) => vacant,
        };
        let end = u32::try_from(arena.len() + s.len()).ok()?;
        let id = u32::try_from(offsets.len() - 1).ok()?;
        arena.push_str(s);
        offsets.push(end);
        vacant.insert(Entry { id, hash });
        Some(StrId(id))
    }

    /// The id of `s`, adding it if it is new.
    ///
    /// # Panics
    /// When the table would exceed 4 GiB of string bytes (use
    /// [`StringTable::try_intern`] to handle that).
    pub fn intern(&mut self, s: &str) -> StrId {
        self.try_intern(s)
            .expect("string table exceeds 4 GiB of string bytes")
    }

    /// The arena and offsets, consuming the table (the hash index is dropped).
    pub fn into_parts(self) -> (String, Vec<u32>) {
        (self.arena, self.offsets)
    }

    /// Drops the hash index (rebuilt by the next [`StringTable::lookup`] or
    /// [`StringTable::intern`]): a table only read by id needs none.
    pub fn release_index(&mut self) {
        self.index = OnceLock::new();
    }

    /// Releases spare capacity.
    pub fn shrink_to_fit(&mut self) {
        self.arena.shrink_to_fit();
        self.offsets.shrink_to_fit();
    }

    /// Approximate heap bytes used, including the hash index if built.
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity()
            + self.offsets.capacity() * 4
            + self.index.get().map_or(0, |t| t.capacity() * 9)
    }
}

impl Default for StringTable {
    fn default() -> Self {
        StringTable::new()
    }
}

impl Clone for StringTable {
    fn clone(&self) -> Self {
        StringTable {
            arena: self.arena.clone(),
            offsets: self.offsets.clone(),
            index: OnceLock::new(),
        }
    }
}

impl PartialEq for StringTable {
    fn eq(&self, other: &Self) -> bool {
        self.offsets == other.offsets && self.arena == other.arena
    }
}

impl Eq for StringTable {}

impl fmt::Debug for StringTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StringTable")
            .field("strings", &self.len())
            .field("bytes", &self.arena.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_once_and_reads_back() {
        let mut t = StringTable::new();
        assert_eq!(t.len(), 1);
        assert_eq!(t.get(StrId(0)), "");
        let a = t.intern("foo");
        let b = t.intern("bar");
        assert_eq!(t.intern("foo"), a);
        assert_eq!(t.intern(""), StrId::EMPTY);
        assert_ne!(a, b);
        assert_eq!(t.get(a), "foo");
        assert_eq!(t.get(b), "bar");
        assert_eq!(t.len(), 3);
        assert_eq!(t.lookup("bar"), Some(b));
        assert_eq!(t.lookup("baz"), None);
        assert_eq!(t.try_get(StrId(3)), None);
    }

    #[test]
    fn many_strings_survive_rehashing() {
        let mut t = StringTable::new();
        let ids: Vec<_> = (0..10_000).map(|i| t.intern(&format!("s{i}"))).collect();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(t.get(*id), format!("s{i}"));
            assert_eq!(t.intern(&format!("s{i}")), *id);
        }
    }

    #[test]
    fn from_parts_rebuilds_index_lazily() {
        let mut t = StringTable::new();
        let x = t.intern("x");
        let y = t.intern("ÿ");
        let u = StringTable::from_parts(t.arena().to_string(), t.offsets().to_vec()).unwrap();
        assert_eq!(u, t);
        assert_eq!(u.lookup("ÿ"), Some(y));
        let mut u = u;
        assert_eq!(u.intern("x"), x);
        assert_eq!(u.intern("new").0, 3);
    }

    #[test]
    fn from_parts_rejects_bad_input() {
        let e = |a: &str, o: Vec<u32>| StringTable::from_parts(a.to_string(), o).unwrap_err();
        assert_eq!(e("", vec![0]), StringTableError::BadOffsets);
        assert_eq!(e("ab", vec![0, 1, 2]), StringTableError::FirstNotEmpty);
        assert_eq!(e("ab", vec![0, 0, 2, 1]), StringTableError::BadOffsets);
        assert_eq!(e("ab", vec![0, 0, 3]), StringTableError::BadOffsets);
        assert_eq!(e("ÿ", vec![0, 0, 1, 2]), StringTableError::NotCharBoundary);
    }
}
