public import BoxCore

/// A worker as the Manager API describes it: an entry of an acquire answer (`id`, `name`, `host`, `port`,
/// `state` = how it was obtained) or of `GET /v1/workers` (every field, `state` = its life-cycle state).
/// docs/manager-api.md. Fields a caller did not send are nil.
public struct ManagerWorker: Sendable, Equatable {
    /// Docker's full container id.
    public var id: WorkerID
    /// Docker's container name (`esb-<function>-<8 hex>`).
    public var name: String?
    /// Where its RIE listens.
    public var host: String?
    /// The RIE port.
    public var port: Int?
    /// Acquire: how it was obtained. List: its life-cycle state.
    public var state: WorkerStatus?
    /// The function it runs (list only).
    public var function: String?
    /// Whether anyone holds its lease (list only).
    public var leased: Bool?
    /// The `X-ESB-Gateway` id of the gateway holding the lease (list only); nil when released, adopted by a
    /// restarted Manager and not yet claimed, or held by `POST /containers/ensure`.
    public var holder: String?
    /// The Manager's config hash of the worker (list only).
    public var config: String?
    /// Last leased, renewed or released, UTC ISO-8601 (list only).
    public var lastUsed: String?
    /// Created or adopted, UTC ISO-8601 (list only).
    public var created: String?

    public init(
        id: WorkerID, name: String? = nil, host: String? = nil, port: Int? = nil, state: WorkerStatus? = nil,
        function: String? = nil, leased: Bool? = nil, holder: String? = nil, config: String? = nil,
        lastUsed: String? = nil, created: String? = nil
    ) {
        self.id = id
        self.name = name
        self.host = host
        self.port = port
        self.state = state
        self.function = function
        self.leased = leased
        self.holder = holder
        self.config = config
        self.lastUsed = lastUsed
        self.created = created
    }

    /// How an acquire obtained it (nil in a listing, or from a Manager that did not say).
    public var leaseKind: LeaseKind? { state?.leaseKind }

    /// Reads one entry; only `id` is required, a field of the wrong type counts as absent.
    public init(json value: JSONValue) throws(ManagerAPIError) {
        guard let object = value.objectValue, let id = object["id"]?.stringValue else {
            throw ManagerAPIError("a worker entry needs an \"id\"")
        }
        self.init(
            id: id, name: object["name"]?.stringValue, host: object["host"]?.stringValue,
            port: object["port"]?.intValue,
            state: object["state"]?.stringValue.map { WorkerStatus($0) }, function: object["function"]?.stringValue,
            leased: object["leased"]?.boolValue, holder: object["holder"]?.stringValue,
            config: object["config"]?.stringValue,
            lastUsed: object["last_used"]?.stringValue, created: object["created"]?.stringValue)
    }

    /// An acquire answer's entry: `{"id","name","host","port","state"}`.
    func writeLeased(to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("name"); w.string(name ?? "")
        w.key("host"); w.string(host ?? "")
        w.key("port"); w.int(port ?? 0)
        w.key("state"); w.string(state?.description ?? "")
        w.endObject()
    }

    /// A listing's entry: every field, `holder` null when nobody named holds it.
    func writeListed(to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("name"); w.string(name ?? "")
        w.key("function"); w.string(function ?? "")
        w.key("state"); w.string(state?.description ?? "")
        w.key("leased"); w.bool(leased ?? false)
        w.key("holder"); w.string(orNull: holder)
        w.key("config"); w.string(config ?? "")
        w.key("host"); w.string(host ?? "")
        w.key("port"); w.int(port ?? 0)
        w.key("last_used"); w.string(lastUsed ?? "")
        w.key("created"); w.string(created ?? "")
        w.endObject()
    }
}
