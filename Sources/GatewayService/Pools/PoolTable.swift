/// The host cache's pools by function name (docs/gateway-pools.md): the pools in an array and an index from name
/// to position.
///
/// A pool changes in place through `modify`, which hands out the array element itself. A `Dictionary` of this large
/// value changed it through the subscript's modify accessor, whose frame was allocated and the pool moved back
/// into the table on every call, several times per request (docs/performance.md).
struct PoolTable: Sendable {
    private var list: [FunctionPool] = []
    private var names: [String] = []
    private var positions: [String: Int] = [:]

    var count: Int { list.count }
    /// The function names, in no particular order.
    var keys: [String] { names }
    var values: [FunctionPool] { list }

    func contains(_ name: String) -> Bool { positions[name] != nil }

    /// A copy of the named pool (reading), or nil; setting nil removes the pool.
    subscript(name: String) -> FunctionPool? {
        get { positions[name].map { list[$0] } }
        set {
            guard let newValue else {
                removeValue(forKey: name)
                return
            }
            if let i = positions[name] {
                list[i] = newValue
            } else {
                positions[name] = list.count
                list.append(newValue)
                names.append(name)
            }
        }
    }

    /// Runs `body` on the named pool in place and returns its result; nil when there is no such pool.
    mutating func modify<Result>(_ name: String, _ body: (inout FunctionPool) -> Result) -> Result? {
        guard let i = positions[name] else { return nil }
        return body(&list[i])
    }

    /// Removes the named pool (the last one takes its place) and returns it.
    @discardableResult
    mutating func removeValue(forKey name: String) -> FunctionPool? {
        guard let i = positions.removeValue(forKey: name) else { return nil }
        let removed = list[i]
        let last = list.count - 1
        if i != last {
            list.swapAt(i, last)
            names.swapAt(i, last)
            positions[names[i]] = i
        }
        list.removeLast()
        names.removeLast()
        return removed
    }

    /// Each pool's name and pool.
    var pairs: Zip2Sequence<[String], [FunctionPool]> { zip(names, list) }

    func mapValues<T>(_ transform: (FunctionPool) -> T) -> [String: T] {
        var out: [String: T] = [:]
        for (name, pool) in pairs { out[name] = transform(pool) }
        return out
    }
}
