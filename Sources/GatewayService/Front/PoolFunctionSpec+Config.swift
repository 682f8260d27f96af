import BoxCore

extension FunctionConfig {
    /// The pools' view of this `functions.yml` entry. `revision` changes whenever anything that makes a worker
    /// different changes (image, environment, memory, timeout), so the pools retire workers of an old revision.
    var poolSpec: PoolFunctionSpec {
        let revision = ([image, String(memorySize), String(timeout)] + environmentList).joined(separator: "\u{1F}")
        return PoolFunctionSpec(
            name: name, maxConcurrency: maxConcurrency, rieConcurrency: rieConcurrency,
            timeout: .microseconds(Int64(timeout * 1_000_000)), revision: revision)
    }
}
