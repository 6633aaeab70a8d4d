//! A small, bounds-checked reader for FlatBuffers tables, enough for FlatGeobuf: a table is a signed offset to
//! its vtable (field count and one `u16` offset per field, 0 for an absent field) followed by its fields; strings,
//! vectors and sub-tables are `u32` offsets forward from where the offset is stored. Every read checks the
//! buffer, so a corrupt buffer is an error naming the byte, never a panic or an out-of-bounds read.

use std::fmt;

/// Why a buffer cannot be read: what was wanted and at which byte of the buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BufError {
    pub what: &'static str,
    pub at: usize,
}

impl fmt::Display for BufError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is out of bounds (byte {} of its flatbuffer)", self.what, self.at)
    }
}

pub type Result<T> = std::result::Result<T, BufError>;

fn bytes<const N: usize>(buf: &[u8], at: usize, what: &'static str) -> Result<[u8; N]> {
    at.checked_add(N)
        .and_then(|end| buf.get(at..end))
        .and_then(|s| <[u8; N]>::try_from(s).ok())
        .ok_or(BufError { what, at })
}

fn u32_at(buf: &[u8], at: usize, what: &'static str) -> Result<u32> {
    bytes::<4>(buf, at, what).map(u32::from_le_bytes)
}

/// A table inside `buf` at byte `at`.
#[derive(Clone, Copy)]
pub struct Table<'a> {
    buf: &'a [u8],
    at: usize,
    vtable: usize,
    vtable_len: usize,
}

impl<'a> Table<'a> {
    /// The root table of a (not size-prefixed) buffer.
    ///
    /// # Errors
    /// [`BufError`] when the root offset or the vtable lies outside `buf`.
    pub fn root(buf: &'a [u8]) -> Result<Self> {
        let at = u32_at(buf, 0, "the root table offset")? as usize;
        Self::at(buf, at)
    }

    fn at(buf: &'a [u8], at: usize) -> Result<Self> {
        let soffset = i64::from(i32::from_le_bytes(bytes::<4>(buf, at, "a table")?));
        let vtable = usize::try_from(at as i64 - soffset).map_err(|_| BufError { what: "a vtable", at })?;
        let vtable_len = usize::from(u16::from_le_bytes(bytes::<2>(buf, vtable, "a vtable")?));
        if vtable_len < 4 || vtable.checked_add(vtable_len).is_none_or(|end| end > buf.len()) {
            return Err(BufError { what: "a vtable", at: vtable });
        }
        Ok(Self { buf, at, vtable, vtable_len })
    }

    /// Where field `index` is stored, or `None` when it is absent.
    fn field(&self, index: usize) -> Result<Option<usize>> {
        let slot = 4 + 2 * index;
        if slot + 2 > self.vtable_len {
            return Ok(None);
        }
        let off = u16::from_le_bytes(bytes::<2>(self.buf, self.vtable + slot, "a vtable entry")?);
        Ok((off != 0).then(|| self.at + usize::from(off)))
    }

    fn scalar<const N: usize>(&self, index: usize, what: &'static str) -> Result<Option<[u8; N]>> {
        self.field(index)?.map(|at| bytes::<N>(self.buf, at, what)).transpose()
    }

    /// A `u8`/`bool`/enum field, `default` when absent.
    ///
    /// # Errors
    /// [`BufError`] when the field lies outside the buffer.
    pub fn u8(&self, index: usize, default: u8) -> Result<u8> {
        Ok(self.scalar::<1>(index, "a byte field")?.map_or(default, |[b]| b))
    }

    /// A `u16` field, `default` when absent.
    ///
    /// # Errors
    /// [`BufError`] when the field lies outside the buffer.
    pub fn u16(&self, index: usize, default: u16) -> Result<u16> {
        Ok(self.scalar::<2>(index, "a u16 field")?.map_or(default, u16::from_le_bytes))
    }

    /// An `i32` field, `default` when absent.
    ///
    /// # Errors
    /// [`BufError`] when the field lies outside the buffer.
    pub fn i32(&self, index: usize, default: i32) -> Result<i32> {
        Ok(self.scalar::<4>(index, "an i32 field")?.map_or(default, i32::from_le_bytes))
    }

    /// A `u64` field, `default` when absent.
    ///
    /// # Errors
    /// [`BufError`] when the field lies outside the buffer.
    pub fn u64(&self, index: usize, default: u64) -> Result<u64> {
        Ok(self.scalar::<8>(index, "a u64 field")?.map_or(default, u64::from_le_bytes))
    }

    /// Where an offset field points, or `None` when absent.
    fn target(&self, index: usize, what: &'static str) -> Result<Option<usize>> {
        let Some(at) = self.field(index)? else { return Ok(None) };
        let off = u32_at(self.buf, at, what)? as usize;
        at.checked_add(off).map(Some).ok_or(BufError { what, at })
    }

    /// A vector field: (start of its elements, element count), checked to fit `element_bytes` each.
    fn vector(&self, index: usize, element_bytes: usize, what: &'static str) -> Result<Option<(usize, usize)>> {
        let Some(at) = self.target(index, what)? else { return Ok(None) };
        let len = u32_at(self.buf, at, what)? as usize;
        let start = at + 4;
        let fits =
            len.checked_mul(element_bytes).and_then(|n| n.checked_add(start)).is_some_and(|end| end <= self.buf.len());
        if !fits {
            return Err(BufError { what, at });
        }
        Ok(Some((start, len)))
    }

    /// A byte-vector field (empty when absent).
    ///
    /// # Errors
    /// [`BufError`] when the vector does not fit in the buffer.
    pub fn bytes(&self, index: usize) -> Result<&'a [u8]> {
        Ok(match self.vector(index, 1, "a byte vector")? {
            Some((start, len)) => self.buf.get(start..start + len).unwrap_or_default(),
            None => &[],
        })
    }

    /// A string field (lossy UTF-8), `None` when absent.
    ///
    /// # Errors
    /// [`BufError`] when the string does not fit in the buffer.
    pub fn string(&self, index: usize) -> Result<Option<String>> {
        Ok(self.vector(index, 1, "a string")?.map(|(start, len)| {
            String::from_utf8_lossy(self.buf.get(start..start + len).unwrap_or_default()).into_owned()
        }))
    }

    /// A `[double]` field (empty when absent).
    ///
    /// # Errors
    /// [`BufError`] when the vector does not fit in the buffer.
    pub fn f64s(&self, index: usize) -> Result<Vec<f64>> {
        let Some((start, len)) = self.vector(index, 8, "a vector of doubles")? else { return Ok(Vec::new()) };
        let raw = self.buf.get(start..start + 8 * len).unwrap_or_default();
        Ok(raw.chunks_exact(8).filter_map(|c| <[u8; 8]>::try_from(c).ok()).map(f64::from_le_bytes).collect())
    }

    /// A `[uint]` field (empty when absent).
    ///
    /// # Errors
    /// [`BufError`] when the vector does not fit in the buffer.
    pub fn u32s(&self, index: usize) -> Result<Vec<u32>> {
        let Some((start, len)) = self.vector(index, 4, "a vector of uints")? else { return Ok(Vec::new()) };
        let raw = self.buf.get(start..start + 4 * len).unwrap_or_default();
        Ok(raw.chunks_exact(4).filter_map(|c| <[u8; 4]>::try_from(c).ok()).map(u32::from_le_bytes).collect())
    }

    /// A sub-table field, `None` when absent.
    ///
    /// # Errors
    /// [`BufError`] when the table lies outside the buffer.
    pub fn table(&self, index: usize) -> Result<Option<Table<'a>>> {
        self.target(index, "a sub-table")?.map(|at| Self::at(self.buf, at)).transpose()
    }

    /// A vector-of-tables field (empty when absent).
    ///
    /// # Errors
    /// [`BufError`] when the vector or one of its tables lies outside the buffer.
    pub fn tables(&self, index: usize) -> Result<Vec<Table<'a>>> {
        let Some((start, len)) = self.vector(index, 4, "a vector of tables")? else { return Ok(Vec::new()) };
        (0..len)
            .map(|i| {
                let at = start + 4 * i;
                let off = u32_at(self.buf, at, "a table in a vector")? as usize;
                Self::at(self.buf, at + off)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A table with one `u16` field (index 1) = 7 and a string field (index 0) = "ab".
    fn sample() -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&12u32.to_le_bytes()); // root offset → table at 12
        // vtable at 4: len 8, table size 10, field0 at +4, field1 at +8
        b.extend_from_slice(&[8, 0, 10, 0, 4, 0, 8, 0]);
        b.extend_from_slice(&8i32.to_le_bytes()); // table at 12: soffset 8 → vtable at 4
        b.extend_from_slice(&8u32.to_le_bytes()); // field0 at 16: string at 24
        b.extend_from_slice(&[7, 0, 0, 0]); // field1 at 20
        b.extend_from_slice(&2u32.to_le_bytes());
        b.extend_from_slice(b"ab\0");
        b
    }

    #[test]
    fn fields_read_and_absent_fields_give_their_default() {
        let b = sample();
        let t = Table::root(&b).unwrap();
        assert_eq!(t.string(0).unwrap().as_deref(), Some("ab"));
        assert_eq!(t.u16(1, 16).unwrap(), 7);
        assert_eq!(t.u16(5, 16).unwrap(), 16);
        assert!(t.f64s(9).unwrap().is_empty());
    }

    #[test]
    fn a_cut_buffer_is_an_error_naming_the_byte_not_a_panic() {
        let b = sample();
        for cut in 0..b.len() - 1 {
            let short = &b[..cut];
            let value = Table::root(short).and_then(|t| t.string(0));
            assert!(value.is_err(), "cut at {cut}: {value:?}");
        }
        assert_eq!(Table::root(&b[..20]).and_then(|t| t.string(0)).unwrap_err().at, 24);
    }
}
