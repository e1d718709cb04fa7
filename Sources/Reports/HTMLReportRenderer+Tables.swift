import Archive
import FiscalCore
import Foundation

/// The exceptions list and the register table.
extension HTMLReportRenderer {
    // MARK: Exceptions

    func exceptionsSection() -> String {
        let exceptions = summary.exceptions
        let total = exceptions.total
        var html = "<section id=\"exceptions\">\n<h2>\(esc(labels.exceptions)) <span class=\"count"
            + "\(total > 0 ? " warn" : "")\">\(esc(language.format(count: total)))</span></h2>\n"
        guard total > 0 else {
            return html + "<p class=\"empty\">\(esc(labels.noExceptions))</p>\n</section>\n"
        }
        html += "<ul class=\"kinds\">\n"
        for kind in ReportException.Kind.allCases where exceptions.count(of: kind) > 0 {
            html += "<li>\(esc(labels.exceptionKind(kind)))<b>\(esc(language.format(count: exceptions.count(of: kind))))</b></li>\n"
        }
        html += "</ul>\n"
        if exceptions.isTruncated {
            let notice = labels.exceptionsTruncated(
                language.format(count: exceptions.detailLimit), language.format(count: total))
            html += "<p class=\"notice\">\(esc(notice))</p>\n"
        }
        html += """
            <table class="list"><thead><tr><th>\(esc(labels.exception))</th><th>\(esc(labels.dateTime))</th>\
            <th>\(esc(labels.event))</th><th>\(esc(labels.transaction))</th><th class="num">\(esc(labels.amount))</th>\
            <th>\(esc(labels.currency))</th><th>\(esc(labels.vendorOrder))</th><th>\(esc(labels.details))</th></tr></thead>
            <tbody>

            """
        // Grouped by kind, in the order of the counts above, each under a line naming it with its count.
        for kind in ReportException.Kind.allCases where exceptions.count(of: kind) > 0 {
            let shown = exceptions.details.filter { $0.kind == kind }
            html += "<tr class=\"group\"><th colspan=\"8\">\(esc(labels.exceptionKind(kind))) · "
                + "\(esc(language.format(count: shown.count))) / \(esc(language.format(count: exceptions.count(of: kind))))</th></tr>\n"
            for exception in shown { html += exceptionRow(exception) }
        }
        html += "</tbody></table>\n</section>\n"
        return html
    }

    private func exceptionRow(_ exception: ReportException) -> String {
        var details: String
        switch exception.kind {
        case .missingReceipt:
            details = esc(exception.missingReason.map(labels.missingReason) ?? "")
            if let reason = exception.pipelineReason, !reason.isEmpty { details += "<small>\(esc(reason))</small>" }
        case .receiptTotalMismatch:
            let receipt = exception.receiptTotal ?? .zero(exception.amount.currency)
            let difference = receipt.currency == exception.amount.currency ? receipt - exception.amount : receipt
            details = esc(labels.mismatch(language.format(receipt), language.format(difference)))
        case .cancellationWithoutRefundReceipt, .refundWithoutRefundReceipt:
            // The date must not break across lines: put it in after escaping the sentence around it.
            let date = "<span class=\"id\">\(esc(exception.deadline.map(language.date) ?? ""))</span>"
            details = esc(labels.deadline("\u{0}")).replacingOccurrences(of: "\u{0}", with: date)
            if exception.isOverdue { details += " <span class=\"chip late\">\(esc(labels.overdue))</span>" }
            if let reason = exception.pipelineReason, !reason.isEmpty { details += "<small>\(esc(reason))</small>" }
        case .refundOfUnknownAmount:
            details = esc(labels.exceptionKindShort(exception.kind))
        case .receiptInAnotherMonth:
            details = esc(labels.receiptMonth(exception.receiptIssuedAt.map { language.dateTime(epochSeconds: $0) } ?? ""))
        case .unknownStatus:
            details = esc(labels.unknownStatus(String(exception.status.rawValue)))
        }
        return "<tr><td>\(esc(labels.exceptionKind(exception.kind)))</td>"
            + "<td class=\"id\">\(esc(language.dateTime(epochSeconds: exception.occurredAt)))</td>"
            + "<td>\(esc(labels.eventTypeSingular(exception.event)))</td>"
            + "<td class=\"id\">\(esc(exception.transactionID.description))</td>"
            + amountCell(exception.amount)
            + "<td>\(esc(exception.amount.currency.alphaCode))</td>"
            + "<td class=\"wrap\">\(esc(exception.vendorOrderID ?? ""))</td>"
            + "<td>\(details)</td></tr>\n"
    }

    // MARK: Corrections to earlier months

    /// What changed in already exported months, each now recorded by a new revision of its own.
    func correctionsSection(_ corrections: [MonthlyExport.Correction]) -> String {
        var html = "<section id=\"corrections\">\n<h2>\(esc(labels.correctionsTitle))</h2>\n"
        for correction in corrections {
            let name = "\(MonthlyExport.stem(correction.month, revision: correction.revision)).html"
            html += "<h3>\(esc(labels.correctionOf(correction.month.description, name)))</h3>\n"
            html += changesBody(correction.changes, changesFile: "\(MonthlyExport.stem(correction.month, revision: correction.revision)).changes.csv")
        }
        return html + "</section>\n"
    }

    // MARK: Changes since the previous revision

    /// The first section of a revised export: counts of added, removed and changed rows, then the rows.
    func changesSection(_ changes: RegisterChanges) -> String {
        let file = "\(MonthlyExport.stem(summary.month, revision: changes.previousRevision + 1)).changes.csv"
        return "<section id=\"changes\">\n<h2>\(esc(labels.changesTitle(String(changes.previousRevision))))</h2>\n"
            + changesBody(changes, changesFile: file) + "</section>\n"
    }

    private func changesBody(_ changes: RegisterChanges, changesFile file: String) -> String {
        var html = ""
        html += "<ul class=\"kinds\">\n"
        for kind in RegisterChanges.Change.Kind.allCases {
            html += "<li>\(esc(labels.changeKind(kind)))<b>\(esc(language.format(count: changes.count(of: kind))))</b></li>\n"
        }
        html += "</ul>\n"
        let total = changes.counts.values.reduce(0, +)
        if total > changes.details.count {
            html += "<p class=\"notice\">\(esc(labels.changesTruncated(language.format(count: changes.details.count), file)))</p>\n"
        }
        html += """
            <table class="list"><thead><tr><th>\(esc(labels.details))</th><th>\(esc(labels.dateTime))</th>\
            <th>\(esc(labels.event))</th><th>\(esc(labels.transaction))</th><th></th></tr></thead>
            <tbody>

            """
        for change in changes.details {
            let cells = change.fields.map { "\($0.column): \($0.before) → \($0.after)" }.joined(separator: "; ")
            html += "<tr><td>\(esc(labels.changeKind(change.kind)))</td><td class=\"id\">\(esc(change.occurredAt))</td>"
                + "<td>\(esc(change.event))</td><td class=\"id\">\(esc(change.transactionID))</td>"
                + "<td class=\"wrap\">\(esc(cells))</td></tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    // MARK: Register

    func registerStart() -> String {
        """
        <section id="register">
        <h2>\(esc(labels.register)) <span class="count">\(esc(language.format(count: summary.eventCount)))</span></h2>
        <table class="register"><thead><tr><th class="num">#</th><th>\(esc(labels.dateTime))</th>\
        <th>\(esc(labels.event))</th><th>\(esc(labels.transaction))</th><th class="num">\(esc(labels.amount))</th>\
        <th>\(esc(labels.currency))</th><th>\(esc(labels.status))</th><th>\(esc(labels.vendorOrder))</th>\
        <th>\(esc(labels.receipt))</th><th class="num">\(esc(labels.receiptTotal))</th>\
        <th class="num">\(esc(labels.vat))</th><th>\(esc(labels.originalPayment))</th><th>\(esc(labels.source))</th>\
        <th>\(esc(labels.flags))</th></tr></thead>
        <tbody>

        """
    }

    /// One register row; `number` is 1-based, `kinds` the exceptions the entry raised.
    func registerRow(number: Int, entry: RegisterEntry, kinds: [ReportException.Kind]) -> String {
        var row = kinds.isEmpty ? "<tr>" : "<tr class=\"x\">"
        row += "<td class=\"num muted\">\(number)</td>"
        row += "<td class=\"id\">\(dateTimeCell(entry.occurredAt))</td>"
        row += "<td>\(esc(labels.eventTypeSingular(entry.event)))"
        if entry.transactionType.rawValue != entry.event.rawValue {
            row += "<small>\(esc(entry.transactionType.rawValue))</small>"
        }
        row += "</td>"
        row += "<td class=\"id\">\(esc(entry.transactionID.description))</td>"
        row += amountCell(entry.amount)
        row += "<td>\(esc(entry.amount.currency.alphaCode))</td>"
        row += "<td>\(esc(labels.statusName(entry.status)))<small>\(esc(String(entry.status.rawValue)))</small></td>"
        row += "<td class=\"wrap\">\(esc(entry.vendorOrderID ?? ""))</td>"
        row += "<td class=\"id\">\(receiptCell(entry))</td>"
        if let receipt = entry.receipt {
            row += amountCell(RegisterRow.signed(receipt.total, like: entry))
            row += amountCell(RegisterRow.signed(receipt.vatAmount, like: entry))
        } else {
            row += "<td></td><td></td>"
        }
        row += "<td class=\"id\">\(entry.relatedTransactionDate.map(dateTimeCell) ?? "")</td>"
        row += "<td>\(esc(labels.sourceName(entry.source)))"
        if let note = entry.note, !note.isEmpty { row += "<small>\(esc(note))</small>" }
        row += "</td><td>"
        for kind in kinds { row += "<span class=\"chip\">\(esc(labels.exceptionKindShort(kind)))</span>" }
        row += "</td></tr>\n"
        return row
    }

    /// A date with its time below it, to keep the register narrow.
    private func dateTimeCell(_ epochSeconds: Int64) -> String {
        let text = language.dateTime(epochSeconds: epochSeconds)
        return "\(esc(String(text.prefix(10))))<small>\(esc(String(text.dropFirst(11))))</small>"
    }

    private func receiptCell(_ entry: RegisterEntry) -> String {
        let text = entry.receipt.map { $0.fiscalSign ?? $0.receiptNumber } ?? labels.receiptLink
        var cell = ""
        if let url = entry.receiptURL, RegisterRow.isWebLink(url) {
            cell = "<a href=\"\(esc(url))\" rel=\"noreferrer noopener\">\(esc(text))</a>"
        } else if entry.receipt != nil {
            cell = esc(text)
        }
        if let receipt = entry.receipt {
            cell += "<small>\(esc(receipt.terminalID)) · \(esc(receipt.receiptNumber))</small>"
            if let tin = receipt.commissionerTIN, !tin.isEmpty { cell += "<small>\(esc(tin))</small>" }
        }
        return cell
    }

    /// Closes the register; when only the first `shown` of `rowCount` rows were written, says where the whole
    /// register is: the files written beside this one (name and SHA-256), else the command that writes it.
    func registerEnd(rowCount: Int, shown: Int? = nil, fullRegister: [WrittenReport] = []) -> String {
        var html = "</tbody></table>\n"
        if rowCount == 0 { html += "<p class=\"empty\">\(esc(labels.noEvents))</p>\n" }
        if let shown, shown < rowCount {
            html += "<p class=\"notice\">\(esc(labels.registerTruncated(language.format(count: shown), language.format(count: rowCount))))"
            if fullRegister.isEmpty {
                let command = "fiscal-archive report --month \(summary.month) --format csv"
                html += " \(esc(labels.fullRegisterCommand(command)))"
            }
            for file in fullRegister {
                let name = (file.path as NSString).lastPathComponent
                html += " \(esc(labels.fullRegisterIn(name, file.sha256Hex)))"
            }
            html += "</p>\n"
        }
        return html + "</section>\n"
    }
}
