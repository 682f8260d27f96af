import Foundation
import Glibc

/// The Lambda network of this test process: one name per run, shared by every Manager the process starts, so
/// runs never meet on a network an earlier (or a concurrent) run left behind, and the Managers' own race-free
/// creation (docs/manager.md, "The Lambda network") is what makes the many Managers of one run agree on it.
///
/// Nothing creates it here: the first Manager that needs it does. It is removed when the process exits
/// (`docker network rm` refuses while a container is attached, so a leftover worker keeps it, never breaks it);
/// `scripts/test-all.sh` also removes empty `esb-testnet-*` networks that a crashed run left.
public enum TestNetwork {
    public static let name: String = {
        let name = "esb-testnet-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        atexit { TestNetwork.removeAtExit() }
        return name
    }()

    /// Removes every network of this run's name (there may be several when a test made duplicates on purpose).
    private static func removeAtExit() {
        let command = "docker network ls -q --filter name=^\(name)$ | xargs -r docker network rm >/dev/null 2>&1"
        _ = system(command)
    }
}
