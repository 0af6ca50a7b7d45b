-- API keys kept in the store (the server's `keys create|list|revoke`). Only the SHA-256 of a
-- key is kept: keys are 32 random bytes, so a fast digest is as good as a slow one here.
CREATE TABLE ${prefix}api_keys (
  id          VARCHAR(64)   NOT NULL,
  tenant      VARCHAR(128)  NOT NULL,
  key_sha256  CHAR(64)      NOT NULL,
  key_prefix  VARCHAR(12)   NOT NULL,
  options     VARCHAR(1024) NOT NULL,
  created_at  DATETIME(6)   NOT NULL,
  revoked_at  DATETIME(6)   NULL,
  PRIMARY KEY (id),
  UNIQUE KEY ${prefix}api_keys_sha256 (key_sha256)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;
