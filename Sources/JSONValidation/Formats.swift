package import ContractCore

/// Checks the JSON Schema / OpenAPI `format` values that conform asserts.
///
/// String formats follow JSON Schema 2020-12 and the RFCs it cites, strictly, as the official
/// JSON-Schema-Test-Suite (`optional/format`) expects: `uuid`, `date-time`, `date`, `time`, `email`,
/// `hostname`, `ipv4`, `ipv6`, `uri`, `uri-reference` and `byte`. Number formats are the OpenAPI
/// ones: `int32`, `int64`, `float` and `double`. Every other format is unknown and not asserted.
///
/// The checkers read `String.utf8` directly and do not allocate, except when decoding a Punycode
/// (`xn--`) hostname label.
package enum FormatChecker {
    /// The string formats conform asserts.
    package static let stringFormats: Set<String> = [
        "uuid", "date-time", "date", "time", "email", "hostname", "ipv4", "ipv6", "uri", "uri-reference",
        "byte",
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
        case "email": return { isEmail($0) }
        case "hostname": return { isHostname($0) }
        case "ipv4": return { isIPv4($0) }
        case "ipv6": return { isIPv6($0) }
        case "uri": return { isURI($0) }
        case "uri-reference": return { isURIReference($0) }
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
    /// Labels starting `xn--` (any case) must be valid A-labels: the Punycode must decode, and the
    /// decoded U-label must pass the IDNA2008 checks of RFC 5891 §5.4 and RFC 5892 (code point
    /// properties from the Swift standard library's Unicode data, the exceptions table, the
    /// CONTEXTJ and CONTEXTO rules). The Bidi rule (RFC 5893) and NFC are not checked.
    static func isHostname(_ string: String) -> Bool {
        withBytes(string) { bytes in hostname(bytes, 0, bytes.count) }
    }

    /// Checks a host name occupying `bytes[start..<end]`.
    private static func hostname(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end > start, end - start <= 253 else { return false }
        var labelStart = start
        var index = start
        while true {
            if index == end || bytes[index] == UInt8(ascii: ".") {
                guard ldhLabel(bytes, labelStart, index) else { return false }
                if index - labelStart >= 4 && (bytes[labelStart] | 0x20) == UInt8(ascii: "x")
                    && (bytes[labelStart + 1] | 0x20) == UInt8(ascii: "n")
                    && bytes[labelStart + 2] == UInt8(ascii: "-") && bytes[labelStart + 3] == UInt8(ascii: "-")
                {
                    guard aLabel(bytes, labelStart + 4, index) else { return false }
                }
                if index == end { return true }
                labelStart = index + 1
            }
            index += 1
        }
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

    /// Checks the Punycode part of an A-label (after `xn--`) and the U-label it decodes to.
    private static func aLabel(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard let label = punycodeDecode(bytes, start, end) else { return false }
        guard label.contains(where: { $0.value >= 0x80 }) else { return false }
        return IDNA.isValidULabel(label)
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
                output.append(Unicode.Scalar(bytes[position]))
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
        withBytes(string) { bytes in
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
                    } else if byte >= 32 && byte <= 126 {
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
                        guard isAtext(byte) else { return false }
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
            return hostname(bytes, domainStart, end)
        }
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

// MARK: - uri, uri-reference

extension FormatChecker {
    /// RFC 3986 `URI`: a scheme, `:`, a hierarchical part, optional query and fragment; ASCII only,
    /// every `%` followed by two hex digits.
    static func isURI(_ string: String) -> Bool {
        withBytes(string) { bytes in uriReference(bytes, requireScheme: true) }
    }

    /// RFC 3986 `URI-reference`: a `URI` or a relative reference (the empty string is valid).
    static func isURIReference(_ string: String) -> Bool {
        withBytes(string) { bytes in uriReference(bytes, requireScheme: false) }
    }

    /// Checks a URI (with `requireScheme`) or a URI reference.
    private static func uriReference(_ bytes: UnsafeBufferPointer<UInt8>, requireScheme: Bool) -> Bool {
        let end = bytes.count
        var index = 0
        // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
        var hasScheme = false
        if end > 0 && isAlpha(bytes[0]) {
            var probe = 1
            while probe < end {
                let byte = bytes[probe]
                guard isAlpha(byte) || isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
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
            guard authority(bytes, authorityStart, authorityEnd) else { return false }
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
            guard let next = pchar(bytes, index, allowQuestionMark: false) else { return false }
            index = next
        }
        // query
        if index < end && bytes[index] == UInt8(ascii: "?") {
            index += 1
            while index < end && bytes[index] != UInt8(ascii: "#") {
                guard let next = pchar(bytes, index, allowQuestionMark: true) else { return false }
                index = next
            }
        }
        // fragment
        if index < end && bytes[index] == UInt8(ascii: "#") {
            index += 1
            while index < end {
                guard let next = pchar(bytes, index, allowQuestionMark: true) else { return false }
                index = next
            }
        }
        return true
    }

    /// Checks `authority = [ userinfo "@" ] host [ ":" port ]` in `bytes[start..<end]`.
    private static func authority(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var hostStart = start
        var at = start
        while at < end && bytes[at] != UInt8(ascii: "@") {
            at += 1
        }
        if at < end {
            // userinfo = *( unreserved / pct-encoded / sub-delims / ":" )
            var index = start
            while index < at {
                guard let next = unreservedOrSubDelim(bytes, index, extra: UInt8(ascii: ":")), next <= at else {
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
                guard let next = unreservedOrSubDelim(bytes, index), next <= end else { return false }
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
    private static func pchar(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, allowQuestionMark: Bool) -> Int? {
        let byte = bytes[index]
        if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "@") || byte == UInt8(ascii: "/") { return index + 1 }
        if allowQuestionMark && byte == UInt8(ascii: "?") { return index + 1 }
        return unreservedOrSubDelim(bytes, index)
    }

    /// Consumes one unreserved, sub-delim, percent-encoded or `extra` character; returns the next
    /// index or `nil`.
    private static func unreservedOrSubDelim(
        _ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, extra: UInt8? = nil
    ) -> Int? {
        let byte = bytes[index]
        if isUnreserved(byte) || isSubDelim(byte) || byte == extra { return index + 1 }
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
