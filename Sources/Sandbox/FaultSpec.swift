/// A gateway fault written as text, `METHOD:KIND[:N]`, as `fiscal-archive sandbox --fault` takes it, so that
/// anyone can reproduce a hostile gateway by hand.
///
/// `METHOD` is a gateway method with or without its `paysys.` prefix (`payment_adjustments`,
/// `paysys.payment_cancel`, …). `KIND[:N]` is one of:
///
/// | kind | what the sandbox does |
/// |---|---|
/// | `drop_then_apply[:MS]` | closes the connection at once, applies the call MS later (4000) |
/// | `apply_then_error[:STATUS]` | applies the call, then answers STATUS (500) |
/// | `error_then_apply_on_retry[:STATUS]` | first call: answers STATUS (502) and keeps the call queued; the next identical call applies both |
/// | `lag:MS` | `payment_info` only: reports the status the transaction had MS ago |
/// | `latency:MS` | delays every answer |
/// | `server_error[:STATUS]` | answers STATUS (503), applies nothing |
/// | `rate_limited[:SECONDS]` | answers 429 with `Retry-After` (1), applies nothing |
/// | `timeout[:MS]` | holds the request MS (30000), then processes it |
/// | `drop` | closes the connection, applies nothing |
/// | `answer_lost` | applies the call, then closes the connection |
/// | `malformed_json`, `mismatched_id` | a broken answer (the second after applying) |
/// | `error:CODE` | refuses with this JSON-RPC error code |
///
/// Every kind fires on every call except `error_then_apply_on_retry`, which fires on the first call only.
public struct FaultSpec: Sendable, Hashable {
    /// The method the fault applies to.
    public var method: GatewayMethod
    /// A rule to append to the method's plan, if the spec is one.
    public var rule: FaultRule<GatewayFault>?
    /// A latency to set, if the spec is `latency`.
    public var latency: Duration?
    /// A status lag to set, if the spec is `lag`.
    public var statusLag: Duration?

    /// Parses `METHOD:KIND[:N]`.
    public init(parsing text: String) throws(FaultSpecError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else {
            throw FaultSpecError(text, "expected METHOD:KIND or METHOD:KIND:NUMBER")
        }
        let methodName = parts[0].hasPrefix("paysys.") ? parts[0] : "paysys." + parts[0]
        guard let method = GatewayMethod(rawValue: methodName) else {
            let known = GatewayMethod.allCases.map { String($0.rawValue.dropFirst("paysys.".count)) }
            throw FaultSpecError(text, "unknown method \"\(parts[0])\" (one of \(known.joined(separator: ", ")))")
        }
        let number: Int?
        if parts.count == 3 {
            // `error:-32400` and `error:32400` mean the same code.
            guard let value = Int(parts[2]), value >= 0 || parts[1] == "error" else {
                throw FaultSpecError(text, "\"\(parts[2])\" is not a whole number ≥ 0")
            }
            number = abs(value)
        } else {
            number = nil
        }
        func milliseconds(_ fallback: Int) -> Duration { .milliseconds(number ?? fallback) }
        func status(_ fallback: Int) throws(FaultSpecError) -> Int {
            let value = number ?? fallback
            guard (400...599).contains(value) else { throw FaultSpecError(text, "HTTP status \(value) is not 400…599") }
            return value
        }
        self.method = method
        switch parts[1] {
        case "drop_then_apply": rule = FaultRule(.dropThenApply(after: milliseconds(4000)), .always)
        case "apply_then_error": rule = FaultRule(.applyThenError(status: try status(500)), .always)
        case "error_then_apply_on_retry": rule = FaultRule(.errorThenApplyOnRetry(status: try status(502)), .firstCalls(1))
        case "lag":
            guard method == .paymentInfo else { throw FaultSpecError(text, "lag applies to payment_info only") }
            statusLag = milliseconds(5000)
        case "latency": latency = milliseconds(1000)
        case "server_error": rule = FaultRule(.serverError(status: try status(503)), .always)
        case "rate_limited": rule = FaultRule(.rateLimited(retryAfterSeconds: number ?? 1), .always)
        case "timeout": rule = FaultRule(.timeout(hold: milliseconds(30_000)), .always)
        case "drop": rule = FaultRule(.dropConnection, .always)
        case "answer_lost": rule = FaultRule(.appliedButAnswerLost, .always)
        case "malformed_json": rule = FaultRule(.malformedJSON, .always)
        case "mismatched_id": rule = FaultRule(.mismatchedID, .always)
        case "error":
            guard let number else { throw FaultSpecError(text, "error needs a code, e.g. error:-32400") }
            rule = FaultRule(.gatewayError(code: -number, message: "Sandbox fault"), .always)
        default:
            throw FaultSpecError(
                text, "unknown fault \"\(parts[1])\" (drop_then_apply, apply_then_error, error_then_apply_on_retry, "
                    + "lag, latency, server_error, rate_limited, timeout, drop, answer_lost, malformed_json, "
                    + "mismatched_id, error)")
        }
    }

    /// Adds this fault to a set of plans.
    public func apply(to plans: inout [GatewayMethod: FaultPlan]) {
        var plan = plans[method] ?? .none
        if let rule { plan.rules.append(rule) }
        if let latency { plan.latency = latency }
        if let statusLag { plan.statusLag = statusLag }
        plans[method] = plan
    }
}

/// A fault written wrongly: the text and what is wrong with it.
public struct FaultSpecError: Error, Sendable, CustomStringConvertible {
    public var text: String
    public var problem: String

    init(_ text: String, _ problem: String) {
        self.text = text
        self.problem = problem
    }

    public var description: String { "Bad fault \"\(text)\": \(problem)." }
}
