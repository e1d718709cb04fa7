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
        var html = "<div><table class=\"vat\"><caption>\(esc(labels.vatByRate))</caption>\n"
        guard !summary.vat.isEmpty else {
            return html + "</table><p class=\"empty\">\(esc(labels.noVAT))</p></div>\n"
        }
        html += """
            <thead><tr><th>\(esc(labels.vatRate))</th><th class="num">\(esc(labels.items))</th>\
            <th class="num">\(esc(labels.gross))</th><th class="num">\(esc(labels.vat))</th>\
            <th>\(esc(labels.currency))</th></tr></thead>
            <tbody>

            """
        for line in summary.vat {
            html += "<tr><th>\(esc(line.rate.description))\u{00A0}%</th>\(countCell(line.itemCount))"
                + "\(amountCell(line.gross))\(amountCell(line.vat))<td>\(esc(line.gross.currency.alphaCode))</td></tr>\n"
        }
        html += "</tbody>\n"
        // One total row per currency (receipts are in so'm, but never add across currencies).
        var currencies: [Currency] = []
        for line in summary.vat where !currencies.contains(line.gross.currency) { currencies.append(line.gross.currency) }
        html += "<tfoot>\n"
        for currency in currencies {
            let lines = summary.vat.filter { $0.gross.currency == currency && $0.vat.currency == currency }
            let gross = lines.reduce(Money.zero(currency)) { $0 + $1.gross }
            let vat = lines.reduce(Money.zero(currency)) { $0 + $1.vat }
            let items = lines.reduce(0) { $0 + $1.itemCount }
            html += "<tr><th></th>\(countCell(items))\(amountCell(gross))\(amountCell(vat))"
                + "<td>\(esc(currency.alphaCode))</td></tr>\n"
        }
        html += "</tfoot></table></div>\n"
        return html
    }
}
