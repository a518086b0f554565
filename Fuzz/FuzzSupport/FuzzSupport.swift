public import Conformance
public import ContractCore
import Foundation
import SpecLoader

/// What every fuzz target shares: the bundled contract, compiled once, and a scratch file for readers that take paths.
public enum FuzzSupport {
    /// The input callback libFuzzer drives.
    public typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Hands the process to libFuzzer (present when linked with `-sanitize=fuzzer`), which reads its own
    /// options from the command line. SwiftPM gives every executable its own `main`, so libFuzzer's is not
    /// used; its driver is called instead.
    public static func run(_ callback: Callback) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(fuzzerRunDriver(&argc, &argv, callback))
    }

    /// The bundled CrewAI contract, found next to this source file (fuzz targets run from a checkout).
    public static let checker: ExchangeChecker = {
        let spec = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("specs/crewai-amp.yaml").path
        guard let loaded = try? SpecLoader().load(path: spec) else {
            fatalError("fuzz: cannot load the bundled contract at \(spec)")
        }
        return ExchangeChecker(compiled: CompiledSpec(spec: loaded.spec))
    }()

    /// Requests the contract documents, with the statuses it answers: the first input byte picks one.
    public static let requests: [(method: String, url: String, status: Int)] = [
        ("GET", "https://crew.example/status/4f1b3a52-9a7e-4b8e-8c61-2f0d7c3e9a10", 200),
        ("GET", "https://crew.example/status/4f1b3a52-9a7e-4b8e-8c61-2f0d7c3e9a10", 404),
        ("POST", "https://crew.example/kickoff", 200),
        ("GET", "https://crew.example/inputs", 200),
        ("POST", "https://crew.example/resume", 200),
        ("GET", "https://crew.example/inputs", 401),
        ("POST", "https://crew.example/kickoff", 500),
        ("GET", "https://crew.example/status/not-a-uuid", 200),
    ]

    /// Checks every exchange read from a fuzzed input, so the validator sees what the readers produce.
    public static func check(_ exchange: HTTPExchange) {
        let outcome = checker.check(exchange)
        for finding in outcome.findings { _ = finding.line }
    }

    /// A per-process scratch file under the fastest temporary directory there is.
    public static func scratchFile(extension ext: String) -> String {
        let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(directory)/conform-fuzz-\(getpid()).\(ext)"
    }

    /// Writes `bytes` to `path` (replacing it).
    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            fatalError("fuzz: cannot write \(path)")
        }
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
private func fuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzSupport.Callback
) -> CInt
