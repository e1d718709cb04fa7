import FiscalCore
import Foundation

/// A transaction the sandbox gateway knows.
public struct SandboxTransaction: Sendable, Hashable {
    public var id: TransactionID
    public var type: TransactionType
    public var amount: Money
    /// The vendor's order id.
    public var vendorUserID: String
    public var bankTransactionID: Int64
    public var status: PaySysStatus
    /// Payment time, Unix seconds.
    public var date: Int64
    /// The sale receipt; `nil` for transactions that were never paid.
    public var receipt: SandboxReceiptSpec?

    /// Creates a transaction.
    public init(
        id: TransactionID, type: TransactionType, amount: Money, vendorUserID: String, bankTransactionID: Int64,
        status: PaySysStatus, date: Int64, receipt: SandboxReceiptSpec?
    ) {
        self.id = id
        self.type = type
        self.amount = amount
        self.vendorUserID = vendorUserID
        self.bankTransactionID = bankTransactionID
        self.status = status
        self.date = date
        self.receipt = receipt
    }

    /// The payment's local Tashkent time.
    public var localDate: Tashkent.LocalDateTime { Tashkent.local(epochSeconds: date) }
}

/// An operation the sandbox applied: tests inspect these to prove "exactly once".
public struct SandboxLedgerEntry: Sendable, Hashable {
    /// Cancel (reversal) or refund (adjustment).
    public enum Kind: String, Sendable, Hashable {
        case cancel
        case refund
    }

    /// 1, 2, 3… in the order applied.
    public var sequence: Int
    public var kind: Kind
    public var transactionID: TransactionID
    /// The amount returned (the full amount for a cancel).
    public var amount: Money
    /// When it was applied, Unix seconds of the sandbox clock.
    public var appliedAt: Int64
    /// The refund receipt registered for it.
    public var refundReceipt: SandboxReceiptSpec
}

/// An invoice created through `invoice_create`.
public struct SandboxInvoice: Sendable, Hashable {
    public var id: Int64
    public var vendorID: Int64
    public var paymentID: Int64
    public var orderID: String
    public var amount: Money
    /// The currency code as the client sent it (`TRL` stays `TRL`).
    public var currencyCode: String
    public var orderNote: String
    public var hash: String
    public var paymentURL: String
    public var date: Int64
}

/// A JSON-RPC refusal the sandbox answers with.
public struct SandboxRefusal: Error, Sendable, Hashable {
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    /// -32300: missing or invalid parameters.
    static func missing(_ what: String) -> SandboxRefusal { .init(code: -32300, message: "Missing or invalid parameter: \(what)") }
    /// -32314: unknown transaction.
    static func notFound(_ id: TransactionID) -> SandboxRefusal { .init(code: -32314, message: "Transaction \(id) not found") }
}

/// The sandbox's state: seeded transactions, the ledger of applied operations, invoices, registered receipts,
/// call counters and the fault plans. All gateway rules live here.
///
/// Error codes chosen where the vendor document is silent (also in docs and the README):
/// - unknown transaction → -32314; a second cancel, or a refund of a cancelled payment → -32313;
/// - cancel more than 7×24 h after the payment, cancel of a payment that is not in status 2 (or already has
///   refunds), refund of an unpaid transaction, or a refund that would take the refunded sum over the payment → -32312
///   ("transaction already completed": the operation is no longer possible);
/// - missing/invalid parameters or a currency different from the payment's → -32300;
/// - wrong `Auth` signature, unknown service id, missing header → -32504; stale timestamp → -32320;
/// - unknown vendor id in `invoice_create` → -32316.
public actor SandboxWorld {
    let configuration: SandboxConfiguration
    private var transactions: [TransactionID: SandboxTransaction]
    private var order: [TransactionID]
    private var ledgerEntries: [SandboxLedgerEntry] = []
    private var invoiceList: [SandboxInvoice] = []
    private var receipts: [String: RegisteredReceipt]
    private var callCounts: [GatewayMethod: Int] = [:]
    private var gatewayFaults: [GatewayMethod: FaultPlan]
    private var receiptFaults: ReceiptFaultPlan
    private var faultRandom: SplitMix64
    private var generator: SplitMix64
    private var nextTransactionID: Int64
    private var nextReceiptNumber: [String: Int64]
    private var mxCounter: UInt64 = 0
    /// Status changes with the (monotonic) time they happened, for a `payment_info` that lags.
    private var statusChanges: [TransactionID: [(at: ContinuousClock.Instant, status: PaySysStatus)]] = [:]
    /// Calls held back by `errorThenApplyOnRetry`, per method and transaction.
    private var queuedCalls: [String: QueuedCall] = [:]
    /// `host[:port]` of receipt links.
    private(set) var receiptHost: String

    struct RegisteredReceipt {
        var spec: SandboxReceiptSpec
        var fetches: Int
    }

    /// Creates a world and seeds it from the configuration.
    public init(configuration: SandboxConfiguration) {
        var generator = SplitMix64(seed: configuration.seed)
        let seeded = SandboxSeeder.generate(configuration: configuration, random: &generator)
        var transactions: [TransactionID: SandboxTransaction] = [:]
        var order: [TransactionID] = []
        var receipts: [String: RegisteredReceipt] = [:]
        for transaction in seeded.transactions {
            if transactions[transaction.id] == nil { order.append(transaction.id) }
            transactions[transaction.id] = transaction
            if let spec = transaction.receipt {
                receipts[Self.receiptKey(spec.terminalID, spec.receiptNumber)] = RegisteredReceipt(spec: spec, fetches: 0)
            }
        }
        self.configuration = configuration
        self.transactions = transactions
        self.order = order
        self.receipts = receipts
        self.gatewayFaults = configuration.gatewayFaults
        self.receiptFaults = configuration.receiptFaults
        self.faultRandom = SplitMix64(seed: configuration.seed ^ 0x5EED_FA17)
        self.generator = generator
        self.receiptHost = configuration.receiptHost ?? "127.0.0.1:\(configuration.port)"
        self.nextTransactionID = seeded.nextTransactionID
        self.nextReceiptNumber = seeded.nextReceiptNumbers
    }

    // MARK: Inspection

    /// All transactions in creation order.
    public var allTransactions: [SandboxTransaction] { order.compactMap { transactions[$0] } }

    /// One transaction.
    public func transaction(_ id: TransactionID) -> SandboxTransaction? { transactions[id] }

    /// A transaction as `payment_info` reports it: with the status it had `statusLag` ago when the method's fault
    /// plan sets one.
    func reportedTransaction(_ id: TransactionID) -> SandboxTransaction? {
        guard var transaction = transactions[id] else { return nil }
        let lag = gatewayFaults[.paymentInfo]?.statusLag ?? .zero
        guard lag > .zero, let changes = statusChanges[id] else { return transaction }
        let horizon = ContinuousClock.now - lag
        // The status before the first change is recorded as its first entry.
        transaction.status = changes.last(where: { $0.at <= horizon })?.status ?? changes[0].status
        return transaction
    }

    func queue(_ call: QueuedCall, transaction: TransactionID) {
        queuedCalls["\(call.method.rawValue)|\(transaction.rawValue)"] = call
    }

    func takeQueued(_ method: GatewayMethod, transaction: TransactionID) -> QueuedCall? {
        queuedCalls.removeValue(forKey: "\(method.rawValue)|\(transaction.rawValue)")
    }

    private func noteStatus(_ id: TransactionID, from old: PaySysStatus, to new: PaySysStatus) {
        var changes = statusChanges[id] ?? [(at: ContinuousClock.now - .seconds(86_400 * 365), status: old)]
        changes.append((at: ContinuousClock.now, status: new))
        statusChanges[id] = changes
    }

    /// The operations applied so far, in order.
    public var ledger: [SandboxLedgerEntry] { ledgerEntries }

    /// The ledger entries of one transaction.
    public func ledger(for id: TransactionID) -> [SandboxLedgerEntry] { ledgerEntries.filter { $0.transactionID == id } }

    /// Invoices created so far.
    public var invoices: [SandboxInvoice] { invoiceList }

    /// How many calls of a method reached the gateway (counted before faults and authentication).
    public func callCount(_ method: GatewayMethod) -> Int { callCounts[method, default: 0] }

    /// The receipt link of a receipt, on this sandbox's receipt host.
    public func receiptURL(_ spec: SandboxReceiptSpec) -> String {
        ReceiptReference(
            pageKind: .epi, terminalID: spec.terminalID, receiptNumber: spec.receiptNumber,
            dateTimeCode: ReceiptReference.dateTimeCode(spec.issuedAt), fiscalSign: spec.fiscalSign
        ).url(host: receiptHost, scheme: configuration.receiptScheme)
    }

    // MARK: Test hooks

    /// Adds a transaction (and its sale receipt when it is paid). `id` defaults to the next free id.
    @discardableResult
    public func addTransaction(
        id: TransactionID? = nil, type: TransactionType = .payment, amount: Money, date: Int64,
        status: PaySysStatus = .completed, vendorUserID: String? = nil
    ) -> SandboxTransaction {
        let id = id ?? allocateTransactionID()
        let local = Tashkent.local(epochSeconds: date)
        let receipt: SandboxReceiptSpec? = status.isPaid || status == .cancelled ? makeReceiptSpec(kind: .sale, issuedAt: local, total: amount) : nil
        let transaction = SandboxTransaction(
            id: id, type: type, amount: amount, vendorUserID: vendorUserID ?? String(date * 1000 + 417),
            bankTransactionID: 137_000_000 + id.rawValue % 1_000_000, status: status, date: date, receipt: receipt)
        insert(transaction)
        return transaction
    }

    /// Replaces the fault plan of a method.
    public func setFaults(_ plan: FaultPlan, for method: GatewayMethod) { gatewayFaults[method] = plan }

    /// Replaces the fault plan of the receipt site.
    public func setReceiptFaults(_ plan: ReceiptFaultPlan) { receiptFaults = plan }

    /// Sets the host of receipt links (the server does this once it knows its port).
    func setReceiptHost(_ host: String) { receiptHost = host }

    // MARK: Internals shared with the gateway and receipt site

    private func insert(_ transaction: SandboxTransaction) {
        if transactions[transaction.id] == nil { order.append(transaction.id) }
        transactions[transaction.id] = transaction
        if let receipt = transaction.receipt { register(receipt) }
    }

    private func register(_ spec: SandboxReceiptSpec) {
        receipts[Self.receiptKey(spec.terminalID, spec.receiptNumber)] = RegisteredReceipt(spec: spec, fetches: 0)
    }

    static func receiptKey(_ terminal: String, _ number: String) -> String { "\(terminal)|\(number)" }

    private func allocateTransactionID() -> TransactionID {
        while transactions[TransactionID(nextTransactionID)] != nil { nextTransactionID += 1 }
        defer { nextTransactionID += 1 }
        return TransactionID(nextTransactionID)
    }

    func makeReceiptSpec(kind: FiscalReceipt.Kind, issuedAt: Tashkent.LocalDateTime, total: Money) -> SandboxReceiptSpec {
        let terminal = SandboxSeeder.terminals[Int(generator.next() % UInt64(SandboxSeeder.terminals.count))]
        let number = nextReceiptNumber[terminal, default: 1_020_000]
        nextReceiptNumber[terminal] = number + 1
        return SandboxReceiptSpec(
            kind: kind, terminalID: terminal, receiptNumber: String(number),
            fiscalSign: SandboxSeeder.fiscalSign(&generator), issuedAt: issuedAt, total: total,
            seed: generator.next(), commissionerTIN: configuration.merchantTIN)
    }

    /// A fresh 32-hex-digit request tracker.
    func nextMxID() -> String {
        mxCounter += 1
        var mixer = SplitMix64(seed: configuration.seed &+ mxCounter &* 0x9E37_79B9)
        return String(format: "%016llx%016llx", mixer.next(), mixer.next())
    }

    /// Counts a call and picks the fault that fires for it, with the method's latency.
    func admit(_ method: GatewayMethod) -> (latency: Duration, fault: GatewayFault?) {
        let count = callCounts[method, default: 0] + 1
        callCounts[method] = count
        let plan = gatewayFaults[method] ?? .none
        let fault = plan.rules.first(where: { fires($0.trigger, call: count, issuedAt: nil) })?.fault
        return (plan.latency, fault)
    }

    /// Counts a fetch of a receipt and picks the receipt-site fault that fires for it.
    func admitReceiptFetch(terminal: String, number: String) -> (latency: Duration, fault: ReceiptFault?, spec: SandboxReceiptSpec?) {
        let key = Self.receiptKey(terminal, number)
        guard var entry = receipts[key] else { return (receiptFaults.latency, nil, nil) }
        entry.fetches += 1
        receipts[key] = entry
        let issued = entry.spec.issuedAt.epochSeconds
        let fault = receiptFaults.rules.first(where: { fires($0.trigger, call: entry.fetches, issuedAt: issued) })?.fault
        return (receiptFaults.latency, fault, entry.spec)
    }

    private func fires(_ trigger: FaultTrigger, call: Int, issuedAt: Int64?) -> Bool {
        switch trigger {
        case .always: return true
        case .firstCalls(let count): return call <= count
        case .calls(let set): return set.contains(call)
        case .probability(let p):
            let draw = Double(faultRandom.next() >> 11) / Double(UInt64(1) << 53)
            return draw < p
        case .until(let epoch): return configuration.nowEpochSeconds < epoch
        case .untilSecondsAfterIssue(let seconds):
            guard let issuedAt else { return false }
            return configuration.nowEpochSeconds < issuedAt + seconds
        }
    }

    // MARK: Operations (the gateway's rules)

    /// `payment_cancel`: status 2, within 7×24 h, never cancelled or refunded before.
    func cancel(_ id: TransactionID) throws(SandboxRefusal) -> SandboxTransaction {
        guard var transaction = transactions[id] else { throw .notFound(id) }
        let now = configuration.nowEpochSeconds
        if transaction.status == .cancelled { throw SandboxRefusal(code: -32313, message: "Transaction \(id) is already cancelled") }
        guard transaction.status == .completed, ledger(for: id).isEmpty else {
            throw SandboxRefusal(code: -32312, message: "Transaction \(id) cannot be cancelled in status \(transaction.status.rawValue)")
        }
        guard now - transaction.date <= 7 * 24 * 3600 else {
            throw SandboxRefusal(code: -32312, message: "Transaction \(id) is older than 7 days and can no longer be cancelled")
        }
        noteStatus(id, from: transaction.status, to: .cancelled)
        transaction.status = .cancelled
        transactions[id] = transaction
        record(.cancel, transaction: transaction, amount: transaction.amount, at: now)
        return transaction
    }

    /// `payment_adjustments`: paid (status 2 or 6), same currency, refunded sum stays ≤ the payment.
    func refund(_ id: TransactionID, amount: Money) throws(SandboxRefusal) -> SandboxTransaction {
        guard var transaction = transactions[id] else { throw .notFound(id) }
        if transaction.status == .cancelled { throw SandboxRefusal(code: -32313, message: "Transaction \(id) is cancelled") }
        guard transaction.status.isPaid else {
            throw SandboxRefusal(code: -32312, message: "Transaction \(id) is not paid (status \(transaction.status.rawValue))")
        }
        guard amount.currency == transaction.amount.currency else { throw .missing("currency (the payment is in \(transaction.amount.currency))") }
        guard amount.minorUnits > 0 else { throw .missing("amount (must be positive)") }
        let refunded = ledger(for: id).reduce(Int64(0)) { $0 + $1.amount.minorUnits }
        guard refunded + amount.minorUnits <= transaction.amount.minorUnits else {
            throw SandboxRefusal(
                code: -32312,
                message: "Refunds would exceed the payment: \(transaction.amount.minorUnits - refunded) minor units remain")
        }
        noteStatus(id, from: transaction.status, to: .refunded)
        transaction.status = .refunded
        transactions[id] = transaction
        record(.refund, transaction: transaction, amount: amount, at: configuration.nowEpochSeconds)
        return transaction
    }

    private func record(_ kind: SandboxLedgerEntry.Kind, transaction: SandboxTransaction, amount: Money, at now: Int64) {
        let spec = makeReceiptSpec(kind: .refund, issuedAt: Tashkent.local(epochSeconds: now), total: amount)
        register(spec)
        ledgerEntries.append(SandboxLedgerEntry(
            sequence: ledgerEntries.count + 1, kind: kind, transactionID: transaction.id, amount: amount,
            appliedAt: now, refundReceipt: spec))
    }

    /// `get_fiscal_cheque`: the sale receipt link and the refund receipt links.
    func cheque(_ id: TransactionID, type: TransactionType) throws(SandboxRefusal) -> (url: String, refunds: [String]) {
        guard let transaction = transactions[id], transaction.type == type else { throw .notFound(id) }
        guard let receipt = transaction.receipt else {
            throw SandboxRefusal(code: -32314, message: "Transaction \(id) has no fiscal receipt")
        }
        return (receiptURL(receipt), ledger(for: id).map { receiptURL($0.refundReceipt) })
    }

    /// `invoice_create`.
    func createInvoice(
        orderID: String, vendorID: Int64, paymentID: Int64, amount: Money, currencyCode: String, note: String
    ) throws(SandboxRefusal) -> SandboxInvoice {
        guard vendorID == configuration.vendorID else {
            throw SandboxRefusal(code: -32316, message: "Vendor \(vendorID) is unknown")
        }
        guard amount.minorUnits > 0 else { throw .missing("amount (must be positive)") }
        let hash = nextMxID()
        let invoice = SandboxInvoice(
            id: 2_693_603 + Int64(invoiceList.count), vendorID: vendorID, paymentID: paymentID, orderID: orderID,
            amount: amount, currencyCode: currencyCode, orderNote: note, hash: hash,
            paymentURL: "http://\(receiptHost)/payform?hash=\(hash)", date: configuration.nowEpochSeconds)
        invoiceList.append(invoice)
        return invoice
    }
}
