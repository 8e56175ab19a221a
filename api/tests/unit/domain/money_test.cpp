#include "domain/money.hpp"

#include <gtest/gtest.h>

using namespace boutique::domain;

TEST(Money, ParsesExactDecimals) {
  EXPECT_EQ(parse_money("0"), 0);
  EXPECT_EQ(parse_money("12"), 1200);
  EXPECT_EQ(parse_money("12.3"), 1230);
  EXPECT_EQ(parse_money("12.34"), 1234);
  EXPECT_EQ(parse_money("0.29"), 29);
  EXPECT_EQ(parse_money("9999999999.99"), 999999999999);
}

TEST(Money, RejectsEverythingElse) {
  for (const char* bad : {"", ".", "12.", ".5", "-1", "+1", "1e3", "12.345", "1,5", " 1", "1 ",
                          "abc", "12345678901", "0x10", "1.2.3"}) {
    EXPECT_FALSE(parse_money(bad)) << bad;
  }
}

TEST(Money, FromJsonNumbers) {
  EXPECT_EQ(money_from_double(0.29), 29);  // 28.999999999999996 after scaling
  EXPECT_EQ(money_from_double(1899.0), 189900);
  EXPECT_EQ(money_from_double(64.9), 6490);
  EXPECT_EQ(money_from_double(999999.99), 99999999);
  EXPECT_FALSE(money_from_double(12.345));
  EXPECT_FALSE(money_from_double(-0.01));
  EXPECT_FALSE(money_from_double(1e300));
  // More decimals than cents, whatever the magnitude (a relative tolerance let these in).
  EXPECT_FALSE(money_from_double(12345.678));
  EXPECT_FALSE(money_from_double(999999.999));
  EXPECT_FALSE(money_from_double(0.001));
  EXPECT_FALSE(money_from_double(1e-7));
  EXPECT_EQ(money_from_double(19.9), 1990);
  EXPECT_EQ(money_from_double(0.1 + 0.2), std::nullopt) << "0.30000000000000004 is not 0.30";
  EXPECT_EQ(money_from_double(1e6), 100000000);
}

TEST(Money, FormatsTwoDecimals) {
  EXPECT_EQ(format_money(0), "0.00");
  EXPECT_EQ(format_money(5), "0.05");
  EXPECT_EQ(format_money(6490), "64.90");
  EXPECT_EQ(format_money(-150), "-1.50");
}
