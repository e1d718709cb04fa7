import Foundation

/// Output helpers for the command line: stdout for results, stderr for messages, TTY detection.
enum Terminal {
    /// Whether stdout is a terminal (progress bars, colours).
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }
    /// Whether stderr is a terminal.
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }
    /// Whether stdin is a terminal (confirmation prompts).
    static var stdinIsTTY: Bool { isatty(STDIN_FILENO) == 1 }

    /// Writes a line to stderr.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Writes raw text to stderr (no newline).
    static func status(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `text` with every character that could steer a terminal made visible: C0 and C1 controls (escape sequences,
    /// carriage returns, bells, newlines), DEL, line and paragraph separators and the bidirectional overrides that
    /// reorder what is shown. Each becomes `\u{…}`, so a hostile receipt can neither run escape sequences nor forge
    /// a line of its own. Apply it to each line of untrusted text before joining the lines.
    static func visible(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if isSteering(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isSteering(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true  // C0, DEL, C1 (0x9B is a one-byte CSI)
        case 0x2028, 0x2029: true  // line and paragraph separators
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true  // bidirectional marks and overrides
        default: false
        }
    }

    /// Asks a yes/no question on the terminal; anything but y/yes is no.
    static func confirm(_ question: String) -> Bool {
        status(question + " [y/N] ")
        guard let answer = readLine() else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }
}

/// A one-line progress bar on stderr for TTYs; plain periodic log lines otherwise.
final class ProgressDisplay: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `lock`.
    private let lock = NSLock()
    private let isTTY = Terminal.stderrIsTTY
    private var lastDraw = Date.distantPast
    private var lastLine = Date.distantPast

    /// Draws the bar (at most 10 times a second) or logs a line (every 5 seconds).
    func update(processed: Int, expected: Int, archived: Int, waiting: Int, failed: Int, rate: Double, eta: Double?) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        if isTTY {
            guard now.timeIntervalSince(lastDraw) >= 0.1 || processed == expected else { return }
            lastDraw = now
            let width = 30
            let fraction = expected > 0 ? min(1, Double(processed) / Double(expected)) : 0
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let etaText = eta.map { " ETA \(Self.duration($0))" } ?? ""
            Terminal.status(String(format: "\r%@ %d/%d  archived %d  waiting %d  failed %d  %.1f/s%@\u{1B}[K",
                bar, processed, expected, archived, waiting, failed, rate, etaText))
        } else {
            guard now.timeIntervalSince(lastLine) >= 5 else { return }
            lastLine = now
            Terminal.error(String(format: "sync: %d/%d processed, %d archived, %d waiting, %d failed, %.1f/s",
                processed, expected, archived, waiting, failed, rate))
        }
    }

    /// Ends the bar's line.
    func finish() {
        if isTTY { Terminal.status("\n") }
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? "\(total / 3600)h\(total % 3600 / 60)m" : total >= 60 ? "\(total / 60)m\(total % 60)s" : "\(total)s"
    }
}
