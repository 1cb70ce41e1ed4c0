import RouteHandlersTestHarness
import Synchronization
import Testing
@testable import RouteHandlersFastCGI
import RouteHandlers

@Suite("Process options")
struct ProcessOptionsTests {
    @Test(arguments: [
        ("30", Duration.seconds(30)), ("1.5", .milliseconds(1500)), ("1500ms", .milliseconds(1500)), ("2s", .seconds(2)),
        ("1m", .seconds(60)), ("1h", .seconds(3600)), ("0", .zero), ("0.25s", .milliseconds(250)), ("2S", .seconds(2)),
    ])
    func durationsAreSecondsOrANumberWithAUnit(text: String, expected: Duration) throws {
        #expect(try ServerOptions.duration(text, option: "--x") == expected)
    }

    @Test(arguments: ["", "s", "ms", "-1", "1.5.2", "ten", "1d", "nan", "inf", "1e3", ".", "+2s", "2 minutes"])
    func invalidDurationsAreRefusedWithTheOptionNamed(text: String) {
        #expect {
            try ServerOptions.duration(text, option: "--request-timeout")
        } throws: { error in
            (error as? ServerError)?.message.contains("--request-timeout") == true
        }
    }

    @Test func everyDurationOptionTakesUnitsFromTheCommandLineAndTheEnvironment() throws {
        let options = try ServerOptions.parse([
            "--listen", "/tmp/a.sock", "--shutdown-timeout", "1500ms", "--request-timeout", "2s",
            "--request-terminate-timeout", "1m", "--max-requests", "500",
        ])
        let configuration = try #require(try options.configuration(environment: [:]))
        #expect(configuration.shutdownTimeout == .milliseconds(1500))
        #expect(configuration.requestTimeout == .seconds(2))
        #expect(configuration.requestTerminateTimeout == .seconds(60))
        #expect(configuration.maxRequests == 500)

        let environment = [
            "ROUTE_HANDLERS_LISTEN": "/tmp/b.sock", "ROUTE_HANDLERS_SHUTDOWN_TIMEOUT": "10",
            "ROUTE_HANDLERS_REQUEST_TIMEOUT": "1.5", "ROUTE_HANDLERS_REQUEST_TERMINATE_TIMEOUT": "3s",
            "ROUTE_HANDLERS_MAX_REQUESTS": "1000", "ROUTE_HANDLERS_PROCESSES": "3", "ROUTE_HANDLERS_MAX_MEMORY": "512m",
        ]
        let fromEnvironment = try ServerOptions.parse([])
        let resolved = try #require(try fromEnvironment.configuration(environment: environment))
        #expect(resolved.shutdownTimeout == .seconds(10))
        #expect(resolved.requestTimeout == .milliseconds(1500))
        #expect(resolved.requestTerminateTimeout == .seconds(3))
        #expect(resolved.maxRequests == 1000)
        #expect(try fromEnvironment.processCount(environment: environment) == 3)
        let settings = try fromEnvironment.supervisorSettings(processes: 3, configuration: resolved, environment: environment)
        #expect(settings.maxMemory == 512 * 1024 * 1024)
        #expect(settings.shutdownTimeout == .seconds(10))
    }

    @Test func processesAreACountOrAutoAndOnlyGivenOnesMakeAMaster() throws {
        #expect(try ServerOptions.parse([]).processCount(environment: [:]) == nil)
        #expect(try ServerOptions.parse(["--processes", "1"]).processCount(environment: [:]) == 1)
        #expect(try ServerOptions.parse(["--processes", "auto"]).processCount(environment: [:]) == Int(ProcessorCount.online))
        #expect(try ServerOptions.parse(["--processes", "AUTO"]).processCount(environment: [:]) ?? 0 >= 1)
        for bad in ["0", "257", "many", "2.5"] {
            #expect(throws: ServerError.self) { try ServerOptions.parse(["--processes", bad]).processCount(environment: [:]) }
        }
    }

    @Test func aTerminateTimeoutShorterThanTheSoftOneIsRefused() throws {
        let options = try ServerOptions.parse(["--listen", "/tmp/a.sock", "--request-timeout", "5s", "--request-terminate-timeout", "2s"])
        #expect(throws: ServerError.self) { try options.configuration(environment: [:]) }
    }

    @Test func eachWorkerGetsAJitteredRequestBudget() {
        var configuration = FastCGIServerConfiguration(address: .unix(path: "/tmp/x.sock"))
        configuration.maxRequests = 1000
        let budgets = (0..<200).compactMap { _ in RequestLimits(configuration).maxRequests }
        #expect(budgets.allSatisfy { (1000...1100).contains($0) })
        #expect(Set(budgets).count > 1, "no jitter: \(Set(budgets))")

        let limits = RequestLimits(configuration)
        let budget = limits.maxRequests ?? 0
        let reached = (0..<(budget + 50)).filter { _ in limits.countRequest() }
        #expect(reached.count == 1)
    }
}

private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
