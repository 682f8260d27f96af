import Foundation
import Posix
import Testing

/// `FileIO` on real files in a fresh directory per test (docs/async-invocations.md: the event spool's calls).
@Suite struct PosixFileIOTests {
    /// A new directory under the system's temporary directory; `remove()` deletes it with its contents.
    struct Scratch {
        let path = FileManager.default.temporaryDirectory.path + "/esb-posix-\(UUID().uuidString)"
        func remove() { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test func makeDirectoryCreatesEveryMissingLevelAndAcceptsAnExistingOne() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        let nested = scratch.path + "/a/b/c"
        try FileIO.makeDirectory(nested)
        #expect(FileIO.kind(of: nested) == .directory)
        try FileIO.makeDirectory(nested)
        #expect(FileIO.list(scratch.path + "/a") == ["b"])
    }

    @Test func anExclusiveLockRefusesASecondHolderUntilTheFirstCloses() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        try FileIO.makeDirectory(scratch.path)
        let path = scratch.path + "/.lock"
        let first = try FileIO.lockExclusively(path)
        // flock locks belong to the open file description: a second open in this same process is refused too.
        let refused = #expect(throws: PosixError.self) { try FileIO.lockExclusively(path) }
        #expect(refused?.isWouldBlock == true)
        FileIO.closeDescriptor(first)
        let second = try FileIO.lockExclusively(path)
        FileIO.closeDescriptor(second)
        #expect(FileIO.kind(of: path) == .regularFile)
    }

    @Test func listNamesEntriesWithoutDotsAndIsEmptyForAMissingDirectory() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        try FileIO.makeDirectory(scratch.path + "/sub")
        try FileIO.writeDurably(directory: scratch.path, name: "one", bytes: [1])
        try FileIO.writeDurably(directory: scratch.path, name: "two", bytes: [2])
        #expect(FileIO.list(scratch.path).sorted() == ["one", "sub", "two"])
        #expect(FileIO.list(scratch.path + "/missing").isEmpty)
    }

    @Test func appendsAccumulateAndReadBackWhole() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        try FileIO.makeDirectory(scratch.path)
        let path = scratch.path + "/log"
        for part in ["first\n", "second\n"] {
            let fd = try FileIO.openForAppend(path)
            try FileIO.writeAll(fd, Array(part.utf8))
            try FileIO.syncData(fd)
            FileIO.closeDescriptor(fd)
        }
        #expect(try FileIO.readAll(path) == Array("first\nsecond\n".utf8))
    }

    @Test func readAllReadsFilesLargerThanItsChunk() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        try FileIO.makeDirectory(scratch.path)
        // 2.5 MiB: more than one 1 MiB read, and a last read that is short.
        let bytes = (0..<(5 << 19)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try FileIO.writeDurably(directory: scratch.path, name: "big", bytes: bytes)
        #expect(try FileIO.readAll(scratch.path + "/big") == bytes)
    }

    @Test func readAtReadsTheRangeAndRefusesToReadPastTheEnd() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        try FileIO.makeDirectory(scratch.path)
        try FileIO.writeDurably(directory: scratch.path, name: "data", bytes: Array("0123456789".utf8))
        let fd = try FileIO.openForReading(scratch.path + "/data")
        defer { FileIO.closeDescriptor(fd) }
        #expect(try FileIO.readAt(fd, offset: 3, count: 4) == Array("3456".utf8))
        #expect(try FileIO.readAt(fd, offset: 0, count: 0) == [])
        #expect(throws: PosixError.self) { try FileIO.readAt(fd, offset: 8, count: 4) }
    }

    @Test func writeDurablyReplacesTheFileAndLeavesNoTemporaryFile() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        try FileIO.makeDirectory(scratch.path)
        try FileIO.writeDurably(directory: scratch.path, name: "state", bytes: Array("old".utf8))
        try FileIO.writeDurably(directory: scratch.path, name: "state", bytes: Array("new".utf8))
        #expect(try FileIO.readAll(scratch.path + "/state") == Array("new".utf8))
        #expect(FileIO.list(scratch.path) == ["state"])
        try FileIO.syncDirectory(scratch.path)
    }

    @Test func writeDurablyIntoAMissingDirectoryThrowsENOENT() {
        let scratch = Scratch()
        #expect {
            try FileIO.writeDurably(directory: scratch.path, name: "x", bytes: [1])
        } throws: { error in
            (error as? PosixError)?.code == PosixError.notFound("").code
        }
    }

    @Test func renameReplacesTheDestinationAndRemoveDeletes() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        try FileIO.makeDirectory(scratch.path)
        try FileIO.writeDurably(directory: scratch.path, name: "source", bytes: [1, 2])
        try FileIO.writeDurably(directory: scratch.path, name: "target", bytes: [9])
        try FileIO.rename(scratch.path + "/source", to: scratch.path + "/target")
        #expect(FileIO.list(scratch.path) == ["target"])
        #expect(try FileIO.readAll(scratch.path + "/target") == [1, 2])
        FileIO.remove(scratch.path + "/target")
        #expect(FileIO.kind(of: scratch.path + "/target") == nil)
        #expect(throws: PosixError.self) { try FileIO.rename(scratch.path + "/gone", to: scratch.path + "/x") }
    }

    @Test func kindTellsDirectoriesFilesAndDevicesApart() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        try FileIO.makeDirectory(scratch.path)
        try FileIO.writeDurably(directory: scratch.path, name: "file", bytes: [])
        #expect(FileIO.kind(of: scratch.path) == .directory)
        #expect(FileIO.kind(of: scratch.path + "/file") == .regularFile)
        #expect(FileIO.kind(of: "/dev/null") == .other)
        #expect(FileIO.kind(of: scratch.path + "/none") == nil)
    }

    @Test func openingAMissingFileThrowsNotFound() {
        let scratch = Scratch()
        #expect {
            _ = try FileIO.readAll(scratch.path + "/none")
        } throws: { error in
            guard let error = error as? PosixError else { return false }
            return error.code == PosixError.notFound("").code && !error.isNoSpace
        }
        #expect(throws: PosixError.self) { _ = try FileIO.openForReading(scratch.path + "/none") }
        #expect(throws: PosixError.self) { _ = try FileIO.openForAppend(scratch.path + "/none/file") }
    }

    @Test func writingToADescriptorOpenForReadingThrows() throws {
        let scratch = Scratch()
        defer { scratch.remove() }
        try FileIO.makeDirectory(scratch.path)
        try FileIO.writeDurably(directory: scratch.path, name: "f", bytes: [1])
        let fd = try FileIO.openForReading(scratch.path + "/f")
        defer { FileIO.closeDescriptor(fd) }
        #expect(throws: PosixError.self) { try FileIO.writeAll(fd, [2]) }
        #expect(try FileIO.readAll(scratch.path + "/f") == [1])
    }
}
