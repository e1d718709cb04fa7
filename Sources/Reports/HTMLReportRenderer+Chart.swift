import FiscalCore

/// The daily-totals chart: inline SVG, one chart per currency, payments up and refunds down, weekends shaded.
///
/// Coordinates are computed with integers (tenths of a unit): no floating point near money.
extension HTMLReportRenderer {
    private static let width = 1160
    private static let height = 250
    /// Room left of the plot for the value labels, at least (see ``leftMargin(labels:)``).
    private static let left = 96
    private static let right = 8
    private static let top = 14
    private static let bottom = 26

    func dailySection() -> String {
        var html = "<section id=\"daily\">\n<h2>\(esc(labels.daily))</h2>\n"
        for totals in summary.currencies { html += chart(totals) }
        html += "</section>\n"
        return html
    }

    private func chart(_ totals: MonthlySummary.CurrencyTotals) -> String {
        let currency = totals.currency.alphaCode
        let id = "chart-\(currency.lowercased())"
        let maxIn = totals.days.map(\.inflow.amount.minorUnits).max() ?? 0
        let maxOut = totals.days.map { -$0.outflow.amount.minorUnits }.max() ?? 0
        let topLabel = language.format(minorUnits: maxIn)
        let bottomLabel = language.format(minorUnits: -maxOut)
        let left = Self.leftMargin(labels: [maxIn > 0 ? topLabel : "", maxOut > 0 ? bottomLabel : ""])
        let plotWidth = Self.width - left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        let range = max(0, maxIn) + max(0, maxOut)
        // Tenths of a unit.
        func scaled(_ value: Int64) -> Int {
            guard range > 0 else { return 0 }
            return Int(Self.muldiv(value, Int64(plotHeight * 10), range))
        }
        let zeroY = Self.top * 10 + (range > 0 ? scaled(max(0, maxIn)) : plotHeight * 5)
        let slot = plotWidth * 10 / max(1, totals.days.count)
        let barWidth = slot * 7 / 10

        var svg = """
            <figure>
            <h3>\(esc(currency))</h3>
            <svg viewBox="0 0 \(Self.width) \(Self.height)" role="img" aria-labelledby="\(id)-t \(id)-d" \
            xmlns="http://www.w3.org/2000/svg">
            <title id="\(id)-t">\(esc(labels.daily)), \(esc(currency))</title>
            <desc id="\(id)-d">\(esc(labels.chartDescription(totals.currency)))</desc>

            """
        // Weekend shading.
        for day in totals.days where isWeekend(day.day) {
            let x = left * 10 + (day.day - 1) * slot
            svg += "<rect class=\"we\" x=\"\(t(x))\" y=\"\(Self.top)\" width=\"\(t(slot))\" height=\"\(plotHeight)\"/>\n"
        }
        // Grid lines and value labels at the extremes.
        let x0 = left
        let x1 = Self.width - Self.right
        if maxIn > 0 {
            svg += "<line class=\"grid\" x1=\"\(x0)\" x2=\"\(x1)\" y1=\"\(Self.top)\" y2=\"\(Self.top)\"/>\n"
            svg += "<text class=\"val\" x=\"\(x0 - 6)\" y=\"\(Self.top + 4)\" text-anchor=\"end\">"
                + "\(esc(topLabel))</text>\n"
        }
        if maxOut > 0 {
            let y = Self.top + plotHeight
            svg += "<line class=\"grid\" x1=\"\(x0)\" x2=\"\(x1)\" y1=\"\(y)\" y2=\"\(y)\"/>\n"
            svg += "<text class=\"val\" x=\"\(x0 - 6)\" y=\"\(y)\" text-anchor=\"end\">"
                + "\(esc(bottomLabel))</text>\n"
        }
        svg += "<text class=\"val\" x=\"\(x0 - 6)\" y=\"\(t(zeroY + 35))\" text-anchor=\"end\">0</text>\n"
        // Bars, one group per day with an accessible title.
        for day in totals.days {
            let x = left * 10 + (day.day - 1) * slot + (slot - barWidth) / 2
            let date = Tashkent.LocalDateTime(year: summary.month.year, month: summary.month.month, day: day.day)
            var title = "\(language.date(date)): \(labels.chartIn) \(language.format(count: day.inflow.count)) · "
                + "\(language.format(day.inflow.amount)) \(currency)"
            if day.outflow.count > 0 {
                title += "; \(labels.chartOut) \(language.format(count: day.outflow.count)) · "
                    + "\(language.format(day.outflow.amount)) \(currency)"
            }
            svg += "<g><title>\(esc(title))</title>"
            let up = scaled(max(0, day.inflow.amount.minorUnits))
            if up > 0 || day.inflow.count > 0 {
                let height = max(up, 5)
                svg += "<rect class=\"in\" x=\"\(t(x))\" y=\"\(t(zeroY - height))\" width=\"\(t(barWidth))\" "
                    + "height=\"\(t(height))\"/>"
            }
            let down = scaled(max(0, -day.outflow.amount.minorUnits))
            if down > 0 || day.outflow.count > 0 {
                svg += "<rect class=\"out\" x=\"\(t(x))\" y=\"\(t(zeroY))\" width=\"\(t(barWidth))\" "
                    + "height=\"\(t(max(down, 5)))\"/>"
            }
            svg += "</g>\n"
            let labelX = left * 10 + (day.day - 1) * slot + slot / 2
            svg += "<text x=\"\(t(labelX))\" y=\"\(Self.height - 8)\" text-anchor=\"middle\">\(day.day)</text>\n"
        }
        svg += "<line class=\"axis\" x1=\"\(x0)\" x2=\"\(x1)\" y1=\"\(t(zeroY))\" y2=\"\(t(zeroY))\"/>\n"
        svg += "</svg>\n"
        svg += "<figcaption class=\"legend\"><i class=\"in\"></i>\(esc(labels.chartIn))"
            + "<i class=\"out\"></i>\(esc(labels.chartOut)) · \(esc(currency))</figcaption>\n</figure>\n"
        return svg
    }

    /// Room left of the plot for `labels` (right-aligned 6 units from the plot, 11-unit text): 96 units hold a label
    /// of 13 characters (`10,000,000.00`); a longer one widens it at ~6.5 units a character, so a month whose days
    /// reach a billion shows its top label whole (it was cut at the figure's left edge).
    private static func leftMargin(labels: [String]) -> Int {
        max(left, (labels.map(\.count).max() ?? 0) * 13 / 2 + 8)
    }

    /// Saturday or Sunday.
    private func isWeekend(_ day: Int) -> Bool {
        let days = Tashkent.daysFromCivil(year: summary.month.year, month: summary.month.month, day: day)
        let weekday = ((days + 4) % 7 + 7) % 7  // 1970-01-01 was a Thursday; 0 is Sunday
        return weekday == 0 || weekday == 6
    }

    /// Tenths of a unit as SVG text: `123` → `12.3`.
    private func t(_ tenths: Int) -> String {
        let sign = tenths < 0 ? "-" : ""
        let magnitude = tenths.magnitude
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }

    /// `a × b / c` without overflow (a, b ≥ 0, c > 0, result fits).
    static func muldiv(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
        let product = a.multipliedFullWidth(by: b)
        return c.dividingFullWidth((product.high, product.low)).quotient
    }
}
