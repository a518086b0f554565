import ContractCore

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
        // A JSON number's text is one Double(_:) reads, correctly rounded as JSONNumber.doubleValue
        // rounds it; short texts (an elapsed time) skip building a JSONNumber.
        if tape[index].length <= 24,
            let value = withRawUTF8(at: index, { Double(String(decoding: $0, as: UTF8.self)) })
        {
            return value
        }
        return withRawUTF8(at: index) { JSONNumber(utf8: $0) }?.doubleValue
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
