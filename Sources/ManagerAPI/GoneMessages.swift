import BoxCore

/// `GET /v1/workers/gone?after=SEQ` answer: `{"seq":N,"workers":[ids]}` (docs/manager-api.md). `seq` is the
/// cursor for the next call; `workers` the ids gone after the asked cursor (empty when the wait ran out).
public struct GoneReply: Sendable, Equatable {
    /// The Manager's newest sequence number: pass it as `after` next time.
    public var seq: UInt64
    /// Workers that died or were removed after the cursor asked for.
    public var workers: [WorkerID]

    public init(seq: UInt64, workers: [WorkerID]) {
        self.seq = seq
        self.workers = workers
    }

    public init(body: [UInt8]) throws(ManagerAPIError) {
        let object = try APIBody.object(body, allowEmpty: false)
        guard let seq = object?["seq"]?.numberValue.flatMap({ UInt64($0.text) }) else {
            throw ManagerAPIError("a gone answer needs \"seq\"")
        }
        self.init(seq: seq, workers: try APIBody.ids(object?["workers"], name: "workers"))
    }

    public var body: [UInt8] {
        APIBody.serialize(capacity: 48 + 70 * workers.count) { w in
            w.key("seq"); w.number(JSONNumber(Int64(clamping: seq)))
            APIBody.write(ids: workers, key: "workers", to: &w)
        }
    }
}
