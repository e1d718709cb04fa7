/// A gateway method the sandbox serves.
public enum GatewayMethod: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case paymentInfo = "paysys.payment_info"
    case paymentCancel = "paysys.payment_cancel"
    case paymentAdjustments = "paysys.payment_adjustments"
    case fiscalCheque = "paysys.get_fiscal_cheque"
    case invoiceCreate = "paysys.invoice_create"

    public var description: String { rawValue }
}

/// When a fault fires. Call numbers are 1-based and counted per gateway method (per receipt on the receipt site).
public enum FaultTrigger: Sendable, Hashable {
    /// Every call.
    case always
    /// Calls 1…n.
    case firstCalls(Int)
    /// Exactly the listed calls.
    case calls(Set<Int>)
    /// Each call with probability `p` (0…1), drawn from the sandbox's seeded generator: deterministic per seed.
    case probability(Double)
    /// While the sandbox's `now` is before this Unix time.
    case until(epochSeconds: Int64)
    /// Receipt site only: while `now` is less than this many seconds after the receipt's issue time.
    case untilSecondsAfterIssue(Int64)
}

/// A fault of the gateway endpoint.
public enum GatewayFault: Sendable, Hashable {
    /// Answer with this HTTP status (5xx) and a plain-text body; nothing is applied.
    case serverError(status: Int)
    /// Answer 429 with `Retry-After: seconds`; nothing is applied.
    case rateLimited(retryAfterSeconds: Int)
    /// Hold the request this long (longer than the client's timeout), then process it normally.
    case timeout(hold: Duration)
    /// Close the connection without an answer; nothing is applied.
    case dropConnection
    /// Answer 200 with broken JSON; nothing is applied.
    case malformedJSON
    /// Process normally (an operation IS applied) but answer with a different `id`.
    case mismatchedID
    /// Process normally (an operation IS applied) and pad the answer to at least this many bytes.
    case oversizedResponse(bytes: Int)
    /// Apply the operation (cancel/adjust) to the ledger, then close the connection without an answer.
    case appliedButAnswerLost
    /// Refuse with this JSON-RPC error; nothing is applied.
    case gatewayError(code: Int, message: String)
    /// Close the connection at once without an answer, then apply the operation this long afterwards (a gateway
    /// still processing when its answer is lost). A call that fails the gateway's rules then applies nothing.
    case dropThenApply(after: Duration)
    /// Apply the operation, then answer this HTTP status (5xx) with a plain-text body.
    case applyThenError(status: Int)
    /// Answer this HTTP status (5xx) without applying, but keep the call queued: the next call of the same method
    /// for the same transaction applies the queued call first and then itself. A client that retries blindly gets
    /// the operation twice; one that asks `payment_info` instead sees it never happened.
    case errorThenApplyOnRetry(status: Int)
}

/// A fault and when it fires.
public struct FaultRule<Fault: Sendable & Hashable>: Sendable, Hashable {
    /// What happens.
    public var fault: Fault
    /// When it happens.
    public var trigger: FaultTrigger

    /// Creates a rule.
    public init(_ fault: Fault, _ trigger: FaultTrigger) {
        self.fault = fault
        self.trigger = trigger
    }
}

/// The faults of one gateway method: an added latency and rules tried in order (the first that fires wins).
public struct FaultPlan: Sendable, Hashable {
    /// Delay before every answer.
    public var latency: Duration
    /// The rules.
    public var rules: [FaultRule<GatewayFault>]
    /// `payment_info` only: answer with the status the transaction had this long ago (a gateway whose status
    /// lags its own operations).
    public var statusLag: Duration

    /// Creates a plan.
    public init(latency: Duration = .zero, rules: [FaultRule<GatewayFault>] = [], statusLag: Duration = .zero) {
        self.latency = latency
        self.rules = rules
        self.statusLag = statusLag
    }

    /// A plan with one rule.
    public static func fault(_ fault: GatewayFault, _ trigger: FaultTrigger = .always) -> FaultPlan {
        FaultPlan(rules: [FaultRule(fault, trigger)])
    }

    /// No faults.
    public static let none = FaultPlan()
}

/// A fault of the receipt site.
public enum ReceiptFault: Sendable, Hashable {
    /// Serve the empty React shell instead of the receipt (the JSON API is unaffected).
    case spaShell
    /// Answer "not found", as the viewer does before a receipt is registered.
    case notYetRegistered
    /// Serve only the first half of the page (or JSON payload).
    case truncatedPage
    /// Answer with this HTTP status.
    case serverError(status: Int)
    /// Answer 429 with `Retry-After`.
    case rateLimited(retryAfterSeconds: Int)
}

/// The faults of the receipt site (pages and JSON API); call numbers count fetches of each receipt.
public struct ReceiptFaultPlan: Sendable, Hashable {
    /// Delay before every answer.
    public var latency: Duration
    /// The rules, tried in order.
    public var rules: [FaultRule<ReceiptFault>]

    /// Creates a plan.
    public init(latency: Duration = .zero, rules: [FaultRule<ReceiptFault>] = []) {
        self.latency = latency
        self.rules = rules
    }

    /// No faults.
    public static let none = ReceiptFaultPlan()
}
