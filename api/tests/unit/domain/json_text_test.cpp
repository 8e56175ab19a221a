#include "domain/json_text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string_view>
#include <vector>

using namespace boutique::domain;

TEST(JsonText, EscapesWhatMustBeEscaped) {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\nd\te\x01 é"));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\te\\u0001 é\"");
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), std::string("a\"b\\c\nd\te\x01 é"));
}

TEST(JsonText, WritesArrays) {
  const auto write = [](std::string& out, std::string_view s) { append_json_string(out, s); };
  std::string out = "x";
  append_json_array(out, std::vector<std::string_view>{}, write);
  EXPECT_EQ(out, "x[]") << "appends to what is there";
  out.clear();
  append_json_array(out, std::vector<std::string_view>{"a", "b", "c"}, write);
  EXPECT_EQ(out, R"(["a","b","c"])");
}

TEST(JsonText, RoundTripsEveryControlCharacter) {
  std::string raw;
  for (int c = 0; c < 0x20; ++c) raw.push_back(static_cast<char>(c));
  std::string out;
  append_json_string(out, raw);
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), raw);
}

TEST(JsonText, ValidatesUtf8) {
  EXPECT_TRUE(valid_utf8("Écrans et claviers — 100 %"));
  EXPECT_FALSE(valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(valid_utf8("\xFF"));
  EXPECT_EQ(utf8_length("Écran"), 5u);
}

TEST(JsonText, MeasuresNestingWithoutParsing) {
  EXPECT_EQ(json_nesting_depth(R"({"a":[1,{"b":2}]})", 64), 3u);
  EXPECT_EQ(json_nesting_depth(R"({"a":"[[[[[["})", 64),
            1u);  // brackets inside strings do not count
  EXPECT_EQ(json_nesting_depth(R"(["\"[[["])", 64), 1u);
  EXPECT_GT(json_nesting_depth(std::string(100000, '['), 64), 64u);
}
