import Testing

@testable import BoxCore

/// `FunctionConfig.workerDefinition`, the one definition of what makes a function's workers differ
/// (docs/configuration.md, "When workers are replaced"): the gateway's pool revision and the Manager's config hash
/// both follow it.
@Suite struct WorkerDefinitionTests {
    static let base = FunctionConfig(name: "f", image: "img:1", environment: ["A": "1", "B": "2"])

    @Test func everySettingThatShapesAWorkerChangesIt() {
        let reference = Self.base.workerDefinition
        var changes: [FunctionConfig] = []
        var f = Self.base
        f.image = "img:2"
        changes.append(f)
        f = Self.base
        f.memorySize = 256
        changes.append(f)
        f = Self.base
        f.timeout = 31
        changes.append(f)
        f = Self.base
        f.rieConcurrency = 2
        changes.append(f)
        f = Self.base
        f.environment["A"] = "3"
        changes.append(f)
        f = Self.base
        f.environment["C"] = ""
        changes.append(f)
        for changed in changes { #expect(changed.workerDefinition != reference) }
        #expect(Set(changes.map(\.workerDefinition)).count == changes.count)
    }

    @Test func settingsThatDoNotShapeAWorkerKeepIt() {
        var f = Self.base
        f.maxConcurrency = 64
        f.minWarm = 3
        f.eventRetryAttempts = 0
        f.onFailure = "dead-letters"
        #expect(f.workerDefinition == Self.base.workerDefinition)
    }

    @Test func anEnvironmentValueCannotImitateTwoEntries() {
        // Entries are length-prefixed: one value holding a line break and "env=" is not two variables.
        let one = FunctionConfig(name: "f", image: "i", environment: ["A": "1\nenv=3:B=2"])
        let two = FunctionConfig(name: "f", image: "i", environment: ["A": "1", "B": "2"])
        #expect(one.workerDefinition != two.workerDefinition)
    }
}
