import Testing

@testable import DockerEngine

/// docs/performance.md, "Memory": GnuTLS comes in with libcurl's dependencies and would initialise itself in its
/// library constructor; the process exports `_gnutls_global_init_skip` so it does not. The test binary links CCurl
/// with the same linker settings as esb-manager, so a lost export fails here.
@Suite struct CurlLibraryTests {
    @Test func gnuTLSFindsTheProcessHookAndSkipsItsImplicitInitialisation() {
        #expect(CurlEngine.skipsGnuTLSImplicitInitialisation)
    }
}
