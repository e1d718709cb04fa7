import Archive
import FiscalCore
import Foundation
import Reports
import Testing

@Suite("HTML report")
struct HTMLReportTests {
    private func write(
        _ source: some RegisterReader, language: ReportLanguage = .en, month: YearMonth = Fixture.october
    ) async throws -> (WrittenReport, String) {
        let directory = try Fixture.temporaryDirectory()
        let written = try await ReportGenerator().writeHTML(
            month: month, source: source, language: language, asOf: Fixture.asOf, to: directory + "/\(month).html")
        let html = try readBytes(written.path).text
        if let sample = ProcessInfo.processInfo.environment["REPORTS_SAMPLE_DIR"], month == Fixture.october {
            try? FileManager.default.createDirectory(atPath: sample, withIntermediateDirectories: true)
            try? Data(html.utf8).write(to: URL(fileURLWithPath: sample + "/sample-\(language.rawValue).html"))
        }
        return (written, html)
    }

    @Test("Hostile text is escaped: no script tag, no injected attribute, no javascript: link")
    func hostileText() async throws {
        var source = Fixture.goldenMonth
        source.entries.append(Fixture.entry(
            20, .payment, id: 99, at: Fixture.at(2026, 10, 7), amount: Fixture.uzs("1.00"),
            vendor: "\"><img src=x onerror=alert(1)>'&",
            url: "https://ofd.soliq.uz/epi?t=1&r=2\"onmouseover=\"x", note: "<b>bold</b>", state: "waiting", reason: "<script>x</script>"))
        let (_, html) = try await write(source)
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;"))
        #expect(!html.contains("<b>bold"))
        #expect(html.contains("=HYPERLINK(&quot;http://x&quot;)"))
        #expect(!html.contains("href=\"javascript:"))
        #expect(!html.contains("\"onmouseover"))
        #expect(html.contains("r=2&quot;onmouseover=&quot;x"))
    }

    @Test("Receipt links: rel=noreferrer noopener, http(s) only")
    func links() async throws {
        let (_, html) = try await write(Fixture.goldenMonth)
        let link = "<a href=\"https://ofd.soliq.uz/epi?t=EP000000000510&amp;r=104636849&amp;c=20261001000030&amp;"
            + "s=088681055845\" rel=\"noreferrer noopener\">088681055845</a>"
        #expect(html.contains(link))
        let anchors = html.components(separatedBy: "<a ").count - 1
        let safe = html.components(separatedBy: "rel=\"noreferrer noopener\"").count - 1
        #expect(anchors == safe)
        #expect(anchors == 3)  // two archived receipts and one known link; the javascript: one is not a link
    }

    @Test("Self-contained: no external requests, inline CSS, a print stylesheet, an SVG chart with titles")
    func selfContained() async throws {
        let (_, html) = try await write(Fixture.goldenMonth)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("src="))
        #expect(!html.contains("url("))
        #expect(!html.contains("@import"))
        #expect(html.contains("<style>"))
        #expect(html.contains("@media print"))
        #expect(html.contains("break-before:page"))
        #expect(html.contains("<svg viewBox="))
        #expect(html.contains("<title id=\"chart-uzs-t\">"))
        #expect(html.contains("<title>2026-10-01: Payments and p2p 1 · 150,000.00 UZS</title>"))
        #expect(html.contains("id=\"chart-usd-t\""))
        #expect(html.hasSuffix("</html>\n"))
    }

    /// The chart's value labels are right-aligned left of the plot: each must fit between the figure's left edge and
    /// its anchor (digits of 11-unit text are ~6 units wide). A day of a billion sums made a 16-character label that
    /// the fixed 96-unit margin cut; small months keep that margin (anchor at 90).
    @Test("The chart's value labels fit inside the figure, however large the day")
    func chartLabelsFit() async throws {
        func labels(_ html: String) -> [(x: Int, text: String)] {
            let pattern = #/<text class="val" x="(\d+)" y="\d+" text-anchor="end">([^<]+)</text>/#
            return html.matches(of: pattern).map { (Int($0.output.1)!, String($0.output.2)) }
        }
        let (_, small) = try await write(Fixture.goldenMonth)
        #expect(labels(small).map(\.x).allSatisfy { $0 == 90 }, "\(labels(small))")
        var source = Fixture.goldenMonth
        source.entries.append(Fixture.entry(
            20, .payment, id: 99, at: Fixture.at(2026, 10, 7), amount: Fixture.uzs("1006454824.00")))
        source.entries.append(Fixture.entry(
            21, .refund, id: 99, at: Fixture.at(2026, 10, 8), amount: Fixture.uzs("-374796818.45")))
        let (_, large) = try await write(source)
        let found = labels(large)
        #expect(found.map(\.text).contains("1,006,454,824.00"), "\(found)")
        #expect(found.map(\.text).contains("\u{2212}374,796,818.45"), "\(found)")
        for label in found { #expect(label.x >= label.text.count * 6, "\(label) is cut at the figure's edge") }
    }

    @Test("Summary first, then chart, exceptions, register; states period, as-of time and chain head")
    func structure() async throws {
        let (written, html) = try await write(Fixture.goldenMonth)
        let order = ["id=\"summary\"", "id=\"daily\"", "id=\"exceptions\"", "id=\"register\""]
            .compactMap { html.range(of: $0)?.lowerBound }
        #expect(order.count == 4)
        #expect(order == order.sorted())
        #expect(html.contains("2026-10-01 – 2026-10-31"))
        #expect(html.contains("2026-11-01 00:05:00"))
        #expect(html.contains(Fixture.goldenMonth.head))
        #expect(html.contains("2026-10.html.sha256"))
        #expect(written.rowCount == 8)
        // The summary shows the same figures as the register: grouped, negative with a true minus.
        #expect(html.contains("173,000.00"))
        #expect(html.contains("<td class=\"num neg\">\u{2212}60,000.00</td>"))
        #expect(html.contains("113,000.00"))
        #expect(html.contains("1,000.22"))
        // Exceptions with their deadline and reason.
        #expect(html.contains("register a refund receipt by <span class=\"id\">2026-11-10</span>"))
        #expect(html.contains("receipt page not found"))
        #expect(html.contains("receipt 19,000.00, difference \u{2212}1,000.00"))
        // Every register row with an exception is flagged.
        #expect(html.components(separatedBy: "<tr class=\"x\">").count - 1 == 5)
    }

    @Test("Labels in Russian and Uzbek, numbers grouped with spaces and a decimal comma", arguments: [
        (ReportLanguage.ru, "Ежемесячный отчёт", "Октябрь 2026", "173\u{00A0}000,00", "lang=\"ru\""),
        (ReportLanguage.uz, "Oylik hisobot", "Oktabr 2026", "173\u{00A0}000,00", "lang=\"uz-Latn\""),
        (ReportLanguage.en, "Monthly report", "October 2026", "173,000.00", "lang=\"en\""),
    ])
    func languages(language: ReportLanguage, title: String, month: String, amount: String, lang: String) async throws {
        let (_, html) = try await write(Fixture.goldenMonth, language: language)
        #expect(html.contains(title))
        #expect(html.contains(month))
        #expect(html.contains(amount))
        #expect(html.contains(lang))
    }

    @Test("An empty month is a valid report with zero totals")
    func emptyMonth() async throws {
        let (written, html) = try await write(InMemoryRegisterReader(entries: []))
        #expect(written.rowCount == 0)
        #expect(html.contains("No events in this period."))
        #expect(html.contains("No exceptions"))
        #expect(html.contains("No archived receipts dated in this period."))
        #expect(html.contains("<div class=\"value\">0.00<small>UZS</small></div>"))
        #expect(html.hasSuffix("</html>\n"))
    }

    @Test("The HTML escaping function escapes the five characters")
    func escaping() {
        #expect(HTMLEscaping.escape("<script>\"a\" & 'b'</script>")
                == "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;")
        #expect(HTMLEscaping.escape("Oʻzbekiston") == "Oʻzbekiston")
    }

    @Test("Amount formatting per language", arguments: [
        (ReportLanguage.en, Int64(-123_456_789), "\u{2212}1,234,567.89"),
        (.ru, 5, "0,05"),
        (.uz, 100_000, "1\u{00A0}000,00"),
        (.en, 0, "0.00"),
        (.en, 99_999, "999.99"),
    ])
    func formatting(language: ReportLanguage, minor: Int64, expected: String) {
        #expect(language.format(Money(minorUnits: minor, currency: .uzs)) == expected)
    }
}

@Suite("Determinism and checksums")
struct DeterminismTests {
    @Test("The same source gives byte-identical files, and the .sha256 beside each matches", arguments: ["csv", "html"])
    func rerun(format: String) async throws {
        let source = RandomMonth.make(month: Fixture.october, count: 500, seed: 7)
        var hashes: [String] = []
        var contents: [[UInt8]] = []
        for _ in 0..<2 {
            let directory = try Fixture.temporaryDirectory()
            let path = directory + "/2026-10.\(format)"
            let generator = ReportGenerator()
            let written = await format == "csv"
                ? try generator.writeCSV(month: Fixture.october, source: source, asOf: Fixture.asOf, to: path)
                : try generator.writeHTML(month: Fixture.october, source: source, language: .ru, asOf: Fixture.asOf, to: path)
            let bytes = try readBytes(path)
            contents.append(bytes)
            hashes.append(written.sha256Hex)
            let checksum = try readBytes(path + ".sha256").text
            #expect(checksum == "\(written.sha256Hex)  2026-10.\(format)\n")
            #expect(written.sha256Hex == Self.sha256Hex(of: path))
            #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        }
        #expect(contents[0] == contents[1])
        #expect(hashes[0] == hashes[1])
        #expect(hashes[0].count == 64)
    }

    /// The checksum by the system's own `sha256sum`, independent of our hashing.
    static func sha256Hex(of path: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init)
    }

    @Test("sha256sum -c accepts the checksum file")
    func sha256sumCheck() async throws {
        let directory = try Fixture.temporaryDirectory()
        _ = try await ReportGenerator().writeCSV(month: Fixture.october, source: Fixture.goldenMonth, asOf: Fixture.asOf,
                                           to: directory + "/2026-10.csv")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = ["--check", "--status", "2026-10.csv.sha256"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
