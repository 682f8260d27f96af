/// Settings of a SAM template that have no local meaning in the box (permissions, logging, tracing, networking
/// inside AWS). They are still reported, but grouped into one summary line so that the warnings that change
/// behaviour (a dropped layer, an event source that never fires) stay visible (docs/sam-support.md).
enum NoEffectSettings {
    /// Properties of a function (or `Globals.Function`) that change nothing in the box.
    static let functionProperties: Set<String> = [
        "Policies", "Role", "RolePath", "PermissionsBoundary", "AssumeRolePolicyDocument", "Tracing", "VpcConfig",
        "KmsKeyArn", "LoggingConfig", "SnapStart", "RuntimeManagementConfig", "CodeSigningConfigArn",
        "EphemeralStorage",
        "DeploymentPreference", "RecursiveLoop", "SourceKMSKeyArn", "PropagateTags", "AutoPublishAliasAllProperties",
    ]

    /// Properties of API events that only matter to API Gateway's request validation and throttling.
    static let eventProperties: Set<String> = ["RequestModel", "RequestParameters", "TimeoutInMillis", "RouteSettings"]

    /// Resource types (by prefix) with no local meaning.
    static let resourceTypePrefixes = [
        "AWS::IAM::", "AWS::Logs::", "AWS::CloudWatch::", "AWS::Lambda::Permission", "AWS::KMS::", "AWS::CodeDeploy::",
        "AWS::XRay::", "AWS::ApiGateway::Account", "AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment",
        "AWS::CertificateManager::", "AWS::Route53::", "AWS::WAFv2::", "AWS::ApplicationInsights::",
        "AWS::ResourceGroups::",
        "AWS::SSM::Document", "AWS::Budgets::", "AWS::ApiGatewayV2::Stage", "AWS::ApiGatewayV2::ApiMapping",
    ]

    static func isNoEffect(resourceType: String) -> Bool {
        resourceTypePrefixes.contains { resourceType.hasPrefix($0) }
    }
}
