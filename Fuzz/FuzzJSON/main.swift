import ContractCore
import FuzzSupport

/// libFuzzer input: the first byte picks a documented request and status, the rest is the response body.
/// The body is read by the JSON reader and, when it parses, validated against the bundled contract.
func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size > 0 else { return 0 }
    let request = FuzzSupport.requests[Int(data[0]) % FuzzSupport.requests.count]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if let document = try? JSONDocument(bytes: body, limits: JSONLimits(maxDepth: 64)) {
        _ = document.documentNode(file: "fuzz.json")
    }
    FuzzSupport.check(
        HTTPExchange(
            source: "fuzz", method: request.method, url: request.url, status: request.status,
            responseHeaders: [HTTPHeader(name: "Content-Type", value: "application/json")],
            body: .file(body, path: "fuzz.json")))
    return 0
}

FuzzSupport.run(fuzzJSON)
