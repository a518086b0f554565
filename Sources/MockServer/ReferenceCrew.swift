import ContractCore
import Hummingbird
import Logging
import NIOCore

/// The reference crew as a real HTTP server (Hummingbird) on a loopback port.
public final class ReferenceCrew: Sendable {
    /// The base URL, e.g. `http://127.0.0.1:54321`.
    public let url: String
    /// The port the server listens on.
    public let port: Int
    private let task: Task<Void, any Error>

    private init(url: String, port: Int, task: Task<Void, any Error>) {
        self.url = url
        self.port = port
        self.task = task
    }

    /// Why the server could not start.
    public struct StartError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Starts the server; `port` 0 picks a free port. Returns once it accepts connections.
    public static func start(
        configuration: CrewConfiguration, host: String = "127.0.0.1", port: Int = 0
    ) async throws -> ReferenceCrew {
        let simulator = CrewSimulator(configuration: configuration, clock: { MonotonicClock.now })
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            let mockRequest = MockRequest(
                method: request.method.rawValue, path: request.uri.path,
                authorization: request.headers[.authorization], body: Array(body.readableBytesView))
            let answer = await simulator.respond(to: mockRequest)
            if answer.delay > 0 { try await Task.sleep(nanoseconds: UInt64(answer.delay * 1_000_000_000)) }
            var headers = HTTPFields()
            headers[.contentType] = answer.contentType
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        var logger = Logger(label: "conform.mock")
        logger.logLevel = .critical
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "conform-reference-crew"),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await app.run()
        }
        var iterator = stream.makeAsyncIterator()
        guard let bound = await iterator.next(), bound > 0 else {
            task.cancel()
            let failure: String
            switch await task.result {
            case .failure(let error): failure = "\(error)"
            case .success: failure = "the server stopped"
            }
            throw StartError(description: "error: the reference crew could not listen on \(host):\(port): \(failure)")
        }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return ReferenceCrew(url: "http://\(shownHost):\(bound)", port: bound, task: task)
    }

    /// Stops the server and waits until it has stopped.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// Waits until the server stops (for `conform mock`, which runs until a signal).
    public func wait() async throws {
        try await task.value
    }
}
