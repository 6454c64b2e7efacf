import Foundation

/// The fuzz targets' committed inputs under `Fuzz/`, for the test suites that replay them.
public enum FuzzInputs {
    /// The package's `Fuzz/` folder.
    public static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// Every file of `Fuzz/<kind>/<target>/` (`kind` is `corpus` or `regressions`), sorted by
    /// name; none when the folder does not exist.
    public static func files(_ target: String, in kind: String) -> [[UInt8]] {
        let target = folder.appendingPathComponent(kind).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? []
        return names.sorted().compactMap { FileManager.default.contents(atPath: target.appendingPathComponent($0).path) }
            .map { [UInt8]($0) }
    }

    /// Whether `Fuzz/Targets/<target>` exists.
    public static func hasTarget(_ target: String) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("Targets/\(target)").path)
    }
}
