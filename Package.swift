// swift-tools-version:6.0
import PackageDescription

/// Strict settings for our own targets: Swift 6 language mode everywhere.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .unsafeFlags(["-warnings-as-errors"]),
]

let package = Package(
    name: "fiscal-archive",
    // Mutex (Synchronization) needs macOS 15.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fiscal-archive", targets: ["fiscal-archive"]),
        // For the separate benchmark packages under Benchmarks/, which can only depend on products.
        .library(name: "Reports", targets: ["FiscalCore", "Archive", "SQLiteArchive", "Reports"]),
        .library(name: "ReceiptParser", targets: ["ReceiptParser"]),
        .library(name: "FiscalArchiveKit", targets: [
            "FiscalCore", "PaySysClient", "ReceiptParser", "ReceiptFetcher", "Archive", "SQLiteArchive", "Sync",
            "Sandbox",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Already a dependency of Hummingbird; declared because our targets import HTTPTypes themselves.
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.4.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CSystemZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CISAL", providers: [.apt(["libisal-dev"])]),
        .target(name: "FiscalCore", swiftSettings: strict),
        .target(name: "PaySysClient", dependencies: [
            "FiscalCore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
        ], swiftSettings: strict),
        .target(name: "ReceiptParser", dependencies: ["FiscalCore", "CLibXML2"], swiftSettings: strict),
        .target(name: "ReceiptFetcher", dependencies: [
            "FiscalCore", "ReceiptParser",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: strict),
        // The storage seam: the ArchiveStore protocol and its backend-neutral models (no database driver here).
        .target(name: "Archive", dependencies: [
            "FiscalCore", "CSystemZlib",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        // The embedded backend: one SQLite file through GRDB.
        .target(name: "SQLiteArchive", dependencies: [
            "Archive", "FiscalCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "PostgresArchive", dependencies: [
            "FiscalCore", "Archive",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "Operations", dependencies: [
            "FiscalCore", "PaySysClient", "Archive", "Sync",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "Reports", dependencies: [
            "FiscalCore", "Archive", "Spreadsheet",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        .target(name: "Spreadsheet", dependencies: [
            "CLibXML2", "CSystemZlib", "CISAL",
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ], swiftSettings: strict),
        .target(name: "Sync", dependencies: [
            "FiscalCore", "PaySysClient", "ReceiptFetcher", "ReceiptParser", "Archive", "Spreadsheet",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "CoreMetrics", package: "swift-metrics"),
        ], swiftSettings: strict),
        .target(name: "Scheduler", dependencies: [
            "FiscalCore", "Sync", "Reports", "Archive",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .target(name: "Sandbox", dependencies: [
            "FiscalCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: strict),
        .target(name: "WebUI", dependencies: [
            "FiscalCore", "Archive",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .executableTarget(name: "fiscal-archive", dependencies: [
            "FiscalCore", "PaySysClient", "ReceiptParser", "ReceiptFetcher", "Archive", "SQLiteArchive",
            "PostgresArchive", "Reports", "Sync", "Scheduler", "Sandbox", "WebUI", "Operations", "Spreadsheet",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], swiftSettings: strict),

        // What the tests of every archive user share: the backends to run against, trip fixtures, tampering.
        .target(name: "ArchiveTestSupport", dependencies: [
            "Archive", "SQLiteArchive", "PostgresArchive", "FiscalCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/ArchiveTestSupport", swiftSettings: strict),

        .testTarget(name: "FiscalCoreTests", dependencies: ["FiscalCore"], swiftSettings: strict),
        .testTarget(name: "PaySysClientTests", dependencies: [
            "PaySysClient", "Sandbox", "FiscalCore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .testTarget(name: "ReceiptParserTests", dependencies: ["ReceiptParser", "Sandbox", "FiscalCore"],
                    resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Archive", "SQLiteArchive", "ArchiveTestSupport", "FiscalCore", "Spreadsheet"], exclude: ["Golden"],
                    swiftSettings: strict),
        .testTarget(name: "ArchiveTests", dependencies: ["Archive", "SQLiteArchive", "ArchiveTestSupport", "FiscalCore",
            .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        .testTarget(name: "PostgresArchiveTests", dependencies: [
            "PostgresArchive", "SQLiteArchive", "Archive", "FiscalCore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .testTarget(name: "WebUITests", dependencies: [
            "WebUI", "Archive", "SQLiteArchive", "ArchiveTestSupport", "FiscalCore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .testTarget(name: "SpreadsheetTests", dependencies: ["Spreadsheet"], resources: [.copy("Fixtures")],
                    swiftSettings: strict),
        .testTarget(name: "SandboxTests", dependencies: [
            "Sandbox", "FiscalCore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: strict),
        .testTarget(name: "SyncTests", dependencies: [
            "Sync", "Spreadsheet", "Scheduler", "PaySysClient", "ReceiptFetcher", "ReceiptParser", "Archive", "SQLiteArchive",
            "ArchiveTestSupport", "FiscalCore",
            "Sandbox",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: strict),
        .testTarget(name: "IntegrationTests", dependencies: [
            "FiscalCore", "PaySysClient", "ReceiptFetcher", "Archive", "SQLiteArchive", "PostgresArchive", "ArchiveTestSupport",
            "Reports", "Sync", "Sandbox", "Operations",
            "WebUI",
            // The command-line tests run the built executable; the unit tests of its output import it.
            "fiscal-archive",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
    ]
)
