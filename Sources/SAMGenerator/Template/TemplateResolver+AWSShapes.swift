/// `Ref` and `Fn::GetAtt` of resource types the box does not create but functions often receive in their
/// environment (queues, topics, state machines, secrets, event buses, streams): values shaped as AWS returns
/// them, made from the resource's name, so code that parses them (an SQS URL, an SNS ARN) sees what it would see
/// on AWS (docs/sam-support.md).
extension TemplateResolver {
    /// The property that names a resource of these types (`resourceName` uses it; else the kebab logical id).
    static let otherNameProperties: [String: String] = [
        "AWS::SQS::Queue": "QueueName",
        "AWS::SNS::Topic": "TopicName",
        "AWS::Serverless::StateMachine": "Name",
        "AWS::StepFunctions::StateMachine": "StateMachineName",
        "AWS::SecretsManager::Secret": "Name",
        "AWS::Events::EventBus": "Name",
        "AWS::Events::Rule": "Name",
        "AWS::Kinesis::Stream": "Name",
        "AWS::SSM::Parameter": "Name",
    ]

    /// What `Ref` returns for `type` (nil: the name itself, the default for every other type).
    func awsShapedRef(type: String, name: String) -> String? {
        switch type {
        case "AWS::SQS::Queue": queueURL(name)
        case "AWS::SNS::Topic", "AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine",
            "AWS::SecretsManager::Secret":
            awsShapedAttribute(type: type, "Arn", name: name)
        default: nil
        }
    }

    /// `Fn::GetAtt` of these types; nil when the attribute is not one of them.
    func awsShapedAttribute(type: String, _ attribute: String, name: String) -> String? {
        let s = settings
        let scope = "\(s.region):\(s.accountID)"
        switch (type, attribute) {
        case ("AWS::SQS::Queue", "Arn"): return "arn:\(s.partition):sqs:\(scope):\(name)"
        case ("AWS::SQS::Queue", "QueueName"): return name
        case ("AWS::SQS::Queue", "QueueUrl"): return queueURL(name)
        case ("AWS::SNS::Topic", "TopicArn"), ("AWS::SNS::Topic", "Arn"):
            return "arn:\(s.partition):sns:\(scope):\(name)"
        case ("AWS::SNS::Topic", "TopicName"): return name
        case ("AWS::Serverless::StateMachine", "Arn"), ("AWS::StepFunctions::StateMachine", "Arn"):
            return "arn:\(s.partition):states:\(scope):stateMachine:\(name)"
        case ("AWS::Serverless::StateMachine", "Name"), ("AWS::StepFunctions::StateMachine", "Name"): return name
        case ("AWS::SecretsManager::Secret", "Arn"), ("AWS::SecretsManager::Secret", "Id"):
            return "arn:\(s.partition):secretsmanager:\(scope):secret:\(name)"
        case ("AWS::Events::EventBus", "Arn"): return "arn:\(s.partition):events:\(scope):event-bus/\(name)"
        case ("AWS::Events::EventBus", "Name"): return name
        case ("AWS::Events::Rule", "Arn"): return "arn:\(s.partition):events:\(scope):rule/\(name)"
        case ("AWS::Kinesis::Stream", "Arn"): return "arn:\(s.partition):kinesis:\(scope):stream/\(name)"
        default: return nil
        }
    }

    private func queueURL(_ name: String) -> String {
        "https://sqs.\(settings.region).\(settings.urlSuffix)/\(settings.accountID)/\(name)"
    }
}
