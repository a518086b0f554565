/// Replaces secrets (API keys, tokens, passwords) with `[REDACTED]` before text leaves the program.
///
/// Every occurrence of every secret is replaced. When occurrences overlap (one secret inside or across
/// another), the whole covered stretch becomes a single `[REDACTED]`, so no part of any secret survives;
/// this gives the same result as replacing the longest secrets first and is never weaker. Matching is
/// exact and case-sensitive, on the UTF-8 bytes of the text.
public struct Redactor: Sendable {
    /// The text that replaces each secret.
    public static let replacement = "[REDACTED]"

    /// Distinct secrets as UTF-8 bytes, longest first, then in byte order (so behaviour is deterministic).
    private var secrets: [[UInt8]] = []
    /// Values already given to ``add(_:)`` (recordings repeat the same header value on every exchange).
    private var seen: Set<String> = []

    /// Creates a redactor with no secrets; ``redact(_:)`` then returns its input unchanged.
    public init() {}

    /// Creates a redactor for the given secrets; see ``add(_:)`` for the rules each one goes through.
    public init(secrets: some Sequence<String>) {
        for secret in secrets { add(secret) }
    }

    /// Whether the redactor holds no secret.
    public var isEmpty: Bool { secrets.isEmpty }

    /// Adds a secret.
    ///
    /// Surrounding spaces, tabs and line breaks are trimmed. A secret shorter than 4 characters is ignored:
    /// it would redact ordinary words. When the value is an `Authorization` header value
    /// (`Bearer <token>` or `Basic <credentials>`, scheme case-insensitive), the credential after the scheme
    /// is added too, so it is found where it appears on its own.
    public mutating func add(_ secret: String) {
        guard seen.insert(secret).inserted else { return }
        let value = Self.trimmed(secret)
        insert(value)
        guard let space = value.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return }
        let scheme = value[..<space].lowercased()
        guard scheme == "bearer" || scheme == "basic" else { return }
        insert(Self.trimmed(value[space...]))
    }

    /// Returns `text` with every occurrence of every secret replaced by `[REDACTED]`.
    ///
    /// Returns `text` itself, without copying, when there are no secrets or none occurs.
    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty, !text.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var ranges: [Range<Int>] = []
        for secret in secrets where secret.count <= bytes.count {
            guard let first = secret.first else { continue }
            var start = 0
            while start <= bytes.count - secret.count {
                if bytes[start] == first, bytes[start..<start + secret.count].elementsEqual(secret) {
                    ranges.append(start..<start + secret.count)
                }
                start += 1
            }
        }
        guard !ranges.isEmpty else { return text }
        ranges.sort { ($0.lowerBound, $0.upperBound) < ($1.lowerBound, $1.upperBound) }
        var merged: [Range<Int>] = []
        for range in ranges {
            if let last = merged.last, range.lowerBound < last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        for range in merged {
            output.append(contentsOf: bytes[position..<range.lowerBound])
            output.append(contentsOf: Self.replacement.utf8)
            position = range.upperBound
        }
        output.append(contentsOf: bytes[position...])
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether a header's value is a credential and must be redacted or withheld.
    ///
    /// True for `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`, `X-API-Key`, `API-Key` and
    /// `X-Auth-Token`, in any letter case.
    public static func isSensitiveHeader(_ name: String) -> Bool {
        // Every exchange's headers pass here: an ASCII name is compared to the list's bytes by length
        // and letter case, without building a lowercase copy.
        var bytes = name
        let ascii: Bool? = bytes.withUTF8 { x in
            guard HTTPHeader.isASCII(x) else { return nil }
            return sensitiveHeaderBytes.contains { $0.withUnsafeBufferPointer { HTTPHeader.asciiNamesEqual($0, x) } }
        }
        return ascii ?? sensitiveHeaders.contains(name.lowercased())
    }

    private static let sensitiveHeaders: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token",
    ]

    private static let sensitiveHeaderBytes = sensitiveHeaders.map { Array($0.utf8) }

    private mutating func insert(_ secret: String) {
        guard secret.count >= 4 else { return }
        let bytes = Array(secret.utf8)
        guard !secrets.contains(bytes) else { return }  // rare: `add` already skips repeated values
        secrets.append(bytes)
        secrets.sort { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
    }

    private static func trimmed(_ text: some StringProtocol) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(text[first...last])
    }
}
