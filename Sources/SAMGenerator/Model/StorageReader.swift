import YAML

/// Reads `AWS::DynamoDB::Table`, `AWS::Serverless::SimpleTable` and `AWS::S3::Bucket` for `resources.yml`.
struct StorageReader {
    let context: ReadingContext
    let resource: SAMTemplate.Resource

    private var resolver: TemplateResolver { context.resolver }
    private var props: YAMLMappingReader { resource.properties }

    func bucket() throws(TemplateError) -> BucketSpec {
        context.warnUnsupported(
            props, supported: ["BucketName"],
            silent: ["Tags", "BucketEncryption", "PublicAccessBlockConfiguration", "OwnershipControls"], what: "bucket")
        let name = try resolver.resourceName(resource.logicalID)
        guard NameRules.isValidBucketName(name) || resolver.unknownNames.contains(resource.logicalID) else {
            throw TemplateError(
                "bucket name \(quotedInFull(name)) (\(name.utf8.count) characters) is not valid: 3 to 63 of [a-z0-9.-], starting and ending with a letter or digit\(context.stackNameNote(name))",
                at: props["BucketName"]?.mark ?? resource.mark)
        }
        return BucketSpec(name: name, mark: resource.mark)
    }

    func simpleTable() throws(TemplateError) -> TableSpec {
        context.warnUnsupported(
            props, supported: ["TableName", "PrimaryKey", "ProvisionedThroughput"],
            silent: ["Tags", "SSESpecification"],
            what: "table")
        var key = TableSpec.Key(attribute: "id", type: "S", key: "HASH")
        if let primary = try resolver.property("PrimaryKey", of: props) {
            key.attribute = try primary["Name"]?.string("PrimaryKey.Name") ?? "id"
            let typeValue = primary["Type"]
            let typeName = try typeValue?.string("PrimaryKey.Type") ?? "String"
            guard let type = ["String": "S", "Number": "N", "Binary": "B"][typeName] else {
                throw TemplateError(
                    "PrimaryKey.Type must be String, Number or Binary, found \(quoted(typeName))",
                    at: typeValue?.mark ?? primary.mark)
            }
            key.type = type
        }
        var table = TableSpec(
            name: try tableName(), keySchema: [key], billingMode: "PAY_PER_REQUEST", mark: resource.mark)
        if let throughput = try resolver.property("ProvisionedThroughput", of: props) {
            table.billingMode = "PROVISIONED"
            (table.readCapacity, table.writeCapacity) = try capacities(throughput)
        }
        return table
    }

    func dynamoTable() throws(TemplateError) -> TableSpec {
        context.warnUnsupported(
            props,
            supported: [
                "TableName", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
                "BillingMode", "ProvisionedThroughput",
            ],
            silent: [
                "Tags", "SSESpecification", "PointInTimeRecoverySpecification", "DeletionProtectionEnabled",
                "TableClass", "ContributorInsightsSpecification",
            ],
            what: "table")
        guard let definitionsValue = try resolver.property("AttributeDefinitions", of: props) else {
            throw TemplateError("table \(resource.logicalID) has no AttributeDefinitions", at: resource.mark)
        }
        var types: [String: String] = [:]
        for item in try definitionsValue.list("AttributeDefinitions") {
            guard let name = try item["AttributeName"]?.string("AttributeName"),
                let type = try item["AttributeType"]?.string("AttributeType")
            else { throw TemplateError("an attribute definition needs AttributeName and AttributeType", at: item.mark) }
            guard ["S", "N", "B"].contains(type) else {
                throw TemplateError("AttributeType must be S, N or B, found \(quoted(type))", at: item.mark)
            }
            types[name] = type
        }
        guard let keyValue = try resolver.property("KeySchema", of: props) else {
            throw TemplateError("table \(resource.logicalID) has no KeySchema", at: resource.mark)
        }
        let billing = try resolver.property("BillingMode", of: props)?.string("BillingMode") ?? "PROVISIONED"
        guard billing == "PROVISIONED" || billing == "PAY_PER_REQUEST" else {
            throw TemplateError(
                "BillingMode must be PROVISIONED or PAY_PER_REQUEST, found \(quoted(billing))",
                at: props["BillingMode"]!.mark)
        }
        var table = TableSpec(
            name: try tableName(), keySchema: try keySchema(keyValue, types: types), billingMode: billing,
            mark: resource.mark)
        if billing == "PROVISIONED" {
            if let throughput = try resolver.property("ProvisionedThroughput", of: props) {
                (table.readCapacity, table.writeCapacity) = try capacities(throughput)
            } else {
                context.log.warn(
                    "BillingMode PROVISIONED without ProvisionedThroughput; using 1 read and 1 write unit",
                    at: resource.mark)
                (table.readCapacity, table.writeCapacity) = (1, 1)
            }
        }
        for (key, global) in [("GlobalSecondaryIndexes", true), ("LocalSecondaryIndexes", false)] {
            guard let list = try resolver.property(key, of: props) else { continue }
            for item in try list.list(key) {
                let index = try self.index(item, types: types, provisioned: global && billing == "PROVISIONED")
                if global { table.globalIndexes.append(index) } else { table.localIndexes.append(index) }
            }
        }
        return table
    }

    private func tableName() throws(TemplateError) -> String {
        let name = try resolver.resourceName(resource.logicalID)
        guard NameRules.isValidTableName(name) || resolver.unknownNames.contains(resource.logicalID) else {
            throw TemplateError(
                "table name \(quotedInFull(name)) (\(name.utf8.count) characters) is not valid: 3 to 255 of [a-zA-Z0-9_.-]\(context.stackNameNote(name))",
                at: props["TableName"]?.mark ?? resource.mark)
        }
        return name
    }

    private func keySchema(_ value: TemplateValue, types: [String: String]) throws(TemplateError) -> [TableSpec.Key] {
        var keys: [TableSpec.Key] = []
        for item in try value.list("KeySchema") {
            guard let name = try item["AttributeName"]?.string("AttributeName"),
                let kind = try item["KeyType"]?.string("KeyType")
            else {
                throw TemplateError("a key schema element needs AttributeName and KeyType", at: item.mark)
            }
            guard kind == "HASH" || kind == "RANGE" else {
                throw TemplateError("KeyType must be HASH or RANGE, found \(quoted(kind))", at: item.mark)
            }
            guard let type = types[name] else {
                throw TemplateError("key attribute \(quoted(name)) is not in AttributeDefinitions", at: item.mark)
            }
            keys.append(TableSpec.Key(attribute: name, type: type, key: kind))
        }
        guard keys.first?.key == "HASH", keys.count <= 2, keys.count == 1 || keys[1].key == "RANGE" else {
            throw TemplateError("KeySchema must be one HASH key, optionally followed by one RANGE key", at: value.mark)
        }
        return keys
    }

    private func index(_ item: TemplateValue, types: [String: String], provisioned: Bool) throws(TemplateError)
        -> TableSpec.Index
    {
        guard let name = try item["IndexName"]?.string("IndexName"), let keys = item["KeySchema"] else {
            throw TemplateError("an index needs IndexName and KeySchema", at: item.mark)
        }
        var index = TableSpec.Index(
            name: name, keySchema: try keySchema(keys, types: types), projection: "ALL", nonKeyAttributes: [])
        if let projection = item["Projection"] {
            index.projection = try projection["ProjectionType"]?.string("ProjectionType") ?? "ALL"
            guard ["ALL", "KEYS_ONLY", "INCLUDE"].contains(index.projection) else {
                throw TemplateError("ProjectionType must be ALL, KEYS_ONLY or INCLUDE", at: projection.mark)
            }
            index.nonKeyAttributes = try (projection["NonKeyAttributes"]?.list("NonKeyAttributes") ?? []).map {
                v throws(TemplateError) in try v.string("NonKeyAttributes")
            }
        }
        if provisioned {
            (index.readCapacity, index.writeCapacity) =
                try item["ProvisionedThroughput"].map { v throws(TemplateError) in try capacities(v) } ?? (1, 1)
        }
        return index
    }

    private func capacities(_ value: TemplateValue) throws(TemplateError) -> (Int, Int) {
        guard let read = value["ReadCapacityUnits"], let write = value["WriteCapacityUnits"] else {
            throw TemplateError("ProvisionedThroughput needs ReadCapacityUnits and WriteCapacityUnits", at: value.mark)
        }
        return (try read.int("ReadCapacityUnits"), try write.int("WriteCapacityUnits"))
    }
}
