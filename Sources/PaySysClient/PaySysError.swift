import FiscalCore

/// A failed PaySys gateway call: what went wrong, on which method and transaction.
///
/// Two questions matter to callers. ``isTransient``: may the same call succeed later? ``isOutcomeUnknown``: for a
/// money-moving call, could the gateway have applied it even though no answer arrived? When it is `true`, ask
/// `payment_info` before doing anything else (DESIGN.md rule 3). Only the answers of ``refusalProof`` make the
/// outcome known. The description never contains the secret key: none of these fields can hold it.
public struct PaySysError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Kind: Sendable, Hashable {
        /// The gateway answered with a JSON-RPC error object.
        case gateway(code: GatewayCode, message: String, data: ExactJSON?)
        /// An HTTP status other than 2xx (and other than 429) without a readable error object.
        case http(status: Int)
        /// HTTP 429; `retryAfter` is the `Retry-After` header in seconds, when present.
        case rateLimited(retryAfter: Int?)
        /// No complete answer within the request timeout.
        case timeout
        /// The connection failed or was dropped.
        case connection(reason: String)
        /// The answer broke the protocol (for example its `id` is not the request's).
        case protocolViolation(reason: String)
        /// The answer was not the JSON the method promises.
        case malformedResponse(reason: String)
        /// The answer was larger than the configured limit, in bytes.
        case responseTooLarge(limit: Int)
    }

    /// A JSON-RPC error code of PaySys, with the documented ones named. Unknown codes are kept verbatim.
    public struct GatewayCode: Sendable, Hashable, RawRepresentable, ExpressibleByIntegerLiteral,
        CustomStringConvertible
    {
        public var rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public init(integerLiteral value: Int) { self.rawValue = value }

        /// -32300: missing or invalid parameters.
        public static let missingParameters: GatewayCode = -32300
        /// -32312: the transaction is already completed (the operation is no longer possible).
        public static let alreadyCompleted: GatewayCode = -32312
        /// -32313: the transaction is already cancelled.
        public static let alreadyCancelled: GatewayCode = -32313
        /// -32314: no such transaction.
        public static let transactionNotFound: GatewayCode = -32314
        /// -32315: the service is blocked.
        public static let serviceBlocked: GatewayCode = -32315
        /// -32316: vendor information is unavailable.
        public static let vendorInfoUnavailable: GatewayCode = -32316
        /// -32317: user or order not found.
        public static let userOrOrderNotFound: GatewayCode = -32317
        /// -32318: the processing centre is unavailable (transient).
        public static let processingUnavailable: GatewayCode = -32318
        /// -32319: the vendor is blocked.
        public static let vendorBlocked: GatewayCode = -32319
        /// -32320: the request's timestamp is too old (clock skew).
        public static let staleTimestamp: GatewayCode = -32320
        /// -32400: internal error (transient).
        public static let internalError: GatewayCode = -32400
        /// -32504: insufficient privileges (also: bad `Auth` signature).
        public static let insufficientPrivileges: GatewayCode = -32504
        /// -32600: not a valid JSON-RPC object.
        public static let invalidRequest: GatewayCode = -32600
        /// -32601: no such method.
        public static let methodNotFound: GatewayCode = -32601
        /// -32700: the request was not JSON.
        public static let parseError: GatewayCode = -32700

        /// The documented meaning, or `nil` for an unknown code.
        public var meaning: String? {
            switch rawValue {
            case -32300: "missing parameters"
            case -32312: "transaction already completed"
            case -32313: "transaction already cancelled"
            case -32314: "transaction not found"
            case -32315: "service blocked"
            case -32316: "vendor info unavailable"
            case -32317: "user or order not found"
            case -32318: "processing centre unavailable"
            case -32319: "vendor blocked"
            case -32320: "stale request timestamp"
            case -32400: "internal error"
            case -32504: "insufficient privileges"
            case -32600: "invalid JSON-RPC object"
            case -32601: "method not found"
            case -32700: "JSON parse error"
            default: nil
            }
        }

        /// Whether retrying later may succeed.
        public var isTransient: Bool { self == .processingUnavailable || self == .internalError }

        /// Whether this code says a money-moving call was refused, i.e. certainly not applied. `-32400` (internal
        /// error), `-32318` (processing centre unavailable) and undocumented codes do not: the call may have been
        /// applied before the error.
        public var refusesCall: Bool { Self.refusing.contains(rawValue) }

        /// The codes of ``refusesCall``.
        public static let refusing: Set<Int> = [
            -32300, -32312, -32313, -32314, -32315, -32316, -32317, -32319, -32320, -32504, -32600, -32601, -32700,
        ]

        public var description: String { meaning.map { "\(rawValue) (\($0))" } ?? "\(rawValue)" }
    }

    /// What went wrong.
    public var kind: Kind
    /// The gateway method, e.g. `paysys.payment_cancel`.
    public var method: String
    /// The transaction the call was about, when it was about one.
    public var transactionID: TransactionID?
    /// The gateway's request tracker, when the answer carried one.
    public var mxID: String?
    /// Whether the request may have reached the gateway (false only when the connection could not be opened).
    public var requestMayHaveBeenSent: Bool
    /// How many attempts were made (more than one only for read methods).
    public var attempts: Int

    /// Creates an error.
    public init(
        kind: Kind, method: String, transactionID: TransactionID? = nil, mxID: String? = nil,
        requestMayHaveBeenSent: Bool = true, attempts: Int = 1
    ) {
        self.kind = kind
        self.method = method
        self.transactionID = transactionID
        self.mxID = mxID
        self.requestMayHaveBeenSent = requestMayHaveBeenSent
        self.attempts = attempts
    }

    /// The gateway's error code, when the gateway answered with an error object.
    public var gatewayCode: GatewayCode? {
        if case .gateway(let code, _, _) = kind { return code }
        return nil
    }

    /// Whether the same call may succeed later: timeouts, connection failures, 5xx, 429, -32318 and -32400.
    public var isTransient: Bool {
        switch kind {
        case .gateway(let code, _, _): code.isTransient
        case .http(let status): (500...599).contains(status)
        case .rateLimited, .timeout, .connection: true
        case .protocolViolation, .malformedResponse, .responseTooLarge: false
        }
    }

    /// Whether a money-moving call may have been applied although no usable answer arrived.
    ///
    /// Only an answer that *proves* the call was not applied makes the outcome known (``refusalProof``); everything
    /// else — a timeout, a dropped connection, a 5xx, 408, 499, any other HTTP status, an unreadable answer, a
    /// JSON-RPC error whose code does not say "not applied" (`-32400`, `-32318`, codes PaySys never documented) —
    /// leaves it unknown, and the caller must not conclude "not done" from it.
    public var isOutcomeUnknown: Bool { refusalProof == nil }

    /// Why this error proves that a money-moving call was **not** applied, or `nil` when it does not.
    ///
    /// The table (docs/DESIGN.md, "Which answers mean refused"):
    /// - the request never left (the connection could not be opened);
    /// - a JSON-RPC error object with a business code that refuses the call before applying it: `-32300`,
    ///   `-32312`…`-32317`, `-32319`, `-32320`, `-32504`, `-32600`, `-32601`, `-32700`;
    /// - HTTP 401 or 403 (authentication refused by the gateway or its proxy before the method ran);
    /// - HTTP 429 (rate limited: the request was not processed).
    public var refusalProof: String? {
        guard requestMayHaveBeenSent else { return "the request never left (the connection could not be opened)" }
        switch kind {
        case .gateway(let code, _, _):
            return code.refusesCall ? "PaySys answered with error \(code), which refuses the call" : nil
        case .rateLimited:
            return "PaySys answered HTTP 429 (rate limited): the request was not processed"
        case .http(let status) where status == 401 || status == 403:
            return "PaySys answered HTTP \(status): the request was refused before it was processed"
        case .http, .timeout, .connection, .protocolViolation, .malformedResponse, .responseTooLarge:
            return nil
        }
    }

    /// A short, low-cardinality name of the failure for metrics: `gateway_-32312`, `http_503`, `timeout`, …
    public var metricKind: String {
        switch kind {
        case .gateway(let code, _, _): "gateway_\(code.rawValue)"
        case .http(let status): "http_\(status)"
        case .rateLimited: "rate_limited"
        case .timeout: "timeout"
        case .connection: "connection"
        case .protocolViolation: "protocol_violation"
        case .malformedResponse: "malformed_response"
        case .responseTooLarge: "response_too_large"
        }
    }

    public var description: String {
        var text = "PaySys \(method)"
        if let transactionID { text += " for transaction \(transactionID)" }
        text += " failed: "
        switch kind {
        case .gateway(let code, let message, let data):
            text += "gateway error \(code): \(message)"
            if let data { text += " \(data)" }
        case .http(let status): text += "HTTP status \(status)"
        case .rateLimited(let retryAfter):
            text += "rate limited (HTTP 429)" + (retryAfter.map { ", retry after \($0) s" } ?? "")
        case .timeout: text += "timed out"
        case .connection(let reason): text += "connection failed (\(reason))"
        case .protocolViolation(let reason): text += "protocol violation (\(reason))"
        case .malformedResponse(let reason): text += "malformed response (\(reason))"
        case .responseTooLarge(let limit): text += "response larger than \(limit) bytes"
        }
        if attempts > 1 { text += " after \(attempts) attempts" }
        if let mxID { text += " [mx_id \(mxID)]" }
        if isOutcomeUnknown { text += "; the outcome is unknown" }
        return text
    }
}
