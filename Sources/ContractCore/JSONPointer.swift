/// JSON Pointer (RFC 6901) helpers.
public enum JSONPointer {
    /// Escapes one reference token: `~` → `~0`, `/` → `~1`.
    public static func escape(_ token: String) -> String {
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        var out = ""
        out.reserveCapacity(token.utf8.count + 2)
        for scalar in token.unicodeScalars {
            switch scalar {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Unescapes one reference token: `~1` → `/`, `~0` → `~`.
    public static func unescape(_ token: String) -> String {
        guard token.utf8.contains(UInt8(ascii: "~")) else { return token }
        return token.replacingTildeEscapes()
    }

    /// Splits a pointer such as `/a/b~1c` into unescaped tokens (`["a", "b/c"]`).
    /// - Returns: `nil` when the pointer is neither empty nor starts with `/`.
    public static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.utf8.first == UInt8(ascii: "/") else { return nil }
        // Split on the bytes: every schema address is resolved through here while a spec compiles.
        return pointer.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map {
            unescape(String(Substring($0)))
        }
    }

    /// Joins unescaped tokens into a pointer.
    public static func make(_ tokens: [String]) -> String {
        tokens.reduce(into: "") { $0 += "/" + escape($1) }
    }
}

extension String {
    fileprivate func replacingTildeEscapes() -> String {
        var out = ""
        var iterator = unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "~" {
                switch iterator.next() {
                case "0": out += "~"
                case "1": out += "/"
                case let other?: out += "~"; out.unicodeScalars.append(other)
                case nil: out += "~"
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
