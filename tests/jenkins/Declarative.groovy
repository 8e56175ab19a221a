// A stand-in for Jenkins' declarative pipeline, for a machine without Jenkins (docs/jenkins.md).
//
// The Jenkinsfile is evaluated by real Groovy: its sections are recorded in Jenkins' order
// (parameters, options, environment, then each stage's `when` and `steps`, then `post`), GStrings
// and `when` conditions are evaluated for the parameters given, and in run mode every `sh` step
// runs for real (`sh -xe`, in the workspace, with the pipeline's environment), stopping at the
// first failure like Jenkins, then the `post` conditions, `junit` (the XML is parsed, failures make
// the build UNSTABLE) and `archiveArtifacts` (Ant patterns must match).
//
// Only the subset of the declarative syntax the Boutique Jenkinsfile uses is understood; anything
// else is reported as unsupported (an error), never silently ignored.
import groovy.json.JsonOutput

class StepFailed extends RuntimeException {
  int code
  StepFailed(String m, int code) { super(m); this.code = code }
}

// Base of every section's delegate: a property it does not know falls through to the script
// (params, env, scm); a method it does not know is an unsupported construct.
abstract class Section {
  Declarative p
  String where
  def propertyMissing(String name) { throw new MissingPropertyException(name, getClass()) }
  def methodMissing(String name, args) {
    p.unsupported("${where}: '${name}'")
    return null
  }
  def within(Closure c) {
    Closure k = c.rehydrate(this, c.owner, c.thisObject)
    k.resolveStrategy = Closure.DELEGATE_FIRST
    return k.call()
  }
}

class PipelineSection extends Section {
  def propertyMissing(String name) {
    if (name in ['any', 'none']) return name
    throw new MissingPropertyException(name, getClass())
  }
  void agent(a) { p.agent = a instanceof Closure ? 'block' : a.toString() }
  void parameters(Closure c) { p.sections.parameters = c }
  void options(Closure c) { p.sections.options = c }
  void environment(Closure c) { p.sections.environment = c }
  void stages(Closure c) { p.sections.stages = c }
  void post(Closure c) { p.sections.post = c }
}

class ParametersSection extends Section {
  void choice(Map m) {
    p.parameterDefs << [type: 'choice', name: m.name, choices: m.choices as List,
                        default: (m.choices as List)[0], description: m.description]
  }
  void string(Map m) {
    p.parameterDefs << [type: 'string', name: m.name, default: m.defaultValue, description: m.description]
  }
  void booleanParam(Map m) {
    p.parameterDefs << [type: 'boolean', name: m.name, default: m.defaultValue, description: m.description]
  }
}

class OptionsSection extends Section {
  Map logRotator(Map m) { [name: 'logRotator', args: m] }
  def methodMissing(String name, args) {
    p.options << [name: name, args: (args as List)]
    return null
  }
}

class EnvironmentSection extends Section {
  def propertyMissing(String name, value) {
    p.env[name] = value.toString()
    p.environment[name] = value.toString()
  }
  String credentials(String id) {
    String v = p.credentials[id]
    if (v == null) throw new PipelineError("credentials('${id}'): no such credential (give it with --credential ${id}=ENV_VAR)")
    p.secrets << v
    return v
  }
}

class StagesSection extends Section {
  void stage(String name, Closure body) {
    if (p.stages.any { it.name == name }) throw new PipelineError("duplicate stage name '${name}'")
    def s = [name: name, when: null, steps: null]
    new StageSection(p: p, where: "stage('${name}')", stage: s).within(body)
    if (s.steps == null) throw new PipelineError("stage('${name}') has no steps")
    p.stages << s
  }
}

class StageSection extends Section {
  Map stage
  void when(Closure c) { stage.when = c }
  void steps(Closure c) { stage.steps = c }
}

// `when` conditions, evaluated to booleans.
class WhenSection extends Section {
  List results = []
  void expression(Closure c) { results << (c.call() as boolean) }
  void environment(Map m) { results << (p.env[m.name] == m.value) }
  void equals(Map m) { results << (m.expected?.toString() == m.actual?.toString()) }
  void not(Closure c) { results << !WhenSection.all(p, c) }
  void allOf(Closure c) { results << WhenSection.all(p, c) }
  void anyOf(Closure c) {
    def w = new WhenSection(p: p, where: 'when.anyOf')
    w.within(c)
    results << w.results.any()
  }
  static boolean all(Declarative p, Closure c) {
    def w = new WhenSection(p: p, where: 'when')
    w.within(c)
    return w.results.every()
  }
}

// Steps: recorded, and in run mode executed.
class StepsSection extends Section {
  List recorded
  boolean execute
  void sh(String script) { sh(script: script) }
  def sh(Map m) {
    recorded << [type: 'sh', script: m.script.toString()]
    if (execute) p.runShell(m.script.toString(), recorded[-1])
    return null
  }
  void echo(String s) {
    recorded << [type: 'echo', text: s]
    if (execute) p.out.println(p.mask(s))
  }
  void checkout(scm) {
    recorded << [type: 'checkout', what: scm.toString()]
    if (execute) p.out.println('[stub] checkout scm: the workspace was prepared by the caller')
  }
  void script(Closure c) {
    recorded << [type: 'script']
    if (execute) within(c)
  }
  void junit(String pattern) { junit(testResults: pattern) }
  void junit(Map m) {
    recorded << [type: 'junit', testResults: m.testResults, allowEmptyResults: m.allowEmptyResults ?: false]
    if (execute) p.collectJunit(m.testResults.toString(), m.allowEmptyResults ?: false)
  }
  void archiveArtifacts(String pattern) { archiveArtifacts(artifacts: pattern) }
  void archiveArtifacts(Map m) {
    recorded << [type: 'archiveArtifacts', artifacts: m.artifacts, allowEmptyArchive: m.allowEmptyArchive ?: false]
    if (execute) p.archive(m.artifacts.toString(), m.allowEmptyArchive ?: false)
  }
}

class PostSection extends Section {
  def methodMissing(String name, args) {
    if (!(name in ['always', 'success', 'failure', 'unstable', 'aborted', 'changed', 'fixed',
                   'regression', 'cleanup']) || args.length != 1 || !(args[0] instanceof Closure))
      p.unsupported("post: '${name}'")
    else
      p.post[name] = args[0]
    return null
  }
}

class Declarative {
  // What the Jenkinsfile declares.
  String agent
  Map sections = [:]
  List parameterDefs = []
  List options = []
  Map environment = [:]  // the pipeline's environment block, in order
  List stages = []       // [name, when (Closure or null), steps (Closure)]
  Map post = [:]         // condition -> Closure
  List problems = []     // unsupported constructs

  // The build: parameters, environment, credentials, console.
  Map params = [:]
  Map env = [:]
  Map credentials = [:]
  List secrets = []
  File workspace
  PrintStream out = System.out
  long deadline = Long.MAX_VALUE
  Map junitTotals = [files: [], tests: 0, failures: 0, errors: 0, skipped: 0]
  List archived = []
  String result = 'SUCCESS'

  void unsupported(String what) { problems << "unsupported in this stand-in: ${what}" }

  // Evaluates `file` with the given parameters (missing ones take their default) on an agent
  // whose environment is `agentEnv`.
  static Declarative load(File file, Map givenParams, Map agentEnv, Map credentials, File workspace) {
    def p = new Declarative(credentials: credentials, workspace: workspace)
    p.env.putAll(agentEnv)
    p.env.WORKSPACE = workspace.absolutePath
    p.env.BUILD_NUMBER = p.env.BUILD_NUMBER ?: '1'
    p.env.BUILD_ID = p.env.BUILD_NUMBER
    p.env.JOB_NAME = p.env.JOB_NAME ?: 'boutique'
    p.env.BUILD_TAG = "jenkins-${p.env.JOB_NAME}-${p.env.BUILD_NUMBER}".toString()
    def binding = new Binding([params: p.params, env: p.env, scm: 'scm',
                               currentBuild: [result: null]])
    def script = new GroovyShell(binding).parse(file.text, file.name)
    binding.setVariable('pipeline', { Closure c ->
      new PipelineSection(p: p, where: 'pipeline').within(c)
    })
    script.run()
    if (p.sections.isEmpty()) throw new PipelineError("no pipeline { } block")
    // Jenkins' order: parameters, options, environment, stages, post.
    if (p.sections.parameters) new ParametersSection(p: p, where: 'parameters').within(p.sections.parameters)
    p.parameterDefs.each { d -> p.params[d.name] = givenParams.containsKey(d.name) ? givenParams[d.name] : d.default }
    givenParams.each { k, v ->
      if (!p.parameterDefs.any { it.name == k }) throw new PipelineError("no parameter '${k}'")
      def d = p.parameterDefs.find { it.name == k }
      if (d.type == 'choice' && !(v in d.choices)) throw new PipelineError("${k}=${v}: not one of ${d.choices}")
    }
    p.params.each { k, v -> p.env[k] = v.toString() }  // parameters are environment variables too
    if (p.sections.options) new OptionsSection(p: p, where: 'options').within(p.sections.options)
    if (p.sections.environment) new EnvironmentSection(p: p, where: 'environment').within(p.sections.environment)
    if (p.sections.stages) new StagesSection(p: p, where: 'stages').within(p.sections.stages)
    if (p.sections.post) new PostSection(p: p, where: 'post').within(p.sections.post)
    return p
  }

  boolean whenHolds(Map stage) {
    return stage.when == null ? true : WhenSection.all(this, stage.when)
  }

  List recordSteps(Closure body) {
    def s = new StepsSection(p: this, where: 'steps', recorded: [], execute: false)
    s.within(body)
    return s.recorded
  }

  // The pipeline as data: what the check compares with `boutique pipeline --dry-run -o json`.
  Map describe() {
    return [agent: agent, parameters: parameterDefs, params: params,
            options: options.collect { [name: it.name, args: it.args.collect { a -> a instanceof Map ? a : a.toString() }] },
            environment: environment.collectEntries { k, v -> [(k): (secrets.contains(v) ? '****' : v)] },
            stages: stages.collect { s -> [name: s.name, when: whenHolds(s), steps: recordSteps(s.steps)] },
            post: post.collectEntries { k, v -> [(k): recordSteps(v)] },
            problems: problems]
  }

  String mask(String s) {
    String r = s
    secrets.findAll { it }.each { r = r.replace(it, '****') }
    return r
  }

  void timeoutOption() {
    def t = options.find { it.name == 'timeout' }
    if (t == null) return
    Map a = t.args[0]
    long n = a.time as long
    String unit = (a.unit ?: 'MINUTES').toString()
    long ms = unit == 'SECONDS' ? n * 1000 : unit == 'HOURS' ? n * 3600000 : n * 60000
    deadline = System.currentTimeMillis() + ms
  }

  // `sh`: the script in a file under <workspace>@tmp, run with `sh -xe` like Jenkins' durable task.
  void runShell(String script, Map record) {
    def tmp = new File(workspace.absolutePath + '@tmp')
    tmp.mkdirs()
    def f = File.createTempFile('script', '.sh', tmp)
    f.text = script + '\n'
    out.println('[Pipeline] sh')
    def pb = new ProcessBuilder(['sh', '-xe', f.absolutePath]).directory(workspace).redirectErrorStream(true)
    pb.environment().clear()
    pb.environment().putAll(env.collectEntries { k, v -> [(k.toString()): v.toString()] })
    def proc = pb.start()
    proc.outputStream.close()
    def reader = Thread.start {
      proc.inputStream.eachLine('UTF-8') { line -> out.println(mask(line)) }
    }
    long left = deadline - System.currentTimeMillis()
    boolean finished = left > 0 && proc.waitFor(left, java.util.concurrent.TimeUnit.MILLISECONDS)
    if (!finished) {
      proc.descendants().each { it.destroyForcibly() }
      proc.destroyForcibly()
      proc.waitFor()
      reader.join(5000)
      record.exit = -1
      f.delete()
      result = 'ABORTED'
      throw new StepFailed('Timeout has been exceeded (options { timeout })', 124)
    }
    reader.join(10000)
    record.exit = proc.exitValue()
    f.delete()
    if (record.exit != 0) throw new StepFailed("script returned exit code ${record.exit}", record.exit)
  }

  // Ant-style patterns ("reports/*.xml, .boutique/logs/**"), relative to the workspace.
  List glob(String patterns) {
    def regexes = patterns.split(',').collect { it.trim() }.findAll { it }.collect { pat ->
      String r = ''
      int i = 0
      while (i < pat.length()) {
        if (pat.startsWith('**/', i)) { r += '(?:.*/)?'; i += 3 }
        else if (pat.startsWith('**', i)) { r += '.*'; i += 2 }
        else if (pat[i] == '*') { r += '[^/]*'; i++ }
        else if (pat[i] == '?') { r += '[^/]'; i++ }
        else { r += java.util.regex.Pattern.quote(pat[i]); i++ }
      }
      java.util.regex.Pattern.compile(r)
    }
    def found = []
    def base = workspace.toPath()
    def stream = java.nio.file.Files.walk(base)  // symbolic links are not followed
    try {
      stream.iterator().each { path ->
        if (java.nio.file.Files.isRegularFile(path)) {
          String rel = base.relativize(path).toString()
          if (regexes.any { it.matcher(rel).matches() }) found << rel
        }
      }
    } finally {
      stream.close()
    }
    return found.sort()
  }

  void collectJunit(String pattern, boolean allowEmpty) {
    def files = glob(pattern)
    out.println("[junit] ${pattern}: ${files ?: 'no files'}")
    if (files.isEmpty()) {
      if (!allowEmpty) throw new StepFailed("junit: no test report files were found matching ${pattern}", 1)
      return
    }
    files.each { rel ->
      def xml = new XmlSlurper().parse(new File(workspace, rel))  // throws on malformed XML
      def cases = xml.'**'.findAll { it.name() == 'testcase' }
      junitTotals.files << rel
      junitTotals.tests += cases.size()
      junitTotals.failures += cases.count { it.failure.size() > 0 }
      junitTotals.errors += cases.count { it.error.size() > 0 }
      junitTotals.skipped += cases.count { it.skipped.size() > 0 }
    }
    if (junitTotals.failures + junitTotals.errors > 0 && result == 'SUCCESS') result = 'UNSTABLE'
  }

  void archive(String pattern, boolean allowEmpty) {
    def files = glob(pattern)
    out.println("[archiveArtifacts] ${pattern}: ${files.size()} file(s)")
    if (files.isEmpty() && !allowEmpty) throw new StepFailed("archiveArtifacts: no artifacts found that match ${pattern}", 1)
    archived.addAll(files)
  }

  // Runs the stages like Jenkins: `when` false -> skipped; after a failure the remaining stages
  // are skipped; then post (always, the result's condition, cleanup). Returns a report.
  Map run() {
    if (!problems.isEmpty()) throw new PipelineError(problems.join('\n'))
    timeoutOption()
    def view = []
    boolean failed = false
    stages.each { s ->
      def row = [name: s.name, result: null, seconds: 0.0d, steps: [], cause: null]
      view << row
      if (failed) {
        out.println("Stage \"${s.name}\" skipped due to earlier failure(s)")
        row.result = 'SKIPPED (earlier failure)'
        return
      }
      if (!whenHolds(s)) {
        out.println("Stage \"${s.name}\" skipped due to when conditional")
        row.result = 'SKIPPED (when)'
        return
      }
      out.println("[Pipeline] stage (${s.name})")
      long t0 = System.nanoTime()
      try {
        new StepsSection(p: this, where: "stage('${s.name}').steps", recorded: row.steps, execute: true).within(s.steps)
        row.result = 'SUCCESS'
      } catch (StepFailed e) {
        row.result = 'FAILURE'
        row.cause = e.message
        failed = true
        if (result == 'SUCCESS') result = 'FAILURE'
        out.println("ERROR: ${e.message}")
      }
      row.seconds = (System.nanoTime() - t0) / 1e9d
    }
    def postRun = []
    def conditions = ['always', result == 'SUCCESS' ? 'success' : result == 'ABORTED' ? 'aborted' : 'failure', 'cleanup']
    conditions.each { c ->
      if (!post[c]) return
      out.println("[Pipeline] post (${c})")
      try {
        new StepsSection(p: this, where: "post.${c}", recorded: postRun, execute: true).within(post[c])
      } catch (StepFailed e) {
        out.println("ERROR: ${e.message}")
        result = 'FAILURE'
      }
      if (c == 'always' && result == 'UNSTABLE' && post.unstable) {
        new StepsSection(p: this, where: 'post.unstable', recorded: postRun, execute: true).within(post.unstable)
      }
    }
    return [result: result, params: params, stages: view, post: postRun, junit: junitTotals, archived: archived]
  }

  static String stageView(List stages) {
    int w = (stages.collect { it.name.length() } + [5]).max()
    def lines = ["${'STAGE'.padRight(w)}  ${'RESULT'.padRight(26)}  DURATION"]
    stages.each { s ->
      String d = s.result in ['SUCCESS', 'FAILURE'] ? String.format('%.1f s', s.seconds) : '-'
      lines << "${s.name.padRight(w)}  ${s.result.padRight(26)}  ${d}"
    }
    return lines.join('\n')
  }

  static String json(Object o) { JsonOutput.prettyPrint(JsonOutput.toJson(o)) }
}
