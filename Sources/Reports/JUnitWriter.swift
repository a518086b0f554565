public import ContractCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes ``JUnitReport``s as JUnit XML that CI systems read.
///
/// The output stays in the subset that is valid against both the Jenkins xunit `junit-10.xsd` and the strict
/// Apache Ant schema (windyroad `JUnit.xsd`): a bare `<testsuites>`; every `<testsuite>` with `name`,
/// `package="conform"`, `id`, `hostname`, `timestamp`, `tests`, `failures`, `errors`, `skipped` and `time`;
/// `<properties>` first, then the `<testcase>`s (each with `name`, `classname`, `time` and at most one
/// `<failure>`, `<error>` or `<skipped>`), then `<system-out>` and `<system-err>`. Counts are computed from
/// the cases. The same report always gives the same bytes: UTF-8, two-space indentation, one element per
/// line (multi-line text stays as it is), and a final line break.
///
/// Text is made safe in this order:
/// 1. Every caller-supplied string passes through the `Redactor`.
/// 2. `message` attributes longer than 1000 characters are cut to 999 characters plus `…`.
/// 3. Characters XML 1.0 cannot carry at all (C0 controls other than tab, line feed and carriage return;
///    U+FFFE; U+FFFF) are replaced by the visible text `\uXXXX`, four upper-case hex digits: U+0001 becomes
///    `\u0001`, U+001B becomes `\u001B`. The replacement is not reversible: a literal `\u0001` in the input
///    reads the same.
/// 4. `&`, `<`, `>`, `"` and `'` become `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&apos;` everywhere (so
///    `]]>` cannot occur), carriage return becomes `&#13;` everywhere, and in attribute values tab and line
///    feed become `&#9;` and `&#10;`, so parsers' line-end and attribute normalisation keep them.
public enum JUnitWriter {
    /// The longest `message` attribute written, in characters (`Character`s), including the final `…`.
    public static let messageLimit = 1000

    /// The report as a JUnit XML document.
    ///
    /// - Parameters:
    ///   - report: The suites to write.
    ///   - redactor: Secrets to replace with `[REDACTED]` in every string written.
    /// - Returns: The document, starting with `<?xml version="1.0" encoding="UTF-8"?>` and ending with a line
    ///   break.
    public static func xml(_ report: JUnitReport, redacting redactor: Redactor) -> String {
        var output = XMLOutput(redactor: redactor)
        output.line(0, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        guard !report.suites.isEmpty else {
            output.line(0, "<testsuites/>")
            return output.text
        }
        output.line(0, "<testsuites>")
        for (id, suite) in report.suites.enumerated() {
            output.suite(suite, id: id)
        }
        output.line(0, "</testsuites>")
        return output.finished()
    }

    /// Writes the report to `path`, replacing any file there only once the new one is complete.
    ///
    /// The XML goes to a temporary file in the same directory (`.<name>.tmp-<pid>-<random>`), which is
    /// flushed with `fsync` and then renamed over `path`, so readers see the old report or the new one,
    /// never a partial one. Missing parent directories are created. On any failure the temporary file is
    /// removed and an existing report is left untouched.
    ///
    /// - Parameters:
    ///   - report: The suites to write.
    ///   - path: The report's file path, absolute or relative to the working directory.
    ///   - redactor: Secrets to replace with `[REDACTED]` in every string written.
    /// - Throws: ``JUnitWriteError``.
    public static func write(_ report: JUnitReport, to path: String, redacting redactor: Redactor) throws {
        try AtomicFile.write(Array(xml(report, redacting: redactor).utf8), to: path)
    }
}

/// Why a JUnit report could not be written. The description is one line, `path: error: …`.
public enum JUnitWriteError: Error, CustomStringConvertible, Equatable {
    /// The path is empty or ends with `/`, so it names no file.
    case invalidPath(String)
    /// A missing parent directory could not be created; `code` is the `errno` value.
    case cannotCreateDirectory(String, code: Int32)
    /// The temporary file next to the report (`path`) could not be created; `code` is the `errno` value.
    case cannotCreateTemporaryFile(String, code: Int32)
    /// Writing, flushing or closing the temporary file for `path` failed; `code` is the `errno` value.
    case cannotWrite(String, code: Int32)
    /// Renaming the finished temporary file over `path` failed; `code` is the `errno` value.
    case cannotReplace(String, code: Int32)

    /// One line, for example `reports/junit.xml: error: cannot replace the report: Is a directory`.
    public var description: String {
        switch self {
        case .invalidPath(let path):
            return "\(path.isEmpty ? "\"\"" : path): error: the report path does not name a file"
        case .cannotCreateDirectory(let path, let code):
            return "\(path): error: cannot create the report's directory: \(Self.reason(code))"
        case .cannotCreateTemporaryFile(let path, let code):
            return "\(path): error: cannot create a temporary file next to the report: \(Self.reason(code))"
        case .cannotWrite(let path, let code):
            return "\(path): error: cannot write the report: \(Self.reason(code))"
        case .cannotReplace(let path, let code):
            return "\(path): error: cannot replace the report: \(Self.reason(code))"
        }
    }

    private static func reason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}

/// Builds the XML text line by line.
private struct XMLOutput {
    let redactor: Redactor
    var text = ""
    /// `classname` NUL `name` of the cases written so far, to make repeats unique.
    var caseKeys: Set<String> = []

    init(redactor: Redactor) {
        self.redactor = redactor
        text.reserveCapacity(4096)
    }

    /// The document, which ends with a line break. (The release build of Swift 6.3.1 returned
    /// `text` without its last line break when it was read right after the last ``line(_:_:)``; checking the
    /// end here keeps the documented form.)
    func finished() -> String {
        text.utf8.last == 0x0A ? text : text + "\n"
    }

    mutating func line(_ depth: Int, _ content: String) {
        text += String(repeating: "  ", count: depth)
        text += content
        text += "\n"
    }

    mutating func suite(_ suite: JUnitSuite, id: Int) {
        let attributes = [
            ("name", nonBlank(clean(suite.name), or: "(unnamed)")),
            ("package", "conform"),
            ("id", String(id)),
            ("hostname", nonBlank(clean(suite.hostname), or: "localhost")),
            ("timestamp", XMLText.timestamp(clean(suite.timestamp))),
            ("tests", String(suite.tests)),
            ("failures", String(suite.failures)),
            ("errors", String(suite.errors)),
            ("skipped", String(suite.skipped)),
            ("time", XMLText.seconds(suite.time)),
        ]
        line(1, "<testsuite\(XMLText.attributes(attributes))>")
        if suite.properties.isEmpty {
            line(2, "<properties/>")
        } else {
            line(2, "<properties>")
            for property in suite.properties {
                let name = nonBlank(clean(property.name), or: "(unnamed)")
                line(3, "<property\(XMLText.attributes([("name", name), ("value", clean(property.value))]))/>")
            }
            line(2, "</properties>")
        }
        for testCase in suite.cases {
            self.testCase(testCase)
        }
        line(2, "<system-out>\(XMLText.escape(clean(suite.systemOut), inAttribute: false))</system-out>")
        line(2, "<system-err>\(XMLText.escape(clean(suite.systemErr), inAttribute: false))</system-err>")
        line(1, "</testsuite>")
    }

    mutating func testCase(_ testCase: JUnitCase) {
        let classname = clean(testCase.classname)
        var name = clean(testCase.name)
        if caseKeys.contains(classname + "\u{0}" + name) {
            var counter = 2
            while caseKeys.contains(classname + "\u{0}" + name + " (\(counter))") { counter += 1 }
            name += " (\(counter))"
        }
        caseKeys.insert(classname + "\u{0}" + name)
        let open =
            "<testcase"
            + XMLText.attributes([("name", name), ("classname", classname), ("time", XMLText.seconds(testCase.time))])
        switch testCase.outcome {
        case .passed:
            line(2, open + "/>")
        case .failed(let type, let message, let text):
            line(2, open + ">")
            result("failure", type: type, message: message, text: text)
            line(2, "</testcase>")
        case .error(let type, let message, let text):
            line(2, open + ">")
            result("error", type: type, message: message, text: text)
            line(2, "</testcase>")
        case .skipped(let message):
            line(2, open + ">")
            line(3, "<skipped\(XMLText.attributes([("message", XMLText.cut(clean(message)))]))/>")
            line(2, "</testcase>")
        }
    }

    mutating func result(_ element: String, type: String, message: String, text: String) {
        let open =
            "<\(element)" + XMLText.attributes([("type", clean(type)), ("message", XMLText.cut(clean(message)))])
        let body = clean(text)
        line(3, body.isEmpty ? open + "/>" : open + ">" + XMLText.escape(body, inAttribute: false) + "</\(element)>")
    }

    /// The caller's text with secrets redacted (not yet escaped).
    func clean(_ text: String) -> String { redactor.redact(text) }

    /// `text`, or `fallback` when `text` is only XML white space (the schemas need a non-empty token).
    func nonBlank(_ text: String, or fallback: String) -> String {
        text.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } ? fallback : text
    }
}

/// Escaping and number formatting for JUnit XML.
enum XMLText {
    /// ` name="value"` pairs, values escaped for attributes.
    static func attributes(_ pairs: [(String, String)]) -> String {
        var text = ""
        for (name, value) in pairs {
            text += " \(name)=\"\(escape(value, inAttribute: true))\""
        }
        return text
    }

    /// Escapes markup characters, replaces characters XML 1.0 forbids with `\uXXXX`, and keeps carriage
    /// returns (and in attributes tabs and line feeds) as character references.
    static func escape(_ text: String, inAttribute: Bool) -> String {
        var text = text
        // On the UTF-8 bytes, copied in one buffer: a report can hold megabytes of failure text.
        let escaped = text.withUTF8 { bytes -> [UInt8]? in
            let needsWork = bytes.contains { byte in
                byte < 0x20 || byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27
                    || byte == 0xEF  // the lead byte of U+FFFE and U+FFFF (and of other characters, which pass)
            }
            guard needsWork else { return nil }
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + 16)
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                i += 1
                switch byte {
                case 0x26: output += "&amp;".utf8
                case 0x3C: output += "&lt;".utf8
                case 0x3E: output += "&gt;".utf8
                case 0x22: output += "&quot;".utf8
                case 0x27: output += "&apos;".utf8
                case 0x0D: output += "&#13;".utf8
                case 0x09 where inAttribute: output += "&#9;".utf8
                case 0x0A where inAttribute: output += "&#10;".utf8
                case 0x09, 0x0A: output.append(byte)
                case 0x00..<0x20: output += visible(UInt32(byte)).utf8
                case 0xEF where i + 1 < bytes.count && bytes[i] == 0xBF && bytes[i + 1] >= 0xBE:
                    // U+FFFE (EF BF BE) and U+FFFF (EF BF BF).
                    output += visible(0xFFC0 | UInt32(bytes[i + 1] & 0x3F)).utf8
                    i += 2
                default: output.append(byte)
                }
            }
            return output
        }
        return escaped.map { String(decoding: $0, as: UTF8.self) } ?? text
    }

    /// `\uXXXX` with four upper-case hex digits.
    static func visible(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The message cut to ``JUnitWriter/messageLimit`` characters, the last being `…`.
    static func cut(_ message: String) -> String {
        guard message.count > JUnitWriter.messageLimit else { return message }
        return String(message.prefix(JUnitWriter.messageLimit - 1)) + "…"
    }

    /// Seconds as a plain decimal with 3 decimals (`0.012`); negative and non-finite values give `0.000`,
    /// values above 10¹² seconds are written as 10¹².
    static func seconds(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return "0.000" }
        let milliseconds = Int((min(value, 1e12) * 1000).rounded())
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// The first 19 characters when they form a valid `YYYY-MM-DDTHH:MM:SS` (year 0001 to 9999), else
    /// `1970-01-01T00:00:00`.
    static func timestamp(_ text: String) -> String {
        let fallback = "1970-01-01T00:00:00"
        let bytes = Array(text.utf8.prefix(19))
        guard bytes.count == 19 else { return fallback }
        let shape = Array("dddd-dd-ddTdd:dd:dd".utf8)
        for (byte, expected) in zip(bytes, shape) {
            let matches = expected == UInt8(ascii: "d") ? (0x30...0x39).contains(byte) : byte == expected
            guard matches else { return fallback }
        }
        func number(_ range: Range<Int>) -> Int { bytes[range].reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        let year = number(0..<4)
        let month = number(5..<7)
        let day = number(8..<10)
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard year >= 1, (1...12).contains(month), (1...monthDays[month - 1]).contains(day),
            number(11..<13) < 24, number(14..<16) < 60, number(17..<19) < 60
        else { return fallback }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Writes bytes to a path through a temporary file and `rename(2)`.
enum AtomicFile {
    /// A step of ``write(_:to:failingAt:)``; tests make one fail to check the clean-up.
    enum Step: CaseIterable, Sendable {
        case createTemporaryFile, writeBytes, sync, close, replace
    }

    /// Writes `bytes` to `path` atomically; `failingAt` simulates an `EIO` at that step (tests only).
    static func write(_ bytes: [UInt8], to path: String, failingAt failure: Step? = nil) throws {
        guard !path.isEmpty, path.last != "/" else { throw JUnitWriteError.invalidPath(path) }
        let (directory, name) = split(path)
        try makeDirectories(directory)
        let temporary = directory + "/" + temporaryName(for: name)
        func fail(_ step: Step) -> Int32? {
            if step == failure { return EIO }
            return nil
        }

        var descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(0o644))
        if let code = fail(.createTemporaryFile) {
            if descriptor >= 0 {
                _ = close(descriptor)
                _ = unlink(temporary)
            }
            throw JUnitWriteError.cannotCreateTemporaryFile(path, code: code)
        }
        guard descriptor >= 0 else { throw JUnitWriteError.cannotCreateTemporaryFile(path, code: errno) }
        defer {
            if descriptor >= 0 {
                _ = close(descriptor)
                _ = unlink(temporary)
            }
        }

        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                systemWrite(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if let code = fail(.writeBytes) { throw JUnitWriteError.cannotWrite(path, code: code) }
            if count < 0 {
                if errno == EINTR { continue }
                throw JUnitWriteError.cannotWrite(path, code: errno)
            }
            written += count
        }
        if let code = fail(.sync) { throw JUnitWriteError.cannotWrite(path, code: code) }
        guard fsync(descriptor) == 0 else { throw JUnitWriteError.cannotWrite(path, code: errno) }
        let closed = close(descriptor)
        let closeError = errno
        descriptor = -1
        if let code = fail(.close) ?? (closed == 0 ? nil : closeError) {
            _ = unlink(temporary)
            throw JUnitWriteError.cannotWrite(path, code: code)
        }
        if let code = fail(.replace) ?? (rename(temporary, path) == 0 ? nil : errno) {
            _ = unlink(temporary)
            throw JUnitWriteError.cannotReplace(path, code: code)
        }
        syncDirectory(directory)
    }

    /// The directory (without a trailing `/`, `/` for the root, `.` when none is named) and the file name.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let name = String(path[path.index(after: slash)...])
        var directory = String(path[..<slash])
        while directory.last == "/" { directory.removeLast() }
        return (directory.isEmpty ? "/" : directory, name)
    }

    /// `.<name>.tmp-<pid>-<random>`, with the name part kept short enough for a 255-byte file name.
    static func temporaryName(for name: String) -> String {
        var kept = ""
        for character in name where kept.utf8.count + String(character).utf8.count <= 200 {
            kept.append(character)
        }
        let random = String(UInt64.random(in: .min ... .max), radix: 16)
        return ".\(kept).tmp-\(getpid())-\(random)"
    }

    /// Creates `directory` and its missing parents, like `mkdir -p` (mode 0777 minus the umask).
    static func makeDirectories(_ directory: String) throws {
        var status = stat()
        if stat(directory, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw JUnitWriteError.cannotCreateDirectory(directory, code: ENOTDIR)
            }
            return
        }
        guard errno == ENOENT else { throw JUnitWriteError.cannotCreateDirectory(directory, code: errno) }
        let (parent, _) = split(directory)
        if parent != directory { try makeDirectories(parent) }
        if mkdir(directory, mode_t(0o777)) != 0 {
            let code = errno
            // Another process may have created it in the meantime.
            guard code == EEXIST, stat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
                throw JUnitWriteError.cannotCreateDirectory(directory, code: code)
            }
        }
    }

    /// Flushes the directory entry of the renamed file; a failure here loses nothing already visible.
    static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }
}

/// `write(2)`, out of reach of `AtomicFile.write`'s name.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
