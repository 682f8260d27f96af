import BoxCore
import Testing
import YAML

@testable import ESBCommands
@testable import SAMGenerator

@Suite("esb provision requests")
struct ProvisionTests {
    static let tables = [
        TableSpec(
            name: "orders", keySchema: [.init(attribute: "id", type: "S", key: "HASH")],
            globalIndexes: [
                .init(
                    name: "by-owner",
                    keySchema: [
                        .init(attribute: "owner", type: "S", key: "HASH"),
                        .init(attribute: "at", type: "N", key: "RANGE"),
                    ],
                    projection: "INCLUDE", nonKeyAttributes: ["total"], readCapacity: 2, writeCapacity: 1)
            ],
            billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 3, mark: .start),
        TableSpec(
            name: "carts", keySchema: [.init(attribute: "cartId", type: "B", key: "HASH")],
            billingMode: "PAY_PER_REQUEST", mark: .start),
    ]

    /// resources.yml as the generator writes it reads back to the same tables and buckets.
    @Test func resourcesFileReadsWhatTheGeneratorWrites() throws {
        let text = ConfigRenderer(templatePath: "t.yaml").resourcesFile(
            tables: Self.tables,
            buckets: [BucketSpec(name: "b-1", mark: .start), BucketSpec(name: "a-2", mark: .start)])
        let parsed = try ResourcesFile.parse(text, path: "resources.yml")
        #expect(parsed.buckets == ["a-2", "b-1"])
        #expect(parsed.tables.map(\.name) == ["carts", "orders"])
        var orders = parsed.tables[1]
        orders.mark = .start
        #expect(orders == Self.tables[0])
    }

    @Test func resourcesFileErrorsAreLocated() {
        #expect(
            throws: YAMLError(path: "r.yml", line: 2, column: 5, message: "unknown key \"nme\" (expected one of: name)")
        ) {
            try ResourcesFile.parse("buckets:\n  - nme: x\n", path: "r.yml")
        }
    }

    @Test func createTableBodyDefinesEveryKeyAttributeOnce() throws {
        let body = try JSONValue(parsing: CreateTableRequest.body(Self.tables[0]))
        let expected: JSONValue = [
            "TableName": "orders",
            "AttributeDefinitions": [
                ["AttributeName": "id", "AttributeType": "S"], ["AttributeName": "owner", "AttributeType": "S"],
                ["AttributeName": "at", "AttributeType": "N"],
            ],
            "KeySchema": [["AttributeName": "id", "KeyType": "HASH"]],
            "BillingMode": "PROVISIONED",
            "ProvisionedThroughput": ["ReadCapacityUnits": 5, "WriteCapacityUnits": 3],
            "GlobalSecondaryIndexes": [
                [
                    "IndexName": "by-owner",
                    "KeySchema": [
                        ["AttributeName": "owner", "KeyType": "HASH"], ["AttributeName": "at", "KeyType": "RANGE"],
                    ],
                    "Projection": ["ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]],
                    "ProvisionedThroughput": ["ReadCapacityUnits": 2, "WriteCapacityUnits": 1],
                ]
            ],
        ]
        #expect(body == expected)
        let onDemand = try JSONValue(parsing: CreateTableRequest.body(Self.tables[1]))
        #expect(onDemand["ProvisionedThroughput"] == nil)
        #expect(onDemand["BillingMode"] == "PAY_PER_REQUEST")
    }
}
