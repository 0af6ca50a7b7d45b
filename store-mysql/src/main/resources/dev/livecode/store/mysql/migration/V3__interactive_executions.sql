-- An interactive run keeps its stdin open after the text it was given; whichever node runs it
-- must know, so it is kept with the execution. Rows from before were never interactive.
ALTER TABLE ${prefix}executions
  ADD COLUMN interactive BOOLEAN NOT NULL DEFAULT FALSE;
