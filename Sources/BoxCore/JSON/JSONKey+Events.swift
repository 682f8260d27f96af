/// The fixed keys of the API Gateway events and of log lines (JSONKey.swift).
extension JSONKey {
    static let _time: JSONKey = "_time"
    static let accountId: JSONKey = "accountId"
    static let apiId: JSONKey = "apiId"
    static let authorizer: JSONKey = "authorizer"
    static let body: JSONKey = "body"
    static let claims: JSONKey = "claims"
    static let cognitoUsername: JSONKey = "cognito:username"
    static let container_name: JSONKey = "container_name"
    static let cookies: JSONKey = "cookies"
    static let domainName: JSONKey = "domainName"
    static let domainPrefix: JSONKey = "domainPrefix"
    static let extendedRequestId: JSONKey = "extendedRequestId"
    static let headers: JSONKey = "headers"
    static let http: JSONKey = "http"
    static let httpMethod: JSONKey = "httpMethod"
    static let identity: JSONKey = "identity"
    static let isBase64Encoded: JSONKey = "isBase64Encoded"
    static let jwt: JSONKey = "jwt"
    static let level: JSONKey = "level"
    static let logger: JSONKey = "logger"
    static let message: JSONKey = "message"
    static let method: JSONKey = "method"
    static let multiValueHeaders: JSONKey = "multiValueHeaders"
    static let multiValueQueryStringParameters: JSONKey = "multiValueQueryStringParameters"
    static let path: JSONKey = "path"
    static let pathParameters: JSONKey = "pathParameters"
    static let `protocol`: JSONKey = "protocol"
    static let queryStringParameters: JSONKey = "queryStringParameters"
    static let rawPath: JSONKey = "rawPath"
    static let rawQueryString: JSONKey = "rawQueryString"
    static let request_id: JSONKey = "request_id"
    static let requestContext: JSONKey = "requestContext"
    static let requestId: JSONKey = "requestId"
    static let requestTime: JSONKey = "requestTime"
    static let requestTimeEpoch: JSONKey = "requestTimeEpoch"
    static let resource: JSONKey = "resource"
    static let resourceId: JSONKey = "resourceId"
    static let resourcePath: JSONKey = "resourcePath"
    static let routeKey: JSONKey = "routeKey"
    static let scopes: JSONKey = "scopes"
    static let sourceIp: JSONKey = "sourceIp"
    static let stage: JSONKey = "stage"
    static let stageVariables: JSONKey = "stageVariables"
    static let sub: JSONKey = "sub"
    static let time: JSONKey = "time"
    static let timeEpoch: JSONKey = "timeEpoch"
    static let trace_id: JSONKey = "trace_id"
    static let user: JSONKey = "user"
    static let userAgent: JSONKey = "userAgent"
    static let username: JSONKey = "username"
    static let version: JSONKey = "version"

    /// `requestContext.identity` members that are `null` without IAM or Cognito (docs/events-and-auth.md).
    static let identityNullsBeforeSourceIP: [JSONKey] = [
        "cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller",
    ]
    static let identityNullsAfterSourceIP: [JSONKey] = [
        "principalOrgId", "accessKey", "cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn",
        "apiKey", "apiKeyId",
    ]
}
