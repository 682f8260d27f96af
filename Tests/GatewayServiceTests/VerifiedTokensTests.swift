import BoxCore
import Synchronization
import Testing

@testable import GatewayService

/// The verified-token cache of TokenAuthority (docs/events-and-auth.md, "Verified tokens"): a hit never accepts a
/// token the full verification would refuse.
@Suite struct VerifiedTokensTests {
    final class Clock: Sendable {
        let seconds: Mutex<Int>
        init(_ start: Int) { seconds = Mutex(start) }
        func set(_ value: Int) { seconds.withLock { $0 = value } }
        var now: Int { seconds.withLock { $0 } }
    }

    let key = Array("cache-test-key-0123456789abcdef".utf8)

    func authority(_ clock: Clock, key: [UInt8]? = nil) -> TokenAuthority {
        TokenAuthority(key: key ?? self.key, lifetime: 60, now: { clock.now })
    }

    @Test func aCachedTokenIsRefusedFromItsExpiryOn() throws {
        let clock = Clock(1_000)
        let tokens = authority(clock)
        let token = JWT.issue(subject: "alice", now: 1_000, lifetimeSeconds: 60, secret: key)
        #expect(try tokens.verify(token).subject == "alice")
        #expect(tokens.verified.count == 1)
        clock.set(1_000 + 60 + JWT.leewaySeconds - 1)
        #expect(try tokens.verify(token).subject == "alice")
        clock.set(1_000 + 60 + JWT.leewaySeconds)
        #expect(throws: GatewayError.unauthorized) { try tokens.verify(token) }
    }

    @Test func aChangedCopyOfACachedTokenIsStillRefused() throws {
        let clock = Clock(1_000)
        let tokens = authority(clock)
        let token = JWT.issue(subject: "alice", now: 1_000, lifetimeSeconds: 60, secret: key)
        _ = try tokens.verify(token)
        var bytes = Array(token.utf8)
        bytes[bytes.count - 2] = bytes[bytes.count - 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: GatewayError.unauthorized) { try tokens.verify(String(decoding: bytes, as: UTF8.self)) }
        #expect(throws: GatewayError.unauthorized) { try tokens.verify(token + "x") }
        let otherKey = authority(clock, key: Array("another-key-0123456789abcdefghij".utf8))
        #expect(throws: GatewayError.unauthorized) { try otherKey.verify(token) }
    }

    @Test func aClockThatWentBackVerifiesTheTokenAgain() throws {
        let notBefore = 2_000
        let token = JWT.sign(
            JWTClaims(subject: "bob", issuedAt: nil, expiresAt: 5_000, notBefore: notBefore), secret: key)
        let clock = Clock(notBefore - JWT.leewaySeconds + 1)
        let tokens = authority(clock)
        #expect(try tokens.verify(token).subject == "bob")
        // Back before nbf − leeway: the full check refuses it, and so must the cache.
        clock.set(notBefore - JWT.leewaySeconds - 10)
        #expect(throws: GatewayError.unauthorized) { try tokens.verify(token) }
    }

    @Test func theCacheStaysBoundedAndDropsExpiredTokensFirst() {
        let cache = VerifiedTokens(capacity: 4)
        for i in 0..<3 {
            cache.remember("expired-\(i)", claims: TokenClaims(subject: "s", refusedFrom: 100), verifiedAt: 50)
        }
        cache.remember("live-0", claims: TokenClaims(subject: "s", refusedFrom: 1_000), verifiedAt: 200)
        cache.remember("live-1", claims: TokenClaims(subject: "s", refusedFrom: 1_000), verifiedAt: 200)
        #expect(cache.count == 2)
        #expect(cache.claims(of: "live-0", now: 200)?.subject == "s")
        for i in 0..<10 {
            cache.remember("more-\(i)", claims: TokenClaims(subject: "s", refusedFrom: 1_000), verifiedAt: 200)
        }
        #expect(cache.count <= 4)
        #expect(cache.claims(of: "more-9", now: 200) != nil)
    }
}
