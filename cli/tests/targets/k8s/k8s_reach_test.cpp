// How status and urls reach the Services when their NodePorts do not answer from here (kind, k3d,
// a remote cluster, minikube's network not routable): kubectl port-forward to loopback ports, the
// HTTP checks through them, every forward stopped afterwards. The fixture: k8s_fixture.hpp; the
// pods behind the forwards: HttpStub (no cluster runs here).
#include "commands/urls.hpp"
#include "k8s_fixture.hpp"
#include "probes/stack.hpp"

namespace {

const core::Check* find_row(const std::vector<core::Check>& checks, const std::string& component,
                            const std::string& name) {
  for (const auto& c : checks)
    if (c.component == component && c.check == name) return &c;
  return nullptr;
}

}  // namespace

// minikube's address is known but nothing answers on its NodePorts (30500, 30173 are closed here):
// status forwards both Services and probes through them; it passes, and no kubectl is left running.
TEST_F(K8s, UnreachableNodePortsAreCheckedThroughPortForward) {
  scenario("healthy");
  const int migration = probes::latest_migration(BOUTIQUE_SOURCE_DIR);
  fixture::HttpStub api(api_forward, fixture::HttpStub::api(migration));
  fixture::HttpStub web(web_forward, fixture::HttpStub::web(migration));
  auto checks = K8sTarget(*ctx).status();

  ASSERT_EQ(kubectl->started.size(), 2u);
  std::vector<std::string> want = {"kubectl", "--context", "minikube"};
  for (const auto& a : port_forward("backend-service", 5000)) want.push_back(a);
  EXPECT_EQ(kubectl->started[0], want);
  EXPECT_EQ(*kubectl->live, 0) << "every port-forward is stopped when status returns";

  const core::Check* c = find_check(checks, "nodeport backend-service");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->ok);
  EXPECT_FALSE(c->required) << "the forward reaches the Service: not a failure";
  EXPECT_EQ(c->detail, "http://127.0.0.1:30500 does not answer from here");
  ASSERT_TRUE(c = find_check(checks, "port-forward backend-service"));
  EXPECT_TRUE(c->ok);
  EXPECT_EQ(c->detail, fmt::format("127.0.0.1:{} -> 5000", api_forward));
  ASSERT_TRUE(c = find_row(checks, "api", "healthz"));
  EXPECT_TRUE(c->ok) << c->detail;
  EXPECT_TRUE(contains(c->detail, fmt::format("GET http://127.0.0.1:{}/healthz", api_forward)))
      << c->detail;
  ASSERT_TRUE(c = find_row(checks, "web", "proxy /api/info"));
  EXPECT_TRUE(c->ok) << c->detail;
  EXPECT_TRUE(core::all_ok(checks));
  EXPECT_GE(api.requests(), 3);
}

// A kind cluster: no node address the CLI knows (no `minikube ip`), so the checks always go
// through port-forwards; they still run, and fail when nothing answers behind them.
TEST_F(K8s, KindClusterIsCheckedThroughPortForward) {
  scenario("healthy", "local", {{"k8s.context", "kind-dev"}});
  auto checks = K8sTarget(*ctx).status();
  EXPECT_FALSE(ran({"minikube", "-p", "minikube", "ip"}));
  EXPECT_EQ(kubectl->started.size(), 2u);
  EXPECT_EQ(kubectl->started[0][2], "kind-dev");
  const core::Check* c = find_check(checks, "nodeport frontend-service");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->detail, "NodePort 30173 (no node address for this cluster)");
  ASSERT_TRUE(c = find_row(checks, "api", "healthz"));
  EXPECT_FALSE(c->ok) << "nothing behind the forward: the check ran and failed";
  EXPECT_TRUE(contains(c->detail, fmt::format("127.0.0.1:{}", api_forward))) << c->detail;
  EXPECT_FALSE(core::all_ok(checks));
}

// kubectl port-forward refuses (no running pod): its own words in the row, and the HTTP rows say
// the Service is not reachable instead of passing without a check.
TEST_F(K8s, AFailedPortForwardFailsTheChecks) {
  scenario("crashloop");
  kubectl->alongside(
      port_forward("backend-service", 5000),
      {"error: unable to forward port because pod is not running. Current status=Pending"}, true);
  auto checks = K8sTarget(*ctx).status();
  const core::Check* c = find_check(checks, "port-forward backend-service");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->ok);
  EXPECT_EQ(c->detail,
            "error: unable to forward port because pod is not running. Current status=Pending");
  ASSERT_TRUE(c = find_row(checks, "api", "healthz"));
  EXPECT_FALSE(c->ok);
  EXPECT_TRUE(contains(c->detail, "not reachable from here")) << c->detail;
  EXPECT_EQ(*kubectl->live, 0);
}

// `boutique urls` prints the forwarded URLs and keeps the forwards open; when one ends (the pod
// went away), it stops with kubectl's last words and a non-zero exit.
TEST_F(K8s, UrlsForwardsUntilAForwardEnds) {
  scenario("healthy");
  kubectl->alongside(port_forward("frontend-service", 5173),
                     {fmt::format("Forwarding from 127.0.0.1:{} -> 5173", web_forward),
                      "Handling connection for 5173", "error: lost connection to pod"},
                     true);
  ::testing::internal::CaptureStdout();
  try {
    commands::run_urls({}, *ctx);
    ADD_FAILURE() << "urls did not stop when a forward ended";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "kubectl port-forward for svc/frontend-service ended: error: lost connection to pod");
    EXPECT_NE(e.code(), core::ExitCode::ok);
  }
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_TRUE(contains(out, fmt::format("backend-service    http://127.0.0.1:{}", api_forward)))
      << out;
  EXPECT_TRUE(contains(out, fmt::format("frontend-service   http://127.0.0.1:{}", web_forward)))
      << out;
  EXPECT_EQ(*kubectl->live, 0);
}

// A kubectl port-forward that has ended with lines still unread in its pipe (the watch's slice ran
// out first, on a loaded machine): the reason shown is its last line, not what was read so far.
TEST(RoutesWatch, AnEndedForwardIsReadToItsLastLine) {
  class EndedWithLinesUnread final : public core::Running {
   public:
    std::optional<std::string> read_line(std::chrono::milliseconds) override {
      if (lines_.empty()) return std::nullopt;
      transcript_ += lines_.front() + "\n";
      lines_.erase(lines_.begin());
      return transcript_.substr(0, transcript_.size() - 1);
    }
    bool running() override { return false; }
    std::optional<int> exit_code() override { return 1; }
    void interrupt() override {}
    const std::string& transcript() const override { return transcript_; }

   private:
    std::vector<std::string> lines_ = {"Handling connection for 5173",
                                       "error: lost connection to pod"};
    std::string transcript_ = "Forwarding from 127.0.0.1:41234 -> 5173\n";
  };
  Routes routes;
  routes.forwards.emplace_back("frontend-service", std::make_unique<EndedWithLinesUnread>());
  EXPECT_EQ(routes.watch(std::chrono::milliseconds(0)),
            "kubectl port-forward for svc/frontend-service ended: error: lost connection to pod");
}

TEST(ForwardedPort, ReadsKubectlsLine) {
  EXPECT_EQ(forwarded_port("Forwarding from 127.0.0.1:43121 -> 5000"), 43121);
  EXPECT_FALSE(forwarded_port("Forwarding from [::1]:43121 -> 5000"));
  EXPECT_FALSE(forwarded_port("Handling connection for 5000"));
  EXPECT_FALSE(forwarded_port("Forwarding from 127.0.0.1:99999 -> 5000"));
  EXPECT_FALSE(forwarded_port("Forwarding from 127.0.0.1:80"));
}
