import Foundation

/// A fixed set of threads, one per core, for the CPU-heavy part of a receipt (libxml2 parsing, hashing,
/// compression, JSON encoding).
///
/// Swift's cooperative pool has one thread per core too; a page parsed on it holds up every network read and
/// database resume behind it. Work sent here queues for these threads instead, and the awaiting task is resumed
/// on the cooperative pool when it is done, so network I/O never waits behind a parse and parsing never runs more
/// threads than there are cores.
public final class CPUWorkPool: @unchecked Sendable {
    // `@unchecked Sendable`: `jobs` and `head` are only read and written while `condition` is locked.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    /// How many threads serve the pool.
    public let threadCount: Int

    /// The process's pool, sized to the active cores.
    public static let shared = CPUWorkPool(threadCount: ProcessInfo.processInfo.activeProcessorCount)

    /// Starts `threadCount` threads that live as long as the process (the pool is shared, never torn down).
    private init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
        for index in 0..<self.threadCount {
            let thread = Thread { [self] in serve() }
            thread.name = "fiscal-archive-cpu-\(index)"
            thread.start()
        }
    }

    /// Runs `body` on one of the pool's threads and returns its result to the awaiting task.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit { continuation.resume(with: Result { try body() }) }
        }
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job()
        }
    }
}
