-- Agent presence is no longer published to `global` (issue #10, attack 3): what it carried named other
-- teams' agents and their metadata to everyone, and could be replayed with `since`. Drop it from the log.
DELETE FROM "events" WHERE "room" = 'global';
