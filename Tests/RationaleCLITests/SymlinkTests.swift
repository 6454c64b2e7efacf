import Foundation
import Testing
import _TestSupport

/// A repository's files may be symbolic links (git stores a link as its target text, mode
/// 120000). rationale never follows one for reading or writing: a committed link cannot make it
/// write outside the repository, nor copy or print an outside file.
@Suite("symbolic links in the repository, end to end")
struct SymlinkTests {
    static let secret = "root:x:0:0:the secret outside the repository\n"

    /// The shop repository and a folder beside it, outside the working tree, holding a secret.
    func shopWithOutside() throws -> (repo: ScratchRepository, outside: String) {
        let repo = try shopRepository()
        let outside = repo.root + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Data(Self.secret.utf8).write(to: URL(fileURLWithPath: outside + "/secret.txt"))
        return (repo, outside)
    }

    func filesUnder(_ folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
    }

    @Test(arguments: [".project/sessions", ".project"])
    func aLinkedSessionsFolderOrParentIsRefusedAndNothingIsWrittenOutside(_ linked: String) throws {
        let (repo, outside) = try shopWithOutside()
        if linked.contains("/") { try FileManager.default.createDirectory(atPath: repo.absolute(".project"), withIntermediateDirectories: true) }
        repo.symlink(linked, to: outside)
        _ = try repo.commit("a committed link")
        let start = try rationale(["session", "start", "Escape"], in: repo)
        #expect(start.status == 2)
        #expect(start.stderr.contains("\(linked) is a symbolic link (to \(outside))"), "\(start.stderr)")
        #expect(start.stderr.contains("never follows links"))
        #expect(filesUnder(outside) == ["secret.txt"], "written outside: \(filesUnder(outside))")
        let list = try rationale(["session", "list"], in: repo)
        #expect(list.status == 2)
        #expect(list.stderr.contains("\(linked) is a symbolic link"))
    }

    @Test(arguments: ["absolute", "relative"])
    func aLinkedTemplateOverrideIsRefusedAndItsTargetNeverCopied(_ kind: String) throws {
        let (repo, outside) = try shopWithOutside()
        try FileManager.default.createDirectory(atPath: repo.absolute(".project/templates"), withIntermediateDirectories: true)
        repo.symlink(".project/templates/SUMMARY.md", to: kind == "absolute" ? outside + "/secret.txt" : "../../../outside/secret.txt")
        let start = try rationale(["session", "start", "Copy a secret"], in: repo)
        #expect(start.status == 2)
        #expect(start.stderr.contains(".project/templates/SUMMARY.md is a symbolic link"), "\(start.stderr)")
        for file in filesUnder(repo.path) where !file.hasPrefix(".git/") && file != ".project/templates/SUMMARY.md" {
            #expect(repo.read(file)?.contains("the secret outside") != true, "\(file) holds the outside file")
        }
    }

    @Test func linkedStateSessionFileAndConfigurationAreRefusedNamingThem() throws {
        let (repo, outside) = try shopWithOutside()
        // STATE.md: checked before anything is written.
        try FileManager.default.createDirectory(atPath: repo.absolute(".project"), withIntermediateDirectories: true)
        repo.symlink(".project/STATE.md", to: outside + "/secret.txt")
        let start = try rationale(["session", "start", "State"], in: repo)
        #expect(start.status == 2)
        #expect(start.stderr.contains(".project/STATE.md is a symbolic link"), "\(start.stderr)")
        #expect(!FileManager.default.fileExists(atPath: repo.absolute(".project/sessions")))
        #expect(try String(contentsOfFile: outside + "/secret.txt", encoding: .utf8) == Self.secret)
        repo.remove(".project/STATE.md")

        // A session's own file.
        #expect(try rationale(["session", "start", "Files"], in: repo).status == 0)
        let folder = try #require(sessionFolders(repo).first)
        repo.remove(".project/sessions/\(folder)/LOOPS.md")
        repo.symlink(".project/sessions/\(folder)/LOOPS.md", to: outside + "/secret.txt")
        let propose = try rationale(["loops", "propose", "Is it?"], in: repo)
        #expect(propose.status == 2)
        #expect(propose.stderr.contains(".project/sessions/\(folder)/LOOPS.md is a symbolic link"), "\(propose.stderr)")
        #expect(try String(contentsOfFile: outside + "/secret.txt", encoding: .utf8) == Self.secret)

        // .rationale.yml: a YAML error would quote a line of the target.
        repo.symlink(".rationale.yml", to: outside + "/secret.txt")
        let list = try rationale(["session", "list"], in: repo)
        #expect(list.status == 2)
        #expect(list.stderr.contains(".rationale.yml is a symbolic link"))
        #expect(!list.stderr.contains("the secret outside"))
    }

    @Test func anExportIntoALinkInsideTheRepositoryIsRefused() throws {
        let (repo, outside) = try shopWithOutside()
        #expect(try rationale(["session", "start", "Export"], in: repo).status == 0)
        #expect(try rationale(["loops", "propose", "Is it?"], in: repo).status == 0)
        #expect(try rationale(["loops", "approve", "L-1"], in: repo).status == 0)
        repo.symlink("loops.csv", to: outside + "/secret.txt")
        let export = try rationale(["loops", "export", "--format", "ticktick", "--output", "loops.csv"], in: repo)
        #expect(export.status == 2)
        #expect(export.stderr.contains("loops.csv is a symbolic link"), "\(export.stderr)")
        #expect(try String(contentsOfFile: outside + "/secret.txt", encoding: .utf8) == Self.secret)
        #expect(repo.read(".project/sessions/\(try #require(sessionFolders(repo).first))/LOOPS.md")?.contains("(approved)") == true)
    }

    @Test func contextShowsALinkedModelAsGitDoesNotWhatItPointsTo() throws {
        let (repo, outside) = try shopWithOutside()
        repo.remove("dbt/models/staging/stg_orders.sql")
        repo.symlink("dbt/models/staging/stg_orders.sql", to: outside + "/secret.txt")
        repo.symlink("notes.txt", to: outside + "/secret.txt")
        let run = try rationale(["context", "--worktree", "--budget", "4000"], in: repo)
        #expect(!run.stdout.contains("the secret outside"), "\(run.stdout)")
        #expect(!run.stderr.contains("the secret outside"))
        // An added link is mode 120000 whose content is its target, as `git diff` shows it.
        #expect(run.stdout.contains("new file mode 120000"), "\(run.stdout)")
        #expect(!run.stdout.contains("new file mode 100644"))
        #expect(run.stdout.contains("+\(outside)/secret.txt"))
    }
}
