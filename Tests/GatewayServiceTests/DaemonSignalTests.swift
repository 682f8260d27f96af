import ESBTestSupport
import Foundation
import Testing

/// Both daemons read SIGTERM from a signalfd (Reactor's `SignalWatcher`), which works only when the signal is blocked
/// in every thread, the main thread included: otherwise SIGTERM kills the process instead of draining it. The real
/// `esb-manager` binary: SIGTERM ends it with exit status 0 ("stopped" logged), not by the signal.
@Suite(.timeLimit(.minutes(5))) struct DaemonSignalTests {
    @Test func theManagerDrainsOnSIGTERMInsteadOfDyingOfIt() async throws {
        try #require(
            await InvokerManagerHarness.dockerReady(), "dockerd with esb-test/echo:latest (tests-e2e/setup.sh)")
        let harness = try await InvokerManagerHarness(maxConcurrency: 1)
        harness.stop()  // SIGTERM, then waits for the exit
        #expect(harness.process.terminationReason == .exit)
        #expect(harness.process.terminationStatus == 0)
        await harness.finish()
    }
}
