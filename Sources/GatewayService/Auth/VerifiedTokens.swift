import Synchronization

/// Tokens this gateway has verified, by their exact text (docs/events-and-auth.md, "Verified tokens"): a client
/// sends the same bearer token with every request for up to its lifetime, and decoding and parsing it again cost
/// more than the rest of the request's checks. A token is only remembered after `JWT.verify` accepted it with
/// the gateway's key, so a hit proves the same bytes were signed by that key; the time rules are checked again
/// on every hit.
final class VerifiedTokens: Sendable {
    private struct Entry {
        let claims: TokenClaims
        /// Epoch second of the verification: `nbf` and `iat` passed then, so they pass at any later second.
        let verifiedAt: Int
    }

    /// At most this many tokens are kept; a full cache first drops expired ones, then all (memory stays bounded
    /// whatever a client logs in for).
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// The claims of `token` when it was verified at or before `now` and is not expired at `now`. A clock that
    /// went back before the verification makes it a miss: the token is verified again.
    func claims(of token: String, now: Int) -> TokenClaims? {
        guard let entry = entries.withLock({ $0[token] }) else { return nil }
        guard entry.verifiedAt <= now, now < entry.claims.refusedFrom else { return nil }
        return entry.claims
    }

    /// Remembers a token `JWT.verify` accepted at `now`.
    func remember(_ token: String, claims: TokenClaims, verifiedAt now: Int) {
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now < $0.value.claims.refusedFrom }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[token] = Entry(claims: claims, verifiedAt: now)
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
