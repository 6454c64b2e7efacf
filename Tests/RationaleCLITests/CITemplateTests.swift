import Foundation
import Testing
import Yams

/// The CI templates users copy (`ci/github/rationale.yml`, `ci/gitlab/rationale.gitlab-ci.yml`)
/// hold the promises the README makes: the triggers a required check needs, least privilege, no
/// event data expanded into a shell, actions pinned by commit. Each rule is a function returning
/// problems, so the tests also show a broken copy of each file is caught.
@Suite("CI templates")
struct CITemplateTests {
    static let githubPath = "ci/github/rationale.yml"
    static let gitlabPath = "ci/gitlab/rationale.gitlab-ci.yml"

    static func text(_ path: String) throws -> String {
        try String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8)
    }

    // MARK: GitHub

    @Test func githubWorkflowKeepsItsPromises() throws {
        #expect(try githubProblems(Self.text(Self.githubPath)) == [])
    }

    @Test func githubWorkflowRunsTheThreeCommands() throws {
        let workflow = try #require(try Yams.compose(yaml: Self.text(Self.githubPath)))
        let commands = steps(of: workflow).compactMap { $0.value("with")?.value("command")?.string }
        #expect(commands == ["install", "gate", "install", "narrate", "publish"])
        let gate = try #require(workflow.value("jobs")?.mapping?.first { $0.value.value("name")?.string == "rationale gate" }?.value)
        let with = try #require(steps(ofJob: gate).first { $0.value("with")?.value("command")?.string == "gate" }?.value("with"))
        let base = with.value("base")?.string ?? ""
        #expect(base.contains("github.event.merge_group.base_sha") && base.contains("github.event.pull_request.base.sha"))
    }

    /// The action keeps the same promises: inputs reach its scripts through `env:` only, it
    /// installs outside the checkout and puts only the `rationale` command on PATH.
    @Test func theActionKeepsItsPromises() throws {
        #expect(try actionProblems(Self.text("action.yml"), install: Self.text("ci/github/install-rationale.sh")) == [])
        let broken = try Self.text("action.yml").replacingOccurrences(
            of: #"run: bash "$ACTION_PATH/ci/github/run-rationale.sh""#, with: #"run: bash "$ACTION_PATH/ci/github/run-rationale.sh" "${{ inputs.command }}""#)
        #expect(try actionProblems(broken, install: Self.text("ci/github/install-rationale.sh")).contains { $0.contains("${{") })
        let onPath = try Self.text("ci/github/install-rationale.sh").replacingOccurrences(
            of: #"echo "$RUNNER_TEMP/rationale-bin" >> "$GITHUB_PATH""#, with: #"echo "$venv/bin" >> "$GITHUB_PATH""#)
        #expect(try actionProblems(Self.text("action.yml"), install: onPath).contains { $0.contains("PATH") })
    }

    /// Each broken copy must be caught, with a message that names the broken promise.
    @Test(arguments: [
        (
            "    types: [opened, edited, synchronize, reopened, ready_for_review]",
            "    types: [opened, synchronize, reopened, ready_for_review]", "on.pull_request.types"
        ),
        (
            "    types: [opened, edited, synchronize, reopened, ready_for_review]",
            "    types: [opened, edited, synchronize, reopened, ready_for_review]\n    paths: ['models/**']", "path filter"
        ),
        ("  merge_group:\n", "", "merge_group"),
        ("permissions: {}\n", "permissions: write-all\n", "top-level permissions"),
        ("      pull-requests: read   #", "      pull-requests: write   #", "gate job"),
        ("      contents: read        #", "      contents: write        #", "contents: write"),
        (
            "          command: gate\n",
            "          command: gate\n          file: ${{ github.event.pull_request.title }}\n", "attacker-controlled"
        ),
        ("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1", "actions/checkout@v7", "not pinned"),
        ("your-org/rationale@0000000000000000000000000000000000000000", "your-org/rationale@main", "not pinned"),
        ("fetch-depth: 0", "fetch-depth: 1", "fetch-depth"),
        ("persist-credentials: false", "persist-credentials: true", "persist-credentials"),
        ("  cancel-in-progress: true", "  cancel-in-progress: false", "concurrency"),
        (
            "      - name: Install rationale (before the pull request's files are on disk)\n        uses: your-org/rationale@0000000000000000000000000000000000000000 # v0.1.0\n        with:\n          command: install\n",
            "      - name: Check out the repository first\n        uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1\n        with:\n          fetch-depth: 0\n          persist-credentials: false\n\n      - name: Install rationale (before the pull request's files are on disk)\n        uses: your-org/rationale@0000000000000000000000000000000000000000 # v0.1.0\n        with:\n          command: install\n",
            "installed after the pull request's files are checked out"
        ),
    ])
    func brokenGithubWorkflowIsCaught(original: String, broken: String, message: String) throws {
        let text = try Self.text(Self.githubPath)
        #expect(text.contains(original), "the mutation no longer applies; update the test")
        let problems = try githubProblems(text.replacingOccurrences(of: original, with: broken))
        #expect(problems.contains { $0.contains(message) }, "expected a problem naming \(message), got \(problems)")
    }

    /// The optional `rationale prove` step, commented out in both templates, keeps every promise
    /// once a team uncomments it, and the gate reads the proof only from outside the checkout.
    @Test func theCommentedProveStepKeepsThePromisesWhenUncommented() throws {
        let github = try Self.text(Self.githubPath)
        var inStep = false
        let uncommented = github.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line == "      # - name: rationale prove" { inStep = true }
            guard inStep, line.hasPrefix("      # - ") || line.hasPrefix("      #   ") else {
                inStep = false
                return String(line)
            }
            return "      " + line.dropFirst(8)
        }.joined(separator: "\n")
        #expect(uncommented != github, "the commented step is gone; update the test")
        #expect(try githubProblems(uncommented) == [])
        let workflow = try #require(try Yams.compose(yaml: uncommented))
        let runs = steps(of: workflow).compactMap { $0.value("run")?.string }.joined(separator: "\n")
        #expect(runs.contains(#"rationale prove --base "$BASE_SHA" --head "$HEAD_SHA" --state prod-artifacts"#))
        #expect(runs.contains(#"--output "$RUNNER_TEMP/proof.json""#))
        let gate = steps(of: workflow).first { $0.value("with")?.value("command")?.string == "gate" }
        #expect(gate?.value("with")?.value("proof")?.string == "${{ runner.temp }}/proof.json", "the gate is given the proof the step writes")

        let gitlab = try Self.text(Self.gitlabPath)
        let gitlabUncommented = gitlab.replacingOccurrences(of: "    # - rationale prove", with: "    - rationale prove")
        #expect(gitlabUncommented != gitlab)
        #expect(try gitlabProblems(gitlabUncommented) == [])
        #expect(gitlab.contains(#"set -- "$@" --proof "$RATIONALE_HOME/proof.json""#))
    }

    // MARK: GitLab

    @Test func gitlabFileKeepsItsPromises() throws {
        let text = try Self.text(Self.gitlabPath)
        #expect(try gitlabProblems(text) == [])
        #expect(text.contains("rationale gate --base \"$BASE_SHA\" --head \"$HEAD_SHA\""))
        #expect(text.contains("rationale publish --gitlab --file"))
        #expect(text.contains("RATIONALE_GITLAB_TOKEN"))
    }

    @Test(arguments: [
        (
            "  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n  variables:\n    GIT_DEPTH: \"0\"          #",
            "  variables:\n    GIT_DEPTH: \"0\"          #", "merge_request_event"
        ),
        (
            "    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n  variables:\n    GIT_DEPTH: \"0\"\n",
            "    - if: $CI_PIPELINE_SOURCE == \"push\"\n  variables:\n    GIT_DEPTH: \"0\"\n", "merge_request_event"
        ),
        ("    GIT_DEPTH: \"0\"          #", "    GIT_DEPTH: \"20\"          #", "GIT_DEPTH"),
        (
            "  before_script:\n", "  cache:\n    key: rationale-swift-6.2-noble\n    paths:\n      - .rationale-bin/\n  before_script:\n",
            "`cache:` in `.rationale-setup`"
        ),
        (#"    - export PATH="$RATIONALE_HOME/bin:$PATH""#, #"    - export PATH="$CI_PROJECT_DIR/.rationale-bin:$PATH""#, "inside the checkout"),
        (#"    - export PATH="$RATIONALE_HOME/bin:$PATH""#, #"    - export PATH=".rationale-bin:$PATH""#, "inside the checkout"),
        (#"echo "$RATIONALE_WHEEL_SHA256  $wheel" | sha256sum --check --strict --quiet -"#, "true", "SHA-256"),
    ])
    func brokenGitlabFileIsCaught(original: String, broken: String, message: String) throws {
        let text = try Self.text(Self.gitlabPath)
        #expect(text.contains(original), "the mutation no longer applies; update the test")
        let problems = try gitlabProblems(text.replacingOccurrences(of: original, with: broken))
        #expect(problems.contains { $0.contains(message) }, "expected a problem naming \(message), got \(problems)")
    }
}

extension CITemplateTests {
    /// The setup of the GitLab template before it was hardened: it ran `.rationale-bin/rationale`
    /// from the checkout (which a merge request can commit) and cached it (which any merge
    /// request pipeline can write), with the token in its environment.
    static let unsafeGitlabSetup = """
        .rationale-setup:
          image: swift:6.2-noble
          variables:
            RATIONALE_REPOSITORY_URL: https://github.com/your-org/rationale.git
            RATIONALE_REF: main
          cache:
            key: rationale-swift-6.2-noble
            paths:
              - .rationale-bin/
          before_script:
            - |
              if [ ! -x .rationale-bin/rationale ]; then
                git init -q /tmp/rationale-src
                (cd /tmp/rationale-src && swift build -c release)
                mkdir -p .rationale-bin && cp /tmp/rationale-src/.build/release/rationale .rationale-bin/
              fi
            - export PATH="$CI_PROJECT_DIR/.rationale-bin:$PATH"

        """

    @Test func theGitlabSetupThatRanACommittedOrCachedBinaryIsCaught() throws {
        let text = try Self.text(Self.gitlabPath)
        let start = try #require(text.range(of: ".rationale-setup:\n"))
        let end = try #require(text.range(of: "# The merge gate.", range: start.upperBound..<text.endIndex))
        let unsafe = text.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: Self.unsafeGitlabSetup)
        let problems = try gitlabProblems(unsafe)
        #expect(problems.contains { $0.contains("`cache:` in `.rationale-setup`") }, "\(problems)")
        #expect(problems.contains { $0.contains("`$CI_PROJECT_DIR/.rationale-bin` on PATH, inside the checkout") }, "\(problems)")
    }
}

// MARK: - The rules

private let pullRequestTypes: Set<String> = ["opened", "edited", "synchronize", "reopened", "ready_for_review"]
private let allowedJobPermissions: Set<String> = ["contents: read", "pull-requests: read", "pull-requests: write"]
private let gateJobName = "rationale gate"

/// What is wrong with a GitHub workflow meant as the rationale gate; empty when nothing is.
func githubProblems(_ text: String) throws -> [String] {
    // `compose` keeps keys as written: `on` stays a string (YAML 1.1 would read it as `true`).
    guard let workflow = try Yams.compose(yaml: text) else { return ["the workflow is empty"] }
    var problems: [String] = []

    // Triggers: the five pull_request types, merge_group, and no path filter anywhere under `on`.
    guard let on = workflow.value("on") else { return ["no `on:` triggers"] }
    let types = on.value("pull_request")?.value("types")?.sequence?.compactMap(\.string) ?? []
    if Set(types) != pullRequestTypes || types.count != pullRequestTypes.count {
        problems.append("on.pull_request.types is \(types), not exactly \(pullRequestTypes.sorted())")
    }
    if on.mapping?.contains(where: { $0.key.string == "merge_group" }) != true {
        problems.append("no merge_group trigger: a merge queue would wait for the required check forever")
    }
    for key in ["paths", "paths-ignore"] where on.containsKey(key) {
        problems.append("a path filter (`\(key)`) under `on`: a skipped required check waits forever")
    }

    // Permissions: empty (or contents: read) at the top; each job declares a subset of the allowed
    // ones, and the gate writes nothing.
    let top = workflow.value("permissions")
    if !(top?.mapping.map { $0.isEmpty || permissionPairs($0) == ["contents: read"] } ?? false) {
        problems.append("top-level permissions must be `{}` or `contents: read`, not \(top.map(describe) ?? "absent (the token's default)")")
    }
    let jobs = workflow.value("jobs")?.mapping ?? [:]
    if jobs.isEmpty { problems.append("no jobs") }
    for (id, job) in jobs {
        let name = job.value("name")?.string ?? id.string ?? "?"
        guard let permissions = job.value("permissions")?.mapping else {
            problems.append("job `\(name)` declares no permissions mapping")
            continue
        }
        for pair in permissionPairs(permissions) where !allowedJobPermissions.contains(pair) {
            problems.append("job `\(name)` asks for `\(pair)`; allowed: \(allowedJobPermissions.sorted())")
        }
        if name == gateJobName, permissionPairs(permissions).contains(where: { $0.hasSuffix(": write") }) {
            problems.append("the gate job `\(name)` must not write (it runs for every pull request, forks included)")
        }
    }
    if !jobs.contains(where: { $0.value.value("name")?.string == gateJobName }) {
        problems.append("no job named `\(gateJobName)`: the required check's name")
    }
    if workflow.value("concurrency")?.value("cancel-in-progress")?.string != "true" {
        problems.append("concurrency per pull request with cancel-in-progress is missing")
    }

    // Steps: no expression inside a shell script (event data reaches it through env: only), every
    // action pinned by a full commit SHA, checkout with full history and no persisted token.
    for step in steps(of: workflow) {
        let label = step.value("name")?.string ?? step.value("uses")?.string ?? "a step"
        if let run = step.value("run")?.string, run.contains("${{") {
            problems.append("step `\(label)`: `${{` inside `run:`; pass the value through `env:` (PR title, body and head_ref are attacker-controlled)")
        }
        guard let uses = step.value("uses")?.string else { continue }
        let pinned = uses.split(separator: "@", maxSplits: 1).last.map { $0.count == 40 && $0.allSatisfy(\.isHexDigit) } ?? false
        if !pinned || !uses.contains("@") { problems.append("`\(uses)` is not pinned to a full commit SHA") }
        if uses.hasPrefix("actions/checkout@") {
            let with = step.value("with")
            if with?.value("persist-credentials")?.string != "false" {
                problems.append("step `\(label)`: checkout without `persist-credentials: false` leaves the token in .git/config")
            }
            if with?.value("repository") == nil, with?.value("fetch-depth")?.string != "0" {
                problems.append("step `\(label)`: the repository checkout needs `fetch-depth: 0` (base..head and the merge-base)")
            }
        }
    }
    // The binary: installed (command: install of the action) before the pull request's files are on
    // disk; no attacker-controlled event field is handed to the action.
    for (id, job) in jobs {
        let name = job.value("name")?.string ?? id.string ?? "?"
        let jobSteps = steps(ofJob: job)
        let checkout = jobSteps.firstIndex { ($0.value("uses")?.string ?? "").hasPrefix("actions/checkout@") && $0.value("with")?.value("repository") == nil }
        let install = jobSteps.firstIndex { $0.value("with")?.value("command")?.string == "install" }
        if install == nil { problems.append("job `\(name)`: no `command: install` step of the rationale action") }
        if let checkout, let install, install > checkout {
            problems.append("job `\(name)`: rationale is installed after the pull request's files are checked out; install it first")
        }
        for step in jobSteps {
            for (key, value) in step.value("with")?.mapping ?? [:] {
                let text = value.string ?? ""
                for field in ["pull_request.title", "pull_request.body", "head_ref", "pull_request.head.ref", "head_commit.message"] where text.contains(field)
                {
                    problems.append("job `\(name)`: `with.\(key.string ?? "")` passes `\(field)`, which is attacker-controlled")
                }
            }
        }
    }

    // Every `uses:` line carries the version it stands for, for the reader and for Dependabot.
    for line in text.split(separator: "\n") where line.contains("uses:") && !line.contains("# v") {
        problems.append("`\(line.trimmingCharacters(in: .whitespaces))` has no `# vX.Y.Z` comment")
    }
    return problems
}

/// What is wrong with the composite action (action.yml and its install script); empty when nothing is.
func actionProblems(_ text: String, install: String) throws -> [String] {
    guard let action = try Yams.compose(yaml: text) else { return ["action.yml is empty"] }
    var problems: [String] = []
    if action.value("runs")?.value("using")?.string != "composite" { problems.append("the action is not composite") }
    for step in action.value("runs")?.value("steps")?.sequence.map({ Array($0) }) ?? [] {
        let label = step.value("name")?.string ?? "a step"
        if let run = step.value("run")?.string, run.contains("${{") {
            problems.append("action step `\(label)`: `${{` inside `run:`; pass inputs through `env:`")
        }
    }
    for line in install.split(separator: "\n") where line.contains("GITHUB_PATH") && !line.contains("\"$RUNNER_TEMP/rationale-bin\"") {
        problems.append(
            "the install script puts `\(line.trimmingCharacters(in: .whitespaces))` on PATH: only $RUNNER_TEMP/rationale-bin (the `rationale` link) may go there"
        )
    }
    if !install.contains("sha256sum --check") { problems.append("the install script does not check the wheel's SHA-256") }
    if !install.contains("--proto '=https'") { problems.append("the install script may download the wheel over something other than HTTPS") }
    return problems
}

private let cacheProblem =
    "merge request pipelines write caches, and a binary restored from one would run with RATIONALE_GITLAB_TOKEN; build it in the job, outside $CI_PROJECT_DIR"

/// What is wrong with the GitLab include; empty when nothing is.
func gitlabProblems(_ text: String) throws -> [String] {
    guard let root = try Yams.compose(yaml: text)?.mapping else { return ["the file is not a mapping"] }
    let keywords: Set<String> = [
        "stages", "variables", "include", "default", "workflow", "image", "services",
        "cache", "before_script", "after_script", "spec",
    ]
    let jobs = root.filter { !($0.key.string ?? ".").hasPrefix(".") && !keywords.contains($0.key.string ?? "") }
    var problems: [String] = []
    if !jobs.contains(where: { $0.key.string == "rationale-gate" }) { problems.append("no job `rationale-gate` (the stable name)") }
    // The binary that runs with the token: never from a cache (merge request pipelines write
    // caches) and never from a folder inside the checkout (a merge request commits those).
    if root.contains(where: { $0.key.string == "cache" }) { problems.append("a top-level `cache:`: \(cacheProblem)") }
    if root.first(where: { $0.key.string == "default" })?.value.value("cache") != nil { problems.append("`default: cache:`: \(cacheProblem)") }
    for (key, job) in root where job.mapping != nil && !keywords.contains(key.string ?? "") {
        let name = key.string ?? "?"
        if job.value("cache") != nil { problems.append("`cache:` in `\(name)`: \(cacheProblem)") }
        let scripts = ["before_script", "script"].flatMap { job.value($0)?.sequence.map { Array($0) } ?? [] }.compactMap(\.string)
        for line in scripts.joined(separator: "\n").split(separator: "\n") {
            guard let range = line.range(of: "export PATH=") else { continue }
            let entries = line[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" '")).split(separator: ":")
            for entry in entries where entry != "$PATH" && entry != "${PATH}" {
                let inside = entry.contains("CI_PROJECT_DIR") || entry.contains("CI_BUILDS_DIR") || !(entry.hasPrefix("/") || entry.hasPrefix("$"))
                if inside { problems.append("`\(name)` puts `\(entry)` on PATH, inside the checkout: a merge request could commit the binary found there") }
            }
        }
    }
    // The wheel it installs is the one the release lists, byte for byte, fetched over HTTPS only.
    if text.contains(".whl") {
        if !text.contains("sha256sum --check") { problems.append("the setup installs a wheel without checking its SHA-256") }
        if !text.contains("--proto '=https'") { problems.append("the setup may download the wheel over something other than HTTPS") }
    }
    for (key, job) in jobs {
        let name = key.string ?? "?"
        let ifs = job.value("rules")?.sequence?.compactMap { $0.value("if")?.string } ?? []
        if !ifs.contains(#"$CI_PIPELINE_SOURCE == "merge_request_event""#) {
            problems.append("job `\(name)`: no rule `if: $CI_PIPELINE_SOURCE == \"merge_request_event\"`")
        }
        if job.value("variables")?.value("GIT_DEPTH")?.string != "0" {
            problems.append("job `\(name)`: GIT_DEPTH must be \"0\" (full history for base..head)")
        }
    }
    return problems
}

// MARK: - Node helpers

private extension Node {
    func value(_ key: String) -> Node? { mapping?.first { $0.key.string == key }?.value }

    func containsKey(_ key: String) -> Bool {
        if let mapping { return mapping.contains { $0.key.string == key || $0.value.containsKey(key) } }
        if let sequence { return sequence.contains { $0.containsKey(key) } }
        return false
    }
}

private func steps(ofJob job: Node) -> [Node] { job.value("steps")?.sequence.map { Array($0) } ?? [] }

private func steps(of workflow: Node) -> [Node] {
    (workflow.value("jobs")?.mapping ?? [:]).flatMap { steps(ofJob: $0.value) }
}

private func permissionPairs(_ mapping: Node.Mapping) -> Set<String> {
    Set(mapping.map { "\($0.key.string ?? "?"): \($0.value.string ?? "?")" })
}

private func describe(_ node: Node) -> String {
    if let string = node.string { return "`\(string)`" }
    return "`\(node.mapping.map { permissionPairs($0).sorted().joined(separator: ", ") } ?? "?")`"
}
