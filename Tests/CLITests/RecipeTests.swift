import ContractCore
import Foundation
import Testing
import YAMLReader

/// The CI recipes in README.md, checked as far as this machine allows: each YAML block parses, has the jobs and
/// wiring it promises, and its shell commands run — conform from the build, the deployed crew played by
/// `conform mock`, artifacts shared through one working directory.
@Suite struct RecipeTests {
    static let token = "recipe-secret-token-8841"

    /// The fenced YAML block that follows `<!-- recipe: NAME -->` in README.md.
    static func recipe(_ name: String) throws -> String {
        let readme = try String(
            contentsOf: Runner.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let marker = "<!-- recipe: \(name) -->\n```yaml\n"
        let start = try #require(readme.range(of: marker), "README.md has no recipe \(name)")
        let end = try #require(readme.range(of: "\n```\n", range: start.upperBound..<readme.endIndex))
        return String(readme[start.upperBound..<end.lowerBound]) + "\n"
    }

    static func parse(_ name: String) throws -> DocumentNode {
        try YAMLReader.read(bytes: Array(try recipe(name).utf8), file: "README.md (\(name))")
    }

    @Test(arguments: ["gate-policy", "github-actions", "gitlab-ci"])
    func recipesAreWellFormedYAML(name: String) throws {
        #expect(try Self.parse(name).entries?.isEmpty == false)
    }

    @Test func thePolicyRecipeIsAValidPolicyForTheGate() throws {
        let directory = try Runner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = directory.appendingPathComponent("gate.yaml").path
        try Self.recipe("gate-policy").write(toFile: policy, atomically: true, encoding: .utf8)
        let report = directory.appendingPathComponent("v.xml").path
        _ = try Runner.run(["validate", Runner.fixture("recordings/examples.jsonl"), "--junit", report])
        let outcome = try Runner.run(["gate", report, "--policy", policy])
        #expect(outcome.stderr.isEmpty)
        #expect(outcome.stdout.contains("FAIL required_suites \"live CrewAI*\": no suite matches"))
        #expect(outcome.stdout.contains("PASS required_suites \"validate CrewAI*\": matched"))
    }

    @Test func gitHubActionsRecipeRunsEndToEnd() throws {
        let workflow = try Self.parse("github-actions")
        let jobs = try #require(workflow["jobs"])
        // The wiring the README promises.
        let liveStep = try #require(
            jobs["live"]?["steps"]?.elements?.first { $0["run"]?.string?.contains("conform live") == true })
        #expect(liveStep["env"]?["CREW_TOKEN"]?.string == "${{ secrets.CREW_TOKEN }}")
        #expect(liveStep["run"]?.string?.contains("--token-env CREW_TOKEN") == true)
        #expect(try #require(jobs["offline"]?["strategy"]?["matrix"]?["shard"]?.elements).count >= 2)
        #expect(jobs["gate"]?["needs"]?.elements?.compactMap(\.string) == ["live", "offline"])
        #expect(jobs["deploy"]?["needs"]?.string == "gate")
        #expect(jobs["deploy"]?["if"]?.string?.contains("needs.gate.result == 'success'") == true)

        let crew = try MockCrew(token: Self.token)
        defer { crew.stop() }
        let workspace = try Workspace()
        defer { workspace.remove() }
        var simulation = GitHubSimulation(workflow: workflow, workspace: workspace)
        simulation.context = ["secrets.CREW_TOKEN": Self.token, "vars.CREW_URL": crew.url]

        #expect(try simulation.run(job: "live"))
        let shards = try simulation.runMatrix(job: "offline", key: "shard")
        #expect(shards.allSatisfy { $0 }, "every shard job succeeds")
        #expect(try simulation.run(job: "gate"))
        let summary = try String(contentsOfFile: simulation.stepSummary, encoding: .utf8)
        #expect(summary.hasPrefix("### ✅ conform gate passed"), "\(summary)")
        #expect(summary.contains("validate CrewAI AMP API (conform rendition)"))
        #expect(try simulation.run(job: "deploy"))
        #expect(workspace.exists("deployed.txt"))

        // A recording that breaks the contract: the shards still run, the gate fails, nothing is deployed.
        try workspace.remove("deployed.txt")
        try workspace.copyRecording("platform-shape.jsonl")
        #expect(try simulation.runMatrix(job: "offline", key: "shard").allSatisfy { $0 })
        #expect(try simulation.run(job: "gate") == false)
        #expect(
            try String(contentsOfFile: simulation.stepSummary, encoding: .utf8).contains("### ❌ conform gate failed"))
        #expect(!workspace.exists("deployed.txt"))
        #expect(!simulation.output.contains(Self.token))
        #expect(!(try workspace.text("reports/live.jsonl")).contains(Self.token))
    }

    @Test func gitLabRecipeRunsEndToEnd() throws {
        let pipeline = try Self.parse("gitlab-ci")
        #expect(pipeline["stages"]?.elements?.compactMap(\.string) == ["check", "gate", "deploy"])
        #expect(pipeline["gate"]?["needs"]?.elements?.compactMap(\.string) == ["live", "offline"])
        #expect(pipeline["deploy"]?["needs"]?.elements?.compactMap(\.string) == ["gate"])
        #expect(
            pipeline["live"]?["script"]?.elements?.contains { $0.string?.contains("--token-env CREW_TOKEN") == true }
                == true)

        let crew = try MockCrew(token: Self.token)
        defer { crew.stop() }
        let workspace = try Workspace()
        defer { workspace.remove() }
        var simulation = GitLabSimulation(pipeline: pipeline, workspace: workspace)
        simulation.variables = [
            "CREW_URL": crew.url, "CREW_TOKEN": Self.token, "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main",
        ]

        #expect(try simulation.run(job: "live") == [true])
        #expect(try simulation.run(job: "offline") == [true, true, true])
        #expect(try simulation.run(job: "gate") == [true])
        #expect(try workspace.text("gate-summary.md").hasPrefix("### ✅ conform gate passed"))
        #expect(try simulation.run(job: "deploy") == [true])
        #expect(workspace.exists("deployed.txt"))

        try workspace.remove("deployed.txt")
        try workspace.remove("gate-summary.md")
        try workspace.copyRecording("platform-shape.jsonl")
        #expect(try simulation.run(job: "offline") == [true, true, true], "violations are allowed through to the gate")
        #expect(try simulation.run(job: "gate") == [false])
        #expect(try workspace.text("gate-summary.md").hasPrefix("### ❌ conform gate failed"))
        #expect(try simulation.run(job: "deploy") == [], "deploy needs a gate that passed")
        #expect(!workspace.exists("deployed.txt"))
        #expect(!simulation.output.contains(Self.token))
    }
}

/// A working directory standing in for a CI checkout: passing recordings, the policy recipe, a deploy script.
struct Workspace {
    let directory: URL

    init() throws {
        directory = try Runner.temporaryDirectory()
        let recordings = directory.appendingPathComponent("recordings")
        try FileManager.default.createDirectory(at: recordings, withIntermediateDirectories: true)
        for name in ["examples.jsonl", "chrome.har"] { try copyRecording(name) }
        try RecipeTests.recipe("gate-policy").write(
            to: directory.appendingPathComponent("gate.yaml"), atomically: true, encoding: .utf8)
        let deploy = directory.appendingPathComponent("deploy.sh")
        try "#!/bin/sh\necho deployed > deployed.txt\n".write(to: deploy, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: deploy.path)
    }

    func copyRecording(_ name: String) throws {
        try FileManager.default.copyItem(
            at: URL(fileURLWithPath: Runner.fixture("recordings/" + name)),
            to: directory.appendingPathComponent("recordings/" + name))
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path)
    }

    func text(_ path: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
    }

    func remove(_ path: String) throws {
        try FileManager.default.removeItem(at: directory.appendingPathComponent(path))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Runs a shell script here (bash, stopping at the first failing command, as both CI systems do) with the
    /// built conform first on PATH; returns its exit status and appends its output to `output`.
    func shell(_ script: String, environment: [String: String], output: inout String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-e", "-c", script]
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["CI"] = "true"
        env["PATH"] =
            URL(fileURLWithPath: Runner.binary).deletingLastPathComponent().path + ":"
            + (env["PATH"] ?? "/usr/bin:/bin")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let log = directory.appendingPathComponent(".step-output")
        #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        output += "$ \(script)\n" + (try String(contentsOf: log, encoding: .utf8))
        try FileManager.default.removeItem(at: log)
        return process.terminationStatus
    }
}

/// Runs the `run:` steps of a GitHub Actions workflow's jobs. `uses:` steps (checkout, artifacts) are no-ops because
/// every job shares the workspace; the `Install conform` step is skipped (the build's conform is on PATH).
struct GitHubSimulation {
    let workflow: DocumentNode
    let workspace: Workspace
    /// Values of `${{ … }}` expressions: `secrets.X`, `vars.X`, `matrix.X`, `strategy.job-total`.
    var context: [String: String] = [:]
    /// Everything the steps printed.
    var output = ""
    let stepSummary: String

    init(workflow: DocumentNode, workspace: Workspace) {
        self.workflow = workflow
        self.workspace = workspace
        stepSummary = workspace.directory.appendingPathComponent(".github-step-summary.md").path
    }

    static let knownActions = ["actions/checkout@v4", "actions/upload-artifact@v4", "actions/download-artifact@v4"]

    /// Replaces every `${{ expression }}` with its value from `context`; an unknown expression is an issue.
    func substitute(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${{") {
            result += rest[..<open.lowerBound]
            guard let close = rest.range(of: "}}", range: open.upperBound..<rest.endIndex) else { break }
            let expression = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if let value = context[expression] {
                result += value
            } else {
                Issue.record("the recipe uses ${{ \(expression) }}, which the simulation does not know")
            }
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    /// Runs a job's steps; `true` when every `run:` step exits 0.
    mutating func run(job name: String) throws -> Bool {
        let job = try #require(workflow["jobs"]?[name], "no job \(name)")
        var environment: [String: String] = ["GITHUB_STEP_SUMMARY": stepSummary]
        for entry in (workflow["env"]?.entries ?? []) + (job["env"]?.entries ?? []) {
            environment[entry.key] = substitute(entry.value.string ?? entry.value.jsonText)
        }
        for step in job["steps"]?.elements ?? [] {
            if let action = step["uses"]?.string {
                #expect(Self.knownActions.contains(action), "\(action)")
                continue
            }
            let script = try #require(step["run"]?.string)
            if step["name"]?.string == "Install conform" {
                #expect(script.contains("swift build -c release") && script.contains("GITHUB_PATH"))
                continue
            }
            var stepEnvironment = environment
            for entry in step["env"]?.entries ?? [] {
                stepEnvironment[entry.key] = substitute(entry.value.string ?? entry.value.jsonText)
            }
            let status = try workspace.shell(substitute(script), environment: stepEnvironment, output: &output)
            if status != 0 { return false }
        }
        return true
    }

    /// Runs a matrix job once per value of `matrix.<key>`.
    mutating func runMatrix(job name: String, key: String) throws -> [Bool] {
        let values = try #require(workflow["jobs"]?[name]?["strategy"]?["matrix"]?[key]?.elements)
        var results: [Bool] = []
        for value in values {
            context["matrix.\(key)"] = value.string ?? value.jsonText
            context["strategy.job-total"] = String(values.count)
            results.append(try run(job: name))
        }
        return results
    }
}

/// Runs the `script:` of GitLab CI jobs: `extends` resolved, `before_script` (the install) skipped, `parallel: N`
/// run N times with `CI_NODE_INDEX`/`CI_NODE_TOTAL`, `allow_failure: exit_codes` honoured, `needs` and `rules: if`
/// (equality of two variables) decide whether a job runs.
struct GitLabSimulation {
    let pipeline: DocumentNode
    let workspace: Workspace
    /// CI/CD variables and predefined ones.
    var variables: [String: String] = [:]
    var output = ""
    /// Whether each job that ran succeeded (allowed failures count as success).
    var succeeded: [String: Bool] = [:]

    init(pipeline: DocumentNode, workspace: Workspace) {
        self.pipeline = pipeline
        self.workspace = workspace
    }

    /// The job's keys with its `extends` template's keys underneath.
    func resolved(_ name: String) throws -> [String: DocumentNode] {
        let job = try #require(pipeline[name], "no job \(name)")
        var keys: [String: DocumentNode] = [:]
        if let template = job["extends"]?.string, let entries = pipeline[template]?.entries {
            for entry in entries { keys[entry.key] = entry.value }
        }
        for entry in job.entries ?? [] { keys[entry.key] = entry.value }
        return keys
    }

    /// Runs a job (every parallel instance); `[]` when its `needs` or `rules` keep it from running.
    mutating func run(job name: String) throws -> [Bool] {
        let job = try resolved(name)
        for need in job["needs"]?.elements?.compactMap(\.string) ?? [] where succeeded[need] != true {
            return []
        }
        for rule in job["rules"]?.elements ?? [] {
            let condition = try #require(rule["if"]?.string)
            let sides = condition.components(separatedBy: " == ").map { variables[String($0.dropFirst())] }
            if sides.count != 2 || sides[0] == nil || sides[0] != sides[1] { return [] }
        }
        if let before = job["before_script"]?.elements?.compactMap(\.string) {
            #expect(before.contains { $0.contains("swift build -c release") })
        }
        let lines = job["script"]?.elements?.compactMap { $0.string } ?? []
        #expect(!lines.isEmpty, "job \(name) has a script")
        let script = lines.joined(separator: "\n")
        let allowed = job["allow_failure"]?["exit_codes"]?.elements?.compactMap { Int32($0.jsonText) } ?? []
        let instances = Int(job["parallel"]?.jsonText ?? "1") ?? 1
        var environment = variables
        for entry in (pipeline["variables"]?.entries ?? []) + (job["variables"]?.entries ?? []) {
            environment[entry.key] = entry.value.string ?? entry.value.jsonText
        }
        var results: [Bool] = []
        for index in 1...instances {
            if job["parallel"] != nil {
                environment["CI_NODE_INDEX"] = String(index)
                environment["CI_NODE_TOTAL"] = String(instances)
            }
            let status = try workspace.shell(script, environment: environment, output: &output)
            results.append(status == 0 || allowed.contains(status))
        }
        if let junit = job["artifacts"]?["reports"]?["junit"]?.string, results.allSatisfy({ $0 }) {
            let names = try FileManager.default.contentsOfDirectory(
                atPath: workspace.directory.appendingPathComponent("reports").path)
            #expect(names.contains { fnmatch(junit, "reports/" + $0, 0) == 0 }, "the JUnit artifact \(junit) exists")
        }
        succeeded[name] = results.allSatisfy { $0 }
        return results
    }
}

/// `conform mock` on a free loopback port, standing in for the deployed crew.
final class MockCrew {
    let process = Process()
    let url: String

    init(token: String) throws {
        process.executableURL = URL(fileURLWithPath: Runner.binary)
        process.arguments = ["mock", "--port", "0", "--token", token, "--task-seconds", "0"]
        process.currentDirectoryURL = Runner.repository
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var collected = Data()
        let deadline = Date().addingTimeInterval(20)
        while !String(decoding: collected, as: UTF8.self).contains("\n"), Date() < deadline {
            collected.append(out.fileHandleForReading.availableData)
        }
        let line = String(decoding: collected, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        let prefix = "conform reference crew listening on "
        guard line.hasPrefix(prefix) else {
            process.terminate()
            throw MockStartFailed(line: line)
        }
        url = String(line.dropFirst(prefix.count))
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    struct MockStartFailed: Error {
        var line: String
    }
}
