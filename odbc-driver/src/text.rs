//! Strings across the ODBC API: the ANSI functions take UTF-8 (`SQLCHAR`, what unixODBC passes on
//! Linux), the wide (`W`) ones UTF-16 (`SQLWCHAR`). Every function is written once, generic over
//! the character unit, and exported twice.

use redwood_core::Result;

/// A character unit of the API: `u8` (UTF-8) or `u16` (UTF-16).
pub(crate) trait CharUnit: Copy + Default + PartialEq + 'static {
    /// Bytes per unit.
    const SIZE: usize;
    fn decode(units: &[Self]) -> String;
    fn encode(text: &str) -> Vec<Self>;
    /// Whether a string may be cut after `units[..at]` without splitting a character.
    fn boundary(units: &[Self], at: usize) -> bool;
}

impl CharUnit for u8 {
    const SIZE: usize = 1;
    fn decode(units: &[u8]) -> String {
        String::from_utf8_lossy(units).into_owned()
    }
    fn encode(text: &str) -> Vec<u8> {
        text.as_bytes().to_vec()
    }
    fn boundary(units: &[u8], at: usize) -> bool {
        // Not in front of a UTF-8 continuation byte.
        units.get(at).is_none_or(|b| (b & 0xC0) != 0x80)
    }
}

impl CharUnit for u16 {
    const SIZE: usize = 2;
    fn decode(units: &[u16]) -> String {
        String::from_utf16_lossy(units)
    }
    fn encode(text: &str) -> Vec<u16> {
        text.encode_utf16().collect()
    }
    fn boundary(units: &[u16], at: usize) -> bool {
        // Not in front of the low half of a surrogate pair.
        units.get(at).is_none_or(|u| !(0xDC00..0xE000).contains(u))
    }
}

/// `SQL_NTS`: the string ends at its first NUL.
pub(crate) const NTS: isize = -3;

/// An input string of `len` units (or [`NTS`]); `None` for a null pointer.
///
/// # Safety
/// `ptr` is null or points to `len` units (to a NUL when `len` is `NTS`).
pub(crate) unsafe fn read<C: CharUnit>(ptr: *const C, len: isize) -> Result<Option<String>> {
    if ptr.is_null() {
        return Ok(None);
    }
    let len = match len {
        NTS => {
            let mut n = 0;
            // SAFETY: the string goes on up to its NUL (the caller's guarantee).
            while unsafe { *ptr.add(n) } != C::default() {
                n += 1;
            }
            n
        }
        n if n < 0 => return Err(odbc_error!("HY090", "invalid string length {n}")),
        n => n as usize,
    };
    // SAFETY: `len` units from `ptr` are the string (the caller's guarantee, or counted above).
    Ok(Some(C::decode(unsafe { std::slice::from_raw_parts(ptr, len) })))
}

/// What writing a string into a caller's buffer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Written {
    /// Units of the whole string (what the length output reports, in units or bytes).
    pub total: usize,
    /// Units copied (without the NUL).
    pub copied: usize,
}

impl Written {
    pub(crate) fn truncated(&self) -> bool {
        self.copied < self.total
    }
}

/// Copies `units` into `buf` (room for `capacity` units, NUL included), cut at a character
/// boundary, NUL-terminated when there is room for the NUL.
///
/// # Safety
/// `buf` is null or valid for `capacity` units.
pub(crate) unsafe fn write_units<C: CharUnit>(units: &[C], buf: *mut C, capacity: usize) -> Written {
    let mut copied = 0;
    if !buf.is_null() && capacity > 0 {
        copied = units.len().min(capacity - 1);
        while copied > 0 && !C::boundary(units, copied) {
            copied -= 1;
        }
        // SAFETY: `copied` < `capacity` units, for which `buf` is valid (the caller's guarantee);
        // `units` is ours, so the two do not overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(units.as_ptr(), buf, copied);
            *buf.add(copied) = C::default();
        }
    }
    Written { total: units.len(), copied }
}

/// [`write_units`] for a string.
///
/// # Safety
/// As [`write_units`].
pub(crate) unsafe fn write<C: CharUnit>(text: &str, buf: *mut C, capacity: usize) -> Written {
    // SAFETY: the caller's guarantee is `write_units`'.
    unsafe { write_units(&C::encode(text), buf, capacity) }
}

/// Stores `value` through an optional output pointer of any integer type.
///
/// # Safety
/// `ptr` is null or valid for writing a `T`.
pub(crate) unsafe fn put<T: TryFrom<usize> + TryFrom<isize>>(ptr: *mut T, value: usize) {
    if !ptr.is_null() {
        if let Ok(v) = T::try_from(value) {
            // SAFETY: not null, so valid for writing a `T` (the caller's guarantee).
            unsafe { ptr.write_unaligned(v) };
        }
    }
}

/// [`write`] with the length output in units (the SQLDescribeCol, SQLGetDiagRec style): 01004
/// (as a warning the caller adds) when truncated.
///
/// # Safety
/// `buf` valid for `capacity` units, `len_out` null or valid.
pub(crate) unsafe fn write_counted<C: CharUnit, L: TryFrom<usize> + TryFrom<isize>>(
    text: &str,
    buf: *mut C,
    capacity: isize,
    len_out: *mut L,
) -> Result<Written> {
    if capacity < 0 {
        return Err(odbc_error!("HY090", "invalid buffer length {capacity}"));
    }
    // SAFETY: the caller's guarantee is `write`'s and `put`'s.
    let written = unsafe { write(text, buf, capacity as usize) };
    // SAFETY: as above.
    unsafe { put(len_out, written.total) };
    Ok(written)
}

/// [`write`] with the buffer and the length output in bytes (the SQLGetInfo, SQLColAttribute,
/// SQLGetConnectAttr style).
///
/// # Safety
/// As [`write_counted`], `capacity` in bytes.
pub(crate) unsafe fn write_bytes_counted<C: CharUnit, L: TryFrom<usize> + TryFrom<isize>>(
    text: &str,
    buf: *mut C,
    capacity: isize,
    len_out: *mut L,
) -> Result<Written> {
    if capacity < 0 {
        return Err(odbc_error!("HY090", "invalid buffer length {capacity}"));
    }
    // SAFETY: `capacity` bytes are `capacity / C::SIZE` units; the rest as above.
    let written = unsafe { write(text, buf, capacity as usize / C::SIZE) };
    // SAFETY: as above.
    unsafe { put(len_out, written.total * C::SIZE) };
    Ok(written)
}

#[cfg(test)]
#[allow(
    clippy::undocumented_unsafe_blocks,
    reason = "every pointer is to a local buffer of the length passed beside it"
)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_truncates_at_character_boundaries() {
        let mut buf = [0u8; 4];
        let w = unsafe { write("aé€", buf.as_mut_ptr(), 4) };
        // 'a' (1) + 'é' (2) fit in 3 units; '€' (3 bytes) does not.
        assert_eq!((w.total, w.copied), (6, 3));
        assert_eq!(&buf[..4], "aé\0".as_bytes());
        let mut wide = [0u16; 3];
        let w = unsafe { write("a😀", wide.as_mut_ptr(), 3) };
        assert_eq!((w.total, w.copied), (3, 1), "a surrogate pair is not split");
        assert_eq!(unsafe { read(wide.as_ptr(), NTS) }.unwrap().unwrap(), "a");
        let units: Vec<u16> = "x😀y".encode_utf16().collect();
        assert_eq!(unsafe { read(units.as_ptr(), units.len() as isize) }.unwrap().unwrap(), "x😀y");
        assert!(unsafe { read(units.as_ptr(), -7) }.is_err());
    }
}
