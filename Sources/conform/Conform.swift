import ArgumentParser

@main
struct Conform: AsyncParsableCommand {
    // Every command spells out its name: deriving it from the type (String(describing:)) costs
    // milliseconds of protocol-conformance look-ups at start-up.
    static let configuration = CommandConfiguration(
        commandName: "conform",
        abstract: "Checks HTTP traffic against an OpenAPI document.",
        discussion: """
            Exit codes: 0 conforms; 1 violations found; 64 usage; 65 malformed spec or recording; \
            66 input missing; 69 target unreachable; 130/143 stopped by SIGINT/SIGTERM (the report of \
            what finished is still written). For gate: 0 passes, 1 fails.
            """,
        version: "0.1.0",
        subcommands: [Lint.self, Validate.self, Live.self, Mock.self, Gate.self, Merge.self])

    static func main() async {
        // The spec loads on a second thread while the arguments are parsed on this one.
        SpecPreload.start(CommandLine.arguments)
        await main(nil)
    }
}
