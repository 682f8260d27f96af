import BoxCore
import SAMGenerator

/// The JSON body of DynamoDB's `CreateTable` (JSON 1.0 protocol) for a table of `resources.yml`.
enum CreateTableRequest {
    static func body(_ table: TableSpec) -> [UInt8] {
        // Every key attribute (table and indexes) is defined once, in order of first use.
        var definitions: [(String, String)] = []
        for key in table.keySchema + (table.globalIndexes + table.localIndexes).flatMap(\.keySchema)
        where !definitions.contains(where: { $0.0 == key.attribute }) {
            definitions.append((key.attribute, key.type))
        }
        var object: JSONObject = [
            "TableName": .string(table.name),
            "AttributeDefinitions": .array(
                definitions.map { ["AttributeName": .string($0.0), "AttributeType": .string($0.1)] }),
            "KeySchema": keySchema(table.keySchema),
            "BillingMode": .string(table.billingMode),
        ]
        if table.billingMode == "PROVISIONED" {
            object.append(key: "ProvisionedThroughput", value: throughput(table.readCapacity, table.writeCapacity))
        }
        if !table.globalIndexes.isEmpty {
            object.append(
                key: "GlobalSecondaryIndexes",
                value: .array(table.globalIndexes.map { index($0, provisioned: table.billingMode == "PROVISIONED") }))
        }
        if !table.localIndexes.isEmpty {
            object.append(
                key: "LocalSecondaryIndexes", value: .array(table.localIndexes.map { index($0, provisioned: false) }))
        }
        var writer = JSONWriter()
        writer.value(.object(object))
        return writer.bytes
    }

    private static func keySchema(_ keys: [TableSpec.Key]) -> JSONValue {
        .array(keys.map { ["AttributeName": .string($0.attribute), "KeyType": .string($0.key)] })
    }

    private static func throughput(_ read: Int?, _ write: Int?) -> JSONValue {
        ["ReadCapacityUnits": .int(read ?? 1), "WriteCapacityUnits": .int(write ?? 1)]
    }

    private static func index(_ index: TableSpec.Index, provisioned: Bool) -> JSONValue {
        var projection: JSONObject = ["ProjectionType": .string(index.projection)]
        if !index.nonKeyAttributes.isEmpty {
            projection.append(key: "NonKeyAttributes", value: .array(index.nonKeyAttributes.map { .string($0) }))
        }
        var object: JSONObject = [
            "IndexName": .string(index.name), "KeySchema": keySchema(index.keySchema),
            "Projection": .object(projection),
        ]
        if provisioned {
            object.append(key: "ProvisionedThroughput", value: throughput(index.readCapacity, index.writeCapacity))
        }
        return .object(object)
    }
}
