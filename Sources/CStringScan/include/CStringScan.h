#ifndef CONFORM_CSTRINGSCAN_H
#define CONFORM_CSTRINGSCAN_H

#include <stddef.h>
#include <stdint.h>

/// Whether this processor runs the routines below (x86-64 with AVX2, POPCNT and BMI1), unless the
/// environment sets CONFORM_SCALAR=1; checked once.
int conform_scan_string_available(void);

/// Reads the inside of a JSON string 32 bytes at a time, from `start` (at least 3: the three bytes
/// before it are read too) towards `end` (the end of the text).
///
/// Returns the offset of the first `"`, `\` or byte below 0x20, having checked that the UTF-8 of the
/// bytes before it is well-formed, added their continuation bytes (10xxxxxx) to `*continuations` and
/// set `*nonASCII` when one of them is 0x80 or above. Returns earlier when fewer than 32 bytes are
/// left or a block is malformed: at the first byte not yet read, or at the first byte of a character
/// the last block read left incomplete (its continuation bytes then not counted). The caller reads on
/// from there. Returns `start` when the processor lacks AVX2 or `start` is below 3.
ptrdiff_t conform_scan_string(
    const uint8_t *base, ptrdiff_t start, ptrdiff_t end, ptrdiff_t *continuations, int *nonASCII);

/// Reads escaped text inside a JSON string 64 and 32 bytes at a time from `start` towards `end`:
/// `\uXXXX` escapes (surrogates too, paired or alone) between plain ASCII bytes. Returns the offset of
/// the first byte it does not take: a `"`, a byte below 0x20 or of 0x80 and above, any other
/// backslash (another escape, or a malformed one), or the first of fewer than 32 bytes left. Every
/// escape before it is well-formed. Adds to `*extra` the bytes they have beyond the characters they
/// stand for (5 per escape, and one more per high surrogate followed by a low one: one character),
/// and sets `*nonASCII` when one of them stands for U+0080 or above. Never stops between the two
/// escapes of a pair. Returns `start` when the processor lacks AVX2.
ptrdiff_t conform_scan_escaped(
    const uint8_t *base, ptrdiff_t start, ptrdiff_t end, ptrdiff_t *extra, int *nonASCII);

/// Decodes the inside of a JSON string, `base[start..<end]` (`start` at least 3), into `out` (room
/// for `end - start` bytes), checking it as a strict reader checks a string: no byte below 0x20,
/// only the escapes JSON defines, four hex digits after `\u`, well-formed UTF-8. A lone surrogate
/// escape becomes U+FFFD. Returns the number of bytes written, -1 when a rule is broken, -2 when the
/// processor lacks AVX2 or `start` is below 3 (the caller then decodes it itself).
ptrdiff_t conform_unescape_string(const uint8_t *base, ptrdiff_t start, ptrdiff_t end, uint8_t *out);

/// The bytes of `base[start..<end]` that begin a character (all but continuation bytes, 0x80 to
/// 0xBF), 32 at a time; -1 when the processor lacks AVX2 (the caller then counts them itself).
ptrdiff_t conform_count_characters(const uint8_t *base, ptrdiff_t start, ptrdiff_t end);

/// Finds the closing quote of a JSON string whose first byte is at `start`, without checking the
/// string: the byte after each backslash is skipped. Returns its offset, or `end` or beyond when the
/// text ends first; -1 when the processor lacks AVX2 (the caller then skims it itself).
ptrdiff_t conform_skip_string(const uint8_t *base, ptrdiff_t start, ptrdiff_t end);

#endif
