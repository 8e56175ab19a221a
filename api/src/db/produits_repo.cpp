#include "db/produits_repo.hpp"

#include <stdexcept>

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

domain::Produit from_row(const pqxx::row& r) {
  domain::Produit p;
  p.id = r[0].as<std::int64_t>();
  p.nom = r[1].c_str();
  p.categorie = r[2].c_str();
  // numeric(12,2) as text ("1899.00"): exact; the column's CHECK keeps it in parse_money's range.
  const auto prix = domain::parse_money(r[3].c_str());
  if (!prix) throw std::runtime_error(std::string("produits.prix out of range: ") + r[3].c_str());
  p.prix = *prix;
  p.stock = r[4].as<int>();
  p.description = r[5].c_str();
  p.image_url = r[6].c_str();
  p.created_at = r[7].c_str();
  p.updated_at = r[8].c_str();
  return p;
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
  page.produits.reserve(rows.size());
  for (const auto& row : rows) page.produits.push_back(from_row(row));
  if (!rows.empty()) {
    page.total = rows[0][9].as<long long>();
  } else {
    page.total = tx.exec_prepared1("produits_count", opt(query.categorie), opt(pattern), opt(min),
                                   opt(max))[0]
                     .as<long long>();
  }
  return page;
}

std::optional<domain::Produit> find_produit(pqxx::connection& conn, std::int64_t id) {
  pqxx::nontransaction tx(conn);
  const auto rows = tx.exec_prepared("produits_get", id);
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

domain::Produit insert_produit(pqxx::connection& conn, const domain::ProduitInput& in) {
  pqxx::work tx(conn);
  const auto row =
      tx.exec_prepared1("produits_insert", *in.nom, *in.categorie, domain::format_money(*in.prix),
                        *in.stock, opt(in.description), opt(in.image_url));
  tx.commit();
  return from_row(row);
}

std::optional<domain::Produit> update_produit(pqxx::connection& conn, std::int64_t id,
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
  return from_row(rows[0]);
}

bool delete_produit(pqxx::connection& conn, std::int64_t id) {
  pqxx::work tx(conn);
  const auto result = tx.exec_prepared("produits_delete", id);
  tx.commit();
  return result.affected_rows() > 0;
}

std::vector<domain::Categorie> list_categories(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  std::vector<domain::Categorie> out;
  for (const auto& r : tx.exec_prepared("categories_list"))
    out.push_back({r[0].c_str(), r[1].as<std::int64_t>()});
  return out;
}

}  // namespace boutique::db
