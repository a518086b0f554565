#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lists regular files under a directory, recursively, in a stable order (by name), skipping
/// hidden entries and not following symbolic links to directories (no loops).
enum DirectoryWalk {
    static func files(under root: String) -> [String] {
        var result: [String] = []
        var pending = [root]
        var visited = 0
        while let directory = pending.popLast() {
            visited += 1
            if visited > 100_000 { break }
            guard let handle = opendir(directory) else { continue }
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name.hasPrefix(".") { continue }
                names.append(name)
            }
            closedir(handle)
            var subdirectories: [String] = []
            for name in names.sorted() {
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: subdirectories.append(path)
                case S_IFREG: result.append(path)
                default: continue
                }
            }
            pending.append(contentsOf: subdirectories.reversed())
        }
        return result.sorted()
    }
}
