// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "rationale",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rationale", targets: ["rationale"]),
        // The same commands with the HTTP stack (publish, the gate's API read) and the MCP server
        // (`rationale mcp`): `rationale` execs it from beside itself, so a hook never loads libcurl
        // and its ~40 libraries, nor the MCP SDK.
        .executable(name: "rationale-net", targets: ["rationale-net"]),
        // For the libFuzzer targets in Fuzz/, a package of their own built with sanitizers (make fuzz).
        .library(name: "Lineage", targets: ["Lineage"]),
        .library(name: "Sessions", targets: ["Sessions"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
        // The MCP SDK's logger type, for the server's own bounded stdio transport.
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]
        ),
        .target(name: "GitKit", dependencies: ["CLibgit2", "Diagnostics"]),
        .target(name: "Diagnostics"),
        .target(name: "Lineage", dependencies: ["GitKit", "Yams"]),
        .target(
            name: "Sessions",
            dependencies: [
                "Diagnostics",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        // Proof from data: the plan of checks from dbt's manifests, the program dbt runs, proof.json.
        .target(name: "Proof", dependencies: ["Diagnostics", "Lineage"]),
        // The PR narrative, run results, CI providers and publishing (HTTP through Foundation's URLSession).
        .target(name: "Narrative", dependencies: ["Diagnostics", "Lineage", "Sessions", "Proof"]),
        // URLSession (FoundationNetworking, libcurl on Linux) behind Narrative's HTTPTransport.
        .target(name: "ForgeHTTP", dependencies: ["Narrative"]),
        .target(name: "ContextPack", dependencies: ["Sessions"]),
        // Top-level Templates/ and hooks/ become Swift source at build time (the binary carries them).
        .executableTarget(name: "embed-files"),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["embed-files"]),
        .target(name: "RationaleResources", plugins: ["EmbedFiles"]),
        .target(
            name: "Workflow",
            dependencies: ["GitKit", "Diagnostics", "Lineage", "Sessions", "Narrative", "ContextPack", "Proof", "RationaleResources", "Yams"]
        ),
        .target(
            name: "RationaleCLI",
            dependencies: [
                "Workflow", "GitKit", "Diagnostics", "Lineage", "Sessions", "Narrative", "ContextPack", "Proof", "RationaleResources", "Yams",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "rationale", dependencies: ["RationaleCLI", "Workflow"]),
        // The MCP server's tools, resources and prompts: thin calls into Workflow's entry points.
        .target(
            name: "AgentDoor",
            dependencies: [
                "Workflow", "Sessions", "Lineage", "ContextPack", "Diagnostics", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The network's executable: publish, the gate's API read, and the MCP server (`rationale mcp`).
        .executableTarget(
            name: "rationale-net",
            dependencies: ["RationaleCLI", "Workflow", "ForgeHTTP", "AgentDoor", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .target(name: "_TestSupport", path: "Tests/_TestSupport"),
        .testTarget(name: "GitKitTests", dependencies: ["GitKit", "_TestSupport"]),
        .testTarget(name: "LineageTests", dependencies: ["Lineage", "GitKit", "_TestSupport"]),
        .testTarget(name: "SessionsTests", dependencies: ["Sessions", "Diagnostics", "_TestSupport"]),
        .testTarget(name: "ContextPackTests", dependencies: ["ContextPack", "Sessions", "_TestSupport"]),
        .testTarget(name: "NarrativeTests", dependencies: ["Narrative", "ForgeHTTP", "Diagnostics", "_TestSupport"]),
        .testTarget(name: "ProofTests", dependencies: ["Proof", "Lineage", "Diagnostics", "_TestSupport"]),
        .testTarget(
            name: "RationaleCLITests",
            dependencies: [
                "RationaleCLI", "Workflow", "RationaleResources", "_TestSupport", "Yams",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "RationaleResourcesTests", dependencies: ["RationaleResources"]),
        .testTarget(name: "WorkflowTests", dependencies: ["Workflow", "_TestSupport"]),
        .testTarget(
            name: "AgentDoorTests",
            dependencies: ["AgentDoor", "Workflow", "Sessions", "_TestSupport", .product(name: "MCP", package: "swift-sdk")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
