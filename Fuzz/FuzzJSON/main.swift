import ContractCore
import FuzzSupport

/// libFuzzer input: the first byte picks a documented request and status, the rest is the response body.
/// The body is read by the JSON reader and, when it parses, validated against the bundled contract.
func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size > 0 else { return 0 }
    let request = FuzzSupport.requests[Int(data[0]) % FuzzSupport.requests.count]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let strict = try? JSONDocument(bytes: body, limits: JSONLimits(maxDepth: 64))
    if let strict { _ = strict.documentNode(file: "fuzz.json") }
    // Skimmed strings checked as they are decoded (HAR bodies) must accept exactly what a strict read
    // accepts, and decode to the same bytes.
    let skimmed = try? JSONDocument(bytes: body, limits: JSONLimits(maxDepth: 64), deferringStringsFrom: 1)
    let deferred = skimmed.map { document in
        document.tape.indices.filter { document.tape[$0].flags & JSONToken.isDeferred != 0 }
    }
    let decoded = deferred.flatMap { indices in indices.map { skimmed?.checkedDecodedBytes(at: $0) } }
    let skimmedReads = decoded.map { !$0.contains { $0 == nil } } ?? false
    if (strict != nil) != skimmedReads { fatalError("a skimmed read disagrees with a strict read") }
    if let strict, let deferred {
        for (index, bytes) in zip(deferred, decoded ?? []) where bytes != strict.decodedBytes(at: index) {
            fatalError("a skimmed string decodes differently")
        }
    }
    FuzzSupport.check(
        HTTPExchange(
            source: "fuzz", method: request.method, url: request.url, status: request.status,
            responseHeaders: [HTTPHeader(name: "Content-Type", value: "application/json")],
            body: .file(body, path: "fuzz.json")))
    return 0
}

FuzzSupport.run(fuzzJSON)
