/// Limits of the recording readers.
public struct RecordingLimits: Sendable {
    /// The longest JSON Lines line, in bytes (longer lines are a finding and are skipped). Default 64 MiB.
    public var maxLineBytes: Int
    /// The largest HAR or VCR file, in bytes. Default 4 GiB.
    public var maxFileBytes: Int
    /// The largest single body, in bytes. Default 64 MiB.
    public var maxBodyBytes: Int
    /// The deepest JSON nesting of an entry. Default 512.
    public var maxDepth: Int

    /// Creates limits.
    public init(
        maxLineBytes: Int = 64 << 20, maxFileBytes: Int = 4 << 30, maxBodyBytes: Int = 64 << 20, maxDepth: Int = 512
    ) {
        self.maxLineBytes = maxLineBytes
        self.maxFileBytes = maxFileBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxDepth = maxDepth
    }

    /// The defaults.
    public static let `default` = RecordingLimits()
}
