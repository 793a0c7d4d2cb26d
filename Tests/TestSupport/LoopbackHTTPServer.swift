import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The tests' one loopback server: a small HTTP/1.1 server on 127.0.0.1 (ephemeral port) that serves a folder, honours
/// `Range: bytes=N-[M]`, and injects faults per path, so the download code can be tested
/// against real sockets with no other host. One thread per connection, at most
/// `maxConnections` at once; every response closes its connection. Call `stop()` at the
/// end of a test: it wakes stalled handlers, closes every socket and joins every thread.
public final class LoopbackHTTPServer: @unchecked Sendable {
    public enum Fault: Sendable {
        /// Answer with this status `times` times, then serve normally.
        case status(Int, times: Int)
        /// Once: send the headers and the first `bytes` bytes of the body, then hang up.
        case dropAfter(bytes: Int)
        /// Serve these bytes instead of the file (every time).
        case body(Data)
        case notFound
        /// Read the request and never answer, until the server stops or 30 s pass (then hang up,
        /// so a client without a stall limit fails with another error instead of hanging the tests).
        case stall
        /// 302 to another path on this server, or to an absolute URL (every time).
        case redirect(to: String)
        /// Answer 200 with the whole file even when a range is asked for.
        case ignoreRange
    }

    public struct Request: Sendable, Equatable {
        public let method: String
        public let path: String
        public let range: String?
        public let status: Int
    }

    public let port: UInt16
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private let root: URL
    private let listener: Int32
    private let maxConnections: Int
    /// Guards everything below; also the condition stalled handlers wait on.
    private let state = NSCondition()
    private var faults: [String: Fault] = [:]
    private var log: [Request] = []
    private var clients: Set<Int32> = []
    private var active = 0
    private var stopping = false
    private var acceptLoopDone = false

    public init(root: URL, maxConnections: Int = 16) throws {
        self.root = root
        self.maxConnections = maxConnections
        (listener, port) = try Self.openListener()
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    public func setFault(_ fault: Fault?, for path: String) {
        state.lock()
        faults[path] = fault
        state.unlock()
    }

    /// Every request answered (or stalled, with status 0) so far, in arrival order.
    public var requests: [Request] {
        state.lock()
        defer { state.unlock() }
        return log
    }

    public func requests(for path: String) -> [Request] { requests.filter { $0.path == path } }

    public func stop() {
        state.lock()
        if stopping {
            state.unlock()
            return
        }
        stopping = true
        // shutdown() wakes a thread blocked in accept() or recv() on these sockets.
        _ = shutdown(listener, Int32(SHUT_RDWR))
        for client in clients { _ = shutdown(client, Int32(SHUT_RDWR)) }
        state.broadcast()
        while !acceptLoopDone || active > 0 { state.wait() }
        state.unlock()
        close(listener)
    }

    /// A port nothing listens on (bound, then released), for connection-refused tests.
    public static func unusedPort() throws -> UInt16 {
        let (fd, port) = try openListener()
        close(fd)
        return port
    }

    /// A listening port whose accept queue is full, so a new connect hangs until the client's
    /// connect timeout: Linux drops SYNs for a listener with a full backlog.
    public final class Unresponsive {
        public let port: UInt16
        private let listener: Int32
        private var pending: [Int32] = []

        public init() throws {
            (listener, port) = try LoopbackHTTPServer.openListener(backlog: 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            for _ in 0..<3 {
                let fd = LoopbackHTTPServer.tcpSocket()
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                pending.append(fd)
            }
            usleep(100_000)
        }

        public func release() {
            for fd in pending + [listener] { close(fd) }
            pending = []
        }
    }

    // MARK: - Connections

    private func acceptLoop() {
        while true {
            state.lock()
            while active >= maxConnections && !stopping { state.wait() }
            let stop = stopping
            state.unlock()
            if stop { break }
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                break
            }
            state.lock()
            if stopping {
                state.unlock()
                close(client)
                break
            }
            clients.insert(client)
            active += 1
            state.unlock()
            let thread = Thread { [self] in
                handle(client)
                state.lock()
                clients.remove(client)
                close(client)
                active -= 1
                state.broadcast()
                state.unlock()
            }
            thread.start()
        }
        state.lock()
        acceptLoopDone = true
        state.broadcast()
        state.unlock()
    }

    private func handle(_ client: Int32) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        _ = setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let (method, path, headers) = readRequest(client) else { return }
        let range = headers["range"]
        let fault = takeFault(for: path)

        switch fault {
        case .stall:
            record(method, path, range, status: 0)
            let deadline = Date(timeIntervalSinceNow: 30)
            state.lock()
            while !stopping && state.wait(until: deadline) {}
            state.unlock()
        case let .status(code, _):
            record(method, path, range, status: code)
            respond(client, status: code, headers: [:], body: Data("fault \(code)\n".utf8), method: method)
        case .notFound:
            record(method, path, range, status: 404)
            respond(client, status: 404, headers: [:], body: Data("not found\n".utf8), method: method)
        case let .redirect(to):
            record(method, path, range, status: 302)
            let location = to.contains("://") ? to : baseURL + to
            respond(client, status: 302, headers: ["Location": location], body: Data(), method: method)
        case let .body(bytes):
            serve(client, method: method, path: path, content: bytes, range: range, dropAfter: nil)
        case let .dropAfter(bytes):
            serve(client, method: method, path: path, content: nil, range: range, dropAfter: bytes)
        case .ignoreRange:
            serve(client, method: method, path: path, content: nil, range: nil, rangeHeader: range, dropAfter: nil)
        case nil:
            serve(client, method: method, path: path, content: nil, range: range, dropAfter: nil)
        }
    }

    /// Consumes one use of a counted or one-shot fault.
    private func takeFault(for path: String) -> Fault? {
        state.lock()
        defer { state.unlock() }
        guard let fault = faults[path] else { return nil }
        switch fault {
        case let .status(code, times):
            faults[path] = times > 1 ? .status(code, times: times - 1) : nil
        case .dropAfter:
            faults[path] = nil
        default:
            break
        }
        return fault
    }

    private func serve(
        _ client: Int32, method: String, path: String, content: Data?, range: String?,
        rangeHeader: String? = nil, dropAfter: Int?
    ) {
        let requestedRange = rangeHeader ?? range
        guard let body = content ?? file(at: path) else {
            record(method, path, requestedRange, status: 404)
            respond(client, status: 404, headers: [:], body: Data("not found\n".utf8), method: method)
            return
        }
        var status = 200
        var slice = body
        var headers = ["Accept-Ranges": "bytes"]
        if let range, let (start, end) = Self.parseRange(range, size: body.count) {
            guard start < body.count, start <= end else {
                record(method, path, requestedRange, status: 416)
                respond(client, status: 416, headers: ["Content-Range": "bytes */\(body.count)"], body: Data(), method: method)
                return
            }
            status = 206
            slice = body.subdata(in: start..<(end + 1))
            headers["Content-Range"] = "bytes \(start)-\(end)/\(body.count)"
        }
        record(method, path, requestedRange, status: status)
        if let dropAfter {
            sendHead(client, status: status, headers: headers, length: slice.count)
            sendAll(client, slice.prefix(dropAfter))
            return  // the caller closes the socket mid-body
        }
        respond(client, status: status, headers: headers, body: slice, method: method)
    }

    /// `bytes=N-` or `bytes=N-M`, clamped to the file; nil when absent or not understood.
    private static func parseRange(_ header: String, size: Int) -> (Int, Int)? {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard spec.count == 2, let start = Int(spec[0]) else { return nil }
        let end = spec[1].isEmpty ? size - 1 : min(Int(spec[1]) ?? size - 1, size - 1)
        return (start, end)
    }

    private func file(at path: String) -> Data? {
        let parts = path.split(separator: "/")
        guard !parts.contains(where: { $0 == ".." || $0 == "." }) else { return nil }
        let url = parts.reduce(root) { $0.appendingPathComponent(String($1)) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        return FileManager.default.contents(atPath: url.path)
    }

    private func record(_ method: String, _ path: String, _ range: String?, status: Int) {
        state.lock()
        log.append(Request(method: method, path: path, range: range, status: status))
        state.unlock()
    }

    // MARK: - Wire format

    private func readRequest(_ client: Int32) -> (String, String, [String: String])? {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        while buffer.count < 65536 {
            let count = recv(client, &chunk, chunk.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[0..<count])
            if let end = Self.find(terminator, in: buffer) {
                let text = String(decoding: buffer[0..<end], as: UTF8.self)
                var lines = text.components(separatedBy: "\r\n")
                let requestLine = lines.removeFirst().split(separator: " ")
                guard requestLine.count >= 2 else { return nil }
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                let target = String(requestLine[1]).split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
                return (String(requestLine[0]), target.removingPercentEncoding ?? target, headers)
            }
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }

    private func respond(_ client: Int32, status: Int, headers: [String: String], body: Data, method: String) {
        sendHead(client, status: status, headers: headers, length: body.count)
        if method != "HEAD" { sendAll(client, body) }
    }

    private func sendHead(_ client: Int32, status: Int, headers: [String: String], length: Int) {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(length)\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
        sendAll(client, Data(head.utf8))
    }

    private func sendAll(_ client: Int32, _ data: Data) {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                #if os(Linux)
                let sent = send(client, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #else
                let sent = send(client, raw.baseAddress! + offset, raw.count - offset, 0)
                #endif
                if sent < 0, errno == EINTR { continue }
                guard sent > 0 else { return }
                offset += sent
            }
        }
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 206: "Partial Content"
        case 302: "Found"
        case 404: "Not Found"
        case 416: "Range Not Satisfiable"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    fileprivate static func tcpSocket() -> Int32 {
        #if os(Linux)
        socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        socket(AF_INET, SOCK_STREAM, 0)
        #endif
    }

    fileprivate static func openListener(backlog: Int32 = 64) throws -> (Int32, UInt16) {
        let fd = tcpSocket()
        guard fd >= 0 else { throw ServerError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && listen(fd, backlog) == 0
                    && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ServerError("cannot listen on 127.0.0.1: \(message)")
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    struct ServerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
