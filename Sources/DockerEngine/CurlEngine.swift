import CCurl
import Posix
import Synchronization

/// The one thread that drives every Docker Engine API transfer of the process through a libcurl multi handle.
///
/// Docker calls are slow on the daemon's side (tens to hundreds of ms) and cheap on ours, so one thread with
/// `curl_multi_poll` carries any number of concurrent calls and long-lived streams (logs, events) without
/// blocking a Swift concurrency thread. Other threads only queue work and call `curl_multi_wakeup`, which
/// libcurl documents as thread-safe; the multi handle and every added easy handle are otherwise touched by
/// the engine thread alone, which is why this type is `@unchecked Sendable`.
final class CurlEngine: @unchecked Sendable {
    /// The process-wide engine (started on first use).
    static let shared = CurlEngine()

    private struct Inbox {
        var adds: [CurlTransfer] = []
        var removals: [CurlTransfer] = []
    }

    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())

    private init() {
        // CURL_GLOBAL_ALL is a compound macro Swift does not import: SSL (1) | WIN32 (2).
        curl_global_init(3)
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed") }
        self.multi = multi
        OSThread.start(name: "docker-curl") { [self] in run() }
    }

    /// Starts a transfer; its sink hears about data and completion on the engine thread.
    func submit(_ transfer: CurlTransfer) {
        inbox.withLock { $0.adds.append(transfer) }
        curl_multi_wakeup(multi)
    }

    /// Stops a transfer (if it is still running); its sink has already been told by the caller.
    func remove(_ transfer: CurlTransfer) {
        inbox.withLock { $0.removals.append(transfer) }
        curl_multi_wakeup(multi)
    }

    private func run() {
        var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
        while true {
            let batch = inbox.withLock { inbox in
                defer { inbox = Inbox() }
                return inbox
            }
            for transfer in batch.adds where !transfer.isCancelled {
                let code = curl_multi_add_handle(multi, transfer.easy)
                if code == CURLM_OK {
                    active[transfer.easy] = transfer
                } else {
                    transfer.complete(
                        failure: DockerError(.invalidRequest, message: "curl_multi_add_handle: \(code.rawValue)"))
                }
            }
            for transfer in batch.removals where active.removeValue(forKey: transfer.easy) != nil {
                curl_multi_remove_handle(multi, transfer.easy)
            }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                    let transfer = active.removeValue(forKey: easy)
                else { continue }
                let result = message.pointee.data.result
                curl_multi_remove_handle(multi, easy)
                transfer.complete(curlCode: result)
            }
            var ready: Int32 = 0
            // The timeout only bounds how late libcurl's own timers fire; new work wakes the poll at once.
            curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
    }
}

extension CurlEngine {
    /// Whether GnuTLS, which libcurl's dependencies load into the process, finds ccurl.c's hook and skips its
    /// implicit initialisation (about 0.6 MB of idle resident memory, docs/performance.md "Memory"). False when
    /// the executable does not export the hook (the linker flag in Package.swift went missing).
    static var skipsGnuTLSImplicitInitialisation: Bool { CCurl_gnutls_init_skip_is_exported() == 1 }
}
