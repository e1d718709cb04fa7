import FiscalCore

/// Runs the report renderer one call at a time: a report reads the whole month, and a burst of requests for
/// reports must not become a burst of full scans.
actor ReportGate {
    private let renderer: WebConfiguration.ReportRenderer?
    /// Whether reports can be generated at all.
    nonisolated let isEnabled: Bool

    init(_ renderer: WebConfiguration.ReportRenderer?) {
        self.renderer = renderer
        self.isEnabled = renderer != nil
    }

    /// The month's report (`nil` when no renderer is configured).
    func render(_ month: YearMonth, format: WebConfiguration.ReportFormat) async throws -> [UInt8]? {
        guard let renderer else { return nil }
        return try await renderer(month, format)
    }
}
