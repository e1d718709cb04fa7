import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Names sync workers `host:pid:nonce`, so that a restarted sync can tell which leases belong to processes that
/// died on this machine (`kill -9`, a crash) and take their jobs back at once instead of after the lease.
public enum WorkerIdentity {
    /// A fresh name for this process.
    public static func make() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid()):\(UUID().uuidString.prefix(8))"
    }

    /// Whether `worker` names a process on this host that no longer exists. Workers of other hosts, of this
    /// process, or with unreadable names are never declared dead (their leases simply expire).
    public static func isDeadLocalProcess(_ worker: String) -> Bool {
        let parts = worker.split(separator: ":")
        guard parts.count == 3, String(parts[0]) == ProcessInfo.processInfo.hostName,
            let pid = Int32(parts[1]), pid > 0, pid != getpid()
        else { return false }
        return kill(pid, 0) == -1 && errno == ESRCH
    }
}
