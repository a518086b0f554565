import AsyncHTTPClient
import ContractCore
import NIOCore
import NIOHTTP1

/// ``HTTPTransport`` on AsyncHTTPClient: connect and read timeouts, a body limit, and redirects
/// followed by hand so that a redirect to another origin never carries the token.
public final class AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient
    /// Seconds allowed to connect.
    public let connectTimeout: Double
    /// Seconds allowed between bytes of the answer.
    public let readTimeout: Double
    /// The largest body read; longer bodies are cut and marked.
    public let maxBodyBytes: Int
    /// Redirects followed before giving up.
    public let maxRedirects: Int

    /// Creates a transport with its own client.
    public init(
        connectTimeout: Double = 5, readTimeout: Double = 10, maxBodyBytes: Int = 8 << 20, maxRedirects: Int = 5
    ) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.maxBodyBytes = maxBodyBytes
        self.maxRedirects = maxRedirects
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .milliseconds(Int64(connectTimeout * 1000)), read: .milliseconds(Int64(readTimeout * 1000))))
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Shuts the client down.
    public func shutdown() async {
        try? await client.shutdown()
    }

    /// Runs `body` with a transport that is shut down afterwards, whether `body` returns or throws.
    public static func with<Result: Sendable>(
        connectTimeout: Double = 5, readTimeout: Double = 10, maxBodyBytes: Int = 8 << 20, maxRedirects: Int = 5,
        _ body: (AsyncHTTPTransport) async throws -> Result
    ) async throws -> Result {
        let transport = AsyncHTTPTransport(
            connectTimeout: connectTimeout, readTimeout: readTimeout, maxBodyBytes: maxBodyBytes,
            maxRedirects: maxRedirects)
        do {
            let result = try await body(transport)
            await transport.shutdown()
            return result
        } catch {
            await transport.shutdown()
            throw error
        }
    }

    public func send(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let started = MonotonicClock.now
        var current = request
        for _ in 0...maxRedirects {
            let response = try await sendOnce(current, started: started)
            guard (300...399).contains(response.status), response.status != 304,
                let location = response.header("location")
            else { return response }
            let next = URIReference.resolve(location, against: current.url)
            if Self.origin(of: next) != Self.origin(of: current.url) {
                current.headers.removeAll { Redactor.isSensitiveHeader($0.name) }
            }
            if response.status == 303
                || ((response.status == 301 || response.status == 302) && current.method == "POST")
            {
                current.method = "GET"
                current.body = nil
            }
            current.url = next
        }
        throw .tooManyRedirects(request.url)
    }

    /// `scheme://host:port` of a URL, lower-cased.
    static func origin(of url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return "" }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return (url[..<schemeEnd.lowerBound] + "://" + authority).lowercased()
    }

    private func sendOnce(_ request: HTTPRequest, started: Double) async throws(TransportError) -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let deadline = NIODeadline.now() + .milliseconds(Int64((connectTimeout + readTimeout * 3) * 1000))
            let response = try await client.execute(outgoing, deadline: deadline)
            var body: [UInt8] = []
            var truncated = false
            for try await chunk in response.body {
                let room = maxBodyBytes - body.count
                if chunk.readableBytes > room {
                    body.append(contentsOf: chunk.readableBytesView.prefix(room))
                    truncated = true
                    break
                }
                body.append(contentsOf: chunk.readableBytesView)
            }
            let headers = response.headers.map { HTTPHeader(name: $0.name, value: $0.value) }
            return HTTPResponse(
                status: Int(response.status.code), headers: headers, body: body, isTruncated: truncated,
                url: request.url,
                elapsed: MonotonicClock.now - started)
        } catch let error as HTTPClientError {
            throw Self.map(error, url: request.url)
        } catch {
            let text = "\(error)"
            if text.contains("connectionRefused") || text.contains("Connection refused") {
                throw .connectionRefused(request.url)
            }
            if text.lowercased().contains("reset") { throw .connectionReset(request.url) }
            if text.lowercased().contains("timeout") || text.lowercased().contains("timed out") {
                throw .timedOut(request.url)
            }
            throw .other("\(request.method) \(request.url): \(text)")
        }
    }

    private static func map(_ error: HTTPClientError, url: String) -> TransportError {
        switch error {
        case .connectTimeout: .timedOut("connecting to \(url)")
        case .readTimeout: .timedOut("reading from \(url)")
        case .deadlineExceeded: .timedOut("waiting for \(url)")
        case .remoteConnectionClosed: .connectionReset(url)
        default:
            "\(error)".contains("connectionRefused") ? .connectionRefused(url) : .other("\(url): \(error)")
        }
    }
}
