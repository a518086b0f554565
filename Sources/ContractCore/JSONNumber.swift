/// An exact JSON number: keeps its text, compares and tests exactly (no Double rounding).
///
/// The number is held as its original text plus a normalised decimal form: a sign, the significant
/// digits without leading or trailing zeros, and a decimal exponent, so that the value is
/// `0.d₁d₂…dₙ × 10^exponent`. Equality, hashing and ordering use the normalised form, so `1`, `1.0`,
/// `1e0` and `10e-1` are equal, and `-0`, `0.0` and `0e5` all equal `0`.
///
/// Exponents of any length are accepted. Decimal exponents whose magnitude exceeds
/// ``JSONNumber/exponentLimit`` saturate at that limit: such numbers still order correctly against
/// every number of ordinary size, but two of them that differ only beyond the limit compare equal.
public struct JSONNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The text the number was read from, or a canonical text when it was made from a Swift value.
    public let text: String

    /// True for negative non-zero numbers.
    let negative: Bool
    /// Significant digits as values `0...9`: no leading or trailing zeros; empty for zero.
    let digits: [UInt8]
    /// Position of the decimal point: the value is `0.digits × 10^exponent`. Zero for zero.
    let exponent: Int

    /// The largest decimal exponent magnitude kept exactly; larger exponents saturate here.
    public static let exponentLimit: Int = 1 << 60

    // MARK: - Creating numbers

    /// Reads a number written in the RFC 8259 JSON number grammar.
    ///
    /// The whole text must match `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; no whitespace,
    /// no leading `+`, no `NaN` or `Infinity`.
    /// - Parameter text: The number's text.
    /// - Returns: `nil` when `text` is not a JSON number.
    public init?(text: some StringProtocol) {
        guard let parts = Self.parse(text.utf8) else { return nil }
        self.text = String(text)
        self.negative = parts.negative
        self.digits = parts.digits
        self.exponent = parts.exponent
    }

    /// Reads a number from UTF-8 bytes written in the RFC 8259 JSON number grammar.
    /// - Parameter utf8: The number's UTF-8 bytes.
    /// - Returns: `nil` when the bytes are not a JSON number.
    public init?(utf8: some Collection<UInt8>) {
        guard let parts = Self.parse(utf8) else { return nil }
        self.text = String(decoding: utf8, as: UTF8.self)
        self.negative = parts.negative
        self.digits = parts.digits
        self.exponent = parts.exponent
    }

    /// Creates the number equal to an integer; its text is the integer's decimal form.
    /// - Parameter value: The integer.
    public init(_ value: Int) {
        // Least significant digit first; `value.magnitude` never overflows, even for `Int.min`.
        var magnitude = value.magnitude
        var reversed: [UInt8] = []
        while magnitude > 0 {
            reversed.append(UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        }
        let trailingZeros = reversed.prefix(while: { $0 == 0 }).count
        self.text = String(value)
        self.negative = value < 0
        self.digits = Array(reversed.dropFirst(trailingZeros).reversed())
        self.exponent = reversed.count
    }

    /// Creates the number equal to a finite double, written as its shortest round-trip text.
    ///
    /// Swift's shortest description is turned into JSON: `1e+20` becomes `1e20` and `1e-07`
    /// becomes `1e-7`.
    /// - Parameter value: The double.
    /// - Returns: `nil` when `value` is NaN or infinite.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        var bytes: [UInt8] = []
        var inExponent = false
        var exponentDigitSeen = false
        for byte in value.description.utf8 {
            if inExponent {
                if byte == UInt8(ascii: "+") { continue }
                if byte == UInt8(ascii: "0") && !exponentDigitSeen { continue }
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { exponentDigitSeen = true }
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                inExponent = true
            }
            bytes.append(byte)
        }
        if inExponent && !exponentDigitSeen { bytes.append(UInt8(ascii: "0")) }
        self.init(utf8: bytes)
    }

    // MARK: - Properties

    /// The number's text (see ``text``).
    public var description: String { text }

    /// True when the number is zero (`0`, `-0`, `0.0`, `0e5`, …).
    public var isZero: Bool { digits.isEmpty }

    /// True when the number is below zero; `-0` is not negative.
    public var isNegative: Bool { negative }

    /// True when the number is mathematically an integer (`1.0`, `1e2`, `1e400`; not `1.5` or `1e-2`).
    public var isInteger: Bool { digits.count <= exponent || digits.isEmpty }

    /// True when the number is an integer in `Int32.min...Int32.max` (OpenAPI format `int32`).
    public var isInt32: Bool {
        guard let value = int64Value else { return false }
        return value >= Int64(Int32.min) && value <= Int64(Int32.max)
    }

    /// True when the number is an integer in `Int64.min...Int64.max` (OpenAPI format `int64`).
    public var isInt64: Bool { int64Value != nil }

    /// The exact value when the number is an integer within `Int64`'s range, otherwise `nil`.
    public var int64Value: Int64? {
        if digits.isEmpty { return 0 }
        guard isInteger, exponent <= 19 else { return nil }
        var magnitude: UInt64 = 0
        for index in 0..<exponent {
            let digit = index < digits.count ? UInt64(digits[index]) : 0
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            magnitude = sum
        }
        if negative {
            if magnitude == UInt64(1) << 63 { return Int64.min }
            guard magnitude < UInt64(1) << 63 else { return nil }
            return -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// The nearest `Double`; `±infinity` beyond the double range (`1e400`), `0` below it.
    public var doubleValue: Double {
        if digits.isEmpty { return 0 }
        if exponent > 400 { return negative ? -.infinity : .infinity }
        if exponent < -400 { return negative ? -0.0 : 0.0 }
        var scratch: [UInt8] = []
        scratch.reserveCapacity(digits.count + 10)
        if negative { scratch.append(UInt8(ascii: "-")) }
        scratch.append(UInt8(ascii: "0"))
        scratch.append(UInt8(ascii: "."))
        for digit in digits { scratch.append(digit + UInt8(ascii: "0")) }
        scratch.append(UInt8(ascii: "e"))
        scratch.append(contentsOf: String(exponent).utf8)
        let literal = String(decoding: scratch, as: UTF8.self)
        return Double(literal) ?? (negative ? -.infinity : .infinity)
    }

    // MARK: - Comparison

    /// Compares two numbers exactly.
    /// - Returns: `-1` when `a < b`, `0` when they are equal, `1` when `a > b`.
    public static func compare(_ a: JSONNumber, _ b: JSONNumber) -> Int {
        let signA = a.digits.isEmpty ? 0 : (a.negative ? -1 : 1)
        let signB = b.digits.isEmpty ? 0 : (b.negative ? -1 : 1)
        if signA != signB { return signA < signB ? -1 : 1 }
        if signA == 0 { return 0 }
        let magnitude = compareMagnitude(a, b)
        return signA < 0 ? -magnitude : magnitude
    }

    /// Compares absolute values of two non-zero numbers.
    private static func compareMagnitude(_ a: JSONNumber, _ b: JSONNumber) -> Int {
        if a.exponent != b.exponent { return a.exponent < b.exponent ? -1 : 1 }
        let shared = min(a.digits.count, b.digits.count)
        for index in 0..<shared where a.digits[index] != b.digits[index] {
            return a.digits[index] < b.digits[index] ? -1 : 1
        }
        if a.digits.count == b.digits.count { return 0 }
        return a.digits.count < b.digits.count ? -1 : 1
    }

    /// True when the two numbers are numerically equal (`1 == 1.0 == 1e0`, `-0 == 0`).
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        lhs.negative == rhs.negative && lhs.exponent == rhs.exponent && lhs.digits == rhs.digits
    }

    /// True when `lhs` is numerically smaller than `rhs`.
    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        compare(lhs, rhs) < 0
    }

    /// Hashes the numeric value, consistently with `==` (the text is not hashed).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(negative)
        hasher.combine(exponent)
        hasher.combine(digits)
    }

    // MARK: - multipleOf

    /// True when `self / divisor` is an integer (JSON Schema `multipleOf`).
    ///
    /// The answer is exact whenever the divisor's significant digits, read as an integer, fit in
    /// `UInt64` (up to 19 digits, e.g. `0.01`, `1e-300`, `0.123456789`, `12345678901234567890`): both
    /// numbers are scaled to integers by a common power of ten and the remainder is computed
    /// digit by digit, with runs of zeros from large exponents handled by modular exponentiation,
    /// so huge exponents such as `1e400000000` cost almost nothing.
    ///
    /// For divisors with more significant digits the exact shortcuts still apply (a dividend
    /// smaller in magnitude than the divisor, or with a finer last digit, is never a multiple);
    /// otherwise the test falls back to `Double` arithmetic (`remainder(dividingBy:) == 0`), which
    /// can be wrong for values that doubles cannot represent.
    /// - Parameter divisor: The divisor; zero or negative divisors always give `false`.
    public func isMultiple(of divisor: JSONNumber) -> Bool {
        if divisor.digits.isEmpty || divisor.negative { return false }
        if digits.isEmpty { return true }
        // self = A × 10^ea, divisor = B × 10^eb with A, B integers without trailing zeros.
        let ea = exponent - digits.count
        let eb = divisor.exponent - divisor.digits.count
        // A has no trailing zero, so A × 10^ea / (B × 10^eb) with ea < eb is never an integer.
        if ea < eb { return false }
        if Self.compareMagnitude(self, divisor) < 0 { return false }
        guard let modulus = Self.integerValue(of: divisor.digits) else {
            let dividend = doubleValue
            let doubleDivisor = divisor.doubleValue
            guard dividend.isFinite, doubleDivisor.isFinite, doubleDivisor > 0 else { return false }
            return dividend.remainder(dividingBy: doubleDivisor) == 0
        }
        if modulus == 1 { return true }
        var remainder: UInt64 = 0
        for digit in digits {
            remainder = Self.mulMod(remainder, 10, modulus)
            remainder = Self.addMod(remainder, UInt64(digit), modulus)
        }
        if remainder == 0 { return true }
        let zeros = UInt64(ea - eb)
        remainder = Self.mulMod(remainder, Self.powMod(10, zeros, modulus), modulus)
        return remainder == 0
    }

    /// The integer spelled by `digits`, or `nil` when it does not fit in `UInt64`.
    private static func integerValue(of digits: [UInt8]) -> UInt64? {
        guard digits.count <= 20 else { return nil }
        var value: UInt64 = 0
        for digit in digits {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }

    /// `(a × b) mod m` without overflow, for `m > 0`.
    private static func mulMod(_ a: UInt64, _ b: UInt64, _ m: UInt64) -> UInt64 {
        let product = (a % m).multipliedFullWidth(by: b % m)
        return m.dividingFullWidth(product).remainder
    }

    /// `(a + b) mod m` without overflow, for `a < m` and `m > 0`.
    private static func addMod(_ a: UInt64, _ b: UInt64, _ m: UInt64) -> UInt64 {
        let reducedB = b % m
        let (sum, overflow) = a.addingReportingOverflow(reducedB)
        if overflow || sum >= m { return sum &- m }
        return sum
    }

    /// `base^power mod m` by square-and-multiply, for `m > 0`.
    private static func powMod(_ base: UInt64, _ power: UInt64, _ m: UInt64) -> UInt64 {
        var result: UInt64 = 1 % m
        var square = base % m
        var rest = power
        while rest > 0 {
            if rest & 1 == 1 { result = mulMod(result, square, m) }
            square = mulMod(square, square, m)
            rest >>= 1
        }
        return result
    }

    // MARK: - Parsing

    /// The normalised parts of a number.
    private struct Parts {
        var negative: Bool
        var digits: [UInt8]
        var exponent: Int
    }

    /// Parses the RFC 8259 grammar into normalised parts, or returns `nil`.
    private static func parse(_ bytes: some Collection<UInt8>) -> Parts? {
        var index = bytes.startIndex
        let end = bytes.endIndex
        var negative = false
        if index != end && bytes[index] == UInt8(ascii: "-") {
            negative = true
            bytes.formIndex(after: &index)
        }
        guard index != end else { return nil }
        var digits: [UInt8] = []
        var pointPosition = 0  // number of integer-part digits kept or dropped as leading zeros
        var leadingZeros = 0
        // Integer part.
        let first = bytes[index]
        if first == UInt8(ascii: "0") {
            bytes.formIndex(after: &index)
        } else if first >= UInt8(ascii: "1") && first <= UInt8(ascii: "9") {
            while index != end, let digit = digitValue(bytes[index]) {
                digits.append(digit)
                pointPosition += 1
                bytes.formIndex(after: &index)
            }
        } else {
            return nil
        }
        // Fraction.
        if index != end && bytes[index] == UInt8(ascii: ".") {
            bytes.formIndex(after: &index)
            var fractionDigits = 0
            while index != end, let digit = digitValue(bytes[index]) {
                if digit == 0 && digits.isEmpty {
                    leadingZeros += 1
                } else {
                    digits.append(digit)
                }
                fractionDigits += 1
                bytes.formIndex(after: &index)
            }
            guard fractionDigits > 0 else { return nil }
        }
        // Exponent, saturated at ±exponentLimit.
        var literalExponent = 0
        if index != end && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            bytes.formIndex(after: &index)
            var exponentNegative = false
            if index != end && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                bytes.formIndex(after: &index)
            }
            var exponentDigits = 0
            while index != end, let digit = digitValue(bytes[index]) {
                let (times10, overflow1) = literalExponent.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(Int(digit))
                literalExponent = overflow1 || overflow2 ? exponentLimit : min(sum, exponentLimit)
                exponentDigits += 1
                bytes.formIndex(after: &index)
            }
            guard exponentDigits > 0 else { return nil }
            if exponentNegative { literalExponent = -literalExponent }
        }
        guard index == end else { return nil }
        while let last = digits.last, last == 0 {
            digits.removeLast()
        }
        if digits.isEmpty { return Parts(negative: false, digits: [], exponent: 0) }
        // Leading zeros only arise in the fraction (the integer part has none, or is a lone "0").
        let exponent = max(-exponentLimit, min(exponentLimit, literalExponent + pointPosition - leadingZeros))
        return Parts(negative: negative, digits: digits, exponent: exponent)
    }

    /// The value of an ASCII decimal digit, or `nil`.
    private static func digitValue(_ byte: UInt8) -> UInt8? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : nil
    }
}
