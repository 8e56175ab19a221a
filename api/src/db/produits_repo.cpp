#include "db/produits_repo.hpp"

#include "domain/json_text.hpp"

namespace boutique::db {
namespace {

constexpr const char* kColumns =
    "id, nom, categorie, prix::text, stock, description, image_url,"
    " to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";

constexpr const char* kFilters =
    " WHERE ($1::text IS NULL OR categorie = $1)"
    " AND ($2::text IS NULL OR nom ILIKE $2 OR description ILIKE $2)"
    " AND ($3::numeric IS NULL OR prix >= $3::numeric)"
    " AND ($4::numeric IS NULL OR prix <= $4::numeric)";

// Sort keys name the table's columns (produits.prix): a bare "prix" would pick the prix::text
// output column and sort prices as text ("159.90" < "64.90").
struct Order {
  domain::Tri tri;
  const char* statement;
  const char* order_by;
};
constexpr Order kOrders[] = {
    {domain::Tri::kId, "produits_list_id", "id"},
    {domain::Tri::kPrix, "produits_list_prix", "produits.prix, id"},
    {domain::Tri::kPrixDesc, "produits_list_prix_desc", "produits.prix DESC, id"},
    {domain::Tri::kNom, "produits_list_nom", "produits.nom COLLATE \"und-x-icu\", id"},
    {domain::Tri::kRecent, "produits_list_recent", "created_at DESC, id DESC"},
};

void append_produit(std::string& out, const pqxx::row& r) {
  out += "{\"id\":";
  out += r[0].c_str();
  out += ",\"nom\":";
  domain::append_json_string(out, r[1].c_str());
  out += ",\"categorie\":";
  domain::append_json_string(out, r[2].c_str());
  out += ",\"prix\":";
  out += r[3].c_str();  // numeric(12,2) text: "1899.00" — exact, and a valid JSON number
  out += ",\"stock\":";
  out += r[4].c_str();
  out += ",\"description\":";
  domain::append_json_string(out, r[5].c_str());
  out += ",\"image_url\":";
  domain::append_json_string(out, r[6].c_str());
  out += ",\"created_at\":\"";
  out += r[7].c_str();
  out += "\",\"updated_at\":\"";
  out += r[8].c_str();
  out += "\"}";
}

std::string one_produit(const pqxx::row& r) {
  std::string out;
  out.reserve(512);
  append_produit(out, r);
  return out;
}

const char* opt(const std::optional<std::string>& s) {
  return s ? s->c_str() : nullptr;
}

}  // namespace

void prepare_produits(pqxx::connection& conn) {
  const std::string select =
      std::string("SELECT ") + kColumns + ", count(*) OVER () FROM produits" + kFilters;
  for (const auto& o : kOrders) {
    conn.prepare(o.statement, select + " ORDER BY " + o.order_by + " LIMIT $5 OFFSET $6");
  }
  conn.prepare("produits_count", std::string("SELECT count(*) FROM produits") + kFilters);
  conn.prepare("produits_get", std::string("SELECT ") + kColumns + " FROM produits WHERE id = $1");
  conn.prepare(
      "produits_insert",
      std::string("INSERT INTO produits (nom, categorie, prix, stock, description, image_url)"
                  " VALUES ($1, $2, $3::numeric, $4::integer, coalesce($5, ''), coalesce($6, ''))"
                  " RETURNING ") +
          kColumns);
  // PATCH keeps what is not given (NULL); PUT passes every column.
  conn.prepare(
      "produits_update",
      std::string(
          "UPDATE produits SET nom = coalesce($2, nom), categorie = coalesce($3, categorie),"
          " prix = coalesce($4::numeric, prix), stock = coalesce($5::integer, stock),"
          " description = coalesce($6, description), image_url = coalesce($7, image_url),"
          " updated_at = now() WHERE id = $1 RETURNING ") +
          kColumns);
  conn.prepare("produits_delete", "DELETE FROM produits WHERE id = $1");
  conn.prepare("categories_list",
               "SELECT categorie, count(*) FROM produits GROUP BY categorie ORDER BY categorie "
               "COLLATE \"und-x-icu\"");
}

ProduitsPage list_produits(pqxx::connection& conn, const domain::ProduitQuery& query) {
  const char* statement = kOrders[0].statement;
  for (const auto& o : kOrders) {
    if (o.tri == query.tri) statement = o.statement;
  }
  const std::optional<std::string> pattern =
      query.q ? std::optional(domain::like_pattern(*query.q)) : std::nullopt;
  const std::optional<std::string> min =
      query.min_prix ? std::optional(domain::format_money(*query.min_prix)) : std::nullopt;
  const std::optional<std::string> max =
      query.max_prix ? std::optional(domain::format_money(*query.max_prix)) : std::nullopt;

  pqxx::nontransaction tx(conn);
  const auto rows = tx.exec_prepared(statement, opt(query.categorie), opt(pattern), opt(min),
                                     opt(max), query.par_page, query.offset());
  ProduitsPage page;
  page.json.reserve(rows.size() * 400 + 2);
  page.json.push_back('[');
  for (pqxx::result::size_type i = 0; i < rows.size(); ++i) {
    if (i > 0) page.json.push_back(',');
    append_produit(page.json, rows[i]);
  }
  page.json.push_back(']');
  if (!rows.empty()) {
    page.total = rows[0][9].as<long long>();
  } else {
    page.total = tx.exec_prepared1("produits_count", opt(query.categorie), opt(pattern), opt(min),
                                   opt(max))[0]
                     .as<long long>();
  }
  return page;
}

std::optional<std::string> find_produit(pqxx::connection& conn, std::int64_t id) {
  pqxx::nontransaction tx(conn);
  const auto rows = tx.exec_prepared("produits_get", id);
  if (rows.empty()) return std::nullopt;
  return one_produit(rows[0]);
}

Created insert_produit(pqxx::connection& conn, const domain::ProduitInput& in) {
  pqxx::work tx(conn);
  const auto row =
      tx.exec_prepared1("produits_insert", *in.nom, *in.categorie, domain::format_money(*in.prix),
                        *in.stock, opt(in.description), opt(in.image_url));
  tx.commit();
  return {row[0].as<std::int64_t>(), one_produit(row)};
}

std::optional<std::string> update_produit(pqxx::connection& conn, std::int64_t id,
                                          const domain::ProduitInput& in, bool replace) {
  const std::optional<std::string> prix =
      in.prix ? std::optional(domain::format_money(*in.prix)) : std::nullopt;
  const std::optional<std::string> stock =
      in.stock ? std::optional(std::to_string(*in.stock)) : std::nullopt;
  // PUT replaces the whole product: optional members not given go back to "".
  const std::optional<std::string> empty = replace ? std::optional<std::string>("") : std::nullopt;
  pqxx::work tx(conn);
  const auto rows = tx.exec_prepared(
      "produits_update", id, opt(in.nom), opt(in.categorie), opt(prix), opt(stock),
      opt(in.description ? in.description : empty), opt(in.image_url ? in.image_url : empty));
  tx.commit();
  if (rows.empty()) return std::nullopt;
  return one_produit(rows[0]);
}

bool delete_produit(pqxx::connection& conn, std::int64_t id) {
  pqxx::work tx(conn);
  const auto result = tx.exec_prepared("produits_delete", id);
  tx.commit();
  return result.affected_rows() > 0;
}

std::string list_categories(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  const auto rows = tx.exec_prepared("categories_list");
  std::string out = "[";
  for (pqxx::result::size_type i = 0; i < rows.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += "{\"nom\":";
    domain::append_json_string(out, rows[i][0].c_str());
    out += ",\"nombre_produits\":";
    out += rows[i][1].c_str();
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

}  // namespace boutique::db
