// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "conform",
    products: [
        .executable(name: "conform", targets: ["conform"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]),
        // A JSON string scanner that reads 32 bytes at a time on processors with AVX2 (chosen at run time;
        // elsewhere ContractCore's own 16-byte scan runs alone).
        .target(name: "CStringScan"),
        .target(name: "ContractCore", dependencies: ["CStringScan"], swiftSettings: strict),
        .target(name: "YAMLReader", dependencies: ["CLibYAML", "ContractCore"], swiftSettings: strict),
        .target(name: "SpecLoader", dependencies: ["ContractCore", "YAMLReader"], swiftSettings: strict),
        .target(name: "JSONValidation", dependencies: ["ContractCore"], swiftSettings: strict),
        .target(
            name: "Conformance", dependencies: ["ContractCore", "SpecLoader", "JSONValidation"],
            swiftSettings: strict),
        .target(name: "Reports", dependencies: ["ContractCore"], swiftSettings: strict),
        .target(
            name: "Recordings", dependencies: ["ContractCore", "YAMLReader"], swiftSettings: strict),
        .target(
            name: "MockServer",
            dependencies: [
                "ContractCore", "SpecLoader",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .target(
            name: "LiveRunner",
            dependencies: [
                "ContractCore", "SpecLoader", "Conformance", "Recordings",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "conform",
            dependencies: [
                "ContractCore", "YAMLReader", "SpecLoader", "JSONValidation", "Conformance", "Reports", "Recordings",
                "MockServer", "LiveRunner",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Resources/specs")],
            swiftSettings: strict,
            // A release binary links the Swift runtime and Foundation statically (SwiftPM's
            // autolinking names Foundation's own libraries but not the ones they need, in order), as
            // a position-dependent executable: start-up then skips most dynamic linking and the
            // 120 000 relocations of a position-independent one (`conform lint`: about 17 ms instead
            // of 30). CONFORM_PIE=1 keeps it position-independent (address-space randomisation of
            // conform's own code) for about 3 ms more.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-static-stdlib", "-lCoreFoundation", "-l_FoundationCollections", "-l_FoundationCShims",
                        "-l_FoundationICU",
                    ]
                        + (Context.environment["CONFORM_PIE"] == "1" ? [] : ["-Xclang-linker", "-no-pie"]),
                    .when(platforms: [.linux], configuration: .release))
            ]),
        .testTarget(
            name: "YAMLReaderTests", dependencies: ["YAMLReader", "ContractCore"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "SpecLoaderTests", dependencies: ["SpecLoader", "ContractCore"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "ConformanceTests", dependencies: ["Conformance", "SpecLoader", "ContractCore"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "RecordingsTests", dependencies: ["Recordings", "ContractCore"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "LiveRunnerTests",
            dependencies: [
                "LiveRunner", "MockServer", "Conformance", "SpecLoader", "ContractCore", "FaultyNetwork",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .target(name: "FaultyNetwork", path: "Tests/FaultyNetwork", swiftSettings: strict),
        .testTarget(
            name: "CLITests", dependencies: ["conform", "YAMLReader", "ContractCore", "FaultyNetwork", "MockServer"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "JSONValidationTests", dependencies: ["JSONValidation", "ContractCore"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(
            name: "ReportsTests", dependencies: ["Reports", "ContractCore", "YAMLReader"],
            resources: [.copy("Fixtures")], swiftSettings: strict),
    ]
)

// libFuzzer targets (`fuzz/run`), declared only when asked for: they have no `main` of their own and link
// only with `-sanitize=fuzzer`, so a plain `swift build` must not see them.
if Context.environment["CONFORM_FUZZ"] == "1" {
    package.targets += [
        .target(
            name: "FuzzSupport", dependencies: ["ContractCore", "SpecLoader", "Conformance"], path: "Fuzz/FuzzSupport",
            swiftSettings: strict),
        .executableTarget(
            name: "FuzzJSON", dependencies: ["ContractCore", "FuzzSupport"], path: "Fuzz/FuzzJSON",
            swiftSettings: strict),
        .executableTarget(
            name: "FuzzSpec", dependencies: ["Conformance", "ContractCore", "FuzzSupport", "SpecLoader", "YAMLReader"],
            path: "Fuzz/FuzzSpec", swiftSettings: strict),
        .executableTarget(
            name: "FuzzRecordings", dependencies: ["ContractCore", "FuzzSupport", "Recordings"],
            path: "Fuzz/FuzzRecordings", swiftSettings: strict),
        .executableTarget(
            name: "FuzzJUnit", dependencies: ["FuzzSupport", "Reports"], path: "Fuzz/FuzzJUnit", swiftSettings: strict),
    ]
}
