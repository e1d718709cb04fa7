import FiscalCore
import Foundation

/// Everything that shapes a sandbox: credentials, seeded data, rules and faults.
///
/// The defaults are deterministic and fine to print: the sandbox holds no real secret.
public struct SandboxConfiguration: Sendable {
    /// Address to bind; loopback by default.
    public var host: String
    /// Port to bind; `0` picks a free one.
    public var port: Int
    /// The service id clients must sign with.
    public var serviceID: String
    /// The secret key clients must sign with.
    public var secretKey: String
    /// The vendor id `invoice_create` accepts.
    public var vendorID: Int64
    /// The seed of all generated data and of probabilistic faults.
    public var seed: UInt64
    /// The Tashkent month the seeded transactions fall in.
    public var month: YearMonth
    /// How many transactions to seed in ``month``.
    public var transactionCount: Int
    /// How many more to seed in the 72 hours before ``now`` (inside the 7-day cancel window).
    public var recentTransactionCount: Int
    /// How far an `Auth` timestamp may be from ``now`` before `-32320`.
    public var allowedClockSkewSeconds: Int64
    /// The sandbox's clock: the cancel window, stale timestamps, ledger times.
    public var now: @Sendable () -> Date
    /// `host[:port]` put in receipt links; `nil` means the server's own `127.0.0.1:PORT`.
    public var receiptHost: String?
    /// Scheme of receipt links.
    public var receiptScheme: String
    /// The HMAC-SHA256 key of the JSON receipt API (`x-signature`).
    public var receiptAPIKey: String
    /// The merchant's TIN, shown as the commissioner on receipts.
    public var merchantTIN: String
    /// Faults per gateway method.
    public var gatewayFaults: [GatewayMethod: FaultPlan]
    /// Faults of the receipt site.
    public var receiptFaults: ReceiptFaultPlan

    /// Creates a configuration; every parameter has a deterministic default except the month, which defaults to
    /// the Tashkent month before `now()`.
    public init(
        host: String = "127.0.0.1", port: Int = 0, serviceID: String = "sandbox-service",
        secretKey: String = "sandbox-secret-key", vendorID: Int64 = 104466, seed: UInt64 = 20_260_301,
        month: YearMonth? = nil, transactionCount: Int = 300, recentTransactionCount: Int = 12,
        allowedClockSkewSeconds: Int64 = 300, now: @escaping @Sendable () -> Date = { Date() },
        receiptHost: String? = nil, receiptScheme: String = "http", receiptAPIKey: String = "sandbox-receipt-api-key",
        merchantTIN: String = "310995649", gatewayFaults: [GatewayMethod: FaultPlan] = [:],
        receiptFaults: ReceiptFaultPlan = .none
    ) {
        self.host = host
        self.port = port
        self.serviceID = serviceID
        self.secretKey = secretKey
        self.vendorID = vendorID
        self.seed = seed
        self.month = month ?? YearMonth(containing: now()).previous
        self.transactionCount = transactionCount
        self.recentTransactionCount = recentTransactionCount
        self.allowedClockSkewSeconds = allowedClockSkewSeconds
        self.now = now
        self.receiptHost = receiptHost
        self.receiptScheme = receiptScheme
        self.receiptAPIKey = receiptAPIKey
        self.merchantTIN = merchantTIN
        self.gatewayFaults = gatewayFaults
        self.receiptFaults = receiptFaults
    }

    /// The current time as Unix seconds.
    var nowEpochSeconds: Int64 { Int64(now().timeIntervalSince1970.rounded(.down)) }
}
