import CCurl
import Foundation

/// What libcurl's callbacks need during one transfer: the partial file, where it started,
/// and what the response said about ranges. Owned by `CurlTransfer.download` and only
/// touched on the thread running curl_easy_perform.
final class TransferState {
    let fd: Int32
    /// Bytes the partial file held before this transfer; the Range request starts here.
    private(set) var offset: Int64
    let handle: UnsafeMutableRawPointer
    let progress: ((Int64, Int64?) -> Void)?

    private(set) var written: Int64 = 0
    private(set) var writeErrno: Int32?
    /// The server answered the range request for a different offset than asked.
    private(set) var wrongRange = false
    private var bodyStarted = false
    /// From the Content-Range header of the latest response (redirects send several).
    private var contentRangeStart: Int64?

    init(fd: Int32, offset: Int64, handle: UnsafeMutableRawPointer, progress: ((Int64, Int64?) -> Void)?) {
        self.fd = fd
        self.offset = offset
        self.handle = handle
        self.progress = progress
    }

    /// Returns the number of bytes consumed; anything else makes libcurl abort with CURLE_WRITE_ERROR.
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if !bodyStarted {
            bodyStarted = true
            guard acceptResponseStart() else { return 0 }
        }
        var remaining = bytes
        while !remaining.isEmpty {
            let count = write(fd, remaining.baseAddress, remaining.count)
            if count < 0 {
                if errno == EINTR { continue }
                writeErrno = errno
                return 0
            }
            remaining = UnsafeRawBufferPointer(rebasing: remaining[count...])
        }
        written += Int64(bytes.count)
        return bytes.count
    }

    /// Decides, once the final response's headers are in, whether its body continues the
    /// partial file (206 at our offset; file:// honours ranges itself) or replaces it (200).
    private func acceptResponseStart() -> Bool {
        guard offset > 0 else { return true }
        var status = 0
        _ = sadi_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        switch status {
        case 206:
            if contentRangeStart != offset {
                wrongRange = true
                return false
            }
        case 200:
            // The server ignored the range and sends everything: start the file over.
            guard ftruncate(fd, 0) == 0 else {
                writeErrno = errno
                return false
            }
            offset = 0
        default:
            break
        }
        return true
    }

    func receiveHeader(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            contentRangeStart = nil
            return
        }
        guard let colon = line.firstIndex(of: ":"),
            line[..<colon].lowercased() == "content-range"
        else { return }
        // "bytes 100-199/300"
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard value.hasPrefix("bytes "), let dash = value.firstIndex(of: "-") else { return }
        contentRangeStart = Int64(value[value.index(value.startIndex, offsetBy: 6)..<dash])
    }

    func reportProgress(now: curl_off_t, total: curl_off_t) {
        guard let progress, bodyStarted || now > 0 else { return }
        progress(offset + Int64(now), total > 0 ? offset + Int64(total) : nil)
    }
}
