public import ContractCore

/// The kinds of recordings conform reads.
public enum RecordingKind: String, Sendable {
    case har
    case cassette
    case vcr
    /// A bare response body (needs `--operation` and `--status`).
    case body
}

/// Finds recordings in files and directories and reads them into exchanges.
public struct RecordingSet: Sendable {
    /// The limits of every reader.
    public var limits: RecordingLimits

    /// Creates a reader set.
    public init(limits: RecordingLimits = .default) {
        self.limits = limits
    }

    /// Every recording file under `paths` (directories walked recursively, in name order), with its kind.
    /// Named files must exist; in directories, files of unknown kinds are left out.
    public func files(_ paths: [String], bodiesAllowed: Bool) throws(RecordingError) -> [(
        path: String, kind: RecordingKind
    )] {
        var result: [(String, RecordingKind)] = []
        for path in paths {
            if FileBytes.isDirectory(path) {
                for file in DirectoryWalk.files(under: path) {
                    if let kind = kind(of: file, bodiesAllowed: bodiesAllowed, named: false) {
                        result.append((file, kind))
                    }
                }
            } else {
                guard FileBytes.exists(path) else { throw .unreadable(.missing(path: path)) }
                guard let kind = kind(of: path, bodiesAllowed: bodiesAllowed, named: true) else {
                    throw .unknownKind(
                        path: path,
                        reason:
                            "cannot tell what this file holds: expected .har, .jsonl, a VCR .yaml cassette, or a body .json with --operation and --status"
                    )
                }
                result.append((path, kind))
            }
        }
        return result
    }

    /// Reads one recording, calling `sink` for each exchange and each broken entry, in file order.
    public func read(_ path: String, kind: RecordingKind, _ sink: (RecordingEvent) -> Void) throws(RecordingError) {
        let reader = try units(path, kind: kind)
        while let batch = try reader.nextBatch() {
            for unit in batch {
                if let event = unit.decode() { sink(event) }
            }
        }
    }

    /// Splits a recording into units that decode independently, in batches of about `batchBytes`:
    /// the sequential part (finding lines or entries) stays cheap, and the decoding can run on every core.
    /// Each batch ends with the cores waiting for its last unit and being woken for the next batch: 4 MiB
    /// batches wake them a quarter as often as 1 MiB ones, for about 7 MB more memory.
    public func units(_ path: String, kind: RecordingKind, batchBytes: Int = 4 << 20) throws(RecordingError)
        -> RecordingUnits
    {
        try RecordingUnits(path: path, kind: kind, limits: limits, batchBytes: batchBytes)
    }

    private func kind(of path: String, bodiesAllowed: Bool, named: Bool) -> RecordingKind? {
        let lower = path.lowercased()
        if lower.hasSuffix(".har") { return .har }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .cassette }
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") {
            return Self.head(path).contains("http_interactions") ? .vcr : nil
        }
        if lower.hasSuffix(".json") {
            let head = Self.head(path)
            if head.contains("\"log\"")
                && (head.contains("\"entries\"") || head.contains("\"version\"") || head.contains("\"creator\""))
            {
                return .har
            }
            return bodiesAllowed ? .body : nil
        }
        return nil
    }

    /// The first 4 KiB of a file, as text.
    private static func head(_ path: String) -> String {
        guard let bytes = try? FileBytes.read(path, limit: Int.max, prefix: 4096) else { return "" }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// What a reader yields: an exchange, or a broken entry as a finding.
public enum RecordingEvent: Sendable {
    case exchange(HTTPExchange)
    case problem(Finding)
}
