import ContractCore
import YAMLReader

/// Reads Schemathesis VCR cassettes (YAML with `http_interactions`).
struct VCRReader {
    let path: String
    let limits: RecordingLimits

    func read(_ sink: (RecordingEvent) -> Void) throws(RecordingError) {
        let root: DocumentNode
        do {
            root = try YAMLReader.read(
                path: path, limits: YAMLLimits(maxBytes: limits.maxFileBytes, maxNodes: 50_000_000))
        } catch let error as FileBytes.ReadError {
            throw .unreadable(error)
        } catch let error as YAMLError {
            throw .malformed(error.message, at: error.location)
        } catch {
            throw .malformed("\(error)", at: SourceLocation(file: path, line: 1, column: 1))
        }
        guard let interactions = root["http_interactions"]?.elements else {
            throw .malformed("not a VCR cassette: no http_interactions list", at: root.location)
        }
        for (number, interaction) in interactions.enumerated() {
            let source = "\(path)#\(number + 1)"
            let start = interaction.location
            let request = interaction["request"]
            let response = interaction["response"]
            guard let method = request?["method"]?.string, let url = request?["uri"]?.string ?? request?["url"]?.string
            else {
                sink(
                    .problem(
                        Finding(
                            check: .json, message: "interaction has no request.method and request.uri; skipped",
                            location: start, source: source)))
                continue
            }
            let statusNode = response?["status"]?["code"] ?? response?["status"]
            let status = statusNode?.number?.int64Value.map(Int.init) ?? statusNode?.string.flatMap { Int($0) }
            guard let status else {
                sink(
                    .problem(
                        Finding(
                            check: .json, message: "interaction has no response.status.code; skipped", location: start,
                            source: source)))
                continue
            }
            var body = HTTPBody.none
            if let bodyNode = response?["body"] {
                if let text = bodyNode["string"] {
                    body = .bytes(Array((text.string ?? "").utf8), location: text.location)
                } else if let encoded = bodyNode["base64_string"] {
                    guard let decoded = Base64.decode(encoded.string ?? "") else {
                        sink(
                            .problem(
                                Finding(
                                    check: .json, message: "response.body.base64_string is not valid base64; skipped",
                                    location: encoded.location, source: source)))
                        continue
                    }
                    body = .bytes(decoded, location: encoded.location)
                }
            }
            sink(
                .exchange(
                    HTTPExchange(
                        source: source, location: start, method: method.uppercased(), url: url,
                        requestHeaders: headers(request?["headers"]), status: status,
                        responseHeaders: headers(response?["headers"]), body: body,
                        elapsedMilliseconds: (interaction["elapsed"]?.number?.doubleValue
                            ?? interaction["elapsed"]?.string.flatMap { Double($0) }).map { $0 * 1000 })))
        }
    }

    private func headers(_ node: DocumentNode?) -> [HTTPHeader] {
        var result: [HTTPHeader] = []
        for entry in node?.entries ?? [] {
            if let values = entry.value.elements {
                for value in values {
                    result.append(HTTPHeader(name: entry.key, value: value.string ?? value.jsonText))
                }
            } else {
                result.append(HTTPHeader(name: entry.key, value: entry.value.string ?? entry.value.jsonText))
            }
        }
        return result
    }
}
