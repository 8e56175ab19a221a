// The Jenkinsfile without Jenkins (docs/jenkins.md). Run with `groovy -cp tests/jenkins`:
//
//   describe --jenkinsfile F [--param K=V]...        the evaluated pipeline as JSON
//   check    --jenkinsfile F... --boutique BIN       its stages and steps == the CLI's, per TARGET
//   run      --jenkinsfile F --workspace DIR [--param K=V]... [--credential ID=ENV_VAR]...
//            [--report FILE]                         run it for real, like a Jenkins build
//
// A credential's value is read from the environment variable named (never from the command line,
// which `ps` shows); `credentials('ID')` in the Jenkinsfile gets it, masked in the console.
//
// Exit: 0 ok (run: SUCCESS); 1 a difference (check), a FAILURE/UNSTABLE/ABORTED build (run);
// 2 usage, or a Jenkinsfile that cannot be evaluated (not Groovy, not a pipeline this stand-in
// knows). `check` takes several files (one JVM for all): each is reported as
// "== FILE: ok|differs|not evaluable", its problems on stderr as "FILE: problem", and the exit
// code is the worst.
import groovy.json.JsonSlurper

def usage(String m) {
  System.err.println("jenkinsfile.groovy: ${m}")
  System.exit(2)
}

def opts = [params: [:], credentials: [:], jenkinsfiles: []]
def rest = args as List
if (rest.isEmpty()) usage('describe | check | run')
opts.mode = rest.remove(0)
while (!rest.isEmpty()) {
  String a = rest.remove(0)
  if (rest.isEmpty()) usage("${a} needs a value")
  String v = rest.remove(0)
  switch (a) {
    case '--jenkinsfile': opts.jenkinsfiles << new File(v); break
    case '--boutique': opts.boutique = v; break
    case '--workspace': opts.workspace = new File(v); break
    case '--report': opts.report = new File(v); break
    case '--param':
    case '--credential':
      int eq = v.indexOf('=')
      if (eq <= 0) usage("${a} wants NAME=VALUE")
      String name = v.substring(0, eq), value = v.substring(eq + 1)
      if (a == '--param') {
        opts.params[name] = value
      } else {
        if (System.getenv(value) == null) usage("--credential ${name}: the environment has no ${value}")
        opts.credentials[name] = System.getenv(value)
      }
      break
    default: usage("unknown option ${a}")
  }
}
if (opts.jenkinsfiles.isEmpty()) usage('--jenkinsfile FILE is required')
opts.jenkinsfiles.each { if (!it.isFile()) usage("--jenkinsfile: no such file ${it}") }
if (opts.mode != 'check' && opts.jenkinsfiles.size() > 1) usage("${opts.mode} takes one --jenkinsfile")

switch (opts.mode) {
  case 'describe':
    def anyCred = [:].withDefault { 'credential' }
    def p = loadPipeline(opts.jenkinsfiles[0], opts.params, anyCred, new File('.').canonicalFile)
    println Declarative.json(p.describe())
    break

  case 'check':
    if (!opts.boutique) usage('check needs --boutique BIN')
    System.exit(checkAll(opts))
    break

  case 'run':
    if (!opts.workspace?.isDirectory()) usage('run needs --workspace DIR (an existing directory)')
    def p = loadPipeline(opts.jenkinsfiles[0], opts.params, opts.credentials, opts.workspace.canonicalFile)
    Map report
    try {
      report = p.run()
    } catch (PipelineError e) {
      usage(e.message)
    }
    println ''
    println "Stage view (${report.params.collect { k, v -> "${k}=${v}" }.join(', ')}):"
    println Declarative.stageView(report.stages)
    println "Finished: ${report.result}"
    if (opts.report) opts.report.text = Declarative.json(report) + '\n'
    System.exit(report.result == 'SUCCESS' ? 0 : 1)
    break

  default:
    usage("unknown mode ${opts.mode}: describe | check | run")
}

// The Jenkinsfile evaluated, or exit 2 naming why it cannot be.
Declarative loadPipeline(File f, Map params, Map creds, File ws) {
  try {
    return Declarative.load(f, params, new TreeMap(System.getenv()), creds, ws)
  } catch (Exception e) {
    usage("${f}: ${notEvaluable(e)}")
  }
}

String notEvaluable(Exception e) {
  e instanceof PipelineError ? e.message :
      e instanceof org.codehaus.groovy.control.CompilationFailedException ? "not valid Groovy: ${e.message}" :
      "cannot be evaluated: ${e}"
}

// ---- check: one pipeline, three ways to read it; they must agree.

// sh steps that are not `boutique` commands, allowed only here: building the CLI itself.
Map allowedOtherSteps() { ['Checkout': ['make binaries']] }

int checkAll(Map opts) {
  Map cli = [:]  // TARGET -> `boutique pipeline --dry-run -o json`, asked once per target
  int worst = 0
  opts.jenkinsfiles.each { File f ->
    int code
    List errors = []
    try {
      errors = check(f, opts.boutique, cli)
      code = errors ? 1 : 0
    } catch (Exception e) {
      errors = [notEvaluable(e)]
      code = 2
    }
    errors.each { System.err.println("${f}: ${it}") }
    println "== ${f}: ${['ok', 'differs', 'not evaluable'][code]}"
    worst = Math.max(worst, code)
  }
  return worst
}

Map dryRun(String boutique, String target) {
  def proc = [boutique, 'pipeline', '--target', target, '--dry-run', '-o', 'json', '--no-color'].execute()
  def out = new StringBuilder(), err = new StringBuilder()
  proc.waitForProcessOutput(out, err)
  if (proc.exitValue() != 0)
    throw new PipelineError("`boutique pipeline --target ${target} --dry-run` exited ${proc.exitValue()}: ${err}")
  return new JsonSlurper().parseText(out.toString())
}

List check(File f, String boutique, Map cliCache) {
  def anyCred = [:].withDefault { 'credential' }
  def ws = new File('.').canonicalFile
  def env = new TreeMap(System.getenv())
  def base = Declarative.load(f, [:], env, anyCred, ws)
  def errors = []
  errors.addAll(base.problems)

  // The parameter, the options, post.
  def target = base.parameterDefs.find { it.name == 'TARGET' }
  if (target == null || target.type != 'choice') {
    errors << "no choice parameter TARGET"
    target = [choices: []]
  } else if ((target.choices as Set) != (['local', 'compose', 'k8s'] as Set)) {
    errors << "TARGET's choices are ${target.choices}, expected local, compose, k8s"
  }
  ['timeout', 'buildDiscarder', 'disableConcurrentBuilds'].each { o ->
    if (!base.options.any { it.name == o }) errors << "options { } lacks ${o}()"
  }
  def always = base.post.always ? base.recordSteps(base.post.always) : []
  def junit = always.find { it.type == 'junit' }
  if (junit == null) errors << "post { always { } } does not publish JUnit results (junit ...)"
  if (!always.any { it.type == 'archiveArtifacts' }) errors << "post { always { } } archives nothing (archiveArtifacts ...)"

  target.choices.each { t ->
    def p = Declarative.load(f, [TARGET: t], env, anyCred, ws)
    if (!cliCache.containsKey(t)) cliCache[t] = dryRun(boutique, t)
    def cli = cliCache[t]
    println "TARGET=${t}"
    if (p.env.BOUTIQUE_TARGET != t)
      errors << "TARGET=${t}: the steps do not get the target: BOUTIQUE_TARGET is '${p.env.BOUTIQUE_TARGET}'"
    def jnames = p.stages.collect { it.name }
    def cnames = cli.stages.collect { it.name }
    if (jnames != cnames) {
      errors << "TARGET=${t}: stages differ:\n  Jenkinsfile: ${jnames}\n  boutique pipeline: ${cnames}"
      return
    }
    p.stages.eachWithIndex { s, i ->
      def c = cli.stages[i]
      def steps = p.recordSteps(s.steps)
      boolean runs = p.whenHolds(s)
      def shs = steps.findAll { it.type == 'sh' }.collect { it.script.trim() }
      def boutiqueSteps = shs.findAll { it ==~ /boutique(\s.*)?/ }
      def extra = (shs - boutiqueSteps) - (allowedOtherSteps()[s.name] ?: [])
      steps.findAll { !(it.type in ['sh', 'checkout', 'echo']) }.each {
        errors << "TARGET=${t}, ${s.name}: a '${it.type}' step (no logic in Groovy: the CLI owns it)"
      }
      extra.each { errors << "TARGET=${t}, ${s.name}: sh '${it}' is not a boutique command" }
      String jenkins = runs ? boutiqueSteps.join(' && ') : 'skipped (when)'
      String expected = c.command ?: "skipped (${c.skip})"
      boolean same = runs ? (c.command != null && boutiqueSteps == [c.command]) : c.command == null
      printf("  %-22s Jenkinsfile: %-45s CLI: %s%s%n", s.name, jenkins, expected, same ? '' : '   <-- DIFFERENT')
      if (!same) errors << "TARGET=${t}, ${s.name}: the Jenkinsfile runs [${jenkins}], boutique pipeline runs [${expected}]"
      if (s.name == 'Validation' && junit != null && c.command != null) {
        def m = c.command =~ /--junit\s+(\S+)/
        if (!m.find()) errors << "TARGET=${t}: Validation writes no JUnit report (${c.command})"
        else if (!globMatches(junit.testResults.toString(), m.group(1)))
          errors << "post: junit '${junit.testResults}' does not pick up ${m.group(1)}"
      }
    }
  }
  if (!errors) println "OK: ${base.stages.size()} stages, same names, order and commands for TARGET in ${target.choices}"
  return errors.unique()
}

boolean globMatches(String patterns, String path) {
  def ws = File.createTempDir()
  try {
    def f = new File(ws, path)
    f.parentFile.mkdirs()
    f.text = ''
    return !new Declarative(workspace: ws).glob(patterns).isEmpty()
  } finally {
    ws.deleteDir()
  }
}
