extension JSONDocument {
    /// The decoded UTF-8 bytes of the string token at `index` (escapes applied, lone surrogate
    /// escapes as U+FFFD); for other tokens, their raw text. Runs without escapes are found eight
    /// bytes at a time and copied whole, and the result is written in place (it is never longer than
    /// the raw text), so a long escaped text (a HAR `content.text` holding a JSON body) decodes at
    /// memory speed.
    public func decodedBytes(at index: Int) -> [UInt8] {
        guard tape.indices.contains(index) else { return [] }
        let token = tape[index]
        let start = Int(token.start)
        let end = start + Int(token.length)
        guard token.kind == .string, token.flags & JSONToken.hasEscapes != 0 else {
            return withRawUTF8(at: index) { Array($0) }
        }
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return [] }
            return [UInt8](unsafeUninitializedCapacity: end - start) { out, count in
                guard let target = out.baseAddress else { return }
                var written = 0
                var position = start
                while position < end {
                    let escape = Self.nextBackslash(base, from: position, end: end)
                    if escape > position {
                        (target + written).initialize(from: base + position, count: escape - position)
                        written += escape - position
                    }
                    guard escape + 1 < end else { break }
                    position = Self.decodeEscape(buffer, at: escape + 1, end: end, into: target, written: &written)
                }
                count = written
            }
        }
    }

    /// The offset of the first backslash in `base[from..<end]`, or `end`.
    @inline(__always)
    private static func nextBackslash(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        var position = start
        while position + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            let backslashes = word ^ (ones &* 0x5C)
            // The lowest mark is exact.
            let marks = (backslashes &- ones) & ~backslashes & (ones &* 0x80)
            if marks != 0 { return position + marks.trailingZeroBitCount >> 3 }
            position += 8
        }
        while position < end && base[position] != UInt8(ascii: "\\") { position += 1 }
        return position
    }

    /// Decodes the escape whose letter is at `position` into `target[written...]`; returns where
    /// reading goes on (`end` after a malformed `\u` escape, which a read document never has).
    private static func decodeEscape(
        _ buffer: UnsafeBufferPointer<UInt8>, at position: Int, end: Int, into target: UnsafeMutablePointer<UInt8>,
        written: inout Int
    ) -> Int {
        func put(_ byte: UInt8) {
            target[written] = byte
            written += 1
        }
        switch buffer[position] {
        case UInt8(ascii: "b"): put(0x08)
        case UInt8(ascii: "f"): put(0x0C)
        case UInt8(ascii: "n"): put(0x0A)
        case UInt8(ascii: "r"): put(0x0D)
        case UInt8(ascii: "t"): put(0x09)
        case UInt8(ascii: "u"):
            guard let high = hex4(buffer, position + 1, end) else { return end }
            var scalar = high
            var next = position + 5
            if (0xD800...0xDBFF).contains(high) {
                if next + 5 < end + 1, next + 1 < end, buffer[next] == UInt8(ascii: "\\"),
                    buffer[next + 1] == UInt8(ascii: "u"), let low = hex4(buffer, next + 2, end),
                    (0xDC00...0xDFFF).contains(low)
                {
                    scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    next += 6
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00...0xDFFF).contains(high) {
                scalar = 0xFFFD
            }
            encode(scalar, into: target, written: &written)
            return next
        default: put(buffer[position])  // \" \\ \/
        }
        return position + 1
    }

    /// Writes the UTF-8 form of `scalar` (a code point, not a surrogate) at `target[written...]`.
    @inline(__always)
    static func encode(_ scalar: UInt32, into target: UnsafeMutablePointer<UInt8>, written: inout Int) {
        switch scalar {
        case 0..<0x80:
            target[written] = UInt8(scalar)
            written += 1
        case 0x80..<0x800:
            target[written] = UInt8(0xC0 | (scalar >> 6))
            target[written + 1] = UInt8(0x80 | (scalar & 0x3F))
            written += 2
        case 0x800..<0x10000:
            target[written] = UInt8(0xE0 | (scalar >> 12))
            target[written + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            target[written + 2] = UInt8(0x80 | (scalar & 0x3F))
            written += 3
        default:
            target[written] = UInt8(0xF0 | (scalar >> 18))
            target[written + 1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
            target[written + 2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            target[written + 3] = UInt8(0x80 | (scalar & 0x3F))
            written += 4
        }
    }

    private static func hex4(_ buffer: UnsafeBufferPointer<UInt8>, _ position: Int, _ end: Int) -> UInt32? {
        guard position + 4 <= end else { return nil }
        if let base = buffer.baseAddress {
            return hexQuad(UInt32(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt32.self)))
        }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = buffer[position + offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}
