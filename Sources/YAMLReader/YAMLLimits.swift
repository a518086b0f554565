/// Limits that keep hostile documents from exhausting time, memory or the stack.
public struct YAMLLimits: Sendable, Equatable {
    /// The largest document accepted, in bytes. Default 64 MiB.
    public var maxBytes: Int
    /// The deepest nesting of sequences and mappings accepted. Default 512.
    public var maxDepth: Int
    /// The most nodes the document may hold once every alias is expanded. Default 1 000 000.
    public var maxNodes: Int

    /// Creates limits.
    public init(maxBytes: Int = 64 << 20, maxDepth: Int = 512, maxNodes: Int = 1_000_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    /// The defaults.
    public static let `default` = YAMLLimits()
}
