import BoxCore

extension FunctionConfig {
    /// The pools' view of this `functions.yml` entry. `revision` is the entry's `workerDefinition`: when it changes,
    /// the pools retire the workers of the old one.
    var poolSpec: PoolFunctionSpec {
        PoolFunctionSpec(
            name: name, maxConcurrency: maxConcurrency, rieConcurrency: rieConcurrency,
            timeout: .microseconds(Int64(timeout * 1_000_000)), revision: workerDefinition)
    }
}
