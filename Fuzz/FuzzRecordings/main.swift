import ContractCore
import FuzzSupport
import Recordings

/// libFuzzer input: the first byte picks the recording kind (HAR, JSON Lines cassette, VCR cassette), the rest
/// is the file. Every exchange read is then checked against the bundled contract, as `conform validate` does.
func fuzzRecordings(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size > 0 else { return 0 }
    let kinds: [(RecordingKind, String)] = [(.har, "har"), (.cassette, "jsonl"), (.vcr, "yaml")]
    let (kind, ext) = kinds[Int(data[0]) % kinds.count]
    let path = FuzzSupport.scratchFile(extension: ext)
    FuzzSupport.write(UnsafeRawBufferPointer(start: data + 1, count: size - 1), to: path)
    let reader = RecordingSet(
        limits: RecordingLimits(maxLineBytes: 1 << 20, maxFileBytes: 1 << 20, maxBodyBytes: 1 << 20, maxDepth: 64))
    try? reader.read(path, kind: kind) { event in
        if case .exchange(let exchange) = event { FuzzSupport.check(exchange) }
    }
    return 0
}

FuzzSupport.run(fuzzRecordings)
