import ArgumentParser

/// The exit codes conform documents (sysexits).
enum Exit {
    static let ok = ExitCode(0)
    static let violations = ExitCode(1)
    static let usage = ExitCode(64)
    static let malformed = ExitCode(65)
    static let missing = ExitCode(66)
    static let unreachable = ExitCode(69)
}
