import ContractCore

/// Reads conform's JSON Lines cassettes, one exchange per line:
/// `{"request": {"method", "url", "headers"}, "response": {"status", "headers", "body" | "text" | "base64"}, "elapsed_ms"}`.
/// Lines are read one at a time, so memory stays flat however large the file is.
struct CassetteReader {
    let path: String
    let limits: RecordingLimits
    /// `path:`, which each line's source name begins with (built once, not per line).
    private let sourcePrefix: String

    init(path: String, limits: RecordingLimits) {
        self.path = path
        self.limits = limits
        sourcePrefix = path + ":"
    }

    /// Decodes line `number`, the bytes `range` of `chunk`, where they are (pure: runs on any thread).
    func decode(line range: Range<Int>, of chunk: LineChunk, number: Int) -> RecordingEvent? {
        let line = UnsafeBufferPointer(rebasing: chunk.bytes[range])
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        return entry(
            line, of: chunk, number: number, source: sourcePrefix + String(number),
            start: SourceLocation(file: path, line: number, column: 1))
    }

    /// The finding for a line longer than the limit.
    func tooLong(number: Int, length: Int) -> RecordingEvent {
        .problem(
            Finding(
                check: .json,
                message: "entry is \(length) bytes long, more than the limit of \(limits.maxLineBytes) bytes; skipped",
                location: SourceLocation(file: path, line: number, column: 1), source: "\(path):\(number)"))
    }

    private func entry(
        _ line: UnsafeBufferPointer<UInt8>, of chunk: LineChunk, number: Int, source: String, start: SourceLocation
    ) -> RecordingEvent? {
        let document: JSONDocument
        do {
            // The document keeps the chunk, not a copy of the line.
            document = try JSONDocument(borrowing: line, owner: chunk, limits: JSONLimits(maxDepth: limits.maxDepth))
        } catch {
            return .problem(
                Finding(
                    check: .json,
                    message:
                        "entry is not well-formed JSON: \(error.message) (byte offset \(error.offset) of the line)",
                    location: SourceLocation(file: path, line: number, column: error.column), source: source))
        }
        let request = document.member("request", of: 0)
        let response = document.member("response", of: 0)
        guard let response, let status = document.intValue(document.member("status", of: response)) else {
            return .problem(
                Finding(
                    check: .json, message: "entry has no response.status; skipped", location: start, source: source))
        }
        guard let method = document.stringValue(document.member("method", of: request)),
            let url = document.stringValue(document.member("url", of: request))
        else {
            return .problem(
                Finding(
                    check: .json, message: "entry has no request.method and request.url; skipped", location: start,
                    source: source))
        }
        var body = HTTPBody.none
        if let value = document.member("body", of: response) {
            body = .parsedJSON(document, index: value, file: path, line: number)
        } else if let text = document.stringValue(document.member("text", of: response)) {
            body = .bytes(
                Array(text.utf8),
                location: location(of: document.member("text", of: response), in: document, line: number))
        } else if let encoded = document.stringValue(document.member("base64", of: response)) {
            guard let decoded = Base64.decode(encoded) else {
                return .problem(
                    Finding(
                        check: .json, message: "response.base64 is not valid base64; skipped", location: start,
                        source: source))
            }
            body = .bytes(
                decoded, location: location(of: document.member("base64", of: response), in: document, line: number))
        }
        return .exchange(
            HTTPExchange(
                source: source, location: start, method: method.uppercased(), url: url,
                requestHeaders: document.headers(document.member("headers", of: request)), status: status,
                responseHeaders: document.headers(document.member("headers", of: response)), body: body,
                elapsedMilliseconds: document.doubleValue(document.member("elapsed_ms", of: 0))))
    }

    private func location(of index: Int?, in document: JSONDocument, line: Int) -> SourceLocation? {
        guard let index else { return nil }
        let column = document.lineColumn(ofOffset: Int(document.tape[index].start) - 1).column
        return SourceLocation(file: path, line: line, column: column)
    }
}
