// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for rationale's readers of untrusted text (make fuzz; see docs/FUZZING.md).
// A package of its own so that its sanitizer build never mixes with the main package's .build.
// Each target is one file exposing LLVMFuzzerTestOneInput; libFuzzer supplies main. The work per
// input lives in the modules' `@_spi(Fuzzing) FuzzEntryPoints`, which the unit tests replay too.

let lineage = Target.Dependency.product(name: "Lineage", package: "rationale")
let sessions = Target.Dependency.product(name: "Sessions", package: "rationale")

let package = Package(
    name: "rationale-fuzz",
    dependencies: [.package(name: "rationale", path: "..")],
    targets: [
        .executableTarget(name: "fuzz-template", dependencies: [lineage], path: "Targets/template"),
        .executableTarget(name: "fuzz-yaml", dependencies: [lineage], path: "Targets/yaml"),
        .executableTarget(name: "fuzz-manifest", dependencies: [lineage], path: "Targets/manifest"),
        .executableTarget(name: "fuzz-cache", dependencies: [lineage], path: "Targets/cache"),
        .executableTarget(name: "fuzz-markdown", dependencies: [sessions], path: "Targets/markdown"),
        .executableTarget(name: "fuzz-gtd", dependencies: [sessions], path: "Targets/gtd"),
    ],
    swiftLanguageModes: [.v6]
)
