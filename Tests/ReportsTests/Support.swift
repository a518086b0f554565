import Foundation
import Testing

/// Fixture paths, temporary directories and `xmllint`.
enum Support {
    /// The two JUnit schemas every report must satisfy.
    static let schemas = ["jenkins-xunit-junit-10.xsd", "windyroad-JUnit.xsd"]

    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)?.appendingPathComponent(name).path ?? name
    }

    /// Runs `body` with a fresh directory under the system's temporary folder, removed afterwards.
    static func withTemporaryDirectory<Result>(_ body: (String) throws -> Result) throws -> Result {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("conform-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer {
            _ = try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
            try? FileManager.default.removeItem(at: url)
        }
        return try body(url.path)
    }

    /// The names in a directory, sorted (hidden files included, so leftover temporary files show).
    static func listing(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try bytes(path), as: UTF8.self)
    }

    /// `xmllint --noout --schema <xsd> <file>` for each schema; returns one line per schema that rejected the file
    /// (with xmllint's output), so `[]` means valid against both.
    static func schemaProblems(_ file: String) throws -> [String] {
        var problems: [String] = []
        for schema in schemas {
            let result = try xmllint(["--noout", "--schema", fixture(schema), file])
            // xmllint reports "<file> validates" on stderr.
            if result.status != 0 || result.errors != "\(file) validates\n" {
                problems.append("\(schema): exit \(result.status): \(result.output)\(result.errors)")
            }
        }
        return problems
    }

    /// The string value of an XPath expression, evaluated by xmllint (an independent XML parser).
    static func xpath(_ expression: String, in file: String) throws -> String {
        let result = try xmllint(["--xpath", expression, file])
        guard result.status == 0 else { throw XMLLintFailed(arguments: expression, output: result.errors) }
        var output = result.output
        if output.hasSuffix("\n") { output.removeLast() }  // xmllint adds one line break
        return output
    }

    /// Runs xmllint; stdout and stderr go through files so a large output cannot block the process.
    static func xmllint(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        guard let executable = executable("xmllint") else { throw XMLLintMissing() }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("xmllint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        #expect(FileManager.default.createFile(atPath: outURL.path, contents: nil))
        #expect(FileManager.default.createFile(atPath: errURL.path, contents: nil))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return (process.terminationStatus, try text(outURL.path), try text(errURL.path))
    }

    private static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

struct XMLLintMissing: Error, CustomStringConvertible {
    var description: String {
        "xmllint is not installed, so the JUnit reports cannot be checked against the XSDs; "
            + "install it with `apt-get install libxml2-utils` (Debian/Ubuntu; CI does this)"
    }
}

struct XMLLintFailed: Error, CustomStringConvertible {
    var arguments: String
    var output: String
    var description: String { "xmllint failed on \(arguments): \(output)" }
}
