#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import ContractCore

/// Writes exchanges as a JSON Lines cassette (conform's own format), redacting the token and
/// every sensitive header.
actor CassetteRecorder {
    private let path: String
    private let redactor: Redactor
    private var file: UnsafeMutablePointer<FILE>?

    init(path: String, redactor: Redactor) throws {
        self.path = path
        self.redactor = redactor
        Self.createParentDirectories(of: path)
        guard let handle = fopen(path, "w") else {
            Console.err("\(path): error: cannot write the recording: \(String(cString: strerror(errno)))")
            throw Exit.malformed
        }
        file = handle
    }

    /// `mkdir -p` of the file's folder, so `--record reports/run.jsonl` works on a fresh clone.
    private static func createParentDirectories(of path: String) {
        var prefix = ""
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for (index, part) in parts.enumerated() {
            prefix += (index == 0 ? "" : "/") + part
            if !prefix.isEmpty && !FileBytes.exists(prefix) { mkdir(prefix, 0o755) }
        }
    }

    func write(_ exchange: HTTPExchange) {
        guard let file else { return }
        let line = redactor.redact(Self.line(for: exchange)) + "\n"
        fputs(line, file)
    }

    func close() {
        if let file { fclose(file) }
        file = nil
    }

    static func line(for exchange: HTTPExchange) -> String {
        func headers(_ list: [HTTPHeader]) -> String {
            "{"
                + list.map { header in
                    let value = Redactor.isSensitiveHeader(header.name) ? redactedValue(header.value) : header.value
                    return JSONText.quote(header.name) + ":" + JSONText.quote(value)
                }.joined(separator: ",") + "}"
        }
        var body = ""
        if case .bytes(let bytes, _) = exchange.body, !bytes.isEmpty {
            if (try? JSONDocument(bytes: bytes)) != nil, let text = String(validating: bytes, as: UTF8.self),
                !text.contains("\n")
            {
                body = ",\"body\":" + text
            } else if let text = String(validating: bytes, as: UTF8.self) {
                body = ",\"text\":" + JSONText.quote(text)
            } else {
                body = ",\"base64\":" + JSONText.quote(Base64Text.encode(bytes))
            }
        }
        let elapsed =
            exchange.elapsedMilliseconds.flatMap { JSONNumber(($0 * 1000).rounded() / 1000) }.map {
                ",\"elapsed_ms\":\($0)"
            } ?? ""
        return "{\"request\":{\"method\":\(JSONText.quote(exchange.method)),\"url\":\(JSONText.quote(exchange.url)),"
            + "\"headers\":\(headers(exchange.requestHeaders))},\"response\":{\"status\":\(exchange.status),"
            + "\"headers\":\(headers(exchange.responseHeaders))\(body)}\(elapsed)}"
    }

    private static func redactedValue(_ value: String) -> String {
        for scheme in ["Bearer ", "Basic "] where value.hasPrefix(scheme) { return scheme + Redactor.replacement }
        return Redactor.replacement
    }
}

enum Base64Text {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value =
                (UInt32(chunk[0]) << 16) | (chunk.count > 1 ? UInt32(chunk[1]) << 8 : 0)
                | (chunk.count > 2 ? UInt32(chunk[2]) : 0)
            for position in 0..<4 {
                if position <= chunk.count {
                    out.append(alphabet[Int((value >> UInt32(18 - position * 6)) & 0x3F)])
                } else {
                    out.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}

func getenvString(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}
