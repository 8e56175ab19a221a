// `boutique backup` / `restore` on the k8s target at the ProcessRunner seam: the database pod's
// own client programs through `kubectl exec`, the archive through kubectl's stdin and stdout.
// The pods are the healthy recording's (its database pod); what the programs in the pod print is
// scripted. The fixture: k8s_fixture.hpp.
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "k8s_fixture.hpp"

namespace {

// `kubectl get pods -l app.kubernetes.io/component=database`: the healthy recording's pods of that
// component, in kubectl's List envelope.
std::string database_pods() {
  auto all = nlohmann::json::parse(
      fake::ScriptedKubectl::recording("healthy", {"get", "pods", "-n", "boutique", "-o", "json"})
          .out);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : all["items"])
    if (p["metadata"]["labels"].value("app.kubernetes.io/component", "") == "database")
      items.push_back(p);
  all["items"] = items;
  return all.dump(4) + "\n";
}

std::vector<std::string> in_pod(const std::string& pod, std::vector<std::string> args,
                                bool stdin_too = false) {
  std::vector<std::string> argv = {"kubectl", "--context", "minikube", "exec"};
  if (stdin_too) argv.push_back("-i");
  argv.insert(argv.end(), {"-n", "boutique", pod, "-c", "postgres", "--"});
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

TEST_F(K8s, BackupAndRestoreGoThroughTheDatabasePod) {
  scenario("healthy");
  const auto pods = nlohmann::json::parse(database_pods());
  ASSERT_EQ(pods["items"].size(), 1u);
  const std::string pod = pods["items"][0]["metadata"]["name"];
  kubectl->script({"kubectl", "--context", "minikube", "get", "pods", "-n", "boutique", "-l",
                   "app.kubernetes.io/component=database", "-o", "json"},
                  fake::exited(0, database_pods()));
  kubectl->script(in_pod(pod, {"printenv", "POSTGRES_USER", "POSTGRES_DB"}),
                  fake::exited(0, "boutique\nboutique\n"));
  // An archive is bytes: NULs and all, they reach the file unchanged.
  const std::string archive = std::string("PGDMP\x01\x0f\x00", 8) + "\xff\x00 data";
  kubectl->script(in_pod(pod, {"pg_dump", "-Fc", "-U", "boutique", "-d", "boutique"}),
                  fake::exited(0, archive));
  auto db = K8sTarget(*ctx).database();
  ASSERT_TRUE(db);
  db->attach();
  const fs::path file = state / "shop.dump";
  std::ofstream(file).close();
  db->dump_to(file);
  std::ifstream in(file, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), archive);

  // restore: the archive as SQL from the pod's pg_restore (stdin), then one psql transaction
  // that empties the schema (the role is the bootstrap superuser: no DROP OWNED), recreates it
  // and tells the API's listeners.
  const std::string sql = "CREATE TABLE produits (id integer);\n";
  kubectl->script(in_pod(pod, {"pg_restore", "--no-owner", "--no-privileges", "-f", "-"}, true),
                  fake::exited(0, sql));
  const auto psql = in_pod(pod,
                           {"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                            "-U", "boutique", "-d", "boutique", "-f", "-"},
                           true);
  kubectl->script(psql, fake::exited(0));
  db->replace_with(file);
  for (const auto& c : kubectl->commands) {
    if (c.argv.size() > 10 && c.argv[10] == "pg_restore") {
      EXPECT_EQ(c.input, archive) << "the archive goes through kubectl's stdin";
    }
    if (c.argv == psql) {
      EXPECT_TRUE(contains(c.input, "DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n"))
          << c.input;
      EXPECT_FALSE(contains(c.input, "DROP OWNED")) << c.input;
      EXPECT_TRUE(contains(c.input, sql));
      EXPECT_TRUE(c.input.ends_with("NOTIFY produits_changed;\n")) << c.input;
    }
  }

  // migrations: in a backend pod, with its configuration, no demo data.
  const std::vector<std::string> migrate = {"kubectl",
                                            "--context",
                                            "minikube",
                                            "exec",
                                            "-n",
                                            "boutique",
                                            "deploy/backend",
                                            "-c",
                                            "api",
                                            "--",
                                            "env",
                                            "BOUTIQUE_SEED_DEMO=0",
                                            "/usr/local/bin/boutique-api",
                                            "migrate"};
  kubectl->script(migrate, fake::exited(0, "", "{\"msg\":\"database up to date\"}\n"));
  db->migrate();
  EXPECT_TRUE(ran(migrate));
}

// No database pod running (not deployed, or prod-external-db): exit 3 with what to do.
TEST_F(K8s, BackupWithoutADatabasePodSaysWhy) {
  scenario("healthy");
  auto empty = nlohmann::json::parse(database_pods());
  empty["items"] = nlohmann::json::array();
  kubectl->script({"kubectl", "--context", "minikube", "get", "pods", "-n", "boutique", "-l",
                   "app.kubernetes.io/component=database", "-o", "json"},
                  fake::exited(0, empty.dump(4) + "\n"));
  try {
    K8sTarget(*ctx).database()->attach();
    ADD_FAILURE() << "attached to no pod";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ExitCode::missing_prereq);
    EXPECT_TRUE(contains(e.what(), "no running database pod in namespace boutique")) << e.what();
    EXPECT_TRUE(contains(e.hint(), "boutique deploy")) << e.hint();
  }
}
