import Foundation

/// Validates a report with `xmllint --schema` against both JUnit XSDs shipped with the tests.
enum XMLSchemaCheck {
    static let xsds = ["jenkins-xunit-junit-10.xsd", "windyroad-JUnit.xsd"]

    static var xmllint: String? {
        ["/usr/bin/xmllint", "/usr/local/bin/xmllint", "/opt/homebrew/bin/xmllint"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// `nil` when the file is valid against both XSDs, otherwise xmllint's complaint.
    static func problems(_ path: String) throws -> String? {
        guard let xmllint else { return "xmllint is not installed: apt-get install libxml2-utils" }
        for xsd in xsds {
            let outcome = try Runner.execute(xmllint, ["--noout", "--schema", Runner.fixture("xsd/" + xsd), path])
            if outcome.status != 0 { return "\(xsd): " + outcome.stderr }
        }
        return nil
    }
}
