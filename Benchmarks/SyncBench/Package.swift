// swift-tools-version:6.0
import PackageDescription

// Ingest (parse + compress + archive) and sync-throughput-vs-concurrency benchmark.
// Run it in release mode: `swift run -c release SyncBench` (from this folder).
let package = Package(
    name: "SyncBench",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "fiscal-archive", path: "../.."),
        // The same GRDB as the archive, to seed big archives in bulk SQL.
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "SyncBench",
            dependencies: [
                .product(name: "FiscalArchiveKit", package: "fiscal-archive"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
