import AsyncHTTPClient
import CoreMetrics
import FiscalCore
import Foundation
import Logging
import NIOCore

/// The PaySys vendor gateway client: `payment_info`, `payment_cancel`, `payment_adjustments`, `get_fiscal_cheque`
/// and `invoice_create` over one JSON-RPC-style endpoint.
///
/// Every request carries a fresh UUID `id` that the answer must repeat, and an `Auth` header signed with the
/// secret key (SHA-1 of secret + millisecond timestamp). Read methods are retried with exponential backoff and full
/// jitter, honouring `429 Retry-After`; money-moving methods are sent exactly once — when their outcome is unknown,
/// the thrown ``PaySysError`` says so (``PaySysError/isOutcomeUnknown``).
///
/// The `HTTPClient` is shared and not owned: whoever created it shuts it down.
public final class PaySysClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: Configuration
    let httpClient: HTTPClient
    let logger: Logger
    let now: @Sendable () -> Date

    /// Creates a client.
    /// - Parameters:
    ///   - configuration: endpoint, credentials, limits and retry policy.
    ///   - httpClient: a shared client; this object never shuts it down.
    ///   - logger: where calls are logged (never with the `Auth` header or the key).
    ///   - now: the clock of the `Auth` timestamp; tests inject stale times.
    public init(
        configuration: Configuration, httpClient: HTTPClient, logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.httpClient = httpClient
        self.logger = logger
        self.now = now
    }

    /// A successful answer: the `result` member and the `mx_id` found at top level or inside `result`.
    struct Answer: Sendable {
        var result: ExactJSON
        var mxID: String?
    }

    /// Sends one method call, retrying only when `retryable` and the failure is transient.
    func call(
        _ method: String, params: ExactJSON, transactionID: TransactionID?, retryable: Bool
    ) async throws(PaySysError) -> Answer {
        var logger = self.logger
        logger[metadataKey: "gateway.method"] = "\(method)"
        if let transactionID { logger[metadataKey: "transaction.id"] = "\(transactionID)" }
        let maxAttempts = retryable ? configuration.retry.maxAttempts : 1
        var attempt = 1
        while true {
            let started = ContinuousClock.now
            do throws(PaySysError) {
                let answer = try await attemptCall(method, params: params, transactionID: transactionID, logger: logger)
                Self.record(method: method, since: started, error: nil)
                return answer
            } catch var error {
                Self.record(method: method, since: started, error: error)
                error.attempts = attempt
                guard attempt < maxAttempts, error.isTransient, let delay = retryDelay(for: error, retry: attempt) else {
                    logger.info("Gateway call failed", metadata: ["error": "\(error)"])
                    throw error
                }
                logger.info(
                    "Gateway call failed, retrying",
                    metadata: ["error": "\(error)", "retry.attempt": "\(attempt + 1)", "retry.delay": "\(delay)"])
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw PaySysError(kind: .connection(reason: "cancelled"), method: method, transactionID: transactionID,
                        attempts: attempt)
                }
                attempt += 1
            }
        }
    }

    /// Every attempt's latency (`paysys_request_duration_seconds`) and every failure by kind
    /// (`paysys_errors_total`), per method, through swift-metrics: whatever backend the process bootstraps (the
    /// executable exposes them on `/metrics`).
    private static func record(method: String, since started: ContinuousClock.Instant, error: PaySysError?) {
        let elapsed = ContinuousClock.now - started
        let (seconds, attoseconds) = elapsed.components
        CoreMetrics.Timer(label: "paysys_request_duration_seconds", dimensions: [("method", method)])
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        guard let error else { return }
        Counter(label: "paysys_errors_total", dimensions: [("method", method), ("kind", error.metricKind)]).increment()
    }

    /// How long to wait before retry number `retry`, or `nil` when the error forbids retrying (a `Retry-After`
    /// beyond the configured cap).
    func retryDelay(for error: PaySysError, retry: Int) -> Duration? {
        let policy = configuration.retry
        if case .rateLimited(let retryAfter?) = error.kind {
            let wait = Duration.seconds(retryAfter)
            return wait <= policy.maxRetryAfter ? wait : nil
        }
        let ceiling = policy.ceiling(forRetry: retry)
        let (seconds, attoseconds) = ceiling.components
        let nanoseconds = max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return .nanoseconds(Int64.random(in: 0...nanoseconds))
    }

    private func attemptCall(
        _ method: String, params: ExactJSON, transactionID: TransactionID?, logger: Logger
    ) async throws(PaySysError) -> Answer {
        let requestID = UUID().uuidString.lowercased()
        let envelope = ExactJSON.object(["method": .string(method), "params": params, "id": .string(requestID)])
        let timestamp = Int64((now().timeIntervalSince1970 * 1000).rounded(.down))

        var request = HTTPClientRequest(url: configuration.endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Auth", value: configuration.credentials.authHeader(timestampMilliseconds: timestamp))
        request.body = .bytes(ByteBuffer(bytes: envelope.encoded()))

        logger.debug("Calling gateway", metadata: ["gateway.request_id": "\(requestID)"])
        func failure(_ kind: PaySysError.Kind, sent: Bool = true, mxID: String? = nil) -> PaySysError {
            PaySysError(kind: kind, method: method, transactionID: transactionID, mxID: mxID, requestMayHaveBeenSent: sent)
        }

        let exchanged: (Int, String?, [UInt8])
        do {
            exchanged = try await exchange(request)
        } catch let error as PaySysError {
            throw error.with(method: method, transactionID: transactionID)
        } catch {
            throw Self.transportError(error, method: method, transactionID: transactionID, limit: configuration.maxResponseBytes)
        }
        let (status, retryAfter, body) = exchanged

        if status == 429 {
            throw failure(.rateLimited(retryAfter: retryAfter.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }))
        }
        let json: ExactJSON
        do {
            json = try ExactJSON(parsing: body)
        } catch {
            throw failure((200...299).contains(status) ? .malformedResponse(reason: "\(error)") : .http(status: status))
        }
        let answer: Answer
        do throws(EnvelopeProblem) {
            answer = try Self.readEnvelope(json, requestID: requestID)
        } catch {
            switch error {
            case .gateway(let code, let message, let data, let mxID):
                logger.info("Gateway refused the call", metadata: ["gateway.mx_id": "\(mxID ?? "")", "gateway.code": "\(code.rawValue)"])
                throw failure(.gateway(code: code, message: message, data: data), mxID: mxID)
            case .protocolViolation(let text):
                throw failure((200...299).contains(status) ? .protocolViolation(reason: text) : .http(status: status))
            case .malformed(let text):
                throw failure((200...299).contains(status) ? .malformedResponse(reason: text) : .http(status: status))
            }
        }
        guard (200...299).contains(status) else { throw failure(.http(status: status), mxID: answer.mxID) }
        logger.debug("Gateway answered", metadata: ["gateway.mx_id": "\(answer.mxID ?? "")"])
        return answer
    }

    /// Sends the request and reads the whole answer within the request timeout.
    private func exchange(_ request: HTTPClientRequest) async throws -> (Int, String?, [UInt8]) {
        let timeout = configuration.requestTimeout
        let limit = configuration.maxResponseBytes
        let client = httpClient
        let (seconds, attoseconds) = timeout.components
        let amount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return try await withThrowingTaskGroup(of: (Int, String?, [UInt8])?.self) { group in
            group.addTask {
                let response = try await client.execute(request, timeout: amount)
                let buffer = try await response.body.collect(upTo: limit)
                return (Int(response.status.code), response.headers.first(name: "Retry-After"), Array(buffer.readableBytesView))
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw PaySysError(kind: .timeout, method: "")
            }
            return value
        }
    }
}

extension PaySysError {
    func with(method: String, transactionID: TransactionID?) -> PaySysError {
        var copy = self
        copy.method = method
        copy.transactionID = transactionID
        return copy
    }
}
