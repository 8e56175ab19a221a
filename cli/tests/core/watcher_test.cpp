// core::Watcher against the real kernel: files saved in a temporary tree, the way editors and git
// write them.
#include "core/watcher.hpp"

#include "core/errors.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace boutique::core {
namespace {

class WatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("boutique-watch-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "src" / "http");
    fs::create_directories(root_ / "node_modules" / "vite");
    fs::create_directories(root_ / "build" / "bin");
  }
  void TearDown() override { fs::remove_all(root_); }
  static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
  WatchOptions options() const {
    WatchOptions o;
    o.roots = {root_};
    return o;
  }
  fs::path root_;
};

TEST_F(WatcherTest, ASavedFileInASubdirectoryIsReported) {
  Watcher w(options());
  EXPECT_EQ(w.watched_directories(), 3u) << "root, src, src/http: node_modules and build ignored";
  write(root_ / "src" / "http" / "server.cpp", "int x;\n");
  const auto batch = w.wait(5s);
  EXPECT_EQ(batch.paths, std::set<fs::path>{root_ / "src" / "http" / "server.cpp"});
  EXPECT_FALSE(batch.overflow);
  EXPECT_TRUE(w.wait(300ms).empty()) << "one save, one batch";
}

TEST_F(WatcherTest, ABurstOfSavesIsOneBatch) {
  Watcher w(options());
  // A save every 40 ms for ~0.4 s (under the 150 ms quiet period): one batch with every file.
  std::thread saver([this] {
    for (int i = 0; i < 10; ++i) {
      write(root_ / "src" / ("f" + std::to_string(i % 3) + ".cpp"), std::to_string(i));
      std::this_thread::sleep_for(40ms);
    }
  });
  const auto batch = w.wait(5s);
  saver.join();
  EXPECT_EQ(batch.paths.size(), 3u);
  const auto rest = w.wait(300ms);
  EXPECT_TRUE(rest.empty()) << rest.paths.size() << " more paths in a second batch";
}

TEST_F(WatcherTest, AnEndlessStreamOfSavesStillGivesABatchAfterTheLongestWait) {
  auto o = options();
  o.longest = 500ms;
  Watcher w(o);
  std::atomic<bool> stop{false};
  std::thread saver([this, &stop] {
    for (int i = 0; !stop; ++i) {
      write(root_ / "src" / "busy.cpp", std::to_string(i));
      std::this_thread::sleep_for(20ms);
    }
  });
  const auto t0 = std::chrono::steady_clock::now();
  const auto batch = w.wait(5s);
  const auto took = std::chrono::steady_clock::now() - t0;
  stop = true;
  saver.join();
  EXPECT_EQ(batch.paths, std::set<fs::path>{root_ / "src" / "busy.cpp"});
  EXPECT_LT(took, 3s);
}

TEST_F(WatcherTest, IgnoredDirectoriesAndEditorScratchFilesAreNotReported) {
  Watcher w(options());
  write(root_ / "node_modules" / "vite" / "index.js", "x");
  write(root_ / "build" / "bin" / "boutique-api", "x");
  write(root_ / "src" / ".server.cpp.swp", "x");
  write(root_ / "src" / "4913", "x");
  write(root_ / "src" / "server.cpp~", "x");
  fs::create_directories(root_ / "src" / "node_modules" / "deep");
  write(root_ / "src" / "node_modules" / "deep" / "a.js", "x");
  EXPECT_TRUE(w.wait(500ms).empty());
}

// vim, VS Code and most editors save by writing a new file and renaming it over the old one.
TEST_F(WatcherTest, ASaveByRenameIsReportedUnderTheFinalName) {
  write(root_ / "src" / "main.cpp", "old");
  Watcher w(options());
  write(root_ / "src" / "main.cpp.tmp", "new");
  fs::rename(root_ / "src" / "main.cpp.tmp", root_ / "src" / "main.cpp");
  EXPECT_EQ(w.wait(5s).paths, std::set<fs::path>{root_ / "src" / "main.cpp"});
}

// `sed -i` writes a temporary file (sedXXXXXX) and renames it over the file it edits: only the
// edited file changed.
TEST_F(WatcherTest, ATemporaryFileRenamedOverTheEditedOneIsNotReported) {
  write(root_ / "src" / "handler.cpp", "old");
  Watcher w(options());
  ASSERT_EQ(std::system(("sed -i s/old/new/ " + (root_ / "src" / "handler.cpp").string()).c_str()),
            0);
  EXPECT_EQ(w.wait(5s).paths, std::set<fs::path>{root_ / "src" / "handler.cpp"});
  // A file deleted during the burst that existed before it is a change, though.
  write(root_ / "src" / "gone.cpp", "x");
  EXPECT_FALSE(w.wait(5s).empty());
  fs::remove(root_ / "src" / "gone.cpp");
  EXPECT_EQ(w.wait(5s).paths, std::set<fs::path>{root_ / "src" / "gone.cpp"});
}

TEST_F(WatcherTest, DirectoriesCreatedLaterAreWatchedAndTheirFilesReported) {
  Watcher w(options());
  // `git checkout` or `mkdir -p && cp`: the directory and its first file come before the watch.
  fs::create_directories(root_ / "src" / "domain" / "orders");
  write(root_ / "src" / "domain" / "orders" / "order.cpp", "a");
  auto first = w.wait(5s);
  EXPECT_TRUE(first.paths.count(root_ / "src" / "domain" / "orders" / "order.cpp"));
  // ... and what is saved there afterwards.
  write(root_ / "src" / "domain" / "orders" / "line.cpp", "b");
  EXPECT_EQ(w.wait(5s).paths, std::set<fs::path>{root_ / "src" / "domain" / "orders" / "line.cpp"});
  EXPECT_EQ(w.watched_directories(), 5u);
}

TEST_F(WatcherTest, DeletedFilesAndDirectoriesAreReportedAndForgotten) {
  write(root_ / "src" / "http" / "old.cpp", "x");
  Watcher w(options());
  fs::remove(root_ / "src" / "http" / "old.cpp");
  EXPECT_EQ(w.wait(5s).paths, std::set<fs::path>{root_ / "src" / "http" / "old.cpp"});
  fs::remove_all(root_ / "src" / "http");
  EXPECT_FALSE(w.wait(5s).empty());
  EXPECT_EQ(w.watched_directories(), 2u);
}

TEST(EditorScratch, KnownPatterns) {
  for (const char* n : {"4913", ".main.cpp.swp", ".#main.cpp", "#main.cpp#", "main.cpp~", "x.swx"})
    EXPECT_TRUE(is_editor_scratch(n)) << n;
  for (const char* n : {"main.cpp", "App.tsx", "007_orders.sql", "#include"})
    EXPECT_FALSE(is_editor_scratch(n)) << n;
}

TEST(WatcherSetup, AMissingRootIsAClearError) {
  WatchOptions o;
  o.roots = {"/nonexistent/boutique/api"};
  EXPECT_THROW(Watcher{o}, ConfigError);
}

}  // namespace
}  // namespace boutique::core
