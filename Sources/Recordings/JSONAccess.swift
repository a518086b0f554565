import ContractCore

/// 10⁰ to 10¹⁵, each exactly a double.
private let exactPowersOfTen: [Double] = [
    1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
]

/// Small read helpers over a parsed JSON document.
extension JSONDocument {
    func member(_ name: String, of object: Int?) -> Int? {
        guard let object else { return nil }
        return firstMember(named: name, of: object)
    }

    func stringValue(_ index: Int?) -> String? {
        guard let index, tape[index].kind == .string else { return nil }
        return string(at: index)
    }

    func intValue(_ index: Int?) -> Int? {
        guard let index else { return nil }
        switch tape[index].kind {
        case .number:
            // Short integers (a status) without building a JSONNumber.
            let token = tape[index]
            if token.flags & JSONToken.isIntegerText != 0, token.length <= 18 {
                let value = withRawUTF8(at: index) { digits in
                    var value = 0
                    for digit in digits where digit != UInt8(ascii: "-") {
                        value = value * 10 + Int(digit &- UInt8(ascii: "0"))
                    }
                    return value
                }
                return token.flags & JSONToken.isNegative != 0 ? -value : value
            }
            return withRawUTF8(at: index) { JSONNumber(utf8: $0) }?.int64Value.map(Int.init)
        case .string: return Int(string(at: index))
        default: return nil
        }
    }

    func doubleValue(_ index: Int?) -> Double? {
        guard let index, tape[index].kind == .number else { return nil }
        // An elapsed time such as 208.6: its digits (15 at most) and its power of ten are both exact
        // doubles, so their quotient is the correctly rounded value Double(_:) reads (Clinger's fast path).
        if let value = withRawUTF8(at: index, { Self.shortDecimal($0) }) { return value }
        // A JSON number's text is one Double(_:) reads, correctly rounded as JSONNumber.doubleValue
        // rounds it; short texts skip building a JSONNumber.
        if tape[index].length <= 24,
            let value = withRawUTF8(at: index, { Double(String(decoding: $0, as: UTF8.self)) })
        {
            return value
        }
        return withRawUTF8(at: index) { JSONNumber(utf8: $0) }?.doubleValue
    }

    /// The value of `-?digits(.digits)?` with at most 15 digits, without an exponent; `nil` otherwise.
    static func shortDecimal(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let negative = text.first == UInt8(ascii: "-")
        if negative { i = 1 }
        var digits = 0
        var mantissa: Int64 = 0
        var fraction = -1
        while i < text.count {
            let byte = text[i]
            if byte == UInt8(ascii: "."), fraction < 0 {
                fraction = 0
            } else if byte &- UInt8(ascii: "0") < 10 {
                digits &+= 1
                guard digits <= 15 else { return nil }
                mantissa = mantissa &* 10 &+ Int64(byte &- UInt8(ascii: "0"))
                if fraction >= 0 { fraction &+= 1 }
            } else {
                return nil
            }
            i &+= 1
        }
        guard digits > 0 else { return nil }
        let value = Double(mantissa) / exactPowersOfTen[max(fraction, 0)]
        return negative ? -value : value
    }

    /// Headers written as `{"Name": "value"}`, `{"Name": ["v1", "v2"]}` or `[{"name": …, "value": …}]`.
    func headers(_ index: Int?) -> [HTTPHeader] {
        guard let index else { return [] }
        var result: [HTTPHeader] = []
        switch tape[index].kind {
        case .object:
            for (key, value) in members(of: index) {
                let name = string(at: key)
                switch tape[value].kind {
                case .string: result.append(HTTPHeader(name: name, value: string(at: value)))
                case .array:
                    for element in elements(of: value) where tape[element].kind == .string {
                        result.append(HTTPHeader(name: name, value: string(at: element)))
                    }
                default: continue
                }
            }
        case .array:
            for element in elements(of: index) {
                guard let name = stringValue(member("name", of: element)) else { continue }
                result.append(HTTPHeader(name: name, value: stringValue(member("value", of: element)) ?? ""))
            }
        default:
            break
        }
        return result
    }
}

/// RFC 4648 base64 decoding (standard or URL alphabet, padding optional, whitespace ignored).
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        for byte in text.utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            case 0x20, 0x0A, 0x0D, 0x09: continue
            default: return nil
            }
            if padding > 0 { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((accumulator >> UInt32(bits)) & 0xFF))
            }
        }
        return padding > 2 ? nil : output
    }
}
