// swift-tools-version:6.1
import PackageDescription

// MARK: - Shared settings

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Waybill",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "waybill", targets: ["WaybillCLI"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Ingestion", targets: ["Ingestion"]),
        .library(name: "Export", targets: ["Export"]),
        .library(name: "Simulation", targets: ["Simulation"]),
        .library(name: "Mining", targets: ["Mining"]),
        .library(name: "Conformance", targets: ["Conformance"]),
        .library(name: "Learning", targets: ["Learning"]),
        .library(name: "Configuration", targets: ["Configuration"]),
        .library(name: "Features", targets: ["Features"]),
        .library(name: "SLARisk", targets: ["SLARisk"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: - System libraries (Debian packages; pkg-config names)

        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLAPACKE", pkgConfig: "lapacke", providers: [.apt(["liblapacke-dev"])]),

        // MARK: - Implementation details

        // The CSV record scanner's vector loop (see Sources/CByteScan/scan.c for why it is C).
        .target(name: "CByteScan"),
        // BLAKE3, the content hash of imported files (see Sources/CBlake3/blake3.c for why it is C).
        .target(name: "CBlake3"),
        // `sync_file_range` and `cachestat`, which Swift cannot call through Glibc (see Sources/CFileSync).
        .target(name: "CFileSync"),

        .target(
            name: "_WaybillSupport",
            dependencies: ["CZlib", "CBlake3", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),

        // MARK: - Pipeline stages (public API)

        .target(name: "Storage", dependencies: ["CSQLite", "CFileSync", "_WaybillSupport"], swiftSettings: swiftSettings),
        .target(
            name: "Ingestion",
            dependencies: ["Storage", "_WaybillSupport", "CByteScan", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),
        .target(name: "Export", dependencies: ["Storage", "_WaybillSupport"], swiftSettings: swiftSettings),
        .target(name: "Simulation", dependencies: ["Storage", "_WaybillSupport"], swiftSettings: swiftSettings),
        .target(name: "Mining", dependencies: ["Storage", "_WaybillSupport"], swiftSettings: swiftSettings),
        .target(
            name: "Conformance",
            dependencies: ["Storage", "Ingestion", "Mining", "_WaybillSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .target(
            name: "Features", dependencies: ["Storage", "Mining", "Learning", "_WaybillSupport"],
            swiftSettings: swiftSettings),
        .target(
            name: "SLARisk", dependencies: ["Features", "Learning", "Mining", "Storage", "_WaybillSupport"],
            swiftSettings: swiftSettings),
        .target(
            name: "Configuration", dependencies: ["Mining", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),
        .target(
            name: "Learning", dependencies: ["CBLAS", "CLAPACKE", "_WaybillSupport"], swiftSettings: swiftSettings),

        // MARK: - The command-line tool

        .executableTarget(
            name: "WaybillCLI",
            dependencies: [
                "Storage", "Ingestion", "Export", "Simulation", "Mining", "Conformance", "Learning", "Features", "SLARisk", "Configuration", "_WaybillSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),

        // MARK: - Unit test bundles

        .target(
            name: "_TestSupport", dependencies: ["Storage", "Ingestion", "Simulation", "_WaybillSupport"],
            path: "Tests/_TestSupport"),
        .testTarget(name: "SupportTests", dependencies: ["_WaybillSupport", "_TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "_TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "IngestionTests", dependencies: ["Ingestion", "Export", "Storage", "_TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SimulationTests",
            dependencies: ["Simulation", "Ingestion", "Storage", "_TestSupport", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "MiningTests", dependencies: ["Mining", "Storage", "Ingestion", "Simulation", "_TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ConformanceTests", dependencies: ["Conformance", "Mining", "Storage", "Ingestion", "_TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "LearningTests", dependencies: ["Learning", "_TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ConfigurationTests", dependencies: ["Configuration", "Mining", "SLARisk"], swiftSettings: swiftSettings),
        .testTarget(
            name: "FeaturesTests", dependencies: ["Features", "Learning", "Mining", "Storage", "Simulation", "Ingestion", "_TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SLARiskTests", dependencies: ["SLARisk", "Features", "Learning", "Mining", "Storage", "_TestSupport", "_WaybillSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "CLITests", dependencies: ["_TestSupport"], swiftSettings: swiftSettings),
    ]
)
