import ContractCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes CI step summaries (GitHub's `$GITHUB_STEP_SUMMARY`, a GitLab artifact).
public enum SummaryFile {
    /// Appends `text` to the file at `path` when it exists (as GitHub does with step summaries, so earlier steps'
    /// summaries stay), or writes a new file atomically (temporary file, then rename) when it does not.
    ///
    /// - Throws: ``JUnitWriteError`` (its messages say "report": the summary is one).
    public static func write(_ text: String, to path: String) throws {
        let bytes = Array(text.utf8)
        guard FileBytes.exists(path) else {
            try AtomicFile.write(bytes, to: path)
            return
        }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        guard descriptor >= 0 else { throw JUnitWriteError.cannotWrite(path, code: errno) }
        defer { _ = close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                appendBytes(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw JUnitWriteError.cannotWrite(path, code: errno)
            }
            written += count
        }
    }
}

/// `write(2)`, out of reach of other `write` names.
private func appendBytes(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
