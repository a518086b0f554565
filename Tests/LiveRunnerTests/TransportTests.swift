import ContractCore
import Foundation
import Hummingbird
import LiveRunner
import NIOCore
import Testing

/// A loopback server for transport tests: `/echo` answers with the Authorization header it got,
/// `/redirect?to=URL` redirects (to itself without `to`), `/big` sends 100 KB.
private struct EchoServer {
    let task: Task<Void, any Error>
    let url: String

    static func start() async throws -> EchoServer {
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            switch request.uri.path {
            case "/echo":
                let auth = request.headers[.authorization] ?? "none"
                return Response(
                    status: .ok, headers: [.contentType: "text/plain"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: auth)))
            case "/redirect":
                let target = request.uri.queryParameters.get("to") ?? "/redirect"
                return Response(status: .found, headers: [.location: target])
            case "/big":
                return Response(
                    status: .ok,
                    body: ResponseBody(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: 100_000)))
            default:
                return Response(status: .notFound)
            }
        }
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: responder, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            })
        let task = Task { try await app.run() }
        var iterator = stream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return EchoServer(task: task, url: "http://127.0.0.1:\(port)")
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

@Suite(.serialized) struct TransportTests {
    @Test func aRedirectToAnotherOriginDropsTheToken() async throws {
        let first = try await EchoServer.start()
        let second = try await EchoServer.start()
        defer {
            Task {
                await first.stop(); await second.stop()
            }
        }
        let headers = [HTTPHeader(name: "Authorization", value: "Bearer secret-for-first-origin")]
        try await AsyncHTTPTransport.with(connectTimeout: 10, readTimeout: 10) { transport in
            let same = try await transport.send(
                OutgoingRequest(method: "GET", url: first.url + "/redirect?to=/echo", headers: headers))
            #expect(String(decoding: same.body, as: UTF8.self) == "Bearer secret-for-first-origin")
            let other = try await transport.send(
                OutgoingRequest(
                    method: "GET", url: first.url + "/redirect?to=" + second.url + "/echo", headers: headers))
            #expect(other.status == 200)
            #expect(String(decoding: other.body, as: UTF8.self) == "none")
            #expect(other.url == second.url + "/echo")
        }
    }

    @Test func longBodiesAreCutAndMarked() async throws {
        let server = try await EchoServer.start()
        defer { Task { await server.stop() } }
        try await AsyncHTTPTransport.with(connectTimeout: 10, readTimeout: 10, maxBodyBytes: 1000) { transport in
            let response = try await transport.send(OutgoingRequest(method: "GET", url: server.url + "/big"))
            #expect(response.body.count == 1000)
            #expect(response.isTruncated)
        }
    }

    @Test func theBodyLimitIsExact() async throws {
        let server = try await EchoServer.start()
        defer { Task { await server.stop() } }
        try await AsyncHTTPTransport.with(connectTimeout: 10, readTimeout: 10, maxBodyBytes: 100_000) { transport in
            let response = try await transport.send(OutgoingRequest(method: "GET", url: server.url + "/big"))
            #expect(response.body.count == 100_000)
            #expect(!response.isTruncated)
        }
        try await AsyncHTTPTransport.with(connectTimeout: 10, readTimeout: 10, maxBodyBytes: 99_999) { transport in
            let response = try await transport.send(OutgoingRequest(method: "GET", url: server.url + "/big"))
            #expect(response.body.count == 99_999)
            #expect(response.isTruncated)
        }
    }

    @Test func redirectLoopsEnd() async throws {
        let server = try await EchoServer.start()
        defer { Task { await server.stop() } }
        try await AsyncHTTPTransport.with(connectTimeout: 10, readTimeout: 10, maxRedirects: 3) { transport in
            do {
                _ = try await transport.send(OutgoingRequest(method: "GET", url: server.url + "/redirect?to=/redirect"))
                Issue.record("expected too many redirects")
            } catch {
                #expect((error as? TransportError) == .tooManyRedirects(server.url + "/redirect?to=/redirect"))
            }
        }
    }
}
