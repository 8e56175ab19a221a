-- lignes_commande.produit_id references produits ON DELETE SET NULL: without an index, deleting a
-- product scans every order line while it holds the product's row lock, and with a real order
-- history that delete reaches statement_timeout while orders for the product wait on the lock.
CREATE INDEX lignes_commande_produit_id_idx ON lignes_commande (produit_id);
