import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One scheduler per archive: an exclusive `flock` on `<archive>.lock`, released when the process ends (even
/// by SIGKILL — the kernel drops the lock with the file descriptor).
public final class InstanceLock: Sendable {
    private let descriptor: Int32
    /// The lock file's path.
    public let path: String

    /// Takes the lock or throws ``InstanceLockError`` naming who holds it.
    public init(archivePath: String) throws {
        path = archivePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw InstanceLockError(message: "Cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 128)
            let count = pread(fd, &buffer, buffer.count, 0)
            let holder = count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "another process"
            close(fd)
            throw InstanceLockError(
                message: "Another scheduler is already running on this archive (\(holder)); lock file \(path). Only one may run at a time.")
        }
        let owner = Array("pid \(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, owner, owner.count, 0)
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// The archive already has a running scheduler.
public struct InstanceLockError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
