import CCurl
import Foundation

/// How one libcurl GET ended when it did not deliver the whole body.
struct TransferFailure: Error, Sendable {
    enum Kind: Sendable, Equatable {
        case http(Int)
        case connect
        case timeout
        /// The connection broke mid-body; what arrived is kept for a Range request.
        case interrupted
        /// The partial file cannot be continued (HTTP 416, or a 206 for the wrong offset).
        case cannotResume
        /// A file:// source is missing or unreadable.
        case unreadableSource
        /// Writing the partial file failed (errno).
        case write(Int32)
        case other
    }

    let kind: Kind
    let message: String
    /// The URL that answered, after redirects.
    let url: String
    /// Seconds asked for by a Retry-After header, if any.
    let retryAfter: TimeInterval?

    /// Worth another attempt: the same request could succeed a moment later.
    var isTransient: Bool {
        switch kind {
        case let .http(code): return code >= 500 || code == 429 || code == 408
        case .connect, .timeout, .interrupted: return true
        case .cannotResume, .unreadableSource, .write, .other: return false
        }
    }
}

struct TransferLimits: Sendable {
    var connectTimeout: TimeInterval
    /// Abort when fewer than `lowSpeedLimit` bytes/s arrive for this long (a stalled server).
    var lowSpeedTime: TimeInterval
    var lowSpeedLimit: Int = 1024
    var maxRedirects: Int = 10
}

/// One libcurl GET that appends the body to a `.partial` file, continuing from the length
/// it already has. The curl handle lives for this call only, so nothing is shared between
/// threads; callbacks find their state through the opaque context pointer.
enum CurlTransfer {
    /// curl_global_init is not thread-safe; a static let runs it exactly once (swift_once).
    private static let globalInit: CURLcode = sadi_curl_global_init()

    /// Returns the number of body bytes the file now holds.
    static func download(
        url: String, into partialPath: String, limits: TransferLimits,
        progress: ((_ received: Int64, _ total: Int64?) -> Void)?
    ) -> Result<Int64, TransferFailure> {
        func failure(_ kind: TransferFailure.Kind, _ message: String, url: String = url) -> Result<Int64, TransferFailure> {
            .failure(TransferFailure(kind: kind, message: message, url: url, retryAfter: nil))
        }
        guard globalInit == CURLE_OK else {
            return failure(.other, "libcurl failed to initialise: \(String(cString: curl_easy_strerror(globalInit)))")
        }
        let fd = open(partialPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return failure(.write(errno), String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return failure(.write(errno), String(cString: strerror(errno))) }
        guard let handle = curl_easy_init() else { return failure(.other, "curl_easy_init failed") }
        defer { curl_easy_cleanup(handle) }

        let state = TransferState(fd: fd, offset: Int64(info.st_size), handle: handle, progress: progress)
        let context = Unmanaged.passUnretained(state).toOpaque()
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorText in
            var setup = CURLE_OK
            func set(_ result: CURLcode) { if setup == CURLE_OK { setup = result } }
            set(sadi_curl_setopt_string(handle, CURLOPT_URL, url))
            set(sadi_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorText.baseAddress))
            set(sadi_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https,file"))
            // A redirect must not be able to point a download at a local file.
            set(sadi_curl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"))
            set(sadi_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1))
            set(sadi_curl_setopt_long(handle, CURLOPT_MAXREDIRS, limits.maxRedirects))
            // Error statuses end the transfer before their body could reach the partial file.
            set(sadi_curl_setopt_long(handle, CURLOPT_FAILONERROR, 1))
            set(sadi_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int(limits.connectTimeout * 1000))))
            set(sadi_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, limits.lowSpeedLimit))
            set(sadi_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, max(1, Int(limits.lowSpeedTime.rounded(.up)))))
            // Signals are process-wide and these handles may run on several threads.
            set(sadi_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            set(sadi_curl_setopt_string(handle, CURLOPT_USERAGENT, "sadi-eval (libcurl)"))
            if state.offset > 0 {
                // CURLOPT_RANGE rather than RESUME_FROM: a server that ignores the range then
                // sends the whole body in the same response, and we restart the file in place
                // instead of libcurl failing with CURLE_RANGE_ERROR.
                set(sadi_curl_setopt_string(handle, CURLOPT_RANGE, "\(state.offset)-"))
            }
            set(
                sadi_curl_setopt_write_callback(
                    handle,
                    { data, size, count, context in
                        Unmanaged<TransferState>.fromOpaque(context!).takeUnretainedValue()
                            .receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
                    }, context))
            set(
                sadi_curl_setopt_header_callback(
                    handle,
                    { data, size, count, context in
                        Unmanaged<TransferState>.fromOpaque(context!).takeUnretainedValue()
                            .receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
                        return size * count
                    }, context))
            if progress != nil {
                set(
                    sadi_curl_setopt_progress_callback(
                        handle,
                        { context, total, now, _, _ in
                            Unmanaged<TransferState>.fromOpaque(context!).takeUnretainedValue().reportProgress(now: now, total: total)
                            return 0
                        }, context))
            }
            guard setup == CURLE_OK else { return setup }
            let result = curl_easy_perform(handle)
            // The buffer is only borrowed for this closure.
            _ = sadi_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, nil)
            return result
        }

        var effective: UnsafePointer<CChar>?
        let answeredURL =
            sadi_curl_getinfo_string(handle, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK
            ? effective.map { String(cString: $0) } ?? url : url
        let written = state.offset + state.written
        if code == CURLE_OK {
            guard fsync(fd) == 0 else { return failure(.write(errno), String(cString: strerror(errno)), url: answeredURL) }
            state.progress?(written, written)
            return .success(written)
        }
        let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        // DataError adds its own full stop.
        while message.hasSuffix(".") || message.hasSuffix("\n") { message.removeLast() }
        var retryAfter: curl_off_t = 0
        _ = sadi_curl_getinfo_off_t(handle, CURLINFO_RETRY_AFTER, &retryAfter)
        let kind = classify(code, state: state, handle: handle)
        return .failure(
            TransferFailure(
                kind: kind, message: message, url: answeredURL,
                retryAfter: retryAfter > 0 ? TimeInterval(retryAfter) : nil))
    }

    private static func classify(_ code: CURLcode, state: TransferState, handle: UnsafeMutableRawPointer) -> TransferFailure.Kind {
        if let error = state.writeErrno { return .write(error) }
        if state.wrongRange { return .cannotResume }
        switch code {
        case CURLE_HTTP_RETURNED_ERROR:
            var status = 0
            _ = sadi_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            return status == 416 ? .cannotResume : .http(status)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connect
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING,
            CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_SSL_CONNECT_ERROR:
            return .interrupted
        case CURLE_RANGE_ERROR, CURLE_BAD_DOWNLOAD_RESUME:
            return .cannotResume
        case CURLE_FILE_COULDNT_READ_FILE, CURLE_READ_ERROR:
            return .unreadableSource
        default:
            return .other
        }
    }
}
