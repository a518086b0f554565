public import ContractCore

/// A request conform sends.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A response as received, with its body cut at the transport's limit.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// The body was longer than the limit and was cut.
    public var isTruncated: Bool
    /// The URL that finally answered (after redirects).
    public var url: String
    /// Seconds from sending to the last byte.
    public var elapsed: Double

    public init(
        status: Int, headers: [HTTPHeader], body: [UInt8], isTruncated: Bool = false, url: String, elapsed: Double
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.isTruncated = isTruncated
        self.url = url
        self.elapsed = elapsed
    }

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}

/// Why a request got no answer: an infrastructure problem, not a contract violation.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    case connectionRefused(String)
    case timedOut(String)
    case connectionReset(String)
    case tooManyRedirects(String)
    case other(String)

    /// Whether the target could not be reached at all.
    public var isUnreachable: Bool {
        switch self {
        case .connectionRefused: true
        case .other(let text): text.contains("resolve") || text.contains("lookup")
        default: false
        }
    }

    public var description: String {
        switch self {
        case .connectionRefused(let url): "connection refused by \(url)"
        case .timedOut(let what): "timed out: \(what)"
        case .connectionReset(let url): "connection reset by \(url)"
        case .tooManyRedirects(let url): "too many redirects from \(url)"
        case .other(let text): text
        }
    }
}

/// Sends requests. The live runner talks to crews only through this seam.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse
}
