-- Every change to the catalogue, whoever makes it, tells every API replica to drop its list cache.
CREATE FUNCTION produits_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('produits_changed', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER produits_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON produits
  FOR EACH STATEMENT EXECUTE FUNCTION produits_notify();
