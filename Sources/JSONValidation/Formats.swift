package import ContractCore

/// Checks the JSON Schema / OpenAPI `format` values that conform asserts.
///
/// String formats follow JSON Schema 2020-12 and the RFCs it cites, strictly, as the official
/// JSON-Schema-Test-Suite (`optional/format`) expects: `uuid`, `date-time`, `date`, `time`, `duration`,
/// `email`, `idn-email`, `hostname`, `idn-hostname`, `ipv4`, `ipv6`, `uri`, `uri-reference`, `iri`,
/// `iri-reference`, `uri-template`, `json-pointer`, `relative-json-pointer`, `regex` and `byte`. Number
/// formats are the OpenAPI ones: `int32`, `int64`, `float` and `double`. Every other format is unknown
/// and not asserted.
///
/// Most checkers read `String.utf8` directly and do not allocate; the internationalized host name
/// checks (Punycode, `idn-*`) and `regex` (which parses the expression) do.
package enum FormatChecker {
    /// The string formats conform asserts.
    package static let stringFormats: Set<String> = [
        "uuid", "date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname", "ipv4",
        "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uri-template", "json-pointer",
        "relative-json-pointer", "regex", "byte",
    ]

    /// The number formats conform asserts.
    package static let numberFormats: Set<String> = ["int32", "int64", "float", "double"]

    /// Every format conform asserts (string and number formats); any other format is unknown.
    package static let knownFormats: Set<String> = stringFormats.union(numberFormats)

    /// Returns nil when `format` is not a format conform asserts on strings; otherwise the checker.
    ///
    /// - Parameter format: The schema's `format` value (case-sensitive).
    /// - Returns: A function answering whether a string satisfies the format, or `nil`.
    package static func stringChecker(for format: String) -> (@Sendable (String) -> Bool)? {
        switch format {
        case "uuid": return { isUUID($0) }
        case "date-time": return { isDateTime($0) }
        case "date": return { isDate($0) }
        case "time": return { isTime($0) }
        case "duration": return { isDuration($0) }
        case "email": return { isEmail($0) }
        case "idn-email": return { isIDNEmail($0) }
        case "hostname": return { isHostname($0) }
        case "idn-hostname": return { isIDNHostname($0) }
        case "ipv4": return { isIPv4($0) }
        case "ipv6": return { isIPv6($0) }
        case "uri": return { isURI($0) }
        case "uri-reference": return { isURIReference($0) }
        case "iri": return { isIRI($0) }
        case "iri-reference": return { isIRIReference($0) }
        case "uri-template": return { isURITemplate($0) }
        case "json-pointer": return { isJSONPointer($0) }
        case "relative-json-pointer": return { isRelativeJSONPointer($0) }
        case "regex": return { ECMARegex.parse($0) != nil }
        case "byte": return { isBase64($0) }
        default: return nil
        }
    }

    /// Whether a number satisfies a numeric format.
    ///
    /// `int32` and `int64` hold for integers within the type's range (`1.0` and `1e2` are integers).
    /// `float` and `double` hold when the number is finite as that type, that is when rounding it to
    /// the nearest `Float` or `Double` does not give infinity: `|number| < 2¹²⁸ − 2¹⁰³` (compared
    /// exactly) for `float`, so that both `Float.greatestFiniteMagnitude`'s exact value and its
    /// shortest texts `3.4028235e38` and `3.4028234663852886e38` qualify, while `3.4028236e38`
    /// does not.
    /// - Parameters:
    ///   - format: The schema's `format` value.
    ///   - number: The instance number.
    /// - Returns: `nil` when `format` is not a numeric format conform asserts.
    package static func numberFormatIsSatisfied(_ format: String, _ number: JSONNumber) -> Bool? {
        switch format {
        case "int32": return number.isInt32
        case "int64": return number.isInt64
        case "float":
            guard let overflow = floatOverflow, let negativeOverflow = floatNegativeOverflow else {
                return Float(number.doubleValue).isFinite
            }
            return number > negativeOverflow && number < overflow
        case "double": return number.doubleValue.isFinite
        default: return nil
        }
    }

    /// `2¹²⁸ − 2¹⁰³`: `Float.greatestFiniteMagnitude` plus half an ulp, the smallest magnitude that
    /// rounds to infinity as a `Float`.
    private static let floatOverflow = JSONNumber(text: "340282356779733661637539395458142568448")

    /// `−(2¹²⁸ − 2¹⁰³)`.
    private static let floatNegativeOverflow = JSONNumber(text: "-340282356779733661637539395458142568448")
}

// MARK: - Byte access

extension FormatChecker {
    /// Runs `body` on the string's UTF-8 bytes without copying native strings.
    private static func withBytes(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        var copy = string
        return copy.withUTF8(body)
    }

    /// True for ASCII `0`–`9`.
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= 0x30 && byte <= 0x39
    }

    /// True for ASCII letters.
    private static func isAlpha(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
    }

    /// The value of an ASCII hexadecimal digit, or `nil`.
    private static func hexValue(_ byte: UInt8) -> UInt8? {
        if isDigit(byte) { return byte - 0x30 }
        let lower = byte | 0x20
        if lower >= 0x61 && lower <= 0x66 { return lower - 0x61 + 10 }
        return nil
    }

    /// Decodes the UTF-8 sequence starting at `index` (the bytes of a Swift string are valid UTF-8).
    ///
    /// - Returns: The scalar value and the index after it, or `nil` for a truncated or stray byte.
    private static func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> (value: UInt32, next: Int)? {
        let lead = bytes[index]
        let length: Int
        var value: UInt32
        switch lead {
        case 0..<0x80: return (UInt32(lead), index + 1)
        case 0xC0..<0xE0: (length, value) = (2, UInt32(lead & 0x1F))
        case 0xE0..<0xF0: (length, value) = (3, UInt32(lead & 0x0F))
        case 0xF0..<0xF8: (length, value) = (4, UInt32(lead & 0x07))
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, index + length)
    }

    /// RFC 3987 `ucschar`: the non-ASCII characters an IRI may contain anywhere.
    private static func isUCSChar(_ value: UInt32) -> Bool {
        switch value {
        case 0xA0...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFEF, 0xE1000...0xEFFFD: return true
        case 0x10000...0xDFFFD: return value & 0xFFFF <= 0xFFFD
        default: return false
        }
    }

    /// RFC 3987 `iprivate`: private-use characters, allowed in an IRI query only.
    private static func isIPrivate(_ value: UInt32) -> Bool {
        switch value {
        case 0xE000...0xF8FF, 0xF0000...0xFFFFD, 0x100000...0x10FFFD: return true
        default: return false
        }
    }

    /// The value of exactly `count` ASCII digits at `start`, or `nil`.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        guard start >= 0, start + count <= bytes.count else { return nil }
        var value = 0
        for index in start..<(start + count) {
            guard isDigit(bytes[index]) else { return nil }
            value = value * 10 + Int(bytes[index] - 0x30)
        }
        return value
    }
}

// MARK: - uuid

extension FormatChecker {
    /// RFC 4122 text form: `8-4-4-4-12` hexadecimal digits of either case, exactly 36 characters.
    static func isUUID(_ string: String) -> Bool {
        withBytes(string) { bytes in
            guard bytes.count == 36 else { return false }
            for (index, byte) in bytes.enumerated() {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard byte == UInt8(ascii: "-") else { return false }
                } else if hexValue(byte) == nil {
                    return false
                }
            }
            return true
        }
    }
}

// MARK: - date, time, date-time

extension FormatChecker {
    /// RFC 3339 `full-date`: `YYYY-MM-DD` with a valid day of the month (Gregorian leap years).
    static func isDate(_ string: String) -> Bool {
        withBytes(string) { bytes in bytes.count == 10 && fullDate(bytes, 0) }
    }

    /// RFC 3339 `full-time`: `HH:MM:SS[.frac]` and a required offset (`Z`, `z` or `±HH:MM`).
    ///
    /// A leap second (`:60`) is accepted only when the time, moved to UTC, is `23:59:60`.
    static func isTime(_ string: String) -> Bool {
        withBytes(string) { bytes in fullTime(bytes, 0) }
    }

    /// RFC 3339 `date-time`: `full-date` `T` `full-time`, with `T`/`t` (no space separator).
    static func isDateTime(_ string: String) -> Bool {
        withBytes(string) { bytes in
            guard bytes.count > 11, fullDate(bytes, 0) else { return false }
            guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") else { return false }
            return fullTime(bytes, 11)
        }
    }

    /// Checks `YYYY-MM-DD` at `start` (the caller checks what follows).
    private static func fullDate(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        guard start + 10 <= bytes.count,
            let year = number(bytes, start, 4), bytes[start + 4] == UInt8(ascii: "-"),
            let month = number(bytes, start + 5, 2), bytes[start + 7] == UInt8(ascii: "-"),
            let day = number(bytes, start + 8, 2)
        else { return false }
        guard month >= 1 && month <= 12 && day >= 1 else { return false }
        return day <= daysIn(month: month, year: year)
    }

    /// The number of days in a month of the proleptic Gregorian calendar.
    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Checks `full-time` from `start` to the end of `bytes`.
    private static func fullTime(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        guard let hour = number(bytes, start, 2), start + 8 <= bytes.count, bytes[start + 2] == UInt8(ascii: ":"),
            let minute = number(bytes, start + 3, 2), bytes[start + 5] == UInt8(ascii: ":"),
            let second = number(bytes, start + 6, 2)
        else { return false }
        guard hour <= 23, minute <= 59, second <= 60 else { return false }
        var index = start + 8
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count && isDigit(bytes[index]) {
                index += 1
            }
            guard index > fractionStart else { return false }
        }
        guard index < bytes.count else { return false }
        var offsetMinutes = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, let offsetHour = number(bytes, index + 1, 2),
                bytes[index + 3] == UInt8(ascii: ":"), let offsetMinute = number(bytes, index + 4, 2),
                offsetHour <= 23, offsetMinute <= 59
            else { return false }
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        default:
            return false
        }
        guard index == bytes.count else { return false }
        if second == 60 {
            let utcMinutes = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utcMinutes == 23 * 60 + 59
        }
        return true
    }
}

// MARK: - duration

extension FormatChecker {
    /// RFC 3339 Appendix A (ISO 8601) `duration`: `P`, then date components `Y`, `M`, `D` (each optional
    /// but contiguous: `P1Y2D` lacks the month), an optional `T` and time components `H`, `M`, `S` (likewise
    /// contiguous), or weeks alone (`P2W`). At least one component; ASCII digits, no fractions or signs;
    /// the designators are upper case, as ISO 8601 writes them.
    static func isDuration(_ string: String) -> Bool {
        withBytes(string) { bytes in
            guard bytes.count >= 3, bytes[0] == UInt8(ascii: "P") else { return false }
            var index = 1
            var inTime = false
            var lastUnit = -1
            var timeComponents = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "T") {
                    guard !inTime else { return false }
                    inTime = true
                    lastUnit = -1
                    index += 1
                    continue
                }
                let digitsStart = index
                while index < bytes.count && isDigit(bytes[index]) {
                    index += 1
                }
                guard index > digitsStart, index < bytes.count else { return false }
                let unit = bytes[index]
                index += 1
                if !inTime && unit == UInt8(ascii: "W") {
                    // dur-week stands alone.
                    return digitsStart == 1 && index == bytes.count
                }
                let position: Int
                switch (inTime, unit) {
                case (false, UInt8(ascii: "Y")), (true, UInt8(ascii: "H")): position = 0
                case (_, UInt8(ascii: "M")): position = 1
                case (false, UInt8(ascii: "D")), (true, UInt8(ascii: "S")): position = 2
                default: return false
                }
                guard lastUnit == -1 || position == lastUnit + 1 else { return false }
                lastUnit = position
                if inTime { timeComponents += 1 }
            }
            return !inTime || timeComponents > 0
        }
    }
}

// MARK: - json-pointer, relative-json-pointer

extension FormatChecker {
    /// RFC 6901 JSON Pointer: empty, or `/`-prefixed reference tokens in which `~` is followed by `0`
    /// or `1`. Any other character, control characters included, is allowed.
    static func isJSONPointer(_ string: String) -> Bool {
        withBytes(string) { bytes in jsonPointer(bytes, 0) }
    }

    /// Relative JSON Pointer (draft-bhutton-relative-json-pointer-00): a non-negative integer without
    /// leading zeros (ASCII digits), then `#`, a JSON Pointer, or nothing.
    static func isRelativeJSONPointer(_ string: String) -> Bool {
        withBytes(string) { bytes in
            var index = 0
            while index < bytes.count && isDigit(bytes[index]) {
                index += 1
            }
            guard index > 0, index == 1 || bytes[0] != UInt8(ascii: "0") else { return false }
            if index < bytes.count && bytes[index] == UInt8(ascii: "#") { return index + 1 == bytes.count }
            return jsonPointer(bytes, index)
        }
    }

    /// Checks a JSON Pointer occupying `bytes[start...]`.
    private static func jsonPointer(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        guard start == bytes.count || bytes[start] == UInt8(ascii: "/") else { return false }
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "~") {
                guard index + 1 < bytes.count,
                    bytes[index + 1] == UInt8(ascii: "0") || bytes[index + 1] == UInt8(ascii: "1")
                else { return false }
                index += 2
            } else {
                index += 1
            }
        }
        return true
    }
}

// MARK: - ipv4, ipv6

extension FormatChecker {
    /// RFC 2673 dotted-quad: four decimal octets `0`–`255` without leading zeros.
    static func isIPv4(_ string: String) -> Bool {
        withBytes(string) { bytes in ipv4(bytes, 0, bytes.count) }
    }

    /// RFC 4291 text form: eight groups of 1–4 hex digits, one optional `::`, an optional IPv4
    /// tail; no zone identifier, prefix length or brackets.
    static func isIPv6(_ string: String) -> Bool {
        withBytes(string) { bytes in ipv6(bytes, 0, bytes.count) }
    }

    /// Checks a dotted-quad IPv4 address occupying `bytes[start..<end]`.
    private static func ipv4(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = start
        for part in 0..<4 {
            if part > 0 {
                guard index < end, bytes[index] == UInt8(ascii: ".") else { return false }
                index += 1
            }
            let partStart = index
            var value = 0
            while index < end && isDigit(bytes[index]) && index - partStart < 3 {
                value = value * 10 + Int(bytes[index] - 0x30)
                index += 1
            }
            let length = index - partStart
            guard length > 0, value <= 255 else { return false }
            if length > 1 && bytes[partStart] == UInt8(ascii: "0") { return false }
        }
        return index == end
    }

    /// Checks an IPv6 address occupying `bytes[start..<end]`.
    private static func ipv6(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let colon = UInt8(ascii: ":")
        var index = start
        var groups = 0
        var compressed = false
        if end - start >= 2 && bytes[start] == colon && bytes[start + 1] == colon {
            compressed = true
            index += 2
            if index == end { return true }
        }
        while true {
            let pieceStart = index
            while index < end && index - pieceStart < 5, hexValue(bytes[index]) != nil {
                index += 1
            }
            if index < end && bytes[index] == UInt8(ascii: ".") {
                guard ipv4(bytes, pieceStart, end) else { return false }
                groups += 2
                break
            }
            let length = index - pieceStart
            guard length >= 1 && length <= 4 else { return false }
            groups += 1
            if index == end { break }
            guard bytes[index] == colon else { return false }
            index += 1
            if index < end && bytes[index] == colon {
                guard !compressed else { return false }
                compressed = true
                index += 1
                if index == end { break }
            } else if index == end {
                return false
            }
            if groups > 8 { return false }
        }
        return compressed ? groups <= 7 : groups == 8
    }
}

// MARK: - hostname

extension FormatChecker {
    /// RFC 1123 host name: dot-separated labels of 1–63 letters, digits and hyphens, not starting or
    /// ending with a hyphen, at most 253 characters in all, no trailing dot.
    ///
    /// Labels starting `xn--` (any case) must be valid A-labels: the Punycode, read case-insensitively,
    /// must decode to a U-label that encodes back to the same text, and the U-label must pass the IDNA2008
    /// checks of RFC 5891 §5.4 and RFC 5892 (code point properties from the Swift standard library's
    /// Unicode data, the exceptions table, the CONTEXTJ and CONTEXTO rules). When a label is right-to-left,
    /// every label must satisfy the Bidi rule of RFC 5893. NFC is not checked.
    static func isHostname(_ string: String) -> Bool {
        withBytes(string) { bytes in hostname(bytes, 0, bytes.count) }
    }

    /// RFC 5890 internationalized host name: labels separated by `.`, `。` (U+3002), `．` (U+FF0E) or
    /// `｡` (U+FF61), each an LDH label, an A-label (as for `hostname`) or a U-label passing the IDNA2008
    /// checks whose A-label form has at most 63 characters; at most 253 characters in all in A-label
    /// form; the RFC 5893 Bidi rule. NFC is not checked.
    static func isIDNHostname(_ string: String) -> Bool {
        idnHostname(Array(string.unicodeScalars))
    }

    /// Checks a host name occupying `bytes[start..<end]`.
    private static func hostname(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end > start, end - start <= 253 else { return false }
        var labelStart = start
        var index = start
        var isBidiDomain = false
        while true {
            if index == end || bytes[index] == UInt8(ascii: ".") {
                guard ldhLabel(bytes, labelStart, index) else { return false }
                if hasACEPrefix(bytes, labelStart, index) {
                    guard let label = aLabel(bytes, labelStart + 4, index) else { return false }
                    if IDNA.isRightToLeft(label) { isBidiDomain = true }
                }
                if index == end { break }
                labelStart = index + 1
            }
            index += 1
        }
        guard isBidiDomain else { return true }
        // The Bidi rule applies to every label of a domain name with a right-to-left label.
        labelStart = start
        for index in start...end where index == end || bytes[index] == UInt8(ascii: ".") {
            let label: [Unicode.Scalar]
            if hasACEPrefix(bytes, labelStart, index) {
                guard let decoded = aLabel(bytes, labelStart + 4, index) else { return false }
                label = decoded
            } else {
                label = (labelStart..<index).map { Unicode.Scalar(bytes[$0]) }
            }
            guard IDNA.satisfiesBidiRule(label) else { return false }
            labelStart = index + 1
        }
        return true
    }

    /// Checks an internationalized host name given as scalars.
    private static func idnHostname(_ scalars: [Unicode.Scalar]) -> Bool {
        guard !scalars.isEmpty else { return false }
        var labels: [[Unicode.Scalar]] = []
        var length = 0
        var labelStart = 0
        for index in 0...scalars.count {
            guard index == scalars.count || isLabelSeparator(scalars[index]) else { continue }
            guard let (uLabel, aLabelLength) = idnLabel(Array(scalars[labelStart..<index])) else { return false }
            length += aLabelLength + (index == scalars.count ? 0 : 1)
            labels.append(uLabel)
            labelStart = index + 1
        }
        guard length <= 253 else { return false }
        guard labels.contains(where: IDNA.isRightToLeft) else { return true }
        return labels.allSatisfy(IDNA.satisfiesBidiRule)
    }

    /// RFC 3490 §3.1 label separators: full stop, ideographic full stop, fullwidth full stop,
    /// halfwidth ideographic full stop.
    private static func isLabelSeparator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2E, 0x3002, 0xFF0E, 0xFF61: return true
        default: return false
        }
    }

    /// Checks one label of an internationalized host name.
    ///
    /// - Returns: The label as a U-label (an LDH label as is) and the length of its A-label form, or
    ///   `nil` when the label is invalid.
    private static func idnLabel(_ label: [Unicode.Scalar]) -> (uLabel: [Unicode.Scalar], aLabelLength: Int)? {
        guard !label.isEmpty else { return nil }
        if label.allSatisfy(\.isASCII) {
            let ascii = label.map { UInt8($0.value) }
            return ascii.withUnsafeBufferPointer { bytes in
                guard ldhLabel(bytes, 0, bytes.count) else { return nil }
                guard hasACEPrefix(bytes, 0, bytes.count) else { return (label, bytes.count) }
                guard let decoded = aLabel(bytes, 4, bytes.count) else { return nil }
                return (decoded, bytes.count)
            }
        }
        guard IDNA.isValidULabel(label), let encoded = punycodeEncode(label), encoded.count + 4 <= 63 else {
            return nil
        }
        return (label, encoded.count + 4)
    }

    /// True when `bytes[start..<end]` starts with the ACE prefix `xn--` (any case).
    private static func hasACEPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        end - start >= 4 && (bytes[start] | 0x20) == UInt8(ascii: "x") && (bytes[start + 1] | 0x20) == UInt8(ascii: "n")
            && bytes[start + 2] == UInt8(ascii: "-") && bytes[start + 3] == UInt8(ascii: "-")
    }

    /// Checks an LDH label: 1–63 letters, digits or hyphens, not starting or ending with a hyphen.
    private static func ldhLabel(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end > start, end - start <= 63 else { return false }
        guard bytes[start] != UInt8(ascii: "-"), bytes[end - 1] != UInt8(ascii: "-") else { return false }
        for index in start..<end {
            let byte = bytes[index]
            guard isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "-") else { return false }
        }
        return true
    }

    /// Checks the Punycode part of an A-label (after `xn--`) and the U-label it decodes to: the label
    /// must decode, contain a non-ASCII character, encode back to the same Punycode (ignoring case) and
    /// be a valid U-label.
    ///
    /// - Returns: The U-label, or `nil` when the A-label is invalid.
    private static func aLabel(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [Unicode.Scalar]? {
        guard let label = punycodeDecode(bytes, start, end) else { return nil }
        guard label.contains(where: { $0.value >= 0x80 }), IDNA.isValidULabel(label) else { return nil }
        guard let encoded = punycodeEncode(label), encoded.count == end - start else { return nil }
        for (offset, byte) in encoded.enumerated() where byte != bytes[start + offset] | (isAlpha(byte) ? 0x20 : 0) {
            return nil
        }
        return label
    }

    /// Encodes a label with RFC 3492 Punycode (without the `xn--` prefix; digits in lower case).
    ///
    /// - Returns: The encoded bytes, or `nil` on overflow.
    private static func punycodeEncode(_ label: [Unicode.Scalar]) -> [UInt8]? {
        var output: [UInt8] = []
        for scalar in label where scalar.value < 0x80 {
            output.append(UInt8(scalar.value))
        }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append(UInt8(ascii: "-")) }
        var codePoint = 128
        var delta = 0
        var bias = 72
        while handled < label.count {
            var next = Int.max
            for scalar in label where Int(scalar.value) >= codePoint && Int(scalar.value) < next {
                next = Int(scalar.value)
            }
            let (increment, overflow) = (next - codePoint).multipliedReportingOverflow(by: handled + 1)
            guard !overflow, delta <= Int(UInt32.max) - increment else { return nil }
            delta += increment
            codePoint = next
            for scalar in label {
                let value = Int(scalar.value)
                if value < codePoint {
                    delta += 1
                    guard delta <= Int(UInt32.max) else { return nil }
                }
                guard value == codePoint else { continue }
                var q = delta
                var k = 36
                while true {
                    let threshold = k <= bias ? 1 : (k >= bias + 26 ? 26 : k - bias)
                    if q < threshold { break }
                    output.append(punycodeDigit(threshold + (q - threshold) % (36 - threshold)))
                    q = (q - threshold) / (36 - threshold)
                    k += 36
                }
                output.append(punycodeDigit(q))
                bias = punycodeAdapt(delta, handled + 1, handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            codePoint += 1
        }
        return output
    }

    /// The Punycode digit for `value` (0–35): `a`–`z`, then `0`–`9`.
    private static func punycodeDigit(_ value: Int) -> UInt8 {
        value < 26 ? UInt8(ascii: "a") + UInt8(value) : UInt8(ascii: "0") + UInt8(value - 26)
    }

    /// Decodes RFC 3492 Punycode from `bytes[start..<end]`; `nil` when it is malformed.
    private static func punycodeDecode(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int
    ) -> [Unicode.Scalar]? {
        let base = 36
        let tMin = 1
        let tMax = 26
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(end - start)
        var delimiter = start - 1
        for index in start..<end where bytes[index] == UInt8(ascii: "-") {
            delimiter = index
        }
        var index = start
        if delimiter >= start {
            for position in start..<delimiter {
                // A-labels are case-insensitive, like the rest of a DNS name.
                let byte = bytes[position]
                output.append(Unicode.Scalar(isAlpha(byte) ? byte | 0x20 : byte))
            }
            index = delimiter + 1
        }
        var codePoint = 128
        var bias = 72
        var position = 0
        while index < end {
            let oldPosition = position
            var weight = 1
            var k = base
            while true {
                guard index < end else { return nil }
                let byte = bytes[index]
                index += 1
                let digit: Int
                if isDigit(byte) {
                    digit = Int(byte - 0x30) + 26
                } else if isAlpha(byte) {
                    digit = Int((byte | 0x20) - 0x61)
                } else {
                    return nil
                }
                let (scaled, overflow1) = digit.multipliedReportingOverflow(by: weight)
                let (sum, overflow2) = position.addingReportingOverflow(scaled)
                guard !overflow1, !overflow2, sum <= 0x10FFFF * 64 else { return nil }
                position = sum
                let threshold = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if digit < threshold { break }
                let (nextWeight, overflow3) = weight.multipliedReportingOverflow(by: base - threshold)
                guard !overflow3 else { return nil }
                weight = nextWeight
                k += base
            }
            let length = output.count + 1
            bias = punycodeAdapt(position - oldPosition, length, oldPosition == 0)
            codePoint += position / length
            position %= length
            guard codePoint <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(codePoint)) else { return nil }
            output.insert(scalar, at: position)
            position += 1
        }
        return output
    }

    /// The RFC 3492 bias adaptation function.
    private static func punycodeAdapt(_ delta: Int, _ length: Int, _ first: Bool) -> Int {
        var delta = first ? delta / 700 : delta / 2
        delta += delta / length
        var k = 0
        while delta > ((36 - 1) * 26) / 2 {
            delta /= 36 - 1
            k += 36
        }
        return k + (36 * delta) / (delta + 38)
    }
}

// MARK: - email

extension FormatChecker {
    /// RFC 5321 `Mailbox`: a dot-atom or quoted-string local part (at most 64 octets), `@`, and a
    /// host name or an address literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`). ASCII only.
    static func isEmail(_ string: String) -> Bool {
        withBytes(string) { bytes in mailbox(bytes, international: false) }
    }

    /// RFC 6531 internationalized `Mailbox`: as `email`, but the local part may contain any non-ASCII
    /// character (`UTF8-non-ascii`, in atoms and quoted strings; at most 64 octets of UTF-8) and the
    /// domain is an internationalized host name (`idn-hostname`) or an address literal.
    static func isIDNEmail(_ string: String) -> Bool {
        withBytes(string) { bytes in mailbox(bytes, international: true) }
    }

    /// Checks an e-mail address; with `international`, an RFC 6531 one.
    private static func mailbox(_ bytes: UnsafeBufferPointer<UInt8>, international: Bool) -> Bool {
        var index = 0
        if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
            index += 1
            var closed = false
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    closed = true
                    index += 1
                    break
                } else if byte == UInt8(ascii: "\\") {
                    guard index + 1 < bytes.count, bytes[index + 1] >= 32, bytes[index + 1] <= 126 else {
                        return false
                    }
                    index += 2
                } else if (byte >= 32 && byte <= 126) || (international && byte >= 0x80) {
                    index += 1
                } else {
                    return false
                }
            }
            guard closed else { return false }
        } else {
            var previousWasDot = true  // forbids a leading dot
            while index < bytes.count && bytes[index] != UInt8(ascii: "@") {
                let byte = bytes[index]
                if byte == UInt8(ascii: ".") {
                    guard !previousWasDot else { return false }
                    previousWasDot = true
                } else {
                    guard isAtext(byte) || (international && byte >= 0x80) else { return false }
                    previousWasDot = false
                }
                index += 1
            }
            guard index > 0, !previousWasDot else { return false }
        }
        guard index <= 64, index < bytes.count, bytes[index] == UInt8(ascii: "@") else { return false }
        let domainStart = index + 1
        let end = bytes.count
        guard domainStart < end else { return false }
        if bytes[domainStart] == UInt8(ascii: "[") {
            guard bytes[end - 1] == UInt8(ascii: "]") else { return false }
            let literalStart = domainStart + 1
            let literalEnd = end - 1
            if literalEnd - literalStart > 5 && (bytes[literalStart] | 0x20) == UInt8(ascii: "i")
                && (bytes[literalStart + 1] | 0x20) == UInt8(ascii: "p")
                && (bytes[literalStart + 2] | 0x20) == UInt8(ascii: "v") && bytes[literalStart + 3] == 0x36
                && bytes[literalStart + 4] == UInt8(ascii: ":")
            {
                return ipv6(bytes, literalStart + 5, literalEnd)
            }
            return ipv4(bytes, literalStart, literalEnd)
        }
        guard international else { return hostname(bytes, domainStart, end) }
        let domain = String(decoding: UnsafeBufferPointer(rebasing: bytes[domainStart..<end]), as: UTF8.self)
        return idnHostname(Array(domain.unicodeScalars))
    }

    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    private static func isAtext(_ byte: UInt8) -> Bool {
        if isAlpha(byte) || isDigit(byte) { return true }
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"),
            UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}

// MARK: - uri, uri-reference, iri, iri-reference

extension FormatChecker {
    /// RFC 3986 `URI`: a scheme, `:`, a hierarchical part, optional query and fragment; ASCII only,
    /// every `%` followed by two hex digits.
    static func isURI(_ string: String) -> Bool {
        withBytes(string) { bytes in uriReference(bytes, requireScheme: true, iri: false) }
    }

    /// RFC 3986 `URI-reference`: a `URI` or a relative reference (the empty string is valid).
    static func isURIReference(_ string: String) -> Bool {
        withBytes(string) { bytes in uriReference(bytes, requireScheme: false, iri: false) }
    }

    /// RFC 3987 `IRI`: a `URI` whose user information, host, path, query and fragment may also contain
    /// `ucschar` characters, and whose query may contain `iprivate` ones.
    static func isIRI(_ string: String) -> Bool {
        withBytes(string) { bytes in uriReference(bytes, requireScheme: true, iri: true) }
    }

    /// RFC 3987 `IRI-reference`: an `IRI` or a relative reference with the same characters.
    static func isIRIReference(_ string: String) -> Bool {
        withBytes(string) { bytes in uriReference(bytes, requireScheme: false, iri: true) }
    }

    /// Which non-ASCII characters a URI component accepts.
    private enum NonASCII {
        /// None (URIs).
        case none
        /// `ucschar` (IRIs).
        case ucschar
        /// `ucschar` and `iprivate` (IRI queries).
        case ucscharOrPrivate
    }

    /// Checks a URI (with `requireScheme`) or a URI reference; with `iri`, an IRI or IRI reference.
    private static func uriReference(_ bytes: UnsafeBufferPointer<UInt8>, requireScheme: Bool, iri: Bool) -> Bool {
        let unicode: NonASCII = iri ? .ucschar : .none
        let end = bytes.count
        var index = 0
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
        var hasScheme = false
        if end > 0 && isAlpha(bytes[0]) {
            var probe = 1
            while probe < end {
                let byte = bytes[probe]
                guard
                    isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                        || byte == UInt8(ascii: ".")
                else { break }
                probe += 1
            }
            if probe < end && bytes[probe] == UInt8(ascii: ":") {
                hasScheme = true
                index = probe + 1
            }
        }
        if requireScheme && !hasScheme { return false }
        // hier-part / relative-part
        if end - index >= 2 && bytes[index] == UInt8(ascii: "/") && bytes[index + 1] == UInt8(ascii: "/") {
            let authorityStart = index + 2
            var authorityEnd = authorityStart
            while authorityEnd < end {
                let byte = bytes[authorityEnd]
                if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
                authorityEnd += 1
            }
            guard authority(bytes, authorityStart, authorityEnd, unicode) else { return false }
            index = authorityEnd
        } else if !hasScheme {
            // path-noscheme: the first segment of a relative path must not contain ":".
            var probe = index
            while probe < end {
                let byte = bytes[probe]
                if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
                if byte == UInt8(ascii: ":") { return false }
                probe += 1
            }
        }
        // path
        while index < end && bytes[index] != UInt8(ascii: "?") && bytes[index] != UInt8(ascii: "#") {
            guard let next = pchar(bytes, index, allowQuestionMark: false, unicode) else { return false }
            index = next
        }
        // query
        if index < end && bytes[index] == UInt8(ascii: "?") {
            index += 1
            while index < end && bytes[index] != UInt8(ascii: "#") {
                guard let next = pchar(bytes, index, allowQuestionMark: true, iri ? .ucscharOrPrivate : .none)
                else { return false }
                index = next
            }
        }
        // fragment
        if index < end && bytes[index] == UInt8(ascii: "#") {
            index += 1
            while index < end {
                guard let next = pchar(bytes, index, allowQuestionMark: true, unicode) else { return false }
                index = next
            }
        }
        return true
    }

    /// Checks `authority = [ userinfo "@" ] host [ ":" port ]` in `bytes[start..<end]`.
    private static func authority(
        _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ unicode: NonASCII
    ) -> Bool {
        var hostStart = start
        var at = start
        while at < end && bytes[at] != UInt8(ascii: "@") {
            at += 1
        }
        if at < end {
            // userinfo = *( unreserved / pct-encoded / sub-delims / ":" )
            var index = start
            while index < at {
                guard let next = unreservedOrSubDelim(bytes, index, extra: UInt8(ascii: ":"), unicode), next <= at
                else {
                    return false
                }
                index = next
            }
            hostStart = at + 1
        }
        var index = hostStart
        if index < end && bytes[index] == UInt8(ascii: "[") {
            var close = index + 1
            while close < end && bytes[close] != UInt8(ascii: "]") {
                close += 1
            }
            guard close < end, ipLiteral(bytes, index + 1, close) else { return false }
            index = close + 1
        } else {
            // reg-name = *( unreserved / pct-encoded / sub-delims ); an IPv4 address is also a reg-name.
            while index < end && bytes[index] != UInt8(ascii: ":") {
                guard let next = unreservedOrSubDelim(bytes, index, unicode), next <= end else { return false }
                index = next
            }
        }
        if index < end {
            guard bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            while index < end {
                guard isDigit(bytes[index]) else { return false }
                index += 1
            }
        }
        return true
    }

    /// Checks the inside of `IP-literal`: an IPv6 address or `IPvFuture`.
    private static func ipLiteral(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard start < end else { return false }
        guard (bytes[start] | 0x20) == UInt8(ascii: "v") else { return ipv6(bytes, start, end) }
        // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
        var index = start + 1
        while index < end && hexValue(bytes[index]) != nil {
            index += 1
        }
        guard index > start + 1, index < end, bytes[index] == UInt8(ascii: ".") else { return false }
        index += 1
        guard index < end else { return false }
        while index < end {
            let byte = bytes[index]
            guard isUnreserved(byte) || isSubDelim(byte) || byte == UInt8(ascii: ":") else { return false }
            index += 1
        }
        return true
    }

    /// Consumes one `pchar` or `/` (and `?` when allowed, for queries and fragments) at `index`;
    /// returns the next index or `nil`.
    private static func pchar(
        _ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, allowQuestionMark: Bool, _ unicode: NonASCII
    ) -> Int? {
        let byte = bytes[index]
        if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "@") || byte == UInt8(ascii: "/") { return index + 1 }
        if allowQuestionMark && byte == UInt8(ascii: "?") { return index + 1 }
        return unreservedOrSubDelim(bytes, index, unicode)
    }

    /// Consumes one unreserved, sub-delim, percent-encoded or `extra` character, or a non-ASCII one
    /// that `unicode` allows; returns the next index or `nil`.
    private static func unreservedOrSubDelim(
        _ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, extra: UInt8? = nil, _ unicode: NonASCII
    ) -> Int? {
        let byte = bytes[index]
        if isUnreserved(byte) || isSubDelim(byte) || byte == extra { return index + 1 }
        if byte >= 0x80 {
            guard unicode != .none, let (value, next) = decodeUTF8(bytes, index) else { return nil }
            if isUCSChar(value) || (unicode == .ucscharOrPrivate && isIPrivate(value)) { return next }
            return nil
        }
        if byte == UInt8(ascii: "%") {
            guard index + 2 < bytes.count, hexValue(bytes[index + 1]) != nil, hexValue(bytes[index + 2]) != nil
            else { return nil }
            return index + 3
        }
        return nil
    }

    /// RFC 3986 `unreserved`: letters, digits, `-`, `.`, `_`, `~`.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "~")
    }

    /// RFC 3986 `sub-delims`: ``!$&'()*+,;=``.
    private static func isSubDelim(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }
}

// MARK: - uri-template

extension FormatChecker {
    /// RFC 6570 `URI-Template` (level 4): literals and `{…}` expressions with an optional operator
    /// (`+ # . / ; ? &`; the reserved `= , ! @ |` are rejected), comma-separated variable names of
    /// `ALPHA / DIGIT / "_" / pct-encoded` characters with single inner dots, each with an optional
    /// prefix (`:1`–`:9999`) or explode (`*`) modifier. Literals exclude controls, space, `"`, `%` (except
    /// in `%XX`), `<`, `>`, `\`, `^`, `` ` ``, `{`, `|` and `}`, and may contain `ucschar` and `iprivate`
    /// characters; the apostrophe is allowed (RFC 6570 erratum 6937).
    static func isURITemplate(_ string: String) -> Bool {
        withBytes(string) { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "{") {
                    guard let next = uriTemplateExpression(bytes, index + 1) else { return false }
                    index = next
                } else if byte == UInt8(ascii: "%") {
                    guard index + 2 < bytes.count, hexValue(bytes[index + 1]) != nil, hexValue(bytes[index + 2]) != nil
                    else { return false }
                    index += 3
                } else if byte >= 0x80 {
                    guard let (value, next) = decodeUTF8(bytes, index), isUCSChar(value) || isIPrivate(value)
                    else { return false }
                    index = next
                } else {
                    switch byte {
                    case 0..<0x21, UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\\"),
                        UInt8(ascii: "^"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "}"), 0x7F:
                        return false
                    default:
                        index += 1
                    }
                }
            }
            return true
        }
    }

    /// Checks the expression whose body starts at `start` (after `{`); returns the index after `}`.
    private static func uriTemplateExpression(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int? {
        var index = start
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "+"), UInt8(ascii: "#"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ";"),
            UInt8(ascii: "?"), UInt8(ascii: "&"):
            index += 1
        default:
            break
        }
        while true {
            // varname = varchar *( ["."] varchar )
            var previousWasDot = true
            let nameStart = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ".") {
                    guard !previousWasDot else { return nil }
                    previousWasDot = true
                    index += 1
                } else if isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "_") {
                    previousWasDot = false
                    index += 1
                } else if byte == UInt8(ascii: "%") {
                    guard index + 2 < bytes.count, hexValue(bytes[index + 1]) != nil, hexValue(bytes[index + 2]) != nil
                    else { return nil }
                    previousWasDot = false
                    index += 3
                } else {
                    break
                }
            }
            guard index > nameStart, !previousWasDot, index < bytes.count else { return nil }
            // modifier-level4 = prefix / explode
            if bytes[index] == UInt8(ascii: ":") {
                index += 1
                let digitsStart = index
                while index < bytes.count && isDigit(bytes[index]) && index - digitsStart < 4 {
                    index += 1
                }
                guard index > digitsStart, bytes[digitsStart] != UInt8(ascii: "0"), index < bytes.count else {
                    return nil
                }
            } else if bytes[index] == UInt8(ascii: "*") {
                index += 1
                guard index < bytes.count else { return nil }
            }
            if bytes[index] == UInt8(ascii: "}") { return index + 1 }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }
}

// MARK: - byte

extension FormatChecker {
    /// RFC 4648 base64 with the standard alphabet and `=` padding: length a multiple of 4, at most
    /// two trailing `=`; the empty string is valid. Non-zero pad bits are accepted.
    static func isBase64(_ string: String) -> Bool {
        withBytes(string) { bytes in
            guard bytes.count % 4 == 0 else { return false }
            var padding = 0
            for byte in bytes {
                if byte == UInt8(ascii: "=") {
                    padding += 1
                    guard padding <= 2 else { return false }
                } else {
                    guard padding == 0 else { return false }
                    guard isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
                    else { return false }
                }
            }
            return true
        }
    }
}

// MARK: - IDNA2008

/// The IDNA2008 (RFC 5891, RFC 5892) checks of a decoded U-label.
private enum IDNA {
    /// True when `label` is a valid U-label: every code point PVALID or allowed by its context
    /// rule, no `--` in positions 3 and 4, no leading or trailing hyphen, no leading combining mark.
    static func isValidULabel(_ label: [Unicode.Scalar]) -> Bool {
        guard let first = label.first, let last = label.last else { return false }
        if first == "-" || last == "-" { return false }
        if label.count >= 4 && label[2] == "-" && label[3] == "-" { return false }
        switch first.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return false
        default: break
        }
        var hasArabicIndic = false
        var hasExtendedArabicIndic = false
        for (index, scalar) in label.enumerated() {
            switch derivedProperty(scalar) {
            case .pvalid:
                continue
            case .disallowed:
                return false
            case .contextJ:
                guard contextJAllows(label, index) else { return false }
            case .contextO:
                switch scalar.value {
                case 0x0660...0x0669: hasArabicIndic = true
                case 0x06F0...0x06F9: hasExtendedArabicIndic = true
                default: guard contextOAllows(label, index) else { return false }
                }
            }
        }
        return !(hasArabicIndic && hasExtendedArabicIndic)
    }

    /// An RFC 5892 derived property value.
    enum Property {
        case pvalid, contextJ, contextO, disallowed
    }

    /// The RFC 5892 §3 derived property of a code point.
    static func derivedProperty(_ scalar: Unicode.Scalar) -> Property {
        let value = scalar.value
        // (F) Exceptions.
        switch value {
        case 0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007: return .pvalid
        case 0x00B7, 0x0375, 0x05F3, 0x05F4, 0x0660...0x0669, 0x06F0...0x06F9, 0x30FB: return .contextO
        case 0x0640, 0x07FA, 0x302E, 0x302F, 0x3031...0x3035, 0x303B: return .disallowed
        default: break
        }
        let properties = scalar.properties
        // (J) Unassigned.
        if properties.generalCategory == .unassigned { return .disallowed }
        // (H) LDH.
        if (value >= 0x61 && value <= 0x7A) || (value >= 0x30 && value <= 0x39) || value == 0x2D { return .pvalid }
        // (H) JoinControl.
        if properties.isJoinControl { return .contextJ }
        // (B) Unstable, (C) IgnorableProperties.
        if properties.changesWhenNFKCCaseFolded || properties.isDefaultIgnorableCodePoint
            || properties.isWhitespace || properties.isNoncharacterCodePoint
        {
            return .disallowed
        }
        // (D) IgnorableBlocks, (I) OldHangulJamo.
        switch value {
        case 0x20D0...0x20FF, 0x1D100...0x1D24F, 0x1100...0x11FF, 0xA960...0xA97F, 0xD7B0...0xD7FF:
            return .disallowed
        default: break
        }
        // (A) LetterDigits.
        switch properties.generalCategory {
        case .lowercaseLetter, .uppercaseLetter, .otherLetter, .decimalNumber, .modifierLetter, .nonspacingMark,
            .spacingMark:
            return .pvalid
        default:
            return .disallowed
        }
    }

    /// RFC 5892 Appendix A.1 and A.2: ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER.
    static func contextJAllows(_ label: [Unicode.Scalar], _ index: Int) -> Bool {
        if index > 0 && label[index - 1].properties.canonicalCombiningClass == .virama { return true }
        guard label[index].value == 0x200C else { return false }
        // (Joining_Type:{L,D})(Joining_Type:T)*\u200C(Joining_Type:T)*(Joining_Type:{R,D})
        var before = index - 1
        while before >= 0 && isTransparent(label[before]) {
            before -= 1
        }
        guard before >= 0, inRanges(label[before].value, leftJoining) else { return false }
        var after = index + 1
        while after < label.count && isTransparent(label[after]) {
            after += 1
        }
        return after < label.count && inRanges(label[after].value, rightJoining)
    }

    /// RFC 5892 Appendix A.3–A.7 and A.9 (the digit rules A.8/A.9 are checked by the caller).
    static func contextOAllows(_ label: [Unicode.Scalar], _ index: Int) -> Bool {
        switch label[index].value {
        case 0x00B7:  // MIDDLE DOT: between two 'l'.
            return index > 0 && index + 1 < label.count && label[index - 1] == "l" && label[index + 1] == "l"
        case 0x0375:  // GREEK LOWER NUMERAL SIGN (KERAIA): followed by Greek.
            return index + 1 < label.count && isGreek(label[index + 1].value)
        case 0x05F3, 0x05F4:  // HEBREW PUNCTUATION GERESH / GERSHAYIM: preceded by Hebrew.
            return index > 0 && isHebrew(label[index - 1].value)
        case 0x30FB:  // KATAKANA MIDDLE DOT: some Hiragana, Katakana or Han in the label.
            return label.contains { isHiraganaKatakanaOrHan($0.value) }
        default:
            return false
        }
    }

    /// The RFC 5893 Bidi classes that matter for labels (Bidi_Class values grouped as the rule uses them).
    enum BidiClass {
        /// L.
        case leftToRight
        /// R.
        case rightToLeft
        /// AL.
        case arabicLetter
        /// AN.
        case arabicNumber
        /// EN.
        case europeanNumber
        /// NSM.
        case nonspacingMark
        /// ES, CS, ET, ON, BN: allowed in labels of either direction.
        case neutral
    }

    /// The Bidi class of a code point that may occur in a valid label.
    ///
    /// Nonspacing and enclosing marks are NSM (except five Kannada, Zanabazar Square and Bhaiksuki
    /// marks that are L); the right-to-left and number ranges come from Unicode 14 `DerivedBidiClass`
    /// (with the right-to-left defaults of unassigned code points in right-to-left blocks) and are exact
    /// for letters, digits and marks; everything else is L.
    static func bidiClass(_ scalar: Unicode.Scalar) -> BidiClass {
        let value = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark:
            switch value {
            case 0x0CBF, 0x0CC6, 0x11A07, 0x11A08, 0x11C3F: return .leftToRight
            default: return .nonspacingMark
            }
        default:
            break
        }
        switch value {
        case 0x0590...0x05FF, 0x07C0...0x085F, 0xFB1D...0xFB4F, 0x10800...0x10CF9, 0x10D40...0x10EBF, 0x10F00...0x10F2F,
            0x10F70...0x10FFF, 0x1E800...0x1EC6F, 0x1ECC0...0x1ECFF, 0x1ED50...0x1EDFF, 0x1EF00...0x1EFFF:
            return .rightToLeft
        case 0x0620...0x064A, 0x066E...0x06EF, 0x06FA...0x07BF, 0x0860...0x08FF, 0xFB50...0xFEFE, 0x10D00...0x10D2F,
            0x10D3A...0x10D3F, 0x10EC0...0x10EFF, 0x10F30...0x10F6F, 0x1EC70...0x1ECBF, 0x1ED00...0x1ED4F,
            0x1EE00...0x1EEFF:
            return .arabicLetter
        case 0x0660...0x0669, 0x10D30...0x10D39:
            return .arabicNumber
        case 0x0030...0x0039, 0x06F0...0x06F9, 0xFF10...0xFF19, 0x1D7CE...0x1D7FF, 0x1FBF0...0x1FBF9:
            return .europeanNumber
        case 0x002D, 0x00B7, 0x02B9...0x02BA, 0x02C6...0x02CF, 0x02EC, 0x0374...0x0375, 0x200C...0x200D, 0x2E2F, 0x30FB,
            0xA67F, 0xA717...0xA71F, 0xA788:
            return .neutral
        default:
            return .leftToRight
        }
    }

    /// True when a label contains a right-to-left character (Bidi class R, AL or AN), which makes the
    /// domain name a Bidi domain name (RFC 5893 §1.4).
    static func isRightToLeft(_ label: [Unicode.Scalar]) -> Bool {
        label.contains { scalar in
            switch bidiClass(scalar) {
            case .rightToLeft, .arabicLetter, .arabicNumber: return true
            default: return false
            }
        }
    }

    /// The RFC 5893 §2 Bidi rule for one label of a Bidi domain name.
    static func satisfiesBidiRule(_ label: [Unicode.Scalar]) -> Bool {
        guard let first = label.first else { return false }
        let classes = label.map(bidiClass)
        let last = classes.last { $0 != .nonspacingMark }
        switch bidiClass(first) {
        case .rightToLeft, .arabicLetter:
            // Rules 2–4.
            guard !classes.contains(.leftToRight) else { return false }
            guard !(classes.contains(.europeanNumber) && classes.contains(.arabicNumber)) else { return false }
            switch last {
            case .rightToLeft, .arabicLetter, .europeanNumber, .arabicNumber: return true
            default: return false
            }
        case .leftToRight:
            // Rules 5–6.
            guard !classes.contains(where: { $0 == .rightToLeft || $0 == .arabicLetter || $0 == .arabicNumber })
            else { return false }
            return last == .leftToRight || last == .europeanNumber
        default:
            // Rule 1.
            return false
        }
    }

    /// Joining_Type T: marks and format characters without an explicit joining type.
    private static func isTransparent(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value == 0x200C || scalar.value == 0x200D { return false }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return true
        default: return false
        }
    }

    /// True when `value` lies in one of the inclusive `[low, high]` pairs of `ranges`.
    private static func inRanges(_ value: UInt32, _ ranges: [UInt32]) -> Bool {
        var index = 0
        while index + 1 < ranges.count {
            if value < ranges[index] { return false }
            if value <= ranges[index + 1] { return true }
            index += 2
        }
        return false
    }

    /// Script=Greek (approximately: the Greek and Coptic and Greek Extended blocks, Greek numbers).
    private static func isGreek(_ value: UInt32) -> Bool {
        switch value {
        case 0x0370...0x0373, 0x0376...0x0377, 0x037A...0x037D, 0x037F, 0x0384, 0x0386, 0x0388...0x03E1,
            0x03F0...0x03FF, 0x1D26...0x1D2A, 0x1D5D...0x1D61, 0x1D66...0x1D6A, 0x1DBF, 0x1F00...0x1FFE, 0x2126,
            0xAB65, 0x10140...0x1018E, 0x101A0, 0x1D200...0x1D245:
            return true
        default:
            return false
        }
    }

    /// Script=Hebrew.
    private static func isHebrew(_ value: UInt32) -> Bool {
        switch value {
        case 0x0591...0x05C7, 0x05D0...0x05EA, 0x05EF...0x05F4, 0xFB1D...0xFB4F: return true
        default: return false
        }
    }

    /// Script=Hiragana, Katakana or Han (KATAKANA MIDDLE DOT itself excluded).
    private static func isHiraganaKatakanaOrHan(_ value: UInt32) -> Bool {
        switch value {
        case 0x3041...0x3096, 0x309D...0x309F, 0x1B001...0x1B11F, 0x1B132, 0x1B150...0x1B152, 0x1F200,
            0x30A1...0x30FA, 0x30FD...0x30FF, 0x31F0...0x31FF, 0x32D0...0x32FE, 0x3300...0x3357,
            0xFF66...0xFF6F, 0xFF71...0xFF9D, 0x1AFF0...0x1AFFE, 0x1B000, 0x1B120...0x1B122, 0x1B155,
            0x1B164...0x1B167, 0x2E80...0x2E99, 0x2E9B...0x2EF3, 0x2F00...0x2FD5, 0x3005, 0x3007,
            0x3021...0x3029, 0x3038...0x303B, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFA6D,
            0xFA70...0xFAD9, 0x16FE2...0x16FE3, 0x16FF0...0x16FF1, 0x20000...0x323AF:
            return true
        default:
            return false
        }
    }

    /// Code points with Joining_Type L or D (Unicode 14 ArabicShaping), as inclusive pairs.
    private static let leftJoining: [UInt32] = [
        0x0620, 0x0620, 0x0626, 0x0626, 0x0628, 0x0628, 0x062A, 0x062E, 0x0633, 0x063F, 0x0641, 0x0647,
        0x0649, 0x064A, 0x066E, 0x066F, 0x0678, 0x0687, 0x069A, 0x06BF, 0x06C1, 0x06C2, 0x06CC, 0x06CC,
        0x06CE, 0x06CE, 0x06D0, 0x06D1, 0x06FA, 0x06FC, 0x06FF, 0x06FF, 0x0712, 0x0714, 0x071A, 0x071D,
        0x071F, 0x0727, 0x0729, 0x0729, 0x072B, 0x072B, 0x072D, 0x072E, 0x074E, 0x0758, 0x075C, 0x076A,
        0x076D, 0x0770, 0x0772, 0x0772, 0x0775, 0x0777, 0x077A, 0x077F, 0x07CA, 0x07EA, 0x0841, 0x0845,
        0x0848, 0x0848, 0x084A, 0x0853, 0x0855, 0x0855, 0x0860, 0x0860, 0x0862, 0x0865, 0x0868, 0x0868,
        0x0886, 0x0886, 0x0889, 0x088D, 0x08A0, 0x08A9, 0x08AF, 0x08B0, 0x08B3, 0x08B8, 0x08BA, 0x08C8,
        0x1807, 0x1807, 0x1820, 0x1878, 0x1887, 0x18A8, 0x18AA, 0x18AA, 0xA840, 0xA872, 0x10AC0, 0x10AC4,
        0x10ACD, 0x10ACD, 0x10AD3, 0x10ADC, 0x10ADE, 0x10AE0, 0x10AEB, 0x10AEE, 0x10B80, 0x10B80, 0x10B82,
        0x10B82, 0x10B86, 0x10B88, 0x10B8A, 0x10B8B, 0x10B8D, 0x10B8D, 0x10B90, 0x10B90, 0x10BAD, 0x10BAE,
        0x10D00, 0x10D21, 0x10D23, 0x10D23, 0x10F30, 0x10F32, 0x10F34, 0x10F44, 0x10F51, 0x10F53, 0x10F70,
        0x10F73, 0x10F76, 0x10F81, 0x10FB0, 0x10FB0, 0x10FB2, 0x10FB3, 0x10FB8, 0x10FB8, 0x10FBB, 0x10FBC,
        0x10FBE, 0x10FBF, 0x10FC1, 0x10FC1, 0x10FC4, 0x10FC4, 0x10FCA, 0x10FCB, 0x1E900, 0x1E943,
    ]

    /// Code points with Joining_Type R or D (Unicode 14 ArabicShaping), as inclusive pairs.
    private static let rightJoining: [UInt32] = [
        0x0620, 0x0620, 0x0622, 0x063F, 0x0641, 0x064A, 0x066E, 0x066F, 0x0671, 0x0673, 0x0675, 0x06D3,
        0x06D5, 0x06D5, 0x06EE, 0x06EF, 0x06FA, 0x06FC, 0x06FF, 0x06FF, 0x0710, 0x0710, 0x0712, 0x072F,
        0x074D, 0x077F, 0x07CA, 0x07EA, 0x0840, 0x0858, 0x0860, 0x0860, 0x0862, 0x0865, 0x0867, 0x086A,
        0x0870, 0x0882, 0x0886, 0x0886, 0x0889, 0x088E, 0x08A0, 0x08AC, 0x08AE, 0x08C8, 0x1807, 0x1807,
        0x1820, 0x1878, 0x1887, 0x18A8, 0x18AA, 0x18AA, 0xA840, 0xA871, 0x10AC0, 0x10AC5, 0x10AC7, 0x10AC7,
        0x10AC9, 0x10ACA, 0x10ACE, 0x10AD6, 0x10AD8, 0x10AE1, 0x10AE4, 0x10AE4, 0x10AEB, 0x10AEF, 0x10B80,
        0x10B91, 0x10BA9, 0x10BAE, 0x10D01, 0x10D23, 0x10F30, 0x10F44, 0x10F51, 0x10F54, 0x10F70, 0x10F81,
        0x10FB0, 0x10FB0, 0x10FB2, 0x10FB6, 0x10FB8, 0x10FBF, 0x10FC1, 0x10FC4, 0x10FC9, 0x10FCA, 0x1E900,
        0x1E943,
    ]
}

// MARK: - ECMA-262 regular expressions

/// ECMA-262 regular expression syntax, as `format: regex` and the `pattern` keyword read it.
///
/// The grammar is ECMAScript 2025's `Pattern[+UnicodeMode, ~UnicodeSetsMode, +NamedCaptureGroups]`
/// (§22.2.1: the `u` flag, without Annex B's web-compatibility relaxations) with its early errors:
/// identity escapes only of syntax characters and `/` (and `-` in classes), no lone `{`, `}` or `]`,
/// no quantified assertions, backreferences to existing groups, `\k<name>` to an existing name, group
/// names that cannot both participate in a match, ranges between single characters in order,
/// quantifier bounds in order, `\p{…}` with the property names and values ECMA-262 lists, and
/// modifier groups `(?ims-ims:…)`. Nesting deeper than ``maximumDepth`` groups and classes is
/// rejected, to bound recursion.
package enum ECMARegex {
    /// The deepest group nesting the parser accepts.
    package static let maximumDepth = 200

    /// The flags a modifier group `(?ims-ims:…)` turns on or off.
    package struct Flags: OptionSet, Sendable, Hashable {
        /// The raw bits.
        package let rawValue: UInt8

        /// Creates flags from raw bits.
        package init(rawValue: UInt8) { self.rawValue = rawValue }

        /// `i`: case-insensitive matching.
        package static let ignoreCase = Flags(rawValue: 1)
        /// `m`: `^` and `$` match at line terminators.
        package static let multiline = Flags(rawValue: 2)
        /// `s`: `.` matches line terminators.
        package static let dotAll = Flags(rawValue: 4)
    }

    /// A Unicode property of `\p{…}` / `\P{…}`, with names in their canonical long form.
    package enum UnicodeProperty: Sendable, Hashable {
        /// A General_Category value, such as `Uppercase_Letter`.
        case generalCategory(String)
        /// A Script (or, with `extensions`, Script_Extensions) value, such as `Latin`.
        case script(String, extensions: Bool)
        /// A binary property, such as `Alphabetic`.
        case binary(String)
    }

    /// `\d`, `\s`, `\w`, `\p{…}` and their negations.
    package enum ClassEscape: Sendable, Hashable {
        /// `\d` (`[0-9]`), or `\D`.
        case digit(negated: Bool)
        /// `\s` (white space and line terminators), or `\S`.
        case space(negated: Bool)
        /// `\w` (`[A-Za-z0-9_]`), or `\W`.
        case word(negated: Bool)
        /// `\p{…}`, or `\P{…}`.
        case property(UnicodeProperty, negated: Bool)
    }

    /// One member of a character class.
    package enum ClassItem: Sendable, Hashable {
        /// A code point (possibly a lone surrogate, from `\uD800`).
        case character(UInt32)
        /// An inclusive range of code points.
        case range(UInt32, UInt32)
        /// A class escape.
        case escape(ClassEscape)
    }

    /// A parsed regular expression.
    package indirect enum Node: Sendable {
        /// Matches the empty string.
        case empty
        /// The terms of an alternative, in order.
        case sequence([Node])
        /// Alternatives, tried in order.
        case alternation([Node])
        /// A code point (possibly a lone surrogate, from `\uD800`).
        case character(UInt32)
        /// `.`.
        case anyCharacter
        /// `\d`, `\s`, `\w`, `\p{…}` and negations, outside a class.
        case classEscape(ClassEscape)
        /// `[…]` or `[^…]`.
        case characterClass(negated: Bool, items: [ClassItem])
        /// `^`.
        case lineStart
        /// `$`.
        case lineEnd
        /// `\b`, or `\B` when negated.
        case wordBoundary(negated: Bool)
        /// `(?=…)`, or `(?!…)` when negated.
        case lookahead(Node, negated: Bool)
        /// `(?<=…)`, or `(?<!…)` when negated.
        case lookbehind(Node, negated: Bool)
        /// A capturing group, numbered from 1 in the order of its `(`, with its name if any.
        case capture(Node, index: Int, name: String?)
        /// `(?:…)`.
        case group(Node)
        /// `(?ims-ims:…)`.
        case modified(Node, adding: Flags, removing: Flags)
        /// `\1`, `\2`, ….
        case backreference(Int)
        /// `\k<name>`.
        case namedBackreference(String)
        /// A quantified atom; `max` is `nil` when unbounded. Bounds too large for `Int` saturate.
        case quantified(Node, min: Int, max: Int?, greedy: Bool)
    }

    /// A parsed regular expression and facts about its groups.
    package struct Parsed: Sendable {
        /// The expression.
        package var root: Node
        /// The number of capturing groups.
        package var captureCount: Int
        /// The group numbers of each group name, in order (a name may name several groups, in
        /// different alternatives).
        package var groupNames: [String: [Int]]
    }

    /// Parses an ECMA-262 regular expression (the body, without slashes or flags).
    ///
    /// - Parameter source: The expression.
    /// - Returns: The parsed expression, or `nil` when it is not valid ECMA-262 syntax.
    package static func parse(_ source: String) -> Parsed? {
        var parser = ECMARegexParser(Array(source.unicodeScalars))
        return parser.parsePattern()
    }

    /// The canonical long General_Category value for each ECMA-262 value or alias.
    package static let generalCategories: [String: String] = aliasTable([
        ["Cased_Letter", "LC"], ["Close_Punctuation", "Pe"], ["Connector_Punctuation", "Pc"],
        ["Control", "Cc", "cntrl"], ["Currency_Symbol", "Sc"], ["Dash_Punctuation", "Pd"],
        ["Decimal_Number", "Nd", "digit"], ["Enclosing_Mark", "Me"], ["Final_Punctuation", "Pf"], ["Format", "Cf"],
        ["Initial_Punctuation", "Pi"], ["Letter", "L"], ["Letter_Number", "Nl"], ["Line_Separator", "Zl"],
        ["Lowercase_Letter", "Ll"], ["Mark", "M", "Combining_Mark"], ["Math_Symbol", "Sm"],
        ["Modifier_Letter", "Lm"], ["Modifier_Symbol", "Sk"], ["Nonspacing_Mark", "Mn"], ["Number", "N"],
        ["Open_Punctuation", "Ps"], ["Other", "C"], ["Other_Letter", "Lo"], ["Other_Number", "No"],
        ["Other_Punctuation", "Po"], ["Other_Symbol", "So"], ["Paragraph_Separator", "Zp"],
        ["Private_Use", "Co"], ["Punctuation", "P", "punct"], ["Separator", "Z"], ["Space_Separator", "Zs"],
        ["Spacing_Mark", "Mc"], ["Surrogate", "Cs"], ["Symbol", "S"], ["Titlecase_Letter", "Lt"],
        ["Unassigned", "Cn"], ["Uppercase_Letter", "Lu"],
    ])

    /// The canonical long name of each binary property ECMA-262 supports, by name or alias.
    package static let binaryProperties: [String: String] = aliasTable([
        ["ASCII"], ["ASCII_Hex_Digit", "AHex"], ["Alphabetic", "Alpha"], ["Any"], ["Assigned"],
        ["Bidi_Control", "Bidi_C"], ["Bidi_Mirrored", "Bidi_M"], ["Case_Ignorable", "CI"], ["Cased"],
        ["Changes_When_Casefolded", "CWCF"], ["Changes_When_Casemapped", "CWCM"],
        ["Changes_When_Lowercased", "CWL"], ["Changes_When_NFKC_Casefolded", "CWKCF"],
        ["Changes_When_Titlecased", "CWT"], ["Changes_When_Uppercased", "CWU"], ["Dash"],
        ["Default_Ignorable_Code_Point", "DI"], ["Deprecated", "Dep"], ["Diacritic", "Dia"], ["Emoji"],
        ["Emoji_Component", "EComp"], ["Emoji_Modifier", "EMod"], ["Emoji_Modifier_Base", "EBase"],
        ["Emoji_Presentation", "EPres"], ["Extended_Pictographic", "ExtPict"], ["Extender", "Ext"],
        ["Grapheme_Base", "Gr_Base"], ["Grapheme_Extend", "Gr_Ext"], ["Hex_Digit", "Hex"],
        ["IDS_Binary_Operator", "IDSB"], ["IDS_Trinary_Operator", "IDST"], ["ID_Continue", "IDC"],
        ["ID_Start", "IDS"], ["Ideographic", "Ideo"], ["Join_Control", "Join_C"],
        ["Logical_Order_Exception", "LOE"], ["Lowercase", "Lower"], ["Math"], ["Noncharacter_Code_Point", "NChar"],
        ["Pattern_Syntax", "Pat_Syn"], ["Pattern_White_Space", "Pat_WS"], ["Quotation_Mark", "QMark"], ["Radical"],
        ["Regional_Indicator", "RI"], ["Sentence_Terminal", "STerm"], ["Soft_Dotted", "SD"],
        ["Terminal_Punctuation", "Term"], ["Unified_Ideograph", "UIdeo"], ["Uppercase", "Upper"],
        ["Variation_Selector", "VS"], ["White_Space", "space"], ["XID_Continue", "XIDC"], ["XID_Start", "XIDS"],
    ])

    /// The canonical long Script value for each script name or alias (Unicode 16).
    package static let scripts: [String: String] = aliasTable([
        ["Adlam", "Adlm"], ["Ahom"], ["Anatolian_Hieroglyphs", "Hluw"], ["Arabic", "Arab"], ["Armenian", "Armn"],
        ["Avestan", "Avst"], ["Balinese", "Bali"], ["Bamum", "Bamu"], ["Bassa_Vah", "Bass"], ["Batak", "Batk"],
        ["Bengali", "Beng"], ["Bhaiksuki", "Bhks"], ["Bopomofo", "Bopo"], ["Brahmi", "Brah"], ["Braille", "Brai"],
        ["Buginese", "Bugi"], ["Buhid", "Buhd"], ["Canadian_Aboriginal", "Cans"], ["Carian", "Cari"],
        ["Caucasian_Albanian", "Aghb"], ["Chakma", "Cakm"], ["Cham"], ["Cherokee", "Cher"], ["Chorasmian", "Chrs"],
        ["Common", "Zyyy"], ["Coptic", "Copt", "Qaac"], ["Cuneiform", "Xsux"], ["Cypriot", "Cprt"],
        ["Cypro_Minoan", "Cpmn"], ["Cyrillic", "Cyrl"], ["Deseret", "Dsrt"], ["Devanagari", "Deva"],
        ["Dives_Akuru", "Diak"], ["Dogra", "Dogr"], ["Duployan", "Dupl"], ["Egyptian_Hieroglyphs", "Egyp"],
        ["Elbasan", "Elba"], ["Elymaic", "Elym"], ["Ethiopic", "Ethi"], ["Garay", "Gara"], ["Georgian", "Geor"],
        ["Glagolitic", "Glag"], ["Gothic", "Goth"], ["Grantha", "Gran"], ["Greek", "Grek"], ["Gujarati", "Gujr"],
        ["Gunjala_Gondi", "Gong"], ["Gurmukhi", "Guru"], ["Gurung_Khema", "Gukh"], ["Han", "Hani"],
        ["Hangul", "Hang"], ["Hanifi_Rohingya", "Rohg"], ["Hanunoo", "Hano"], ["Hatran", "Hatr"],
        ["Hebrew", "Hebr"], ["Hiragana", "Hira"], ["Imperial_Aramaic", "Armi"], ["Inherited", "Zinh", "Qaai"],
        ["Inscriptional_Pahlavi", "Phli"], ["Inscriptional_Parthian", "Prti"], ["Javanese", "Java"],
        ["Kaithi", "Kthi"], ["Kannada", "Knda"], ["Katakana", "Kana"], ["Kawi"], ["Kayah_Li", "Kali"],
        ["Kharoshthi", "Khar"], ["Khitan_Small_Script", "Kits"], ["Khmer", "Khmr"], ["Khojki", "Khoj"],
        ["Khudawadi", "Sind"], ["Kirat_Rai", "Krai"], ["Lao", "Laoo"], ["Latin", "Latn"], ["Lepcha", "Lepc"],
        ["Limbu", "Limb"], ["Linear_A", "Lina"], ["Linear_B", "Linb"], ["Lisu"], ["Lycian", "Lyci"],
        ["Lydian", "Lydi"], ["Mahajani", "Mahj"], ["Makasar", "Maka"], ["Malayalam", "Mlym"], ["Mandaic", "Mand"],
        ["Manichaean", "Mani"], ["Marchen", "Marc"], ["Masaram_Gondi", "Gonm"], ["Medefaidrin", "Medf"],
        ["Meetei_Mayek", "Mtei"], ["Mende_Kikakui", "Mend"], ["Meroitic_Cursive", "Merc"],
        ["Meroitic_Hieroglyphs", "Mero"], ["Miao", "Plrd"], ["Modi"], ["Mongolian", "Mong"], ["Mro", "Mroo"],
        ["Multani", "Mult"], ["Myanmar", "Mymr"], ["Nabataean", "Nbat"], ["Nag_Mundari", "Nagm"],
        ["Nandinagari", "Nand"], ["New_Tai_Lue", "Talu"], ["Newa"], ["Nko", "Nkoo"], ["Nushu", "Nshu"],
        ["Nyiakeng_Puachue_Hmong", "Hmnp"], ["Ogham", "Ogam"], ["Ol_Chiki", "Olck"], ["Ol_Onal", "Onao"],
        ["Old_Hungarian", "Hung"], ["Old_Italic", "Ital"], ["Old_North_Arabian", "Narb"], ["Old_Permic", "Perm"],
        ["Old_Persian", "Xpeo"], ["Old_Sogdian", "Sogo"], ["Old_South_Arabian", "Sarb"], ["Old_Turkic", "Orkh"],
        ["Old_Uyghur", "Ougr"], ["Oriya", "Orya"], ["Osage", "Osge"], ["Osmanya", "Osma"],
        ["Pahawh_Hmong", "Hmng"], ["Palmyrene", "Palm"], ["Pau_Cin_Hau", "Pauc"], ["Phags_Pa", "Phag"],
        ["Phoenician", "Phnx"], ["Psalter_Pahlavi", "Phlp"], ["Rejang", "Rjng"], ["Runic", "Runr"],
        ["Samaritan", "Samr"], ["Saurashtra", "Saur"], ["Sharada", "Shrd"], ["Shavian", "Shaw"],
        ["Siddham", "Sidd"], ["SignWriting", "Sgnw"], ["Sinhala", "Sinh"], ["Sogdian", "Sogd"],
        ["Sora_Sompeng", "Sora"], ["Soyombo", "Soyo"], ["Sundanese", "Sund"], ["Sunuwar", "Sunu"],
        ["Syloti_Nagri", "Sylo"], ["Syriac", "Syrc"], ["Tagalog", "Tglg"], ["Tagbanwa", "Tagb"], ["Tai_Le", "Tale"],
        ["Tai_Tham", "Lana"], ["Tai_Viet", "Tavt"], ["Takri", "Takr"], ["Tamil", "Taml"], ["Tangsa", "Tnsa"],
        ["Tangut", "Tang"], ["Telugu", "Telu"], ["Thaana", "Thaa"], ["Thai"], ["Tibetan", "Tibt"],
        ["Tifinagh", "Tfng"], ["Tirhuta", "Tirh"], ["Todhri", "Todr"], ["Toto"], ["Tulu_Tigalari", "Tutg"],
        ["Ugaritic", "Ugar"], ["Unknown", "Zzzz"], ["Vai", "Vaii"], ["Vithkuqi", "Vith"], ["Wancho", "Wcho"],
        ["Warang_Citi", "Wara"], ["Yezidi", "Yezi"], ["Yi", "Yiii"], ["Zanabazar_Square", "Zanb"],
    ])

    /// Maps every name of each group to the group's first (canonical) name.
    private static func aliasTable(_ groups: [[String]]) -> [String: String] {
        var table: [String: String] = [:]
        for group in groups {
            guard let canonical = group.first else { continue }
            for name in group {
                table[name] = canonical
            }
        }
        return table
    }

    /// The property a `\p{…}` body names, or `nil` when ECMA-262 does not know it.
    static func property(named body: String) -> UnicodeProperty? {
        guard let equals = body.firstIndex(of: "=") else {
            if let category = generalCategories[body] { return .generalCategory(category) }
            if let binary = binaryProperties[body] { return .binary(binary) }
            return nil
        }
        let name = body[..<equals]
        let value = String(body[body.index(after: equals)...])
        switch name {
        case "General_Category", "gc": return generalCategories[value].map { .generalCategory($0) }
        case "Script", "sc": return scripts[value].map { .script($0, extensions: false) }
        case "Script_Extensions", "scx": return scripts[value].map { .script($0, extensions: true) }
        default: return nil
        }
    }
}

/// The recursive-descent parser behind `ECMARegex.parse`.
private struct ECMARegexParser {
    /// The pattern's code points.
    private let input: [Unicode.Scalar]
    /// The next code point to read.
    private var position = 0
    /// The capturing groups opened so far.
    private var captureCount = 0
    /// The group numbers of each group name.
    private var groupNames: [String: [Int]] = [:]
    /// The largest `\N` backreference seen.
    private var largestBackreference = 0
    /// The names `\k<…>` refers to.
    private var referencedNames: [String] = []
    /// The current group nesting.
    private var depth = 0

    init(_ input: [Unicode.Scalar]) {
        self.input = input
    }

    /// `Pattern`, with the early errors that need the whole pattern.
    mutating func parsePattern() -> ECMARegex.Parsed? {
        guard let (root, _) = parseDisjunction(), position == input.count else { return nil }
        guard largestBackreference <= captureCount else { return nil }
        for name in referencedNames where groupNames[name] == nil {
            return nil
        }
        return ECMARegex.Parsed(root: root, captureCount: captureCount, groupNames: groupNames)
    }

    /// The code point at `position + offset`, if any.
    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        position + offset < input.count ? input[position + offset] : nil
    }

    /// Consumes `scalar` when it is next.
    private mutating func consume(_ scalar: Unicode.Scalar) -> Bool {
        guard peek() == scalar else { return false }
        position += 1
        return true
    }

    /// `Disjunction`; also returns the group names defined in it.
    private mutating func parseDisjunction() -> (ECMARegex.Node, Set<String>)? {
        var alternatives: [ECMARegex.Node] = []
        var names: Set<String> = []
        repeat {
            guard let (alternative, alternativeNames) = parseAlternative() else { return nil }
            alternatives.append(alternative)
            // Names in different alternatives cannot both participate: duplicates are allowed.
            names.formUnion(alternativeNames)
        } while consume("|")
        return (alternatives.count == 1 ? alternatives[0] : .alternation(alternatives), names)
    }

    /// `Alternative`: terms up to `|`, `)` or the end.
    private mutating func parseAlternative() -> (ECMARegex.Node, Set<String>)? {
        var terms: [ECMARegex.Node] = []
        var names: Set<String> = []
        while let next = peek(), next != "|", next != ")" {
            guard let (term, termNames) = parseTerm(), names.isDisjoint(with: termNames) else { return nil }
            names.formUnion(termNames)
            terms.append(term)
        }
        switch terms.count {
        case 0: return (.empty, names)
        case 1: return (terms[0], names)
        default: return (.sequence(terms), names)
        }
    }

    /// `Term`: an assertion, or an atom with an optional quantifier.
    private mutating func parseTerm() -> (ECMARegex.Node, Set<String>)? {
        guard let next = peek() else { return nil }
        // Assertions. UnicodeMode forbids quantifying them; a following quantifier then fails to parse
        // as a term.
        switch next {
        case "^":
            position += 1
            return (.lineStart, [])
        case "$":
            position += 1
            return (.lineEnd, [])
        case "\\" where peek(1) == "b" || peek(1) == "B":
            let negated = peek(1) == "B"
            position += 2
            return (.wordBoundary(negated: negated), [])
        case "(" where peek(1) == "?":
            let isLookahead = peek(2) == "=" || peek(2) == "!"
            let isLookbehind = peek(2) == "<" && (peek(3) == "=" || peek(3) == "!")
            guard isLookahead || isLookbehind else { break }
            let negated = peek(isLookahead ? 2 : 3) == "!"
            position += isLookahead ? 3 : 4
            guard let (body, names) = parseGroupBody() else { return nil }
            if isLookahead { return (.lookahead(body, negated: negated), names) }
            return (.lookbehind(body, negated: negated), names)
        default:
            break
        }
        guard let (atom, names) = parseAtom() else { return nil }
        guard let quantified = parseQuantifier(atom) else { return nil }
        return (quantified, names)
    }

    /// An optional `Quantifier` after `atom`; `nil` when a `{` does not start a valid quantifier.
    private mutating func parseQuantifier(_ atom: ECMARegex.Node) -> ECMARegex.Node? {
        let min: Int
        let max: Int?
        switch peek() {
        case "*":
            position += 1
            (min, max) = (0, nil)
        case "+":
            position += 1
            (min, max) = (1, nil)
        case "?":
            position += 1
            (min, max) = (0, 1)
        case "{":
            position += 1
            guard let (low, lowDigits) = parseDecimal() else { return nil }
            if consume(",") {
                if peek() == "}" {
                    (min, max) = (low, nil)
                } else {
                    guard let (high, highDigits) = parseDecimal() else { return nil }
                    guard !Self.decimal(lowDigits, exceeds: highDigits) else { return nil }
                    (min, max) = (low, high)
                }
            } else {
                (min, max) = (low, low)
            }
            guard consume("}") else { return nil }
        default:
            return atom
        }
        let greedy = !consume("?")
        return .quantified(atom, min: min, max: max, greedy: greedy)
    }

    /// `DecimalDigits`: the value (saturating at `Int.max`) and the digits without leading zeros.
    private mutating func parseDecimal() -> (Int, ArraySlice<Unicode.Scalar>)? {
        let start = position
        var value = 0
        while let digit = peek(), let digitValue = Self.decimalValue(digit) {
            let (scaled, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = scaled.addingReportingOverflow(digitValue)
            value = overflow1 || overflow2 ? Int.max : sum
            position += 1
        }
        guard position > start else { return nil }
        var significant = start
        while significant < position - 1 && input[significant] == "0" {
            significant += 1
        }
        return (value, input[significant..<position])
    }

    /// Whether the decimal `left` is greater than the decimal `right` (both without leading zeros).
    private static func decimal(_ left: ArraySlice<Unicode.Scalar>, exceeds right: ArraySlice<Unicode.Scalar>) -> Bool {
        if left.count != right.count { return left.count > right.count }
        for (a, b) in zip(left, right) where a != b {
            return a.value > b.value
        }
        return false
    }

    /// The value of an ASCII decimal digit.
    private static func decimalValue(_ scalar: Unicode.Scalar) -> Int? {
        scalar >= "0" && scalar <= "9" ? Int(scalar.value - 0x30) : nil
    }

    /// The value of an ASCII hexadecimal digit.
    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 0x30
        case "a"..."f": return scalar.value - 0x61 + 10
        case "A"..."F": return scalar.value - 0x41 + 10
        default: return nil
        }
    }

    /// `Atom`, with the group names it defines.
    private mutating func parseAtom() -> (ECMARegex.Node, Set<String>)? {
        guard let next = peek() else { return nil }
        switch next {
        case ".":
            position += 1
            return (.anyCharacter, [])
        case "(":
            position += 1
            return parseGroup()
        case "[":
            position += 1
            guard let node = parseClass() else { return nil }
            return (node, [])
        case "\\":
            position += 1
            guard let node = parseAtomEscape() else { return nil }
            return (node, [])
        case "^", "$", "*", "+", "?", ")", "]", "{", "}", "|":
            // Syntax characters are not pattern characters (UnicodeMode has no Annex B exceptions).
            return nil
        default:
            position += 1
            return (.character(next.value), [])
        }
    }

    /// The rest of a group after `(`: capturing, named, non-capturing or a modifier group.
    private mutating func parseGroup() -> (ECMARegex.Node, Set<String>)? {
        guard consume("?") else {
            captureCount += 1
            let index = captureCount
            guard let (body, names) = parseGroupBody() else { return nil }
            return (.capture(body, index: index, name: nil), names)
        }
        if consume(":") {
            guard let (body, names) = parseGroupBody() else { return nil }
            return (.group(body), names)
        }
        if consume("<") {
            guard let name = parseGroupName() else { return nil }
            captureCount += 1
            let index = captureCount
            groupNames[name, default: []].append(index)
            guard let (body, names) = parseGroupBody(), !names.contains(name) else { return nil }
            return (.capture(body, index: index, name: name), names.union([name]))
        }
        // Modifiers: (?ims-ims: … ), each flag at most once, not `(?-:`.
        guard let adding = parseModifierFlags(excluding: []) else { return nil }
        var removing: ECMARegex.Flags = []
        if consume("-") {
            guard let flags = parseModifierFlags(excluding: adding), !(adding.isEmpty && flags.isEmpty) else {
                return nil
            }
            removing = flags
        } else if adding.isEmpty {
            return nil
        }
        guard consume(":"), let (body, names) = parseGroupBody() else { return nil }
        return (.modified(body, adding: adding, removing: removing), names)
    }

    /// `RegularExpressionModifiers`: distinct `i`, `m`, `s` flags not in `excluded`.
    private mutating func parseModifierFlags(excluding excluded: ECMARegex.Flags) -> ECMARegex.Flags? {
        var flags: ECMARegex.Flags = []
        while let next = peek() {
            let flag: ECMARegex.Flags
            switch next {
            case "i": flag = .ignoreCase
            case "m": flag = .multiline
            case "s": flag = .dotAll
            default: return flags
            }
            guard !flags.contains(flag), !excluded.contains(flag) else { return nil }
            flags.insert(flag)
            position += 1
        }
        return flags
    }

    /// Parses a disjunction and the `)` closing its group.
    private mutating func parseGroupBody() -> (ECMARegex.Node, Set<String>)? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= ECMARegex.maximumDepth, let (body, names) = parseDisjunction(), consume(")") else {
            return nil
        }
        return (body, names)
    }

    /// `GroupName` after `<`: a `RegExpIdentifierName` (escapes allowed) and `>`.
    private mutating func parseGroupName() -> String? {
        var name = ""
        while true {
            guard let next = peek() else { return nil }
            position += 1
            if next == ">" { return name.isEmpty ? nil : name }
            var scalar = next
            if next == "\\" {
                guard consume("u"), let value = parseUnicodeEscapeBody(), let decoded = Unicode.Scalar(value) else {
                    return nil
                }
                scalar = decoded
            }
            let valid =
                name.isEmpty
                ? scalar == "$" || scalar == "_" || scalar.properties.isIDStart
                : scalar == "$" || scalar.value == 0x200C || scalar.value == 0x200D || scalar.properties.isIDContinue
            guard valid else { return nil }
            name.unicodeScalars.append(scalar)
        }
    }

    /// `AtomEscape` after `\`.
    private mutating func parseAtomEscape() -> ECMARegex.Node? {
        guard let next = peek() else { return nil }
        switch next {
        case "1"..."9":
            guard let (number, _) = parseDecimal() else { return nil }
            largestBackreference = Swift.max(largestBackreference, number)
            return .backreference(number)
        case "k":
            position += 1
            guard consume("<"), let name = parseGroupName() else { return nil }
            referencedNames.append(name)
            return .namedBackreference(name)
        default:
            switch parseClassEscapeLetter() {
            case .escape(let escape): return .classEscape(escape)
            case .invalid: return nil
            case .absent: return parseCharacterEscape(inClass: false).map { .character($0) }
            }
        }
    }

    /// The outcome of reading a possible `CharacterClassEscape`.
    private enum ClassEscapeResult {
        /// The next code point is not `d D s S w W p P`; nothing was consumed.
        case absent
        /// A class escape, consumed.
        case escape(ECMARegex.ClassEscape)
        /// A malformed `\p{…}` or `\P{…}`.
        case invalid
    }

    /// `CharacterClassEscape` (`d D s S w W p{…} P{…}`) at `position` (after `\`), if one is there.
    private mutating func parseClassEscapeLetter() -> ClassEscapeResult {
        guard let next = peek() else { return .absent }
        switch next {
        case "d", "D":
            position += 1
            return .escape(.digit(negated: next == "D"))
        case "s", "S":
            position += 1
            return .escape(.space(negated: next == "S"))
        case "w", "W":
            position += 1
            return .escape(.word(negated: next == "W"))
        case "p", "P":
            position += 1
            guard consume("{") else { return .invalid }
            var body = ""
            while let scalar = peek(), scalar != "}" {
                body.unicodeScalars.append(scalar)
                position += 1
            }
            guard consume("}"), let property = ECMARegex.property(named: body) else { return .invalid }
            return .escape(.property(property, negated: next == "P"))
        default:
            return .absent
        }
    }

    /// `CharacterEscape` at `position` (after `\`): its code point, or `nil` when invalid.
    private mutating func parseCharacterEscape(inClass: Bool) -> UInt32? {
        guard let next = peek() else { return nil }
        position += 1
        switch next {
        case "f": return 0x0C
        case "n": return 0x0A
        case "r": return 0x0D
        case "t": return 0x09
        case "v": return 0x0B
        case "c":
            guard let letter = peek(), letter.isASCII, letter.properties.isAlphabetic else { return nil }
            position += 1
            return letter.value % 32
        case "0":
            if let digit = peek(), Self.decimalValue(digit) != nil { return nil }
            return 0
        case "x":
            guard let high = peek().flatMap(Self.hexValue), let low = peek(1).flatMap(Self.hexValue) else {
                return nil
            }
            position += 2
            return high << 4 | low
        case "u":
            return parseUnicodeEscapeBody()
        case "^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/":
            return next.value
        case "-" where inClass:
            return next.value
        default:
            return nil
        }
    }

    /// `RegExpUnicodeEscapeSequence[+UnicodeMode]` after `\u`: `{X…}`, or four hex digits (a lead
    /// surrogate followed by `\u` and a trail surrogate combine into one code point).
    private mutating func parseUnicodeEscapeBody() -> UInt32? {
        if consume("{") {
            var value: UInt32 = 0
            var digits = 0
            while let next = peek(), let digit = Self.hexValue(next) {
                value = value << 4 | digit
                guard value <= 0x10FFFF else { return nil }
                digits += 1
                position += 1
            }
            guard digits > 0, consume("}") else { return nil }
            return value
        }
        guard let lead = parseHex4() else { return nil }
        if lead >= 0xD800 && lead <= 0xDBFF && peek() == "\\" && peek(1) == "u" {
            let saved = position
            position += 2
            if let trail = parseHex4(), trail >= 0xDC00 && trail <= 0xDFFF {
                return 0x10000 + (lead - 0xD800) << 10 + (trail - 0xDC00)
            }
            position = saved
        }
        return lead
    }

    /// Four hexadecimal digits.
    private mutating func parseHex4() -> UInt32? {
        var value: UInt32 = 0
        for offset in 0..<4 {
            guard let digit = peek(offset).flatMap(Self.hexValue) else { return nil }
            value = value << 4 | digit
        }
        position += 4
        return value
    }

    /// `CharacterClass` after `[`.
    private mutating func parseClass() -> ECMARegex.Node? {
        let negated = consume("^")
        var items: [ECMARegex.ClassItem] = []
        while true {
            guard let next = peek() else { return nil }
            if next == "]" {
                position += 1
                return .characterClass(negated: negated, items: items)
            }
            guard let first = parseClassAtom() else { return nil }
            if peek() == "-", let after = peek(1), after != "]" {
                position += 1
                guard let second = parseClassAtom() else { return nil }
                // UnicodeMode: both ends single characters, in order.
                guard case .character(let low) = first, case .character(let high) = second, low <= high else {
                    return nil
                }
                items.append(.range(low, high))
            } else {
                items.append(first)
            }
        }
    }

    /// `ClassAtom`: a code point, `-`, or `\` `ClassEscape`.
    private mutating func parseClassAtom() -> ECMARegex.ClassItem? {
        guard let next = peek() else { return nil }
        position += 1
        guard next == "\\" else { return .character(next.value) }
        if consume("b") { return .character(0x08) }
        switch parseClassEscapeLetter() {
        case .escape(let escape): return .escape(escape)
        case .invalid: return nil
        case .absent: return parseCharacterEscape(inClass: true).map { .character($0) }
        }
    }
}
