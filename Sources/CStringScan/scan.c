#include "CStringScan.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

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

__attribute__((target("avx2,bmi"))) static ptrdiff_t skip_avx2(const uint8_t *base, ptrdiff_t i, ptrdiff_t end) {
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    // Whether the first byte of the next block is escaped (this block ended with a backslash that escapes).
    int escapedNext = 0;
    while (i + 32 <= end) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(base + i));
        uint32_t quotes = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, quote));
        uint32_t backslashes = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, backslash));
        if (escapedNext) {
            quotes &= ~1u;
            backslashes &= ~1u;
            escapedNext = 0;
        }
        // Each backslash escapes the byte after it, which then neither ends the string nor escapes.
        uint32_t first = quotes ? (uint32_t)__builtin_ctz(quotes) : 32;
        while (backslashes) {
            uint32_t lane = (uint32_t)__builtin_ctz(backslashes);
            if (lane > first) break;
            if (lane == 31) {
                escapedNext = 1;
                break;
            }
            uint32_t escaped = 1u << (lane + 1);
            quotes &= ~escaped;
            backslashes &= ~(escaped | (1u << lane));
            first = quotes ? (uint32_t)__builtin_ctz(quotes) : 32;
        }
        if (quotes) return i + __builtin_ctz(quotes);
        i += 32;
    }
    if (escapedNext) i += 1;
    while (i < end) {
        if (base[i] == '"') return i;
        i += base[i] == '\\' ? 2 : 1;
    }
    return i;
}

int conform_scan_string_available(void) {
    static int available = -1;
    if (available < 0) {
        __builtin_cpu_init();
        available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") ? 1 : 0;
    }
    return available;
}

ptrdiff_t conform_scan_string(
    const uint8_t *base, ptrdiff_t start, ptrdiff_t end, ptrdiff_t *continuations, int *nonASCII) {
    if (!conform_scan_string_available() || start < 3) return start;
    return scan_avx2(base, start, end, continuations, nonASCII);
}

ptrdiff_t conform_skip_string(const uint8_t *base, ptrdiff_t start, ptrdiff_t end) {
    if (!conform_scan_string_available()) return -1;
    return skip_avx2(base, start, end);
}

#else

int conform_scan_string_available(void) { return 0; }

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
