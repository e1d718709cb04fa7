import Archive
import FiscalCore
import Foundation

/// A fiscal receipt as readable text.
///
/// Receipt text comes from the tax authority's page and is untrusted: every line goes through
/// ``Terminal/visible(_:)`` before the lines are joined, so no control character of it reaches the terminal.
enum ReceiptText {
    static func render(_ receipt: FiscalReceipt) -> String {
        lines(receipt).map(Terminal.visible).joined(separator: "\n")
    }

    /// The lines, not yet made terminal-safe.
    static func lines(_ receipt: FiscalReceipt) -> [String] {
        var lines: [String] = []
        lines.append("\(receipt.kind.rawValue.uppercased()) receipt (\(receipt.source.rawValue))")
        lines.append("Seller      \(receipt.seller.name) · TIN \(receipt.seller.tin)")
        if !receipt.seller.address.isEmpty { lines.append("            \(receipt.seller.address)") }
        lines.append("Terminal    \(receipt.terminalID) · receipt \(receipt.receiptNumber) · fiscal sign \(receipt.fiscalSign ?? "—")")
        lines.append("Issued      \(Tashkent.iso8601(receipt.issuedAt))")
        if let marketplace = receipt.marketplace { lines.append("Marketplace \(marketplace)") }
        if let register = receipt.cashRegister { lines.append("Register    \(register.name) \(register.serial ?? "")") }
        for item in receipt.items {
            lines.append("  · \(item.name) × \(item.quantity) = \(item.lineTotal.groupedDecimalString)"
                + (item.discount.minorUnits != 0 ? " − \(item.discount.groupedDecimalString)" : "")
                + " (VAT \(item.vatRate.map { "\($0)%" } ?? "—") \(item.vatAmount.groupedDecimalString))"
                + (item.commissionerTIN.map { " · commissioner \($0)" } ?? ""))
        }
        lines.append("Cash        \(receipt.payment.cash.groupedDecimalString)")
        lines.append("Card        \(receipt.payment.card.groupedDecimalString)"
            + (receipt.payment.cardType.map { " (\($0))" } ?? "") + (receipt.payment.rrn.map { " RRN \($0)" } ?? ""))
        lines.append("Total       \(receipt.total.groupedDecimalString) UZS · VAT \(receipt.vatTotal.groupedDecimalString)")
        return lines
    }
}

/// `show` output; untrusted text (receipt fields, URLs, errors) is made terminal-safe line by line.
enum ShowText {
    static func render(record: TransactionRecord, receipt: ArchivedReceipt?, original: StoredOriginal?) -> String {
        var lines: [String] = []
        lines.append("Transaction \(record.id) (\(record.type)) — pipeline: \(record.state)"
            + (record.lastError.map { " (\($0))" } ?? ""))
        if let payment = record.payment {
            lines.append("Payment     \(payment.amount.groupedDecimalString) \(payment.amount.currency) · status \(payment.status) · "
                + Tashkent.iso8601(epochSeconds: payment.date))
            if let order = payment.vendorOrderID { lines.append("Order       \(order)") }
        }
        if let url = record.receiptURL { lines.append("Receipt URL \(url)") }
        for url in record.refundURLs { lines.append("Refund URL  \(url)") }
        for event in record.events {
            lines.append("Event       \(event.kind.rawValue) \(event.amount) at \(Tashkent.iso8601(epochSeconds: event.occurredAt)) (\(event.source.rawValue))")
        }
        for operation in record.operations { lines.append("Operation   \(OperationText.line(operation))") }
        if let original {
            lines.append("Original    \(original.bytes.count) bytes from \(original.url), HTTP \(original.httpStatus), fetched "
                + "\(Tashkent.iso8601(epochSeconds: original.fetchedAt))")
            lines.append("            SHA-256 \(original.sha256) — \(original.hashMatches ? "intact" : "ALTERED: the bytes no longer match")")
        }
        if let receipt {
            lines.append("")
            lines += ReceiptText.lines(receipt.receipt)
            for warning in receipt.warnings { lines.append("warning: \(warning)") }
        }
        return lines.map(Terminal.visible).joined(separator: "\n")
    }
}

/// `lookup` output; the text line is made terminal-safe (JSON escapes control characters itself).
enum LookupText {
    static func line(_ hit: LookupHit) -> String {
        Terminal.visible([
            "\(hit.transactionID)", hit.type.rawValue, hit.state.rawValue,
            hit.paidAt.map { Tashkent.iso8601(epochSeconds: $0) } ?? "—",
            hit.amount?.description ?? "—",
            hit.fiscalSign.map { "FP \($0)" } ?? "—",
            [hit.terminalID, hit.receiptNumber].compactMap { $0 }.joined(separator: "/"),
            hit.sellerName ?? "",
        ].joined(separator: "  "))
    }

    static func json(_ hit: LookupHit) -> String {
        ExactJSON.object([
            "transaction_id": .integer(hit.transactionID.rawValue),
            "type": .string(hit.type.rawValue),
            "state": .string(hit.state.rawValue),
            "paid_at": .optional(hit.paidAt.map { Tashkent.iso8601(epochSeconds: $0) }),
            "amount": .optional(hit.amount?.decimalString),
            "currency": .optional(hit.amount?.currency.alphaCode),
            "status": hit.status.map { .integer(Int64($0.rawValue)) } ?? .null,
            "vendor_order_id": .optional(hit.vendorOrderID),
            "receipt_kind": .optional(hit.receiptKind?.rawValue),
            "fiscal_sign": .optional(hit.fiscalSign),
            "terminal_id": .optional(hit.terminalID),
            "receipt_number": .optional(hit.receiptNumber),
            "seller_name": .optional(hit.sellerName),
            "seller_tin": .optional(hit.sellerTIN),
            "receipt_total": .optional(hit.receiptTotal?.decimalString),
            "issued_at": .optional(hit.issuedAt.map { Tashkent.iso8601(epochSeconds: $0) }),
            "receipt_url": .optional(hit.receiptURL),
        ]).description
    }
}

/// `verify` output.
enum VerifyText {
    static func render(_ report: VerificationReport) -> String {
        var lines = ["Checked \(report.originalsChecked) original(s) and \(report.linksChecked) chain link(s); chain head \(report.chainHead)."]
        if report.problems.isEmpty {
            lines.append("OK: every original matches its SHA-256 and the integrity chain is unbroken.")
        } else {
            lines.append("TAMPERING DETECTED: \(report.problems.count) problem(s):")
            for problem in report.problems {
                lines.append("  [\(problem.kind.rawValue)] \(problem.table) row \(problem.rowID): \(problem.message)")
            }
        }
        // A tampered archive may hold anything: its text is shown terminal-safe.
        return lines.map(Terminal.visible).joined(separator: "\n")
    }
}

/// `status` output.
enum StatusText {
    static func render(_ status: ArchiveStatus, json: Bool) -> String {
        let order: [PipelineState] = [
            .tracked, .infoFetched, .linkFetched, .pageFetched, .waiting, .archived, .failed, .quarantined,
        ]
        if json {
            return ExactJSON.object([
                "counts": .object(order.map { ExactJSON.Member($0.rawValue, .integer(Int64(status.countsByState[$0] ?? 0))) }),
                "due_now": .integer(Int64(status.dueNow)),
                "originals": .integer(Int64(status.originals)),
                "receipts": .integer(Int64(status.receipts)),
                "events": .integer(Int64(status.events)),
                "pending_operations": .integer(Int64(status.pendingOperations)),
                "rechecks_due": .integer(Int64(status.rechecksDue)),
                "last_sync_at": .optional(status.lastSyncAt.map { Tashkent.iso8601(epochSeconds: $0) }),
                "last_export_month": .optional(status.lastExportMonth),
                "chain_head": .string(status.chainHead),
                "failures": .array(status.failures.map { line in
                    .object(["transaction_id": .integer(line.id.rawValue), "reason": .string(line.reason ?? "")])
                }),
                "quarantined": .array(status.quarantined.map { line in
                    .object(["transaction_id": .integer(line.id.rawValue), "reason": .string(line.reason ?? "")])
                }),
                "waiting": .array(status.waiting.map { line in
                    .object([
                        "transaction_id": .integer(line.id.rawValue), "reason": .string(line.reason ?? ""),
                        "next_attempt_at": .optional(line.nextAttemptAt.map { Tashkent.iso8601(epochSeconds: $0) }),
                    ])
                }),
            ]).description
        }
        var lines = ["Transactions: \(status.total) (due now: \(status.dueNow))"]
        for state in order { lines.append("  \(state.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(status.countsByState[state] ?? 0)") }
        lines.append("Originals \(status.originals) · receipts \(status.receipts) · events \(status.events) · pending operations \(status.pendingOperations) · re-checks due \(status.rechecksDue)")
        lines.append("Last sync:   \(status.lastSyncAt.map { Tashkent.iso8601(epochSeconds: $0) } ?? "never")")
        lines.append("Last export: \(status.lastExportMonth ?? "never")")
        lines.append("Chain head:  \(status.chainHead)")
        if !status.failures.isEmpty {
            lines.append("Failures:")
            for line in status.failures.prefix(50) { lines.append("  \(line.id): \(line.reason ?? "")") }
        }
        if !status.quarantined.isEmpty {
            lines.append("Quarantined (rows the archive could not decode; the sync skips them):")
            for line in status.quarantined.prefix(50) { lines.append("  \(line.id): \(line.reason ?? "")") }
        }
        if !status.waiting.isEmpty {
            lines.append("Waiting:")
            for line in status.waiting.prefix(50) {
                lines.append("  \(line.id): \(line.reason ?? "") (next \(line.nextAttemptAt.map { Tashkent.iso8601(epochSeconds: $0) } ?? "—"))")
            }
        }
        // Reasons quote what the gateway and the receipt site said: shown terminal-safe.
        return lines.map(Terminal.visible).joined(separator: "\n")
    }
}
