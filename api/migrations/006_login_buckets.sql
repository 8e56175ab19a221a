-- Password guessing is slowed per account and per client (domain/login_throttle.hpp).
--
-- appareils: devices an account has logged in from, by the digest of the device token the API
-- handed out then. A login that presents one gets a throttle bucket of its own, so a stranger
-- guessing the password cannot lock the owner out of the browsers they already use.
CREATE TABLE appareils (
  token_hash     text PRIMARY KEY,
  utilisateur_id bigint NOT NULL REFERENCES utilisateurs(id) ON DELETE CASCADE,
  vu_le          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX appareils_vu_le_idx ON appareils (vu_le);

-- One bucket per (account, client): client is a device's token digest, or 'inconnu' for every
-- client without a known device. score counts admitted attempts, decaying with time (the API
-- computes the decay from score_le); admise_le is the last attempt let through.
CREATE TABLE tentatives_connexion (
  utilisateur_id bigint NOT NULL REFERENCES utilisateurs(id) ON DELETE CASCADE,
  client         text NOT NULL,
  score          double precision NOT NULL DEFAULT 0,
  score_le       timestamptz NOT NULL DEFAULT now(),
  admise_le      timestamptz,
  PRIMARY KEY (utilisateur_id, client)
);
CREATE INDEX tentatives_connexion_score_le_idx ON tentatives_connexion (score_le);

-- The per-account counters of 001 are no longer read or written. They stay until the next
-- migration so that replicas of the previous version keep working during a rolling upgrade.
COMMENT ON COLUMN utilisateurs.echecs_connexion IS 'unused since 006 (tentatives_connexion)';
COMMENT ON COLUMN utilisateurs.dernier_echec IS 'unused since 006 (tentatives_connexion)';
