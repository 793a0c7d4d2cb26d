import Foundation

/// Pulls one member out of a tar archive (compressed or not: tar detects the format of a
/// regular file itself) by running the system `tar`, streaming it into `destination`.
enum ArchiveExtractor {
    static func extract(member: String, from archive: String, to destination: String) throws {
        guard FileManager.default.createFile(atPath: destination, contents: nil),
            let output = FileHandle(forWritingAtPath: destination)
        else {
            throw DataError.cacheNotWritable(
                directory: (destination as NSString).deletingLastPathComponent,
                reason: "cannot create \(destination)")
        }
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar", "-xf", archive, "-O", "--", member]
        process.standardOutput = output
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw DataError.extractionFailed(archive: archive, member: member, reason: "cannot run tar (\(error))")
        }
        // Drain stderr before waiting, so a chatty tar cannot block on a full pipe.
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let reason = message.split(separator: "\n").first.map(String.init) ?? "tar exited with status \(process.terminationStatus)"
            throw DataError.extractionFailed(archive: archive, member: member, reason: reason)
        }
        try output.synchronize()
    }
}
