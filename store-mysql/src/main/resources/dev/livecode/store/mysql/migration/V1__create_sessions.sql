-- Code sessions (issue 4). ${prefix} is the table prefix chosen in MySqlStore.builder().
-- Written in the SQL that MySQL 8.0+ and MariaDB 10.6+ both accept.
-- utf8mb4_bin: text is kept and compared byte for byte (emoji, 4-byte characters, case).
CREATE TABLE ${prefix}sessions (
  id          BINARY(16)   NOT NULL,
  owner       VARCHAR(255) NOT NULL,
  language    VARCHAR(64)  NOT NULL,
  -- MEDIUMTEXT holds 16 MiB of UTF-8; the engine caps source at 256 KiB by default.
  source_code MEDIUMTEXT   NOT NULL,
  version     BIGINT       NOT NULL,
  created_at  DATETIME(6)  NOT NULL,
  updated_at  DATETIME(6)  NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;
