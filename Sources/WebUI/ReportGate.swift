import FiscalCore

/// Runs the report writer one call at a time, so two requests for the same month never write the same file at once.
actor ReportGate {
    private let writer: WebConfiguration.ReportWriter?
    /// Whether reports can be generated at all.
    nonisolated let isEnabled: Bool

    init(_ writer: WebConfiguration.ReportWriter?) {
        self.writer = writer
        self.isEnabled = writer != nil
    }

    /// Writes the month's report and returns the file's path (`nil` when no writer is configured).
    func write(_ month: YearMonth, format: String) async throws -> String? {
        guard let writer else { return nil }
        return try await writer(month, format)
    }
}
