import RouteHandlers
import RouteHandlersTesting
import Synchronization
import Testing

/// Streamed request bodies (`RequestBodyStream`, the gateway's producer side) as handlers read them.
@Suite struct RequestBodyStreamTests {
    /// A POST request whose body is `stream`.
    func streamed(_ stream: RequestBodyStream, limit: Int? = nil) -> Request {
        var request = Request(method: .post, "/upload", body: RequestBody(stream: stream))
        request.bodyLimit = limit
        return request
    }

    @Test func chunksArriveInOrderAsTheyAreAppended() async throws {
        let stream = RequestBodyStream()
        let request = streamed(stream)
        #expect(request.body.isStreamed)
        #expect(request.body.bufferedBytes == nil)
        let first = Mutex(false)
        let reader = Task {
            var chunks: [[UInt8]] = []
            for try await chunk in request.bodyChunks {
                chunks.append(chunk)
                first.withLock { $0 = true }
            }
            return chunks
        }
        stream.append([1, 2])
        // The reader sees the first chunk before the body is finished.
        let deadline = ContinuousClock.now + .seconds(10)
        while !first.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(first.withLock { $0 })
        stream.append([3])
        stream.append([4, 5, 6])
        stream.finish()
        #expect(try await reader.value == [[1, 2], [3], [4, 5, 6]])
    }

    @Test func theSynchronousAccessorsThrowOnAStreamedBodyNotReadYet() async throws {
        let stream = RequestBodyStream()
        let request = streamed(stream)
        #expect(throws: StreamedBodyError.self) { try request.body.bytes }
        #expect(throws: StreamedBodyError.self) { try request.body.count }
        #expect(throws: StreamedBodyError.self) { try request.body.isEmpty }
        stream.append([1, 2, 3])
        stream.finish()
        _ = try await request.bytes()
        // Once a buffered reader collected it, they answer.
        #expect(try request.body.count == 3)
        #expect(try !request.body.isEmpty)
    }

    @Test func backPressureTellsTheProducerToPauseAndToResume() async throws {
        let resumed = Mutex(0)
        let stream = RequestBodyStream(highWaterMark: 100) { resumed.withLock { $0 += 1 } }
        #expect(stream.append(Array(repeating: 1, count: 60)))
        #expect(!stream.append(Array(repeating: 2, count: 60)))  // 120 > 100: pause
        #expect(!stream.append(Array(repeating: 3, count: 10)))
        #expect(stream.bufferedCount == 130)
        var iterator = streamed(stream).bodyChunks.makeAsyncIterator()
        #expect(try await iterator.next()?.count == 60)  // 70 left: still above half the mark
        #expect(resumed.withLock { $0 } == 0)
        #expect(try await iterator.next()?.count == 60)  // 10 left: resume
        #expect(resumed.withLock { $0 } == 1)
        #expect(stream.append(Array(repeating: 4, count: 10)))
        stream.finish()
        #expect(try await iterator.next() == Array(repeating: 3, count: 10))
        #expect(try await iterator.next() == Array(repeating: 4, count: 10))
        #expect(try await iterator.next() == nil)
    }

    @Test func passingTheLimitIs413NeverATruncatedBody() async throws {
        let stream = RequestBodyStream()
        stream.append(Array(repeating: 1, count: 8))
        stream.append(Array(repeating: 2, count: 8))
        var received = 0
        let request = streamed(stream, limit: 10)
        await expectHTTPError(413) {
            for try await chunk in request.bodyChunks { received += chunk.count }
        }
        #expect(received == 8)

        let collecting = RequestBodyStream()
        collecting.append(Array(repeating: 1, count: 11))
        await expectHTTPError(413) { _ = try await streamed(collecting, limit: 10).bytes() }
        // The failure is kept: a second reader gets it too, not a part of the body.
        await expectHTTPError(413) { _ = try await streamed(collecting, limit: 10).text() }
    }

    @Test func bufferedReadersCollectOnceAndReadAgain() async throws {
        let stream = RequestBodyStream()
        let request = streamed(stream)
        let reader = Task { try await request.json() }
        stream.append(Array(#"{"a":"#.utf8))
        stream.append(Array("1}".utf8))
        stream.finish()
        #expect(try await reader.value == ["a": 1])
        // Verify a signature over the raw bytes, then decode again: the collected body is kept.
        #expect(try await request.text() == #"{"a":1}"#)
        #expect(try request.body.bytes == Array(#"{"a":1}"#.utf8))
        var replayed: [UInt8] = []
        for try await chunk in request.bodyChunks { replayed += chunk }
        #expect(replayed == Array(#"{"a":1}"#.utf8))
        // A lower limit still applies to the kept bytes.
        await expectHTTPError(413) { _ = try await request.limitingBody(to: 3).bytes() }
    }

    @Test func aStreamIsReadOnceAsChunks() async throws {
        let stream = RequestBodyStream()
        stream.append([1])
        stream.finish()
        let request = streamed(stream)
        for try await _ in request.bodyChunks {}
        await #expect(throws: RequestBodyStreamError.alreadyRead) { _ = try await request.bytes() }
    }

    @Test func aFailedStreamThrowsAfterWhatArrived() async throws {
        let stream = RequestBodyStream()
        stream.append([1, 2])
        stream.fail(HTTPError(.badRequest, "gone"))
        var iterator = streamed(stream).bodyChunks.makeAsyncIterator()
        #expect(try await iterator.next() == [1, 2])
        await expectHTTPError(400) { _ = try await iterator.next() }
    }

    @Test func cancellingAWaitingReaderThrowsCancellation() async throws {
        let stream = RequestBodyStream()
        let request = streamed(stream)
        let reader = Task { try await request.bytes() }
        try await Task.sleep(for: .milliseconds(20))
        reader.cancel()
        await #expect(throws: CancellationError.self) { _ = try await reader.value }
        // What arrives afterwards has no reader and is dropped once the gateway discards it.
        stream.discard()
        #expect(stream.append([1]))
        #expect(stream.bufferedCount == 0)
    }

    @Test func routeLimitReplacesTheGatewayLimitAndMiddlewareLowersIt() async throws {
        var router = Router()
        router.add("/upload", .post, config: RouteConfig(bodyLimit: 100)) { request, _ in
            .text("\(try await request.bytes().count) of \(request.bodyLimit ?? -1)")
        }
        let responder = try router.responder()
        var request = Request(method: .post, "/upload", body: RequestBody(bytes: Array(repeating: 1, count: 50)))
        request.bodyLimit = 10  // the gateway's global limit
        #expect(await responder.respond(to: request, requestID: "1", logger: .init(label: "t")).body.bytes == Array("50 of 100".utf8))
        // A declared length over the route's limit fails before the handler, streamed or not.
        var declared = Request(method: .post, "/upload", headers: ["Content-Length": "101"], body: RequestBody(stream: RequestBodyStream()))
        declared.bodyLimit = 10
        #expect(await responder.respond(to: declared, requestID: "2", logger: .init(label: "t")).status.code == 413)
    }
}
