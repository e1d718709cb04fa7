import Archive
import FiscalCore
import Hummingbird

extension WebRoutes {
    /// The transaction id of a `/receipts/{id}` path, or 404.
    static func transactionID(_ context: some RequestContext) throws(WebError) -> TransactionID {
        guard let text = context.parameters.get("id"), text.count <= 19, let id = TransactionID(parsing: text) else {
            throw WebError(.notFound, "Not a transaction id")
        }
        return id
    }

    /// `GET /receipts/{id}`: the receipt as a receipt, the transaction, its events and operations, and the original
    /// with its integrity re-checked now.
    func receiptPage(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = try Self.transactionID(context)
        guard let record = try await archive.transaction(id) else {
            throw WebError(.notFound, "No transaction \(id) in the archive")
        }
        let archived = try await archive.receipt(for: id)
        let original = try await archive.original(for: id)

        var notices: [String] = []
        if let archived, let payment = record.payment, archived.receipt.total != payment.amount {
            notices.append(
                "The receipt total \(Display.money(archived.receipt.total)) differs from the payment amount "
                    + "\(Display.money(payment.amount)).")
        }
        if let archived, let original, archived.originalSHA256 != original.sha256 {
            notices.append("The receipt was parsed from another original than the one stored for this transaction.")
        }
        let page = ReceiptPage(
            chrome: chrome(request), id: id.description, type: record.type.rawValue,
            state: Display.state(record.state), stateClass: Self.stateClass(record.state),
            facts: Self.facts(record), receipt: archived.map { Self.card($0.receipt) },
            noReceipt: archived == nil ? Self.noReceiptReason(record) : nil, warnings: archived?.warnings ?? [],
            notices: notices, integrity: original.map { Self.integrity($0) }, noOriginal: original == nil,
            events: record.events.map(Self.eventRow), operations: record.operations.map(Self.operationRow),
            history: record.statusHistory.map {
                Fact(label: Display.time($0.observedAt), value: Display.status($0.status))
            })
        return HTMLResponse.page(renderer.render("receipt", page))
    }

    // MARK: - View models

    static func facts(_ record: TransactionRecord) -> [Fact] {
        var facts = [
            Fact(label: "Transaction id", value: record.id.description, style: "mono"),
            Fact(label: "Type", value: record.type.rawValue),
        ]
        if let payment = record.payment {
            facts.append(Fact(label: "Amount (PaySys)", value: Display.money(payment.amount)))
            facts.append(
                Fact(
                    label: "PaySys status", value: Display.status(payment.status),
                    style: payment.status.isKnown ? "" : "bad"))
            facts.append(Fact(label: "Paid at", value: Display.time(payment.date)))
            if let mxID = payment.mxID { facts.append(Fact(label: "mx_id", value: mxID, style: "mono")) }
            if let bank = payment.bankTransactionID {
                facts.append(Fact(label: "Bank transaction", value: bank, style: "mono"))
            }
        }
        if let order = record.vendorOrderID ?? record.payment?.vendorOrderID {
            facts.append(Fact(label: "Vendor order id", value: order, style: "mono"))
        }
        facts.append(
            Fact(
                label: "Archive state",
                value: Display.state(record.state) + (record.step.map { " at \($0.rawValue)" } ?? ""),
                style: record.state == .failed ? "bad" : ""))
        if let error = record.lastError {
            facts.append(Fact(label: "Last error", value: error, style: record.state == .failed ? "bad" : ""))
        }
        if record.state == .waiting, let next = record.nextAttemptAt {
            facts.append(Fact(label: "Next attempt", value: Display.time(next)))
        }
        if let url = record.receiptURL {
            facts.append(Fact(label: "Receipt link", value: url, link: Display.safeLink(url), style: "mono"))
        }
        for url in record.refundURLs {
            facts.append(Fact(label: "Refund receipt", value: url, link: Display.safeLink(url), style: "mono"))
        }
        facts.append(Fact(label: "Tracked", value: Display.time(record.trackedAt)))
        if let recheck = record.lastRecheckAt { facts.append(Fact(label: "Last re-check", value: Display.time(recheck))) }
        return facts
    }

    static func noReceiptReason(_ record: TransactionRecord) -> String {
        switch record.state {
        case .failed: "No receipt: archiving failed" + (record.lastError.map { " (\($0))" } ?? "") + "."
        case .waiting: "No receipt yet: waiting" + (record.lastError.map { " (\($0))" } ?? "") + "."
        case .archived: "No sale receipt is archived for this transaction."
        default: "No receipt yet: the transaction is \(Display.state(record.state))."
        }
    }

    static func card(_ receipt: FiscalReceipt) -> ReceiptCard {
        let items = receipt.items.enumerated().map { index, item in
            ItemRow(
                number: index + 1, name: item.name, quantity: "\(item.quantity) ×", unit: item.unit,
                lineTotal: item.lineTotal.groupedDecimalString,
                discount: item.discount.minorUnits == 0 ? nil : item.discount.groupedDecimalString,
                other: item.other.minorUnits == 0 ? nil : item.other.groupedDecimalString,
                vat: (item.vatRate.map { "\($0)% " } ?? "") + item.vatAmount.groupedDecimalString,
                mxik: item.mxikCode.map { code in item.mxikName.map { "\(code) · \($0)" } ?? code },
                barcode: item.barcode, markingCode: item.markingCode, commissioner: item.commissionerTIN)
        }
        return ReceiptCard(
            kind: Display.kind(receipt.kind), sellerName: receipt.seller.name, sellerTIN: receipt.seller.tin,
            sellerAddress: receipt.seller.address, marketplace: receipt.marketplace,
            cashRegister: receipt.cashRegister.map { register in register.serial.map { "\(register.name) · \($0)" } ?? register.name },
            terminal: receipt.terminalID, number: receipt.receiptNumber, fiscalSign: receipt.fiscalSign ?? "—",
            issuedAt: Display.time(receipt.issuedAt), items: items, total: Display.money(receipt.total),
            vatTotal: Display.money(receipt.vatTotal), cash: receipt.payment.cash.groupedDecimalString,
            card: receipt.payment.card.groupedDecimalString, cardType: receipt.payment.cardType,
            rrn: receipt.payment.rrn, source: receipt.source.rawValue.uppercased())
    }

    static func integrity(_ original: StoredOriginal) -> IntegrityView {
        let base = "/receipts/\(original.transactionID.rawValue)/original"
        return IntegrityView(
            intact: original.hashMatches, sha256: original.sha256,
            facts: [
                Fact(
                    label: "Integrity", value: original.hashMatches ? "intact (hash re-checked now)" : "ALTERED",
                    style: original.hashMatches ? "ok" : "bad"),
                Fact(label: "SHA-256 at download", value: original.sha256, style: "mono"),
                Fact(label: "Downloaded from", value: original.url, style: "mono"),
                Fact(label: "Downloaded at", value: Display.time(original.fetchedAt)),
                Fact(label: "HTTP status", value: String(original.httpStatus)),
                Fact(
                    label: "Format",
                    value: original.format.rawValue.uppercased() + ", \(original.bytes.count) bytes"
                        + (original.contentType.map { " (\($0))" } ?? "")),
            ],
            frameSource: base, textLink: base + "?as=text", downloadLink: base + "?download=1",
            isHTML: original.format == .html)
    }

    static func eventRow(_ event: ArchiveEvent) -> EventRow {
        EventRow(
            kind: event.kind.rawValue, amount: Display.money(event.amount), occurredAt: Display.time(event.occurredAt),
            source: event.source.rawValue, note: event.note ?? "")
    }

    static func operationRow(_ operation: OperationRecord) -> OperationRow {
        OperationRow(
            id: String(operation.id), kind: operation.kind.rawValue, amount: Display.money(operation.amount),
            state: operation.state.rawValue, user: operation.user, createdAt: Display.time(operation.createdAt),
            completedAt: Display.time(operation.completedAt),
            reason: operation.reason ?? operation.resultStatus.map { Display.status($0) } ?? "")
    }
}
