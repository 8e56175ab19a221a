// A Jenkinsfile this stand-in cannot evaluate, or a usage error (tests/jenkins/Declarative.groovy).
class PipelineError extends RuntimeException {
  PipelineError(String m) { super(m) }
}
