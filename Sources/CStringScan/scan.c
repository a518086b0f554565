#include "CStringScan.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

// Error classes of a byte pair (the previous byte's two nibbles, this byte's high nibble), after
// "Validating UTF-8 In Less Than One Instruction Per Byte" (Keiser and Lemire, 2021). A pair is
// malformed when the three lookups share a bit, except that two continuation bytes in a row are
// right exactly where the byte two or three back begins a three- or four-byte character.
enum {
    TOO_SHORT = 1 << 0,   // a lead byte, then no continuation
    TOO_LONG = 1 << 1,    // ASCII, then a continuation
    OVERLONG_3 = 1 << 2,  // E0 80..9F
    TOO_LARGE = 1 << 3,   // F4 90..BF, F5..FF
    SURROGATE = 1 << 4,   // ED A0..BF
    OVERLONG_2 = 1 << 5,  // C0, C1
    TOO_LARGE_1000 = 1 << 6,
    OVERLONG_4 = 1 << 6,  // F0 80..8F
    TWO_CONTS = 1 << 7,   // a continuation, then a continuation
    CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS,
};

// By the high nibble of the previous byte.
static const uint8_t byte1High[16] = {
    TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG,
    TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS,
    TOO_SHORT | OVERLONG_2, TOO_SHORT, TOO_SHORT | OVERLONG_3 | SURROGATE,
    TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4,
};
// By the low nibble of the previous byte.
static const uint8_t byte1Low[16] = {
    CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, CARRY | OVERLONG_2, CARRY, CARRY, CARRY | TOO_LARGE,
    CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000, CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE, CARRY | TOO_LARGE | TOO_LARGE_1000,
    CARRY | TOO_LARGE | TOO_LARGE_1000,
};
// By the high nibble of this byte.
static const uint8_t byte2High[16] = {
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | OVERLONG_4,
    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
};

/// A 16-entry table in both halves of a vector, for `_mm256_shuffle_epi8`.
__attribute__((target("avx2"))) static inline __m256i table(const uint8_t entries[16]) {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)entries));
}

/// Non-zero lanes where `input` (after `prev1`, `prev2`, `prev3`) breaks UTF-8.
__attribute__((target("avx2"))) static inline __m256i malformed(__m256i input, __m256i prev1, __m256i prev2, __m256i prev3) {
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    __m256i classes = _mm256_and_si256(
        _mm256_and_si256(
            _mm256_shuffle_epi8(table(byte1High), _mm256_and_si256(_mm256_srli_epi16(prev1, 4), nibble)),
            _mm256_shuffle_epi8(table(byte1Low), _mm256_and_si256(prev1, nibble))),
        _mm256_shuffle_epi8(table(byte2High), _mm256_and_si256(_mm256_srli_epi16(input, 4), nibble)));
    // 0x80 where the byte two back is E0 or above, or the byte three back F0 or above.
    __m256i third = _mm256_subs_epu8(prev2, _mm256_set1_epi8((char)(0xE0 - 0x80)));
    __m256i fourth = _mm256_subs_epu8(prev3, _mm256_set1_epi8((char)(0xF0 - 0x80)));
    __m256i due = _mm256_and_si256(_mm256_or_si256(third, fourth), _mm256_set1_epi8((char)0x80));
    return _mm256_xor_si256(due, classes);
}

static inline uint32_t below(uint32_t lane) {
    // Lanes 0 ..< lane.
    return lane >= 32 ? 0xFFFFFFFFu : ((1u << lane) - 1);
}

__attribute__((target("avx2,popcnt,bmi"))) static ptrdiff_t scan_avx2(
    const uint8_t *base, ptrdiff_t start, ptrdiff_t end, ptrdiff_t *continuations, int *nonASCII) {
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    const __m256i control = _mm256_set1_epi8(0x1F);
    const __m256i top2 = _mm256_set1_epi8((char)0xC0);
    const __m256i continuation = _mm256_set1_epi8((char)0x80);
    ptrdiff_t i = start;
    ptrdiff_t counted = 0;
    int high = 0;
    int carried = 0;
    // Long runs: 64 bytes a step while there is no stop and the text is well-formed. A block is checked
    // when it or the one before it holds a byte of 0x80 or above (a character cut by the last block
    // left high bytes there); the first block with a stop or an error goes to the loop below.
    uint32_t previousHigh = 0;
    while (i + 64 <= end) {
        __m256i v0 = _mm256_loadu_si256((const __m256i *)(base + i));
        __m256i v1 = _mm256_loadu_si256((const __m256i *)(base + i + 32));
        __m256i stop0 = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(v0, quote), _mm256_cmpeq_epi8(v0, backslash)),
            _mm256_cmpeq_epi8(_mm256_min_epu8(v0, control), v0));
        __m256i stop1 = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(v1, quote), _mm256_cmpeq_epi8(v1, backslash)),
            _mm256_cmpeq_epi8(_mm256_min_epu8(v1, control), v1));
        if (!_mm256_testz_si256(_mm256_or_si256(stop0, stop1), _mm256_or_si256(stop0, stop1))) break;
        uint32_t high0 = (uint32_t)_mm256_movemask_epi8(v0);
        uint32_t high1 = (uint32_t)_mm256_movemask_epi8(v1);
        if (high0 | high1 | previousHigh) {
            __m256i bad0 = malformed(v0, _mm256_loadu_si256((const __m256i *)(base + i - 1)),
                _mm256_loadu_si256((const __m256i *)(base + i - 2)), _mm256_loadu_si256((const __m256i *)(base + i - 3)));
            __m256i bad1 = malformed(v1, _mm256_loadu_si256((const __m256i *)(base + i + 31)),
                _mm256_loadu_si256((const __m256i *)(base + i + 30)), _mm256_loadu_si256((const __m256i *)(base + i + 29)));
            __m256i bad = _mm256_or_si256(bad0, bad1);
            if (!_mm256_testz_si256(bad, bad)) break;
            // Continuation bytes (0x80 to 0xBF) are those below -64 as signed bytes.
            const __m256i continuationLimit = _mm256_set1_epi8(-64);
            uint64_t conts = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(continuationLimit, v0))
                | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(continuationLimit, v1)) << 32;
            counted += __builtin_popcountll(conts);
            if (high0 | high1) high = 1;
        }
        previousHigh = high1;
        i += 64;
    }
    // The loop below checks a block after one that ended inside a character.
    if (i > start) carried = base[i - 1] >= 0xC0 || base[i - 2] >= 0xE0 || base[i - 3] >= 0xF0;
    while (i + 32 <= end) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(base + i));
        __m256i isControl = _mm256_cmpeq_epi8(_mm256_min_epu8(v, control), v);
        uint32_t stops = (uint32_t)_mm256_movemask_epi8(
            _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, backslash)), isControl));
        uint32_t highLanes = (uint32_t)_mm256_movemask_epi8(v);
        uint32_t lanes = stops ? below((uint32_t)__builtin_ctz(stops)) : 0xFFFFFFFFu;
        if ((highLanes & lanes) || carried) {
            __m256i prev1 = _mm256_loadu_si256((const __m256i *)(base + i - 1));
            __m256i prev2 = _mm256_loadu_si256((const __m256i *)(base + i - 2));
            __m256i prev3 = _mm256_loadu_si256((const __m256i *)(base + i - 3));
            uint32_t bad = (uint32_t)_mm256_movemask_epi8(
                _mm256_cmpgt_epi8(_mm256_min_epu8(malformed(v, prev1, prev2, prev3), _mm256_set1_epi8(1)), _mm256_setzero_si256()));
            // With a stop, its own lane too: a character it cuts short is an error.
            uint32_t checked = stops ? below((uint32_t)__builtin_ctz(stops) + 1) : 0xFFFFFFFFu;
            if (bad & checked) break;
            uint32_t conts = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(v, top2), continuation));
            counted += __builtin_popcount(conts & lanes);
            if (highLanes & lanes) high = 1;
        }
        if (stops) {
            *continuations += counted;
            if (high) *nonASCII = 1;
            return i + __builtin_ctz(stops);
        }
        carried = base[i + 31] >= 0xC0 || base[i + 30] >= 0xE0 || base[i + 29] >= 0xF0;
        i += 32;
    }
    if (carried) {
        // Back to the first byte of the character the last block left incomplete.
        ptrdiff_t lead = base[i - 1] >= 0xC0 ? i - 1 : (base[i - 2] >= 0xE0 ? i - 2 : i - 3);
        counted -= i - lead - 1;
        i = lead;
    }
    *continuations += counted;
    if (high) *nonASCII = 1;
    return i;
}

/// The lanes set in a comparison's result, as bits.
__attribute__((target("avx2"))) static inline uint32_t lanesOf(__m256i lanes) {
    return (uint32_t)_mm256_movemask_epi8(lanes);
}

/// Lanes (as bits) of `v` equal to `c`.
__attribute__((target("avx2"))) static inline uint32_t lanesEqual(__m256i v, char c) {
    return lanesOf(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(c)));
}

/// Lanes from `low` to `high` (unsigned bytes), as a vector.
__attribute__((target("avx2"))) static inline __m256i vectorIn(__m256i v, uint8_t low, uint8_t high) {
    __m256i shifted = _mm256_sub_epi8(v, _mm256_set1_epi8((char)low));
    return _mm256_cmpeq_epi8(_mm256_min_epu8(shifted, _mm256_set1_epi8((char)(high - low))), shifted);
}

/// Lanes of `v` from `low` to `high` (unsigned bytes).
__attribute__((target("avx2"))) static inline uint32_t lanesIn(__m256i v, uint8_t low, uint8_t high) {
    return lanesOf(vectorIn(v, low, high));
}

/// The lane masks escaped text is judged by (bit p: lane p): always the first five, the others only
/// when a block needs them.
typedef struct {
    uint64_t backslash;
    /// A quote, a control byte or a byte of 0x80 and above: the stretch read here ends there.
    uint64_t stops;
    uint64_t u;
    uint64_t hex;
    /// `d` or `D` (a surrogate's first digit).
    uint64_t d;
} EscapeLanes;

__attribute__((target("avx2"))) static inline EscapeLanes escapeLanes(__m256i v) {
    __m256i folded = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
    EscapeLanes lanes;
    lanes.backslash = lanesEqual(v, '\\');
    // Signed: bytes of 0x80 and above are below 0x20 too.
    lanes.stops = lanesOf(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')), _mm256_cmpgt_epi8(_mm256_set1_epi8(0x20), v)));
    lanes.u = lanesEqual(v, 'u');
    lanes.hex = lanesOf(_mm256_or_si256(vectorIn(v, '0', '9'), vectorIn(folded, 'a', 'f')));
    lanes.d = lanesEqual(folded, 'd');
    return lanes;
}

/// Lanes of `v` holding `8` to `b` (a high surrogate's second digit), and `c` to `f` (a low one's).
__attribute__((target("avx2"))) static inline void surrogateDigits(__m256i v, uint64_t *high, uint64_t *low) {
    __m256i folded = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
    *high = lanesOf(_mm256_or_si256(vectorIn(v, '8', '9'), vectorIn(folded, 'a', 'b')));
    *low = lanesIn(folded, 'c', 'f');
}

/// Lanes of `v` holding `0`, and `0` to `7`.
__attribute__((target("avx2"))) static inline void asciiDigits(__m256i v, uint64_t *zero, uint64_t *upTo7) {
    *zero = lanesEqual(v, '0');
    *upTo7 = lanesIn(v, '0', '7');
}

/// Judges a block of `width` (64 or 32) bytes, `v0` and (for 64) `v1`, whose first lane masks are
/// given. Returns how many bytes are taken; sets `*stopped` when the block ends there (a quote, a
/// control or non-ASCII byte, a backslash that is not a `\uXXXX` escape), not because an escape, or a
/// high surrogate whose low one may follow, runs past the block (the next block then starts at it).
__attribute__((target("avx2,popcnt,bmi"))) static inline uint32_t judgeEscaped(
    EscapeLanes lanes, __m256i v0, __m256i v1, uint32_t width, ptrdiff_t *extra, uint64_t *wide, int *stopped) {
    // Bit p of `m >> k` is lane p + k of `m`: an escape's letters and digits are looked for after its
    // backslash, inside the block (a backslash in the last five lanes cannot be judged here).
    uint64_t hex = lanes.hex;
    uint64_t escape = lanes.backslash & (lanes.u >> 1) & (hex >> 2) & (hex >> 3) & (hex >> 4) & (hex >> 5);
    uint64_t surrogate = escape & (lanes.d >> 2);
    uint64_t high = 0;
    uint64_t low = 0;
    if (surrogate) {
        uint64_t highDigit, lowDigit, highDigit1 = 0, lowDigit1 = 0;
        surrogateDigits(v0, &highDigit, &lowDigit);
        if (width == 64) surrogateDigits(v1, &highDigit1, &lowDigit1);
        high = surrogate & ((highDigit | highDigit1 << 32) >> 3);
        low = surrogate & ((lowDigit | lowDigit1 << 32) >> 3);
    }
    uint64_t judged = (1ULL << (width - 5)) - 1;
    // Any other backslash ends the stretch: another escape (read by the caller), or a malformed one.
    uint64_t stopLanes = lanes.stops | (lanes.backslash & ~escape & judged);
    // A backslash the block's end cuts, or a high surrogate whose partner would be cut: read again
    // from there, as the first lanes of the next block.
    uint64_t cutLanes = (lanes.backslash & ~judged) | (high & ~((1ULL << (width - 11)) - 1));
    uint32_t stop = stopLanes ? (uint32_t)__builtin_ctzll(stopLanes) : width;
    uint32_t cut = cutLanes ? (uint32_t)__builtin_ctzll(cutLanes) : width;
    uint32_t limit = stop < cut ? stop : cut;
    uint64_t before = limit >= 64 ? ~0ULL : (1ULL << limit) - 1;
    uint64_t taken = escape & before;
    // Six bytes stand for one character; a high surrogate followed by a low one: twelve for one.
    *extra += 5 * (ptrdiff_t)__builtin_popcountll(taken) + (ptrdiff_t)__builtin_popcountll(high & (low >> 6) & before);
    if (!*wide && taken) {
        // Until one is found: an escape of U+0080 or above (not backslash, u, 0, 0, then 0 to 7).
        uint64_t zero, upTo7, zero1 = 0, upTo71 = 0;
        asciiDigits(v0, &zero, &upTo7);
        if (width == 64) asciiDigits(v1, &zero1, &upTo71);
        zero |= zero1 << 32;
        upTo7 |= upTo71 << 32;
        *wide |= taken & ~((zero >> 2) & (zero >> 3) & (upTo7 >> 4));
    }
    *stopped = stop <= cut && stop < width;
    return limit;
}

__attribute__((target("avx2,popcnt,bmi"))) static ptrdiff_t escaped_avx2(
    const uint8_t *base, ptrdiff_t start, ptrdiff_t end, ptrdiff_t *extra, int *nonASCII) {
    ptrdiff_t i = start;
    uint64_t wide = 0;
    int stopped = 0;
    // 64 bytes a step (an escape run rarely ends before), the lane masks of both halves joined.
    while (!stopped && i + 64 <= end) {
        __m256i v0 = _mm256_loadu_si256((const __m256i *)(base + i));
        __m256i v1 = _mm256_loadu_si256((const __m256i *)(base + i + 32));
        EscapeLanes a = escapeLanes(v0);
        EscapeLanes b = escapeLanes(v1);
        EscapeLanes joined = {
            a.backslash | b.backslash << 32, a.stops | b.stops << 32, a.u | b.u << 32, a.hex | b.hex << 32,
            a.d | b.d << 32};
        i += judgeEscaped(joined, v0, v1, 64, extra, &wide, &stopped);
    }
    while (!stopped && i + 32 <= end) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(base + i));
        i += judgeEscaped(escapeLanes(v), v, v, 32, extra, &wide, &stopped);
    }
    if (wide) *nonASCII = 1;
    return i;
}

/// The bytes of a 64-byte block that a backslash escapes (those after a run of backslashes of odd
/// length), given `backslashes`; `*carry` is 1 when the last block ended with such a run (its first
/// byte is escaped), and is set for the next block. After Langdale and Lemire, "Parsing Gigabytes of
/// JSON per Second" (2019): adding a run's first bit to the run carries to the byte after it, which
/// lies at a position of the other parity than the start exactly when the run is odd.
static inline uint64_t escapedBytes(uint64_t backslashes, uint64_t *carry) {
    const uint64_t evenBits = 0x5555555555555555ULL;
    uint64_t starts = backslashes & ~(backslashes << 1);
    // A run that goes on from an odd run of the last block counts as starting at an odd position.
    uint64_t evenStart = evenBits ^ *carry;
    uint64_t fromEven = backslashes + (starts & evenStart);
    uint64_t fromOdd;
    uint64_t overflow = __builtin_add_overflow(backslashes, starts & ~evenStart, &fromOdd);
    fromOdd |= *carry;
    *carry = overflow;
    return (fromEven & ~backslashes & ~evenBits) | (fromOdd & ~backslashes & evenBits);
}

__attribute__((target("avx2,bmi"))) static ptrdiff_t skip_avx2(const uint8_t *base, ptrdiff_t i, ptrdiff_t end) {
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    // Whether the first byte of the next block is escaped.
    uint64_t carry = 0;
    // 64 bytes a step, without a branch per backslash: escaped text (a HAR body) has one every few bytes.
    while (i + 64 <= end) {
        __m256i v0 = _mm256_loadu_si256((const __m256i *)(base + i));
        __m256i v1 = _mm256_loadu_si256((const __m256i *)(base + i + 32));
        uint64_t quotes = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, quote))
            | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, quote)) << 32;
        uint64_t backslashes = (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, backslash))
            | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v1, backslash)) << 32;
        quotes &= ~escapedBytes(backslashes, &carry);
        if (quotes) return i + __builtin_ctzll(quotes);
        i += 64;
    }
    if (carry) i += 1;
    while (i < end) {
        if (base[i] == '"') return i;
        i += base[i] == '\\' ? 2 : 1;
    }
    return i;
}

static inline int hexDigit(uint8_t c) {
    if ((uint8_t)(c - '0') < 10) return c - '0';
    c |= 0x20;
    if ((uint8_t)(c - 'a') < 6) return c - 'a' + 10;
    return -1;
}

/// The value of four hex digits, or -1.
static inline int32_t hex4(const uint8_t *p) {
    int a = hexDigit(p[0]), b = hexDigit(p[1]), c = hexDigit(p[2]), d = hexDigit(p[3]);
    if ((a | b | c | d) < 0) return -1;
    return (int32_t)(a << 12 | b << 8 | c << 4 | d);
}

static inline ptrdiff_t encode(uint32_t scalar, uint8_t *out) {
    if (scalar < 0x80) {
        out[0] = (uint8_t)scalar;
        return 1;
    }
    if (scalar < 0x800) {
        out[0] = (uint8_t)(0xC0 | (scalar >> 6));
        out[1] = (uint8_t)(0x80 | (scalar & 0x3F));
        return 2;
    }
    if (scalar < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (scalar >> 12));
        out[1] = (uint8_t)(0x80 | ((scalar >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (scalar & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (scalar >> 18));
    out[1] = (uint8_t)(0x80 | ((scalar >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((scalar >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (scalar & 0x3F));
    return 4;
}

/// Whether `base[start..<end]` is well-formed UTF-8 without a byte below 0x20 (the three bytes
/// before `start` are read, and must not leave a character open).
__attribute__((target("avx2"))) static int checkText(const uint8_t *base, ptrdiff_t start, ptrdiff_t end) {
    const __m256i control = _mm256_set1_epi8(0x1F);
    __m256i errors = _mm256_setzero_si256();
    ptrdiff_t i = start;
    for (; i + 32 <= end; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(base + i));
        __m256i prev1 = _mm256_loadu_si256((const __m256i *)(base + i - 1));
        __m256i prev2 = _mm256_loadu_si256((const __m256i *)(base + i - 2));
        __m256i prev3 = _mm256_loadu_si256((const __m256i *)(base + i - 3));
        errors = _mm256_or_si256(errors, malformed(v, prev1, prev2, prev3));
        errors = _mm256_or_si256(errors, _mm256_cmpeq_epi8(_mm256_min_epu8(v, control), v));
    }
    // The rest, then spaces: a character the text ends inside is an error at the first space.
    uint8_t tail[3 + 32];
    ptrdiff_t rest = end - i;
    memcpy(tail, base + i - 3, 3 + (size_t)rest);
    memset(tail + 3 + rest, ' ', (size_t)(32 - rest));
    __m256i v = _mm256_loadu_si256((const __m256i *)(tail + 3));
    errors = _mm256_or_si256(errors, malformed(v, _mm256_loadu_si256((const __m256i *)(tail + 2)),
        _mm256_loadu_si256((const __m256i *)(tail + 1)), _mm256_loadu_si256((const __m256i *)tail)));
    errors = _mm256_or_si256(errors, _mm256_cmpeq_epi8(_mm256_min_epu8(v, control), v));
    return _mm256_testz_si256(errors, errors);
}

/// For each 8-bit mask, the shuffle that keeps the bytes of an 8-byte group whose bit is clear, in
/// order, at the front (filled when the program starts).
static uint8_t keptBytes[256][16];

__attribute__((constructor)) static void fillKeptBytes(void) {
    for (int mask = 0; mask < 256; mask++) {
        int n = 0;
        for (int lane = 0; lane < 8; lane++) {
            if (!(mask & (1 << lane))) keptBytes[mask][n++] = (uint8_t)lane;
        }
        while (n < 16) keptBytes[mask][n++] = 0x80;
    }
}

/// Unescapes a 32-byte block at `in` (starting outside an escape, its backslashes given) to `out` when
/// every escape in it is `\"`, `\\` or `\/`: the backslashes that escape are dropped, 8 bytes at a time
/// by a shuffle. Returns the bytes written, or -1 when another escape is in it (the caller then reads
/// the block escape by escape). `*taken` is set to the bytes read: 32, or 31 when the last one begins
/// an escape (the next block starts with it).
__attribute__((target("avx2,popcnt,bmi"))) static ptrdiff_t unescapeSimpleBlock(
    const uint8_t *in, uint8_t *out, uint32_t backslashes, ptrdiff_t *taken) {
    const uint32_t evenLanes = 0x55555555u;
    __m256i v = _mm256_loadu_si256((const __m256i *)in);
    // Runs of backslashes starting at an even lane are cleared by adding their first bit; in each run
    // the escaping backslashes are those at an even distance from its start.
    uint32_t starts = backslashes & ~(backslashes << 1);
    uint32_t fromEven = backslashes + (starts & evenLanes);
    uint32_t evenRuns = backslashes & ~fromEven;
    uint32_t escaping = (evenRuns & evenLanes) | (backslashes & ~evenRuns & ~evenLanes);
    // An escape the block's end cuts: its backslash is left for the next block, and not written.
    uint32_t cut = escaping >> 31;
    *taken = 32 - (ptrdiff_t)cut;
    uint32_t escaped = escaping << 1;
    uint32_t simple = lanesEqual(v, '"') | backslashes | lanesEqual(v, '/');
    if (escaped & ~simple) return -1;
    ptrdiff_t w = 0;
    for (int group = 0; group < 4; group++) {
        uint32_t mask = (escaping >> (8 * group)) & 0xFF;
        __m128i bytes = _mm_loadl_epi64((const __m128i *)(in + 8 * group));
        __m128i kept = _mm_shuffle_epi8(bytes, _mm_loadu_si128((const __m128i *)keptBytes[mask]));
        _mm_storel_epi64((__m128i *)(out + w), kept);
        w += 8 - __builtin_popcount(mask);
    }
    return w;
}

__attribute__((target("avx2,popcnt,bmi"))) static ptrdiff_t unescape_avx2(
    const uint8_t *base, ptrdiff_t start, ptrdiff_t end, uint8_t *out) {
    if (!checkText(base, start, end)) return -1;
    const __m256i backslash = _mm256_set1_epi8('\\');
    ptrdiff_t i = start;
    ptrdiff_t w = 0;
    while (i < end) {
        // Whole blocks of text and two-byte escapes (a JSON body in a HAR string: \" and \\ every few
        // bytes). The output is never longer than the input read, so the stores stay inside it.
        while (i + 32 <= end) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(base + i));
            uint32_t backslashes = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, backslash));
            if (!backslashes) {
                _mm256_storeu_si256((__m256i *)(out + w), v);
                i += 32;
                w += 32;
                continue;
            }
            ptrdiff_t taken;
            ptrdiff_t written = unescapeSimpleBlock(base + i, out + w, backslashes, &taken);
            if (written < 0) break;
            i += taken;
            w += written;
        }
        // Up to the next backslash, 32 bytes at a time, stored before they are looked at: the output
        // is never longer than the input read, so the store stays inside it.
        int found = 0;
        while (i + 32 <= end) {
            __m256i v = _mm256_loadu_si256((const __m256i *)(base + i));
            _mm256_storeu_si256((__m256i *)(out + w), v);
            uint32_t backslashes = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, backslash));
            if (!backslashes) {
                i += 32;
                w += 32;
                continue;
            }
            uint32_t lane = (uint32_t)__builtin_ctz(backslashes);
            i += lane;
            w += lane;
            found = 1;
            break;
        }
        if (!found) {
            while (i < end && base[i] != '\\') out[w++] = base[i++];
            if (i >= end) break;
        }
        if (i + 1 >= end) return -1;
        uint8_t e = base[i + 1];
        switch (e) {
        case '"': case '\\': case '/': out[w++] = e; i += 2; continue;
        case 'b': out[w++] = 0x08; i += 2; continue;
        case 'f': out[w++] = 0x0C; i += 2; continue;
        case 'n': out[w++] = 0x0A; i += 2; continue;
        case 'r': out[w++] = 0x0D; i += 2; continue;
        case 't': out[w++] = 0x09; i += 2; continue;
        case 'u': break;
        default: return -1;
        }
        if (i + 6 > end) return -1;
        int32_t unit = hex4(base + i + 2);
        if (unit < 0) return -1;
        uint32_t scalar = (uint32_t)unit;
        ptrdiff_t next = i + 6;
        if (unit >= 0xD800 && unit < 0xDC00) {
            int32_t low = next + 6 <= end && base[next] == '\\' && base[next + 1] == 'u' ? hex4(base + next + 2) : -1;
            if (low >= 0xDC00 && low < 0xE000) {
                scalar = 0x10000 + (((uint32_t)unit - 0xD800) << 10) + ((uint32_t)low - 0xDC00);
                next += 6;
            } else {
                scalar = 0xFFFD;
            }
        } else if (unit >= 0xDC00 && unit < 0xE000) {
            scalar = 0xFFFD;
        }
        w += encode(scalar, out + w);
        i = next;
    }
    return w;
}

__attribute__((target("avx2,popcnt"))) static ptrdiff_t characters_avx2(const uint8_t *base, ptrdiff_t start, ptrdiff_t end) {
    // Continuation bytes (0x80 to 0xBF) are those below -64 as signed bytes.
    const __m256i continuationLimit = _mm256_set1_epi8(-64);
    ptrdiff_t count = 0;
    ptrdiff_t i = start;
    for (; i + 32 <= end; i += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(base + i));
        count += 32 - __builtin_popcount((uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(continuationLimit, v)));
    }
    for (; i < end; i++) count += (base[i] & 0xC0) != 0x80;
    return count;
}

int conform_scan_string_available(void) {
    // Decoding threads may ask at once: the answer is the same, written and read whole.
    static int available = -1;
    int known = __atomic_load_n(&available, __ATOMIC_RELAXED);
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("bmi")
            ? 1 : 0;
        // CONFORM_SCALAR=1: the portable path, as on a processor without AVX2 (for its tests).
        const char *scalar = getenv("CONFORM_SCALAR");
        if (scalar && scalar[0] == '1') known = 0;
        __atomic_store_n(&available, known, __ATOMIC_RELAXED);
    }
    return known;
}

ptrdiff_t conform_scan_string(
    const uint8_t *base, ptrdiff_t start, ptrdiff_t end, ptrdiff_t *continuations, int *nonASCII) {
    if (!conform_scan_string_available() || start < 3) return start;
    return scan_avx2(base, start, end, continuations, nonASCII);
}

ptrdiff_t conform_unescape_string(const uint8_t *base, ptrdiff_t start, ptrdiff_t end, uint8_t *out) {
    if (!conform_scan_string_available() || start < 3) return -2;
    return unescape_avx2(base, start, end, out);
}

ptrdiff_t conform_scan_escaped(
    const uint8_t *base, ptrdiff_t start, ptrdiff_t end, ptrdiff_t *extra, int *nonASCII) {
    if (!conform_scan_string_available()) return start;
    return escaped_avx2(base, start, end, extra, nonASCII);
}

ptrdiff_t conform_count_characters(const uint8_t *base, ptrdiff_t start, ptrdiff_t end) {
    if (!conform_scan_string_available()) return -1;
    return characters_avx2(base, start, end);
}

ptrdiff_t conform_skip_string(const uint8_t *base, ptrdiff_t start, ptrdiff_t end) {
    if (!conform_scan_string_available()) return -1;
    return skip_avx2(base, start, end);
}

#else

int conform_scan_string_available(void) { return 0; }

ptrdiff_t conform_unescape_string(const uint8_t *base, ptrdiff_t start, ptrdiff_t end, uint8_t *out) {
    (void)base;
    (void)start;
    (void)end;
    (void)out;
    return -2;
}

ptrdiff_t conform_scan_escaped(
    const uint8_t *base, ptrdiff_t start, ptrdiff_t end, ptrdiff_t *extra, int *nonASCII) {
    (void)base;
    (void)end;
    (void)extra;
    (void)nonASCII;
    return start;
}

ptrdiff_t conform_count_characters(const uint8_t *base, ptrdiff_t start, ptrdiff_t end) {
    (void)base;
    (void)start;
    (void)end;
    return -1;
}

ptrdiff_t conform_skip_string(const uint8_t *base, ptrdiff_t start, ptrdiff_t end) {
    (void)base;
    (void)start;
    (void)end;
    return -1;
}

ptrdiff_t conform_scan_string(
    const uint8_t *base, ptrdiff_t start, ptrdiff_t end, ptrdiff_t *continuations, int *nonASCII) {
    (void)base;
    (void)end;
    (void)continuations;
    (void)nonASCII;
    return start;
}

#endif
