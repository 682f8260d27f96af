/// Renders `schedules.yml` (docs/async-invocations.md): always written (empty when the template has no
/// schedules) so a schedule removed from the template never keeps firing from an older generation.
enum ScheduleRenderer {
    static func file(_ schedules: [ScheduleSpec], templatePath: String) -> String {
        var lines = [YAMLText.header(templatePath), schedules.isEmpty ? "schedules: []" : "schedules:"]
        for s in schedules.sorted(by: { $0.name < $1.name }) {
            lines.append("  - name: \(YAMLText.string(s.name))")
            lines.append("    function: \(YAMLText.string(s.function))")
            lines.append("    expression: \(YAMLText.string(s.expression))")
            if let input = s.input { lines.append("    input: \(YAMLText.string(input))") }
            lines.append("    enabled: \(s.enabled)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
