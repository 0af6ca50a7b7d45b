-- Live executions across nodes and restarts. An interactive run keeps its stdin open after the
-- text it was given; whichever node runs it must know, so it is kept with the execution. Rows from
-- before were never interactive.
ALTER TABLE ${prefix}executions
  ADD COLUMN interactive BOOLEAN NOT NULL DEFAULT FALSE;

-- The whole live event sequence of an ended execution, kept so that a replay after any restart is
-- the same events, numbers and text. One row per execution: a flood of tiny chunks is one write.
-- The encoding is the store's own (see EventCodec); its first byte is its version.
CREATE TABLE ${prefix}execution_events (
  execution_id BINARY(16) NOT NULL,
  events       LONGBLOB   NOT NULL,
  PRIMARY KEY (execution_id),
  CONSTRAINT ${prefix}execution_events_execution FOREIGN KEY (execution_id)
    REFERENCES ${prefix}executions (id)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;
