#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension JSONDocument {
    /// The decoded UTF-8 bytes of the string token at `index` (escapes applied, lone surrogate
    /// escapes as U+FFFD); for other tokens, their raw text. Runs without escapes are copied whole,
    /// so a long escaped text (a HAR `content.text` holding a JSON body) decodes at memory speed.
    public func decodedBytes(at index: Int) -> [UInt8] {
        guard tape.indices.contains(index) else { return [] }
        let token = tape[index]
        let start = Int(token.start)
        let end = start + Int(token.length)
        guard token.kind == .string, token.flags & JSONToken.hasEscapes != 0 else { return Array(bytes[start..<end]) }
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var position = start
            while position < end {
                let found = memchr(base + position, Int32(UInt8(ascii: "\\")), end - position)
                let escape = found.map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? end
                if escape > position { out.append(contentsOf: UnsafeBufferPointer(start: base + position, count: escape - position)) }
                guard escape + 1 < end else { break }
                position = Self.appendEscape(buffer, at: escape + 1, end: end, into: &out)
            }
        }
        return out
    }

    /// Decodes the escape whose letter is at `position`; returns where reading goes on.
    private static func appendEscape(_ buffer: UnsafeBufferPointer<UInt8>, at position: Int, end: Int, into out: inout [UInt8]) -> Int {
        switch buffer[position] {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            guard let high = hex4(buffer, position + 1, end) else { return end }
            var scalar = high
            var next = position + 5
            if (0xD800...0xDBFF).contains(high) {
                if next + 5 < end + 1, next + 1 < end, buffer[next] == UInt8(ascii: "\\"), buffer[next + 1] == UInt8(ascii: "u"),
                    let low = hex4(buffer, next + 2, end), (0xDC00...0xDFFF).contains(low)
                {
                    scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    next += 6
                } else {
                    scalar = 0xFFFD
                }
            } else if (0xDC00...0xDFFF).contains(high) {
                scalar = 0xFFFD
            }
            appendUTF8(scalar, into: &out)
            return next
        default: out.append(buffer[position])  // \" \\ \/
        }
        return position + 1
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

    private static func appendUTF8(_ scalar: UInt32, into out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80: out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
