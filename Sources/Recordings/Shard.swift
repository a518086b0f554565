public import ContractCore

/// One of N deterministic shares of the recorded exchanges (`conform validate --shard K/N`).
///
/// An exchange belongs to shard K when the 64-bit FNV-1a hash of its identity, modulo N, is K − 1. The identity is
/// the exchange's source without directories (`rec.jsonl:40`, `rec.har#12`: the last path component of
/// `recordings/rec.jsonl:40`), its method, URL and status as recorded, so every exchange lands in exactly one shard
/// whatever the order of the files or the directory they were copied to. A broken entry (a finding instead of an
/// exchange) is placed by its source alone.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// K, 1-based.
    public let index: Int
    /// N, the number of shards.
    public let count: Int

    /// Creates shard `index` of `count`; `nil` unless 1 ≤ index ≤ count.
    public init?(index: Int, count: Int) {
        guard index >= 1, index <= count else { return nil }
        self.index = index
        self.count = count
    }

    /// Reads `K/N` (decimal digits only, 1 ≤ K ≤ N ≤ 1 000 000); `nil` for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 7 && $0.allSatisfy(\.isASCIIDigit) }),
            let index = Int(parts[0]), let count = Int(parts[1]), count <= 1_000_000
        else { return nil }
        self.init(index: index, count: count)
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// Whether the exchange (as read from its recording) belongs to this shard.
    public func contains(_ exchange: HTTPExchange) -> Bool {
        let identity = [Self.relative(exchange.source), exchange.method, exchange.url, String(exchange.status)]
        return owns(identity.joined(separator: "\u{0}"))
    }

    /// Whether a broken entry of a recording (a finding from the reader) belongs to this shard.
    public func contains(problem finding: Finding) -> Bool {
        owns(Self.relative(finding.source ?? finding.location?.description ?? ""))
    }

    private func owns(_ identity: String) -> Bool {
        Int(Self.fnv1a(identity) % UInt64(count)) == index - 1
    }

    /// The source without its directories: `recordings/rec.jsonl:40` → `rec.jsonl:40`.
    static func relative(_ source: String) -> String {
        guard let slash = source.lastIndex(of: "/") else { return source }
        return String(source[source.index(after: slash)...])
    }

    /// The 64-bit FNV-1a hash of the text's UTF-8 bytes.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}

extension Character {
    /// Whether the character is one of `0`…`9`.
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
