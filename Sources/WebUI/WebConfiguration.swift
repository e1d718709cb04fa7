import FiscalCore
import Foundation

/// How the auditors' web UI and its JSON API are served.
///
/// The defaults are the safe ones: loopback only, no token (the pages are open to local users and the ingest API is
/// disabled), 64 KiB request bodies, 2 KiB query strings.
public struct WebConfiguration: Sendable {
    /// The two forms of a monthly report.
    public enum ReportFormat: String, Sendable, Hashable, CaseIterable {
        /// The self-contained HTML report.
        case html
        /// The CSV register.
        case csv
    }

    /// Renders the month's report in `format` and returns its bytes.
    ///
    /// It serves `GET /months/…`, so it must leave nothing behind: the executable renders in memory, never into
    /// the reports folder (which `report` and `run` own).
    public typealias ReportRenderer = @Sendable (_ month: YearMonth, _ format: ReportFormat) async throws -> [UInt8]

    /// Renders the process's metrics in the Prometheus text format, for `GET /metrics`.
    public typealias MetricsRenderer = @Sendable () async throws -> [UInt8]

    /// Address to bind (default `127.0.0.1`). Anything but a loopback address needs a ``token``.
    public var host: String
    /// Port to bind (default 8080; 0 picks a free one).
    public var port: Int
    /// The access token (`FISCAL_ARCHIVE_WEB_TOKEN`). When set, every route needs it; the ingest API always does.
    ///
    /// An empty string counts as no token. A configured token must be at least ``minimumTokenLength`` characters.
    public var token: String?
    /// The largest request body accepted, in bytes (default 64 KiB); larger ones get 413.
    public var maxBodyBytes: Int
    /// The longest query string accepted, in bytes (default 2 KiB); longer ones get 414.
    public var maxQueryBytes: Int
    /// Results per page of a search (default 50).
    public var pageSize: Int
    /// The most transactions one ingest request may carry (default 1000).
    public var maxIngestItems: Int
    /// Whether the login cookie is marked `Secure` (set it when the UI is served through an HTTPS proxy).
    public var secureCookie: Bool
    /// Renders monthly reports on demand for `/months/{YYYY-MM}.html|.csv`; `nil` hides those links.
    public var reportRenderer: ReportRenderer?
    /// Serves `GET /metrics` (Prometheus text format); `nil`: no such route.
    public var metricsRenderer: MetricsRenderer?
    /// The clock used for ingest timestamps and the status page (Unix seconds); injectable for tests.
    public var now: @Sendable () -> Int64

    /// The shortest token accepted: guessing must stay hopeless even over the network.
    public static let minimumTokenLength = 16

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        token: String? = nil,
        maxBodyBytes: Int = 64 * 1024,
        maxQueryBytes: Int = 2048,
        pageSize: Int = 50,
        maxIngestItems: Int = 1000,
        secureCookie: Bool = false,
        reportRenderer: ReportRenderer? = nil,
        metricsRenderer: MetricsRenderer? = nil,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.maxBodyBytes = maxBodyBytes
        self.maxQueryBytes = maxQueryBytes
        self.pageSize = pageSize
        self.maxIngestItems = maxIngestItems
        self.secureCookie = secureCookie
        self.reportRenderer = reportRenderer
        self.metricsRenderer = metricsRenderer
        self.now = now
    }

    /// The token in force: `nil` when none is configured or it is empty.
    public var effectiveToken: String? {
        guard let token, !token.isEmpty else { return nil }
        return token
    }

    /// Checks the configuration before anything is bound.
    ///
    /// Refuses a non-loopback host without a token, a token shorter than ``minimumTokenLength``, a port out of
    /// range and non-positive limits.
    public func validate() throws(WebConfigurationError) {
        guard (0...65_535).contains(port) else {
            throw WebConfigurationError(.invalidLimit, "Port \(port) is out of range")
        }
        guard maxBodyBytes > 0, maxQueryBytes > 0, pageSize > 0, maxIngestItems > 0 else {
            throw WebConfigurationError(.invalidLimit, "Body, query, page and ingest limits must be positive")
        }
        if let token = effectiveToken, token.count < Self.minimumTokenLength {
            throw WebConfigurationError(
                .weakToken, "The web token is too short: use at least \(Self.minimumTokenLength) characters")
        }
        if effectiveToken == nil && !Self.isLoopback(host) {
            throw WebConfigurationError(
                .tokenRequired,
                "Refusing to serve on \(host) without an access token: set FISCAL_ARCHIVE_WEB_TOKEN or bind to 127.0.0.1"
            )
        }
    }

    /// Whether `host` only reaches this machine: `localhost`, `127.0.0.0/8` or `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        var name = host.lowercased()
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
                && (Int(part) ?? 256) < 256
        }
    }
}

/// Why the web UI refuses to start.
public struct WebConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem.
    public enum Code: String, Sendable, Hashable {
        /// A non-loopback host without an access token.
        case tokenRequired
        /// A token too short to resist guessing.
        case weakToken
        /// A port or limit out of range.
        case invalidLimit
    }

    /// The kind of problem.
    public var code: Code
    /// A sentence saying what is wrong (never the token itself).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
