// swift-tools-version:6.0
import PackageDescription

// The benchmark programs that drive fiscal-archive's own code or its release executable (the parser's
// micro-benchmarks, on ordo-one/benchmark, are the package one folder up). One package, so one release build of the
// dependencies serves all of them (`swift build -c release` in this folder):
// - SyncBench:   ingest pages/s, and whole-process sync efficiency, workers and CPU per transaction
//                (`scripts/bench-sync.sh`);
// - ArchiveSeed: writes an archive holding one month of N events through the archive's bulk API
//                (`scripts/bench-reports.sh`);
// - ReportRun:   `report` of one format as the executable runs it, for timing without the whole executable.
// (The earlier in-memory report benchmark is gone: reports are measured from a real archive.)
let package = Package(
    name: "Tools",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "fiscal-archive", path: "../.."),
        // The same GRDB as the archive, to seed big archives in bulk SQL.
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "SyncBench",
            dependencies: [
                .product(name: "FiscalArchiveKit", package: "fiscal-archive"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        .executableTarget(
            name: "ArchiveSeed",
            dependencies: [.product(name: "Reports", package: "fiscal-archive")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
        .executableTarget(
            name: "ReportRun",
            dependencies: [.product(name: "Reports", package: "fiscal-archive")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ]
)
