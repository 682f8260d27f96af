#if canImport(Glibc)
    import Glibc
#endif
import Posix

/// The daemons' file watch (docs/configuration.md, "Reload"): the configuration files are looked at every
/// `interval`; once a change has settled (nothing changed for one more interval, so files replaced one after the
/// other by `esb deploy` are read together) the process sends itself SIGHUP, so a change is reloaded exactly as a
/// SIGHUP is: one reload path, serialised, a broken file keeping the old configuration.
///
/// A poll rather than inotify: it sees a file replaced by rename inside a bind-mounted directory the same way as one
/// edited in place, and costs a few `stat` calls a second. The poll is a timer on the primary loop's heap that
/// re-arms itself (no task, no thread).
public enum ConfigFileWatch {
    /// Starts watching `paths`; cancel the returned timer to stop.
    public static func start(paths: [String], interval: Duration) -> LoopTimer {
        let state = WatchState(last: paths.map(FileFingerprint.of))
        let timer = LoopTimer(on: EventLoopGroup.shared.primary) {
            let now = paths.map(FileFingerprint.of)
            if now != state.last {
                state.last = now
                state.settling = true
            } else if state.settling {
                state.settling = false
                kill(getpid(), SIGHUP)
            }
            state.timer?.schedule(after: interval)
        }
        state.timer = timer
        timer.schedule(after: interval)
        return timer
    }

    /// What the watch remembers between ticks; touched only on the primary loop (the timer's action).
    final class WatchState: @unchecked Sendable {
        var last: [FileFingerprint?]
        var settling = false
        weak var timer: LoopTimer?
        init(last: [FileFingerprint?]) { self.last = last }
    }
}
