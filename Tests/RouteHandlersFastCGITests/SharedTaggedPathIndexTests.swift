import Foundation
import RouteHandlersTestHarness
import Testing

@testable import RouteHandlersFastCGI

/// The tagged paths a pool's workers note for `revalidateTag`: two indexes on one directory stand for two workers.
@Suite struct SharedTaggedPathIndexTests {
    @Test func workersSeeEachOthersPaths() async throws {
        let directory = try TemporaryDirectory()
        let first = SharedTaggedPathIndex(directory: directory.file("pool"))
        let second = SharedTaggedPathIndex(directory: directory.file("pool"))
        await first.record("/api/posts/1", tags: ["posts"])
        await second.record("/api/posts?page=2", tags: ["posts", "feed"])
        await second.record("/api/posts/1", tags: ["posts"])
        await first.record("/api/posts/1", tags: ["posts"])
        #expect(await first.paths(tags: ["posts"]) == ["/api/posts/1", "/api/posts?page=2"])
        #expect(await second.paths(tags: ["feed"]) == ["/api/posts?page=2"])
        #expect(await second.paths(tags: ["other"]) == [])
        // A path that would break the file's lines is not kept.
        await first.record("/x\nposts\t/evil", tags: ["posts"])
        #expect(await second.paths(tags: ["posts"]).count == 2)
    }

    @Test func aLargeFileIsCompactedToEachPairOnce() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("pool")
        let index = SharedTaggedPathIndex(directory: path)
        await index.record("/keep", tags: ["t"])
        // Another process's duplicates, past the compaction size.
        let line = Array("t\t/keep\n".utf8)
        let handle = try #require(FileHandle(forWritingAtPath: path + "/tagged-paths"))
        handle.seekToEndOfFile()
        handle.write(Data(Array(repeating: line, count: SharedTaggedPathIndex.compactionSize / line.count + 1).joined()))
        try handle.close()
        await index.record("/new", tags: ["t"])
        let size = try FileManager.default.attributesOfItem(atPath: path + "/tagged-paths")[.size] as? Int
        #expect(size == "t\t/keep\nt\t/new\n".utf8.count)
        #expect(await index.paths(tags: ["t"]) == ["/keep", "/new"])
    }
}
