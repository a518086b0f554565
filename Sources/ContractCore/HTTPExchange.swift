/// One recorded or live request/response pair, as every check sees it.
public struct HTTPExchange: Sendable {
    /// Where the exchange came from, as printed: `rec.jsonl:40`, `rec.har#12`, `live#3`.
    public var source: String
    /// Where the entry starts in its file (for findings that concern the whole exchange).
    public var location: SourceLocation?
    /// Upper-case method.
    public var method: String
    /// The request URL as recorded (absolute or a path).
    public var url: String
    /// Request headers in recorded order.
    public var requestHeaders: [HTTPHeader]
    /// The response status.
    public var status: Int
    /// Response headers in recorded order.
    public var responseHeaders: [HTTPHeader]
    /// The response body.
    public var body: HTTPBody
    /// How long the exchange took, in milliseconds, when recorded.
    public var elapsedMilliseconds: Double?

    /// Creates an exchange.
    public init(
        source: String, location: SourceLocation? = nil, method: String, url: String,
        requestHeaders: [HTTPHeader] = [], status: Int, responseHeaders: [HTTPHeader] = [], body: HTTPBody,
        elapsedMilliseconds: Double? = nil
    ) {
        self.source = source
        self.location = location
        self.method = method
        self.url = url
        self.requestHeaders = requestHeaders
        self.status = status
        self.responseHeaders = responseHeaders
        self.body = body
        self.elapsedMilliseconds = elapsedMilliseconds
    }

    /// The first response header named `name` (case-insensitive).
    public func responseHeader(_ name: String) -> String? {
        responseHeaders.first { HTTPHeader.namesEqual($0.name, name) }?.value
    }
}

/// A header field.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A response body, with what is needed to place its findings in the recording's file.
public enum HTTPBody: Sendable {
    /// No body was recorded.
    case none
    /// Raw bytes (a HAR `content.text`, a VCR body string, a live response); offsets of findings
    /// map to `location` (the place of the body in the file) as a whole.
    case bytes([UInt8], location: SourceLocation?)
    /// A body that is a whole file: offsets map to the file's own lines.
    case file([UInt8], path: String)
    /// A JSON value already parsed inside a recording line (JSON Lines cassettes): `index` is its
    /// tape index in `document`; offsets map to columns of `line` in `file`.
    case parsedJSON(JSONDocument, index: Int, file: String, line: Int)
}

extension HTTPHeader {
    /// Whether `a` and `b` name the same header: equal once lowercased, as `lowercased()` compares
    /// them, without building either lowercase string when both are ASCII (header names are).
    public static func namesEqual(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        let ascii: Bool? = a.withUTF8 { x in
            b.withUTF8 { y in
                guard isASCII(x), isASCII(y) else { return nil }
                return asciiNamesEqual(x, y)
            }
        }
        return ascii ?? (a.lowercased() == b.lowercased())
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var all: UInt8 = 0
        for byte in bytes { all |= byte }
        return all < 0x80
    }

    /// Whether two ASCII names are equal but for the case of their letters.
    static func asciiNamesEqual(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool {
        guard x.count == y.count else { return false }
        for k in 0..<x.count where x[k] != y[k] {
            // Equal letters differ only in bit 0x20.
            let l = x[k] | 0x20
            guard l == y[k] | 0x20, l &- 0x61 < 26 else { return false }
        }
        return true
    }
}
