import Logging
@testable import RouteHandlers
import RouteHandlersTesting
import Testing

/// A request's logger: the application's handler, with the request's id on every message.
@Suite struct RequestLoggerTests {
    @Test func everyMessageOfAHandlerCarriesTheRequestID() async throws {
        let log = LogCapture()
        var router = Router()
        router.get("/x") { _, context in
            #expect(context.logger[metadataKey: "request-id"] == "abc123")
            context.logger.info("plain")
            context.logger.info("own id", metadata: ["request-id": "mine"])
            return .text("x")
        }
        let responder = try router.responder()
        _ = await responder.respond(to: Request("/x"), requestID: "abc123", logger: log.logger)
        let lines = log.lines
        #expect(lines.map(\.message) == ["plain", "own id"])
        #expect(lines.first?.metadata["request-id"] == "abc123")
        // A message's own metadata wins, as it would over a handler's.
        #expect(lines.last?.metadata["request-id"] == "mine")
    }

    @Test func metadataReadsAndWritesThroughTheWrapper() {
        var logger = LogCapture().logger
        logger[metadataKey: "app"] = "shop"
        logger.logLevel = .notice
        logger.handler = RequestLogHandler.wrapping(logger.handler, requestID: "r1")
        #expect(logger[metadataKey: "app"] == "shop")
        #expect(logger.handler.metadata == ["app": "shop", "request-id": "r1"])
        #expect(logger.logLevel == .notice)
        logger[metadataKey: "request-id"] = "r2"
        logger[metadataKey: "user"] = "ana"
        #expect(logger.handler.metadata == ["app": "shop", "request-id": "r2", "user": "ana"])
        logger.handler.metadata = ["only": "this"]
        #expect(logger[metadataKey: "request-id"] == nil)
        #expect(logger.handler.metadata == ["only": "this"])
    }

    @Test func aResponderInsideAnotherLogsWithItsOwnID() {
        let log = LogCapture()
        var logger = log.logger
        logger.handler = RequestLogHandler.wrapping(logger.handler, requestID: "outer")
        logger.info("first")
        logger.handler = RequestLogHandler.wrapping(logger.handler, requestID: "inner")
        #expect(logger[metadataKey: "request-id"] == "inner")
        #expect(logger.handler.metadata == ["request-id": "inner"])
        logger.info("second")
        #expect(log.lines.map { $0.metadata["request-id"] } == ["outer", "inner"])
    }
}
