import Archive
import FiscalCore

/// Renders the parts of the HTML report as strings: head and summary from a finished ``MonthlySummary``, then the
/// register one row at a time. Every piece of text goes through ``HTMLEscaping/escape(_:)``.
struct HTMLReportRenderer {
    let summary: MonthlySummary
    let language: ReportLanguage
    let labels: ReportLabels

    init(summary: MonthlySummary, language: ReportLanguage) {
        self.summary = summary
        self.language = language
        self.labels = language.labels
    }

    /// Shorthand for the one escaping function.
    func esc(_ text: String) -> String { HTMLEscaping.escape(text) }

    /// A signed amount cell's content and class: right-aligned, red with a true minus when negative.
    func amountCell(_ money: Money, tag: String = "td") -> String {
        "<\(tag) class=\"num\(money.isNegative ? " neg" : "")\">\(esc(language.format(money)))</\(tag)>"
    }

    func countCell(_ count: Int, tag: String = "td") -> String {
        "<\(tag) class=\"num\">\(esc(language.format(count: count)))</\(tag)>"
    }

    // MARK: Document

    func documentStart() -> String {
        let monthTitle = language.monthTitle(summary.month)
        let first = Tashkent.LocalDateTime(year: summary.month.year, month: summary.month.month, day: 1)
        let last = Tashkent.LocalDateTime(year: summary.month.year, month: summary.month.month, day: summary.month.dayCount)
        return """
            <!DOCTYPE html>
            <html lang="\(esc(labels.htmlLang))">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="referrer" content="no-referrer">
            <title>\(esc(labels.title)) \(esc(summary.month.description))</title>
            <style>
            \(HTMLStyle.css)
            </style>
            </head>
            <body>
            <header class="top"><div class="wrap">
            <div class="kicker">fiscal-archive</div>
            <h1>\(esc(labels.title)) · <span class="period">\(esc(monthTitle))</span></h1>
            <dl class="meta">
            <div><dt>\(esc(labels.period))</dt><dd>\(esc(language.date(first))) – \(esc(language.date(last)))</dd></div>
            <div><dt>\(esc(labels.asOf))</dt><dd>\(esc(language.dateTime(epochSeconds: summary.asOf)))</dd></div>
            <div><dt>\(esc(labels.events))</dt><dd>\(esc(language.format(count: summary.eventCount)))</dd></div>
            <div class="wide"><dt>\(esc(labels.chainHead))</dt><dd><code>\(esc(summary.chainHead))</code></dd></div>
            </dl>
            <p class="tz">\(esc(labels.timeZoneNote))</p>
            </div></header>
            <main class="wrap">

            """
    }

    func documentEnd(fileName: String) -> String {
        """
        </main>
        <footer class="wrap">\(esc(labels.checksumNote(fileName + ".sha256"))) \(esc(labels.generatedBy)).</footer>
        </body>
        </html>

        """
    }

    // MARK: Summary

    func summarySection() -> String {
        var html = "<section id=\"summary\">\n<h2>\(esc(labels.summary))</h2>\n<div class=\"cards\">\n"
        for totals in summary.currencies {
            let registerTotal = language.format(totals.registerTotal)
            html += """
                <div class="card"><div class="label">\(esc(labels.net)), \(esc(totals.currency.alphaCode))</div>\
                <div class="value\(totals.net.isNegative ? " neg" : "")">\(esc(language.format(totals.net)))\
                <small>\(esc(totals.currency.alphaCode))</small></div>\
                <div class="sub">\(esc(labels.registerTotal)): \(esc(registerTotal))</div></div>

                """
        }
        html += "</div>\n<div class=\"cols\">\n"
        for totals in summary.currencies { html += totalsTable(totals) }
        html += vatTable()
        html += "</div>\n</section>\n"
        return html
    }

    private func totalsTable(_ totals: MonthlySummary.CurrencyTotals) -> String {
        var html = """
            <table class="totals"><caption>\(esc(labels.totalsCaption(totals.currency)))</caption>
            <thead><tr><th></th><th class="num">\(esc(labels.count))</th><th class="num">\(esc(labels.amount))</th></tr></thead>
            <tbody>

            """
        var count = 0
        for event in RegisterEntry.Event.allCases {
            let eventTotals = totals.totals(for: event)
            count += eventTotals.count
            html += "<tr><th>\(esc(labels.eventTypePlural(event)))</th>\(countCell(eventTotals.count))"
                + "\(amountCell(eventTotals.amount))</tr>\n"
        }
        html += "</tbody>\n<tfoot>\n"
        html += "<tr><th>\(esc(labels.registerTotal))</th>\(countCell(count))\(amountCell(totals.registerTotal))</tr>\n"
        html += "<tr class=\"sub\"><th>\(esc(labels.notPaid))</th>\(countCell(totals.notPaid.count))"
            + "\(amountCell(totals.notPaid.amount))</tr>\n"
        html += "<tr class=\"net\"><th>\(esc(labels.net))</th><td></td>\(amountCell(totals.net))</tr>\n"
        html += "</tfoot></table>\n"
        return html
    }

    private func vatTable() -> String {
        // Sales, refunds and net side by side need the whole width.
        var html = "<div class=\"full\"><table class=\"vat\"><caption>\(esc(labels.vatByRate))</caption>\n"
        guard !summary.vat.isEmpty else {
            return html + "</table><p class=\"empty\">\(esc(labels.noVAT))</p></div>\n"
        }
        html += """
            <thead><tr><th rowspan="2">\(esc(labels.vatRate))</th><th colspan="2">\(esc(labels.vatSales))</th>\
            <th colspan="2">\(esc(labels.vatRefunds))</th><th class="num" rowspan="2">\(esc(labels.netVAT))</th>\
            <th rowspan="2">\(esc(labels.currency))</th></tr>
            <tr><th class="num">\(esc(labels.gross))</th><th class="num">\(esc(labels.vat))</th>\
            <th class="num">\(esc(labels.gross))</th><th class="num">\(esc(labels.vat))</th></tr></thead>
            <tbody>

            """
        for line in summary.vat {
            html += "<tr><th>\(esc(line.rate.description))\u{00A0}%</th>"
                + "\(amountCell(line.gross))\(amountCell(line.vat))\(amountCell(line.refundGross))\(amountCell(line.refundVAT))"
                + "\(amountCell(line.netVAT))<td>\(esc(line.currency.alphaCode))</td></tr>\n"
        }
        html += "</tbody>\n"
        // One total row per currency (receipts are in so'm, but never add across currencies).
        var currencies: [Currency] = []
        for line in summary.vat where !currencies.contains(line.currency) { currencies.append(line.currency) }
        html += "<tfoot>\n"
        var notes: [String] = []
        for currency in currencies {
            let lines = summary.vat.filter { $0.currency == currency }
            func sum(_ value: (VATLine) -> Money) -> Money { lines.reduce(Money.zero(currency)) { $0 + value($1) } }
            html += "<tr class=\"net\"><th>\(esc(labels.netVAT))</th>\(amountCell(sum(\.gross)))\(amountCell(sum(\.vat)))"
                + "\(amountCell(sum(\.refundGross)))\(amountCell(sum(\.refundVAT)))\(amountCell(sum(\.netVAT)))"
                + "<td>\(esc(currency.alphaCode))</td></tr>\n"
            let other = sum(\.otherMonthVAT)
            if other.minorUnits != 0 {
                notes.append(labels.otherMonthVAT(language.format(other) + "\u{00A0}" + currency.alphaCode))
            }
        }
        html += "</tfoot></table>\n"
        for note in notes { html += "<p class=\"empty\">\(esc(note))</p>\n" }
        return html + "</div>\n"
    }
}
