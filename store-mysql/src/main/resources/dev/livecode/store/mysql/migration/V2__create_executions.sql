-- Executions (issue 4): one row per Run, with the session's language and source snapshotted
-- when it was created, and its result once it has one. Times are UTC.
CREATE TABLE ${prefix}executions (
  -- Grows with every insert: the key of "a session's executions, newest first" pagination.
  seq                BIGINT       NOT NULL AUTO_INCREMENT,
  id                 BINARY(16)   NOT NULL,
  session_id         BINARY(16)   NOT NULL,
  language           VARCHAR(64)  NOT NULL,
  source_code        MEDIUMTEXT   NOT NULL,
  stdin              MEDIUMTEXT   NOT NULL,
  wall_time_ms       BIGINT       NOT NULL,
  cpu_time_ms        BIGINT       NOT NULL,
  memory_bytes       BIGINT       NOT NULL,
  max_processes      INT          NOT NULL,
  max_file_bytes     BIGINT       NOT NULL,
  max_output_bytes   BIGINT       NOT NULL,
  -- The client's Idempotency-Key as given, and its SHA-256, which the unique index uses:
  -- exact bytes (no case folding, no trailing-space padding) and any length.
  idempotency_key    TEXT         NULL,
  idempotency_hash   BINARY(32)   NULL,
  status             VARCHAR(16)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  queued_at          DATETIME(6)  NOT NULL,
  started_at         DATETIME(6)  NULL,
  finished_at        DATETIME(6)  NULL,
  -- LONGTEXT: output is capped in bytes before decoding, and each undecodable byte becomes a
  -- 3-byte replacement character, so a capped stream can exceed MEDIUMTEXT's 16 MiB.
  stdout             LONGTEXT     NULL,
  stderr             LONGTEXT     NULL,
  exit_code          INT          NULL,
  exit_signal        INT          NULL,
  failure_reason     VARCHAR(32)  CHARACTER SET ascii COLLATE ascii_bin NULL,
  stdout_truncated   BOOLEAN      NOT NULL DEFAULT FALSE,
  stderr_truncated   BOOLEAN      NOT NULL DEFAULT FALSE,
  execution_time_ms  BIGINT       NULL,
  PRIMARY KEY (seq),
  UNIQUE KEY ${prefix}executions_id (id),
  -- Several NULL hashes are allowed: only runs with a key are deduplicated.
  UNIQUE KEY ${prefix}executions_idempotency (session_id, idempotency_hash),
  KEY ${prefix}executions_session_seq (session_id, seq),
  KEY ${prefix}executions_status_seq (status, seq),
  CONSTRAINT ${prefix}executions_session FOREIGN KEY (session_id) REFERENCES ${prefix}sessions (id)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;
