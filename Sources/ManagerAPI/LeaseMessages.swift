import BoxCore

/// `POST /v1/functions/{name}/workers` body: `{"count": N}` (docs/manager-api.md).
public struct LeaseRequest: Sendable, Equatable {
    /// Workers asked for (≥ 1).
    public var count: Int

    /// A request for `count` workers.
    public init(count: Int) { self.count = count }

    /// Reads a body; an empty body or no `count` asks for one worker.
    public init(body: [UInt8]) throws(ManagerAPIError) {
        count = 1
        if let value = try APIBody.object(body, allowEmpty: true)?["count"] {
            guard let n = value.intValue, n >= 1 else { throw ManagerAPIError("count must be a whole number ≥ 1") }
            count = n
        }
    }

    public var body: [UInt8] {
        APIBody.serialize(capacity: 24) {
            $0.key("count"); $0.int(count)
        }
    }
}

/// The `201` answer to a lease: `{"workers":[...],"limit_reached":bool}`.
public struct LeaseReply: Sendable, Equatable {
    /// Workers now leased to the caller (possibly fewer than asked).
    public var workers: [ManagerWorker]
    /// True when the function's `max_concurrency` stopped the Manager from handing over more.
    public var limitReached: Bool

    public init(workers: [ManagerWorker], limitReached: Bool) {
        self.workers = workers
        self.limitReached = limitReached
    }

    public init(body: [UInt8]) throws(ManagerAPIError) {
        guard let object = try APIBody.object(body, allowEmpty: false), let list = object["workers"]?.arrayValue else {
            throw ManagerAPIError("a lease answer needs \"workers\"")
        }
        var workers: [ManagerWorker] = []
        for entry in list { workers.append(try ManagerWorker(json: entry)) }
        self.init(workers: workers, limitReached: object["limit_reached"]?.boolValue ?? false)
    }

    public var body: [UInt8] {
        APIBody.serialize { w in
            w.key("workers")
            w.beginArray()
            for worker in workers { worker.writeLeased(to: &w) }
            w.endArray()
            w.key("limit_reached"); w.bool(limitReached)
        }
    }
}

/// `GET /v1/workers` answer: `{"workers":[...]}`.
public struct WorkerList: Sendable, Equatable {
    /// Every worker the Manager manages.
    public var workers: [ManagerWorker]

    public init(workers: [ManagerWorker]) { self.workers = workers }

    /// Reads an answer: `{"workers":[...]}`, or a bare array (older Managers).
    public init(body: [UInt8]) throws(ManagerAPIError) {
        guard let value = try? JSONValue(parsing: body),
            let list = value.objectValue?["workers"]?.arrayValue ?? value.arrayValue
        else { throw ManagerAPIError("a worker list is {\"workers\":[...]}") }
        var workers: [ManagerWorker] = []
        for entry in list { workers.append(try ManagerWorker(json: entry)) }
        self.workers = workers
    }

    public var body: [UInt8] {
        APIBody.serialize(capacity: 256 + 320 * workers.count) { w in
            w.key("workers")
            w.beginArray()
            for worker in workers { worker.writeListed(to: &w) }
            w.endArray()
        }
    }
}
