import ContractCore
import Testing

@testable import JSONValidation

/// Tests of `JSONNumber`: parsing, exact comparison, integer tests, conversions and `multipleOf`.
@Suite struct JSONNumberTests {
    /// Parses `text`, recording an issue when it is not a JSON number.
    private func number(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> JSONNumber? {
        let value = JSONNumber(text: text)
        #expect(value != nil, "\(text) should parse", sourceLocation: sourceLocation)
        return value
    }

    // MARK: Parsing

    @Test(arguments: [
        "0", "-0", "1", "-1", "1.5", "-0.25", "1e5", "1E5", "1e+5", "1e-5", "0.0", "0e0", "10", "1.0e-0",
        "12345678901234567890", "123456789012345678901234567890.5", "1e400", "-1e400",
        "1e-99999999999999999999", "1e99999999999999999999", "0.000000000000000000000000000001",
    ])
    func parsesValidNumbers(text: String) throws {
        let value = try #require(JSONNumber(text: text))
        #expect(value.text == text)
        #expect(value.description == text)
        let fromBytes = try #require(JSONNumber(utf8: Array(text.utf8)))
        #expect(fromBytes == value)
        #expect(fromBytes.text == text)
    }

    @Test(arguments: [
        "", "-", "+1", "01", "-01", "00", "1.", ".5", "-.5", "1e", "1e+", "1e-", "1.e5", "0x10", " 1", "1 ", "NaN",
        "Infinity", "-Infinity", "--1", "1.5.5", "1e5.5", "1ee5", "\u{0661}", "\u{FF11}", "1,5", "1_000",
    ])
    func rejectsInvalidNumbers(text: String) {
        #expect(JSONNumber(text: text) == nil)
        #expect(JSONNumber(utf8: Array(text.utf8)) == nil)
    }

    // MARK: Equality, hashing, order

    @Test(arguments: [
        ("1", "1.0"), ("1", "1e0"), ("1", "10e-1"), ("-0", "0"), ("0.0", "0"), ("0e5", "0"), ("-0.0e-7", "0"),
        ("100", "1e2"), ("0.001", "1e-3"), ("1.10", "1.1"), ("12345678901234567890", "1.234567890123456789e19"),
        ("-2.50", "-25e-1"), ("1e400", "10e399"),
    ])
    func numericEquality(lhs: String, rhs: String) throws {
        let a = try #require(number(lhs))
        let b = try #require(number(rhs))
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(JSONNumber.compare(a, b) == 0)
        #expect(!(a < b) && !(b < a))
        #expect(Set([a, b]).count == 1)
    }

    @Test(arguments: [
        ("12345678901234567890", "12345678901234567891"), ("1e399", "1e400"), ("-1e400", "-5"), ("-5", "-4.9"),
        ("0", "1e-400"), ("-1e-400", "0"), ("1e-99999999999999999999", "1e-400"), ("0.1", "0.11"), ("9", "10"),
        ("1e400", "1e99999999999999999999"), ("-1e99999999999999999999", "-1e400"), ("-1", "0"), ("0.5", "1"),
        ("1.7976931348623157e308", "1e309"), ("-12345678901234567891", "-12345678901234567890"),
    ])
    func exactOrder(smaller: String, larger: String) throws {
        let a = try #require(number(smaller))
        let b = try #require(number(larger))
        #expect(a < b)
        #expect(!(b < a))
        #expect(a != b)
        #expect(JSONNumber.compare(a, b) == -1)
        #expect(JSONNumber.compare(b, a) == 1)
    }

    // MARK: Integer tests

    @Test(arguments: [
        ("1.0", true), ("1e2", true), ("12345678901234567890", true), ("1e400", true), ("0", true), ("-0", true),
        ("-3", true), ("1.5e1", true), ("0.0", true), ("1e99999999999999999999", true), ("1.5", false),
        ("1e-2", false), ("1e-400", false), ("123.456", false), ("-0.5", false), ("12345678901234567890.1", false),
    ])
    func isInteger(text: String, expected: Bool) throws {
        #expect(try #require(number(text)).isInteger == expected)
    }

    @Test func signAndZero() throws {
        let negativeZero = try #require(number("-0"))
        #expect(negativeZero.isZero)
        #expect(!negativeZero.isNegative)
        #expect(try #require(number("0e99")).isZero)
        #expect(try #require(number("-1e-400")).isNegative)
        let tiny = try #require(number("1e-400"))
        #expect(!tiny.isZero)
        #expect(!tiny.isNegative)
    }

    @Test(
        arguments: [
            ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min), ("9223372036854775808", nil),
            ("-9223372036854775809", nil), ("1e18", 1_000_000_000_000_000_000), ("1e19", nil), ("0", 0), ("-0", 0),
            ("92233720368547758.07e2", Int64.max), ("1.5", nil), ("-42.0", -42), ("1e400", nil), ("1e-400", nil),
        ] as [(String, Int64?)])
    func int64Value(text: String, expected: Int64?) throws {
        #expect(try #require(number(text)).int64Value == expected)
    }

    @Test(arguments: [
        ("2147483647", true), ("2147483648", false), ("-2147483648", true), ("-2147483649", false), ("0", true),
        ("1.0", true), ("1.5", false), ("2.147483647e9", true), ("1e10", false), ("-1e400", false),
    ])
    func isInt32(text: String, expected: Bool) throws {
        #expect(try #require(number(text)).isInt32 == expected)
    }

    @Test(arguments: [
        ("9223372036854775807", true), ("9223372036854775808", false), ("-9223372036854775808", true),
        ("-9223372036854775809", false), ("1e18", true), ("1e19", false), ("0.5", false), ("-1.0", true),
    ])
    func isInt64(text: String, expected: Bool) throws {
        #expect(try #require(number(text)).isInt64 == expected)
    }

    // MARK: Conversions

    @Test(
        arguments: [
            ("1e400", .infinity), ("-1e400", -.infinity), ("1e-400", 0), ("0.1", 0.1), ("-2.5", -2.5),
            ("12345678901234567890", 12_345_678_901_234_567_168), ("1.7976931348623157e308", .greatestFiniteMagnitude),
            ("5e-324", .leastNonzeroMagnitude), ("1e99999999999999999999", .infinity), ("0", 0),
        ] as [(String, Double)])
    func doubleValue(text: String, expected: Double) throws {
        #expect(try #require(number(text)).doubleValue == expected)
    }

    @Test(arguments: [0, 1, -1, 100, 1_000_000, Int.max, Int.min, 120])
    func fromInt(value: Int) throws {
        let made = JSONNumber(value)
        let parsed = try #require(number(String(value)))
        #expect(made.text == String(value))
        #expect(made == parsed)
        #expect(made.int64Value == Int64(value))
    }

    @Test(
        arguments: [
            (1e20, "1e20"), (1e-7, "1e-7"), (0.1, "0.1"), (-2.5, "-2.5"), (100, "100.0"),
            (.leastNonzeroMagnitude, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e308"), (-1.5e-10, "-1.5e-10"),
        ] as [(Double, String)])
    func fromDouble(value: Double, text: String) throws {
        let made = try #require(JSONNumber(value))
        #expect(made.text == text)
        #expect(JSONNumber(text: made.text) != nil)
        #expect(made.doubleValue == value)
    }

    @Test func fromNonFiniteDouble() {
        #expect(JSONNumber(Double.nan) == nil)
        #expect(JSONNumber(Double.infinity) == nil)
        #expect(JSONNumber(-Double.infinity) == nil)
        #expect(JSONNumber(-0.0)?.isZero == true)
    }

    // MARK: multipleOf

    @Test(arguments: [
        ("10", "5", true), ("10", "3", false), ("1.5", "0.5", true), ("0.3", "0.1", true), ("4.5", "1.5", true),
        ("0", "7", true), ("-10", "5", true), ("7", "0", false), ("7", "-1", false), ("0.5", "1e30", false),
        ("1e308", "0.123456789", false), ("1e400000000", "3", false), ("1e400000000", "2", true),
        ("1e400000000", "1e-5", true), ("1e400000000", "0.123456789", false), ("0.0075", "0.0001", true),
        ("1e-300", "1e-301", true), ("1e-301", "1e-300", false), ("19.99", "0.01", true), ("1e308", "1e-308", true),
        ("12345678901234567890", "1234567890123456789", true), ("2", "1.5", false), ("1", "1", true),
        ("18446744073709551615", "18446744073709551615", true),
        ("36893488147419103230", "18446744073709551615", true), ("1e30", "18446744073709551615", false),
        ("1e40", "4096", true), ("1e11", "4096", false), ("0.02", "0.01", true), ("0.0300000001", "0.01", false),
        ("123456789012345678901234567890", "123456789012345678901234567890", true),
        ("1e-99999999999999999999", "1", false),
    ])
    func isMultiple(dividend: String, divisor: String, expected: Bool) throws {
        let a = try #require(number(dividend))
        let b = try #require(number(divisor))
        #expect(a.isMultiple(of: b) == expected)
    }
}
