import ArgumentParser
import Conformance
import ContractCore
import LiveRunner
import MockServer
import Recordings
import Reports
import SpecLoader
import YAMLReader

struct Live: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Drive a crew (inputs → kickoff → poll status → done), check every response and the workflow.",
        discussion: """
            Without --base-url, conform starts the bundled reference crew on a free loopback port and \
            tests that. The token comes from an environment variable (--token-env) or a file \
            (--token-file), never from the command line, and is redacted everywhere. Exit 0 when the \
            crew honours its contract, 1 when violations were found, 64 for bad options, 65 for a \
            malformed spec or input file, 66 when an input is missing, 69 when the crew cannot be reached.
            """)

    @Option(help: "The crew's base URL (default: start the bundled reference crew).")
    var baseURL: String?

    @Option(help: "The spec (default: the bundled specs/crewai-amp.yaml). Repeat for several Mintlify pages.")
    var spec: [String] = []

    @Option(help: "Name of the environment variable that holds the bearer token.")
    var tokenEnv: String?

    @Option(help: "File that holds the bearer token.")
    var tokenFile: String?

    @Option(help: "The kickoff's inputs: a JSON or YAML file holding an object (default: a placeholder per input).")
    var inputs: String?

    @Option(help: "Executions to run.")
    var kickoffs = 1

    @Option(help: "Executions at once.")
    var concurrency = 1

    @Option(help: "Seconds between status polls at first (backoff grows it to 4×).")
    var pollInterval = 0.25

    @Option(help: "Seconds an execution may take.")
    var timeout = 60.0

    @Option(help: "Seconds to wait for an answer's bytes.")
    var readTimeout = 10.0

    @Option(help: "Seconds to wait for a connection (a refused connection fails after at most this long).")
    var connectTimeout = 3.0

    @Option(
        help:
            "Times one request is sent again after 429 or 503, as Retry-After says (at most 60 s a wait, --timeout in all)."
    )
    var retries = 3

    @Option(help: "The largest response body read, in bytes; longer bodies are cut and reported (default 8 MiB).")
    var maxBodyBytes = 8 << 20

    @Option(help: "A JSON or YAML file with the POST /resume body (execution_id is filled in when absent).")
    var resume: String?

    @Option(
        help:
            "Probes to run, comma separated: no-token, wrong-token, unknown-id, missing-inputs, or none (default: all)."
    )
    var probes: String?

    @Option(help: "Write every exchange to this JSON Lines cassette (token redacted).")
    var record: String?

    @Option(help: "Where to write the JUnit XML report.")
    var junit = "reports/live.xml"

    @Option(help: "Output format: text or json.")
    var format: OutputFormatOption = .text

    @Flag(help: "Undocumented properties are errors, and every documented property is required.")
    var strict = false

    @Option(help: "Only with the bundled reference crew: contract breaks to inject (see conform mock --list-drifts).")
    var drift: String?

    @Option(help: "Only with the bundled reference crew: seconds each task takes.")
    var taskSeconds = 0.2

    @OptionGroup(title: "Limits")
    var specLimits: SpecLimitOptions

    @OptionGroup(title: "Limits")
    var findingLimits: FindingLimitOptions

    func validate() throws {
        if tokenEnv != nil && tokenFile != nil { throw ValidationError("give --token-env or --token-file, not both") }
        if kickoffs < 1 { throw ValidationError("--kickoffs must be at least 1") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if retries < 0 { throw ValidationError("--retries must be 0 or more") }
        if maxBodyBytes < 1 { throw ValidationError("--max-body-bytes must be at least 1") }
        if pollInterval <= 0 || timeout <= 0 || readTimeout <= 0 || connectTimeout <= 0 {
            throw ValidationError("--poll-interval, --timeout, --read-timeout and --connect-timeout must be positive")
        }
        if baseURL != nil && drift != nil {
            throw ValidationError("--drift applies to the bundled reference crew only (no --base-url)")
        }
        if let baseURL, !(baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://")) {
            throw ValidationError("--base-url must start with http:// or https://")
        }
        if let drift { _ = try Self.drifts(drift) }
        if let probes { _ = try Self.probeSet(probes) }
    }

    static func drifts(_ list: String) throws -> Set<Drift> {
        do { return try Drift.parse(list) } catch { throw ValidationError(error.description) }
    }

    static func probeSet(_ list: String) throws -> Set<Probe> {
        if list == "none" { return [] }
        var set: Set<Probe> = []
        for name in list.split(separator: ",") {
            guard let probe = Probe(rawValue: String(name)) else {
                throw ValidationError(
                    "unknown probe \"\(name)\" (known: \(Probe.allCases.map(\.rawValue).joined(separator: ", ")), none)"
                )
            }
            set.insert(probe)
        }
        return set
    }

    func run() async throws {
        let started = MonotonicClock.now
        let compiled = try SpecOption.load(spec, limits: specLimits.yaml)
        var token = try TokenSource.read(environment: tokenEnv, file: tokenFile)
        let inputsJSON = try inputs.map { try JSONInputFile.objectText($0, what: "--inputs") }
        let resumeJSON = try resume.map { try JSONInputFile.objectText($0, what: "--resume") }
        var crew: ReferenceCrew?
        var target = baseURL ?? ""
        if baseURL == nil {
            let generated = token ?? TokenSource.generate()
            token = generated
            do {
                crew = try await ReferenceCrew.start(
                    configuration: CrewConfiguration(
                        token: generated, taskSeconds: taskSeconds, drifts: try drift.map(Self.drifts) ?? [],
                        slowDelay: readTimeout + 1))
            } catch {
                Console.err("\(error)")
                throw Exit.unreachable
            }
            target = crew?.url ?? ""
            Console.err("conform: testing the bundled reference crew at \(target)")
        } else if token == nil {
            Console.err("conform: no token given (--token-env or --token-file): requests carry no Authorization header")
        }
        var redactor = Redactor()
        if let token { redactor.add(token) }
        let recorder = try record.map { try CassetteRecorder(path: $0, redactor: redactor) }
        let transport = AsyncHTTPTransport(
            connectTimeout: connectTimeout, readTimeout: readTimeout, maxBodyBytes: maxBodyBytes)
        let options = LiveOptions(
            baseURL: target, token: token, inputsJSON: inputsJSON, kickoffs: kickoffs, concurrency: concurrency,
            pollInterval: pollInterval, timeout: timeout, resumeJSON: resumeJSON,
            probes: try probes.map(Self.probeSet) ?? Set(Probe.allCases), isStrict: strict, retries: retries)
        var record: (@Sendable (HTTPExchange) async -> Void)?
        if let recorder {
            record = { exchange in await recorder.write(exchange) }
        }
        let runner = LiveRunner(
            options: options,
            checker: ExchangeChecker(compiled: compiled, options: findingLimits.checkOptions(isStrict: strict)),
            transport: transport, recorder: record)
        let interrupts = Interrupts.install()
        let runTask = Task { await runner.run() }
        interrupts.onSignal { runTask.cancel() }
        let result = await runTask.value
        await transport.shutdown()
        await recorder?.close()
        await crew?.stop()

        var report = ContractReport(compiled: compiled, format: format.value, isStrict: strict)
        report.redactor = redactor
        report.builder = findingLimits.reportBuilder
        for item in result.exchanges { report.record(item.exchange, item.outcome) }
        for step in result.steps { report.record(step) }
        if interrupts.signal != nil { report.recordInterrupted(by: interrupts.signalName) }
        report.printSummary()
        let suite = report.suite(
            name: "live \(compiled.spec.title)", elapsed: MonotonicClock.now - started,
            properties: [
                ("spec", compiled.spec.files.joined(separator: " ")),
                ("base-url", baseURL ?? "bundled reference crew"), ("kickoffs", String(kickoffs)),
                ("concurrency", String(concurrency)), ("strict", String(strict)),
            ])
        do {
            try JUnitWriter.write(JUnitReport(suites: [suite]), to: junit, redacting: report.redactor)
        } catch {
            Console.err("\(error)")
            throw Exit.malformed
        }
        if interrupts.signal != nil { throw ExitCode(interrupts.exitCode) }
        if result.isUnreachable { throw Exit.unreachable }
        if result.hasViolations || result.hasErrors { throw Exit.violations }
    }
}

extension ContractReport {
    /// A workflow, probe or transport step: its own test case.
    mutating func record(_ step: LiveStep) {
        let key = ReportBuilder.Key(classname: step.group, name: step.name)
        builder.expect(key)
        builder.addTime(step.time, to: key)
        if let reason = step.skipped { builder.addSkip(to: key, reason: reason) }
        for finding in step.findings {
            builder.add(finding, to: key)
            emit(finding)
        }
        if let error = step.error {
            builder.addError(to: key, type: error.check.rawValue, message: error.message)
            emit(error)
        }
    }
}

/// Reads the token from an environment variable or a file, never from argv.
enum TokenSource {
    static func read(environment: String?, file: String?) throws -> String? {
        if let environment {
            guard let value = getenvString(environment), !value.isEmpty else {
                Console.err("error: the environment variable \(environment) is not set or empty")
                throw Exit.usage
            }
            return value.trimmedLine
        }
        if let file {
            do {
                let bytes = try FileBytes.read(file, limit: 64 << 10)
                let value = String(decoding: bytes, as: UTF8.self).trimmedLine
                guard !value.isEmpty else {
                    Console.err("\(file): error: the token file is empty")
                    throw Exit.usage
                }
                return value
            } catch let error as FileBytes.ReadError {
                Console.err(error.description)
                throw error == .missing(path: file) ? Exit.missing : Exit.malformed
            }
        }
        return nil
    }

    /// A random token for the bundled reference crew.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return "conform-" + (0..<4).map { _ in String(generator.next() as UInt64, radix: 36) }.joined()
    }
}

/// Reads a JSON or YAML file holding an object, as compact JSON text.
enum JSONInputFile {
    static func objectText(_ path: String, what: String) throws -> String {
        do {
            let node = try YAMLReader.read(path: path)
            guard node.entries != nil else {
                Console.err("\(node.location): error: \(what) must hold an object")
                throw Exit.malformed
            }
            return node.jsonText
        } catch let error as FileBytes.ReadError {
            Console.err(error.description)
            throw error == .missing(path: path) ? Exit.missing : Exit.malformed
        } catch let error as YAMLError {
            Console.err(error.description)
            throw Exit.malformed
        }
    }
}

extension String {
    fileprivate var trimmedLine: String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == "\r" || last == " " || last == "\t" { text.removeLast() }
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        return String(text)
    }
}
