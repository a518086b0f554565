import Foundation

/// Paths of test fixtures and of the optional `../shared` folder.
enum Fixture {
    static func path(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { return name }
        return url.appendingPathComponent(name).path
    }

    /// The repository's `../shared` folder, when present (absent on a user's fresh clone).
    static let shared: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let shared = root.deletingLastPathComponent().appendingPathComponent("shared").path
        return FileManager.default.fileExists(atPath: shared) ? shared : nil
    }()
}
