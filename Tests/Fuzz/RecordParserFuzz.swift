// libFuzzer target for the FastCGI record layer (Sources/RouteHandlersFastCGI/Records), built with those files
// alone by .ci/fuzz-records (`swiftc -sanitize=fuzzer,address`). Not a SwiftPM target.
//
// It feeds the input to RecordParser the way the server does (a growing buffer, consumed record by record,
// the params stream stored as it is validated) and checks, besides "no crash, no overflow":
// - nothing consumed beyond the buffer, and progress whenever a record is acted on;
// - the params stored never exceed the cap;
// - a params stream the parser accepted decodes as whole-stream name-value pairs (both validators agree);
// - feeding the input in small pieces gives the same events as feeding it whole.

@_cdecl("LLVMFuzzerTestOneInput")
public func recordParserFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    // The first byte picks the cap and the piece size, the rest is the stream.
    let control = input[0]
    let cap = [64, 1000, 70_000, 1 << 20][Int(control & 3)]
    let piece = [1, 7, 300, 1 << 20][Int(control >> 2 & 3)]
    let stream = UnsafeRawBufferPointer(rebasing: input[1...])
    let whole = run(stream, cap: cap, piece: stream.count + 1)
    let pieces = run(stream, cap: cap, piece: piece)
    precondition(whole == pieces, "events differ when fed in pieces of \(piece): \(whole) vs \(pieces)")
    return 0
}

private func run(_ stream: UnsafeRawBufferPointer, cap: Int, piece: Int) -> [String] {
    var parser = RecordParser(maxParamsSize: cap)
    var buffer: [UInt8] = []
    var params: [UInt8] = []
    var log: [String] = []
    var fed = 0
    while true {
        let (event, consumed) = buffer.withUnsafeBytes { parser.next($0) }
        precondition(consumed <= buffer.count)
        switch event {
        case .needMore:
            guard fed < stream.count else { return log }
            let next = min(stream.count, fed + piece)
            buffer.append(contentsOf: stream[fed..<next])
            fed = next
            continue
        case .invalid(let failure):
            log.append("invalid \(failure)")
            return log
        case .pipelined:
            precondition(consumed == 0)
            log.append("pipelined")
            parser.requestFinished()
            continue
        case .beginRequest:
            params = []
        case .params(let range):
            precondition(range.upperBound <= consumed)
            params.append(contentsOf: buffer[range])
            precondition(params.count <= cap, "params beyond the cap")
        case .paramsEnd:
            let count = params.withUnsafeBytes { try? NameValuePairs.validate($0) }
            precondition(count != nil, "accepted params that do not decode")
            log.append("params \(params.count) bytes, \(count ?? -1) pairs")
            continue
        case .stdinEnd:
            parser.requestFinished()
        case .stdin(let range), .getValues(let range):
            precondition(range.upperBound <= consumed)
        default:
            break
        }
        precondition(consumed > 0, "no progress on \(event)")
        log.append(shortDescription(event))
        buffer.removeFirst(consumed)
    }
}

private func shortDescription(_ event: RecordParser.Event) -> String {
    switch event {
    case .params(let range): "params \(range.count)"
    case .stdin(let range): "stdin \(range.count)"
    case .getValues(let range): "getValues \(range.count)"
    default: "\(event)"
    }
}
