import ContractCore
import Testing

@testable import JSONValidation

/// Tests of `FormatChecker`: a table of valid and invalid strings per asserted format, and the
/// numeric formats. The full JSON-Schema-Test-Suite is run by a separate suite runner.
@Suite struct FormatCheckerTests {
    typealias Example = FormatExample

    private static func examples(_ format: String, valid: [String], invalid: [String]) -> [Example] {
        FormatExample.table(format, valid: valid, invalid: invalid)
    }

    static let uuidExamples = examples(
        "uuid",
        valid: [
            "2EB8AA08-AA98-11EA-B4AA-73B441D16380", "2eb8aa08-aa98-11ea-b4aa-73b441d16380",
            "00000000-0000-0000-0000-000000000000", "99c17cbb-656f-f64a-940f-1a4568f03487",
        ],
        invalid: [
            "2eb8aa08-aa98-11ea-b4aa-73b441d1638", "2eb8aa08aa9811eab4aa73b441d16380",
            "2eb8aa08-aa98-11ea-b4ga-73b441d16380", "urn:uuid:2eb8aa08-aa98-11ea-b4aa-73b441d16380",
            "2eb8aa08-aa98-11ea-b4aa-73b441d16380\n", "\u{09E8}eb8aa08-aa98-11ea-b4aa-73b441d16380", "",
        ])

    static let dateTimeExamples =
        examples(
            "date",
            valid: ["1963-06-19", "2020-02-29", "0400-02-29", "2020-12-31", "0001-01-01", "1582-10-10"],
            invalid: [
                "2021-02-29", "2100-02-29", "2020-04-31", "2020-13-01", "2020-00-10", "2020-01-00", "1998-1-20",
                "2020-01-01Z", " 2024-01-15", "2020-01-01T00:00:00Z", "12020-01-01", "2013-350", "20230328",
                "2020-0\u{09EA}-01", "",
            ])
        + examples(
            "time",
            valid: [
                "08:30:06Z", "08:30:06z", "23:20:50.52Z", "08:30:06+00:20", "12:34:56-00:00", "23:59:60Z",
                "01:29:60+01:30", "15:59:60-08:00", "00:29:60-23:30",
            ],
            invalid: [
                "12:00:00", "12:00:00.52", "24:00:00Z", "00:60:00Z", "00:00:61Z", "22:59:60Z", "23:59:60+01:00",
                "01:02:03+24:00", "01:02:03+00:60", "01:02:03Z+00:30", "08:30:06 PST", "8:3:6Z", "08:30:06.Z",
                "08:30:06-8:000", "2020-11-28T23:55:45Z",
            ])
        + examples(
            "date-time",
            valid: [
                "1963-06-19T08:30:06.283185Z", "1963-06-19t08:30:06.283185z", "1937-01-01T12:00:27.87+00:20",
                "1998-12-31T23:59:60Z", "1998-12-31T15:59:60.123-08:00", "1985-04-12T00:59:59.999999999999999Z",
            ],
            invalid: [
                "1998-12-31T23:58:60Z", "1990-02-31T15:59:59.123-08:00", "1990-12-31T15:59:59-24:00",
                "1963-06-19T08:30:06.28123+01:00Z", "2013-350T01:01:01", "1985-04-12T23:20:50+01",
                "1985-04-12 23:20:50Z", "1985-04-12T23:20:50Z\n", "1963-06-19", "+11963-06-19T08:30:06Z",
            ])

    static let hostExamples =
        examples(
            "email",
            valid: [
                "joe.bloggs@example.com", "te~st@example.com", "\"joe bloggs\"@example.com",
                "\"joe@bloggs\"@example.com", "joe.bloggs@[127.0.0.1]", "joe.bloggs@[IPv6:::1]", "te.s.t@example.com",
                "a+tag@sub.example.org",
            ],
            invalid: [
                "2962", ".test@example.com", "test.@example.com", "te..st@example.com",
                "joe.bloggs@invalid=domain.com", "joe.bloggs@[127.0.0.300]", "user1@oceania.org, user2@oceania.org",
                "@example.com", "joe.bloggs@", "joe bloggs@example.com", "\"unterminated@example.com",
                "a@b@example.com", String(repeating: "a", count: 65) + "@example.com",
            ])
        + examples(
            "hostname",
            valid: [
                "www.example.com", "hostname", "1host", "host-name", "a--b.com", "ab--cd.example",
                String(repeating: "a", count: 63) + ".com", "xn--4gbwdl.xn--wgbh1c", "xn--9n2bp8q.xn--9t4b11yi5a",
                "xn--ll-0ea", "xn--11b2ezcs70k", "xn--ngba5hb2804a",
            ],
            invalid: [
                "", ".", ".example", "example.", "-hostname", "hostname-", "host_name", "example\u{FF0E}com",
                String(repeating: "a", count: 64) + ".com", "example.com\n", "\u{212A}elvin.example.com",
                Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: "."), "xn--X",
                "xn--hello-zed", "xn--al-0ea", "xn--vek", "xn--ngb6iyr", "xn--02b508i", "XN--aa---o47jg78q",
            ])
        + examples(
            "ipv4",
            valid: ["192.168.0.1", "0.0.0.0", "255.255.255.255", "10.20.30.40"],
            invalid: [
                "127.0.0.0.1", "256.256.256.256", "127.0", "127.0.1", "2130706433", "087.10.0.1", "0x7f.0.0.1",
                "192.168..1", "192.168.0.1.", " 192.168.0.1", "192.168.0.1/24", "192.168.0.1:80", "1\u{09E8}7.0.0.1",
                "",
            ])
        + examples(
            "ipv6",
            valid: [
                "::1", "::", "::abef", "d6::", "1:d6::42", "1:2:3:4:5:6:7:8", "::ffff:192.168.0.1",
                "1000:1000:1000:1000:1000:1000:255.255.255.255", "1:2:3:4:5:6:7::", "FE80::A",
            ],
            invalid: [
                "12345::", "::abcef", "1:1:1:1:1:1:1:1:1", ":2:3:4:5:6:7:8", "1:2:3:4:5:6:7:", "1::d6::42",
                "1:2:3:4:5:::8", "1:2:3:4:5:6:7", "1", "127.0.0.1", "1:2:3:4:1.2.3", "fe80::/64", "fe80::a%eth1",
                "[::1]", "::ffff:192.168.0.01", "1:2:3:4:5:6:7:8::", "",
            ])

    static let uriExamples =
        examples(
            "uri",
            valid: [
                "http://foo.bar/?baz=qux#quux", "http://foo.com/blah_(wikipedia)_blah#cite-1",
                "http://-.~_!$&'()*+,;=:%40:80%2f::::::@example.com", "ldap://[2001:db8::7]/c=GB?objectClass?one",
                "mailto:John.Doe@example.com", "urn:oasis:names:specification:docbook:dtd:xml:4.1.2",
                "http://999.999.999.999/", "http://[v1.fe80::a+en1]/", "file:///etc/hosts", "a:",
            ],
            invalid: [
                "//foo.bar/?baz=qux#quux", "/abc", "abc", "\\\\WINDOWS\\fileshare", "http:// shouldfail.com",
                "bar,baz:foo", "https://[@example.org/test.txt", "https://example.org/foobar\u{AE}.txt",
                "https://example.org/foobar|.txt", "http://example.com/%6G", "http://example.com/%",
                "1http://example.com", "http://example.com:abc/path", "http://[::ffff:01.2.3.4]", "http:/[::1]", "",
            ])
        + examples(
            "uri-reference",
            valid: [
                "http://foo.bar/?baz=qux#quux", "//foo.bar/?baz=qux#quux", "/abc", "abc", "#fragment", "", "?query=1",
                "//", "./this:that", "../a/b?c#d",
            ],
            invalid: [
                "\\\\WINDOWS\\fileshare", "#frag\\ment", "/foobar\u{AE}.txt", "/%zz", "/a\"b", "/[::1]",
                "//example.com:abc/p", "//a@b@example.com/", "//[::ffff:192.168.0.01]/p", "1:b",
            ])
        + examples(
            "byte",
            valid: ["", "YQ==", "YWI=", "YWJj", "aGVsbG8gd29ybGQ=", "+/+/", "AAAA"],
            invalid: ["YQ=", "YQ", "Y===", "====", "YQ==YQ==", "YW=j", "YWJj\n", "YW-j", "YW_j", "YW Jj"])

    @Test(arguments: uuidExamples + dateTimeExamples + hostExamples + uriExamples)
    func stringFormat(example: Example) throws {
        let checker = try #require(FormatChecker.stringChecker(for: example.format))
        #expect(checker(example.string) == example.valid)
    }

    @Test(arguments: ["int32", "UUID", "password", "binary", ""])
    func unassertedStringFormats(format: String) {
        #expect(FormatChecker.stringChecker(for: format) == nil)
    }

    @Test func knownFormatsListsEveryAssertedFormat() {
        let stringFormats = [
            "uuid", "date-time", "date", "time", "email", "hostname", "ipv4", "ipv6", "uri", "uri-reference", "byte",
            "duration", "json-pointer", "relative-json-pointer", "regex", "uri-template", "iri", "iri-reference",
            "idn-email", "idn-hostname",
        ]
        for format in stringFormats {
            #expect(FormatChecker.knownFormats.contains(format))
            #expect(FormatChecker.stringChecker(for: format) != nil)
        }
        for format in ["int32", "int64", "float", "double"] {
            #expect(FormatChecker.knownFormats.contains(format))
        }
        #expect(FormatChecker.knownFormats.count == stringFormats.count + 4)
    }

    @Test(arguments: [
        ("int32", "2147483647", true), ("int32", "2147483648", false), ("int32", "-2147483648", true),
        ("int32", "-2147483649", false), ("int32", "1.0", true), ("int32", "1.5", false), ("int32", "1e2", true),
        ("int64", "9223372036854775807", true), ("int64", "9223372036854775808", false),
        ("int64", "-9223372036854775808", true), ("int64", "-9223372036854775809", false), ("int64", "1e400", false),
        ("float", "3.4028234663852886e38", true), ("float", "-3.4028234663852886e38", true),
        ("float", "3.4028235e38", true), ("float", "-3.4028235e38", true), ("float", "3.4028236e38", false),
        ("float", "-3.4028236e38", false), ("float", "340282346638528859811704183484516925440", true),
        ("float", "340282356779733661637539395458142568447", true),
        ("float", "340282356779733661637539395458142568448", false), ("float", "1e39", false),
        ("float", "1e-400", true), ("float", "0.1", true), ("double", "1e308", true), ("double", "1e309", false),
        ("double", "-1e309", false), ("double", "1.7976931348623157e308", true), ("double", "1e400", false),
        ("double", "1.7976931348623159e308", false), ("double", "5e-324", true),
    ])
    func numberFormat(format: String, text: String, expected: Bool) throws {
        let number = try #require(JSONNumber(text: text))
        #expect(FormatChecker.numberFormatIsSatisfied(format, number) == expected)
    }

    @Test(arguments: ["uuid", "date-time", "integer", "number", "decimal", ""])
    func nonNumericFormats(format: String) throws {
        let number = try #require(JSONNumber(text: "1"))
        #expect(FormatChecker.numberFormatIsSatisfied(format, number) == nil)
    }
}
