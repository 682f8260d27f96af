package import YAML

/// `resources.yml` read back for `esb provision` (the format `ConfigRenderer.resourcesFile` writes, docs/contract.md §5).
package struct ResourcesFile: Equatable {
    package var tables: [TableSpec]
    package var buckets: [String]

    package static func parse(_ text: String, path: String) throws(YAMLError) -> ResourcesFile {
        let root = try YAMLDocument.parse(text, path: path)
        do throws(YAMLDecodingError) {
            let top = try root.mappingReader(nullIsEmpty: true)
            try top.rejectUnknownKeys(allowed: ["tables", "buckets"])
            var tables: [TableSpec] = []
            for item in try top["tables"]?.items(nullIsEmpty: true) ?? [] {
                let m = try item.mappingReader()
                try m.rejectUnknownKeys(allowed: [
                    "name", "key_schema", "billing_mode", "read_capacity", "write_capacity", "global_secondary_indexes",
                    "local_secondary_indexes",
                ])
                var table = TableSpec(
                    name: try m.required("name").string(), keySchema: try keys(m.required("key_schema")),
                    billingMode: try m["billing_mode"]?.string() ?? "PAY_PER_REQUEST", mark: item.mark)
                guard table.billingMode == "PAY_PER_REQUEST" || table.billingMode == "PROVISIONED" else {
                    throw YAMLDecodingError(
                        .invalidValue, at: m["billing_mode"]!.mark,
                        "billing_mode must be PAY_PER_REQUEST or PROVISIONED")
                }
                table.readCapacity = try m["read_capacity"]?.int()
                table.writeCapacity = try m["write_capacity"]?.int()
                table.globalIndexes = try indexes(m["global_secondary_indexes"])
                table.localIndexes = try indexes(m["local_secondary_indexes"])
                tables.append(table)
            }
            var buckets: [String] = []
            for item in try top["buckets"]?.items(nullIsEmpty: true) ?? [] {
                let m = try item.mappingReader()
                try m.rejectUnknownKeys(allowed: ["name"])
                buckets.append(try m.required("name").string())
            }
            return ResourcesFile(tables: tables, buckets: buckets)
        } catch {
            throw error.located(in: path)
        }
    }

    private static func keys(_ node: YAMLNode) throws(YAMLDecodingError) -> [TableSpec.Key] {
        var keys: [TableSpec.Key] = []
        for item in try node.items() {
            let m = try item.mappingReader()
            try m.rejectUnknownKeys(allowed: ["attribute", "type", "key"])
            let key = TableSpec.Key(
                attribute: try m.required("attribute").string(), type: try m.required("type").string(),
                key: try m.required("key").string())
            guard ["S", "N", "B"].contains(key.type), ["HASH", "RANGE"].contains(key.key) else {
                throw YAMLDecodingError(.invalidValue, at: item.mark, "type must be S, N or B and key HASH or RANGE")
            }
            keys.append(key)
        }
        return keys
    }

    private static func indexes(_ node: YAMLNode?) throws(YAMLDecodingError) -> [TableSpec.Index] {
        var out: [TableSpec.Index] = []
        for item in try node?.items(nullIsEmpty: true) ?? [] {
            let m = try item.mappingReader()
            try m.rejectUnknownKeys(allowed: [
                "name", "key_schema", "projection", "non_key_attributes", "read_capacity", "write_capacity",
            ])
            out.append(
                TableSpec.Index(
                    name: try m.required("name").string(), keySchema: try keys(m.required("key_schema")),
                    projection: try m["projection"]?.string() ?? "ALL",
                    nonKeyAttributes: try (m["non_key_attributes"]?.items(nullIsEmpty: true) ?? []).map {
                        n throws(YAMLDecodingError) in try n.string()
                    },
                    readCapacity: try m["read_capacity"]?.int(), writeCapacity: try m["write_capacity"]?.int()))
        }
        return out
    }
}
