import Crypto
import FiscalCore
import Foundation

/// The credentials PaySys issues to a vendor. Printing them never shows the secret key.
public struct PaySysCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The vendor's service id (the first part of the `Auth` header).
    public var serviceID: String
    /// The secret key; it only ever enters the SHA-1 of the `Auth` header.
    public var secretKey: String

    /// Creates credentials.
    public init(serviceID: String, secretKey: String) {
        self.serviceID = serviceID
        self.secretKey = secretKey
    }

    /// The `Auth` header value for a timestamp in milliseconds since the epoch:
    /// `<service_id>-<sha1hex(secret_key + timestamp)>-<timestamp>`.
    public func authHeader(timestampMilliseconds: Int64) -> String {
        let timestamp = String(timestampMilliseconds)
        let digest = Insecure.SHA1.hash(data: Array((secretKey + timestamp).utf8))
        let hex = Hex.lowercase(digest)
        return "\(serviceID)-\(hex)-\(timestamp)"
    }

    public var description: String { "PaySysCredentials(serviceID: \(serviceID), secretKey: <redacted>)" }
    public var debugDescription: String { description }
}

extension PaySysClient {
    /// How a ``PaySysClient`` reaches and talks to the gateway.
    public struct Configuration: Sendable {
        /// The unit `payment_info.amount` is in. The vendor document does not say; minor units is the default.
        public enum AmountUnit: String, Sendable, Hashable, CaseIterable {
            /// Minor units (tiyin, cents): `1000` is 10.00.
            case minor
            /// Major units, possibly with decimals: `1000` is 1000.00.
            case major
        }

        /// Retries of read methods (`payment_info`, `get_fiscal_cheque`); money-moving methods are never retried.
        public struct Retry: Sendable, Hashable {
            /// Attempts in total, including the first (1 disables retries).
            public var maxAttempts: Int
            /// The backoff ceiling of the first retry; it doubles each retry up to ``maxBackoff``.
            public var initialBackoff: Duration
            /// The largest backoff ceiling.
            public var maxBackoff: Duration
            /// The longest `Retry-After` the client waits for; a longer one fails the call with `rateLimited` so
            /// the caller can schedule it later.
            public var maxRetryAfter: Duration

            /// Creates a policy; waits use "full jitter": a uniform random time up to the ceiling.
            public init(
                maxAttempts: Int = 4, initialBackoff: Duration = .milliseconds(250), maxBackoff: Duration = .seconds(8),
                maxRetryAfter: Duration = .seconds(30)
            ) {
                self.maxAttempts = max(1, maxAttempts)
                self.initialBackoff = initialBackoff
                self.maxBackoff = maxBackoff
                self.maxRetryAfter = maxRetryAfter
            }

            /// No retries at all.
            public static let none = Retry(maxAttempts: 1)

            /// The backoff ceiling before retry number `retry` (1-based).
            public func ceiling(forRetry retry: Int) -> Duration {
                var ceiling = initialBackoff
                for _ in 1..<max(1, retry) where ceiling < maxBackoff { ceiling *= 2 }
                return min(ceiling, maxBackoff)
            }
        }

        /// The gateway endpoint (`https://paysys.uz/gateway`).
        public var endpoint: String
        /// The vendor's credentials.
        public var credentials: PaySysCredentials
        /// The longest a single attempt may take, answer body included.
        public var requestTimeout: Duration
        /// The largest answer accepted, in bytes (1 MiB by default).
        public var maxResponseBytes: Int
        /// Retries of read methods.
        public var retry: Retry
        /// The unit of `payment_info.amount`.
        public var paymentInfoAmountUnit: AmountUnit

        /// Creates a configuration.
        public init(
            endpoint: String = "https://paysys.uz/gateway", credentials: PaySysCredentials,
            requestTimeout: Duration = .seconds(30), maxResponseBytes: Int = 1 << 20, retry: Retry = Retry(),
            paymentInfoAmountUnit: AmountUnit = .minor
        ) {
            self.endpoint = endpoint
            self.credentials = credentials
            self.requestTimeout = requestTimeout
            self.maxResponseBytes = maxResponseBytes
            self.retry = retry
            self.paymentInfoAmountUnit = paymentInfoAmountUnit
        }
    }
}
