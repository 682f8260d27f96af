import HTTP1
import Testing
@testable import GatewayService

@Suite(.timeLimit(.minutes(5))) struct GatewayErrorTests {
    @Test(arguments: [
        (GatewayError.badRequest, 400, "Bad Request"), (.unauthorized, 401, "Unauthorized"),
        (.forbidden, 403, "Forbidden"),
        (.notFound, 404, "Not Found"), (.methodNotAllowed(allowed: ["GET"]), 405, "Method Not Allowed"),
        (.requestTimeout, 408, "Request Timeout"), (.payloadTooLarge, 413, "Request Entity Too Large"),
        (.tooManyRequests, 429, "Too Many Requests"), (.headerFieldsTooLarge, 431, "Request Header Fields Too Large"),
        (.internalError, 500, "Internal server error"), (.badGateway, 502, "Internal server error"),
        (.serviceUnavailable, 503, "Service Unavailable"), (.gatewayTimeout, 504, "Endpoint request timed out"),
    ])
    func wordingIsExact(error: GatewayError, status: Int, message: String) {
        let r = error.response
        #expect(r.status == status)
        #expect(r.body == Array("{\"message\":\"\(message)\"}".utf8))
        #expect(r.headers["Content-Type"] == "application/json")
    }

    @Test func headersThatGoWithErrors() {
        #expect(GatewayError.methodNotAllowed(allowed: ["GET", "POST"]).response.headers["Allow"] == "GET, POST")
        #expect(GatewayError.tooManyRequests.response.headers["Retry-After"] == "1")
        #expect(GatewayError.loginRejected.response.headers["PADMA_USER_AUTHORIZED"] == "true")
        #expect(GatewayError.unauthorized.response.headers["PADMA_USER_AUTHORIZED"] == nil)
    }

    @Test(arguments: [
        (GatewayError.AWSErrorType.resourceNotFound, 404), (.tooManyRequests, 429), (.requestTooLarge, 413),
        (.unrecognizedClient, 403), (.invalidSignature, 403),
    ])
    func awsShapes(type: GatewayError.AWSErrorType, status: Int) {
        let r = GatewayError.aws(type, message: "Function not found: \"x\"").response
        #expect(r.status == status)
        #expect(r.headers["x-amzn-ErrorType"] == type.rawValue)
        #expect(
            String(decoding: r.body, as: UTF8.self)
                == "{\"Type\":\"User\",\"message\":\"Function not found: \\\"x\\\"\"}")
    }
}
