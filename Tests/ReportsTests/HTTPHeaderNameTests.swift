import ContractCore
import Testing

/// Header names are compared as `lowercased()` compares them; ASCII names without building copies.
@Suite struct HTTPHeaderNameTests {
    @Test(arguments: [
        ("Content-Type", "content-type", true), ("CONTENT-TYPE", "content-Type", true),
        ("content-type", "content-typ", false),
        ("X-Id", "x_id", false), ("a@", "A`", false), ("[", "{", false), ("Ünit", "ünit", true),
        ("\u{212A}", "k", true),
        ("", "", true),
    ])
    func namesAreEqualAsLowercased(a: String, b: String, equal: Bool) {
        #expect(HTTPHeader.namesEqual(a, b) == equal)
        #expect(HTTPHeader.namesEqual(b, a) == equal)
        #expect((a.lowercased() == b.lowercased()) == equal)
    }

    @Test func aResponseHeaderIsFoundInAnyLetterCase() {
        let exchange = HTTPExchange(
            source: "s", location: nil, method: "GET", url: "/", status: 200,
            responseHeaders: [
                HTTPHeader(name: "X-Other", value: "1"), HTTPHeader(name: "Content-TYPE", value: "text/plain"),
            ],
            body: .none)
        #expect(exchange.responseHeader("content-type") == "text/plain")
        #expect(exchange.responseHeader("content-typ") == nil)
    }
}
