-- Only changes to what the catalogue shows besides stock tell the replicas to drop their list cache.
-- Every order updates its products' stock: with the trigger of 002 each order sent a NOTIFY, which
-- wiped every replica's cache and serialised the commits of all notifying transactions on
-- PostgreSQL's global notify lock, held through the WAL flush. Stock stays fresh another way: a
-- cached list lives at most one second (http/list_cache.hpp), and an order never trusts a shown
-- stock (the decrement is conditional).
DROP TRIGGER produits_changed ON produits;

CREATE TRIGGER produits_changed
  AFTER INSERT OR DELETE OR TRUNCATE ON produits
  FOR EACH STATEMENT EXECUTE FUNCTION produits_notify();

CREATE TRIGGER produits_catalogue_changed
  AFTER UPDATE OF nom, categorie, prix, description, image_url ON produits
  FOR EACH STATEMENT EXECUTE FUNCTION produits_notify();
