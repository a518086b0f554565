import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
    private let systemSend = Glibc.send
#elseif canImport(Darwin)
    import Darwin
    private let systemSend = Darwin.send
    private let MSG_NOSIGNAL: Int32 = 0
#endif

/// A misbehaving loopback HTTP server for tests, on plain blocking sockets (one thread per connection), so
/// that faults are byte-exact: a reset in the middle of a body, a `Content-Length` that lies, a chunked body
/// that stops. Requests whose path starts with ``faultyPath`` get the ``Fault``; every other request is
/// forwarded to `upstream` (for example the reference crew), one request per connection.
public final class FaultyServer: Sendable {
    /// What the server does to a faulty request.
    public enum Fault: Sendable, Equatable {
        /// Headers promise 2000 bytes; 100 are sent, then the connection is reset (RST).
        case resetMidBody
        /// The request is read and never answered; the connection stays open.
        case neverAnswers
        /// A valid answer, one byte every `interval` seconds.
        case drip(interval: Double)
        /// `Transfer-Encoding: chunked`, one chunk, then the connection closes without the last chunk.
        case truncatedChunked
        /// `Content-Length: 500`, 20 bytes, then the connection closes.
        case lyingContentLength
        /// A body of `Content-Length: 4 GiB` (a JSON string that never ends), streamed until the client goes away.
        case hugeBody
        /// `302` to the same URL, forever.
        case redirectLoop
        /// `307` to `target` + the request's path (another origin).
        case redirect(to: String)
        /// `429` with `Retry-After: retryAfter` for the first `times` faulty requests, then forwarded.
        case throttled(times: Int, retryAfter: Int)
        /// `503` (with `Retry-After: retryAfter` when given) for every faulty request.
        case unavailable(retryAfter: Int?)
    }

    /// `http://127.0.0.1:PORT`.
    public let url: String
    public let fault: Fault
    public let faultyPath: String
    private let upstream: (host: String, port: UInt16)?
    private let listener: Int32
    private let state = Mutex(State())

    private struct State {
        var stopped = false
        var faultsServed = 0
        var requests: [String] = []
        var authorizations: [String] = []
        var sockets: Set<Int32> = []
    }

    /// Request lines seen (`GET /inputs`), in order.
    public var requests: [String] { state.withLock { $0.requests } }
    /// `Authorization` header values seen, in order.
    public var authorizations: [String] { state.withLock { $0.authorizations } }

    /// Starts listening on an ephemeral loopback port.
    public init(fault: Fault, faultyPath: String = "/", upstream: String? = nil) throws {
        self.fault = fault
        self.faultyPath = faultyPath
        self.upstream = upstream.flatMap(Self.hostAndPort)
        let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listening >= 0 else { throw POSIXError(.EMFILE) }
        var yes: Int32 = 1
        setsockopt(listening, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listening, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listening, 64) == 0 else {
            close(listening)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listening, $0, &length) }
        }
        listener = listening
        url = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
        let server = self
        Thread.detachNewThread { server.acceptLoop() }
    }

    /// Stops accepting, and closes every open connection (ending never-answered requests and endless bodies).
    public func stop() {
        let sockets = state.withLock { state in
            state.stopped = true
            return state.sockets
        }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for socket in sockets { shutdown(socket, Int32(SHUT_RDWR)) }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func acceptLoop() {
        while !isStopped {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                return
            }
            state.withLock { _ = $0.sockets.insert(connection) }
            let server = self
            Thread.detachNewThread {
                server.serve(connection)
                server.state.withLock { _ = $0.sockets.remove(connection) }
                close(connection)
            }
        }
    }

    // MARK: - One connection, one request

    private func serve(_ connection: Int32) {
        guard let request = Self.readRequest(connection) else { return }
        state.withLock { state in
            state.requests.append("\(request.method) \(request.path)")
            if let authorization = request.header("authorization") { state.authorizations.append(authorization) }
        }
        guard request.path.hasPrefix(faultyPath) else {
            forward(request, on: connection)
            return
        }
        let served = state.withLock { state in
            state.faultsServed += 1
            return state.faultsServed
        }
        switch fault {
        case .resetMidBody:
            send(connection, head(200, ["Content-Type: application/json", "Content-Length: 2000"]))
            send(
                connection,
                Array(#"{"state": "RUNNING", "status": ""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 70))
            var lingering = linger(l_onoff: 1, l_linger: 0)
            setsockopt(connection, SOL_SOCKET, SO_LINGER, &lingering, socklen_t(MemoryLayout<linger>.size))
        case .neverAnswers:
            while !isStopped && Self.waitReadable(connection, seconds: 0.1) != .closed {}
        case .drip(let interval):
            let body = Array(#"{"error": "slow", "message": "one byte at a time"}"#.utf8)
            let answer = head(200, ["Content-Type: application/json", "Content-Length: \(body.count)"]) + body
            for byte in answer {
                guard !isStopped, send(connection, [byte]) else { return }
                if Self.waitReadable(connection, seconds: interval) == .closed { return }
            }
        case .truncatedChunked:
            send(connection, head(200, ["Content-Type: application/json", "Transfer-Encoding: chunked"]))
            send(connection, Array("10\r\n{\"state\": \"RUNNI\r\n".utf8))
            shutdown(connection, Int32(SHUT_WR))
            _ = Self.waitReadable(connection, seconds: 2)
        case .lyingContentLength:
            send(connection, head(200, ["Content-Type: application/json", "Content-Length: 500"]))
            send(connection, Array(#"{"state": "RUNNING","#.utf8))
            shutdown(connection, Int32(SHUT_WR))
            _ = Self.waitReadable(connection, seconds: 2)
        case .hugeBody:
            send(connection, head(200, ["Content-Type: application/json", "Content-Length: \(4 << 30)"]))
            send(connection, Array(#"{"inputs": [""#.utf8))
            let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 64 << 10)
            var sent = 0
            while !isStopped, sent < 4 << 30, send(connection, chunk) { sent += chunk.count }
        case .redirectLoop:
            send(connection, head(302, ["Location: \(request.path)", "Content-Length: 0"]))
        case .redirect(let target):
            send(connection, head(307, ["Location: \(target)\(request.path)", "Content-Length: 0"]))
        case .throttled(let times, let retryAfter):
            if served > times {
                forward(request, on: connection)
            } else {
                let body = Array(#"{"error": "Too Many Requests", "message": "slow down"}"#.utf8)
                send(
                    connection,
                    head(
                        429,
                        [
                            "Content-Type: application/json", "Retry-After: \(retryAfter)",
                            "Content-Length: \(body.count)",
                        ]) + body)
            }
        case .unavailable(let retryAfter):
            let body = Array(#"{"error": "Service Unavailable", "message": "try later"}"#.utf8)
            var fields = ["Content-Type: application/json", "Content-Length: \(body.count)"]
            if let retryAfter { fields.append("Retry-After: \(retryAfter)") }
            send(connection, head(503, fields) + body)
        }
    }

    private func head(_ status: Int, _ fields: [String]) -> [UInt8] {
        let reason =
            [200: "OK", 302: "Found", 307: "Temporary Redirect", 429: "Too Many Requests", 503: "Service Unavailable"][
                status] ?? "Status"
        return Array((["HTTP/1.1 \(status) \(reason)", "Connection: close"] + fields).joined(separator: "\r\n").utf8)
            + Array("\r\n\r\n".utf8)
    }

    /// Sends the request upstream on a fresh connection (`Connection: close`) and pipes the answer back.
    private func forward(_ request: Request, on connection: Int32) {
        guard let upstream else {
            send(connection, head(404, ["Content-Length: 0"]))
            return
        }
        let outgoing = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard outgoing >= 0 else { return }
        defer { close(outgoing) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr(upstream.host)
        address.sin_port = upstream.port.bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(outgoing, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return }
        var lines = ["\(request.method) \(request.target) HTTP/1.1"]
        lines += request.fields.filter { !$0.lowercased().hasPrefix("connection:") }
        lines.append("Connection: close")
        guard send(outgoing, Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8) + request.body) else { return }
        // The answer's head says `Connection: close` (this server closes after each answer), so that the client
        // never sends a second request on a connection that is going away.
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var head: [UInt8]? = []
        while true {
            guard Self.waitReadable(outgoing, seconds: 30) == .ready else { return }
            let count = recv(outgoing, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            guard var pending = head else {
                guard send(connection, Array(buffer[..<count])) else { return }
                continue
            }
            pending += buffer[..<count]
            guard let end = pending.firstRange(of: Array("\r\n\r\n".utf8))?.lowerBound else {
                head = pending
                continue
            }
            let lines =
                String(decoding: pending[..<end], as: UTF8.self).components(separatedBy: "\r\n")
                .filter { !$0.lowercased().hasPrefix("connection:") } + ["Connection: close"]
            guard send(connection, Array(lines.joined(separator: "\r\n").utf8) + Array(pending[end...])) else { return }
            head = nil
        }
    }

    @discardableResult
    private func send(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                systemSend(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    private enum Readiness { case ready, timeout, closed }

    /// Waits until `socket` has bytes (or end of stream) to read.
    private static func waitReadable(_ socket: Int32, seconds: Double) -> Readiness {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let result = poll(&descriptor, 1, Int32(seconds * 1000))
        if result == 0 { return .timeout }
        if result < 0 { return errno == EINTR ? .timeout : .closed }
        // Bytes still to read come first: a peer that answered and closed is not done until they are read.
        if descriptor.revents & Int16(POLLIN) == 0 { return .closed }
        var probe: UInt8 = 0
        return recv(socket, &probe, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0 ? .closed : .ready
    }

    // MARK: - Requests

    struct Request {
        var method: String
        var target: String
        var fields: [String]
        var body: [UInt8]

        var path: String { String(target.prefix { $0 != "?" }) }

        func header(_ name: String) -> String? {
            let prefix = name.lowercased() + ":"
            return fields.first { $0.lowercased().hasPrefix(prefix) }
                .map { String($0.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// Reads one request: the head up to the blank line, then `Content-Length` bytes of body.
    private static func readRequest(_ socket: Int32) -> Request? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        var headEnd: Int?
        while headEnd == nil {
            guard waitReadable(socket, seconds: 10) == .ready else { return nil }
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            bytes += buffer[..<count]
            headEnd = bytes.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound
            if bytes.count > 1 << 20 { return nil }
        }
        guard let headEnd else { return nil }
        let lines = String(decoding: bytes[..<(headEnd - 4)], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2 else { return nil }
        var request = Request(
            method: String(parts[0]), target: String(parts[1]), fields: Array(lines.dropFirst()), body: [])
        let length = request.header("content-length").flatMap { Int($0) } ?? 0
        request.body = Array(bytes[headEnd...])
        while request.body.count < length {
            guard waitReadable(socket, seconds: 10) == .ready else { return nil }
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            request.body += buffer[..<count]
        }
        return request
    }

    private static func hostAndPort(_ url: String) -> (host: String, port: UInt16)? {
        guard let authority = url.split(separator: "/").dropFirst().first else { return nil }
        let parts = authority.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { return nil }
        return (String(parts[0]), port)
    }
}
