import Foundation

/// Runs a command line through `bash -c` and returns its status and stdout. The pipe is read to its end and the
/// process waited for on a thread of its own, so no cooperative thread blocks and no output is lost.
public func sh(_ command: String) async -> (status: Int32, output: String) {
    await withCheckedContinuation { (c: CheckedContinuation<(Int32, String), Never>) in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch {
            c.resume(returning: (-1, "\(error)"))
            return
        }
        Thread {
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            c.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
        }.start()
    }
}
